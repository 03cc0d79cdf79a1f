"""`scrutiny-bot backup` then `restore`: the council's record moved to another database (SQLite to
PostgreSQL on the PostgreSQL run) answers status questions the same, and takes new updates."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

from records import action_id
from sqlalchemy import select
from test_cli import Cli

from documents.grades import Grade
from store.db import Database, upgrade
from store.models import ProgressUpdate, UpdateSource, Verdict
from store.people import person_named
from store.returns import decide
from store.rounds import open_round
from store.updates import record_update


async def _a_round_with_a_decided_update(url: str) -> None:
    database = Database(url)
    async with database.session() as session:
        september = await open_round(
            session, review_id=1, label="September 2020", deadline=date(2020, 10, 16)
        )
        seven_one = await action_id(session, number=7, position=1)
        lorraine = await person_named(session, name="Lorraine Dixon", create=False)
        assert lorraine is not None
        update = await record_update(
            session,
            action_id=seven_one,
            round_id=september.id,
            evidence="Contract signed; «wifi» live in 3 libraries — café too.",
            grade=Grade.ON_TRACK,
            explanation=None,
            impact=None,
            by_person_id=lorraine.id,
            source=UpdateSource.TEAMS,
            max_text_length=20_000,
        )
        await decide(
            session,
            update_id=update.id,
            verdict=Verdict.ACCEPTED,
            reason=None,
            person_id=None,
            is_admin=True,
            activity_id="decided-1",
        )
    await database.dispose()


async def _one_more_update(url: str) -> int:
    database = Database(url)
    async with database.session() as session:
        seven_two = await action_id(session, number=7, position=2)
        round_id = await session.scalar(select(ProgressUpdate.round_id).order_by(ProgressUpdate.id.desc()))
        assert round_id is not None
        update = await record_update(
            session,
            action_id=seven_two,
            round_id=round_id,
            evidence="After the move.",
            grade=Grade.ON_TRACK,
            explanation=None,
            impact=None,
            by_person_id=None,
            source=UpdateSource.TEAMS,
            max_text_length=20_000,
        )
        new_id = update.id
    await database.dispose()
    return new_id


def test_backup_then_restore_elsewhere_answers_the_same(
    database_url: str, tmp_path: Path, samples: Path
) -> None:
    source = Cli(f"sqlite:///{tmp_path / 'source.db'}")
    source.ok("import", samples / "progress-update-march-2020.docx")
    asyncio.run(_a_round_with_a_decided_update(source.database_url))
    dump = tmp_path / "council.backup.json"
    said = source.ok("backup", "-o", dump)
    assert said.startswith(f"Wrote {dump}:") and "(migration 0005)" in said

    target = Cli(database_url)  # fresh and migrated: SQLite, or PostgreSQL on that run
    assert source.ok("status", "7") and target.ok("restore", dump).startswith("Restored ")
    for question in (("status",), ("status", "7"), ("status", "wifi")):
        assert target.ok(*question) == source.ok(*question)
    again = tmp_path / "again.json"
    target.ok("backup", "-o", again)
    tables = json.loads(dump.read_text(encoding="utf-8"))["tables"]
    assert json.loads(again.read_text(encoding="utf-8"))["tables"] == tables
    assert len(tables["progress_updates"]["rows"]) > 10 and len(tables["return_decisions"]["rows"]) == 1

    # The restored database goes on: new rows get new ids (PostgreSQL's sequences start after them).
    assert asyncio.run(_one_more_update(database_url)) == len(tables["progress_updates"]["rows"]) + 1


def test_restore_refuses_what_it_cannot_take_whole(database_url: str, tmp_path: Path, samples: Path) -> None:
    source = Cli(f"sqlite:///{tmp_path / 'source.db'}")
    source.ok("import", samples / "progress-update-march-2020.docx")
    dump = tmp_path / "council.json"
    source.ok("backup", "-o", dump)

    refused = source("restore", dump)  # not an empty database
    assert refused.exit_code == 1 and "This database already holds" in refused.output
    not_one = tmp_path / "plan.json"
    not_one.write_text('{"review": "Digital Optimisation"}', encoding="utf-8")
    refused = Cli(database_url)("restore", not_one)
    assert refused.exit_code == 1 and "That file is not a scrutiny-bot backup." in refused.output
    older = json.loads(dump.read_text(encoding="utf-8")) | {"migration": "0003"}
    (tmp_path / "older.json").write_text(json.dumps(older), encoding="utf-8")
    refused = Cli(database_url)("restore", tmp_path / "older.json")
    assert refused.exit_code == 1 and "made at migration 0003" in " ".join(refused.output.split())
    upgrade(database_url)  # nothing was half restored: the database is still empty
    assert Cli(database_url)("status").exit_code == 1
