"""The receiver API the kiosk agents talk to: push a batch, pull the change feed.

Every answer is JSON; every refusal says why in `error` (a code) and `message`
(a sentence). Views are thin: authenticate, parse, call an operation.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, current_app, request
from werkzeug.exceptions import HTTPException

from petition.clock import utcnow_naive
from sync import protocol

from . import feed, fleet, ingest, operations, recovery
from .operations import CentralError

bp = Blueprint("sync_api", __name__, url_prefix=protocol.API_PREFIX)


def _signed_path() -> str:
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


# Refusals of requests that carried a valid signature: only those may be written on the kiosk's
# row, or anyone could overwrite what the desk shows of a kiosk with an unsigned request.
SIGNED_REFUSALS = ("clock_skew", "replayed")


def _authenticate(body: bytes):
    try:
        return operations.authenticate(request.method, _signed_path(), request.headers, body,
                                       now=utcnow_naive())
    except CentralError as error:
        if error.code in SIGNED_REFUSALS:
            # Shown per kiosk to the office (`kiosk list`): a wrong clock, a replay.
            operations.note_error(request.headers.get(protocol.HEADER_KIOSK, ""),
                                  f"{error.code}: {error.message}", now=utcnow_naive())
        raise


def _signed_body():
    """The request's kiosk, authenticated by its signature over the body; the body; whether gzipped."""
    body = request.get_data(cache=False)
    return _authenticate(body), body, request.headers.get("Content-Encoding") == "gzip"


@bp.post("/push")
def push():
    kiosk, body, gzipped = _signed_body()
    try:
        payload = protocol.unpack(body, gzipped=gzipped)
        sender, table, rows, refused = protocol.parse_push(payload)
    except protocol.ProtocolError as error:
        operations.note_error(kiosk.id, error.message, now=utcnow_naive())
        raise CentralError(400, error.code, error.message) from error
    if sender != kiosk.id:
        raise CentralError(403, "wrong_kiosk",
                           f"the batch names kiosk {protocol.shown(sender)} but was signed by {kiosk.id!r}")
    if refused:
        # Nothing of a batch with a broken record is written; the kiosk holds those aside.
        error = CentralError(400, "bad_record", f"{len(refused)} record(s) refused: "
                                                f"{refused[0].message}", refused=refused)
        operations.note_error(kiosk.id, error.message, now=utcnow_naive())
        raise error
    try:
        result = ingest.ingest(kiosk.id, table, rows, now=utcnow_naive())
    except CentralError as error:
        operations.note_error(kiosk.id, error.message, now=utcnow_naive())
        raise
    return {"table": result.table, "received": result.received, "applied": result.applied,
            "acked_seq": result.acked_seq}


@bp.get("/changes")
def changes():
    kiosk = _authenticate(b"")
    limit = min(request.args.get("limit", type=int) or current_app.config["CENTRAL_PULL_LIMIT"],
                current_app.config["CENTRAL_PULL_LIMIT"])
    return feed.changes_after(kiosk.id, request.args.get("after"), max(limit, 1), now=utcnow_naive())


@bp.post("/acknowledged")
def acknowledged():
    """What the office holds of this kiosk's records, for a kiosk restored from a backup."""
    kiosk, body, gzipped = _signed_body()
    try:
        question = recovery.parse_question(
            body, gzipped=gzipped)
        return recovery.acknowledged(kiosk.id, question)
    except recovery.QuestionError as error:
        raise CentralError(400, "bad_question", str(error)) from error


@bp.post("/health")
def health():
    """The kiosk's health summary (printer, reader, disk, backup), sent with each sync."""
    kiosk, body, gzipped = _signed_body()
    try:
        summary = protocol.unpack(body, gzipped=gzipped)
        fleet.note_health(kiosk.id, summary, now=utcnow_naive())
    except (protocol.ProtocolError, ValueError) as error:
        raise CentralError(400, "bad_health", str(error)) from error
    return {"stored": True}


@bp.get("/time")
def server_time():
    """Unsigned: lets an operator (or a kiosk's error message) compare clocks."""
    return {"utc": datetime.now(timezone.utc).isoformat(timespec="seconds")}


@bp.errorhandler(CentralError)
def central_error(error: CentralError):
    return error.as_json(), error.status


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return {"error": error.name.lower().replace(" ", "_"), "message": error.description}, error.code
