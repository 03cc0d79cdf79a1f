"""`review respond`: the executive's response to a recommendation of the committee's report."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import ReviewOption, find_review, parse_day, plain_errors, run, terminal
from cards import messages
from cards.status import response_line
from documents.responses import ExecutiveResponse
from store.responses import ResponseAnswer, record_responses, response_view

review_app = typer.Typer(
    help="A review's life: the executive's response to its report.", no_args_is_help=True
)


@review_app.command("respond")
def review_respond(
    number: Annotated[int, typer.Argument(help="The recommendation's number in the report.")],
    response: Annotated[str, typer.Argument(help="accepted, “partially accepted” or “not accepted”.")],
    reason: Annotated[
        str | None, typer.Option(help="Why; needed when it is not accepted. The committee reads it.")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--date", help="When the executive responded, YYYY-MM-DD. Default: today.")
    ] = None,
    review: ReviewOption = None,
) -> None:
    """Record the executive's response to one recommendation.

    A recommendation not accepted needs no actions and is not monitored. Recording it again replaces it.
    """
    with plain_errors():
        answer = ResponseAnswer(number=number, response=ExecutiveResponse.named(response), reason=reason)
    when = parse_day(on) or date.today()

    async def work(session: AsyncSession) -> str:
        found = await find_review(session, review)
        (recorded,) = await record_responses(
            session, review_id=found.id, answers=[answer], on=when, person_id=None, is_admin=True
        )
        shown = response_view(recorded)
        assert shown is not None
        said = f"Recommendation {number} of “{found.title}”: {response_line(shown).rstrip('.')}."
        return said if shown.monitored else f"{said} {messages.RESPONSE_NOT_MONITORED}"

    terminal().print(run(work), markup=False)
