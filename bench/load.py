"""The load driver: N conversations at once, each sending its turns one after another, as Teams would.

A turn's latency is the POST round trip to /api/messages. CloudAdapter sends the bot's replies to the
connector within the turn, so it includes them. The connector is the tests' fake Teams connector
(tests/fake_connector.py), on loopback in this process.

Closed loop, each officer sends their next message the moment the last is answered. Paced, they pause
first (reading the reply, then clicking or typing), as people do; the pause is not part of a turn's time.
"""

from __future__ import annotations

import asyncio
import gc
import json
import math
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
from chat import Chat, Reply
from fake_connector import FakeConnector, TeamsUser

from bench.seed import Officer

# The update dialog's turns, in order: the name of each step and what the officer sends ("pick the
# action" answers with the position of the action whose turn it is).
DIALOG_STEPS: list[tuple[str, str | dict[str, Any]]] = [
    ("update", "update"),
    ("pick the action", {"answer": "{position}"}),
    ("evidence", "Published the dataset; 40 downloads in its first month."),
    ("grade", {"answer": "2"}),
    ("impact: skip", "skip"),
    ("confirm: save", {"answer": "save"}),
]
FORM_STEPS = ["open the form", "submit the form"]
T = TypeVar("T")
REFRESH_STEP = "card refresh"  # Teams fetching a status card afresh (Universal Actions' refresh)
EXECUTE_STEP = "Execute press"  # an Action.Execute button answered with the card in place


@dataclass
class RemoteBot:
    """A bot served by another process, as tests/chat.py's Chat expects its harness to be."""

    url: str
    connector: FakeConnector
    http: aiohttp.ClientSession

    async def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        async with self.http.post(self.url + path, json=body, headers=headers or {}) as response:
            await response.read()
            return response


class WindowClosed(Exception):
    """The paced scenario has its turns: this officer stops, even mid-dialog."""


@dataclass
class Pacing:
    """Officers pausing a mean of `mean` seconds before each message, until `turns` turns are answered.

    The pauses are exponential, so officers send independently of one another as people do. A
    scenario ends when it has its turns, not when each officer has done a number of cycles: that way
    every officer is still talking when it ends, and the load is the same from the first turn to the
    last (with so few cycles each, officers finishing at their own pace would leave the bot's last
    turns under ever less load).
    """

    mean: float
    turns: int
    answered: int = 0
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    async def pause(self, rng: random.Random) -> None:
        """Wait as the officer would; raise WindowClosed, at once, when the scenario has its turns."""
        try:
            async with asyncio.timeout(rng.expovariate(1 / self.mean)):
                await self.closed.wait()
        except TimeoutError:
            pass
        if self.closed.is_set():
            raise WindowClosed

    def answer(self) -> None:
        self.answered += 1
        if self.answered >= self.turns:
            self.closed.set()


class TimedChat(Chat):
    """A Teams conversation that times each turn's POST round trip."""

    cycles = 0  # how many times this conversation has run its script
    pacing: Pacing | None = None  # None: the next message goes the moment the last is answered
    rng = random.Random(0)  # this conversation's own pauses, from a fixed seed: runs repeat

    async def _timed(self, send: Callable[[], Awaitable[T]]) -> tuple[float, T]:
        """A turn's time (the pause before it, where paced, not counted) and what it returned."""
        if self.pacing is not None:
            await self.pacing.pause(self.rng)
        start = time.perf_counter()
        result = await send()
        seconds = time.perf_counter() - start
        if self.pacing is not None:
            self.pacing.answer()
        return seconds, result

    async def post_timed(self, activity: dict[str, Any]) -> tuple[float, list[Reply]]:
        async def send() -> list[Reply]:
            try:
                return await self.send(activity)
            except AssertionError:  # the bot answered the POST with an error status
                return []

        seconds, replies = await self._timed(send)
        # The connector also heard the other conversations' replies meanwhile: keep this one's.
        mine = self.conversation["id"]
        return seconds, [r for r in replies if (r.raw.get("conversation") or {}).get("id") == mine]

    def next_action(self, officer: Officer) -> tuple[int, int]:
        """(position, id) of the officer's action to answer for next."""
        self.cycles += 1
        index = self.cycles % len(officer.action_ids)
        return index + 1, officer.action_ids[index]

    async def invoke_timed(self, activity: dict[str, Any]) -> tuple[float, Any]:
        """An invoke's time and its HTTP answer's body (None if the bot answered with an error)."""
        seconds, answer = await self._timed(lambda: self.invoke(activity))
        return seconds, answer.body if answer.status == 200 else None

    async def execute_timed(self, data: dict[str, Any], *, trigger: str) -> tuple[float, Any]:
        action = {"type": "Action.Execute", "verb": data["verb"], "data": data}
        value = {"action": action, "trigger": trigger}
        return await self.invoke_timed(self.activity("invoke", name="adaptiveCard/action", value=value))

    async def say_timed(self, text: str) -> tuple[float, list[Reply]]:
        return await self.post_timed(self.activity("message", text=text, textFormat="plain"))

    async def submit_timed(
        self, value: dict[str, Any], reply_to: str | None = None
    ) -> tuple[float, list[Reply]]:
        activity = self.activity("message", value=value)
        if reply_to:
            activity["replyToId"] = reply_to
            activity["channelData"]["legacy"] = {"replyToId": reply_to}
        activity["channelData"]["source"] = {"name": "message"}
        return await self.post_timed(activity)


