"""Recording progress updates: appended, checked in plain words, and only by those who may."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, update

from documents.errors import UserFacingError
from documents.grades import Grade
from documents.plan_format import parse_plan_text
from store import queries
from store.db import Database
from store.models import AgreedAction, MonitoringRound, Person, ProgressUpdate, Recommendation, UpdateSource
from store.plan import current_update, import_plan
from store.updates import (
    action_for_update,
    may_record,
    record_update,
    recordable_actions,
    require_may_record,
    updatable,
)

PLAN = """
review: Digital Optimisation
committee: People Select Committee
link_officers: [Lorraine Dixon]
rounds:
  - {label: March 2020}
  - {label: September 2020, deadline: "2020-09-30", open: true}
recommendations:
  - number: 7
    text: SBC embraces the iDEA concept.
    actions:
      - group: For Council Staff
        responsibility: Lorraine Dixon / Liz Purdy
        date: September 2019
        agreed_action: Incorporate within the Council's workforce development plan.
        success_measure: The Council is signed up.
        progress:
          March 2020: {evidence: "Signed up to iDEA.", grade: 2}
      - group: For Community
        responsibility: Craig Taylor
        date: October 2019 - ongoing
        agreed_action: Market and promote to Adult learners.
        success_measure: Learners use iDEA.
        progress:
          March 2020:
            {evidence: "Piloted with two groups.", grade: 3, explanation: "Covid closed the centres."}
  - number: 8
    text: Free wifi in all council buildings.
    actions:
      - responsibility: Liz Purdy
        date: April 2019
        agreed_action: Install wifi in the libraries.
        progress:
          March 2020: {evidence: "Installed everywhere.", grade: 1}
  - number: 9
    text: A digital champion in every team.
    actions:
      - responsibility: Liz Purdy / Digital Services Group
        date: March 2021
        agreed_action: Recruit digital champions.
"""

SECOND_PLAN = """
review: Youth Services
link_officers: [Pat Jones]
rounds:
  - {label: October 2020, open: true}
recommendations:
  - number: 1
    text: Open the youth centre on Sundays.
    actions:
      - responsibility: Pat Jones
        date: December 2020
        agreed_action: Staff the Sunday sessions.
