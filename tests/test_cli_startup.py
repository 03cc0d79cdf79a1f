"""`scrutiny-bot` starts quickly: a command loads its own module and what that needs, the list of
commands loads none of them, and a database already at the newest migration is used without loading
Alembic. Each case runs in a fresh interpreter, since this one has loaded everything already."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import typer

from bot.cli import LazyCommand, app
from store.db import Database, current_revision, head_revision, newest_migration, upgrade, upgrade_if_behind


def loaded_by(*args: str, cwd: Path, database_url: str = "sqlite:///unused.db") -> set[str]:
    """The modules `scrutiny-bot ARGS` has loaded when it ends (it must end well)."""
    script = (
        "import json, sys\n"
        "from bot.cli import main\n"
        f"sys.argv = ['scrutiny-bot', *{list(args)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as end:\n"
        "    assert not end.code, end.code\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=cwd,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_the_list_of_commands_loads_none_of_them(tmp_path: Path) -> None:
    loaded = loaded_by("--help", cwd=tmp_path)
    assert not {name for name in loaded if name.startswith("bot.cli.")}
    assert "sqlalchemy" not in loaded


def test_a_command_loads_its_own_module_and_no_other_command(tmp_path: Path) -> None:
    loaded = loaded_by("round", "--help", cwd=tmp_path)
    assert {name for name in loaded if name.startswith("bot.cli.")} == {"bot.cli.rounds", "bot.cli.common"}


def test_a_database_at_the_newest_migration_is_used_without_loading_alembic(
    database_url: str, tmp_path: Path
) -> None:
    loaded = loaded_by("backup", "-o", "backup.json", cwd=tmp_path, database_url=database_url)
    assert "bot.cli.backup" in loaded and "alembic" not in loaded


def test_each_command_is_listed_with_the_first_paragraph_of_its_own_help() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    for name, listed in group.commands.items():
        assert isinstance(listed, LazyCommand), name
        own = listed.load().help or ""
        assert listed.help == " ".join(inspect.cleandoc(own).split("\n\n")[0].split()), name


async def _revision(url: str) -> str | None:
    db = Database(url)
    try:
        async with db.session() as session:
            return await current_revision(session)
    finally:
        await db.dispose()


def test_the_newest_migration_read_from_the_scripts_is_alembics_head() -> None:
    assert newest_migration() == head_revision()


def test_a_command_brings_a_new_or_older_database_to_the_newest_migration(empty_database_url: str) -> None:
    upgrade(empty_database_url, "0003")
    upgrade_if_behind(empty_database_url)
    assert asyncio.run(_revision(empty_database_url)) == head_revision()
    upgrade_if_behind(empty_database_url)  # there already: nothing to do
    assert asyncio.run(_revision(empty_database_url)) == head_revision()


def test_a_command_makes_a_new_sqlite_file_and_its_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'scrutiny.db'}"
    upgrade_if_behind(url)
    assert asyncio.run(_revision(url)) == head_revision()


def test_an_unexpected_failure_is_a_sentence_and_exit_code_1(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("scrutiny-bot")
    result = subprocess.run(
        [str(command), "status"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "DATABASE_URL": "nonsense://"},
    )
    assert result.returncode == 1
    assert (
        result.stderr.startswith("Sorry, scrutiny-bot failed unexpectedly (")
        and "Traceback" not in result.stderr
    )
