"""Deputies: an officer away for a round names someone to record for their actions in that round.

The deputy may record for the delegated actions in that round only, gets their reminders instead of
the officer, and the record says "recorded by the deputy on behalf of the officer". Only an action's
responsible officer, its review's link officer or an admin may delegate it; a deputy cannot pass it on.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from documents.errors import UserFacingError
from documents.plan_format import is_group_name
from store.models import (
    AgreedAction,
    Delegation,
    MonitoringRound,
    Person,
    Recommendation,
    Review,
    action_responsible_people,
    review_link_officers,
    utcnow,
)
from store.views import action_name


@dataclass(frozen=True)
class Delegated:
    """One action delegated for a round, in words."""

    action: str  # "Recommendation 7, action 2"
    review_title: str
    round_label: str
    owner: str
    deputy: str


async def _person(session: AsyncSession, name: str) -> Person:
    name = " ".join(name.split())
    person = await session.scalar(select(Person).where(func.lower(Person.name) == name.lower()))
    if person is None or person.is_group or is_group_name(name):
        # Not echoed: what was typed may hold markup Teams would render.
        raise UserFacingError(
            "There is nobody by that name on the roster. Give their full name as the plan writes it "
            "(delegate 7.2 to Liz Purdy), or ask an admin to add them."
        )
    return person


async def _delegable(
    session: AsyncSession, *, person_id: int, is_admin: bool, number: int | None, position: int | None
) -> list[tuple[AgreedAction, MonitoringRound, Review, int]]:
    """Actions in reviews with an open round the caller may delegate, as asked: all their own, one
    recommendation's, or one action."""
    query = (
        select(AgreedAction, MonitoringRound, Review, Recommendation.number)
        .join(Recommendation, Recommendation.id == AgreedAction.recommendation_id)
        .join(Review, Review.id == Recommendation.review_id)
        .join(MonitoringRound, (MonitoringRound.review_id == Review.id) & MonitoringRound.is_open)
        .order_by(Review.title, Recommendation.number, AgreedAction.position)
    )
    own = select(action_responsible_people.c.action_id).where(
        action_responsible_people.c.person_id == person_id
    )
    linked = select(review_link_officers.c.review_id).where(review_link_officers.c.person_id == person_id)
    if number is None:  # "all": the caller's own actions
        query = query.where(AgreedAction.id.in_(own))
    else:
        query = query.where(Recommendation.number == number)
        if position is not None:
            query = query.where(AgreedAction.position == position)
        if not is_admin:
            query = query.where(AgreedAction.id.in_(own) | Review.id.in_(linked))
    return [tuple(row) for row in (await session.execute(query)).all()]  # type: ignore[misc]


async def delegate(
    session: AsyncSession,
    *,
    person_id: int,
    is_admin: bool,
    number: int | None,
    position: int | None,
    deputy_name: str,
    round_label: str | None,
) -> list[Delegated]:
    """Name a deputy for the caller's actions ("all"), one recommendation's or one action, in the open
    round; refused in plain words. A new deputy for the same action and round replaces the last."""
    deputy = await _person(session, deputy_name)
    if deputy.id == person_id:
        raise UserFacingError(
            "You cannot be your own deputy: name someone who can record while you are away."
        )
    found = await _delegable(
        session, person_id=person_id, is_admin=is_admin, number=number, position=position
    )
    if not found:
        what = (
            "any action of yours"
            if number is None
            else f"Recommendation {number}" + (f", action {position}" if position is not None else "")
        )
        raise UserFacingError(
            f"You cannot delegate {what} in an open round: only its responsible officer, the review's link "
            "officer or an admin can, and only while its round is open."
        )
    if round_label is not None:
        wrong = [r for _, r, _, _ in found if r.label.lower() != " ".join(round_label.split()).lower()]
        if wrong:
            raise UserFacingError(
                f"Deputies are named for the open round, {wrong[0].label}, not for {round_label}."
            )
    for round_ in {r.id: r for _, r, _, _ in found}.values():
        away = await session.scalar(
            select(Delegation.id).where(
                Delegation.round_id == round_.id,
                Delegation.owner_id == deputy.id,
                Delegation.ended_at.is_(None),
            )
        )
        if away is not None:
            raise UserFacingError(
                f"{deputy.name} is away for {round_.label} too, with a deputy of their own: "
                "name someone else."
            )
    caller = await session.get(Person, person_id)
    assert caller is not None
    delegated = []
    for action, round_, review, number_of in found:
        owners = list(
            await session.scalars(
                select(Person)
                .join(action_responsible_people, action_responsible_people.c.person_id == Person.id)
                .where(action_responsible_people.c.action_id == action.id, Person.is_group.is_(False))
                .order_by(Person.name)
            )
        )
        owner = caller if caller in owners or not owners else owners[0]
        if deputy.id == owner.id:
            raise UserFacingError(f"{deputy.name} is responsible for it already: name someone else.")
        await _end(session, action_id=action.id, round_id=round_.id)
        session.add(
            Delegation(
                action_id=action.id,
                round_id=round_.id,
                owner_id=owner.id,
                deputy_id=deputy.id,
                by_id=person_id,
            )
        )
        delegated.append(
            Delegated(
                action_name(number_of, action.position),
                review.title,
                round_.label,
                owner.name,
                deputy.name,
            )
        )
    await session.flush()
    return delegated


