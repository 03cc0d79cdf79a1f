"""A botbuilder Storage on our database, so conversation and dialog state survive restarts and replicas.

The SDK ships no SQL storage. This one keeps botbuilder's semantics (those of MemoryStorage and the
Azure storages): reading returns only the keys that exist; an e_tag of "*" or None writes
unconditionally; a stale e_tag raises; deleting a missing key is fine. Items hold live objects (dialog
state), so they are flattened with jsonpickle, as BlobStorage does.

`SqlConversationState` is botbuilder's ConversationState on this storage, flattening the state once a
turn instead of four times (see its docstring).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import uuid4

from botbuilder.core import ConversationState, Storage, TurnContext
from botbuilder.core.bot_state import CachedBotState
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
        flattened = await self.read_flattened(keys)
        return {key: Unpickler().restore(data) for key, data in flattened.items()}

    async def read_flattened(
        self, keys: Iterable[str], *, session: AsyncSession | None = None
    ) -> dict[str, Any]:
        """The items as stored (jsonpickle's flattened form), each with its e_tag; in `session` if given."""
        if session is None:
            async with self._db.session() as session:
                return await self.read_flattened(keys, session=session)
        # Plain columns, not tracked objects: every message reads its conversation's state.
        rows = await session.execute(
            select(BotStateItem.key, BotStateItem.data, BotStateItem.e_tag).where(BotStateItem.key.in_(keys))
        )
        items: dict[str, Any] = {}
        for row in rows:
            data: Any = dict(row.data) if isinstance(row.data, dict) else row.data
            if isinstance(data, dict):
                data["e_tag"] = row.e_tag
            items[row.key] = data
        return items

    async def write(self, changes: Mapping[str, object]) -> None:
        if changes is None:
            raise Exception("Changes are required when writing")
        if not changes:
            return
        written = await self.write_flattened({key: Pickler().flatten(item) for key, item in changes.items()})
        for key, item in changes.items():
            _set_e_tag(item, written[key])

    async def write_flattened(self, changes: Mapping[str, Any]) -> dict[str, str]:
        """Write items already flattened, each under the e_tag it holds; returns their new e_tags.

        One transaction: a conflict on any item writes none of them.
        """
        written: dict[str, str] = {}
        async with self._db.session() as session:
            for key, flattened in changes.items():
                e_tag = _e_tag_of(flattened)
                if e_tag == "":
                    raise Exception("SqlStorage.write(): etag missing")
                data = (
                    {k: v for k, v in flattened.items() if k != "e_tag"}
                    if isinstance(flattened, dict)
                    else flattened
                )
                new_e_tag = uuid4().hex
                if e_tag in (None, "*"):
                    await self._upsert(session, key=key, data=data, e_tag=new_e_tag)
                else:
                    await self._compare_and_set(session, key=key, data=data, expected=e_tag, e_tag=new_e_tag)
                written[key] = new_e_tag
        return written

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
        # On the table: SQLAlchemy's plain UPDATE costs less than its ORM one, and every turn that
        # changes a dialog pays for this. (mypy sees a mapped class's __table__ as any FromClause.)
        table = BotStateItem.__table__
        result = await session.execute(
            update(table)  # type: ignore[arg-type]
            .where(table.c.key == key, table.c.e_tag == expected)
            .values(data=data, e_tag=e_tag)
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


# The e_tag of state read as absent: no stored item has it (they are uuid4 hex), so writing under it
# inserts the item or, if another turn created it meanwhile, is a conflict (_compare_and_set).
_ABSENT = "absent"


class _ReadAs(CachedBotState):
    """The turn's state, with its flattened form as last read or written for the change check."""

    def __init__(self, state: dict[str, object] | None, flattened: Any) -> None:
        self.state = state if state is not None else {}
        self.hash = flattened

    def compute_hash(self, obj: object) -> Any:
        return Pickler().flatten(obj)


class SqlConversationState(ConversationState):
    """ConversationState on SqlStorage, flattening the state once a turn.

    botbuilder's BotState flattens the whole state with jsonpickle four times a turn (a hash when it is
    read, again to see whether it changed, in the storage's write, and a hash after writing) and the
    dialog state holds each open prompt's card: about 1 ms apiece. What was read is already the
    flattened form, so the change check compares against it and the form it computes is what is
    written. Same keys, same e_tag checks, same storage rows as ConversationState on SqlStorage.
    """

    def __init__(self, storage: SqlStorage) -> None:
        super().__init__(storage)
        self._sql = storage

    async def load(
        self, turn_context: TurnContext, force: bool = False, *, session: AsyncSession | None = None
    ) -> None:
        """As ConversationState.load; in `session` if given (the turn's first unit of work)."""
        cached = self.get_cached_state(turn_context)
        if force or not cached or not cached.state:
            key = self.get_storage_key(turn_context)
            flattened = (await self._sql.read_flattened([key], session=session)).get(key)
            if flattened is None:
                # A conversation with no state yet: two first turns at once (two workers) must not
                # both create it, so it is written only if it is still absent.
                flattened = {"e_tag": _ABSENT}
            turn_context.turn_state[self._context_service_key] = _ReadAs(
                Unpickler().restore(flattened), flattened
            )

    async def save_changes(self, turn_context: TurnContext, force: bool = False) -> None:
        cached = self.get_cached_state(turn_context)
        if cached is None:
            return
        flattened = Pickler().flatten(cached.state)
        if not force and flattened == cached.hash:
            return
        key = self.get_storage_key(turn_context)
        e_tag = (await self._sql.write_flattened({key: flattened}))[key]
        cached.state["e_tag"] = e_tag
        flattened["e_tag"] = e_tag
        cached.hash = flattened
