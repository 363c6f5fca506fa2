"""The calling queue (叫号): waiting tickets, calls to windows, what the display shows."""
