"""Visits and tickets: what the touch screen registers."""
