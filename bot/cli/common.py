"""What every command shares: the settings, the console, errors as sentences, one unit of work."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, NoReturn, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from documents.errors import UserFacingError
from store.db import Database, upgrade_if_behind
from store.models import Review

T = TypeVar("T")

ReviewOption = Annotated[
    str | None, typer.Option("--review", "-r", help="Review title; needed only when there are several.")
]


def terminal() -> Console:
    # Built per call: the test runner swaps stdout, and a console made at import would keep the old one.
    return Console(highlight=False, soft_wrap=False)


def fail(message: str) -> NoReturn:
    Console(stderr=True, highlight=False).print(message, markup=False)
    raise typer.Exit(1)


@contextmanager
def plain_errors() -> Iterator[None]:
    try:
        yield
    except UserFacingError as error:
        fail(str(error))
    except ValidationError as error:  # settings from the environment
        fail(
            "The settings are not valid: "
            + "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
        )
    except OSError as error:  # reading or writing the user's files
        fail(f"Could not use {error.filename or 'the file'}: {error.strerror or 'it failed'}.")


def load_settings(**overrides: object) -> Settings:
    with plain_errors():
        return Settings(**overrides)  # type: ignore[arg-type]


def run(work: Callable[[AsyncSession], Awaitable[T]], *, settings: Settings | None = None) -> T:
    """Migrate, then run `work` in one transaction: all of it is saved, or (on any error) none of it."""
    settings = settings or load_settings()

    async def in_session() -> T:
        database = Database(settings.database_url)
        try:
            async with database.session() as session:
                return await work(session)
        finally:
            await database.dispose()

    with plain_errors():
        try:
            upgrade_if_behind(settings.database_url)
            return asyncio.run(in_session())
        except (OSError, OperationalError, InterfaceError):
            where = make_url(settings.database_url).render_as_string(hide_password=True)
            fail(f"Could not open the database {where}. Is it running, and is DATABASE_URL right?")


async def find_review(session: AsyncSession, title: str | None) -> Review:
    """The named review, or the only one there is."""
    from store.plan import require_review  # the importer's module: not every command needs to load it

    if title:
        return await require_review(session, title)
    titles = (await session.scalars(select(Review.title).order_by(Review.title))).all()
    if not titles:
        raise UserFacingError("There are no reviews yet. Import a plan first: scrutiny-bot import FILE")
    if len(titles) > 1:
        raise UserFacingError(
            f"There are {len(titles)} reviews; say which with --review: " + "; ".join(titles) + "."
        )
    return await require_review(session, titles[0])


def parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"“{text}” is not a date: write it as YYYY-MM-DD, e.g. 2020-10-02.")
