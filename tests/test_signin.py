"""Teams' sign-in, with keys the tests control: a local OpenID metadata and key-set endpoint stands in
for login.botframework.com, tokens are signed with the tests' own RSA key, and the real bot (with an
app id) is sent Teams-shaped activities over HTTP."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from botframework.connector.auth import MicrosoftAppCredentials
from chat import Chat, Harness, MakeChat
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

APP_ID = "6f1e2d3c-0000-4000-8000-00000000b07a"
APP_PASSWORD = "Zq8~not-a-real-secret-but-treat-it-as-one"
TENANT_ID = "72f988bf-0000-4000-8000-00000000c0de"
ISSUER = "https://api.botframework.com"

# One RSA key, published under two ids: one endorsed for Teams, one only for Web Chat.
PRIVATE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
TEAMS_KEY = "teams-key"
WEBCHAT_KEY = "webchat-only-key"
HOUR = 3600  # well past botbuilder's five minutes' leeway on a token's times


class KeysServer:
    """login.botframework.com's OpenID metadata and key set, on loopback, answering once started."""

    def __init__(self) -> None:
        self.path = f"/{uuid.uuid4().hex}"  # botbuilder keeps key stores by URL: a URL of its own
        self.fetches = 0
        self.release: asyncio.Event | None = None  # when set to a new Event, the metadata waits for it
        self._server: TestServer | None = None
        self.port = _free_port()

    @property
    def metadata_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}/.well-known/openidconfiguration"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get(self.path + "/.well-known/openidconfiguration", self._metadata)
        app.router.add_get(self.path + "/keys", self._keys)
        self._server = TestServer(app, host="127.0.0.1", port=self.port)
        await self._server.start_server()

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.close()

    async def _metadata(self, request: web.Request) -> web.Response:
        self.fetches += 1
        if self.release is not None:
            await self.release.wait()
        base = f"http://127.0.0.1:{self.port}{self.path}"
        return web.json_response({"issuer": ISSUER, "jwks_uri": base + "/keys"})

    async def _keys(self, request: web.Request) -> web.Response:
        public = RSAAlgorithm.to_jwk(PRIVATE_KEY.public_key(), as_dict=True)
        return web.json_response(
            {
                "keys": [
                    {**public, "kid": TEAMS_KEY, "use": "sig", "endorsements": ["msteams", "webchat"]},
                    {**public, "kid": WEBCHAT_KEY, "use": "sig", "endorsements": ["webchat"]},
                ]
            }
        )


def _free_port() -> int:
    with socket.socket() as probe:  # a loopback port nobody listens on until start()
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def keys() -> AsyncIterator[KeysServer]:
    server = KeysServer()
    yield server
    await server.stop()


@pytest.fixture
async def signed_in(
    harness: Harness, make_chat: MakeChat, keys: KeysServer, monkeypatch: pytest.MonkeyPatch
) -> Chat:
    """The bot with an app id, trusting the keys server; its own token for the connector is made up
    (the outgoing sign-in to login.microsoftonline.com is MSAL's, and there is no internet here)."""
    monkeypatch.setattr(
        MicrosoftAppCredentials, "get_access_token", lambda self, force_refresh=False: "bot-token"
    )
    await harness.start(
        app_id=APP_ID,
        app_password=APP_PASSWORD,
        app_tenant_id=TENANT_ID,
        channel_openid_metadata_url=keys.metadata_url,
    )
    await keys.start()
    return await make_chat()


