"""Engine and sessions. SQLite file by default (aiosqlite); PostgreSQL by URL (asyncpg)."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import aiosqlite
from sqlalchemy import Table, event, exc, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def async_url(url: str) -> str:
    """Accept the URLs people write (postgresql://, sqlite:///) and pick the async driver."""
    parsed = make_url(url)
    driver = {
        "postgresql": "postgresql+asyncpg",
        "postgres": "postgresql+asyncpg",
        "sqlite": "sqlite+aiosqlite",
    }
    if parsed.drivername in driver:
        parsed = parsed.set(drivername=driver[parsed.drivername])
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the scheduler read while a turn writes. busy_timeout waits for another writer instead of
    # failing: under a burst of turns on one event loop a writer can hold the lock for seconds, and a
    # turn that gives up loses what the officer typed (the benchmark saw 1 in 10,000 at 5 s).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class _RunNow:
    """Stands in for the queue to aiosqlite's worker thread: each call queued is made there and then."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, call = item
        try:
            result = call()
        except Exception as error:
            if future is not None:
                future.set_exception(error)
        else:
            if future is not None:
                future.set_result(result)


class _OnTheLoop(aiosqlite.Connection):
    """aiosqlite's connection, its calls to sqlite3 made on the event loop instead of its own thread.

    aiosqlite hands every call to a thread and wakes the loop for the answer: four round trips a
    statement, which cost more CPU than the statement itself (a unit of work of one read: 1.1 ms of
    CPU, 0.6 ms here). A SQLite call on a local file takes microseconds; a commit's fsync of the WAL,
    about half a millisecond here. It can block longer only while another process writes (a CLI
    import): then the bot pauses for that write, where its turns would have waited for the lock anyway.
    """

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]

    def __await__(self) -> Generator[Any, None, aiosqlite.Connection]:
        return self._connect().__await__()  # no thread to start

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


def _sqlite_on_the_loop(url: str) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    """An async_creator making _OnTheLoop connections with the arguments SQLAlchemy would use."""
    parsed = make_url(url)
    args, kwargs = parsed.get_dialect()().create_connect_args(parsed)

    async def connect() -> aiosqlite.Connection:
        # The arguments are SQLAlchemy's own for this URL, which typeshed cannot see.
        return await _OnTheLoop(lambda: sqlite3.connect(*args, **kwargs))  # type: ignore[call-overload]

    return connect


# A pooled PostgreSQL connection left unused this long is tested before a unit of work gets it: a
# server restart or a proxy's idle timeout may have closed it meanwhile, and a unit of work on a dead
# connection fails its turn. One in steady use is not tested. SQLAlchemy's pre-ping tests every
# checkout: two or three round trips a turn, and under a paced load each is a wake-up of the bot's core
# (in the benchmark, about 1.5 ms of CPU a turn and a p99 half as high again).
IDLE_BEFORE_PING = 2.0  # seconds


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: object) -> None:
    idle_since = record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since <= IDLE_BEFORE_PING:
        return
    try:
        dbapi_connection.ping()
    except Exception as error:
        # The pool drops this connection and opens another (SQLAlchemy's documented recipe).
        raise exc.DisconnectionError(f"an idle connection was closed: {type(error).__name__}") from error


def _idle_from_now(_dbapi_connection: object, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


class _LoopLock:
    """An asyncio.Lock for whichever event loop is running (the CLI and tests run several in turn)."""

    def __init__(self) -> None:
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def lock(self) -> asyncio.Lock:
        return self._locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())


class Database:
    """One engine and its session factory, built once in the app factory or the CLI and passed in."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = async_url(url)
        sqlite = make_url(self.url).get_backend_name() == "sqlite"
        on_the_loop = {"async_creator": _sqlite_on_the_loop(self.url)} if sqlite else {}
        self.engine: AsyncEngine = create_async_engine(self.url, echo=echo, **on_the_loop)
        if sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        else:
            # A server connection can go stale; a SQLite file cannot.
            event.listen(self.engine.sync_engine, "checkout", _ping_if_idle)
            event.listen(self.engine.sync_engine, "checkin", _idle_from_now)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._one_at_a_time = _LoopLock() if sqlite else None
        self._holding: ContextVar[bool] = ContextVar(f"holding-{id(self)}", default=False)

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: committed if the block ends normally, rolled back on any error.

        On SQLite the units of work of this process take turns. SQLite has one writer at a time; a
        second one waits in SQLite's busy handler, which sleeps in steps of up to 100 ms and, after
        busy_timeout, fails the turn ("database is locked"). An asyncio lock hands the file over the
        moment it is free. A unit of work opened inside another (the same task) goes straight in; so
        nothing slow (a call to Teams) belongs inside one.
        """
        if self._one_at_a_time is None or self._holding.get():
            async with self.sessions() as session, session.begin():
                yield session
            return
        async with self._one_at_a_time.lock():
            held = self._holding.set(True)
            try:
                async with self.sessions() as session, session.begin():
                    yield session
            finally:
                self._holding.reset(held)

    async def dispose(self) -> None:
        await self.engine.dispose()


def insert_or_ignore(
    session: AsyncSession, target: Table | type[DeclarativeBase], **values: object
) -> postgresql.Insert | sqlite.Insert:
    """INSERT that does nothing when a unique key already exists: the race-free way for concurrent
    turns or replicas to create the same row (both dialects we support spell it ON CONFLICT).

    Always on the table, even given a mapped class: SQLAlchemy's plain INSERT costs less than its ORM
    bulk insert, and every turn makes one (the delivery record). RETURNING takes the table's columns.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = target if isinstance(target, Table) else cast(Table, target.__table__)
    return insert(table).values(**values).on_conflict_do_nothing()


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", async_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest migration this code has (what `upgrade` brings a database to)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


async def current_revision(session: AsyncSession) -> str | None:
    """The migration the database is at (None before the first)."""
    found = await session.execute(text("SELECT version_num FROM alembic_version"))
    return found.scalar_one_or_none()


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database)
    return None


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at url (synchronously: run it before the event loop starts)."""
    from alembic import command

    url = async_url(url)
    if (file := _sqlite_file(url)) is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


# A migration script's own lines naming it and the one it follows, as Alembic's template writes them.
_REVISION = re.compile(r"""^revision(?:: *str)? *= *["']([\w-]+)["'] *$""", re.MULTILINE)
_FOLLOWS = re.compile(r"""^down_revision(?:: *[\w |]+)? *= *(?:None|["']([\w-]+)["']) *$""", re.MULTILINE)


def newest_migration() -> str | None:
    """head_revision() read from the scripts' text, without loading Alembic or running them; None
    if they are not one line of migrations each naming the one before (then only Alembic can tell)."""
    revisions, followed = set(), set()
    for script in MIGRATIONS.joinpath("versions").glob("*.py"):
        if script.name == "__init__.py" or script.name.startswith("."):  # as Alembic skips them
            continue
        source = script.read_text(encoding="utf-8")
        named, follows = _REVISION.findall(source), _FOLLOWS.findall(source)
        if len(named) != 1 or len(follows) != 1:
            return None
        revisions.add(named[0])
        followed.add(follows[0])
    heads = revisions - followed
    return heads.pop() if len(heads) == 1 and followed <= revisions | {""} else None


async def _is_at(url: str, revision: str) -> bool:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            if not await connection.run_sync(lambda sync: inspect(sync).has_table("alembic_version")):
                return False
            done = await connection.scalars(text("SELECT version_num FROM alembic_version"))
            return list(done) == [revision]
    finally:
        await database.dispose()


def upgrade_if_behind(url: str) -> None:
    """upgrade(url), unless the database is at the newest migration already, as it nearly always is.

    Every command of the CLI calls this first. Loading Alembic, its machinery and the migration
    scripts takes about a tenth of a second; asking the database which migration it is at, a few
    milliseconds. Anything else (a new database, one behind or on another line), Alembic decides.
    """
    newest = newest_migration()
    file = _sqlite_file(async_url(url))
    new_file = file is not None and not file.exists()  # connecting would create it, even its folder not
    if newest is None or new_file or not asyncio.run(_is_at(url, newest)):
        upgrade(url)
