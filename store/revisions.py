"""An agreed plan is frozen: once a review's plan is agreed, a change to an agreed action keeps the
words it replaced as an ActionRevision, with when and how, before the action takes its new words.
Every path that changes an action after agreement goes through `revise` (today: importing a later
version of the plan; an approved extension keeps its replaced date on the request itself)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import ActionRevision, AgreedAction, UpdateSource

WORDS = ("group", "responsibility", "date_text", "agreed_action", "success_measure")


def words_of(action: AgreedAction) -> tuple[str | None, ...]:
    return tuple(getattr(action, field) for field in WORDS)


def revise(
    session: AsyncSession,
    *,
    action: AgreedAction,
    before: tuple[str | None, ...],
    source: UpdateSource,
    by_person_id: int | None = None,
) -> bool:
    """Keep the action's words `before` a change, if it changed them; whether it did."""
    if words_of(action) == before:
        return False
    kept = dict(zip(WORDS, before, strict=True))
    session.add(ActionRevision(action_id=action.id, source=source, revised_by_id=by_person_id, **kept))
    return True


async def revisions_of(session: AsyncSession, *, action_ids: Sequence[int]) -> list[ActionRevision]:
    """The earlier words of these actions, oldest first."""
    found = await session.scalars(
        select(ActionRevision)
        .where(ActionRevision.action_id.in_(action_ids))
        .order_by(ActionRevision.action_id, ActionRevision.id)
    )
    return list(found)
