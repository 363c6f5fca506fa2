"""Sync between the kiosks and the central office: the shared protocol (`sync.protocol`),
the kiosk's agent (`sync.agent`) and the central app (`sync.central`)."""
