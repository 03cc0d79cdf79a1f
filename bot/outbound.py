"""Talking to Teams politely: our own retry and pacing around every outbound call.

The SDK sends through msrest on `requests`, whose retry never retries a POST or a 429. Teams limits
each bot per conversation to 7 sends a second, 8 in 2 seconds, 60 in 30 and 1800 an hour, and an app
to 50 a second in a tenant, and answers 429 with Retry-After past them. 403 means the app was
removed or blocked there: retrying cannot help.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from msrest.exceptions import HttpOperationError

log = logging.getLogger(__name__)
T = TypeVar("T")

# Teams asks for retries on these; a 500 is retried too, since its cause is usually as passing.
RETRIED = frozenset({412, 429, 500, 502, 503, 504})
LIMITS = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))  # sends per window of seconds, per conversation
APP_PER_SECOND = 45  # Teams allows an app 50 a second in a tenant; the rest is room for a send's way there
SLACK = 0.25  # seconds more than a window: a send takes a moment to reach Teams, and not always the same


class ConversationBlocked(Exception):
    """Teams said 403: the app was removed from, or blocked in, this conversation."""


class DeliveryFailed(Exception):
    """Gave up after the retries allowed; the caller keeps the work for next time."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0


def status_of(error: BaseException) -> int | None:
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return int(status) if status else None


def retry_after(error: BaseException) -> float | None:
    """Seconds from a Retry-After header, given as seconds or as an HTTP date."""
    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    value = headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class Pacer:
    """Keeps sends within Teams' limits, in this process: each conversation's (LIMITS), and the app's
    across conversations (`app_per_second`). A send is counted when it really goes: channels posted
    side by side wake together from a busy moment, and a count booked ahead would let them all go."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, *, app_per_second: int = APP_PER_SECOND
    ) -> None:
        self._clock = clock
        self._sent: dict[str, list[float]] = defaultdict(list)
        self._all: list[float] = []
        self._app_limits = ((app_per_second, 1.0),)

    def turn(self, conversation_id: str) -> float:
        """0 if a send to the conversation may go now (it is counted), else the seconds to wait
        before asking again."""
        now = self._clock()
        sent = self._sent[conversation_id]
        del sent[: bisect.bisect_right(sent, now - LIMITS[-1][1] - SLACK)]
        del self._all[: bisect.bisect_right(self._all, now - self._app_limits[-1][1] - SLACK)]
        at = max(_earliest(sent, LIMITS, now), _earliest(self._all, self._app_limits, now))
        if at <= now:
            sent.append(now)
            self._all.append(now)
        return at - now


def _earliest(times: list[float], limits: tuple[tuple[int, float], ...], at: float) -> float:
    """The first moment from `at` on when one more send stays within every limit (`times` in order)."""
    for count, window in limits:
        if len(times) >= count and times[-count] + window + SLACK > at:
            at = times[-count] + window + SLACK
    return at


async def send_politely(
    call: Callable[[], Awaitable[T]],
    *,
    conversation_id: str,
    pacer: Pacer,
    policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> T:
    """Run `call` (one send to Teams), pacing it and retrying what Teams asks us to retry."""
    for attempt in range(1, policy.attempts + 1):
        while wait := pacer.turn(conversation_id):
            await sleep(wait)
        try:
            return await call()
        except HttpOperationError as error:
            status = status_of(error)
            if status == 403:
                raise ConversationBlocked(conversation_id) from None
            if status not in RETRIED or attempt == policy.attempts:
                log.error(
                    "Sending to %s failed with HTTP %s after %d attempt(s)", conversation_id, status, attempt
                )
                raise DeliveryFailed(f"HTTP {status}") from None
            backoff = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
            delay = retry_after(error) if status == 429 and retry_after(error) is not None else None
            delay = (
                delay if delay is not None else backoff * random.uniform(0.5, 1.0)
            )  # jitter spreads replicas
            log.warning("Teams answered %s for %s; retrying in %.1fs", status, conversation_id, delay)
            await sleep(delay)
    raise AssertionError("unreachable")