async def _end(session: AsyncSession, *, action_id: int, round_id: int) -> int:
    ended = 0
    for delegation in await session.scalars(
        select(Delegation).where(
            Delegation.action_id == action_id, Delegation.round_id == round_id, Delegation.ended_at.is_(None)
        )
    ):
        delegation.ended_at = utcnow()
        ended += 1
    return ended


async def delegations(session: AsyncSession, *, person_id: int | None, is_admin: bool) -> list[Delegated]:
    """Deputies named for open rounds that concern the caller (as officer, deputy or who named them);
    every one for an admin."""
    owner, deputy = aliased(Person), aliased(Person)
    query = (
        select(
            Recommendation.number,
            AgreedAction.position,
            Review.title,
            MonitoringRound.label,
            owner.name,
            deputy.name,
        )
        .select_from(Delegation)
        .join(AgreedAction, AgreedAction.id == Delegation.action_id)
        .join(Recommendation, Recommendation.id == AgreedAction.recommendation_id)
        .join(Review, Review.id == Recommendation.review_id)
        .join(MonitoringRound, MonitoringRound.id == Delegation.round_id)
        .join(owner, owner.id == Delegation.owner_id)
        .join(deputy, deputy.id == Delegation.deputy_id)
        .where(Delegation.ended_at.is_(None), MonitoringRound.is_open.is_(True))
        .order_by(Review.title, Recommendation.number, AgreedAction.position)
    )
    if not is_admin:
        query = query.where(
            (Delegation.owner_id == person_id)
            | (Delegation.deputy_id == person_id)
            | (Delegation.by_id == person_id)
        )
    return [
        Delegated(action_name(number, position), title, label, owner_name, deputy_name)
        for number, position, title, label, owner_name, deputy_name in (await session.execute(query)).all()
    ]


async def undelegate(
    session: AsyncSession, *, person_id: int, is_admin: bool, number: int | None, position: int | None
) -> int:
    """End the deputies the caller named (or, for an admin, anyone's) for these actions in open rounds."""
    query = (
        select(Delegation)
        .join(AgreedAction, AgreedAction.id == Delegation.action_id)
        .join(Recommendation, Recommendation.id == AgreedAction.recommendation_id)
        .join(MonitoringRound, MonitoringRound.id == Delegation.round_id)
        .where(Delegation.ended_at.is_(None), MonitoringRound.is_open.is_(True))
    )
    if not is_admin:
        query = query.where((Delegation.owner_id == person_id) | (Delegation.by_id == person_id))
    if number is not None:
        query = query.where(Recommendation.number == number)
    if position is not None:
        query = query.where(AgreedAction.position == position)
    ended = 0
    for delegation in await session.scalars(query):
        delegation.ended_at = utcnow()
        ended += 1
    await session.flush()
    return ended


async def deputies_for(
    session: AsyncSession, *, action_ids: set[int] | None = None, round_id: int | None = None
) -> dict[tuple[int, int], tuple[int, int]]:
    """(action id, round id) -> (deputy id, owner id), for deputies named and not taken back."""
    query = select(
        Delegation.action_id, Delegation.round_id, Delegation.deputy_id, Delegation.owner_id
    ).where(Delegation.ended_at.is_(None))
    if action_ids is not None:
        query = query.where(Delegation.action_id.in_(action_ids))
    if round_id is not None:
        query = query.where(Delegation.round_id == round_id)
    return {(a, r): (d, o) for a, r, d, o in (await session.execute(query)).all()}
