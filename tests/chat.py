"""Talk to the real bot as Teams would: `replies = await chat.say("help")`.

The app is the one `bot.app.create_app` builds, served on a loopback port by aiohttp; activities are
POSTed to its /api/messages in Teams' shape, and its replies are read back from the fake connector
(tests/fake_connector.py) the activities name as their serviceUrl.
"""

from __future__ import annotations

import copy
import itertools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from cardcheck import shown, strings
from fake_connector import TENANT_ID, FakeConnector, Received, TeamsUser

from bot.app import create_app
from bot.settings import Settings
from store.db import Database
from store.models import Person

BOT = {"id": "28:00000000-0000-4000-8000-0000000b0700", "name": "Scrutiny bot"}
TEAM = {
    "id": "19:dsg-general@thread.tacv2",
    "name": "Digital Services Group",
    "aadGroupId": str(uuid.UUID(int=7)),
}
CHANNEL_ID = TEAM["id"]  # a team's General channel has the team's id
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
Scope = Literal["personal", "channel", "groupChat"]

DEFAULT_USER = TeamsUser(
    name="Alex Officer",
    email="alex.officer@example.gov.uk",
    aad_object_id="00000000-0000-4000-8000-00000000a1e0",
)


@dataclass
class Reply:
    """A message the bot sent, as the connector received it."""

    raw: dict[str, Any]
    id: str | None = None  # the id the connector gave it (reply_to for a submit from its card)

    @property
    def text(self) -> str:
        return self.raw.get("text") or ""

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"] for a in self.raw.get("attachments") or [] if a.get("contentType") == ADAPTIVE_CARD
        ]

    @property
    def text_runs(self) -> list[str]:
        """Texts the cards show verbatim (TextRuns are never read as Markdown)."""

        def runs(node: Any) -> list[str]:
            if isinstance(node, dict):
                own = [node["text"]] if node.get("type") == "TextRun" else []
                return own + [r for value in node.values() for r in runs(value)]
            if isinstance(node, list):
                return [r for value in node for r in runs(value)]
            return []

        return runs(self.cards)

    @property
    def card_text(self) -> str:
        """Every string in the reply's cards, joined: what a reader would see, for `in` checks."""

        return "\n".join(strings(self.cards))

    @property
    def shown(self) -> list[str]:
        """What Teams shows of the reply, in reading order: its text, then its cards' words and buttons
        (not the data behind them: cardcheck.shown)."""
        return ([self.text] if self.text else []) + shown(self.cards)


@dataclass
class Invoked:
    """An invoke's HTTP answer, and the messages the bot posted during that turn."""

    status: int
    body: Any
    posted: list[Reply]

    @property
    def card(self) -> dict[str, Any]:
        """The card the answer puts in place of the pressed one (fails if it is not a card)."""
        assert self.status == 200 and self.body["statusCode"] == 200, self.body
        assert self.body["type"] == ADAPTIVE_CARD, self.body
        card: dict[str, Any] = self.body["value"]
        return card

    @property
    def message(self) -> str:
        """The words the answer shows on the card as it was (fails if it is not a message)."""
        assert self.status == 200 and self.body["type"] == "application/vnd.microsoft.activity.message", (
            self.body
        )
        return str(self.body["value"])


@dataclass
class Harness:
    """The bot app on a loopback port, the fake connector, and the database they share."""

    database_url: str
    connector: FakeConnector
    settings_overrides: dict[str, Any] = field(default_factory=dict)
    server: TestServer | None = None
    http: aiohttp.ClientSession | None = None

    def settings(self) -> Settings:
        values: dict[str, Any] = {"database_url": self.database_url, **self.settings_overrides}
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    async def start(self, **settings_overrides: Any) -> None:
        """Serve a new app with these settings (on top of earlier ones), replacing any running one."""
        if self.server is not None:
            await self.server.close()
        self.settings_overrides.update(settings_overrides)
        self.server = TestServer(create_app(self.settings()), host="127.0.0.1")
        await self.server.start_server()
        if self.http is None:
            self.http = aiohttp.ClientSession()

    async def restart(self, **settings_overrides: Any) -> None:
        """A new app (new engine, adapter, state objects) on the same database: nothing in memory survives."""
        await self.start(**settings_overrides)

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()
        if self.http is not None:
            await self.http.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url(""))

    async def post(
        self, path: str, body: Any, headers: dict[str, str] | None = None
    ) -> aiohttp.ClientResponse:
        assert self.http is not None and self.server is not None
        async with self.http.post(self.server.make_url(path), json=body, headers=headers or {}) as response:
            await response.read()
            return response

    async def get(self, path: str) -> tuple[int, Any]:
        assert self.http is not None and self.server is not None
        async with self.http.get(self.server.make_url(path)) as response:
            return response.status, await response.json()