@dataclass
class Samples:
    """Latencies (seconds) per step, and the scenario's turns and wall time."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    turns: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # the bot process's, over the timed turns (not `prepare`)
    failures: list[str] = field(default_factory=list)

    @property
    def turns_per_second(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value at or above `fraction` of the samples."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def user_of(officer: Officer) -> TeamsUser:
    return TeamsUser(name=officer.name, email=officer.email, aad_object_id=officer.aad_object_id)


Script = Callable[[TimedChat, Officer, Samples], Awaitable[None]]


def status_script(question: Callable[[Officer], str], *, echo: bool) -> Script:
    async def run(chat: TimedChat, officer: Officer, samples: Samples) -> None:
        seconds, replies = await chat.say_timed(question(officer))
        samples.latencies["status N"].append(seconds)
        if not replies:
            samples.failures.append(f"status N got no reply (HTTP {chat.last_status})")
        elif not echo and not _answers_recommendation(replies, officer):
            samples.failures.append("status N did not show the recommendation: " + _said(replies))

    return run


def _answers_recommendation(replies: list[Reply], officer: Officer) -> bool:
    return any(f"Recommendation {officer.number}" in reply.card_text for reply in replies)


async def choose_review(chat: TimedChat, officer: Officer) -> None:
    """Untimed, before a scenario: the officer asks once and picks their review from the bot's list, as
    anyone in a council of many reviews does the first time; the bot then remembers it in this chat."""
    replies = await chat.say(f"status {officer.number}")
    for reply in replies:
        for card in reply.cards:
            picked = _pick_review(card, officer.review)
            if picked is not None:
                await chat.submit(picked, reply_to=reply)
                return


BUTTONS = ("Action.Submit", "Action.Execute")


def _pick_review(card: dict[str, Any], title: str) -> dict[str, Any] | None:
    """The submit that picks `title` from the bot's which-review card: its button, or its drop-down."""
    elements = list(_walk(card))
    for element in elements:
        data = element.get("data") or {}
        if element.get("type") in BUTTONS and element.get("title") == title and "review_id" in data:
            return dict(data)
    for element in elements:
        if element.get("type") == "Input.ChoiceSet" and element.get("id") == "review_id":
            value = next((c["value"] for c in element["choices"] if c["title"] == title), None)
            submit = next((e for e in elements if e.get("type") in BUTTONS), None)
            if value is not None and submit is not None:
                return {**submit.get("data", {}), "review_id": value}
    return None


