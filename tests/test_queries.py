"""What the chair and the summaries ask of a review, answered from seed-like data on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from records import import_document
from sqlalchemy import event, select

from documents.errors import UserFacingError
from documents.grades import Grade
from documents.plan_format import parse_plan_text, plan_from_data
from store.db import Database
from store.models import AgreedAction, MonitoringRound, ProgressUpdate, Recommendation, UpdateSource
from store.people import person_named
from store.plan import import_plan, require_review
from store.queries import (
    actions_by_latest_grade,
    actions_owned_by,
    changes_since,
    grade_counts,
    missing_updates,
    overdue_actions,
    recommendation_status,
    review_overview,
    review_status,
    reviews,
)
from store.rounds import close_round, current_round, open_round

# Recommendations 1, 2, 4, 7 and 13 of the seed, shortened, with a September 2020 round open.
SEED_LIKE = """
review: Digital Optimisation
committee: People Select Committee
link_officers: [Lorraine Dixon]
action_plan_agreed: March 2019
rounds:
  - {label: March 2020}
  - {label: September 2020, deadline: "2020-10-02", open: true}
recommendations:
  - number: 1
    text: A review of My Stockton with regards content and layout be undertaken.
    actions:
      - responsibility: Lorraine Dixon
        date: April 2019
        agreed_action: Review strengths / weaknesses identified by customer views from My Stockton Survey.
        success_measure: Customer views are understood.
        progress:
          March 2020: {evidence: "The survey has been summarised.", grade: 1}
      - responsibility: Lorraine Dixon
        date: September 2019
        agreed_action: Consider and define content for My Stockton at Digital Services Group.
        progress:
          March 2020: {evidence: "GOSS purchased.", grade: 3, explanation: "Website replacement."}
  - number: 2
    text: >-
      Work be undertaken to understand why too few of the Borough's residents are using the
      Council's digital services (in line with the Local Government Digital Service Standard).
    actions:
      - responsibility: Lorraine Dixon
        date: June 2019
        agreed_action: Conduct a resident's survey to understand the barriers to digital engagement.
        progress:
          March 2020: {evidence: "110 surveys were completed.", grade: 2}
          September 2020: {evidence: "Findings used in the website redesign.", grade: 2}
  - number: 4
    text: >-
      Information on where to get WiFi or access to a computer within the Borough be provided on the
      Council's website (as per Wigan Council's website).
    actions:
      - responsibility: Andrew Mearns
        date: April 2019 - ongoing
        agreed_action: Publish where WiFi and computers can be used.
        progress:
          March 2020: {evidence: "Published on the website.", grade: 1}
          September 2020: {fully_achieved_carried: true}
  - number: 7
    text: >-
      SBC embraces the iDEA (The Duke of York Inspiring Digital Enterprise Award) concept, both within
      the Council itself, and for residents young and old.
    actions:
      - group: For Council Staff
        responsibility: Lorraine Dixon / Liz Purdy
        date: September 2019
        agreed_action: Incorporate within the Council's workforce development plan.
        progress:
          March 2020: {evidence: "Signed up.", grade: 2}
          September 2020: {evidence: "Forty badges earned.", grade: 2}
      - group: For Community
        responsibility: Carly Dixon / Andrew Mearns
        date: October 2019
        agreed_action: Market and promote to Adult learners.
        progress:
          March 2020: {evidence: "Piloted.", grade: 3, explanation: "Covid."}
  - number: 13
    text: >-
      Bids for funding of digital projects continue to be submitted, where appropriate, to build on
      the Council's current digital offer.
    actions:
      - responsibility: Lorraine Dixon
        date: Ongoing
        agreed_action: Continue to submit bids.
        progress:
          March 2020: {evidence: "Bids submitted.", grade: 2}
          September 2020: {evidence: "Two bids in progress."}
