"""A portable backup of everything the bot keeps: every table, row by row, as JSON, with the migration
it was made at. Restored into an empty database of any kind (SQLite to PostgreSQL and back), it gives
the same plans, updates, reviews, people, conversations, schedules and history.

Values are written as JSON's own types: dates and times in ISO 8601 (times in UTC), enums by name,
a stored file's bytes in base64. Tables go in and out in the order their foreign keys need.
"""

from __future__ import annotations

import base64
import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, DateTime, Enum, LargeBinary, Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from documents.errors import UserFacingError
from store.db import current_revision, head_revision
from store.models import Base, UTCDateTime, utcnow

FORMAT = "scrutiny-bot backup"
VERSION = 1
BATCH = 500  # rows a statement, when restoring


def _out(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _in(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Enum) and kind.enum_class is not None:
        return kind.enum_class[value]
    if isinstance(kind, UTCDateTime | DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    return value


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


async def backup(session: AsyncSession) -> dict[str, Any]:
    """Every table's rows, as one JSON-ready dict."""
    tables: dict[str, Any] = {}
    for table in _tables():
        rows = await session.execute(select(table).order_by(*table.primary_key.columns))
        tables[table.name] = {
            "columns": [column.name for column in table.columns],
            "rows": [[_out(value) for value in row] for row in rows.all()],
        }
    return {
        "format": FORMAT,
        "version": VERSION,
        "migration": await current_revision(session),
        "made_at": utcnow().isoformat(),
        "tables": tables,
    }


async def restore(session: AsyncSession, dump: Any) -> dict[str, int]:
    """Put a backup into this (migrated, empty) database; rows restored per table. Refused in plain
    words, changing nothing, for a file that is not a backup, one from another migration, or a
    database that already holds something."""
    if not isinstance(dump, dict) or dump.get("format") != FORMAT or not isinstance(dump.get("tables"), dict):
        raise UserFacingError("That file is not a scrutiny-bot backup.")
    if dump.get("version") != VERSION:
        raise UserFacingError(
            f"That backup is format {dump.get('version')}; this scrutiny-bot reads {VERSION}."
        )
    head = head_revision()
    if dump.get("migration") != head:
        raise UserFacingError(
            f"That backup was made at migration {dump.get('migration')}, and this scrutiny-bot is at {head}: "
            "restore it with the version that made it, upgrade that, and back up again."
        )
    for table in _tables():
        held = await session.scalar(select(func.count()).select_from(table))
        if held:
            raise UserFacingError(
                f"This database already holds {held} row(s) in {table.name}: restore into an empty one "
                "(a new DATABASE_URL), so nothing is overwritten."
            )
    restored: dict[str, int] = {}
    for table in _tables():
        saved = dump["tables"].get(table.name) or {"columns": [], "rows": []}
        columns = [table.columns[name] for name in saved["columns"] if name in table.columns]
        unknown = [name for name in saved["columns"] if name not in table.columns]
        if unknown:
            raise UserFacingError(f"That backup's {table.name} has columns this version lacks: {unknown}.")
        rows = [
            {column.name: _in(column, value) for column, value in zip(columns, row, strict=True)}
            for row in saved["rows"]
        ]
        for start in range(0, len(rows), BATCH):
            await session.execute(insert(table), rows[start : start + BATCH])
        restored[table.name] = len(rows)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await _renumber(session)
    return restored


async def _renumber(session: AsyncSession) -> None:
    """PostgreSQL hands out ids from a sequence: start each after the ids restored."""
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and column.type.python_type is int
            ):
                await session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE(MAX({column.name}), 1), MAX({column.name}) IS NOT NULL) FROM {table.name}"
                    )
                )
