"""The public tracker: a review the council publishes is served read-only at /tracker/ID, with the
returns the scrutiny officer accepted, without officers' names unless SCRUTINY_PUBLIC_NAMES is on;
any review not published answers 404 in words. Published and taken down on the command line."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

import pytest
from chat import Harness
from sqlalchemy import select
from test_cli import Cli
from test_committee_page import SCRIPT, action_id, actions_on, page
from test_queries import SEED_LIKE
from test_status import seeded  # noqa: F401

from documents.grades import Grade
from store.db import Database
from store.models import Review, UpdateSource
from store.rounds import open_round
from store.tracker import publish
from store.updates import record_update


@pytest.fixture(autouse=True)
async def served(harness: Harness) -> None:
    await harness.start()


async def published(db: Database, public: bool = True) -> None:
    async with db.session() as session:
        await publish(session, review_id=1, public=public)


def responsibility_of(html: str, ref: str) -> str:
    found = re.search(rf'id="action-{re.escape(ref)}".*?<dt>Responsibility</dt><dd>(.*?)</dd>', html, re.S)
    assert found, ref
    return found.group(1)


@pytest.mark.usefixtures("seeded")
async def test_a_review_not_published_answers_404_in_words_and_shows_nothing_of_it(
    harness: Harness, db: Database
) -> None:
    said = await page(harness, "/tracker/1", status=404)
    assert "This review is not published" in said and "Digital Optimisation" not in said
    assert "This review is not published" in await page(harness, "/tracker/99", status=404)
    await published(db)
    assert "<h1>Digital Optimisation</h1>" in await page(harness, "/tracker/1")
    await published(db, public=False)
    assert "Digital Optimisation" not in await page(harness, "/tracker/1", status=404)


@pytest.mark.usefixtures("seeded")
async def test_with_an_app_id_the_public_tracker_is_still_served(harness: Harness, db: Database) -> None:
    await harness.start(
        app_id="00000000-0000-4000-8000-00000000b07d", app_password="secret", app_tenant_id="t-1"
    )
    await published(db)
    assert "<h1>Digital Optimisation</h1>" in await page(harness, "/tracker/1")
    assert "Digital Optimisation" not in await page(harness, "/reviews/1", status=401)


@pytest.mark.usefixtures("seeded")
async def test_the_public_tracker_names_no_officer_unless_the_council_allows(
    harness: Harness, db: Database
) -> None:
    await published(db)
    committee = await page(harness, "/reviews/1")
    public = await page(harness, "/tracker/1")
    assert len(actions_on(public)) == 27
    assert responsibility_of(committee, "7.1") == "Lorraine Dixon / Liz Purdy"
    assert responsibility_of(public, "7.1") == "Named officers"
    for name in ("Lorraine Dixon", "Liz Purdy", "Andrew Mearns", "Ian Coxon"):
        assert name not in re.sub(r'<p class="typed">.*?</p>', "", public, flags=re.S), name
    groups = [
        ref for ref in actions_on(committee) if responsibility_of(committee, ref) == "Digital Services Group"
    ]
    assert groups and all(responsibility_of(public, ref) == "Digital Services Group" for ref in groups)
    await harness.start(public_names=True)
    assert responsibility_of(await page(harness, "/tracker/1"), "7.1") == "Lorraine Dixon / Liz Purdy"


@pytest.mark.usefixtures("seeded")
async def test_only_accepted_returns_are_public_and_typed_markup_is_text(
    harness: Harness, db: Database
) -> None:
    await published(db)
    async with db.session() as session:
        round_ = await open_round(session, review_id=1, label="September 2020", deadline=date(2020, 10, 16))
        for ref, evidence, source in (
            ("7.1", "Not yet read.", UpdateSource.TEAMS),
            ("7.2", SCRIPT, UpdateSource.IMPORT),
        ):
            await record_update(
                session,
                action_id=await action_id(session, ref),
                round_id=round_.id,
                evidence=evidence,
                grade=Grade.SLIPPED,
                explanation="Held up.",
                impact=None,
                by_person_id=None,
                source=source,
                max_text_length=10_000,
            )
    public = await page(harness, "/tracker/1")
    assert "Not yet read." not in public and "Not yet read." in await page(harness, "/reviews/1")
    assert "waiting" not in public.lower()  # neither the filter nor a return's state
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in public
    assert "<script" not in public and "<b>bold" not in public
    assert "Action 7.2</a>: 2 On-Track in March 2020, now 3 Slipped in September 2020." in public
    assert "Action 7.1</a>:" not in public


def test_publish_and_unpublish_on_the_command_line(database_url: str, tmp_path: Path) -> None:
    cli = Cli(database_url)
    plan = tmp_path / "plan.yaml"
    plan.write_text(SEED_LIKE, encoding="utf-8")
    cli.ok("import", plan)
    said = cli.ok("review", "publish", "digital optimisation")
    assert "“Digital Optimisation” is public: its tracker is at http://127.0.0.1:3978/tracker/1." in said
    assert "(it is off)" in said
    assert public_flag(database_url) is True
    assert "is no longer public" in cli.ok("review", "unpublish", "Digital Optimisation")
    assert public_flag(database_url) is False
    refused = cli("review", "publish", "No Such Review")
    assert refused.exit_code == 1 and "No Such Review" in refused.output


def public_flag(database_url: str) -> bool:
    async def read() -> bool:
        database = Database(database_url)
        try:
            async with database.session() as session:
                return bool(await session.scalar(select(Review.public)))
        finally:
            await database.dispose()

    return asyncio.run(read())
