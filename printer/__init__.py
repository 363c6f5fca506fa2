"""Printing for the kiosk: one receipt model, several renderers, and the ports.

`receipt` holds the model and wrapping, `escpos` turns it into printer
bytes, `render` into plain text and HTML, `ticket` lays out the queue
ticket, `transport` opens printers and runs print jobs, `documents` makes
the formal PDFs, `qr` draws QR codes for the HTML preview and `bench`
measures it all. Nothing here imports Flask; importing the package does no
work.
"""
