"""The real bot, driven through Microsoft 365 Agents Playground, Microsoft's own Teams emulator.

The playground plays Teams: it sends the bot Teams-shaped activities and takes its replies on its own
Bot Connector endpoint. Its HTTP API stands in for the person clicking in its web UI, and its
WebSocket stream carries what the bot posts, as the UI would show it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from aiohttp.typedefs import Handler
from sqlalchemy import select

from bot.app import SCHEDULER, create_app
from bot.settings import Settings
from documents.grades import Grade
from documents.plan_format import PlanDocument
from store.db import Database
from store.models import AgreedAction, MonitoringRound, Person, ProgressUpdate, ReturnDecision, UpdateSource
from store.people import person_named
from store.plan import import_plan
from store.updates import record_update

ROOT = Path(__file__).resolve().parents[1]
HARNESS = ROOT / "tests/playground"
PLAYGROUND = HARNESS / "node_modules/.bin/agentsplayground"
STARTUP_SECONDS = 30
REPLY_SECONDS = 15
# Adaptive Card properties whose strings a person sees (TextBlock, Fact, Choice, action titles, inputs).
SHOWN = {"text", "title", "value", "label", "placeholder"}

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def walk(node: Any) -> list[dict[str, Any]]:
    """Every element of a card, its buttons included, in reading order (not its refresh)."""
    if isinstance(node, list):
        return [found for item in node for found in walk(item)]
    if not isinstance(node, dict):
        return []
    return [node] + [found for key, value in node.items() if key != "refresh" for found in walk(value)]


def card_of(message: dict[str, Any]) -> dict[str, Any] | None:
    for attachment in message.get("attachments") or []:
        if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
            card: dict[str, Any] = attachment["content"]
            return card
    return None


def words_of(message: dict[str, Any]) -> str:
    """Everything the person reads in a message: its text and every string shown on its card."""

    def strings(node: Any) -> list[str]:
        if isinstance(node, list):
            return [s for item in node for s in strings(item)]
        if not isinstance(node, dict):
            return []
        shown = [value for key, value in node.items() if key in SHOWN and isinstance(value, str)]
        nested = [s for value in node.values() if isinstance(value, dict | list) for s in strings(value)]
        return shown + nested

    return " ".join([message.get("text") or "", *strings(card_of(message) or {})])


class BotTurns:
    """Counts requests the bot is still handling, so the test types only once the bot has finished.

    The bot sends its question in the middle of its turn and saves the dialog's state at the end; a
    person reads the question before answering, but a test would answer before the state is saved.
    """

    QUIET_SECONDS = 0.1  # Teams' pair of install activities arrive a moment apart

    def __init__(self) -> None:
        self.busy = 0
        self._changed = asyncio.Condition()

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        async with self._changed:
            self.busy += 1
        try:
            return await handler(request)
        finally:
            async with self._changed:
                self.busy -= 1
                self._changed.notify_all()

    async def finished(self, timeout: float = REPLY_SECONDS) -> None:
        async with asyncio.timeout(timeout):
            while True:
                async with self._changed:
                    await self._changed.wait_for(lambda: self.busy == 0)
                await asyncio.sleep(self.QUIET_SECONDS)
                if self.busy == 0:
                    return


class Playground:
    """One running Agents Playground, and the mock user typing into it."""

    def __init__(
        self, http: aiohttp.ClientSession, base: str, config: dict[str, Any], turns: BotTurns
    ) -> None:
        self.http = http
        self.turns = turns
        self.base = base
        self.config = config
        self.user = config["currentUser"]
        self.personal_chat = config["personalChat"]["id"]
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    async def connect(self) -> None:
        self._ws = await self.http.ws_connect(f"{self.base}/_ws_conversation/v1/conversations/stream")

    async def install(self) -> None:
        """As a user adding the app in Teams: installationUpdate, then conversationUpdate."""
        async with self.http.post(f"{self.base}/_debug/conversation/{self.personal_chat}/installation") as r:
            assert r.status == 200, await r.text()

    async def say(self, text: str) -> dict[str, Any]:
        await self.turns.finished()
        body = {"text": text, "textFormat": "plain", "from": {"id": self.user["id"]}}
        url = f"{self.base}/_conversation/v1/conversations/{self.personal_chat}/messages"
        async with self.http.post(url, json=body) as response:
            assert response.status == 200, await response.text()
            sent: dict[str, Any] = await response.json()
            return sent

    async def press(self, card_message: dict[str, Any], button: str) -> None:
        """As the user pressing the card's Action.Submit button titled `button`."""
        card = card_of(card_message)
        assert card is not None, f"no card to press {button!r} on: {card_message}"
        titles = {action.get("title"): action for action in card.get("actions", [])}
        assert button in titles, f"no button {button!r} on the card, only {list(titles)}"
        await self.submit(card_message, titles[button].get("data") or {})

    async def submit(self, card_message: dict[str, Any], value: dict[str, Any]) -> None:
        await self.turns.finished()
        body = {
            "conversation": {"id": self.personal_chat},
            "replyToId": card_message["messageId"],
            "from": {"id": self.user["id"]},
            "value": value,
        }
        async with self.http.post(f"{self.base}/_conversation/v1/submit", json=body) as response:
            assert response.status == 200, await response.text()

    async def invoke(
        self, name: str, value: Any, *, reply_to: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """As Teams' client sends an invoke (an Action.Execute press, a search): the bot's answer, as
        the playground hands it back (for a press, it also puts the answer's card in place)."""
        await self.turns.finished()
        body: dict[str, Any] = {
            "name": name,
            "conversation": {"id": self.personal_chat},
            "from": {"id": self.user["id"]},
            "value": value,
        }
        if reply_to is not None:
            body["replyToId"] = reply_to["messageId"]
        async with self.http.post(f"{self.base}/_conversation/v1/invoke", json=body) as response:
            assert response.status == 200, await response.text()
            answer: dict[str, Any] = await response.json()
            return answer

    async def execute(
        self, card_message: dict[str, Any], button: str, inputs: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """As the user pressing the card's Action.Execute button titled `button`: the card it becomes."""
        card = card_of(card_message)
        assert card is not None, f"no card to press {button!r} on: {card_message}"
        found = [a for a in walk(card) if a.get("type") == "Action.Execute" and a.get("title") == button]
        assert found, f"no button {button!r} on the card"
        data = {**found[0]["data"], **(inputs or {})}
        action = {"type": "Action.Execute", "verb": found[0]["verb"], "data": data}
        answer = await self.invoke(
            "adaptiveCard/action", {"action": action, "trigger": "manual"}, reply_to=card_message
        )
        assert answer["type"] == "application/vnd.microsoft.card.adaptive", answer
        return {
            "messageId": card_message["messageId"],
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "content": answer["value"]}
            ],
        }

    async def next_message(self, timeout: float = REPLY_SECONDS) -> dict[str, Any]:
        """The next message the bot posts in the personal chat, as the playground's UI receives it."""
        assert self._ws is not None, "connect() first"
        async with asyncio.timeout(timeout):
            while True:
                frame = await self._ws.receive()
                if frame.type != aiohttp.WSMsgType.TEXT:
                    raise AssertionError(f"playground stream ended: {frame.type!r} {frame.data!r}")
                event = json.loads(frame.data)
                if event.get("action") == "createMessage" and event.get("actionConversationId") == (
                    self.personal_chat
                ):
                    message: dict[str, Any] = event["message"]
                    return message

    async def wait_for(
        self, words: str, *, card: bool = False, timeout: float = REPLY_SECONDS
    ) -> dict[str, Any]:
        """The first message the bot posts that shows `words` (on a card, if `card`), skipping others."""
        seen: list[str] = []
        try:
            async with asyncio.timeout(timeout):
                while True:
                    message = await self.next_message(timeout)
                    if words in words_of(message) and (card_of(message) is not None or not card):
                        return message
                    seen.append(words_of(message))
        except TimeoutError:
            raise AssertionError(f"the bot never said {words!r}; it said: {seen}") from None


