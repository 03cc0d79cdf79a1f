"""Checking Teams' sign-in: the channel's signing keys, fetched without blocking, and botbuilder's many
ways of refusing a token told from faults.

Botbuilder checks the token itself (issuer, audience, expiry, algorithm, endorsements, service URL);
the metadata URL and issuer it checks against come from the settings (bot/app.py), so tests can sign
with their own keys and sovereign clouds can use theirs.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from jwt.algorithms import RSAAlgorithm

# Teams sends a message again after a 503; the keys' host is asked again at the next request anyway.
RETRY_AFTER_SECONDS = 10
# Fetching the signing keys: Microsoft's host answers in well under a second.
FETCH_TIMEOUT_SECONDS = 5.0


def is_refusal(error: Exception) -> bool:
    """Botbuilder's ways of saying no to a token. A wrong algorithm or a key not endorsed for the
    channel is a bare Exception (jwt_token_extractor), a token without an issuer a KeyError
    (emulator_validation reads `token["iss"]`); anything else is a fault."""
    return isinstance(error, (PermissionError, jwt.PyJWTError, KeyError)) or type(error) is Exception


class SigningKeysUnavailable(Exception):
    """The channel's signing keys could not be fetched, so no token can be checked for now."""


@dataclass(frozen=True)
class _SigningKey:
    public_key: Any
    endorsements: list[str]


class SigningKeys:
    """The channel's OpenID signing keys, in place of botbuilder's own `_OpenIdMetadata`.

    Botbuilder 4.17 fetches them with `requests` on the event loop and no timeout, so while the host
    does not answer every conversation waits; a failed fetch escapes as a 500 with a traceback; and a
    token naming an unknown key is an IndexError. Here: aiohttp with a timeout, a failed fetch is
    SigningKeysUnavailable (and the next request fetches again), and an unknown key is a refusal.
    The same schedule as botbuilder's: again after a day, or after an hour for a key not seen yet.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched: float | None = None  # time.monotonic() of the last good fetch

    async def get(self, key_id: str | None) -> _SigningKey:
        age = None if self._fetched is None else time.monotonic() - self._fetched
        if age is None or age > 24 * 3600 or (key_id not in self._keys and age > 3600):
            await self._fetch()
        key = self._keys.get(key_id or "")
        if key is None:
            raise PermissionError("The token is signed with a key the channel does not publish.")
        return _SigningKey(RSAAlgorithm.from_jwk(json.dumps(key)), list(key.get("endorsements") or []))

    async def _fetch(self) -> None:
        try:
            async with aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=FETCH_TIMEOUT_SECONDS)
            ) as http:
                async with http.get(self.url, raise_for_status=True) as response:
                    keys_url = (await response.json(content_type=None))["jwks_uri"]
                async with http.get(keys_url, raise_for_status=True) as response:
                    keys = (await response.json(content_type=None))["keys"]
            self._keys = {key["kid"]: key for key in keys if "kid" in key}
        except (aiohttp.ClientError, TimeoutError, ValueError, LookupError, TypeError) as error:
            raise SigningKeysUnavailable(f"{self.url}: {type(error).__name__} {error}".strip()) from None
        self._fetched = time.monotonic()


def install_signing_keys(*metadata_urls: str) -> None:
    """Botbuilder keeps one key store per metadata URL in a class-level cache: ours goes there."""
    for url in metadata_urls:
        JwtTokenExtractor.metadataCache[url] = SigningKeys(url)
