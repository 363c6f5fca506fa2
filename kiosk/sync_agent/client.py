"""The agent's HTTP client: signed requests to the central app, and what can go wrong with them.

Every failure of the network or of the office's answer (refused, reset, cut,
timed out, a bad certificate, a truncated answer, a status line that is not
HTTP, a body that is not a JSON object) becomes a `SyncError` the agent
records and retries; a refusal by the office says why, and names the records
it refused, if any.
"""

from __future__ import annotations

import http.client
import json
import ssl
import time
import urllib.error
import urllib.request
from typing import Callable

from sync import protocol


class SyncError(Exception):
    """A sync that did not finish; `message` is written for the staff console. `refused` names
    the records of a batch the office refused (sync.protocol.Refusal)."""

    def __init__(self, code: str, message: str, *, retry: bool = True,
                 refused: list[protocol.Refusal] | None = None):
        super().__init__(message)
        self.code, self.message, self.retry = code, message, retry
        self.refused = refused or []


def configured(config) -> bool:
    """Whether this kiosk has somewhere to sync to and a credential to sign with."""
    return bool(config["KIOSK_SYNC_URL"] and config["KIOSK_SYNC_KEY"])


# --- the HTTP client ----------------------------------------------------------------------

class Client:
    """Signed requests to the central app; one connection per request (no keep-alive)."""

    def __init__(self, base_url: str, kiosk_id: str, key: str, *, ca_file: str = "",
                 timeout: float = 30.0, clock: Callable[[], float] = time.time):
        self.base_url = base_url.rstrip("/")
        self.kiosk_id, self.key, self.timeout, self.clock = kiosk_id, key, timeout, clock
        self.context = ssl.create_default_context(cafile=ca_file or None)

    @classmethod
    def from_config(cls, config) -> Client:
        if not configured(config):
            raise SyncError("not_configured",
                            "sync is not configured: set KIOSK_SYNC_URL and KIOSK_SYNC_KEY", retry=False)
        return cls(config["KIOSK_SYNC_URL"], config["KIOSK_ID"], config["KIOSK_SYNC_KEY"],
                   ca_file=config["KIOSK_SYNC_CA_FILE"], timeout=config["KIOSK_SYNC_TIMEOUT"])

    def request(self, method: str, path: str, body: bytes = b"", *, gzipped: bool = False) -> dict:
        headers = protocol.sign(self.kiosk_id, self.key, method, path, body, now=self.clock())
        headers.update({"Accept": "application/json", "Connection": "close"})
        if body:
            headers["Content-Type"] = "application/json"
        if gzipped:
            headers["Content-Encoding"] = "gzip"
        request = urllib.request.Request(self.base_url + path, data=body if method == "POST" else None,
                                         headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.context) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as error:
            raise self._refusal(error) from error
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
            # Refused, reset, cut, timed out, bad certificate, a truncated answer (IncompleteRead),
            # a status line that is not HTTP (BadStatusLine): the network, try again later.
            reason = getattr(error, "reason", None) or f"{type(error).__name__}: {error}"
            raise SyncError("network", f"cannot reach the central office at {self.base_url}: "
                                       f"{str(reason)[:200]}") from error
        payload = _json(raw)
        if not isinstance(payload, dict):
            raise SyncError("bad_answer", "the central office's answer is not a JSON object")
        return payload

    @staticmethod
    def _refusal(error: urllib.error.HTTPError) -> SyncError:
        try:
            payload = _json(error.read())
            code, message = str(payload["error"])[:64], str(payload["message"])[:500]
        except (SyncError, KeyError, TypeError, OSError, http.client.HTTPException):
            payload = {}
            code, message = f"http_{error.code}", f"the central office answered HTTP {error.code}"
        refused = [found for found in map(protocol.Refusal.from_json, payload.get("refused") or [])
                   if found is not None] if isinstance(payload.get("refused"), list) else []
        # 5xx and a reused nonce may pass on a later attempt; a refused credential,
        # a wrong clock or a malformed batch will not until someone fixes it.
        retry = error.code >= 500 or code == "replayed"
        return SyncError(code, f"the central office refused: {message}", retry=retry, refused=refused)

    def push(self, batch: protocol.Batch) -> dict:
        return self.request("POST", protocol.PUSH_PATH, protocol.pack_batch(self.kiosk_id, batch),
                            gzipped=True)

    def changes(self, cursor: str, limit: int = 500) -> dict:
        return self.request("GET", f"{protocol.CHANGES_PATH}?after={cursor}&limit={limit}")


def _json(raw: bytes):
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise SyncError("bad_answer", "the central office's answer is not JSON") from error
