"""The scrutiny officer's decisions told to the officers they concern, at the scheduler's tick: a
returned update or a decided new date at once, accepted updates one line a day. Sent through the
scheduler's `tell` (claimed, sent once; kept for someone never seen in Teams)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.response_reminders import Tell
from cards.review import accepted_card, extension_told_card, returned_card
from store.db import Database
from store.deliveries import last_sent, people_by_id, sent_slots
from store.extensions import decided_extensions_since
from store.models import DeliveryKind, Verdict
from store.returns import Decided, decided_since, return_for_review

# Decisions older than this are not looked at again: their officers have been told, or cannot be.
NOTICE_WINDOW = timedelta(days=7)


async def tell_decisions(db: Database, *, now: datetime, report: Any, zone: str, tell: Tell) -> None:
    """A returned update, or a decided new date, reaches its officer at the next tick; accepted
    updates, one line a day. Only what has not gone out yet is worked out again."""
    since = now - NOTICE_WINDOW
    async with db.session() as session:
        returned = await decided_since(session, verdict=Verdict.RETURNED, since=since)
        sent = await sent_slots(session, kind=DeliveryKind.RETURNED, slots=[d.slot for d in returned])
        returned = [d for d in returned if d.slot not in sent]
        accepted = await decided_since(session, verdict=Verdict.ACCEPTED, since=since)
        extensions = await decided_extensions_since(session, since=since)
        sent = await sent_slots(
            session, kind=DeliveryKind.EXTENSION, slots=[f"extension {e.request_id}" for e in extensions]
        )
        extensions = [e for e in extensions if f"extension {e.request_id}" not in sent]
        ids = {d.officer_id for d in [*returned, *accepted]} | {
            e.asked_by_id for e in extensions if e.asked_by_id
        }
        people = await people_by_id(session, ids=ids)
        items = {d.update_id: await return_for_review(session, update_id=d.update_id) for d in returned}
    for decided in returned:
        item = items[decided.update_id]
        if item is None:
            continue
        card = returned_card(item, reviewer=decided.reviewer or "The scrutiny officer", deputy=decided.deputy)
        summary = str(card["body"][0]["text"]) + f": {item.reason}"
        await tell(
            people[decided.officer_id],
            DeliveryKind.RETURNED,
            decided.slot,
            item.review_id,
            card,
            summary,
            now,
            report,
        )
    for extension in extensions:
        if extension.asked_by_id not in people:
            continue
        card = extension_told_card(extension)
        text = str(card["body"][0]["inlines"][0]["text"])
        slot = f"extension {extension.request_id}"
        person = people[extension.asked_by_id]  # type: ignore[index]
        await tell(person, DeliveryKind.EXTENSION, slot, extension.review_id, card, text, now, report)
    by_officer: dict[int, list[Decided]] = {}
    for decided in accepted:
        by_officer.setdefault(decided.officer_id, []).append(decided)
    today = now.astimezone(ZoneInfo(zone)).date().isoformat()
    for officer_id, decisions in by_officer.items():
        async with db.session() as session:
            target = f"person:{officer_id}"
            if await sent_slots(session, kind=DeliveryKind.ACCEPTED, slots=[today], target=target):
                continue  # one a day: today's has gone
            told = await last_sent(session, kind=DeliveryKind.ACCEPTED, target=target)
            fresh = [
                (item, d.deputy)
                for d in decisions
                if (told is None or d.decided_at > told)
                and (item := await return_for_review(session, update_id=d.update_id)) is not None
            ]
        if fresh:
            card = accepted_card(fresh)
            summary = str(card["body"][0]["text"])
            # The review named, for the link officer to hear of it should the officer be unreachable.
            review_id = fresh[0][0].review_id
            await tell(
                people[officer_id], DeliveryKind.ACCEPTED, today, review_id, card, summary, now, report
            )
