"""Talking to Teams politely: our own retry and pacing around every outbound call.

The SDK sends through msrest on `requests`, whose retry never retries a POST or a 429. Teams limits
each bot per conversation to 7 sends a second, 60 per 30 seconds and 1800 an hour, and answers 429
with Retry-After past them. 403 means the app was removed or blocked there: retrying cannot help.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from msrest.exceptions import HttpOperationError

log = logging.getLogger(__name__)
T = TypeVar("T")

# Teams asks for retries on these; a 500 is retried too, since its cause is usually as passing.
RETRIED = frozenset({412, 429, 500, 502, 503, 504})
LIMITS = ((7, 1.0), (60, 30.0), (1800, 3600.0))  # sends per window of seconds, per conversation


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
    """Keeps each conversation under Teams' per-conversation send limits, within one process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._sent: dict[str, deque[float]] = defaultdict(deque)

    def delay_for(self, conversation_id: str) -> float:
        now = self._clock()
        sent = self._sent[conversation_id]
        while sent and now - sent[0] > LIMITS[-1][1]:
            sent.popleft()
        wait = 0.0
        for count, window in LIMITS:
            recent = [t for t in sent if now - t < window]
            if len(recent) >= count:
                wait = max(wait, window - (now - recent[-count]))
        return wait

    def record(self, conversation_id: str) -> None:
        self._sent[conversation_id].append(self._clock())


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
        if wait := pacer.delay_for(conversation_id):
            await sleep(wait)
        pacer.record(conversation_id)
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
