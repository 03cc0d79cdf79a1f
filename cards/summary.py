"""The weekly summary card: one per review, for the channel (and "summary" on demand).

Sections, in the order a chair reads them: the open round's grade counts with the distribution bar
(cards/charts.py), what changed since the last summary (new updates; grades up ↑ or down ↓), what is
Slipped or Not Achieved and who owns it, and which actions still lack an update, grouped by owner.
Owners whose Teams (AAD) id we know are @mentioned (Teams needs `<at>Name</at>` in the text and a
matching msteams mention entity); anyone else, and groups such as the Digital Services Group, by name.

Always under Teams' 28 KB: long lists are cut to a few lines with "and N more — say “missing” to see
them all", fewer lines the bigger the council, until the card fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    Mention,
    MentionedEntity,
    RichTextBlock,
    TeamsCardProperties,
    TextBlock,
)
from pydantic import BaseModel, ConfigDict

from cards import messages
from cards.actions import execute, tracker_button
from cards.charts import grade_distribution
from cards.grades import grade_words
from cards.life import life_lines
from cards.size import CARD_BYTE_LIMIT, card_bytes
from cards.text import one_line, runs
from cards.update import open_update_data
from documents.grades import Grade
from store.views import ActionView, ChangeView, GradeCounts, ImportedRound, ReviewLife

# One review's summary as it is now: {"review_id", "since", "weekly"}.
SUMMARY_REFRESH_VERB = "summary_refresh"

# Lines per list before "and N more"; halved until the card fits.
LIST_LINES = (12, 6, 3, 1)
ACTION_TEXT = 90  # characters of an agreed action shown beside its number


class Owner(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    aad_object_id: str | None = None  # known once they have spoken to the bot: then @mentioned
    is_group: bool = False


class SummaryView(BaseModel):
    """Everything one review's summary shows, gathered by dialogs/summary.py."""

    model_config = ConfigDict(frozen=True)

    review_title: str
    round_label: str | None  # the open round, else the latest; None before any round
    round_open: bool
    deadline: date | None
    counts: GradeCounts | None
    since: datetime
    changes: list[ChangeView]  # what people recorded
    slipped: list[ActionView]  # latest grade Slipped or Not Achieved, not done
    missing: list[ActionView]  # no update yet for the open round
    owners: dict[int, Owner]  # person id -> how to name them
    waiting: list[ActionView] = []  # their open round's return waits for the scrutiny officer
    returned: list[ActionView] = []  # ... was returned to its officer, to answer again
    asked_now: list[ActionView] = []  # not done, asked about in the open round: someone may update them
    life: ReviewLife | None = None  # complete, or when its next round opens
    imported: list[ImportedRound] = []  # rounds brought in from a document: one line each
    published: bool = False  # its public tracker is on the web


