"""The index of reviews: /tracker lists the published reviews (title, committee, latest round, how many
actions had each grade), each linking to its tracker, and nothing of a review not published; /reviews
lists every review for the committee, served only where /reviews/ID is. With the seed plan (March
2020) and a second review, never published."""

from __future__ import annotations

import re

import pytest
from chat import Harness
from sqlalchemy import func, select
from test_committee_page import page, second_round
from test_status import seeded  # noqa: F401

from store.db import Database
from store.models import Review
from store.tracker import publish


@pytest.fixture(autouse=True)
async def served(harness: Harness, db: Database, seeded: None) -> None:  # noqa: F811
    # After the seed, so the seed's review is review 1.
    async with db.session() as session:
        session.add(Review(title="Secret Housing Review"))
    await harness.start()


def rows_of(html: str) -> list[str]:
    return re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", html, re.S)


def tally_of(row: str) -> dict[str, int]:
    return {
        words: int(n)
        for words, n in re.findall(r'class="grade"[^>]*>([^<]+)</span> <span class="count">(\d+)', row)
    }


async def test_the_public_index_lists_only_published_reviews_with_their_latest_grades(
    harness: Harness, db: Database
) -> None:
    said = await page(harness, "/tracker")
    assert "No review is published yet." in said
    assert "Digital Optimisation" not in said and "Secret Housing" not in said
    async with db.session() as session:
        await publish(session, review_id=1, public=True)
    said = await page(harness, "/tracker")
    (row,) = rows_of(said)
    assert '<a href="/tracker/1">Digital Optimisation</a>' in row
    assert "Secret Housing" not in said and "/reviews" not in said
    assert "March 2020" in row
    counts = tally_of(row)
    assert counts["3 Slipped"] == 6 and sum(counts.values()) == 27, counts
    # The same numbers as the review's own tracker, round by round.
    tracker = await page(harness, "/tracker/1")
    assert tally_of(rows_of(tracker)[-1]) == counts


async def test_a_waiting_return_counts_on_the_committee_index_not_the_public_one(
    harness: Harness, db: Database
) -> None:
    async with db.session() as session:
        await publish(session, review_id=1, public=True)
    await second_round(db)  # 7.1 Slipped in September 2020, waiting for review
    public = tally_of(rows_of(await page(harness, "/tracker"))[0])
    assert public == {"N/A (Fully Achieved)": 5, "No return": 22}
    assert tally_of(rows_of(await page(harness, "/tracker/1"))[-1]) == public

    committee = await page(harness, "/reviews")
    titles = re.findall(r'<a href="/reviews/(\d+)">([^<]+)</a>', committee)
    assert [t for _, t in titles] == ["Digital Optimisation", "Secret Housing Review"]
    digital, secret = rows_of(committee)
    assert "September 2020 (open)" in digital and '<span class="published">Published' in digital
    assert tally_of(digital) == {"3 Slipped": 1, "N/A (Fully Achieved)": 5, "No return": 21}
    assert "Not published" in secret and "No round yet" in secret and "0 agreed actions" in secret


async def test_with_an_app_id_the_committee_index_is_not_served_but_the_public_one_is(
    harness: Harness, db: Database
) -> None:
    await harness.start(
        app_id="00000000-0000-4000-8000-00000000b07d", app_password="secret", app_tenant_id="t-1"
    )
    assert "Digital Optimisation" not in await page(harness, "/reviews", status=401)
    assert "Scrutiny reviews" in await page(harness, "/tracker")
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Review)) == 2
