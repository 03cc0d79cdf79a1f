"""`review respond / agree / sign-off / publish`: the executive's response to a recommendation of the
committee's report, a review's plan agreed (its rounds then open by themselves), the committee's
sign-off that completes it (the same as "respond", "plan agreed" and "review signed off" in Teams),
its public tracker put on the council's website or taken down, and a return's evidence kept off it
(`evidence-internal`, as the scrutiny officer's toggle on Accept does) or put back (`evidence-public`)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import (
    ReviewOption,
    fail,
    find_review,
    load_settings,
    parse_day,
    plain_errors,
    run,
    terminal,
)
from cards import life_messages
from cards.life import agreed_reply, outcome_line
from cards.status import response_line
from documents.dates import find_day
from documents.responses import ExecutiveResponse
from store.lifecycle import agree_plan, signed_off
from store.models import utcnow
from store.plan import require_review
from store.queries import review_status
from store.responses import ResponseAnswer, record_responses, response_view
from store.revisions import revisions_of
from store.tracker import mark_internal, publish
from store.views import RoundPlan

review_app = typer.Typer(
    help="A review's life: the executive's response, its plan agreed (rounds then open by themselves), "
    "signed off, and its public tracker published.",
    no_args_is_help=True,
)


def _today(zone: str) -> datetime:
    return utcnow().astimezone(ZoneInfo(zone))


@review_app.command("agree")
def review_agree(
    title: Annotated[str, typer.Argument(help="The review's title, e.g. “Digital Optimisation”.")],
    agreed_on: Annotated[
        str, typer.Argument(help="The day the committee agreed it: 2019-03-12 or “12 March 2019”.")
    ],
    first_after: Annotated[
        int | None,
        typer.Option("--first-after", min=1, max=60, help="Months to the first round (default 12)."),
    ] = None,
    every: Annotated[
        int | None, typer.Option("--every", min=1, max=60, help="Months between rounds after it (default 6).")
    ] = None,
) -> None:
    """Record the day the committee agreed the review's action plan: the plan is frozen, and its
    monitoring rounds are scheduled to open by themselves, the first about 12 months later."""
    found = find_day(agreed_on)
    if found is None or found[1]:
        fail(f"“{agreed_on}” is not a date: write it as YYYY-MM-DD or “12 March 2019”.")
    settings = load_settings()
    plan = RoundPlan(
        first_after_months=first_after or settings.first_round_after_months,
        every_months=every or settings.round_every_months,
        deadline_days=settings.round_deadline_days,
    )

    async def work(session: AsyncSession) -> str:
        review = await require_review(session, title)
        agreement = await agree_plan(
            session,
            review_id=review.id,
            agreed_on=found[0],
            today=_today(settings.time_zone).date(),
            plan=plan,
        )
        return agreed_reply(agreement, plan).replace("**", "")

    terminal().print(run(work, settings=settings), markup=False)


@review_app.command("sign-off")
def review_sign_off(
    title: Annotated[str, typer.Argument(help="The review's title.")],
) -> None:
    """Record that the committee signed the review off: it is complete, and no more rounds open."""
    settings = load_settings()

    async def work(session: AsyncSession) -> str:
        review = await require_review(session, title)
        name, life = await signed_off(
            session, review_id=review.id, today=_today(settings.time_zone).date(), by_person_id=None
        )
        return life_messages.SIGNED_OFF_DONE.format(review=name, outcome=outcome_line(life))

    terminal().print(run(work, settings=settings), markup=False)


@review_app.command("revisions")
def review_revisions(
    title: Annotated[str, typer.Argument(help="The review's title.")],
) -> None:
    """Agreed actions changed since the plan was agreed: the words each change replaced, and when."""

    async def work(session: AsyncSession) -> Table:
        review = await require_review(session, title)
        actions = {a.id: a for rec in await review_status(session, review_id=review.id) for a in rec.actions}
        table = Table("Action", "Changed", "How", "Was", "Now")
        for kept in await revisions_of(session, action_ids=list(actions)):
            now = actions[kept.action_id]
            was = f"{kept.agreed_action} ({kept.responsibility}; {kept.date_text})"
            table.add_row(
                now.ref,
                f"{kept.revised_at:%-d %B %Y}",
                kept.source.value,
                was,
                f"{now.agreed_action} ({now.responsibility}; {now.date_text})",
            )
        return table

    table = run(work)
    if not table.row_count:
        fail(f"No agreed action of “{title}” has changed since its plan was agreed.")
    terminal().print(table)


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
        return said if shown.monitored else f"{said} {life_messages.RESPONSE_NOT_MONITORED}"

    terminal().print(run(work), markup=False)


def _publish(title: str, *, public: bool) -> None:
    settings = load_settings()

    async def work(session: AsyncSession) -> str:
        review = await require_review(session, title)
        await publish(session, review_id=review.id, public=public)
        said = life_messages.PUBLISHED if public else life_messages.UNPUBLISHED
        url = f"{settings.link_base}/tracker/{review.id}"
        return said.format(review=review.title, url=url, names="on" if settings.public_names else "off")

    terminal().print(run(work, settings=settings), markup=False)


@review_app.command("publish")
def review_publish(title: Annotated[str, typer.Argument(help="The review's title.")]) -> None:
    """Make the review's tracker public: served read-only at /tracker/ID for the council's website."""
    _publish(title, public=True)


@review_app.command("unpublish")
def review_unpublish(title: Annotated[str, typer.Argument(help="The review's title.")]) -> None:
    """Take the review's public tracker down: its address then answers "not published"."""
    _publish(title, public=False)


ActionRef = Annotated[str, typer.Argument(help="The action, as recommendation.action: 7.1.")]
RoundOption = Annotated[
    str | None,
    typer.Option("--round", help="The round, e.g. “September 2020”. Default: the latest with a return."),
]


def _mark(title: str, ref: str, round_label: str | None, *, internal: bool) -> None:
    numbers = re.fullmatch(r"\s*(\d+)\s*\.\s*(\d+)\s*", ref)
    if numbers is None:
        fail(f"“{ref}” is not an action: name it as recommendation.action, e.g. 7.1.")

    async def work(session: AsyncSession) -> str:
        review = await require_review(session, title)
        label = await mark_internal(
            session,
            review_id=review.id,
            number=int(numbers[1]),
            position=int(numbers[2]),
            round_label=round_label,
            internal=internal,
        )
        said = life_messages.EVIDENCE_INTERNAL if internal else life_messages.EVIDENCE_PUBLIC
        return said.format(ref=f"{numbers[1]}.{numbers[2]}", round=label, review=review.title)

    terminal().print(run(work), markup=False)


@review_app.command("evidence-internal")
def review_evidence_internal(
    title: Annotated[str, typer.Argument(help="The review's title.")],
    ref: ActionRef,
    round_label: RoundOption = None,
) -> None:
    """Keep an action's evidence for a round off the public tracker, which then says it is not
    published; the committee's page and papers still carry it."""
    _mark(title, ref, round_label, internal=True)


@review_app.command("evidence-public")
def review_evidence_public(
    title: Annotated[str, typer.Argument(help="The review's title.")],
    ref: ActionRef,
    round_label: RoundOption = None,
) -> None:
    """Put an action's evidence for a round back on the public tracker (once accepted)."""
    _mark(title, ref, round_label, internal=False)