@contextlib.asynccontextmanager
async def running_playground(bot_endpoint: str, turns: BotTurns, workdir: Path) -> AsyncIterator[Playground]:
    """Starts the playground on loopback against `bot_endpoint`; stops it however the test ends."""
    if not PLAYGROUND.exists():
        subprocess.run([ROOT / "scripts/node-deps.sh"], check=True, timeout=300)
    port = free_port()
    log = workdir / "playground.out"
    env = {
        **os.environ,
        # It listens on every interface and has no flag against that: the preload pins it to loopback.
        "NODE_OPTIONS": f"--require {HARNESS / 'loopback.js'}",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                PLAYGROUND,
                *("-e", bot_endpoint, "-c", "msteams", "-p", str(port)),
                *("--service-url", f"http://127.0.0.1:{port}/_connector", "--disable-telemetry"),
            ],
            cwd=workdir,  # it writes devTools/ logs into its working directory
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REPLY_SECONDS)) as http:
            base = await _wait_until_up(process, log, http)
            async with http.get(f"{base}/_internal/v1/config") as response:
                config = (await response.json())["config"]
            playground = Playground(http, base, config, turns)
            await playground.connect()
            yield playground
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


async def _wait_until_up(process: subprocess.Popen[bytes], log: Path, http: aiohttp.ClientSession) -> str:
    """The playground's base URL once it answers its ping (it picks another port if ours was taken)."""
    async with asyncio.timeout(STARTUP_SECONDS):
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the playground exited: {log.read_text(errors='replace')}")
            listening = re.search(r"Listening on (\d+)", log.read_text(errors="replace"))
            if listening:
                base = f"http://127.0.0.1:{listening.group(1)}"
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"{base}/_debug/ping") as response:
                        if response.status == 200:
                            return base
            await asyncio.sleep(0.2)


