"""The YAML/JSON plan format: imported in one transaction, refused with a clear reason."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from documents.errors import ImportRefused
from documents.grades import Grade
from documents.plan_format import parse_plan_text
from store.db import Database
from store.models import AgreedAction, ProgressUpdate, Recommendation
from store.plan import export_plan, import_plan

PLAN = """
review: Digital Optimisation
committee: People Select Committee
link_officers: [Lorraine Dixon]
action_plan_agreed: March 2019
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
          March 2020: {evidence: "Signed up.", grade: 2}
          September 2020: {evidence: "Done.", grade: Fully Achieved}
      - group: For Community
        responsibility: Craig Taylor
        date: October 2019 - ongoing
        agreed_action: Market and promote to Adult learners.
        progress:
          March 2020: {evidence: "Piloted.", grade: 3, explanation: "Covid."}
"""


async def test_plan_imports_and_exports_the_same_data(db: Database) -> None:
    plan = parse_plan_text(PLAN, source="plan.yaml")
    async with db.session() as session:
        result = await import_plan(session, plan=plan)
    assert result.created and result.actions == 2 and result.updates_added == 3
    async with db.session() as session:
        grades = (await session.scalars(select(ProgressUpdate.grade).order_by(ProgressUpdate.id))).all()
        action = await session.scalar(select(AgreedAction).where(AgreedAction.position == 2))
        exported = await export_plan(session, title="digital optimisation")
    assert grades == [Grade.ON_TRACK, Grade.FULLY_ACHIEVED, Grade.SLIPPED]
    assert action is not None and action.ongoing and action.due_by is None
    assert exported.model_dump(exclude={"rounds"}) == plan.model_dump(exclude={"rounds"})
    assert [r.label for r in exported.rounds] == ["March 2020", "September 2020"]


async def test_reimporting_the_same_plan_changes_nothing(db: Database) -> None:
    plan = parse_plan_text(PLAN, source="plan.yaml")
    async with db.session() as session:
        await import_plan(session, plan=plan)
    async with db.session() as session:
        again = await import_plan(session, plan=plan)
        count = await session.scalar(select(func.count()).select_from(ProgressUpdate))
    assert again.updates_added == 0 and not again.created
    assert count == 3


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            PLAN.replace("grade: 3", "grade: 7"),
            "Recommendation 7, action 2, progress, round “March 2020”, grade",
        ),
        (
            PLAN.replace("agreed_action: Market and promote to Adult learners.", "agreed_action: ''"),
            "Recommendation 7, action 2, agreed action: is empty",
        ),
        (PLAN.replace("September 2020:", "Autumn 2020:"), "“Autumn 2020” is not a month and year"),
        ("", "empty, or not a plan"),
        ("review: [unclosed", "not valid YAML or JSON at line 1"),
    ],
)
async def test_malformed_plan_is_refused_and_nothing_written(db: Database, text: str, reason: str) -> None:
    with pytest.raises(ImportRefused) as refused:
        parse_plan_text(text, source="plan.yaml")
    assert reason in str(refused.value)
    assert str(refused.value).startswith("plan.yaml: ")
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Recommendation)) == 0
