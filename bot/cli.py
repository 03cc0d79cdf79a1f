"""The `scrutiny-bot` command: set up the database, bring plans in and out, look at status, run the bot.

Every command migrates the database first, so a fresh machine just works. Errors are sentences and
exit code 1, never tracebacks. The bot's server and packaging are imported only by the commands that
need them, so `import` and `status` work without botbuilder being loaded.
"""

from __future__ import annotations

import asyncio
import csv
import enum
import json
import os
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Literal, NoReturn, TypeVar

import typer
import yaml
from pydantic import ValidationError
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from cards.grades import look
from store.db import Database, upgrade
from store.errors import UserFacingError
from store.models import FULLY_ACHIEVED_CARRIED, Grade, Person, Review, action_responsible_people
from store.people import Role, save_person
from store.plan import export_plan, import_plan, require_review
from store.plan_format import PlanDocument
from store.queries import (
    find_recommendations,
    missing_updates,
    recommendation_status,
    review_overview,
    review_status,
    reviews,
)
from store.rounds import close_round, current_round, open_round
from store.views import ActionView, GradeCounts, RecommendationView, ReviewOverview, RoundGrade

T = TypeVar("T")

app = typer.Typer(
    name="scrutiny-bot",
    help="Scrutiny monitoring for a council's Select Committees, in Microsoft Teams.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
round_app = typer.Typer(
    help="Monitoring rounds: open one to ask for updates, close it when done.", no_args_is_help=True
)
people_app = typer.Typer(help="The roster: officers, admins and chairs.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(round_app, name="round")
app.add_typer(people_app, name="people")

ReviewOption = Annotated[
    str | None, typer.Option("--review", "-r", help="Review title; needed only when there are several.")
]


class Format(enum.StrEnum):
    DOCX = "docx"
    MD = "md"
    JSON = "json"
    YAML = "yaml"


DOCUMENT_FORMATS: dict[Format, Literal["docx", "md", "json"]] = {
    Format.DOCX: "docx",
    Format.MD: "md",
    Format.JSON: "json",
}


def _console() -> Console:
    # Built per call: the test runner swaps stdout, and a console made at import would keep the old one.
    return Console(highlight=False, soft_wrap=False)


def fail(message: str) -> NoReturn:
    Console(stderr=True, highlight=False).print(message, markup=False)
    raise typer.Exit(1)


@contextmanager
def _plain_errors() -> Iterator[None]:
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


def _settings(**overrides: object) -> Settings:
    with _plain_errors():
        return Settings(**overrides)  # type: ignore[arg-type]


def run(work: Callable[[AsyncSession], Awaitable[T]], *, settings: Settings | None = None) -> T:
    """Migrate, then run `work` in one transaction: all of it is saved, or (on any error) none of it."""
    settings = settings or _settings()

    async def in_session() -> T:
        database = Database(settings.database_url)
        try:
            async with database.session() as session:
                return await work(session)
        finally:
            await database.dispose()

    with _plain_errors():
        try:
            upgrade(settings.database_url)
            return asyncio.run(in_session())
        except (OSError, OperationalError, InterfaceError):
            where = make_url(settings.database_url).render_as_string(hide_password=True)
            fail(f"Could not open the database {where}. Is it running, and is DATABASE_URL right?")


async def _review(session: AsyncSession, title: str | None) -> Review:
    """The named review, or the only one there is."""
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


def _read_plan(path: Path) -> PlanDocument:
    from store.documents import read_document  # Word, its text export, or YAML/JSON, told by content

    if not path.is_file():
        raise UserFacingError(f"There is no file {path}.")
    return read_document(path)


# --- db ------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the tables, or bring them up to date."""
    settings = _settings()
    with _plain_errors():
        upgrade(settings.database_url)
    _console().print("The database is up to date.")


# --- documents -----------------------------------------------------------------------------------


@app.command("import")
def import_(
    paths: Annotated[
        list[Path], typer.Argument(help="Word .docx, its text export (.txt), or a YAML/JSON plan.")
    ],
) -> None:
    """Import action plans and progress updates. Importing the same document again changes nothing.

    All files are read before anything is saved: if one is refused, none is imported.
    """
    with _plain_errors():
        plans = [_read_plan(path) for path in paths]

    async def work(session: AsyncSession) -> list[str]:
        return [(await import_plan(session, plan=plan)).describe() for plan in plans]

    for line in run(work):
        _console().print(line, markup=False)


def _format_of(output: Path, given: Format | None) -> Format:
    if given is not None:
        return given
    suffix = output.suffix.lower().lstrip(".")
    known = {
        "docx": Format.DOCX,
        "md": Format.MD,
        "json": Format.JSON,
        "yaml": Format.YAML,
        "yml": Format.YAML,
    }
    if suffix not in known:
        fail(f"Say which format with --format (docx, md, json or yaml): “{output.name}” does not tell.")
    return known[suffix]


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    review: ReviewOption = None,
    round_label: Annotated[
        str | None,
        typer.Option("--round", help="The last round to include, e.g. “March 2020”. Default: all."),
    ] = None,
    fmt: Annotated[
        Format | None, typer.Option("--format", "-f", help="Default: from the file name's ending.")
    ] = None,
) -> None:
    """Write a review's progress update for the committee (.docx, Markdown) or as a plan (JSON/YAML)."""
    chosen = _format_of(output, fmt)

    async def work(session: AsyncSession) -> PlanDocument:
        found = await _review(session, review)
        return await export_plan(session, title=found.title, up_to=round_label)

    plan = run(work)
    with _plain_errors():
        if chosen is Format.YAML:
            data = plan.model_dump(mode="json", exclude_defaults=True)
            output.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        else:
            from store.documents import write_document

            write_document(plan, path=output, fmt=DOCUMENT_FORMATS[chosen])
    _console().print(f"Wrote {output} (“{plan.review}”, rounds: {', '.join(plan.round_labels()) or 'none'}).")


# --- status --------------------------------------------------------------------------------------


def grade_cell(grade: RoundGrade, *, short: bool = False) -> Text:
    """A round's grade, coloured as on the cards; `short` keeps only the number for narrow screens."""
    if grade.fully_achieved_carried:
        return Text("N/A" if short else grade.text, style=f"dim {look(Grade.FULLY_ACHIEVED).hex}")
    if grade.grade is None:
        return Text("not assessed" if grade.has_update and not short else "—", style="dim")
    return Text(str(grade.grade.value) if short else grade.text, style=f"bold {look(grade.grade).hex}")


def _legend() -> Text:
    parts = [Text(look(g).numbered, style=look(g).hex) for g in Grade]
    parts.append(Text("N/A = Fully Achieved in an earlier round", style="dim"))
    parts.append(Text("— = no update", style="dim"))
    return Text("  ").join(parts)


def _counts_line(counts: GradeCounts) -> Text:
    parts = [Text(f"{n} {look(g).words}", style=look(g).hex) for g, n in counts.counts.items()]
    if counts.carried:
        parts.append(Text(f"{counts.carried} N/A (Fully Achieved)", style="dim"))
    if counts.not_assessed:
        parts.append(Text(f"{counts.not_assessed} not assessed", style="dim"))
    return Text.assemble(f"{counts.round_label}: ", Text(", ").join(parts), f" ({counts.total} actions)")


def _print_overview(
    console: Console, overview: ReviewOverview, recommendations: list[RecommendationView]
) -> None:
    committee = f" — {overview.committee}" if overview.committee else ""
    console.print(Text.assemble((overview.title, "bold"), committee))
    if overview.open_round is not None:
        deadline = overview.open_round.deadline
        by = f", deadline {deadline:%-d %B %Y}" if deadline else ""
        console.print(f"Open round: {overview.open_round.label}{by}", markup=False)
    else:
        console.print("No round is open.", markup=False)
    if overview.counts is not None:
        console.print(_counts_line(overview.counts))
    actions = [a for rec in recommendations for a in rec.actions]
    if not actions:
        return
    rounds = overview.rounds
    # Full grade words take 20 columns a round; on a narrow terminal the coloured number says it.
    short = console.width < 80 + 23 * len(rounds)
    grade_width = 8 if short else len(FULLY_ACHIEVED_CARRIED)
    ref_width = max(len("Action"), *(len(a.ref) for a in actions))
    due_width = min(14, max(len("Due"), *(len(a.date_text) for a in actions)))
    # Rich shares out width evenly when a table is too wide; say exactly who gives way instead.
    spare = console.width - ref_width - due_width - len(rounds) * grade_width - 3 * (4 + len(rounds)) - 2
    what_width = max(12, min(60, spare * 3 // 5))
    who_width = max(10, min(30, spare - what_width))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Action", no_wrap=True, width=ref_width)
    table.add_column("Agreed action", no_wrap=True, overflow="ellipsis", width=what_width)
    table.add_column("Responsibility", no_wrap=True, overflow="ellipsis", width=who_width)
    table.add_column("Due", no_wrap=True, overflow="ellipsis", width=due_width)
    for round_ in rounds:
        table.add_column(f"{round_.month:%b %Y}" if short else round_.label, no_wrap=True, width=grade_width)
    for rec in recommendations:
        for action in rec.actions:
            what = f"{action.group}: {action.agreed_action}" if action.group else action.agreed_action
            table.add_row(
                action.ref,
                " ".join(what.split()),
                action.responsibility,
                action.date_text,
                *(grade_cell(g, short=short) for g in action.trend),
            )
        table.add_section()
    console.print(table)
    if short:
        console.print(_legend())


def _print_recommendation(console: Console, rec: RecommendationView) -> None:
    console.print(Text.assemble((f"Recommendation {rec.number}", "bold"), (f" ({rec.review_title})", "dim")))
    console.print(rec.text, markup=False)
    for action in rec.actions:
        console.print()
        console.print(_action_block(action))


def _action_block(action: ActionView) -> Table:
    """One action as a few labelled lines: readable at any width, unlike a wide table."""
    body = Table.grid(padding=(0, 1))
    body.add_column(no_wrap=True)
    body.add_column()
    if action.group:
        body.add_row(Text(action.ref, style="bold"), Text(action.group, style="bold"))
        body.add_row("", action.agreed_action)
    else:
        body.add_row(Text(action.ref, style="bold"), action.agreed_action)
    if action.success_measure:
        body.add_row("", Text.assemble(("Success measure: ", "dim"), action.success_measure))
    body.add_row("", Text.assemble(("Responsibility: ", "dim"), action.responsibility))
    if action.date_text:
        body.add_row("", Text.assemble(("Due: ", "dim"), action.date_text))
    for grade in action.trend:
        body.add_row("", Text.assemble((f"{grade.round_label}: ", "dim"), grade_cell(grade)))
    if action.latest_round_label is None:
        body.add_row("", Text("No progress recorded yet.", style="dim"))
        return body
    who = f", by {action.last_recorded_by}" if action.last_recorded_by else ""
    body.add_row(
        "",
        Text.assemble(
            (f"Evidence ({action.latest_round_label}{who}): ", "dim"), action.latest_evidence or "none"
        ),
    )
    if action.latest_explanation:
        body.add_row("", Text.assemble(("Explanation: ", "dim"), action.latest_explanation))
    if action.latest_impact:
        body.add_row("", Text.assemble(("Impact: ", "dim"), action.latest_impact))
    return body


@app.command("status")
def status(
    recommendation: Annotated[
        str | None, typer.Argument(help="A recommendation's number, or words from its text. Default: all.")
    ] = None,
    review: ReviewOption = None,
) -> None:
    """Each action with its owner and its grade in every round."""

    async def work(session: AsyncSession) -> tuple[ReviewOverview | None, list[RecommendationView]]:
        found = await _review(session, review)
        if recommendation is None:
            overview = await review_overview(session, review_id=found.id)
            return overview, await review_status(session, review_id=found.id)
        matches = await find_recommendations(session, query=recommendation, review_id=found.id)
        if not matches:
            raise UserFacingError(f"No recommendation of “{found.title}” matches “{recommendation}”.")
        # Equally good matches are all shown: "my stockton" is in two recommendations.
        best = matches[0][1]
        shown = []
        for match, score in matches:
            if score >= best:
                view = await recommendation_status(session, review_id=found.id, number=match.number)
                if view is not None:
                    shown.append(view)
        return None, shown

    overview, recommendations = run(work)
    console = _console()
    if overview is not None:
        _print_overview(console, overview, recommendations)
        return
    for rec in recommendations:
        _print_recommendation(console, rec)


# --- rounds --------------------------------------------------------------------------------------


def _deadline(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"“{text}” is not a date: write it as YYYY-MM-DD, e.g. 2020-10-02.")


@round_app.command("open")
def round_open(
    label: Annotated[str, typer.Argument(help="The round's month, e.g. “September 2020”.")],
    review: ReviewOption = None,
    deadline: Annotated[str | None, typer.Option(help="When updates are due, YYYY-MM-DD.")] = None,
    if_none_open: Annotated[
        bool, typer.Option("--if-none-open", help="Do nothing if the review already has an open round.")
    ] = False,
) -> None:
    """Open a round: officers are asked for an update on every action not yet Fully Achieved.

    Any other open round of the review closes.
    """
    due = _deadline(deadline)

    async def work(session: AsyncSession) -> str:
        found = await _review(session, review)
        already = await current_round(session, review_id=found.id)
        if if_none_open and already is not None:
            return f"“{found.title}” already has an open round: {already.label}."
        opened = await open_round(session, review_id=found.id, label=label, deadline=due)
        waiting = await missing_updates(session, review_id=found.id)
        closed = f" The {already.label} round is now closed." if already and already.id != opened.id else ""
        by = f", deadline {opened.deadline:%-d %B %Y}" if opened.deadline else ""
        return (
            f"Opened the {opened.label} round of “{found.title}”{by}. "
            f"{len(waiting)} actions need an update.{closed}"
        )

    _console().print(run(work), markup=False)


@round_app.command("close")
def round_close(review: ReviewOption = None) -> None:
    """Close the open round: no more reminders for it."""

    async def work(session: AsyncSession) -> str:
        found = await _review(session, review)
        closed = await close_round(session, review_id=found.id)
        return f"Closed the {closed.label} round of “{found.title}”."

    _console().print(run(work), markup=False)


@round_app.command("list")
def round_list(review: ReviewOption = None) -> None:
    """Every review's rounds, with deadlines and which is open."""

    async def work(session: AsyncSession) -> Table:
        table = Table("Review", "Round", "Deadline", "Open")
        summaries = await reviews(session)
        if review:
            wanted = (await require_review(session, review)).id
            summaries = [s for s in summaries if s.id == wanted]
        for summary in summaries:
            for round_ in summary.rounds:
                deadline = f"{round_.deadline:%-d %B %Y}" if round_.deadline else ""
                table.add_row(summary.title, round_.label, deadline, "open" if round_.is_open else "")
            if not summary.rounds:
                table.add_row(summary.title, Text("no rounds yet", style="dim"), "", "")
        return table

    table = run(work)
    if not table.row_count:
        fail("There are no reviews yet. Import a plan first: scrutiny-bot import FILE")
    _console().print(table)


# --- people --------------------------------------------------------------------------------------


def _roles_text(text: str) -> list[Role]:
    roles = []
    for word in re.split(r"[\s,;/|]+", text.strip().lower()):
        if not word:
            continue
        try:
            roles.append(Role(word))
        except ValueError:
            raise UserFacingError(f"“{word}” is not a role: use officer, admin or chair.") from None
    return roles


@people_app.command("add")
def people_add(
    name: Annotated[str, typer.Argument(help="Full name, as plans write it: “Lorraine Dixon”.")],
    email: Annotated[str | None, typer.Option(help="Their Teams sign-in (email/UPN).")] = None,
    role: Annotated[
        list[Role] | None, typer.Option("--role", help="Repeat for several. Default: officer.")
    ] = None,
) -> None:
    """Add someone to the roster, or change their email or roles."""

    async def work(session: AsyncSession) -> str:
        person, created = await save_person(session, name=name, email=email, roles=role)
        verb = "Added" if created else "Updated"
        return f"{verb} {person.name} ({person.email or 'no email'}; {', '.join(person.roles) or 'no role'})."

    _console().print(run(work), markup=False)


@people_app.command("import")
def people_import(
    path: Annotated[Path, typer.Argument(help="A CSV file with columns name, email, roles.")],
) -> None:
    """Add or update everyone in a CSV file (roles separated by spaces or semicolons)."""
    with _plain_errors():
        if not path.is_file():
            raise UserFacingError(f"There is no file {path}.")
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
    if rows and "name" not in {(key or "").strip().lower() for key in rows[0]}:
        fail(f"{path.name} needs a header row with the columns name, email, roles.")

    async def work(session: AsyncSession) -> tuple[int, int]:
        added = updated = 0
        for line, raw in enumerate(rows, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            if not row.get("name"):
                continue
            try:
                roles = _roles_text(row["roles"]) if row.get("roles") else None
                _, created = await save_person(session, name=row["name"], email=row.get("email"), roles=roles)
            except UserFacingError as error:
                raise UserFacingError(f"{path.name}, line {line}: {error} Nothing was imported.") from None
            added, updated = added + created, updated + (not created)
        return added, updated

    added, updated = run(work)
    _console().print(f"Added {added} and updated {updated} people from {path.name}.", markup=False)


@people_app.command("list")
def people_list() -> None:
    """Everyone on the roster or named in a plan, with the actions they are responsible for."""

    async def work(session: AsyncSession) -> Table:
        counted = await session.execute(
            select(action_responsible_people.c.person_id, func.count()).group_by(
                action_responsible_people.c.person_id
            )
        )
        owned = {person_id: count for person_id, count in counted}
        table = Table("Name", "Email", "Roles", "Actions")
        for person in await session.scalars(select(Person).order_by(Person.name)):
            roles = "group" if person.is_group else ", ".join(person.roles)
            table.add_row(person.name, person.email or "", roles, str(owned.get(person.id, 0)))
        return table

    table = run(work)
    if not table.row_count:
        fail("Nobody yet: add people with “scrutiny-bot people add NAME”, or import a plan.")
    _console().print(table)


# --- the bot -------------------------------------------------------------------------------------


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Default: HOST, or 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: PORT, or 3978.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Processes sharing the port, one per core (PostgreSQL only). Default: SCRUTINY_WORKERS or 1."
        ),
    ] = None,
) -> None:
    """Run the bot's web server (POST /api/messages) until stopped with Ctrl+C."""
    overrides: dict[str, object] = {"host": host} if host else {}
    if port:
        overrides["port"] = port
    if workers:
        overrides["workers"] = workers
    settings = _settings(**overrides)
    with _plain_errors():
        upgrade(settings.database_url)
    from bot.app import serve as serve_app

    _console().print(
        f"Serving the bot on http://{settings.host}:{settings.port}/api/messages (Ctrl+C stops)."
    )
    serve_app(settings, host=settings.host, port=settings.port, workers=settings.workers)


@app.command("package")
def package(
    output: Annotated[Path, typer.Option("--output", "-o", help="The zip to write.")] = Path("app.zip"),
) -> None:
    """Build the Teams app package (manifest and icons) to upload to Teams."""
    settings = _settings()
    from bot.package import build_package

    with _plain_errors():
        written = build_package(settings, output=output)
    _console().print(f"Wrote {written}.")


# --- cards ---------------------------------------------------------------------------------------

cards_app = typer.Typer(help="The cards the bot sends in Teams.", no_args_is_help=True)
app.add_typer(cards_app, name="cards")


@cards_app.command("preview")
def cards_preview(
    output: Annotated[Path, typer.Option("--output", "-o", help="The folder to write them in.")],
    today: Annotated[str | None, typer.Option(help="The day “overdue” is judged on, YYYY-MM-DD.")] = None,
) -> None:
    """Write every card the bot can send, filled from the loaded data, as JSON and (with the card
    renderer installed: tools/card-renderer/install.sh) as a PNG drawn as Teams draws it."""
    settings = _settings()
    day = _deadline(today) or date.today()
    from bot.preview import card_gallery, render, renderer_ready

    cards = run(lambda session: card_gallery(session, settings=settings, today=day), settings=settings)
    with _plain_errors():
        output.mkdir(parents=True, exist_ok=True)
        for name, card in cards.items():
            (output / f"{name}.json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
    console = _console()
    if not renderer_ready():
        console.print(
            f"Wrote {len(cards)} cards as JSON to {output}. For pictures, run tools/card-renderer/install.sh."
        )
        return
    events = render(cards, output)
    complaints = {name: found for name, found in events.items() if found}
    console.print(f"Wrote {len(cards)} cards to {output}, as JSON and PNG.")
    for name, found in complaints.items():
        for event in found:
            console.print(f"{name}: {event['phase']} {event['event']}: {event['message']}", markup=False)
    if complaints:
        raise typer.Exit(1)


# --- weekly summaries ----------------------------------------------------------------------------

summary_app = typer.Typer(
    help="The weekly summary each channel hears, and posting one now.", no_args_is_help=True
)
app.add_typer(summary_app, name="summary")

ChannelOption = Annotated[
    str | None,
    typer.Option(
        "--channel", "-c", help="The team's name or the conversation id; needed only when there are several."
    ),
]


@summary_app.command("schedule")
def summary_schedule_command(
    when: Annotated[
        str | None, typer.Argument(help="e.g. “Friday 14:00”, “Tue 16.30 Europe/Dublin”. Omit to list.")
    ] = None,
    channel: ChannelOption = None,
) -> None:
    """Each channel's weekly summary time; with WHEN, change it (from now on: no catching up)."""
    from dialogs.summary import default_weekly, describe_day, next_post
    from store.conversations import installed_conversations
    from store.deliveries import set_summary_schedule, weekly_of
    from store.models import ConversationKind, SummarySchedule, utcnow
    from store.schedule import parse_weekly

    settings = _settings()
    default = default_weekly(summary_default=settings.summary_default, time_zone=settings.time_zone)

    async def work(session: AsyncSession) -> list[str]:
        now = utcnow()
        channels = await installed_conversations(session, kind=ConversationKind.CHANNEL)
        if channel is not None:
            channels = [c for c in channels if channel in (c.conversation_id, c.team_name)]
        if not channels:
            raise UserFacingError(
                "No channel matches." if channel else "The app has not been added to any channel yet."
            )
        if when is None:
            lines = []
            for row in channels:
                schedule = await session.get(SummarySchedule, row.id)
                weekly = weekly_of(schedule) if schedule else default
                following = describe_day(next_post(weekly, now=now), weekly.zone)
                lines.append(
                    f"{row.team_name or row.conversation_id}: {weekly.describe()}. Next: {following}."
                )
            return lines
        if len(channels) > 1:
            names = "; ".join(c.team_name or c.conversation_id for c in channels)
            raise UserFacingError(f"There are {len(channels)} channels; say which with --channel: {names}.")
        weekly = parse_weekly(when, default_zone=settings.time_zone)
        await set_summary_schedule(
            session, conversation_row_id=channels[0].id, weekly=weekly, now=now, changed_by_id=None
        )
        following = describe_day(next_post(weekly, now=now), weekly.zone)
        return [
            f"{channels[0].team_name or channels[0].conversation_id}: {weekly.describe()}. Next: {following}."
        ]

    for line in run(work, settings=settings):
        _console().print(line, markup=False)


@summary_app.command("send")
def summary_send(channel: ChannelOption = None) -> None:
    """Post every review's summary to the channels now, as “summary” does in Teams. The weekly one
    still goes out at its time."""
    settings = _settings()
    from bot.app import SCHEDULER, create_app

    async def send() -> tuple[int, int]:
        database = Database(settings.database_url)
        bot_app = create_app(settings, db=database)
        try:
            return await bot_app[SCHEDULER].send_summaries_now(channel=channel)
        finally:
            # The app is never served: run its clean-up (connections to Teams) by hand.
            bot_app.freeze()
            await bot_app.cleanup()
            await database.dispose()

    with _plain_errors():
        upgrade(settings.database_url)
        posted, failed = asyncio.run(send())
    _console().print(f"Posted {posted} summary card(s).", markup=False)
    if failed:
        fail(f"{failed} channel(s) could not be reached; the log says why.")


def main() -> None:
    try:
        app()
    except Exception as error:
        if os.environ.get("SCRUTINY_DEBUG"):
            raise
        # Not the user's doing, and a traceback would not help them: say so briefly.
        message = f"Sorry, scrutiny-bot failed unexpectedly ({type(error).__name__})."
        fail(message + " Run it again with SCRUTINY_DEBUG=1 to see the details.")
