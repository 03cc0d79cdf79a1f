"""What the benchmark's database holds: the synthetic council, and reviews for the benchmark's officers.

The benchmark's officers are in teams of ten; each team has a review ("Bench Review 1", ...) of the
synthetic council's size, and each officer owns one recommendation of it (ACTIONS actions, an open
round). They are on the roster with the ids Teams gives them, so "update" goes straight to a choice
between their own actions. The benchmark answers for each action in turn: every answer is kept as a
new version, and one action answered thousands of times would be a history no council has.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from documents.grades import Grade
from documents.plan_format import (
    PlanDocument,
    PlannedAction,
    PlannedRecommendation,
    PlannedRound,
    ProgressEntry,
)
from documents.synthetic import synthetic_council
from store.db import Database, upgrade
from store.models import AgreedAction, Person, Recommendation, Review
from store.plan import import_plan

TEAM = 10  # officers per bench review
ACTIONS = 6  # actions per officer


@dataclass(frozen=True)
class Officer:
    number: int  # their recommendation's number in their bench review
    name: str
    email: str
    aad_object_id: str
    action_ids: tuple[int, ...]
    review: str  # the title of their bench review


def officer_name(index: int) -> str:
    return f"Bench Officer {index:02d}"


def review_title(team: int) -> str:
    return f"Bench Review {team}"


def bench_plan(team: int) -> PlanDocument:
    """Review `team` (from 1): officers (team - 1) * TEAM + 1 ... team * TEAM own its recommendations."""
    return PlanDocument(
        review=review_title(team),
        committee="Bench Committee",
        link_officers=["Bench Link Officer"],
        rounds=[PlannedRound(label="March 2020"), PlannedRound(label="September 2020", open=True)],
        recommendations=[
            PlannedRecommendation(
                number=n,
                text=f"The Council publishes open data on digital service {team}.{n}.",
                actions=[
                    PlannedAction(
                        responsibility=officer_name((team - 1) * TEAM + n),
                        date="March 2021",
                        agreed_action=f"Publish dataset {team}.{n}.{a} on the open data portal.",
                        success_measure="Residents can download it.",
                        progress={
                            "March 2020": ProgressEntry(evidence="Dataset drafted.", grade=Grade.ON_TRACK)
                        },
                    )
                    for a in range(1, ACTIONS + 1)
                ],
            )
            for n in range(1, TEAM + 1)
        ],
    )


async def seed(url: str, *, reviews: int, officers: int) -> list[Officer]:
    """The migrated database (see `prepare`) filled with `reviews` synthetic reviews and enough bench
    reviews for `officers` officers."""
    teams = -(-officers // TEAM)
    db = Database(url)
    try:
        for plan in [*synthetic_council(reviews=reviews), *map(bench_plan, range(1, teams + 1))]:
            async with db.session() as session:
                await import_plan(session, plan=plan)
        found = []
        async with db.session() as session:
            for index in range(1, officers + 1):
                team, number = divmod(index - 1, TEAM)
                person = await session.scalar(select(Person).where(Person.name == officer_name(index)))
                assert person is not None
                person.email = f"bench.officer.{index:02d}@example.gov.uk"
                person.aad_object_id = f"00000000-0000-4000-8000-bench{index:07d}"
                action_ids = await session.scalars(
                    select(AgreedAction.id)
                    .join(Recommendation)
                    .join(Review)
                    .where(Review.title == review_title(team + 1), Recommendation.number == number + 1)
                    .order_by(AgreedAction.position)
                )
                found.append(
                    Officer(
                        number + 1,
                        person.name,
                        person.email,
                        person.aad_object_id,
                        tuple(action_ids),
                        review_title(team + 1),
                    )
                )
        return found
    finally:
        await db.dispose()


def prepare(url: str) -> None:
    """Migrate (synchronously, outside any event loop)."""
    upgrade(url)