def teams_token(
    chat: Chat,
    *,
    kid: str = TEAMS_KEY,
    algorithm: str = "RS256",
    starts: int = -60,
    ends: int = HOUR,
    **changes: Any,
) -> str:
    """A token as Teams signs it for this bot and this chat's service URL, valid from `starts` to
    `ends` seconds from now; `changes` replace claims (None removes one)."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": APP_ID,
        "serviceurl": chat.harness.connector.url,
        "nbf": now + starts,
        "exp": now + ends,
        **changes,
    }
    claims = {name: value for name, value in claims.items() if value is not None}
    key: Any = {"RS256": PRIVATE_KEY, "HS256": APP_PASSWORD, "none": None}[algorithm]
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_signed_by_teams_for_this_bot_is_accepted_and_answered(signed_in: Chat) -> None:
    replies = await signed_in.send(signed_in.activity("message", text="help"), bearer(teams_token(signed_in)))

    assert [reply.text.splitlines()[0] for reply in replies] == ["Here is what I can do:"]


REFUSED = {
    "another bot's audience": {"aud": "0b0b0b0b-0000-4000-8000-000000000000"},
    "no audience": {"aud": None},
    "another issuer": {"iss": "https://login.example.org"},
    "no issuer": {"iss": None},
    "expired": {"starts": -2 * HOUR, "ends": -HOUR},
    "not yet valid": {"starts": HOUR, "ends": 2 * HOUR},
    "another service URL": {"serviceurl": "https://smba.trafficmanager.net.example.org/emea/"},
    "no service URL": {"serviceurl": None},
    "alg none": {"algorithm": "none"},
    "HS256 with the app password": {"algorithm": "HS256"},
    "a key the channel does not publish": {"kid": "not-published"},
    "a key not endorsed for Teams": {"kid": WEBCHAT_KEY},
}


@pytest.mark.parametrize("changes", REFUSED.values(), ids=REFUSED.keys())
async def test_a_token_teams_would_not_have_sent_is_refused_and_nothing_is_said(
    signed_in: Chat, changes: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    token = teams_token(signed_in, **changes)

    response = await signed_in.harness.post(
        "/api/messages", signed_in.activity("message", text="help"), bearer(token)
    )

    assert response.status == 401
    assert signed_in.harness.connector.received == []
    refusals = [r for r in caplog.records if r.getMessage().startswith("Refused an unauthenticated request")]
    assert len(refusals) == 1 and refusals[0].exc_info is None
    assert token not in caplog.text and token.split(".")[1] not in caplog.text


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer two words", "Basic YXBwOnBhc3N3b3Jk"])
async def test_an_authorization_header_that_is_not_a_bearer_token_is_refused(
    signed_in: Chat, header: str
) -> None:
    activity = signed_in.activity("message", text="help")

    response = await signed_in.harness.post("/api/messages", activity, {"Authorization": header})

    assert response.status == 401
    assert signed_in.harness.connector.received == []


async def test_the_same_token_is_refused_for_another_conversations_service_url(signed_in: Chat) -> None:
    """The serviceurl claim is checked against the activity, not just present: a token for one
    region's connector cannot send the bot to another."""
    activity = signed_in.activity("message", text="help", serviceUrl="https://smba.example.org/amer/")

    response = await signed_in.harness.post("/api/messages", activity, bearer(teams_token(signed_in)))

    assert response.status == 401
    assert signed_in.harness.connector.received == []


async def test_the_issuer_is_the_one_the_settings_name(signed_in: Chat) -> None:
    """As in a sovereign cloud: US Government's channel signs as https://api.botframework.us."""
    await signed_in.harness.restart(channel_token_issuer="https://api.botframework.us")
    help_ = signed_in.activity("message", text="help")

    replies = await signed_in.send(help_, bearer(teams_token(signed_in, iss="https://api.botframework.us")))
    public = await signed_in.harness.post("/api/messages", help_, bearer(teams_token(signed_in)))

    assert [reply.text.splitlines()[0] for reply in replies] == ["Here is what I can do:"]
    assert public.status == 401
    assert len(signed_in.harness.connector.received) == 1


async def test_when_the_keys_cannot_be_fetched_teams_is_asked_to_retry_and_the_next_request_fetches_again(
    signed_in: Chat, keys: KeysServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = teams_token(signed_in)
    activity = signed_in.activity("message", text="help")
    await keys.stop()

    response = await signed_in.harness.post("/api/messages", activity, bearer(token))  # nobody listening

    assert response.status == 503
    assert response.headers["Retry-After"] == "10"
    assert signed_in.harness.connector.received == []
    [line] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.getMessage().startswith(
        "Teams' signing keys could not be fetched, so a request was answered 503"
    )
    assert keys.metadata_url in line.getMessage()
    assert line.exc_info is None and "Traceback" not in caplog.text and token not in caplog.text

    await keys.start()  # the host is back: the failure was not kept
    replies = await signed_in.send(activity, bearer(token))

    assert [reply.text.splitlines()[0] for reply in replies] == ["Here is what I can do:"]
    assert keys.fetches == 1


async def test_the_keys_are_fetched_once_and_kept(signed_in: Chat, keys: KeysServer) -> None:
    for _ in range(3):
        await signed_in.send(signed_in.activity("message", text="help"), bearer(teams_token(signed_in)))
    # An unknown key id does not fetch again within the hour (botbuilder's schedule).
    response = await signed_in.harness.post(
        "/api/messages", signed_in.activity("message", text="help"), bearer(teams_token(signed_in, kid="new"))
    )

    assert response.status == 401
    assert keys.fetches == 1


async def test_a_slow_keys_host_does_not_hold_up_the_bot(signed_in: Chat, keys: KeysServer) -> None:
    """Botbuilder's own fetch is `requests` on the event loop: every conversation would wait for it."""
    keys.release = asyncio.Event()
    waiting = asyncio.create_task(
        signed_in.harness.post(
            "/api/messages", signed_in.activity("message", text="help"), bearer(teams_token(signed_in))
        )
    )
    while keys.fetches == 0:
        await asyncio.sleep(0.01)

    assert await signed_in.harness.get("/healthz") == (200, {"status": "ok"})

    keys.release.set()
    assert (await waiting).status == 201
