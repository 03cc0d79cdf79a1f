"""The load driver: N conversations at once, each sending its turns one after another, as Teams would.

A turn's latency is the POST round trip to /api/messages. CloudAdapter sends the bot's replies to the
connector within the turn, so it includes them. The connector is the tests' fake Teams connector
(tests/fake_connector.py), on loopback in this process.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

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


class TimedChat(Chat):
    """A Teams conversation that times each turn's POST round trip."""

    cycles = 0  # how many times this conversation has run its script

    async def post_timed(self, activity: dict[str, Any]) -> tuple[float, list[Reply]]:
        start = time.perf_counter()
        try:
            replies = await self.send(activity)
        except AssertionError:  # the bot answered the POST with an error status
            replies = []
        seconds = time.perf_counter() - start
        # The connector also heard the other conversations' replies meanwhile: keep this one's.
        mine = self.conversation["id"]
        return seconds, [r for r in replies if (r.raw.get("conversation") or {}).get("id") == mine]

    def next_action(self, officer: Officer) -> tuple[int, int]:
        """(position, id) of the officer's action to answer for next."""
        self.cycles += 1
        index = self.cycles % len(officer.action_ids)
        return index + 1, officer.action_ids[index]

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


def status_script(question: Callable[[Officer], str]) -> Script:
    async def run(chat: TimedChat, officer: Officer, samples: Samples) -> None:
        seconds, replies = await chat.say_timed(question(officer))
        samples.latencies["status N"].append(seconds)
        if not replies:
            samples.failures.append(f"status N got no reply (HTTP {chat.last_status})")

    return run


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
) -> Samples:
    """Each officer runs `script` `cycles` times in their own 1:1 chat, all officers at once."""
    samples = Samples()
    chats = [TimedChat(bot, user=user_of(officer), scope="personal") for officer in officers]  # type: ignore[arg-type]

    async def converse(chat: TimedChat, officer: Officer) -> None:
        for _ in range(cycles):
            await script(chat, officer, samples)

    start = time.perf_counter()
    await asyncio.gather(*(converse(chat, officer) for chat, officer in zip(chats, officers, strict=True)))
    samples.seconds = time.perf_counter() - start
    samples.turns = len(officers) * cycles * turns_per_cycle
    # What the connector kept is not needed any more; keeping it would grow this process.
    bot.connector.received.clear()
    return samples
