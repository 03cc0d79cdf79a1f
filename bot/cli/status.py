"""`status`: each action with its owner and its grade in every round, or one recommendation in full."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import ReviewOption, find_review, load_settings, run, terminal
from cards import life_messages, messages
from cards.grades import look
from cards.life import life_lines
from cards.status import response_line
from dialogs.asking import Understanding
from documents.errors import UserFacingError
from documents.grades import FULLY_ACHIEVED_CARRIED, Grade
from documents.layout import plain_words
from store.queries import recommendation_status, review_overview, review_status
from store.views import ActionView, GradeCounts, RecommendationView, ReturnState, ReviewOverview, RoundGrade

# Beside a grade the scrutiny officer has not accepted: a sign in the table, words in a block.
REVIEW_SIGNS = {ReturnState.WAITING: "?", ReturnState.RETURNED: "↩"}
REVIEW_WORDS = {ReturnState.WAITING: "waiting for review", ReturnState.RETURNED: "returned"}
# The review table's narrowest readable text columns; narrower than both, each action is stacked.
MIN_WHAT, MIN_WHO = 30, 16


def grade_cell(grade: RoundGrade, *, short: bool = False, in_words: bool = False) -> Text:
    """A round's grade, coloured as on the cards; `short` keeps only the number for narrow screens;
    a return not accepted yet is marked, by a sign or `in_words`."""
    if grade.fully_achieved_carried:
        return Text("N/A" if short else grade.text, style=f"dim {look(Grade.FULLY_ACHIEVED).hex}")
    if grade.grade is None:
        cell = Text("not assessed" if grade.has_update and not short else "—", style="dim")
    else:
        cell = Text(str(grade.grade.value) if short else grade.text, style=f"bold {look(grade.grade).hex}")
    if grade.review in REVIEW_SIGNS:
        mark = f" ({REVIEW_WORDS[grade.review]})" if in_words else f" {REVIEW_SIGNS[grade.review]}"
        cell.append(mark, style="italic")
    return cell


def _legend(*, grades: bool, signs: bool) -> Text:
    parts = [Text(look(g).numbered, style=look(g).hex) for g in Grade] if grades else []
    if grades:
        parts.append(Text("N/A = Fully Achieved in an earlier round", style="dim"))
        parts.append(Text("— = no update", style="dim"))
    if signs:
        parts += [Text(f"{REVIEW_SIGNS[s]} = {REVIEW_WORDS[s]}", style="italic") for s in REVIEW_SIGNS]
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
    for line in life_lines(overview.life):
        console.print(line, markup=False)
    if overview.counts is not None:
        console.print(_counts_line(overview.counts))
    actions = [a for rec in recommendations for a in rec.actions]
    if not actions:
        # Imported from the committee's report: the recommendations, and that no plan is agreed yet.
        _print_stacked(console, recommendations)
        return
    rounds = overview.rounds
    # Full grade words take 20 columns a round; on a narrow terminal the coloured number says it.
    short = console.width < 80 + 23 * len(rounds)
    grade_width = 8 if short else len(FULLY_ACHIEVED_CARRIED)
    ref_width = max(len("Action"), *(len(a.ref) for a in actions))
    due_width = min(16, max(len("Due"), *(len(a.date_text) for a in actions)))
    # Rich shares out width evenly when a table is too wide; say exactly who gives way instead.
    spare = console.width - ref_width - due_width - len(rounds) * grade_width - 3 * (4 + len(rounds)) - 2
    if spare < MIN_WHAT + MIN_WHO:
        # Too narrow for the columns to be read: each action's lines one under another instead.
        _print_stacked(console, recommendations)
        return
    who_needed = max(len("Responsibility"), *(len(a.responsibility) for a in actions))
    who_width = max(MIN_WHO, min(30, who_needed, spare // 3))
    what_width = min(100, spare - who_width)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Action", no_wrap=True, width=ref_width)
    # Wrapped, never cut: 3.1 and 3.2 begin with the same words.
    table.add_column("Agreed action", overflow="fold", width=what_width)
    table.add_column("Responsibility", overflow="fold", width=who_width)
    table.add_column("Due", overflow="fold", width=due_width)
    for round_ in rounds:
        table.add_column(f"{round_.month:%b %Y}" if short else round_.label, no_wrap=True, width=grade_width)
    for rec in recommendations:
        if not rec.actions:
            table.add_row(str(rec.number), Text(_without_actions(rec), style="dim"))
        for action in rec.actions:
            table.add_row(
                action.ref,
                _what(action),
                action.responsibility,
                action.date_text,
                *(grade_cell(g, short=short) for g in action.trend),
            )
        table.add_section()
    console.print(table)
    signs = any(g.review in REVIEW_SIGNS for action in actions for g in action.trend)
    if short or signs:
        console.print(_legend(grades=short, signs=signs))


def _without_actions(rec: RecommendationView) -> str:
    """What a recommendation without actions says: not accepted (so not monitored), or none agreed yet."""
    if rec.response is not None and not rec.response.monitored:
        return life_messages.RESPONSE_NOT_MONITORED
    return messages.STATUS_NO_ACTIONS


def _what(action: ActionView) -> Text:
    """The agreed action in plain words: the terminal draws no italics, and reads no markup."""
    what = f"{action.group}: {action.agreed_action}" if action.group else action.agreed_action
    return Text(" ".join(plain_words(what).split()))


def _print_stacked(console: Console, recommendations: list[RecommendationView]) -> None:
    """The review on a narrow terminal: per action its number and agreed action, then who and when,
    then its grade in each round, in words."""
    for rec in recommendations:
        console.print()
        body = Table.grid(padding=(0, 1))
        body.add_column(no_wrap=True)
        body.add_column()
        if not rec.actions:
            body.add_row(Text(str(rec.number), style="bold"), " ".join(rec.text.split()))
            body.add_row("", Text(_without_actions(rec), style="dim"))
        for action in rec.actions:
            body.add_row(Text(action.ref, style="bold"), _what(action))
            who = Text.assemble(("Responsibility: ", "dim"), action.responsibility)
            if action.date_text:
                who.append_text(Text.assemble(("  Due: ", "dim"), " ".join(action.date_text.split())))
            body.add_row("", who)
            grades = (
                Text.assemble((f"{g.round_label}: ", "dim"), grade_cell(g, in_words=True))
                for g in action.trend
            )
            body.add_row("", Text("  ").join(grades))
        console.print(body)


def _print_responses(console: Console, recommendations: list[RecommendationView]) -> None:
    """Each recommendation's executive response, under the review's table."""
    answered = [rec for rec in recommendations if rec.response is not None]
    if not answered:
        return
    console.print()
    for rec in answered:
        assert rec.response is not None
        console.print(Text.assemble((f"Recommendation {rec.number}: ", "bold"), response_line(rec.response)))
    if waiting := [str(rec.number) for rec in recommendations if rec.response is None]:
        console.print(Text(f"No executive response yet: {', '.join(waiting)}.", style="dim"))


def _print_recommendation(console: Console, rec: RecommendationView) -> None:
    console.print(Text.assemble((f"Recommendation {rec.number}", "bold"), (f" ({rec.review_title})", "dim")))
    console.print(plain_words(rec.text), markup=False)
    if not rec.actions and (rec.response is None or rec.response.monitored):
        console.print(Text(messages.STATUS_NO_ACTIONS, style="dim"))
    if rec.response is not None:
        console.print(response_line(rec.response), markup=False)
        if not rec.response.monitored:
            console.print(Text(life_messages.RESPONSE_NOT_MONITORED, style="dim"))
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
        body.add_row("", Text(plain_words(action.agreed_action)))
    else:
        body.add_row(Text(action.ref, style="bold"), Text(plain_words(action.agreed_action)))
    if action.success_measure:
        body.add_row("", Text.assemble(("Success measure: ", "dim"), plain_words(action.success_measure)))
    body.add_row("", Text.assemble(("Responsibility: ", "dim"), action.responsibility))
    if action.date_text:
        body.add_row("", Text.assemble(("Due: ", "dim"), action.date_text))
    for grade in action.trend:
        body.add_row("", Text.assemble((f"{grade.round_label}: ", "dim"), grade_cell(grade, in_words=True)))
    if action.latest_round_label is None:
        body.add_row("", Text("No progress recorded yet.", style="dim"))
        return body
    who = f", by {action.last_recorded_by}" if action.last_recorded_by else ""
    body.add_row(
        "",
        Text.assemble(
            (f"Evidence ({action.latest_round_label}{who}): ", "dim"),
            plain_words(action.latest_evidence or "none"),
        ),
    )
    if action.latest_explanation:
        body.add_row("", Text.assemble(("Explanation: ", "dim"), plain_words(action.latest_explanation)))
    if action.latest_impact:
        body.add_row("", Text.assemble(("Impact: ", "dim"), plain_words(action.latest_impact)))
    return body


def status(
    recommendation: Annotated[
        str | None, typer.Argument(help="A recommendation's number, or words from its text. Default: all.")
    ] = None,
    review: ReviewOption = None,
) -> None:
    """Each action with its owner and its grade in every round."""

    async def work(session: AsyncSession) -> tuple[ReviewOverview | None, list[RecommendationView]]:
        found = await find_review(session, review)
        if recommendation is None:
            overview = await review_overview(session, review_id=found.id)
            return overview, await review_status(session, review_id=found.id)
        # Found as the chat finds it ("wifi", "rec 7", "the appraisal one"); when two or three fit
        # about equally, each is shown.
        understood = await Understanding(synonyms=load_settings().synonyms).understand(
            session, f"status {recommendation}", review_id=found.id
        )
        numbers = list(understood.numbers[:1]) or [
            m.recommendation.number for m in understood.candidates() if m.recommendation.review_id == found.id
        ]
        shown = [
            view
            for number in numbers
            if (view := await recommendation_status(session, review_id=found.id, number=number)) is not None
        ]
        if not shown:
            raise UserFacingError(f"No recommendation of “{found.title}” matches “{recommendation}”.")
        return None, shown

    overview, recommendations = run(work)
    console = terminal()
    if overview is not None:
        _print_overview(console, overview, recommendations)
        _print_responses(console, recommendations)
        return
    for rec in recommendations:
        _print_recommendation(console, rec)
