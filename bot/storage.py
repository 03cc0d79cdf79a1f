"""A botbuilder Storage on our database, so conversation and dialog state survive restarts and replicas.

The SDK ships no SQL storage. This one keeps botbuilder's semantics (those of MemoryStorage and the
Azure storages): reading returns only the keys that exist; an e_tag of "*" or None writes
unconditionally; a stale e_tag raises; deleting a missing key is fine. Items hold live objects (dialog
state), so they are flattened with jsonpickle, as BlobStorage does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import uuid4

from botbuilder.core import Storage
from jsonpickle.pickler import Pickler
from jsonpickle.unpickler import Unpickler
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from store.db import Database
from store.models import BotStateItem


class ETagConflict(KeyError):
    """Someone else wrote the item since it was read (MemoryStorage raises a KeyError for this too)."""


def _e_tag_of(item: object) -> Any:
    return item.get("e_tag") if isinstance(item, dict) else getattr(item, "e_tag", None)


def _set_e_tag(item: object, e_tag: str) -> None:
    # A second save in the same turn then carries the current e_tag instead of looking stale.
    if isinstance(item, dict):
        item["e_tag"] = e_tag
    elif hasattr(item, "e_tag"):
        item.e_tag = e_tag


def _insert(session: AsyncSession) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


class SqlStorage(Storage):
    def __init__(self, db: Database) -> None:
        self._db = db

    async def read(self, keys: Iterable[str]) -> dict[str, object]:
        if keys is None:
            raise Exception("Keys are required when reading")
        keys = list(keys)
        if not keys:
            return {}
        async with self._db.session() as session:
            rows = await session.scalars(select(BotStateItem).where(BotStateItem.key.in_(keys)))
            items: dict[str, object] = {}
            for row in rows:
                data: Any = dict(row.data) if isinstance(row.data, dict) else row.data
                if isinstance(data, dict):
                    data["e_tag"] = row.e_tag
                items[row.key] = Unpickler().restore(data)
            return items

    async def write(self, changes: Mapping[str, object]) -> None:
        if changes is None:
            raise Exception("Changes are required when writing")
        if not changes:
            return
        written: list[tuple[object, str]] = []
        # One transaction: a conflict on any item writes none of them.
        async with self._db.session() as session:
            for key, item in changes.items():
                e_tag = _e_tag_of(item)
                if e_tag == "":
                    raise Exception("SqlStorage.write(): etag missing")
                data = Pickler().flatten(item)
                if isinstance(data, dict):
                    data.pop("e_tag", None)
                new_e_tag = uuid4().hex
                if e_tag in (None, "*"):
                    await self._upsert(session, key=key, data=data, e_tag=new_e_tag)
                else:
                    await self._compare_and_set(session, key=key, data=data, expected=e_tag, e_tag=new_e_tag)
                written.append((item, new_e_tag))
        for item, new_e_tag in written:
            _set_e_tag(item, new_e_tag)

    async def delete(self, keys: Iterable[str]) -> None:
        if keys is None:
            raise Exception("SqlStorage.delete: keys parameter can't be null")
        keys = list(keys)
        if not keys:
            return
        async with self._db.session() as session:
            await session.execute(delete(BotStateItem).where(BotStateItem.key.in_(keys)))

    @staticmethod
    async def _upsert(session: AsyncSession, *, key: str, data: Any, e_tag: str) -> None:
        statement = _insert(session)(BotStateItem).values(key=key, data=data, e_tag=e_tag)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[BotStateItem.key], set_={"data": data, "e_tag": e_tag}
            )
        )

    @staticmethod
    async def _compare_and_set(
        session: AsyncSession, *, key: str, data: Any, expected: str, e_tag: str
    ) -> None:
        # The e_tag check is part of the UPDATE itself, so of two writers holding the same e_tag
        # exactly one matches a row; the other sees no row updated.
        result = await session.execute(
            update(BotStateItem)
            .where(BotStateItem.key == key, BotStateItem.e_tag == expected)
            .values(data=data, e_tag=e_tag)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            return
        # No row with that e_tag: either the item is gone (write it, as MemoryStorage does) or it changed.
        inserted = await session.scalar(
            _insert(session)(BotStateItem)
            .values(key=key, data=data, e_tag=e_tag)
            .on_conflict_do_nothing()
            .returning(BotStateItem.key)
        )
        if inserted is None:
            current = await session.scalar(select(BotStateItem.e_tag).where(BotStateItem.key == key))
            raise ETagConflict(f"Etag conflict.\nOriginal: {expected}\r\nCurrent: {current}")