"""

MAX = 20_000
IMPORTED = 3  # progress updates in PLAN


@dataclass
class Seeded:
    """Ids of the seeded plan, as tests name them."""

    people: dict[str, int]  # first name -> person id
    actions: dict[str, int]  # "7.2" -> action id
    rounds: dict[str, int]  # "September 2020" -> round id


async def seed(db: Database) -> Seeded:
    """Two reviews with open rounds; officers with emails and Teams (AAD) ids; one admin."""
    async with db.session() as session:
        await import_plan(session, plan=parse_plan_text(PLAN, source="plan.yaml"))
        await import_plan(session, plan=parse_plan_text(SECOND_PLAN, source="second.yaml"))
        session.add(Person(name="Sam Other", is_officer=True))
        session.add(Person(name="Ada Admin", is_admin=True))
        await session.flush()
        people = {}
        for person in (await session.scalars(select(Person).where(Person.is_group.is_(False)))).all():
            first = person.name.split()[0].lower()
            person.email = f"{first}@stockton.gov.uk"
            person.aad_object_id = f"aad-{first}"
            people[first] = person.id
        rows = await session.execute(
            select(Recommendation.number, AgreedAction.position, AgreedAction.id).join(
                AgreedAction.recommendation
            )
        )
        actions = {f"{number}.{position}": action_id for number, position, action_id in rows}
        actions["youth 1.1"] = actions.pop("1.1")
        rounds = {r.label: r.id for r in (await session.scalars(select(MonitoringRound))).all()}
    return Seeded(people=people, actions=actions, rounds=rounds)


@pytest.fixture
async def seeded(db: Database) -> Seeded:
    return await seed(db)


async def _record(db: Database, seeded: Seeded, action: str = "7.2", **changes: object) -> ProgressUpdate:
    fields: dict[str, object] = dict(
        action_id=seeded.actions[action],
        round_id=seeded.rounds["September 2020"],
        evidence="Ran six sessions for adult learners.",
        grade=Grade.ON_TRACK,
        explanation=None,
        impact=None,
        by_person_id=seeded.people["craig"],
        source=UpdateSource.TEAMS,
        max_text_length=MAX,
    )
    fields.update(changes)
    async with db.session() as session:
        return await record_update(session, **fields)  # type: ignore[arg-type]


async def _count(db: Database) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(ProgressUpdate)) or 0


async def test_a_second_update_is_appended_and_becomes_current(db: Database, seeded: Seeded) -> None:
    first = await _record(db, seeded, evidence="First draft.")
    second = await _record(
        db, seeded, evidence="Ran six sessions.", grade=Grade.SLIPPED, explanation="Venue shut."
    )
    async with db.session() as session:
        current = await current_update(
            session, action_id=seeded.actions["7.2"], round_id=seeded.rounds["September 2020"]
        )
        kept = await session.get(ProgressUpdate, first.id)
    assert current is not None and current.id == second.id
    assert (current.evidence, current.grade, current.explanation) == (
        "Ran six sessions.",
        Grade.SLIPPED,
        "Venue shut.",
    )
    assert kept is not None and kept.evidence == "First draft."
    assert current.recorded_by_id == seeded.people["craig"] and current.source is UpdateSource.TEAMS


async def test_text_is_stored_exactly_as_typed(db: Database, seeded: Seeded) -> None:
    typed = "<b>Done</b> **really**\n- [link](https://example.org)\n\nSecond paragraph"
    saved = await _record(db, seeded, evidence=typed, impact="  ")
    assert saved.evidence == typed and saved.impact is None


@pytest.mark.parametrize("grade", [Grade.SLIPPED, Grade.NOT_ACHIEVED])
async def test_slipped_and_not_achieved_need_an_explanation(
    db: Database, seeded: Seeded, grade: Grade
) -> None:
    with pytest.raises(UserFacingError, match=f"{grade.label} needs an explanation"):
        await _record(db, seeded, grade=grade, explanation="   ")
    assert await _count(db) == IMPORTED


async def test_evidence_is_required_and_long_text_refused_with_its_length(
    db: Database, seeded: Seeded
) -> None:
    with pytest.raises(UserFacingError, match="Evidence of progress is needed"):
        await _record(db, seeded, evidence=" \n ")
    with pytest.raises(
        UserFacingError, match="evidence of impact is 20,001 characters long; the limit is 20,000"
    ):
        await _record(db, seeded, impact="x" * 20_001)
    assert await _count(db) == IMPORTED


async def test_an_action_fully_achieved_earlier_is_not_asked_again(db: Database, seeded: Seeded) -> None:
    with pytest.raises(UserFacingError) as refused:
        await _record(db, seeded, action="8.1", by_person_id=seeded.people["liz"])
    assert str(refused.value) == (
        "Recommendation 8, action 1 was already Fully Achieved in March 2020: nothing more is asked of it."
    )
    async with db.session() as session:
        with pytest.raises(UserFacingError, match="already Fully Achieved in March 2020"):
            await action_for_update(session, action_id=seeded.actions["8.1"])
    assert await _count(db) == IMPORTED


async def test_closed_rounds_and_other_reviews_rounds_are_refused(db: Database, seeded: Seeded) -> None:
    with pytest.raises(UserFacingError, match="The March 2020 round of “Digital Optimisation” is closed"):
        await _record(db, seeded, round_id=seeded.rounds["March 2020"])
    with pytest.raises(UserFacingError, match="not part of “Digital Optimisation”"):
        await _record(db, seeded, round_id=seeded.rounds["October 2020"])
    async with db.session() as session:
        await session.execute(update(MonitoringRound).values(is_open=False))
    with pytest.raises(UserFacingError, match="September 2020 round of “Digital Optimisation” is closed"):
        await _record(db, seeded)
    assert await _count(db) == IMPORTED


async def test_the_same_activity_delivered_twice_saves_one_update(db: Database, seeded: Seeded) -> None:
    first = await _record(db, seeded, activity_id="activity-1")
    again = await _record(db, seeded, activity_id="activity-1", evidence="Something else")
    assert again.id == first.id and again.evidence == first.evidence
    assert await _count(db) == IMPORTED + 1


@pytest.mark.parametrize(
    ("who", "is_admin", "allowed"),
    [
        ("craig", False, True),  # named as responsible for 7.2
        ("liz", False, False),  # an officer, but 7.2 is Craig's
        ("sam", False, False),  # an officer with no actions at all
        ("lorraine", False, True),  # the review's link officer
        ("ada", True, True),  # an admin
        (None, False, False),  # not matched to anyone
    ],
)
async def test_who_may_record_for_an_action(
    db: Database, seeded: Seeded, who: str | None, is_admin: bool, allowed: bool
) -> None:
    person_id = seeded.people[who] if who else None
    async with db.session() as session:
        assert (
            await may_record(session, person_id=person_id, is_admin=is_admin, action_id=seeded.actions["7.2"])
            is allowed
        )


async def test_a_refusal_says_whose_action_it_is_and_whom_to_ask(db: Database, seeded: Seeded) -> None:
    async with db.session() as session:
        with pytest.raises(UserFacingError) as refused:
            await require_may_record(
                session, person_id=seeded.people["liz"], is_admin=False, action_id=seeded.actions["7.2"]
            )
    assert str(refused.value) == (
        "Recommendation 7, action 2 is Craig Taylor’s to update: ask them, the link officer (Lorraine Dixon) "
        "or an admin."
    )


async def test_recordable_actions_are_the_callers_open_and_unfinished_ones(
    db: Database, seeded: Seeded
) -> None:
    async with db.session() as session:
        liz = await recordable_actions(session, person_id=seeded.people["liz"], is_admin=False)
        lorraine = await recordable_actions(session, person_id=seeded.people["lorraine"], is_admin=False)
        admin = await recordable_actions(session, person_id=None, is_admin=True)
        nobody = await recordable_actions(session, person_id=None, is_admin=False)
    assert [a.name for a in liz] == ["Recommendation 7, action 1", "Recommendation 9, action 1"]
    # The link officer may update every unfinished action of her review, in plan order.
    assert [a.name for a in lorraine] == [
        "Recommendation 7, action 1",
        "Recommendation 7, action 2",
        "Recommendation 9, action 1",
    ]
    assert [a.review_title for a in admin] == ["Digital Optimisation"] * 3 + ["Youth Services"]
    assert nobody == []


async def test_a_status_card_offers_update_on_the_actions_the_caller_may_record_now(
    db: Database, seeded: Seeded
) -> None:
    """A status card decides from the view it shows (`updatable`) what `recordable_actions` asks of
    the database: the two must agree for everyone."""
    async with db.session() as session:
        # A closed round: nothing is asked of Youth Services.
        await session.execute(
            update(MonitoringRound)
            .where(MonitoringRound.id == seeded.rounds["October 2020"])
            .values(is_open=False)
        )
    callers = [(person_id, False) for person_id in seeded.people.values()] + [(None, True), (None, False)]
    names = {action_id: name for name, action_id in seeded.actions.items()}
    offered: dict[tuple[int | None, bool], set[str]] = {}
    async with db.session() as session:
        recommendations = (
            await session.execute(select(Recommendation.review_id, Recommendation.number))
        ).all()
        views = [
            await queries.recommendation_status(session, review_id=review_id, number=number)
            for review_id, number in recommendations
        ]
        for person_id, is_admin in callers:
            on_cards = {
                names[action_id]
                for view in views
                if view is not None
                for action_id in updatable(view, person_id=person_id, is_admin=is_admin)
            }
            listed = await recordable_actions(session, person_id=person_id, is_admin=is_admin)
            assert on_cards == {names[a.action_id] for a in listed}, (person_id, is_admin)
            offered[person_id, is_admin] = on_cards
    # 8.1 was Fully Achieved in March 2020: not asked again, even of an admin.
    assert offered[None, True] == {"7.1", "7.2", "9.1"}
    assert offered[seeded.people["lorraine"], False] == {"7.1", "7.2", "9.1"}  # the link officer
    assert offered[seeded.people["craig"], False] == {"7.2"}
    assert offered[seeded.people["liz"], False] == {"7.1", "9.1"}
    assert offered[seeded.people["pat"], False] == set()  # her round is closed
    assert offered[None, False] == set()


async def test_the_action_in_context_shows_last_round_and_the_saved_answer(
    db: Database, seeded: Seeded
) -> None:
    async with db.session() as session:
        before = await action_for_update(session, action_id=seeded.actions["7.2"])
    await _record(db, seeded, evidence="Six sessions.")
    async with db.session() as session:
        after = await action_for_update(session, action_id=seeded.actions["7.2"])
    assert before.round_label == "September 2020" and before.current is None
    assert before.last_round is not None
    assert (before.last_round.round_label, before.last_round.grade) == ("March 2020", Grade.SLIPPED)
    assert before.last_round.explanation == "Covid closed the centres."
    assert after.current is not None and after.current.evidence == "Six sessions."
    assert after.current.recorded_by == "Craig Taylor"