async def seed(db: Database, user: dict[str, Any]) -> None:
    """A small plan whose one action belongs to the playground's user, with the September round open."""
    plan = PlanDocument.model_validate(
        {
            "review": "Digital Optimisation",
            "committee": "People Select Committee",
            "rounds": [{"label": "September 2020", "deadline": "2020-10-02", "open": True}],
            "recommendations": [
                {
                    "number": 3,
                    "text": "That free public Wi-Fi is extended to all council buildings.",
                    "actions": [
                        {
                            "responsibility": user["name"],
                            "date": "April 2020",
                            "agreed_action": "Install public Wi-Fi in the remaining libraries.",
                            "success_measure": "Wi-Fi available in every library.",
                            "progress": {"March 2020": {"evidence": "Surveys done.", "grade": 2}},
                        }
                    ],
                }
            ],
        }
    )
    async with db.session() as session:
        await import_plan(session, plan=plan)
        officer = await person_named(session, name=user["name"], create=False)
        assert isinstance(officer, Person)
        # What Teams vouches for: the bot matches the speaker by these, never by the name typed.
        officer.aad_object_id = user["aadObjectId"]
        officer.email = user["email"]


@pytest.fixture
def turns() -> BotTurns:
    return BotTurns()


@pytest.fixture
def bot_app(database_url: str, db: Database, turns: BotTurns) -> web.Application:
    # Anonymous local mode, as scripts/playground.sh runs it; no .env may switch authentication on.
    # The scheduler is ticked by the tests that need it, at the moment they choose.
    settings = Settings(
        _env_file=None, database_url=database_url, app_id="", host="127.0.0.1", scheduler=False
    )
    app = create_app(settings, db=db)
    app.middlewares.append(turns.middleware)
    return app


@pytest.fixture
async def bot_endpoint(bot_app: web.Application) -> AsyncIterator[str]:
    async with TestServer(bot_app, host="127.0.0.1") as server:
        yield f"http://127.0.0.1:{server.port}/api/messages"


@pytest.fixture
async def playground(
    bot_endpoint: str, turns: BotTurns, db: Database, tmp_path: Path
) -> AsyncIterator[Playground]:
    async with running_playground(bot_endpoint, turns, tmp_path) as running:
        await seed(db, running.user)
        yield running


async def test_a_newcomer_installs_the_app_and_asks_for_help(playground: Playground) -> None:
    await playground.install()
    welcome = await playground.next_message()
    card = card_of(welcome)
    assert card is not None, welcome
    assert "Scrutiny bot" in words_of(welcome)
    fact_sets = [element for element in card["body"] if element.get("type") == "FactSet"]
    commands = {fact["title"].split()[0] for facts in fact_sets for fact in facts["facts"]}
    assert {"help", "update"} <= commands

    await playground.say("help")
    # Teams sends installationUpdate and conversationUpdate for one install: one welcome, then the answer.
    reply = await playground.next_message()
    assert "Here is what I can do" in words_of(reply)
    assert "update" in words_of(reply)


async def test_an_officer_records_a_progress_update(playground: Playground, db: Database) -> None:
    await playground.install()
    await playground.wait_for("Scrutiny bot")

    await playground.say("update")
    # The officer owns one action, so the bot goes straight to it and shows what was agreed.
    await playground.wait_for("Install public Wi-Fi in the remaining libraries.")
    await playground.wait_for("what has been done?")
    await playground.say("Wi-Fi is live in 6 of 8 libraries; the last two wait for new cabling.")
    grades = await playground.wait_for("3 Slipped", card=True)
    await playground.press(grades, "3 Slipped")
    await playground.wait_for("needs an explanation")
    await playground.say("The cabling contractor went into administration in July.")
    await playground.wait_for("Evidence of impact")
    await playground.say("Library visits up 12% where Wi-Fi is live.")
    summary = await playground.wait_for("Save it?", card=True)
    assert "Wi-Fi is live in 6 of 8 libraries" in words_of(summary)
    await playground.press(summary, "Save")
    saved = await playground.wait_for("Saved")
    assert "Slipped" in words_of(saved) and "September 2020" in words_of(saved)

    async with db.session() as session:
        update = await session.scalar(
            select(ProgressUpdate).join(MonitoringRound).where(MonitoringRound.label == "September 2020")
        )
        assert update is not None
        recorded_by = await session.get(Person, update.recorded_by_id)
    assert update.evidence == "Wi-Fi is live in 6 of 8 libraries; the last two wait for new cabling."
    assert update.grade is Grade.SLIPPED
    assert update.explanation == "The cabling contractor went into administration in July."
    assert update.impact == "Library visits up 12% where Wi-Fi is live."
    assert update.source is UpdateSource.TEAMS
    assert recorded_by is not None and recorded_by.aad_object_id == playground.user["aadObjectId"]


