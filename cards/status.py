"""Status cards: a recommendation with its actions' grades over time, a review at a glance, and lists.

Pure functions of the read models in store/views.py. Text from plans and updates is shown in TextRuns,
which Adaptive Cards never read as Markdown, so what people typed appears exactly as typed. Every card
stays under Teams' message size limit: long lists are paged ("Next 20"), long texts trimmed with "…",
and a full text kept one tap away is trimmed too, saying so, when a council's data would not fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from microsoft_teams.cards import (
    Action,
    ActionSet,
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    Column,
    ColumnSet,
    Container,
    ExecuteAction,
    Fact,
    FactSet,
    RichTextBlock,
    TextBlock,
    ToggleVisibilityAction,
)
from pydantic import BaseModel

from cards import life_messages, messages
from cards.actions import execute, tracker_button, with_refresh
from cards.charts import NOT_ASSESSED_STYLE, grade_distribution
from cards.evidence import evidence_links_block
from cards.grades import look
from cards.life import life_lines
from cards.size import CARD_BYTE_LIMIT, card_bytes, fitted, trimmed
from cards.text import marked
from cards.update import open_update_data
from documents.grades import Grade
from store.views import (
    ActionView,
    RecommendationMatch,
    RecommendationSummary,
    RecommendationView,
    ResponseView,
    ReturnState,
    ReviewOverview,
    ReviewSummary,
    RoundGrade,
)

STATUS_PAGE_VERB = "status_page"  # a question asked again, at another page: {"question", "page", "review_id"}
STATUS_REVIEW_VERB = "status_review"  # the review a question is about: {"review_id", "question"}
STATUS_RECOMMENDATION_VERB = "status_recommendation"  # one recommendation: {"review_id", "number"}

PAGE_SIZE = 20  # lines of a list or an overview per card
ACTIONS_PER_CARD = 6  # actions of one recommendation per card
ROUNDS_PER_ROW = 4  # trend cells side by side: "Not Achieved" still fits on a phone
EVIDENCE_PREVIEW = 280  # characters of the latest evidence shown before "Show all"
FULL_TEXT_LIMITS = (6_000, 3_000, 1_500, 600)  # the full evidence, shortened until the card fits
PICK_LIST_SIZE = 5
BADGE_WIDTH = "124px"  # "Fully Achieved" on one line; the same for every row, so texts line up
LINE_TEXT = 90  # characters of a recommendation or an action on a one-line row


def page_data(question: str, *, page: int, review_id: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"verb": STATUS_PAGE_VERB, "question": question, "page": page}
    if review_id is not None:
        data["review_id"] = review_id
    return data


def review_data(review_id: int, *, question: str) -> dict[str, Any]:
    return {"verb": STATUS_REVIEW_VERB, "review_id": review_id, "question": question}


def recommendation_data(review_id: int, number: int) -> dict[str, Any]:
    return {"verb": STATUS_RECOMMENDATION_VERB, "review_id": review_id, "number": number}


class Page(BaseModel):
    """Which slice of a long answer this card shows, and the question that asks for the next one."""

    question: str
    number: int = 1
    review_id: int | None = None


def asked_again(card: dict[str, Any], page: Page, viewers: Sequence[str]) -> dict[str, Any]:
    """The card, refreshed by Teams when one of `viewers` looks at it, by asking its question again:
    a two-week-old card shows today's grades."""
    return with_refresh(card, page_data(page.question, page=page.number, review_id=page.review_id), viewers)


# --- building blocks ---


def plain(
    text: str, limit: int, *, subtle: bool = False, bold: bool = False, small: bool = False
) -> RichTextBlock:
    """Text as written, the plan's markup drawn (cards/text.py)."""
    return marked(text, limit, subtle=subtle, bold=bold, small=small)


def _heading(text: str) -> TextBlock:
    return TextBlock(text=text, size="Large", weight="Bolder", wrap=True)


def _subheading(text: str) -> TextBlock:
    return TextBlock(text=text, weight="Bolder", wrap=True, spacing="Medium")


def _note(text: str) -> TextBlock:
    return TextBlock(text=text, size="Small", is_subtle=True, wrap=True, spacing="Small")


