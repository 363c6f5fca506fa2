"""Every central office setting, declared once (CENTRAL_* environment variables).

The same `Setting` declaration as the kiosk's, with its own prefix; the README's
central configuration table is checked against this list by a test.
"""

from __future__ import annotations

from appkit.settings import Setting, parse_bool

SETTINGS: tuple[Setting, ...] = (
    Setting("INSTANCE_PATH", "", str,
            "Folder for the database and the secret key; empty means instance-central/ in the checkout.",
            prefix="CENTRAL"),
    Setting("DATABASE_URL", "", str,
            "SQLAlchemy URL of the central database, e.g. postgresql+psycopg://user@host/jiedai; "
            "empty means SQLite at instance-central/central.sqlite3.", prefix="CENTRAL"),
    Setting("SECRET_KEY", "", str,
            "Master secret from which every kiosk's credential is derived; empty means "
            "instance-central/secret_key, made once (mode 0600).", prefix="CENTRAL"),
    Setting("MAX_SKEW_SECONDS", 300, int,
            "Clock difference between a kiosk and the central office beyond which requests are refused.",
            prefix="CENTRAL"),
    Setting("PULL_LIMIT", 500, int, "Most changes sent back to a kiosk in one answer.", prefix="CENTRAL"),
    Setting("PROGRESS_PER_MINUTE", 20, int,
            "Progress-page lookups allowed per address per minute.", prefix="CENTRAL"),
    Setting("STAFF_IDLE_MINUTES", 15, int,
            "Minutes without activity after which the case desk signs its user out.", prefix="CENTRAL"),
    Setting("SIGN_IN_ATTEMPTS", 5, int,
            "Failed sign-ins that lock a desk account from that address.", prefix="CENTRAL"),
    Setting("SIGN_IN_LOCK_MINUTES", 15, int,
            "How long those failures count and the lock lasts.", prefix="CENTRAL"),
    Setting("SIGN_IN_ADDRESS_ATTEMPTS", 10, int,
            "Failed desk sign-ins from one address, whatever the names tried, that refuse every "
            "sign-in from there for the lock time.", prefix="CENTRAL"),
    Setting("TRUSTED_PROXIES", 0, int,
            "How many reverse proxies stand in front of the app (each adds X-Forwarded-For); "
            "0 when clients connect directly.", prefix="CENTRAL"),
    Setting("HTTPS", False, parse_bool,
            "The desk and the progress page are served over HTTPS (behind a TLS proxy): session "
            "cookies are then sent over HTTPS only (Secure).", prefix="CENTRAL"),
    Setting("RETENTION_CLOSED_DAYS", 0, int,
            "Days after the office closed a case before `flask --app central retention` removes "
            "its petitioner's personal fields; 0 keeps every record (the archive rules decide).",
            prefix="CENTRAL"),
    Setting("OFFICE_NAME", "人大常委会信访办公室", str,
            "The office's name, printed on its 督办单 and reports.", prefix="CENTRAL"),
    Setting("PDF_FONT", "", str,
            "A Chinese TrueType font (.ttf/.ttc) for the office's PDFs; empty finds WenQuanYi Zen Hei.",
            prefix="CENTRAL"),
)

BY_NAME = {setting.name: setting for setting in SETTINGS}
