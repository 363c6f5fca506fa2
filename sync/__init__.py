"""What both ends of the sync share: the wire format, signing and field rules (`sync.protocol`).

The kiosk's agent lives with the kiosk (`kiosk.sync_agent`), the receiver
with the office app (`central`); neither is imported here.
"""
