"""A kiosk's history, generated: years of a busy hall, made by the kiosk's own operations.

`generate(app, years, per_day, seed, today)` fills the app's (migrated) database
with `years` × 250 working days of visits up to `today`: tickets taken on the
touch screen, called, received and finished at the windows, registrations
saved, cases decided with the window's steps, the office's facts applied as
the sync agent applies them, print jobs and the staff's views in the audit
log. Every step is the project's operation with an explicit `now`, so the
rows are what a real hall would leave; each day commits once.

`flask --app kiosk demo-history --years 3` runs it; tests (tests/support/history.py)
and `make bench` (bench/history.py) cache its result keyed by `VERSION`.
"""

from __future__ import annotations

from .hall import Summary, generate

#: Change when what `generate` makes changes, so cached histories are made again.
VERSION = "1"

__all__ = ["VERSION", "Summary", "generate"]
