"""The review loop's migration, from the schema before it, on each backend: every update is kept,
imported and closed rounds' returns count as accepted, an open round's wait for the scrutiny officer;
and the models and the migrations describe the same tables."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from store.db import Database, async_url, upgrade
from store.models import Base, ProgressUpdate, ReturnDecision
from store.plan import export_plan
from store.queries import review_status
from store.views import ReturnState

_OLD_ROWS = [
    (
        "INSERT INTO people (id, name, is_officer, is_admin, is_chair, is_group)"
        " VALUES (1, 'Craig Taylor', :yes, :no, :no, :no)",
        {},
    ),
    ("INSERT INTO reviews (id, title) VALUES (1, 'Digital Optimisation')", {}),
    ("INSERT INTO recommendations (id, review_id, number, text) VALUES (1, 1, 7, 'iDEA.')", {}),
    (
        "INSERT INTO agreed_actions (id, recommendation_id, position, responsibility, date_text, ongoing,"
        " agreed_action, success_measure) VALUES (1, 1, 1, 'Craig Taylor', '2020', :no, 'Promote iDEA.', '')",
        {},
    ),
    (
        "INSERT INTO monitoring_rounds (id, review_id, label, month, is_open)"
        " VALUES (1, 1, 'March 2020', :march, :no), (2, 1, 'September 2020', :september, :yes)",
        {"march": date(2020, 3, 1), "september": date(2020, 9, 1)},
    ),
]
# (id, round, evidence, source): an import, two versions of March from Teams, September from Teams.
_OLD_UPDATES = [
    (1, 1, "From the council's document.", "IMPORT"),
    (2, 1, "First try in Teams.", "TEAMS"),
    (3, 1, "March, as the committee read it.", "TEAMS"),
    (4, 2, "September, just written.", "TEAMS"),
]


async def _fill_the_old_schema(url: str) -> None:
    """A review as the bot kept it before the review loop, written in the 0002 schema's own columns."""
    db = Database(url)
    async with db.session() as session:
        for statement, values in _OLD_ROWS:
            await session.execute(text(statement), {"yes": True, "no": False, **values})
        for update_id, round_id, evidence, source in _OLD_UPDATES:
            await session.execute(
                text(
                    "INSERT INTO progress_updates (id, action_id, round_id, evidence, grade,"
                    " fully_achieved_carried, recorded_by_id, recorded_at, source)"
                    " VALUES (:id, 1, :round, :evidence, 'ON_TRACK', :no, 1, :at, :source)"
                ),
                {
                    "id": update_id,
                    "round": round_id,
                    "evidence": evidence,
                    "source": source,
                    "no": False,
                    "at": datetime(2020, 4, 1, tzinfo=UTC),
                },
            )
    await db.dispose()


async def _after(url: str) -> None:
    db = Database(url)
    try:
        async with db.session() as session:
            assert await session.scalar(select(func.count()).select_from(ProgressUpdate)) == 4
            decided = (await session.execute(select(ReturnDecision.update_id, ReturnDecision.verdict))).all()
            assert [(u, v.value) for u, v in decided] == [(3, "accepted")]
            (recommendation,) = await review_status(session, review_id=1)
            (action,) = recommendation.actions
            assert [g.review for g in action.trend] == [ReturnState.ACCEPTED, ReturnState.WAITING]
            plan = await export_plan(session, title="Digital Optimisation")
        progress = plan.recommendations[0].actions[0].progress
        assert {label: entry.evidence for label, entry in progress.items()} == {
            "March 2020": "March, as the committee read it."
        }
    finally:
        await db.dispose()


def test_the_migration_keeps_every_update_and_waits_only_for_the_open_round(empty_database_url: str) -> None:
    # Migrations run their own event loop, so this test runs its steps one loop at a time.
    upgrade(empty_database_url, "0002")
    asyncio.run(_fill_the_old_schema(empty_database_url))
    upgrade(empty_database_url)
    asyncio.run(_after(empty_database_url))


async def _differences(url: str) -> list[object]:
    engine = create_async_engine(async_url(url))
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
    finally:
        await engine.dispose()


def test_the_models_and_the_migrations_describe_the_same_tables(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    assert asyncio.run(_differences(empty_database_url)) == []
