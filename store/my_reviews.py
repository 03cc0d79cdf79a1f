"""Which reviews are someone's, as their personal tab lists them ("My reviews")."""

from __future__ import annotations

from sqlalchemy import select, union
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import (
    AgreedAction,
    Person,
    Recommendation,
    action_responsible_people,
    review_link_officers,
    review_scrutiny_officers,
)


async def review_ids_of(session: AsyncSession, *, person_id: int) -> set[int] | None:
    """The ids of the reviews the person works in: as the link officer, as one review's scrutiny officer,
    or named responsible for one of its actions. None means every review: the chair, an admin and a
    scrutiny officer for every review follow them all, so listing a few would hide the rest."""
    person = await session.get(Person, person_id)
    if person is None:
        return set()
    if person.is_chair or person.is_admin or person.is_scrutiny_officer:
        return None
    responsible = (
        select(Recommendation.review_id)
        .join(AgreedAction, AgreedAction.recommendation_id == Recommendation.id)
        .join(action_responsible_people, action_responsible_people.c.action_id == AgreedAction.id)
        .where(action_responsible_people.c.person_id == person_id)
    )
    linked = select(review_link_officers.c.review_id).where(review_link_officers.c.person_id == person_id)
    reads = select(review_scrutiny_officers.c.review_id).where(
        review_scrutiny_officers.c.person_id == person_id
    )
    return set(await session.scalars(union(responsible, linked, reads)))
