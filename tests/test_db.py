"""A PostgreSQL server that closed the bot's connections while it sat idle (a restart, a proxy's idle
timeout) costs no officer a turn: an idle connection is tested before use and replaced."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from store import db as store_db
from store.db import Database
from store.models import Person


async def _close_connections_to(database_url: str) -> int:
    """What a server restart does to the bot: every connection to its database is closed."""
    url = make_url(database_url)
    admin = await asyncpg.connect(
        url.set(drivername="postgresql", database="postgres").render_as_string(False)
    )
    try:
        closed: list[bool] = [
            row[0]
            for row in await admin.fetch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", url.database
            )
        ]
    finally:
        await admin.close()
    return sum(closed)


async def test_connections_closed_while_idle_are_replaced(
    db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db.is_postgresql:
        pytest.skip("a SQLite file has no connection to lose")
    async with db.session() as session:
        session.add(Person(name="Alex Officer"))
    assert await _close_connections_to(database_url) >= 1

    monkeypatch.setattr(store_db, "IDLE_BEFORE_PING", 0.0)  # every pooled connection counts as idle now
    async with db.session() as session:
        assert await session.scalar(select(Person.name)) == "Alex Officer"
        assert await session.scalar(text("SELECT 1")) == 1
