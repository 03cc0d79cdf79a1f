"""The `scrutiny-bot` command: set up the database, bring plans in and out, look at status, run the bot.

Every command migrates the database first, so a fresh machine just works. Errors are sentences and
exit code 1, never tracebacks. One module per group of commands; their shared plumbing is in common.py.
"""

from __future__ import annotations

import os

import typer

from bot.cli import backup, doctor, hosting, plan, status
from bot.cli.common import fail
from bot.cli.people import people_app
from bot.cli.rounds import round_app
from bot.cli.summary import summary_app

app = typer.Typer(
    name="scrutiny-bot",
    help="Scrutiny monitoring for a council's Select Committees, in Microsoft Teams.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("import")(plan.import_)
app.command("export")(plan.export)
app.command("status")(status.status)
app.command("serve")(hosting.serve)
app.command("package")(hosting.package)
app.command("doctor")(doctor.doctor)
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.add_typer(hosting.db_app, name="db")
app.add_typer(round_app, name="round")
app.add_typer(people_app, name="people")
app.add_typer(hosting.cards_app, name="cards")
app.add_typer(summary_app, name="summary")


def main() -> None:
    try:
        app()
    except Exception as error:
        if os.environ.get("SCRUTINY_DEBUG"):
            raise
        # Not the user's doing, and a traceback would not help them: say so briefly.
        message = f"Sorry, scrutiny-bot failed unexpectedly ({type(error).__name__})."
        fail(message + " Run it again with SCRUTINY_DEBUG=1 to see the details.")