"""


async def seed(db: Database, text: str = SEED_LIKE) -> int:
    async with db.session() as session:
        await import_plan(session, plan=parse_plan_text(text, source="plan.yaml"))
        return (await require_review(session, "Digital Optimisation")).id


async def round_id(db: Database, label: str) -> int:
    async with db.session() as session:
        found = await session.scalar(select(MonitoringRound.id).where(MonitoringRound.label == label))
    assert found is not None
    return found


async def test_recommendation_shows_each_action_with_owners_and_trend(db: Database) -> None:
    review_id = await seed(db)
    async with db.session() as session:
        rec = await recommendation_status(session, review_id=review_id, number=7)
        assert await recommendation_status(session, review_id=review_id, number=99) is None
    assert rec is not None and rec.number == 7 and rec.text.startswith("SBC embraces the iDEA")
    staff, community = rec.actions
    assert (staff.ref, staff.group, staff.owners) == (
        "7.1",
        "For Council Staff",
        ["Lorraine Dixon", "Liz Purdy"],
    )
    assert community.owners == ["Carly Dixon", "Andrew Mearns"]  # the plan's order, not alphabetical
    assert [(g.round_label, g.text) for g in staff.trend] == [
        ("March 2020", "2 On-Track"),
        ("September 2020", "2 On-Track"),
    ]
    assert [g.text for g in community.trend] == ["3 Slipped", ""]
    assert community.latest_grade is Grade.SLIPPED and community.latest_explanation == "Covid."
    assert staff.latest_evidence == "Forty badges earned." and staff.latest_round_label == "September 2020"
    assert rec.worst_open_grade is Grade.SLIPPED and not rec.done


async def test_fully_achieved_stays_done_in_later_rounds(db: Database) -> None:
    review_id = await seed(db)
    async with db.session() as session:
        recs = {r.number: r for r in await review_status(session, review_id=review_id)}
    survey = recs[1].actions[0]  # Fully Achieved in March 2020, nothing recorded since
    wifi = recs[4].actions[0]  # Fully Achieved, and the September document says so
    for action in (survey, wifi):
        assert action.done and action.latest_grade is Grade.FULLY_ACHIEVED
        assert [g.text for g in action.trend] == ["1 Fully Achieved", "N/A (Fully Achieved)"]
    assert [g.has_update for g in survey.trend] == [True, False]
    assert wifi.latest_evidence == "Published on the website." and wifi.latest_round_label == "March 2020"
    assert list(recs) == [1, 2, 4, 7, 13]
    bids = recs[13].actions[0]  # September's return has evidence but no grade yet
    assert [(g.text, g.has_update) for g in bids.trend] == [("2 On-Track", True), ("", True)]
    assert bids.latest_grade is Grade.ON_TRACK and bids.latest_evidence == "Two bids in progress."
    assert bids.latest_round_label == "September 2020"


async def test_grade_counts_per_round_and_per_recommendation(db: Database) -> None:
    review_id = await seed(db)
    march, september = await round_id(db, "March 2020"), await round_id(db, "September 2020")
    async with db.session() as session:
        first = await grade_counts(session, review_id=review_id, round_id=march)
        second = await grade_counts(session, review_id=review_id, round_id=september)
        rec7 = await recommendation_status(session, review_id=review_id, number=7)
        assert rec7 is not None
        only7 = await grade_counts(session, review_id=review_id, round_id=march, recommendation_id=rec7.id)
    assert first.counts == {
        Grade.FULLY_ACHIEVED: 2,
        Grade.ON_TRACK: 3,
        Grade.SLIPPED: 2,
        Grade.NOT_ACHIEVED: 0,
    }
    assert (first.total, first.not_assessed, first.carried) == (7, 0, 0)
    assert second.counts[Grade.ON_TRACK] == 2 and second.counts[Grade.FULLY_ACHIEVED] == 0
    assert (second.carried, second.not_assessed, second.achieved_to_date) == (2, 3, 2)
    assert only7.counts == {
        Grade.FULLY_ACHIEVED: 0,
        Grade.ON_TRACK: 1,
        Grade.SLIPPED: 1,
        Grade.NOT_ACHIEVED: 0,
    }


async def test_missing_updates_name_owners_and_skip_done_actions(db: Database) -> None:
    review_id = await seed(db)
    march = await round_id(db, "March 2020")
    async with db.session() as session:
        missing = await missing_updates(session, review_id=review_id)
        none_in_march = await missing_updates(session, review_id=review_id, round_id=march)
    assert [(a.ref, a.owners) for a in missing] == [
        ("1.2", ["Lorraine Dixon"]),
        ("7.2", ["Carly Dixon", "Andrew Mearns"]),
    ]
    assert none_in_march == []


async def test_changes_since_give_previous_and_new_grade(db: Database) -> None:
    review_id = await seed(db)
    september = await round_id(db, "September 2020")
    since = datetime.now(UTC)
    async with db.session() as session:
        assert await changes_since(session, review_id=review_id, since=since) == []
        officer = await person_named(session, name="Carly Dixon")
        action = await session.scalar(
            select(AgreedAction)
            .join(Recommendation)
            .where(Recommendation.number == 7, AgreedAction.position == 2)
        )
        assert officer is not None and action is not None
        for grade in (Grade.SLIPPED, Grade.NOT_ACHIEVED):  # an edit: only the newest counts
            session.add(
                ProgressUpdate(
                    action_id=action.id,
                    round_id=september,
                    evidence="Courses cancelled.",
                    grade=grade,
                    explanation="Venues closed.",
                    recorded_by_id=officer.id,
                    source=UpdateSource.TEAMS,
                )
            )
            await session.flush()
    async with db.session() as session:
        changes = await changes_since(session, review_id=review_id, since=since)
        later = await changes_since(
            session, review_id=review_id, since=datetime.now(UTC) + timedelta(seconds=1)
        )
        missing = await missing_updates(session, review_id=review_id)
    assert len(changes) == 1 and later == []
    change = changes[0]
    assert (change.action.ref, change.round_label) == ("7.2", "September 2020")
    assert (change.previous_grade, change.previous_round_label) == (Grade.SLIPPED, "March 2020")
    assert change.new_grade is Grade.NOT_ACHIEVED and change.recorded_by == "Carly Dixon"
    assert change.action.last_recorded_by == "Carly Dixon"
    assert change.action.latest_grade is Grade.NOT_ACHIEVED
    assert [a.ref for a in missing] == ["1.2"]


async def test_overdue_grade_and_owner_lists(db: Database) -> None:
    review_id = await seed(db)
    async with db.session() as session:
        overdue = await overdue_actions(session, review_id=review_id, today=date(2020, 6, 1))
        not_yet = await overdue_actions(session, review_id=review_id, today=date(2019, 5, 1))
        slipped = await actions_by_latest_grade(session, review_id=review_id, grade=Grade.SLIPPED)
        mearns = await person_named(session, name="Andrew Mearns", create=False)
        assert mearns is not None
        owned = await actions_owned_by(session, person_id=mearns.id)
    # 1.1 was due April 2019 but is done; "April 2019 - ongoing" and "Ongoing" have no end.
    assert [a.ref for a in overdue] == ["1.2", "2.1", "7.1", "7.2"]
    assert not_yet == []  # 1.1 was due by the end of April 2019, and was done
    assert [a.ref for a in slipped] == ["1.2", "7.2"]
    assert [(a.ref, a.review_title) for a in owned] == [
        ("4.1", "Digital Optimisation"),
        ("7.2", "Digital Optimisation"),
    ]


async def test_review_lists_and_overview(db: Database) -> None:
    review_id = await seed(db)
    async with db.session() as session:
        listed = await reviews(session)
        overview = await review_overview(session, review_id=review_id)
    assert [(r.title, r.committee) for r in listed] == [("Digital Optimisation", "People Select Committee")]
    assert listed[0].open_round is not None and listed[0].open_round.label == "September 2020"
    assert [r.label for r in overview.rounds] == ["March 2020", "September 2020"]
    assert overview.counts is not None and overview.counts.round_label == "September 2020"
    assert [(r.number, r.worst_open_grade, r.done) for r in overview.recommendations] == [
        (1, Grade.SLIPPED, False),
        (2, Grade.ON_TRACK, False),
        (4, None, True),
        (7, Grade.SLIPPED, False),
        (13, Grade.ON_TRACK, False),
    ]


async def test_one_round_open_at_a_time(db: Database) -> None:
    review_id = await seed(db)
    async with db.session() as session:
        opened = await open_round(session, review_id=review_id, label="Sept 2021", deadline=date(2021, 10, 1))
    async with db.session() as session:
        current = await current_round(session, review_id=review_id)
        open_labels = (
            await session.scalars(select(MonitoringRound.label).where(MonitoringRound.is_open))
        ).all()
        # The new round asks for nothing of actions already done, and everything of the rest.
        missing = await missing_updates(session, review_id=review_id)
    assert opened.label == "September 2021" and current is not None and current.id == opened.id
    assert current.deadline == date(2021, 10, 1)
    assert open_labels == ["September 2021"]
    assert [a.ref for a in missing] == ["1.2", "2.1", "7.1", "7.2", "13.1"]
    async with db.session() as session:
        closed = await close_round(session, review_id=review_id)
        assert closed.label == "September 2021"
        assert await current_round(session, review_id=review_id) is None
        assert await missing_updates(session, review_id=review_id) == []
        with pytest.raises(UserFacingError, match="has no open round"):
            await close_round(session, review_id=review_id)
        with pytest.raises(UserFacingError, match="not a month and year"):
            await open_round(session, review_id=review_id, label="Autumn", deadline=None)


def big_plan(recommendations: int, actions: int, rounds: int) -> dict[str, Any]:
    labels = [f"{'March' if i % 2 == 0 else 'September'} {2020 + i // 2}" for i in range(rounds)]
    return {
        "review": "Digital Optimisation",
        "recommendations": [
            {
                "number": n,
                "text": f"Recommendation text {n}",
                "actions": [
                    {
                        "responsibility": f"Officer {n} / Officer {a}",
                        "date": "April 2019",
                        "agreed_action": f"Action {n}.{a}",
                        "progress": {label: {"evidence": "Done some.", "grade": 2} for label in labels},
                    }
                    for a in range(1, actions + 1)
                ],
            }
            for n in range(1, recommendations + 1)
        ],
    }


async def queries_for_status(db: Database, plan: dict[str, Any]) -> tuple[int, int]:
    async with db.session() as session:
        await import_plan(session, plan=plan_from_data(plan, source="big"))
        review_id = (await require_review(session, "Digital Optimisation")).id
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with db.session() as session:
            status = await review_status(session, review_id=review_id)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    return len(statements), sum(len(r.actions) for r in status)


async def test_status_of_a_large_review_takes_a_handful_of_queries(db: Database) -> None:
    queries, actions = await queries_for_status(db, big_plan(recommendations=15, actions=4, rounds=8))
    assert actions == 60
    assert queries <= 6


async def test_sample_answers_as_the_committee_counted(db: Database, samples: Path) -> None:
    async with db.session() as session:
        await import_document(session, path=samples / "progress-update-march-2020.docx")
        review_id = (await require_review(session, "Digital Optimisation")).id
        september = await open_round(session, review_id=review_id, label="September 2020", deadline=None)
    march = await round_id(db, "March 2020")
    async with db.session() as session:
        counts = await grade_counts(session, review_id=review_id, round_id=march)
        after = await grade_counts(session, review_id=review_id, round_id=september.id)
        missing = await missing_updates(session, review_id=review_id)
        rec7 = await recommendation_status(session, review_id=review_id, number=7)
    assert [counts.counts[g] for g in Grade] == [5, 16, 6, 0] and counts.total == 27
    assert (after.carried, after.not_assessed) == (5, 22)
    assert len(missing) == 22 and all(not a.done for a in missing)
    assert missing[0].ref == "1.2" and missing[0].owners == ["Lorraine Dixon"]
    assert rec7 is not None
    assert [(a.ref, a.group, a.owners) for a in rec7.actions] == [
        ("7.1", "For Council Staff", ["Lorraine Dixon", "Liz Purdy"]),
        ("7.2", "For Community", ["Craig Taylor"]),
        ("7.3", "For Community", ["Mark Freeman"]),
        ("7.4", "For Community", ["Carly Dixon", "Andrew Mearns"]),
    ]
