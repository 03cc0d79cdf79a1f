"""The `scrutiny-bot` command: set up the database, bring plans in and out, look at status, run the bot.

Every command migrates the database first, so a fresh machine just works. Errors are sentences and
exit code 1, never tracebacks. One module per group of commands; their shared plumbing is in common.py.

A command's module is imported only when that command runs or its own --help is asked for: the
modules load SQLAlchemy, pydantic, python-docx and more, over half a second in all, and a command
should pay only for what it uses (`scrutiny-bot --help` loads none of them).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# name: ("module:attribute", its line in the command list). The attribute is the command's function,
# or a typer.Typer holding subcommands. The line is the first paragraph of the function's docstring
# (or the Typer's help), written here so the list needs no import; tests/test_cli_startup.py checks.
# A new command is one more line, e.g. "ask": ("bot.cli.ask:ask", "Answer a question about ...").
COMMANDS: dict[str, tuple[str, str]] = {
    "import": (
        "bot.cli.plan:import_",
        "Import action plans, progress updates and the Select Committee's final reports. Importing the "
        "same document again changes nothing.",
    ),
    "export": (
        "bot.cli.plan:export",
        "Write a review's progress update for the committee (.docx, Markdown) or as a plan (JSON/YAML).",
    ),
    "status": ("bot.cli.status:status", "Each action with its owner and its grade in every round."),
    "ask": (
        "bot.cli.ask:ask",
        "Ask what a chair would ask in Teams: “how's the wifi one going?”, “what has slipped?”.",
    ),
    "serve": (
        "bot.cli.hosting:serve",
        "Run the bot's web server (POST /api/messages) until stopped with Ctrl+C.",
    ),
    "package": (
        "bot.cli.hosting:package",
        "Build the Teams app package (manifest and icons) to upload to Teams.",
    ),
    "doctor": (
        "bot.cli.doctor:doctor",
        "Check the configuration: the app registration, addresses, the time zone and the database.",
    ),
    "backup": (
        "bot.cli.backup:backup",
        "Write a backup of everything the bot keeps: plans, updates, reviews, people, chats, history.",
    ),
    "restore": (
        "bot.cli.backup:restore",
        "Fill an empty database (DATABASE_URL) from a backup; refused if it holds anything already.",
    ),
    "db": ("bot.cli.hosting:db_app", "The database."),
    "round": (
        "bot.cli.rounds:round_app",
        "Monitoring rounds: open one to ask for updates, close it when done.",
    ),
    "review": (
        "bot.cli.reviews:review_app",
        "A review's life: the executive's response, its plan agreed (rounds then open by themselves), "
        "signed off, and its public tracker published.",
    ),
    "people": ("bot.cli.people:people_app", "The roster: officers, admins and chairs."),
    "cards": ("bot.cli.hosting:cards_app", "The cards the bot sends in Teams."),
    "summary": ("bot.cli.summary:summary_app", "The weekly summary each channel hears, and posting one now."),
}


class LazyCommand(TyperCommand):
    """Stands in for a command in the group's list and its help; the command itself is imported and
    built when it is about to run (which is also when its own --help is shown)."""

    def __init__(self, name: str, where: str, summary: str) -> None:
        super().__init__(name=name, help=summary)
        self.where = where

    def load(self) -> TyperCommand | TyperGroup:
        module, _, attribute = self.where.partition(":")
        found = getattr(importlib.import_module(module), attribute)
        if isinstance(found, typer.Typer):
            return typer.main.get_group(found)
        alone = typer.Typer(add_completion=False)  # a Typer of one command makes just that command
        alone.command(self.name)(found)
        command = typer.main.get_command(alone)
        assert isinstance(command, TyperCommand)
        return command

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        # The context made is the real command's, so the group goes on to invoke that command.
        return self.load().make_context(info_name, args, parent=parent, **extra)


class Commands(TyperGroup):
    """The top-level group, its commands those of COMMANDS, each loaded only when it runs."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, (where, summary) in COMMANDS.items():
            self.add_command(LazyCommand(name, where, summary))


app = typer.Typer(
    name="scrutiny-bot",
    cls=Commands,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()  # with no command registered on it, Typer builds a group only for a callback
def scrutiny_bot() -> None:
    """Scrutiny monitoring for a council's Select Committees, in Microsoft Teams."""


def main() -> None:
    try:
        app()
    except Exception as error:
        if os.environ.get("SCRUTINY_DEBUG"):
            raise
        # Not the user's doing, and a traceback would not help them: say so briefly. (Outside Typer's
        # own call, its Exit is no exit: the sentence is printed and the process ends here.)
        message = f"Sorry, scrutiny-bot failed unexpectedly ({type(error).__name__})."
        print(message + " Run it again with SCRUTINY_DEBUG=1 to see the details.", file=sys.stderr)
        raise SystemExit(1) from None