def grade_badge(grade: Grade | None, *, done: bool = False, words: str | None = None) -> Column:
    """The grade's words on its colour, as a cell at the end of a row: readable on any background,
    where coloured words (yellow "Slipped" on white) are not. `words` say something else than a grade."""
    shown = look(Grade.FULLY_ACHIEVED if done else grade)
    return Column(
        width=BADGE_WIDTH,
        style=shown.style if grade is not None or done else NOT_ASSESSED_STYLE,
        vertical_content_alignment="Center",
        items=[
            TextBlock(
                text=words or shown.words,
                size="Small",
                weight="Bolder",
                wrap=True,
                horizontal_alignment="Center",
            )
        ],
    )


def plan_text(text: str, limit: int, *, subtle: bool = False) -> RichTextBlock:
    """Text from a plan, with its emphasis (trimmed to `limit` characters with "…")."""
    return marked(text, limit, subtle=subtle)


def response_line(response: ResponseView) -> str:
    """ "Executive response: Accepted (1 May 2019): reason"."""
    return life_messages.RESPONSE_LINE.format(
        response=life_messages.RESPONSE_CHOICES[response.response.value],
        date=f" ({day_of(response.date)})" if response.date else "",
        reason=f": {response.reason}" if response.reason else "",
    )


def day_of(when: date) -> str:
    """ "1 May 2019"."""
    return f"{when.day} {when:%B %Y}"


# Beside a grade whose return the scrutiny officer has not accepted (yet).
REVIEW_MARKS = {
    ReturnState.WAITING: messages.REVIEW_STATE_WAITING,
    ReturnState.RETURNED: messages.REVIEW_STATE_RETURNED,
}


def short_round(label: str) -> str:
    """ "March 2020" -> "Mar 2020": four of them side by side fit a phone."""
    month, _, year = label.partition(" ")
    return f"{month[:3]} {year}".strip()


def _trend_cell(grade: RoundGrade) -> Column:
    if grade.fully_achieved_carried:
        shown, words = look(Grade.FULLY_ACHIEVED), messages.STATUS_DONE_EARLIER
    else:
        shown = look(grade.grade)
        words = shown.words if grade.grade is not None else messages.STATUS_NO_GRADE
    items: list[CardElement] = [
        TextBlock(text=short_round(grade.round_label), size="Small", is_subtle=True, wrap=True),
        TextBlock(text=words, size="Small", weight="Bolder", wrap=True, spacing="None"),
    ]
    if grade.review in REVIEW_MARKS:  # accepted ones, the committee's, need no word
        items.append(TextBlock(text=REVIEW_MARKS[grade.review], size="Small", wrap=True, spacing="None"))
    return Column(
        width=1.0,
        style=NOT_ASSESSED_STYLE if grade.grade is None and not grade.fully_achieved_carried else shown.style,
        spacing="Small",
        items=items,
    )


def trend(grades: Sequence[RoundGrade]) -> list[CardElement]:
    """The action's grade in every round, oldest first, in rows of four coloured cells."""
    rows: list[CardElement] = []
    for start in range(0, len(grades), ROUNDS_PER_ROW):
        cells = [_trend_cell(g) for g in grades[start : start + ROUNDS_PER_ROW]]
        # Empty cells keep every row's cells the same width, so rounds line up.
        cells += [Column(width=1.0, spacing="Small") for _ in range(ROUNDS_PER_ROW - len(cells))]
        rows.append(ColumnSet(columns=cells, spacing="Small"))
    return rows


def _pager(page: Page, *, shown_from: int, shown_to: int, total: int, size: int) -> list[CardElement]:
    if total <= size and page.number == 1:
        return []
    buttons: list[Action] = []
    if page.number > 1:
        buttons.append(
            execute(
                title=messages.STATUS_PREVIOUS.format(count=size),
                data=page_data(page.question, page=page.number - 1, review_id=page.review_id),
            )
        )
    if shown_to < total:
        buttons.append(
            execute(
                title=messages.STATUS_NEXT.format(count=min(size, total - shown_to)),
                data=page_data(page.question, page=page.number + 1, review_id=page.review_id),
            )
        )
    elements: list[CardElement] = [
        _note(messages.STATUS_SHOWING.format(first=shown_from, last=shown_to, total=total))
    ]
    if buttons:
        elements.append(ActionSet(actions=buttons))
    return elements