class Chat:
    """One Teams conversation with the bot, from one user's side."""

    _ids = itertools.count(1)

    def __init__(self, harness: Harness, *, user: TeamsUser, scope: Scope, platform: str = "Web") -> None:
        self.harness = harness
        self.user = user
        self.scope = scope
        # The Teams client the user is on, as its clientInfo entity says: "android", "ios", "windows"…
        self.platform = platform
        number = next(self._ids)
        if scope == "personal":
            self.conversation: dict[str, Any] = {
                "conversationType": "personal",
                "tenantId": TENANT_ID,
                "id": f"a:1personal-chat-{number}-{uuid.uuid4().hex[:8]}",
            }
        elif scope == "channel":
            self.conversation = {
                "isGroup": True,
                "conversationType": "channel",
                "tenantId": TENANT_ID,
                "id": CHANNEL_ID,
            }
        else:
            self.conversation = {
                "isGroup": True,
                "conversationType": "groupChat",
                "tenantId": TENANT_ID,
                "id": f"19:group-chat-{number}@thread.v2",
            }
        self.last_activity: dict[str, Any] | None = None
        self.last_status: int | None = None
        self.updates: list[Received] = []  # activities the bot replaced during the last turn

    # --- what the user does ---

    async def say(self, text: str) -> list[Reply]:
        activity = self.activity("message", text=text, textFormat="plain")
        if self.scope != "personal":
            # In a channel or group chat the bot hears only what @mentions it.
            mention = f"<at>{BOT['name']}</at>"
            activity["text"] = f"{mention} {text}"
            activity["entities"].append({"type": "mention", "mentioned": dict(BOT), "text": mention})
        return await self.send(activity)

    async def submit(self, value: dict[str, Any], *, reply_to: str | Reply | None = None) -> list[Reply]:
        """An Action.Submit from a card: no text, the card's data and inputs as `value`."""
        activity = self.activity("message", value=value)
        reply_to_id = reply_to.id if isinstance(reply_to, Reply) else reply_to
        if reply_to_id:
            activity["replyToId"] = reply_to_id
            activity["channelData"]["legacy"] = {"replyToId": reply_to_id}
        activity["channelData"]["source"] = {"name": "message"}
        return await self.send(activity)

    async def execute(
        self,
        data: dict[str, Any],
        *,
        inputs: dict[str, Any] | None = None,
        verb: str | None = None,
        trigger: str = "manual",
        reply_to: str | Reply | None = None,
    ) -> Invoked:
        """An Action.Execute press (trigger "automatic": Teams refreshing the card): the invoke's HTTP
        answer, and any messages the bot posted meanwhile. `inputs` are merged into the data, as Teams
        does with a card's input values."""
        action = {
            "type": "Action.Execute",
            "verb": verb or data.get("verb"),
            "data": {**data, **(inputs or {})},
        }
        activity = self.activity(
            "invoke", name="adaptiveCard/action", value={"action": action, "trigger": trigger}
        )
        reply_to_id = reply_to.id if isinstance(reply_to, Reply) else reply_to
        if reply_to_id:
            activity["replyToId"] = reply_to_id
        return await self.invoke(activity)

    async def invoke(self, activity: dict[str, Any]) -> Invoked:
        """POST an invoke; its HTTP answer comes back with the messages posted during the turn."""
        connector = self.harness.connector
        mark = len(connector.received)
        self.last_activity = activity
        response = await self.harness.post("/api/messages", activity)
        self.last_status = response.status
        body = await response.json() if response.content_type == "application/json" else None
        posted = [
            Reply(raw=r.body, id=r.response_id)
            for r in connector.sent_since(mark)
            if r.kind in ("send", "reply")
        ]
        return Invoked(status=response.status, body=body, posted=posted)

    async def install(self) -> list[Reply]:
        """What Teams sends when the app is added here: installationUpdate, then conversationUpdate."""
        replies = await self.send(self._installation("add"))
        return replies + await self.send(self.activity("conversationUpdate", membersAdded=[dict(BOT)]))

    async def uninstall(self) -> list[Reply]:
        replies = await self.send(self._installation("remove"))
        return replies + await self.send(self.activity("conversationUpdate", membersRemoved=[dict(BOT)]))

    async def resend(self) -> list[Reply]:
        """Teams delivering the last activity again, same id and all."""
        assert self.last_activity is not None, "nothing sent yet"
        return await self.send(copy.deepcopy(self.last_activity))

    async def restart(self) -> None:
        await self.harness.restart()

    # --- the wire ---

    async def send(self, activity: dict[str, Any], headers: dict[str, str] | None = None) -> list[Reply]:
        """POST any activity to /api/messages; the bot's new messages during that turn come back."""
        connector = self.harness.connector
        mark = len(connector.received)
        self.last_activity = activity
        response = await self.harness.post("/api/messages", activity, headers)
        self.last_status = response.status
        assert response.status < 300, f"/api/messages answered {response.status}"
        sent = connector.sent_since(mark)
        self.updates = [r for r in sent if r.kind == "update"]
        return [Reply(raw=r.body, id=r.response_id) for r in sent if r.kind in ("send", "reply")]

    def activity(self, type_: str, **fields: Any) -> dict[str, Any]:
        """A Teams-shaped activity from this user in this conversation, with a fresh id; fields override."""
        channel_data: dict[str, Any] = {"tenant": {"id": TENANT_ID}}
        if self.scope == "channel":
            channel_data |= {"team": dict(TEAM), "channel": {"id": CHANNEL_ID, "name": "General"}}
        now = datetime.now(UTC).isoformat()
        activity: dict[str, Any] = {
            "type": type_,
            "id": f"1{uuid.uuid4().int % 10**12:012d}",
            "timestamp": now,
            "localTimestamp": now,
            "channelId": "msteams",
            "serviceUrl": self.harness.connector.url,
            "from": self.user.channel_account(),
            "conversation": dict(self.conversation),
            "recipient": dict(BOT),
            "locale": "en-GB",
            "entities": [
                {
                    "type": "clientInfo",
                    "locale": "en-GB",
                    "country": "GB",
                    "platform": self.platform,
                    "timezone": "Europe/London",
                }
            ],
            "channelData": channel_data,
            **fields,
        }
        return activity

    def _installation(self, action: str) -> dict[str, Any]:
        activity = self.activity("installationUpdate", action=action)
        activity["channelData"]["source"] = {"name": "message"}
        if self.scope == "channel":
            activity["channelData"]["settings"] = {"selectedChannel": {"id": CHANNEL_ID}}
        return activity


