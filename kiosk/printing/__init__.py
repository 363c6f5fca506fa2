"""Printing tickets from the kiosk: print jobs, the worker that owns the port, the CLI.

The `printer` package knows receipts and bytes; this package knows visits,
job rows and the app's configuration.
"""
