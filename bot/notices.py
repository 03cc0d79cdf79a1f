"""Notices for people the bot cannot reach yet: kept, told the first time they are seen, and the
review's link officer told meanwhile whom the bot could not reach, and about what.

"Never seen" means no 1:1 chat stored and no Teams id to open one with. The scheduler keeps such a
notice (store/notices.py) instead of dropping it; a turn hands it over when its person first writes,
presses a card or installs the app (`hand_over_kept`), and a tick sends it once the person can be
reached another way (`KeptNotices.deliver`). Both claim the delivery it would have had, so it goes
out once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from botbuilder.schema import Activity

from bot.proactive import card_activity
from cards import messages
from cards.review import unreachable_card
from store.db import Database
from store.deliveries import claim_delivery, mark_sent, people_by_id, release_delivery, sent_slots
from store.models import DeliveryKind, PendingNotice, Person
from store.notices import (
    forget_notice,
    keep_notice,
    link_officers_of,
    link_officers_told,
    pending_notices,
    person_target,
)

log = logging.getLogger(__name__)

# A 1:1 chat's reference, or the Teams id to open one with; (None, None): never seen in Teams.
Reach = tuple[dict[str, Any] | None, str | None]
# Post to a person as the scheduler does (claimed, sent once): person, reach, kind, slot, review id,
# card, summary.
Send = Callable[[Person, Reach, DeliveryKind, str, int | None, dict[str, Any], str], Awaitable[None]]


class KeptNotices:
    def __init__(self, *, db: Database, reach: Callable[[Person], Awaitable[Reach]]) -> None:
        self.db = db
        self.reach = reach

    async def keep(
        self,
        person: Person,
        kind: DeliveryKind,
        slot: str,
        review_id: int | None,
        card: dict[str, Any],
        summary: str,
        now: datetime,
    ) -> None:
        async with self.db.session() as session:
            kept = await keep_notice(
                session,
                person_id=person.id,
                kind=kind,
                slot=slot,
                review_id=review_id,
                card=card,
                summary=summary,
                now=now,
            )
        if kept:  # said once, not at every tick
            log.warning(
                "Cannot tell %s (%s) yet: never seen in Teams; kept for the first time they are",
                person.name,
                kind.value,
            )

    async def deliver(self, send: Send) -> None:
        """At a tick: kept notices whose person can now be reached are sent; for the others, the
        review's link officers are told once."""
        async with self.db.session() as session:
            kept = await pending_notices(session)
            people = await people_by_id(session, ids={notice.person_id for notice in kept})
        # Someone unreachable is asked about once a tick. Someone reachable is asked again for each
        # notice: the chat opened for their first is the one for the next.
        unreachable: set[int] = set()
        for notice in kept:
            person = people[notice.person_id]
            reach: Reach = (None, None) if person.id in unreachable else await self.reach(person)
            if reach == (None, None):
                unreachable.add(person.id)
                if not notice.link_officers_told:
                    await self._tell_link_officers(notice, person, send)
                continue
            await send(person, reach, notice.kind, notice.slot, notice.review_id, notice.card, notice.summary)
            async with self.db.session() as session:
                target = person_target(person.id)
                if await sent_slots(session, kind=notice.kind, slots=[notice.slot], target=target):
                    await forget_notice(session, notice_id=notice.id)

    async def _tell_link_officers(self, notice: PendingNotice, person: Person, send: Send) -> None:
        async with self.db.session() as session:
            officers = [
                o for o in await link_officers_of(session, review_id=notice.review_id) if o.id != person.id
            ]
        card = unreachable_card(name=person.name, about=notice.summary)
        summary = messages.UNREACHABLE_SUMMARY.format(name=person.name)
        slot = f"{notice.kind.value} {notice.slot} for person {person.id}"
        told = True
        for officer in officers:
            reach = await self.reach(officer)
            if reach == (None, None):
                log.warning(
                    "Cannot tell link officer %s that %s could not be reached: never seen in Teams either",
                    officer.name,
                    person.name,
                )
                continue
            await send(officer, reach, DeliveryKind.UNREACHABLE, slot, notice.review_id, card, summary)
            async with self.db.session() as session:
                target = person_target(officer.id)
                # Not sent (Teams was busy): tried again at the next tick, the claim keeping it to once.
                told &= bool(
                    await sent_slots(session, kind=DeliveryKind.UNREACHABLE, slots=[slot], target=target)
                )
        if not officers:
            log.warning(
                "Cannot tell %s (%s), and their review has no link officer to tell",
                person.name,
                notice.kind.value,
            )
        if told:
            async with self.db.session() as session:
                await link_officers_told(session, notice_id=notice.id)


async def hand_over_kept(
    db: Database,
    *,
    person_id: int,
    post: Callable[[Activity], Awaitable[Any]],
    now: datetime,
) -> int:
    """In a turn of someone just seen: whatever was kept for them, claimed (so another turn, a tick or
    a repeat delivery sends none of it again), then posted into this chat under one line saying why.
    How many were posted."""
    async with db.session() as session:
        kept = await pending_notices(session, person_id=person_id)
        claims: list[tuple[PendingNotice, int]] = []
        for notice in kept:
            delivery_id = await claim_delivery(
                session,
                kind=notice.kind,
                target=person_target(person_id),
                slot=notice.slot,
                review_id=notice.review_id,
                now=now,
            )
            if delivery_id is not None:
                claims.append((notice, delivery_id))
    if not claims:
        return 0
    posted = 0
    try:
        await post(Activity(type="message", text=messages.KEPT_WHILE_AWAY))
        for notice, delivery_id in claims:
            await post(card_activity(notice.card, summary=notice.summary))
            async with db.session() as session:
                await mark_sent(session, delivery_id=delivery_id, now=now, conversation_id=None)
                await forget_notice(session, notice_id=notice.id)
            posted += 1
    except Exception as error:
        # The rest are released: the next tick posts them, this chat being known now. The turn goes on.
        log.warning("Could not hand over kept notices (%s); the scheduler will", type(error).__name__)
        async with db.session() as session:
            for _, unsent in claims[posted:]:
                await release_delivery(session, delivery_id=unsent, now=now, error=type(error).__name__)
    return posted
