"""`scrutiny-bot backup -o FILE` and `scrutiny-bot restore FILE`: everything the bot keeps, in a file
any database can be filled from (store/backup.py)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import fail, load_settings, plain_errors, run, terminal
from store.backup import backup as backup_of
from store.backup import restore as restore_into


def backup(
    output: Annotated[Path, typer.Option("--output", "-o", help="The backup file to write (JSON).")],
) -> None:
    """Write a backup of everything the bot keeps: plans, updates, reviews, people, chats, history."""
    dump = run(backup_of)
    rows = sum(len(table["rows"]) for table in dump["tables"].values())
    with plain_errors():
        handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(dump, out, ensure_ascii=False)
            os.replace(temporary, output)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    terminal().print(
        f"Wrote {output}: {rows:,} rows from {len(dump['tables'])} tables (migration {dump['migration']}).",
        markup=False,
    )


def restore(file: Annotated[Path, typer.Argument(help="A file `scrutiny-bot backup` wrote.")]) -> None:
    """Fill an empty database (DATABASE_URL) from a backup; refused if it holds anything already."""
    settings = load_settings()
    with plain_errors():
        text = file.read_text(encoding="utf-8")
    try:
        dump = json.loads(text)
    except ValueError:
        fail(f"{file} is not a scrutiny-bot backup (it is not JSON).")

    async def work(session: AsyncSession) -> dict[str, Any]:
        return await restore_into(session, dump)

    restored = run(work, settings=settings)
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    terminal().print(f"Restored {sum(restored.values()):,} rows into {where}.", markup=False)
