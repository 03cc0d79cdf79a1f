"""`round open / close / list`: a monitoring round asks officers for an update on every action."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import ReviewOption, fail, find_review, parse_day, run, terminal
from store.plan import require_review
from store.queries import missing_updates, reviews
from store.rounds import close_round, current_round, open_round

round_app = typer.Typer(
    help="Monitoring rounds: open one to ask for updates, close it when done.", no_args_is_help=True
)


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
    due = parse_day(deadline)

    async def work(session: AsyncSession) -> str:
        found = await find_review(session, review)
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

    terminal().print(run(work), markup=False)


@round_app.command("close")
def round_close(
    review: ReviewOption = None,
    anyway: Annotated[
        bool, typer.Option("--anyway", help="Close it even while updates wait for the scrutiny officer.")
    ] = False,
) -> None:
    """Close the open round: no more reminders for it. Refused while updates wait for review."""

    async def work(session: AsyncSession) -> str:
        found = await find_review(session, review)
        closed = await close_round(session, review_id=found.id, anyway=anyway)
        return f"Closed the {closed.label} round of “{found.title}”."

    terminal().print(run(work), markup=False)


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
            if summary.next_round_on is not None:  # scheduled by "plan agreed": opens by itself
                opens = Text(f"opens {summary.next_round_on:%-d %B %Y}", style="dim")
                table.add_row(summary.title, f"{summary.next_round_on:%B %Y}", "", opens)
            elif not summary.rounds:
                table.add_row(summary.title, Text("no rounds yet", style="dim"), "", "")
        return table

    table = run(work)
    if not table.row_count:
        fail("There are no reviews yet. Import a plan first: scrutiny-bot import FILE")
    terminal().print(table)