MakeChat = Callable[..., Awaitable[Chat]]


@pytest.fixture
async def fake_connector() -> AsyncIterator[FakeConnector]:
    connector = FakeConnector()
    await connector.start()
    yield connector
    await connector.stop()


@pytest.fixture
async def harness(database_url: str, fake_connector: FakeConnector) -> AsyncIterator[Harness]:
    """The bot, not started yet: `await harness.start(admins=...)` to choose settings, or let make_chat."""
    bot = Harness(database_url=database_url, connector=fake_connector)
    yield bot
    await bot.close()


@pytest.fixture
def make_chat(harness: Harness) -> MakeChat:
    async def make(user: TeamsUser = DEFAULT_USER, scope: Scope = "personal", platform: str = "Web") -> Chat:
        if harness.server is None:
            await harness.start()
        harness.connector.add_member(user)
        return Chat(harness, user=user, scope=scope, platform=platform)

    return make


@pytest.fixture
def add_person(db: Database) -> Callable[..., Awaitable[Person]]:
    """Put someone on the roster: `await add_person("Alex Officer", email=..., aad_object_id=...)`."""

    async def add(
        name: str,
        *,
        email: str | None = None,
        aad_object_id: str | None = None,
        is_admin: bool = False,
        is_chair: bool = False,
    ) -> Person:
        async with db.session() as session:
            person = Person(
                name=name, email=email, aad_object_id=aad_object_id, is_admin=is_admin, is_chair=is_chair
            )
            session.add(person)
        return person

    return add
