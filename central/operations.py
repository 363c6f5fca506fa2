"""The office's kiosks: their credentials, signed requests, and what each has sent.

A kiosk's credential is not stored: it is HMAC-SHA256 of the central secret
over the kiosk's id and a salt, so a copy of the database alone cannot sign.
`authenticate` checks a request's signature, clock and nonce. The receiver's
other halves are `ingest` (push) and `feed` (pull).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from sync import protocol

from .extensions import db
from .models import MIRRORS, Kiosk, SeenNonce


class CentralError(Exception):
    """An expected refusal, turned into a JSON error by the API; `refused` names the records of a
    batch that were refused (sync.protocol.Refusal), so the kiosk can hold them aside."""

    def __init__(self, status: int, code: str, message: str, *, refused: list | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.refused = refused or []

    def as_json(self) -> dict:
        answer = {"error": self.code, "message": self.message}
        if self.refused:
            answer["refused"] = [refusal.as_json() for refusal in self.refused]
        return answer


# --- kiosks and credentials --------------------------------------------------------------

def credential(kiosk: Kiosk) -> str:
    """The kiosk's signing key: HMAC of the central secret over its id and salt."""
    secret = current_app.config["CENTRAL_SECRET_KEY"].encode()
    raw = hmac.new(secret, f"{kiosk.id}:{kiosk.key_salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def add_kiosk(kiosk_id: str, name: str, *, now: datetime) -> str:
    """Register (or re-register, with a new credential) a kiosk; return its credential."""
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        kiosk = Kiosk(id=kiosk_id, name=name, created_at=now, key_salt="")
        db.session.add(kiosk)
    kiosk.name, kiosk.active, kiosk.revoked_at = name, True, None
    kiosk.key_salt = secrets.token_hex(16)
    db.session.commit()
    return credential(kiosk)


def revoke_kiosk(kiosk_id: str, *, now: datetime) -> bool:
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        return False
    kiosk.active, kiosk.revoked_at = False, now
    db.session.commit()
    return True


def authenticate(method: str, path: str, headers, body: bytes, *, now: datetime) -> Kiosk:
    """The kiosk that signed this request, or a CentralError saying why not."""
    kiosk_id = headers.get(protocol.HEADER_KIOSK, "")
    # A kiosk id is 1 to 64 printable characters (`kiosk add`); anything else names no kiosk.
    known = 0 < len(kiosk_id) <= 64 and kiosk_id.isprintable()
    kiosk = db.session.get(Kiosk, kiosk_id) if known else None
    if kiosk is None:
        raise CentralError(401, "unknown_kiosk",
                           f"no kiosk {protocol.shown(kiosk_id)} is registered at the central office")
    if not kiosk.active:
        raise CentralError(403, "revoked", f"the credential of kiosk {kiosk_id!r} was revoked")
    try:
        nonce = protocol.check_signature(
            # `now` is naive UTC; .timestamp() would read it as the server's local time.
            credential(kiosk), method, path, headers, body,
            now=now.replace(tzinfo=timezone.utc).timestamp(),
            max_skew=current_app.config["CENTRAL_MAX_SKEW_SECONDS"])
    except protocol.ProtocolError as error:
        raise CentralError(401, error.code, error.message) from error
    # Forget nonces older than any request that could still pass the clock check.
    # Core statements on the table (not the ORM's unit of work): every sync request pays them.
    horizon = now - timedelta(seconds=2 * current_app.config["CENTRAL_MAX_SKEW_SECONDS"])
    nonces = SeenNonce.__table__
    try:
        db.session.execute(delete(nonces).where(nonces.c.seen_at < horizon))
        db.session.execute(insert(nonces).values(kiosk_id=kiosk.id, nonce=nonce, seen_at=now))
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise CentralError(401, "replayed", "this request was already received (nonce reused)") \
            from error
    return kiosk


def note_error(kiosk_id: str, message: str, *, now: datetime) -> None:
    """Remember a refused request on the kiosk's row, for the case desk's per-kiosk view."""
    db.session.rollback()
    # Printable only: a message may quote what a kiosk sent, and PostgreSQL refuses a NUL.
    message = "".join(char if char.isprintable() else "?" for char in message[:500])
    db.session.execute(update(Kiosk).where(Kiosk.id == kiosk_id)
                       .values(last_error=message, last_error_at=now))
    db.session.commit()


def records_held(kiosk_id: str) -> dict[str, int]:
    return {name: db.session.scalar(select(func.count()).select_from(table)
                                    .where(table.c.kiosk_id == kiosk_id)) or 0
            for name, table in MIRRORS.items()}