def day(moment: date | datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def _block(text: str, **style: Any) -> dict[str, Any]:
    block = TextBlock(text=text, wrap=True, **style)
    return block.model_dump(mode="json", by_alias=True, exclude_none=True)  # type: ignore[no-any-return]


def plain(*parts: tuple[str, bool], spacing: str = "Small") -> dict[str, Any]:
    """Text from the plan or from people, in TextRuns, which Teams never reads as Markdown, with the
    plan's own markup drawn: a "*My Stockton*" in an agreed action in italics. Each part is (text, bold)."""
    inlines = [run for text, bold in parts if text for run in runs(text, len(text), bold=bold)]
    block = RichTextBlock(inlines=inlines, spacing=spacing)  # type: ignore[arg-type]
    return block.model_dump(mode="json", by_alias=True, exclude_none=True)  # type: ignore[no-any-return]


def _heading(text: str) -> dict[str, Any]:
    return _block(text, weight="Bolder", size="Medium", spacing="Medium", separator=True)


class _Mentions:
    """Names for the card's text, collecting the mention entities Teams needs beside them."""

    def __init__(self, owners: dict[int, Owner]) -> None:
        self._owners = owners
        self.entities: dict[str, Mention] = {}

    def name(self, person_id: int | None, fallback: str, *, mention: bool) -> str:
        owner = self._owners.get(person_id) if person_id is not None else None
        if owner is None or owner.is_group or not owner.aad_object_id or not mention:
            return fallback if owner is None else owner.name
        text = f"<at>{owner.name}</at>"
        self.entities[owner.aad_object_id] = Mention(
            text=text, mentioned=MentionedEntity(id=owner.aad_object_id, name=owner.name)
        )
        return text

    def names(self, action: ActionView, *, mention: bool) -> str:
        if not action.owner_ids:
            return action.responsibility
        named = [
            self.name(pid, name, mention=mention)
            for pid, name in zip(action.owner_ids, action.owners, strict=True)
        ]
        return ", ".join(named)


def _more(shown: int, total: int, say: str) -> list[dict[str, Any]]:
    if total <= shown:
        return []
    return [
        _block(messages.SUMMARY_MORE.format(count=total - shown, say=say), is_subtle=True, spacing="Small")
    ]


def _arrow(change: ChangeView) -> str:
    if change.fully_achieved_carried:
        return messages.SUMMARY_CARRIED
    new = grade_words(change.new_grade) if change.new_grade is not None else messages.SUMMARY_NO_GRADE
    if change.previous_grade is None or change.new_grade is None:
        return new
    before = grade_words(change.previous_grade)
    if change.new_grade < change.previous_grade:  # 1 Fully Achieved is best
        return f"{before} → {new} ↑"
    if change.new_grade > change.previous_grade:
        return f"{before} → {new} ↓"
    return messages.SUMMARY_UNCHANGED.format(grade=new)


def _changes(view: SummaryView, lines: int) -> list[dict[str, Any]]:
    elements = [_heading(messages.SUMMARY_CHANGES_HEADING.format(since=day(view.since)))]
    for imported in view.imported:
        one = imported.actions == 1
        line = messages.SUMMARY_IMPORTED_LINE.format(round=imported.round_label, count=imported.actions)
        elements.append(
            _block(line + (messages.SUMMARY_IMPORTED_UPDATE if one else messages.SUMMARY_IMPORTED_UPDATES))
        )
    if not view.changes:
        if view.imported:
            return elements
        return [*elements, _block(messages.SUMMARY_NO_CHANGES, is_subtle=True)]
    for change in view.changes[:lines]:
        who = f" ({change.recorded_by})" if change.recorded_by else ""
        line = messages.SUMMARY_CHANGE_LINE.format(round=change.round_label, grade=_arrow(change), who=who)
        elements.append(plain((change.action.ref, True), (" " + line, False)))
    return elements + _more(lines, len(view.changes), messages.SUMMARY_SAY_STATUS)


def _slipped(view: SummaryView, mentions: _Mentions, lines: int) -> list[dict[str, Any]]:
    elements = [_heading(messages.SUMMARY_SLIPPED_HEADING)]
    if not view.slipped:
        return [*elements, _block(messages.SUMMARY_NONE_SLIPPED, is_subtle=True)]
    for action in view.slipped[:lines]:
        line = messages.SUMMARY_SLIPPED_LINE.format(
            grade=grade_words(action.latest_grade),
            owners=mentions.names(action, mention=False),
            action=one_line(action.agreed_action, ACTION_TEXT),
        )
        elements.append(plain((action.ref, True), (" " + line, False)))
    return elements + _more(lines, len(view.slipped), messages.SUMMARY_SAY_SLIPPED)


def _missing(view: SummaryView, mentions: _Mentions, lines: int) -> list[dict[str, Any]]:
    if not view.round_open:
        return [_heading(messages.SUMMARY_MISSING_HEADING_CLOSED), _block(messages.SUMMARY_NO_OPEN_ROUND)]
    elements = [_heading(messages.SUMMARY_MISSING_HEADING.format(round=view.round_label))]
    if not view.missing:
        return [*elements, _block(messages.SUMMARY_NONE_MISSING, is_subtle=True)]
    # By owner: each person reads one line with their own actions, and is mentioned once.
    by_owner: dict[tuple[int | None, str], list[str]] = {}
    shared = {action.ref: action.owners for action in view.missing if len(action.owners) > 1}
    for action in view.missing:
        owners: list[tuple[int | None, str]] = list(zip(action.owner_ids, action.owners, strict=True))
        owners = owners or [(None, action.responsibility)]
        for person_id, name in owners:
            by_owner.setdefault((person_id, name), []).append(action.ref)
    for (person_id, name), refs in list(by_owner.items())[:lines]:
        refs = [_shared(ref, name, shared) for ref in refs]
        who = mentions.name(person_id, name, mention=True)
        elements.append(
            _block(messages.SUMMARY_MISSING_LINE.format(owner=who, refs=", ".join(refs)), spacing="Small")
        )
    return elements + _more(lines, len(by_owner), messages.SUMMARY_SAY_MISSING)


def _shared(ref: str, owner: str, shared: dict[str, list[str]]) -> str:
    """ "13.1 (with Liz Purdy)": an action several own is listed under each, and says so."""
    others = [name for name in shared.get(ref, []) if name != owner]
    return messages.SUMMARY_SHARED.format(ref=ref, others=", ".join(others)) if others else ref


def _round_line(view: SummaryView) -> str:
    if view.round_label is None:
        return messages.SUMMARY_NO_ROUNDS
    if not view.round_open:
        return messages.SUMMARY_LATEST_ROUND.format(round=view.round_label)
    if view.deadline is None:
        return messages.SUMMARY_OPEN_ROUND.format(round=view.round_label)
    return messages.SUMMARY_OPEN_ROUND_DUE.format(round=view.round_label, deadline=day(view.deadline))


def _yours(yours: Sequence[ActionView], lines: int) -> list[dict[str, Any]]:
    """The viewer's own actions, each with its Update button: on their refreshed copy only."""
    if not yours:
        return []
    elements = [_heading(messages.SUMMARY_YOURS_HEADING)]
    for action in yours[:lines]:
        button = execute(
            title=messages.STATUS_UPDATE_BUTTON.format(ref=action.ref), data=open_update_data(action.id)
        )
        elements.append(plain((action.ref, True), (" " + one_line(action.agreed_action, ACTION_TEXT), False)))
        elements.append(
            ActionSet(actions=[button], spacing="Small").model_dump(
                mode="json", by_alias=True, exclude_none=True
            )
        )
    return elements + _more(lines, len(yours), messages.SUMMARY_SAY_MY_ACTIONS)


def _build(
    view: SummaryView, lines: int, *, weekly: bool, yours: Sequence[ActionView], tracker: str | None
) -> dict[str, Any]:
    mentions = _Mentions(view.owners)
    title = messages.SUMMARY_TITLE_WEEKLY if weekly else messages.SUMMARY_TITLE
    body: list[dict[str, Any]] = [
        _block(title.format(review=view.review_title), weight="Bolder", size="Large"),
        _block(_round_line(view), is_subtle=True, spacing="None"),
    ]
    body += [_block(line, spacing="Small") for line in life_lines(view.life)]
    if view.counts is not None:
        body.extend(grade_distribution(view.counts))
    if view.waiting or view.returned:
        # Who each went back to: the officer who recorded it, not every joint owner of the action.
        owners = sorted({action.last_recorded_by or action.responsibility for action in view.returned})
        line = messages.SUMMARY_REVIEW_LINE.format(
            waiting=len(view.waiting),
            returned=len(view.returned),
            owners=messages.SUMMARY_RETURNED_TO.format(names=", ".join(owners)) if owners else "",
        )
        body.append(_block(line, spacing="Medium"))
    body += _yours(yours, lines)
    body += _changes(view, lines) + _slipped(view, mentions, lines) + _missing(view, mentions, lines)
    body += tracker_button(tracker)
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": body,
    }
    teams = TeamsCardProperties(width="full", entities=list(mentions.entities.values()) or None)
    card["msteams"] = teams.model_dump(mode="json", by_alias=True, exclude_none=True)
    return card


def summary_card(
    view: SummaryView, *, weekly: bool = True, yours: Sequence[ActionView] = (), tracker: str | None = None
) -> dict[str, Any]:
    """The review's summary as an Adaptive Card (1.5), always small enough to post to Teams; with
    `yours`, an officer's own copy, with Update on each of their actions; with `tracker` (its address,
    documents/links.tracker_url), "Open the tracker" at its foot."""
    for lines in LIST_LINES:
        card = _build(view, lines, weekly=weekly, yours=yours, tracker=tracker)
        if card_bytes(card) < CARD_BYTE_LIMIT:
            return card
    return card


def grade_order(actions: Sequence[ActionView]) -> list[ActionView]:
    """Not Achieved before Slipped, then in plan order."""
    return sorted(actions, key=lambda a: -(a.latest_grade or Grade.FULLY_ACHIEVED))
