"""The review loop on the command line: `status` marks returns not accepted yet, `export` writes
accepted ones unless asked for the rest, `round close` waits for the review unless told, and the
roster takes scrutiny officers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from test_cli import Cli
from test_queries import SEED_LIKE

from documents.grades import Grade
from store.db import Database
from store.models import AgreedAction, MonitoringRound, Person, Recommendation, UpdateSource
from store.updates import record_update


@pytest.fixture(name="cli")
def fixture_cli(database_url: str) -> Cli:
    return Cli(database_url)


@pytest.fixture(name="plan")
def fixture_plan(tmp_path: Path) -> Path:
    path = tmp_path / "digital-optimisation.yaml"
    path.write_text(SEED_LIKE, encoding="utf-8")
    return path


def record_in_teams(database_url: str, evidence: str) -> None:
    """Lorraine answers for Recommendation 2's action in the open round, as the bot would save it."""

    async def record() -> None:
        database = Database(database_url)
        try:
            async with database.session() as session:
                action_id = await session.scalar(
                    select(AgreedAction.id).join(Recommendation).where(Recommendation.number == 2)
                )
                round_id = await session.scalar(select(MonitoringRound.id).where(MonitoringRound.is_open))
                lorraine = await session.scalar(select(Person.id).where(Person.name == "Lorraine Dixon"))
                assert action_id and round_id and lorraine
                await record_update(
                    session,
                    action_id=action_id,
                    round_id=round_id,
                    evidence=evidence,
                    grade=Grade.ON_TRACK,
                    explanation=None,
                    impact=None,
                    by_person_id=lorraine,
                    source=UpdateSource.TEAMS,
                    max_text_length=10_000,
                )
        finally:
            await database.dispose()

    asyncio.run(record())


def test_status_export_and_closing_wait_for_the_review(cli: Cli, plan: Path, tmp_path: Path) -> None:
    cli.ok("import", plan)
    record_in_teams(cli.database_url, "Survey of 2,000 residents done.")

    status = cli.ok("status")
    assert "2 On-Track ?" in status and "? = waiting for review" in status
    assert "On-Track (waiting for review)" in cli.ok("status", "2")

    accepted_only, everything = tmp_path / "accepted.md", tmp_path / "all.md"
    cli.ok("export", "-o", accepted_only)
    cli.ok("export", "-o", everything, "--include-unreviewed")
    assert "Survey of 2,000 residents done." not in accepted_only.read_text()
    assert (
        "*(not yet reviewed)*\n\n*Evidence of progress:*\n\nSurvey of 2,000 residents done."
        in everything.read_text()
    )

    refused = cli("round", "close")
    assert refused.exit_code == 1 and "still wait for the scrutiny officer" in refused.output
    assert "Closed the September 2020 round" in cli.ok("round", "close", "--anyway")


def test_the_roster_takes_scrutiny_officers_for_every_review_or_one(cli: Cli, plan: Path) -> None:
    cli.ok("import", plan)
    assert "(no email; scrutiny)" in cli.ok("people", "add", "Sam Scrutiny", "--role", "scrutiny")
    added = cli.ok("people", "add", "Jo Reviewer", "--scrutiny-for", "Digital Optimisation")
    assert "scrutiny officer for “Digital Optimisation”" in added
    refused = cli("people", "add", "Al Smith", "--scrutiny-for", "No Such Review")
    assert refused.exit_code == 1 and "There is no review called “No Such Review”" in refused.output
