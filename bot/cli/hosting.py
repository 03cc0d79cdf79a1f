"""Running the bot and what Teams needs of it: `db upgrade`, `serve`, `package`, `cards preview`.

The bot's server and packaging are imported only by the commands that need them, so the other
commands work without botbuilder being loaded.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from bot.cli.common import load_settings, parse_day, plain_errors, run, terminal
from bot.settings import Settings
from cards import messages
from store.db import upgrade

db_app = typer.Typer(help="The database.", no_args_is_help=True)
cards_app = typer.Typer(help="The cards the bot sends in Teams.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the tables, or bring them up to date."""
    settings = load_settings()
    with plain_errors():
        upgrade(settings.database_url)
    terminal().print("The database is up to date.")


def serve(
    host: Annotated[str | None, typer.Option(help="Default: HOST, or 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: PORT, or 3978.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Processes sharing the port, one per core (PostgreSQL only). Default: SCRUTINY_WORKERS or 1."
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            help="Log the libraries' lines too (Alembic, aiohttp's access log), not only warnings.",
        ),
    ] = False,
) -> None:
    """Run the bot's web server (POST /api/messages) until stopped with Ctrl+C."""
    overrides: dict[str, object] = {"host": host} if host else {}
    if port:
        overrides["port"] = port
    if workers:
        overrides["workers"] = workers
    if verbose:
        overrides["log_verbose"] = True
    settings = load_settings(**overrides)
    with plain_errors():
        upgrade(settings.database_url)
    from bot.app import serve as serve_app

    terminal().print(serving(settings))
    serve_app(settings, host=settings.host, port=settings.port, workers=settings.workers)


def serving(settings: Settings) -> Group:
    """Where the bot is, how to talk to it and stop it, and what the console will show."""
    url = f"http://{settings.host}:{settings.port}/api/messages"
    first = messages.SERVING_LOCAL if settings.anonymous else messages.SERVING
    rows = Table.grid(padding=(0, 2))
    rows.add_column(no_wrap=True, style="bold")
    rows.add_column()
    if settings.anonymous:  # the playground talks to a bot without sign-in
        rows.add_row(messages.SERVING_TALK_LABEL, messages.SERVING_TALK.format(url=url))
    rows.add_row(messages.SERVING_STOP_LABEL, messages.SERVING_STOP)
    quiet = not settings.log_verbose and settings.log_level.upper() not in ("DEBUG", "NOTSET")
    logs = messages.SERVING_LOGS_QUIET if quiet else messages.SERVING_LOGS_VERBOSE
    rows.add_row(messages.SERVING_LOGS_LABEL, logs.format(level=settings.log_level.upper()))
    return Group(Text(first.format(url=url)), Padding(rows, (0, 0, 0, 2)))


def package(
    output: Annotated[Path, typer.Option("--output", "-o", help="The zip to write.")] = Path("app.zip"),
) -> None:
    """Build the Teams app package (manifest and icons) to upload to Teams."""
    settings = load_settings()
    from bot.package import build_package, why_no_tabs

    with plain_errors():
        written = build_package(settings, output=output)
    console = terminal()
    console.print(f"Wrote {written}.", markup=False)
    if reason := why_no_tabs(settings):
        console.print(reason, markup=False)


@cards_app.command("preview")
def cards_preview(
    output: Annotated[Path, typer.Option("--output", "-o", help="The folder to write them in.")],
    today: Annotated[str | None, typer.Option(help="The day “overdue” is judged on, YYYY-MM-DD.")] = None,
    json_only: Annotated[bool, typer.Option("--json-only", help="No pictures: write the JSON only.")] = False,
) -> None:
    """Write every card the bot can send, filled from the loaded data, as JSON and as a PNG drawn as
    Teams draws it. The first time, Microsoft's card renderer is installed for the pictures
    (tools/card-renderer/install.sh; it needs Node.js)."""
    settings = load_settings()
    day = parse_day(today) or date.today()
    from bot.preview import can_install_renderer, card_gallery, install_renderer, render, renderer_ready

    cards = run(lambda session: card_gallery(session, settings=settings, today=day), settings=settings)
    with plain_errors():
        output.mkdir(parents=True, exist_ok=True)
        for name, card in cards.items():
            (output / f"{name}.json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
    console = terminal()
    wrote = {"count": len(cards), "folder": output}
    if json_only:
        console.print(messages.PREVIEW_WROTE_JSON.format(**wrote), markup=False)
        return
    if not renderer_ready():
        if not can_install_renderer():
            console.print(messages.PREVIEW_NEEDS_NODE.format(**wrote), markup=False)
            return
        console.print(messages.PREVIEW_INSTALLING, markup=False)
        failed = install_renderer()
        if failed is not None:
            console.print(messages.PREVIEW_INSTALL_FAILED.format(**wrote, reason=failed), markup=False)
            return
    events = render(cards, output)
    complaints = {name: found for name, found in events.items() if found}
    console.print(messages.PREVIEW_WROTE.format(**wrote), markup=False)
    for name, found in complaints.items():
        for event in found:
            console.print(f"{name}: {event['phase']} {event['event']}: {event['message']}", markup=False)
    if complaints:
        raise typer.Exit(1)