def _walk(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def dialog_script(*, echo: bool) -> Script:
    async def run(chat: TimedChat, officer: Officer, samples: Samples) -> None:
        position, _ = chat.next_action(officer)
        for step, said in DIALOG_STEPS:
            if isinstance(said, str):
                seconds, replies = await chat.say_timed(said)
            else:
                answer = {key: value.format(position=position) for key, value in said.items()}
                seconds, replies = await chat.submit_timed(answer)
            samples.latencies[step].append(seconds)
            if not replies:
                samples.failures.append(f"{step} got no reply (HTTP {chat.last_status})")
        # Every answer went where it was meant to: the update was saved.
        if not echo and not any(reply.text.startswith("Saved:") for reply in replies):
            samples.failures.append("the update dialog did not end with Saved: " + _said(replies))

    return run


def _said(replies: list[Reply]) -> str:
    return " / ".join(reply.text[:80] for reply in replies)


def form_script(*, echo: bool) -> Script:
    async def run(chat: TimedChat, officer: Officer, samples: Samples) -> None:
        _, action_id = chat.next_action(officer)
        seconds, replies = await chat.submit_timed({"verb": "open_update", "action_id": action_id})
        samples.latencies[FORM_STEPS[0]].append(seconds)
        form = _save_button(replies, action_id)
        if form is None and not echo:
            samples.failures.append("open the form: no form came back")
            return
        data, reply_to = form or ({"verb": "save_update", "action_id": action_id, "round_id": 1}, None)
        submit = {
            **data,
            "form_id": data.get("form_id") or f"echo-{time.monotonic_ns()}",
            "evidence": "Dataset published; the portal shows 40 downloads.",
            "grade": "2",
            "explanation": "",
            "impact": "",
        }
        seconds, replies = await chat.submit_timed(submit, reply_to=reply_to)
        samples.latencies[FORM_STEPS[1]].append(seconds)
        if not replies:
            samples.failures.append(f"submit the form got no reply (HTTP {chat.last_status})")
        elif not echo and not replies[0].text.startswith("Saved:"):
            samples.failures.append("the form was not saved: " + _said(replies))

    return run


def _card_answered(body: Any) -> dict[str, Any] | None:
    if isinstance(body, dict) and body.get("type") == "application/vnd.microsoft.card.adaptive":
        card: dict[str, Any] = body["value"]
        return card
    return None


def refresh_script(*, echo: bool) -> Script:
    """Teams refreshing an officer's status card for them: the question asked again, in an invoke."""

    async def run(chat: TimedChat, officer: Officer, samples: Samples) -> None:
        again = {"verb": "status_page", "question": f"status {officer.number}", "page": 1}
        seconds, body = await chat.execute_timed(again, trigger="automatic")
        samples.latencies[REFRESH_STEP].append(seconds)
        card = _card_answered(body)
        if body is None:
            samples.failures.append(f"the refresh got no answer (HTTP {chat.last_status})")
        elif not echo and (card is None or f"Recommendation {officer.number}" not in json.dumps(card)):
            samples.failures.append(f"the refresh did not show the recommendation: {str(body)[:120]}")

    return run


def execute_script(*, echo: bool) -> Script:
    """An officer pressing Update on a status card: the form comes back in the invoke, in place."""

    async def run(chat: TimedChat, officer: Officer, samples: Samples) -> None:
        _, action_id = chat.next_action(officer)
        seconds, body = await chat.execute_timed(
            {"verb": "open_update", "action_id": action_id}, trigger="manual"
        )
        samples.latencies[EXECUTE_STEP].append(seconds)
        card = _card_answered(body)
        if body is None:
            samples.failures.append(f"the press got no answer (HTTP {chat.last_status})")
        elif not echo and (card is None or "save_update" not in json.dumps(card)):
            samples.failures.append(f"the press did not answer with the form: {str(body)[:120]}")

    return run


def _save_button(replies: list[Reply], action_id: int) -> tuple[dict[str, Any], str | None] | None:
    for reply in replies:
        for card in reply.cards:
            for action in card.get("actions") or []:
                data = action.get("data") or {}
                if data.get("verb") == "save_update" and data.get("action_id") == action_id:
                    return data, reply.id
    return None


async def run_scenario(
    bot: RemoteBot,
    officers: list[Officer],
    script: Script,
    *,
    cycles: int,
    turns_per_cycle: int,
    pause: float = 0.0,
    prepare: Callable[[TimedChat, Officer], Awaitable[None]] | None = None,
    cpu_clock: Callable[[], float] | None = None,
) -> Samples:
    """Each officer runs `script` `cycles` times in their own 1:1 chat, all officers at once, after
    `prepare` (untimed, and outside `cpu_clock`'s reading) in each chat.

    With a `pause` (mean seconds), each officer pauses before every message, the first included, and
    they go on until the scenario has had as many turns as `cycles` each would give (see Pacing).
    """
    samples = Samples()
    chats = [TimedChat(bot, user=user_of(officer), scope="personal") for officer in officers]  # type: ignore[arg-type]
    total = len(officers) * cycles * turns_per_cycle
    pacing = Pacing(pause, total) if pause > 0 else None
    for index, chat in enumerate(chats):
        chat.pacing = pacing
        chat.rng = random.Random(index)

    async def converse(chat: TimedChat, officer: Officer) -> None:
        if pacing is None:
            for _ in range(cycles):
                await script(chat, officer, samples)
            return
        # The pause before the first message staggers the start. Exponential pauses forget how long
        # they have run, so officers caught mid-pause at any moment have this same wait left: from
        # the first turn, the arrivals are as they are later on.
        try:
            while True:
                await script(chat, officer, samples)
        except WindowClosed:
            pass

    if prepare is not None:
        await asyncio.gather(*(prepare(chat, officer) for chat, officer in zip(chats, officers, strict=True)))
    # This process is the stopwatch: a full collection of what it holds (every reply card) takes it
    # 150 ms, and turns in flight then would be counted that much slower. It collects between runs.
    gc.collect()
    gc.disable()
    try:
        cpu_before = cpu_clock() if cpu_clock else 0.0
        start = time.perf_counter()
        await asyncio.gather(
            *(converse(chat, officer) for chat, officer in zip(chats, officers, strict=True))
        )
        samples.seconds = time.perf_counter() - start
        samples.cpu_seconds = cpu_clock() - cpu_before if cpu_clock else 0.0
    finally:
        gc.enable()
    # Paced, the turns under way when the scenario had its count finish and are counted too.
    samples.turns = total if pacing is None else pacing.answered
    # What the connector kept is not needed any more; keeping it would grow this process.
    bot.connector.received.clear()
    return samples
