"""One turn at a time per conversation, and a turn's replies sent only once its state is kept.

Teams does not wait for one turn to end before sending a conversation's next activity: a double tap on
a slow phone, or two Teams clients open at once, deliver two presses within milliseconds, and with
several workers or replicas they reach different processes. Two turns that both start from the same
dialog state would both act on it.

Within one process, `ConversationLocks` puts a conversation's turns in line: the second starts from
what the first left. Across processes the stored state's e_tag decides (bot/storage.py): a turn whose
conversation state was changed by another meanwhile is run again on the new state. So that each
activity still gets exactly one answer, the one its final run gives, the turn's messages wait in an
`Outbox` until its state is kept; a run that lost the race is never heard.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from botbuilder.core import TurnContext

# Where the adapter finds the turn's outbox: turn_context.turn_state[OUTBOX_KEY].
OUTBOX_KEY = "scrutiny.outbox"


class ConversationLocks:
    """A lock per conversation, kept only while a turn holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, conversation_id: str | None) -> AsyncIterator[None]:
        if conversation_id is None:
            yield
            return
        lock, users = self._locks.get(conversation_id, (asyncio.Lock(), 0))
        self._locks[conversation_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[conversation_id]
            if users == 1:
                del self._locks[conversation_id]
            else:
                self._locks[conversation_id] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class Outbox:
    """Sends (and card updates) held back until the turn's state is kept."""

    def __init__(self) -> None:
        self._held: list[Callable[[], Awaitable[Any]]] = []
        self._passing = 0

    @property
    def holding(self) -> bool:
        return self._passing == 0

    @contextmanager
    def sending_now(self) -> Iterator[None]:
        """Sends made meanwhile go straight out: what another record says was sent (a kept notice,
        claimed as delivered) must not wait on this turn's state, nor be lost with a run that is
        done again."""
        self._passing += 1
        try:
            yield
        finally:
            self._passing -= 1

    def hold(self, send: Callable[[], Awaitable[Any]]) -> None:
        self._held.append(send)

    def drop(self) -> None:
        self._held.clear()

    async def flush(self) -> None:
        held, self._held = self._held, []
        for send in held:
            await send()


class TurnStart:
    """The turn as it arrived, so a run that lost the race can be undone before running it again:
    handlers change the activity (a press's value, the mention taken out), add turn state and
    register send hooks."""

    def __init__(self, turn_context: TurnContext) -> None:
        self._activity = copy.deepcopy(turn_context.activity)
        self._turn_state = dict(turn_context.turn_state)
        self._hooks = [
            len(hooks)
            for hooks in (
                turn_context._on_send_activities,
                turn_context._on_update_activity,
                turn_context._on_delete_activity,
            )
        ]

    def restore(self, turn_context: TurnContext) -> None:
        turn_context.activity = copy.deepcopy(self._activity)
        turn_context.turn_state.clear()
        turn_context.turn_state.update(self._turn_state)
        for hooks, length in zip(
            (
                turn_context._on_send_activities,
                turn_context._on_update_activity,
                turn_context._on_delete_activity,
            ),
            self._hooks,
            strict=True,
        ):
            del hooks[length:]
        turn_context._responded = False