def _slice(items: Sequence[Any], page: Page, size: int) -> tuple[list[Any], int, Page]:
    """The items on this page (the last page if asked past the end), its first index, the page."""
    last_page = max(1, -(-len(items) // size))
    number = min(max(page.number, 1), last_page)
    start = (number - 1) * size
    return list(items[start : start + size]), start, page.model_copy(update={"number": number})


def _dump(body: Sequence[CardElement], actions: Sequence[ExecuteAction] = ()) -> dict[str, Any]:
    card = AdaptiveCard(version="1.5", body=list(body), actions=list(actions) or None)
    dumped: dict[str, Any] = card.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped


# --- one recommendation ---


def _evidence(action: ActionView, full_limit: int) -> list[CardElement]:
    evidence = (action.latest_evidence or "").strip()
    if not evidence:
        return [_note(messages.STATUS_NO_EVIDENCE)]
    label = messages.STATUS_LATEST_EVIDENCE.format(round=action.latest_round_label or "")
    if action.last_recorded_by:
        label = messages.STATUS_LATEST_EVIDENCE_BY.format(
            round=action.latest_round_label or "", who=action.last_recorded_by
        )
    elements: list[CardElement] = [_note(label)]
    if len(evidence) <= EVIDENCE_PREVIEW:
        return [*elements, plain(evidence, EVIDENCE_PREVIEW)]
    short_id, full_id = f"evidence-{action.id}-short", f"evidence-{action.id}-full"
    full: list[CardElement] = [plain(evidence, full_limit)]
    if len(evidence) > full_limit:
        full.append(_note(messages.STATUS_EVIDENCE_SHORTENED.format(length=len(evidence))))
    toggle = [short_id, full_id]
    elements += [
        Container(
            id=short_id,
            spacing="Small",
            items=[
                plain(evidence, EVIDENCE_PREVIEW),
                ActionSet(
                    actions=[ToggleVisibilityAction(title=messages.STATUS_SHOW_ALL, target_elements=toggle)]
                ),
            ],
        ),
        Container(
            id=full_id,
            is_visible=False,
            spacing="Small",
            items=[
                *full,
                ActionSet(
                    actions=[ToggleVisibilityAction(title=messages.STATUS_SHOW_LESS, target_elements=toggle)]
                ),
            ],
        ),
    ]
    return elements


def _action_block(action: ActionView, *, may_update: bool, full_limit: int) -> Container:
    title = messages.STATUS_ACTION_TITLE.format(ref=action.ref)
    # No grade beside the title: the trend below ends with the latest, in the same colours.
    items: list[CardElement] = [TextBlock(text=title, weight="Bolder", wrap=True)]
    if action.group:
        items.append(plain(action.group, 200, subtle=True, small=True))
    items.append(plan_text(action.agreed_action, 600))
    items.append(
        FactSet(
            facts=[
                Fact(title=messages.STATUS_RESPONSIBILITY, value=trimmed(action.responsibility, 200) or "—"),
                Fact(title=messages.STATUS_DATE, value=trimmed(action.date_text, 100) or "—"),
            ],
            spacing="Small",
        )
    )
    items += trend(action.trend)
    items += _evidence(action, full_limit)
    items += evidence_links_block(action.evidence_links)
    if action.latest_explanation and action.latest_grade in (Grade.SLIPPED, Grade.NOT_ACHIEVED):
        items += [_note(messages.STATUS_EXPLANATION), plain(action.latest_explanation, 400)]
    if may_update:
        button = execute(
            title=messages.STATUS_UPDATE_BUTTON.format(ref=action.ref), data=open_update_data(action.id)
        )
        items.append(ActionSet(actions=[button], spacing="Small"))
    return Container(items=items, separator=True, spacing="Large")


def recommendation_card(
    recommendation: RecommendationView,
    *,
    updatable: set[int] | frozenset[int] = frozenset(),
    page: Page,
    link: str | None = None,
) -> dict[str, Any]:
    """Its text, then each action: responsibility, date, its grade in every round, the latest evidence,
    and "Update" on the actions in `updatable` (those the reader may update now); at the foot, its
    `link` to paste anywhere in Teams."""
    actions, start, page = _slice(recommendation.actions, page, ACTIONS_PER_CARD)
    card: dict[str, Any] = {}
    for full_limit in FULL_TEXT_LIMITS:
        body: list[CardElement] = [
            _heading(messages.STATUS_RECOMMENDATION_TITLE.format(number=recommendation.number)),
            plain(recommendation.review_title, 200, subtle=True, small=True),
            plan_text(recommendation.text, 1_500),
        ]
        if recommendation.response is not None:
            body.append(plain(response_line(recommendation.response), 1_000))
        if recommendation.response is not None and not recommendation.response.monitored:
            body.append(_note(life_messages.RESPONSE_NOT_MONITORED))
        elif not recommendation.actions:
            body.append(_note(messages.STATUS_NO_ACTIONS))
        body += [_action_block(a, may_update=a.id in updatable, full_limit=full_limit) for a in actions]
        body += _pager(
            page,
            shown_from=start + 1,
            shown_to=start + len(actions),
            total=len(recommendation.actions),
            size=ACTIONS_PER_CARD,
        )
        if link:
            body.append(_note(messages.STATUS_LINK.format(link=link)))
        card = _dump(body)
        if card_bytes(card) <= CARD_BYTE_LIMIT:
            return card
    return fitted(card)


# --- a review at a glance ---


def _round_line(overview: ReviewOverview) -> str:
    if overview.open_round is not None:
        if overview.open_round.deadline is not None:
            deadline = overview.open_round.deadline
            return messages.STATUS_OPEN_ROUND_DUE.format(
                round=overview.open_round.label, deadline=f"{deadline.day} {deadline:%B %Y}"
            )
        return messages.STATUS_OPEN_ROUND.format(round=overview.open_round.label)
    if overview.counts is not None:
        return messages.STATUS_LATEST_ROUND.format(round=overview.counts.round_label)
    return messages.STATUS_NO_ROUNDS


def _badge_words(line: RecommendationSummary) -> str | None:
    """What a recommendation's line says in place of a grade: not monitored, or no actions yet."""
    if line.response is not None and not line.response.monitored:
        return life_messages.RESPONSE_CHOICES["not_accepted"]
    return None if line.actions else messages.STATUS_NO_ACTIONS_SHORT


def _recommendation_line(review_id: int, line: RecommendationSummary) -> ColumnSet:
    return ColumnSet(
        separator=True,
        spacing="Small",
        select_action=execute(
            title=messages.STATUS_RECOMMENDATION_TITLE.format(number=line.number),
            data=recommendation_data(review_id, line.number),
        ),
        columns=[
            Column(width="28px", items=[TextBlock(text=str(line.number), weight="Bolder")]),
            Column(width="stretch", items=[plan_text(line.text, LINE_TEXT)]),
            grade_badge(line.worst_open_grade, done=line.done, words=_badge_words(line)),
        ],
    )


def overview_card(overview: ReviewOverview, *, page: Page, tracker: str | None = None) -> dict[str, Any]:
    """Counts by grade for the current round, as a picture and in words; then every recommendation on
    one line with its worst open grade (tap one for its status); and "Open the tracker" to the
    review's page on the web, given its address (documents/links.tracker_url)."""
    lines, start, page = _slice(overview.recommendations, page, PAGE_SIZE)
    body: list[CardElement] = [_heading(trimmed(overview.title, 200))]
    if overview.committee:
        body.append(_note(trimmed(overview.committee, 200)))
    body.append(TextBlock(text=_round_line(overview), wrap=True, spacing="Small"))
    body += [TextBlock(text=line, wrap=True, spacing="Small") for line in life_lines(overview.life)]
    if overview.counts is not None:
        body.append(_note(messages.STATUS_ACTION_COUNT.format(count=overview.counts.total)))
        # JSON elements: AdaptiveCard validates them into its own models.
        body += grade_distribution(overview.counts)  # type: ignore[arg-type]
    body.append(_subheading(messages.STATUS_RECOMMENDATIONS_HEADING))
    if not overview.recommendations:
        body.append(_note(messages.STATUS_NO_RECOMMENDATIONS))
    body += [_recommendation_line(overview.id, line) for line in lines]
    body.append(_note(messages.STATUS_TAP_A_LINE))
    body += _pager(
        page,
        shown_from=start + 1,
        shown_to=start + len(lines),
        total=len(overview.recommendations),
        size=PAGE_SIZE,
    )
    card = _dump(body)
    card["body"] += tracker_button(tracker)
    return fitted(card)


# --- lists: slipped, not achieved, missing, overdue, my actions ---


class ListKind(BaseModel):
    title: str  # "Slipped"
    empty: str  # what to say when there are none


def _action_line(action: ActionView, *, deputy: int | None = None) -> ColumnSet:
    """One action in a list; `deputy`'s, when they record it this round for its officer, says so."""
    who = action.responsibility
    if deputy is not None and deputy in action.deputy_ids and deputy not in action.owner_ids:
        who = messages.STATUS_DEPUTY_FOR.format(owners=action.responsibility)
    detail = " · ".join(
        part
        for part in (who, action.date_text, REVIEW_MARKS.get(action.review_state))  # type: ignore[arg-type]
        if part
    )
    return ColumnSet(
        separator=True,
        spacing="Small",
        select_action=execute(
            title=messages.STATUS_RECOMMENDATION_TITLE.format(number=action.recommendation_number),
            data=recommendation_data(action.review_id, action.recommendation_number),
        ),
        columns=[
            Column(width="36px", items=[TextBlock(text=action.ref, weight="Bolder")]),
            Column(
                width="stretch",
                items=[
                    plan_text(action.agreed_action, LINE_TEXT),
                    plain(detail, LINE_TEXT, subtle=True, small=True),
                ],
            ),
            grade_badge(action.latest_grade, done=action.done),
        ],
    )


def action_list_card(
    title: str,
    actions: Sequence[ActionView],
    *,
    page: Page,
    subtitle: str | None = None,
    empty: str,
    deputy: int | None = None,
) -> dict[str, Any]:
    """A compact table: reference, the action with who and when, its latest grade (tap for the
    recommendation). Actions from several reviews are grouped under each review's title; those the
    `deputy` records this round for their officer say so."""
    shown, start, page = _slice(actions, page, PAGE_SIZE)
    body: list[CardElement] = [_heading(messages.STATUS_LIST_TITLE.format(title=title, count=len(actions)))]
    if subtitle:
        body.append(plain(subtitle, 200, subtle=True, small=True))
    if not actions:
        body.append(TextBlock(text=empty, wrap=True))
        return _dump(body)
    several_reviews = len({a.review_id for a in actions}) > 1
    review_id = None
    for action in shown:
        if several_reviews and action.review_id != review_id:
            review_id = action.review_id
            body.append(plain(action.review_title, 200, bold=True))
        body.append(_action_line(action, deputy=deputy))
    body += _pager(
        page, shown_from=start + 1, shown_to=start + len(shown), total=len(actions), size=PAGE_SIZE
    )
    return fitted(_dump(body))


# --- choosing ---


def _stacked(buttons: Sequence[ExecuteAction]) -> list[CardElement]:
    """One button a line: side by side, Teams cuts long titles to "Recom…"."""
    return [ActionSet(actions=[button], spacing="Small") for button in buttons]  # type: ignore[list-item]


def recommendation_choice_card(matches: Sequence[RecommendationMatch]) -> dict[str, Any]:
    """Several recommendations match the words: the best few, each with its button."""
    shown = list(matches[:PICK_LIST_SIZE])
    body: list[CardElement] = [TextBlock(text=messages.STATUS_SEVERAL_MATCH, weight="Bolder", wrap=True)]
    several_reviews = len({m.review_id for m in shown}) > 1
    for match in shown:
        title = messages.STATUS_RECOMMENDATION_TITLE.format(number=match.number)
        entry: list[CardElement] = [TextBlock(text=title, weight="Bolder", wrap=True)]
        if several_reviews:
            entry.append(plain(match.review_title, 200, subtle=True, small=True))
        entry.append(plan_text(match.text, 200))
        button = execute(
            title=messages.STATUS_SHOW_RECOMMENDATION.format(number=match.number),
            data=recommendation_data(match.review_id, match.number),
        )
        body.append(Container(items=[*entry, *_stacked([button])], separator=True, spacing="Medium"))
    return fitted(_dump(body))


def review_choice_card(reviews: Sequence[ReviewSummary], *, question: str) -> dict[str, Any]:
    """Which review the question is about: buttons for a few, a drop-down for many."""
    body: list[CardElement] = [TextBlock(text=messages.STATUS_WHICH_REVIEW, weight="Bolder", wrap=True)]
    if len(reviews) <= PICK_LIST_SIZE:
        buttons = [
            execute(title=trimmed(r.title, 60), data=review_data(r.id, question=question)) for r in reviews
        ]
        return _dump([*body, *_stacked(buttons)])
    body.append(
        ChoiceSetInput(
            id="review_id",
            style="compact",
            is_required=True,
            error_message=messages.STATUS_PICK_A_REVIEW,
            value=str(reviews[0].id),
            choices=[Choice(title=trimmed(r.title, 80), value=str(r.id)) for r in reviews],
        )
    )
    submit = execute(
        title=messages.STATUS_SHOW_BUTTON, data={"verb": STATUS_REVIEW_VERB, "question": question}
    )
    return fitted(_dump(body, [submit]))
