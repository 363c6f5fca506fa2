"""The session cookie, signed as Flask signs it, without the per-request costs of the default.

Flask builds a new serializer for every request (twice: open and save) and
zlib-compresses each cookie it writes, which allocates zlib's ~256 KB of state
every time: together a noticeable part of a touch-screen tap for cookies of a
few dozen bytes, where compression saves nothing. This interface keeps one
serializer per set of keys and writes the payload uncompressed; it still reads
compressed cookies (those made before, or by Flask's own interface), since
itsdangerous tells them apart by their leading dot.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.serializer import Serializer


class _UncompressedSerializer(URLSafeTimedSerializer):
    def dump_payload(self, obj) -> bytes:
        # Serializer.dump_payload: the JSON bytes, without the mixin's zlib attempt.
        return base64_encode(Serializer.dump_payload(self, obj))


class SessionCookies(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (*(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key)
        found = self._serializers.get(keys)
        if found is None:
            found = self._serializers[keys] = _UncompressedSerializer(
                list(keys), salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation,
                               "digest_method": self.digest_method})
        return found
