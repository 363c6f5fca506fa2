"""Every kiosk setting, declared once.

Each `Setting` has its name, default, type and one line of help. The app
factory reads the defaults, then `instance/config.py`, then `KIOSK_*`
environment variables; the README's configuration table is checked against
this list by a test, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from typing import Any

from appkit import settings as declared
from appkit.settings import Setting, parse_bool

from .sync_agent.schedule import window_setting

SETTINGS: tuple[Setting, ...] = (
    Setting("ID", "kiosk-01", str,
            "This kiosk's identifier; part of every record's origin and of the sync credential."),
    Setting("OFFICE_NAME", "人大常委会信访接待室", str,
            "The office's name, shown on the welcome screen and printed on every slip."),
    Setting("INSTANCE_PATH", "", str,
            "Folder for the database, secret key and print previews; empty means instance/ in the checkout."),
    Setting("DATABASE_URL", "", str,
            "SQLAlchemy URL of the kiosk's SQLite database (sqlite:///…); empty means instance/kiosk.sqlite3."),
    Setting("SQLITE_BUSY_TIMEOUT_MS", 5000, int,
            "How long a SQLite connection waits for the write lock before giving up."),
    Setting("WAITING_AREA", "", str,
            "Where visitors sit while waiting, shown on the ticket screen; empty uses the standard text."),
    Setting("IDLE_SECONDS", 60, int,
            "Seconds without a touch before the touch screen asks whether the visitor is still there."),
    Setting("IDLE_COUNTDOWN_SECONDS", 20, int,
            "Seconds of the 'still there?' countdown before everything entered is cleared."),
    Setting("DEFAULT_LOCALE", "zh_Hans_CN", str,
            "Language of the touch screen when a visitor starts (zh_Hans_CN or en)."),
    Setting("PRINTER_URL", "preview", str,
            "Ticket printer: 'preview' (files under instance/prints), a device path, "
            "socket://host:9100 or any pyserial URL."),
    Setting("PRINTER_BAUDRATE", 9600, int, "Serial baud rate of the ticket printer."),
    Setting("PRINTER_PARITY", "N", str, "Serial parity of the ticket printer: N, E or O."),
    Setting("PRINTER_RTSCTS", False, parse_bool, "Use RTS/CTS hardware flow control with the printer."),
    Setting("PRINTER_XONXOFF", False, parse_bool, "Use XON/XOFF software flow control with the printer."),
    Setting("PRINTER_PAPER_MM", 80, int, "Paper width of the ticket printer: 58 or 80."),
    Setting("PRINTER_WRITE_TIMEOUT", 2.0, float, "Seconds one write to the printer may block."),
    Setting("PRINTER_JOB_TIMEOUT", 10.0, float, "Seconds one whole print job may take before it fails."),
    Setting("PRINTER_QR_URL", "", str,
            "Prefix of the query code's QR payload (the central lookup address); empty prints the code alone."),
    Setting("CARD_READER_URL", "", str,
            "ID card reader (二代证阅读器): a device path such as /dev/ttyUSB0, socket://host:port "
            "or any pyserial URL; empty means the kiosk has no reader."),
    Setting("CARD_READER_BAUDRATE", 115200, int, "Serial baud rate of the ID card reader."),
    Setting("CARD_READER_TIMEOUT", 1.0, float,
            "Seconds the ID card reader may take to answer one command."),
    Setting("CARD_READER_WAIT_SECONDS", 10.0, float,
            "Seconds `flask card-reader read` waits for a card to be laid on the reader."),
    Setting("CARD_READER_SCREEN_WAIT_SECONDS", 3.0, float,
            "Seconds the identity screen's 读取身份证 button waits for a card."),
    Setting("WINDOWS", 3, int,
            "How many reception windows (窗口1…n) the staff console and the waiting-room display know."),
    Setting("STAFF_IDLE_MINUTES", 15, int,
            "Minutes without a request before a staff member is signed out of the console."),
    Setting("SIGN_IN_ATTEMPTS", 5, int,
            "Failed sign-ins from one address that lock that account from that address."),
    Setting("SIGN_IN_LOCK_MINUTES", 15, int,
            "How long those failed sign-ins count, and so how long the lock lasts."),
    Setting("SIGN_IN_ADDRESS_ATTEMPTS", 10, int,
            "Failed sign-ins from one address, whatever the names tried, that refuse every "
            "sign-in from there for the lock time."),
    Setting("TRUSTED_PROXIES", 0, int,
            "How many reverse proxies stand in front of the kiosk (each adds X-Forwarded-For); "
            "0 when browsers connect directly."),
    Setting("HTTPS", False, parse_bool,
            "The console is served over HTTPS (behind a TLS proxy): session cookies are then sent "
            "over HTTPS only (Secure)."),
    Setting("PDF_FONT", "", str,
            "Path of a Chinese TrueType font for PDF documents; empty searches the system fonts."),
    Setting("SYNC_URL", "", str,
            "Address of the central office's app (https://…); empty means this kiosk does not sync."),
    Setting("SYNC_KEY", "", str,
            "This kiosk's sync credential, printed once by `flask --app central kiosk add`."),
    Setting("SYNC_CA_FILE", "", str,
            "CA certificate file to verify the central office's TLS certificate; empty uses the system CAs."),
    Setting("SYNC_TIMEOUT", 30.0, float, "Seconds one sync request may take before it is retried."),
    Setting("SYNC_WINDOW", "01:00-05:00", window_setting,
            "Nightly sync window in Asia/Shanghai time; each kiosk picks its own minute in it."),
    Setting("SYNC_BATCH_RECORDS", 500, int, "Records per push batch (at most 500; batches also stop at 1 MB)."),
    Setting("BACKUP_DIR", "", str,
            "Folder for the database backups (a second disk or a USB stick); empty means backups/ "
            "in the instance folder."),
    Setting("BACKUP_KEEP_DAILY", 7, int,
            "Backups kept: the newest of each of the last N days that have one."),
    Setting("BACKUP_KEEP_WEEKLY", 4, int,
            "Backups kept besides: the newest of each of the last N weeks that have one."),
    Setting("BACKUP_MAX_AGE_HOURS", 36, int,
            "A last backup older than this is reported as stopped (console, /healthz, the office)."),
    Setting("SETTINGS_FILE", "", str,
            "The settings file the install wrote (/etc/jiedai/kiosk.env); backed up beside the "
            "instance secret."),
    Setting("RETENTION_DAYS", 90, int,
            "Days after the office closed a case before its petitioner's name, ID number, phone "
            "and address are removed from this kiosk."),
    Setting("PRINT_PREVIEW_DAYS", 7, int,
            "Days print previews (instance/prints) are kept."),
    Setting("LOG_DAYS", 90, int,
            "Days log files in instance/logs (upgrade and restore reports) are kept."),
    Setting("DISK_LOW_MB", 500, int,
            "Free space on the database's disk below which the console shows a warning."),
    Setting("SPEECH_DIR", "", str,
            "Folder of the display's spoken clips (请, 号, 到, 窗口, digits, letters as WAV); empty "
            "means speech/ in the instance folder. Recorded files dropped there replace the "
            "generated ones."),
)

BY_NAME = {setting.name: setting for setting in SETTINGS}


def defaults(settings: tuple[Setting, ...] = SETTINGS) -> dict[str, Any]:
    """The default configuration, keyed as the app config uses it (KIOSK_*)."""
    return declared.defaults(settings)


def from_environ(environ, settings: tuple[Setting, ...] = SETTINGS) -> dict[str, Any]:
    """Parse every KIOSK_* variable that is set; a bad value fails loudly at start."""
    return declared.from_environ(environ, settings)
