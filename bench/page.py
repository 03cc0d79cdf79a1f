"""The committee's page of one review the seed's size (13 recommendations, 27 actions) over 4 rounds of
the synthetic council's returns: how long reading it from SQLite and rendering its HTML takes, for the
committee's page and the public tracker (in-process, without HTTP). The target is 50 ms. Then the
index of a council of 40 reviews; the target is 150 ms.

    .venv/bin/python bench/page.py [--samples 50] [--postgresql postgresql://user@host:port/db]

With --postgresql, the same on that PostgreSQL server, in two databases it creates and drops.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from documents.synthetic import synthetic_council  # noqa: E402
from page import render  # noqa: E402
from page.index import load_index  # noqa: E402
from page.model import load  # noqa: E402
from store.db import Database, upgrade  # noqa: E402
from store.plan import import_plan  # noqa: E402
from store.tracker import publish  # noqa: E402

TARGET_MS = 50.0
INDEX_TARGET_MS = 150.0
COUNCIL = 40


async def _measure(database_url: str, samples: int) -> dict[str, list[float]]:
    (plan,) = synthetic_council(reviews=1, recommendations=13, actions=2, rounds=4, seed=27)
    first = plan.recommendations[0]
    first.actions.append(first.actions[-1].model_copy())  # 13 × 2 + 1 = 27, as the seed review has
    database = Database(database_url)
    try:
        async with database.session() as session:
            await import_plan(session, plan=plan)
            await publish(session, review_id=1, public=True)
        timings: dict[str, list[float]] = {"committee's page": [], "public tracker": []}
        for _ in range(samples):
            for name, public in (("committee's page", False), ("public tracker", True)):
                started = time.perf_counter()
                async with database.session() as session:
                    page = await load(
                        session,
                        review_id=1,
                        public=public,
                        names=not public,
                        show=None,
                        today=date(2021, 1, 1),
                    )
                assert page is not None
                html = render.review_page(page, base="/reviews/1")
                timings[name].append((time.perf_counter() - started) * 1000)
        actions = sum(len(rec.actions) for rec in page.recommendations)
        assert actions == 27 and len(page.review.rounds) == 4, (actions, len(page.review.rounds))
        print(
            f"(a page of {len(html) // 1024} KB: "
            f"{len(page.recommendations)} recommendations, {actions} actions)"
        )
        return timings
    finally:
        await database.dispose()


async def _measure_index(database_url: str, samples: int) -> dict[str, list[float]]:
    database = Database(database_url)
    try:
        async with database.session() as session:
            for plan in synthetic_council(reviews=COUNCIL):
                await import_plan(session, plan=plan)
            for review_id in range(1, COUNCIL + 1):
                await publish(session, review_id=review_id, public=True)
        timings: dict[str, list[float]] = {"public index (/tracker)": [], "committee's index (/reviews)": []}
        for _ in range(samples):
            for name, public in (("public index (/tracker)", True), ("committee's index (/reviews)", False)):
                started = time.perf_counter()
                async with database.session() as session:
                    rows = await load_index(session, public=public)
                html = render.index_page(rows, public=public)
                timings[name].append((time.perf_counter() - started) * 1000)
        assert len(rows) == COUNCIL, len(rows)
        actions = sum(row.actions for row in rows)
        print(f"(an index of {len(html) // 1024} KB: {len(rows)} reviews, {actions} actions)")
        return timings
    finally:
        await database.dispose()


@contextmanager
def _databases(postgresql: str | None) -> Iterator[tuple[str, str, str]]:
    """Two new, migrated databases (the review's, the council's) and the name of their kind."""
    if not postgresql:
        with tempfile.TemporaryDirectory() as workdir:
            urls = (f"sqlite:///{workdir}/page.db", f"sqlite:///{workdir}/council.db")
            for url in urls:
                upgrade(url)
            yield *urls, "SQLite"
        return
    names = (f"bench_page_{os.getpid()}", f"bench_council_{os.getpid()}")
    asyncio.run(_postgresql(postgresql, [f'CREATE DATABASE "{name}"' for name in names]))
    try:
        urls = [
            make_url(postgresql).set(database=name).render_as_string(hide_password=False) for name in names
        ]
        for url in urls:
            upgrade(url)
        yield urls[0], urls[1], "PostgreSQL"
    finally:
        asyncio.run(
            _postgresql(postgresql, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names])
        )


async def _postgresql(url: str, statements: list[str]) -> None:
    connection = await asyncpg.connect(url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=50, help="renders of each page (the first warms up)")
    parser.add_argument("--postgresql", help="a PostgreSQL server's URL, to measure there instead of SQLite")
    args = parser.parse_args(argv)
    with _databases(args.postgresql) as (url, council_url, kind):
        timings = asyncio.run(_measure(url, max(2, args.samples)))
        index_timings = asyncio.run(_measure_index(council_url, max(2, args.samples)))
    slow = False
    for measured, what, target in (
        (timings, "13 recommendations, 27 actions, 4 rounds", TARGET_MS),
        (index_timings, f"{COUNCIL} reviews, 8 rounds", INDEX_TARGET_MS),
    ):
        for name, taken in measured.items():
            warm = taken[1:]
            median, worst = statistics.median(warm), max(warm)
            slow = slow or median > target
            print(
                f"- {name}, {what}, {kind}: median {median:.1f} ms, "
                f"slowest {worst:.1f} ms of {len(warm)} (target {target:.0f} ms)"
            )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