async def test_a_status_card_changes_in_place_and_a_search_finds_it(
    playground: Playground, db: Database
) -> None:
    """Universal Actions as the playground supports them: presses answered with the card in place, and
    the search message extension and link unfurling invoked as the compose box would."""
    await playground.install()
    await playground.wait_for("Scrutiny bot")
    await playground.say("status 3")
    status = await playground.wait_for("Recommendation 3", card=True)
    form = await playground.execute(status, "Update 3.1")
    assert "Save" in words_of(form) and "Install public Wi-Fi" in words_of(form)
    saved = await playground.execute(
        form, "Save", {"evidence": "Wi-Fi is live in all eight libraries.", "grade": "1"}
    )
    assert "Saved: " in words_of(saved) and "Fully Achieved" in words_of(saved)
    async with db.session() as session:
        update = await session.scalar(
            select(ProgressUpdate).join(MonitoringRound).where(MonitoringRound.label == "September 2020")
        )
    assert update is not None and update.evidence == "Wi-Fi is live in all eight libraries."
    assert update.grade is Grade.FULLY_ACHIEVED

    query = {"commandId": "findRecommendation", "parameters": [{"name": "query", "value": "wifi"}]}
    found = await playground.invoke("composeExtension/query", query)
    previews = [a["preview"]["content"]["title"] for a in found["composeExtension"]["attachments"]]
    assert previews == ["Recommendation 3"]
    link = re.search(r"\((http[^)]+/recommendations/\d+/3)\)", words_of(status))
    assert link is not None, words_of(status)
    unfurled = await playground.invoke("composeExtension/queryLink", {"url": link.group(1)})
    (card,) = unfurled["composeExtension"]["attachments"]
    assert "Recommendation 3" in json.dumps(card["content"])


async def test_the_scrutiny_officer_returns_an_update_and_accepts_it_resubmitted(
    playground: Playground, db: Database, bot_app: web.Application
) -> None:
    """The playground has one user: here the officer is also the review's scrutiny officer."""
    async with db.session() as session:
        officer = await person_named(session, name=playground.user["name"], create=False)
        assert isinstance(officer, Person)
        officer.is_scrutiny_officer = True
        action_id = await session.scalar(select(AgreedAction.id))
        round_id = await session.scalar(select(MonitoringRound.id).where(MonitoringRound.is_open))
        assert action_id is not None and round_id is not None
        await record_update(
            session,
            action_id=action_id,
            round_id=round_id,
            evidence="We will finish next year.",
            grade=Grade.ON_TRACK,
            explanation=None,
            impact=None,
            by_person_id=officer.id,
            source=UpdateSource.TEAMS,
            max_text_length=10_000,
        )
    await playground.install()
    await playground.wait_for("Scrutiny bot")

    await playground.say("review")
    card_message = await playground.wait_for("We will finish next year.", card=True)
    card = card_of(card_message)
    assert card is not None
    (give_reason,) = [a for a in card["actions"] if a["type"] == "Action.ShowCard"]
    (send_back,) = give_reason["card"]["actions"]
    await playground.submit(card_message, {**send_back["data"], "reason": "A promise, not evidence."})
    await playground.wait_for("Returned to")

    await bot_app[SCHEDULER].tick()
    notice = await playground.wait_for("was returned", card=True)
    assert "A promise, not evidence." in words_of(notice)
    await playground.press(notice, "Change my update")
    form = await playground.wait_for("Returned by the scrutiny officer: A promise, not evidence.", card=True)
    assert "We will finish next year." in words_of(form)  # filled in with what was written
    form_card = card_of(form)
    assert form_card is not None
    (save,) = form_card["actions"]
    evidence = "Wi-Fi is live in 6 of 8 libraries."
    await playground.submit(
        form, {**save["data"], "evidence": evidence, "grade": "2", "explanation": "", "impact": ""}
    )
    await playground.wait_for("Saved")

    await playground.say("review")
    resubmitted = await playground.wait_for(evidence, card=True)
    assert "Resubmitted. It was returned because: A promise, not evidence." in words_of(resubmitted)
    await playground.press(resubmitted, "Accept")
    await playground.wait_for("Accepted")

    async with db.session() as session:
        decided = (
            await session.execute(
                select(ProgressUpdate.evidence, ReturnDecision.verdict)
                .join(ReturnDecision, ReturnDecision.update_id == ProgressUpdate.id)
                .order_by(ReturnDecision.id)
            )
        ).all()
    assert [(e, v.value) for e, v in decided] == [
        ("We will finish next year.", "returned"),
        (evidence, "accepted"),
    ]
