"""Every card the bot can send, filled from the loaded data, and Microsoft's renderer to look at them.

`scrutiny-bot cards preview -o DIR` writes these as JSON and PNG; tests/test_all_cards.py checks each
against the Adaptive Card 1.5 schema, Teams' size limit and the renderer. The cards come from the
largest review (the longest lists) and its largest recommendation, so the preview shows the worst case.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.package import tracker_links
from bot.settings import Settings
from cards import messages
from cards.actions import notice_card, with_notice, with_refresh
from cards.drafts import (
    draft_card,
    draft_choice_card,
    draft_decided_card,
    draft_edit_card,
    draft_returned_card,
    draft_review_card,
    draft_waits_card,
)
from cards.evidence import choose_action_card
from cards.reminder import after_deadline_card, reminder_card
from cards.responses import response_due_card, responses_card, responses_saved_card
from cards.review import (
    accepted_card,
    decided_card,
    extension_card,
    extension_decided_card,
    extension_told_card,
    return_card,
    returned_card,
    to_review_card,
    unreachable_card,
)
from cards.status import (
    Page,
    action_list_card,
    asked_again,
    overview_card,
    recommendation_card,
    recommendation_choice_card,
    review_choice_card,
)
from cards.summary import summary_card
from cards.update import (
    action_card,
    choice_card,
    grade_card,
    question_card,
    saved_card,
    update_form_card,
)
from cards.update import summary_card as update_summary_card
from cards.welcome import welcome_card
from dialogs.summary import refresh_data, review_summary
from documents.errors import UserFacingError
from documents.grades import Grade
from documents.links import TrackerLinks, recommendation_url
from documents.responses import ExecutiveResponse
from store import queries
from store.models import AgreedAction, Completion, Recommendation
from store.updates import action_for_update
from store.views import (
    ActionForUpdate,
    ActionInReview,
    ActionView,
    DraftAction,
    DraftAnswer,
    DraftState,
    DraftView,
    EvidenceLink,
    ExtensionView,
    RecommendationMatch,
    RecommendationResponse,
    RecommendationView,
    ResponseView,
    ReturnForReview,
    ReturnState,
    ReviewLife,
    ReviewSummary,
    RoundAnswer,
)

RENDERER = Path(__file__).resolve().parents[1] / "tools" / "card-renderer"

# A Teams user id, for the cards that carry a refresh.
EXAMPLE_VIEWER = "29:1example-officer"


RETURNED_BECAUSE = "A promise, not evidence: say what has been done."


async def _largest_review(session: AsyncSession, known: list[ReviewSummary]) -> ReviewSummary:
    sizes = dict(
        (
            await session.execute(
                select(Recommendation.review_id, func.count(AgreedAction.id))
                .join(AgreedAction.recommendation)
                .group_by(Recommendation.review_id)
            )
        ).all()
    )
    return max(known, key=lambda r: (sizes.get(r.id, 0), -r.id))


def _largest(recommendations: list[RecommendationView]) -> RecommendationView:
    return max(
        recommendations,
        key=lambda r: (len(r.actions), sum(len(a.latest_evidence or "") for a in r.actions), -r.number),
    )


def _answer(action: ActionView) -> RoundAnswer | None:
    if action.latest_round_label is None:
        return None
    return RoundAnswer(
        round_label=action.latest_round_label,
        evidence=action.latest_evidence or "",
        grade=action.latest_grade,
        explanation=action.latest_explanation,
        impact=action.latest_impact,
        recorded_at=action.last_recorded_at or datetime.now(UTC),
        recorded_by=action.last_recorded_by,
    )


async def _for_update(session: AsyncSession, action: ActionView, review: ReviewSummary) -> ActionForUpdate:
    """The action as an officer answers it; when no round is open, as if the next one were."""
    try:
        return await action_for_update(session, action_id=action.id)
    except UserFacingError:
        round_ = review.open_round or (review.rounds[-1] if review.rounds else None)
        return ActionForUpdate(
            action_id=action.id,
            review_id=action.review_id,
            review_title=action.review_title,
            recommendation_number=action.recommendation_number,
            recommendation_text=action.recommendation_text,
            position=action.position,
            group=action.group,
            agreed_action=action.agreed_action,
            success_measure=action.success_measure,
            date_text=action.date_text,
            responsibility=action.responsibility,
            round_id=round_.id if round_ else 0,
            round_label=round_.label if round_ else "Next round",
            deadline=round_.deadline if round_ else None,
            last_round=_answer(action),
            current=None,
        )


async def card_gallery(
    session: AsyncSession, *, settings: Settings, today: date
) -> dict[str, dict[str, Any]]:
    """Each kind of card the bot sends, by name, from the loaded data."""
    from bot.features import build_registry  # the command list for the welcome card; loads botbuilder
    from store.db import Database

    known = await queries.reviews(session)
    if not known:
        raise UserFacingError("There are no reviews yet. Import a plan first: scrutiny-bot import FILE")
    review = await _largest_review(session, known)
    overview = await queries.review_overview(session, review_id=review.id)
    recommendations = await queries.review_status(session, review_id=review.id)
    actions = [a for r in recommendations for a in r.actions]
    if not actions:  # only committees' reports imported: the cards about actions have nothing to show
        raise UserFacingError(
            f"“{review.title}” has no agreed actions yet, and most cards show actions. Import a plan or a "
            "progress update first: scrutiny-bot import FILE"
        )
    biggest = _largest(recommendations)
    shown_round = review.open_round or (review.rounds[-1] if review.rounds else None)
    missing = await queries.missing_updates(
        session, review_id=review.id, round_id=shown_round.id if shown_round else None
    )
    owner_id, _ = Counter(pid for a in actions for pid in a.owner_ids).most_common(1)[0]
    owned = await queries.actions_owned_by(session, person_id=owner_id)
    owner = next(
        name for a in owned for pid, name in zip(a.owner_ids, a.owners, strict=False) if pid == owner_id
    )
    page = Page(question="status", review_id=review.id)
    # Every card gets its "Open the tracker", even without a public address: the link to this host.
    links = TrackerLinks(base=settings.link_base, tab_app_id=tracker_links(settings).tab_app_id)
    label = shown_round.label if shown_round else "the next round"

    cards: dict[str, dict[str, Any]] = {
        # As a refresh answers an officer: their buttons, the card's link, and its refresh.
        "status-recommendation": asked_again(
            recommendation_card(
                biggest,
                updatable={a.id for a in biggest.actions if not a.done},
                page=page,
                link=recommendation_url(
                    settings.link_base, review_id=biggest.review_id, number=biggest.number
                ),
            ),
            page,
            [EXAMPLE_VIEWER],
        ),
        # With "Open the tracker", as a bot with a public address (SCRUTINY_PUBLIC_URL) sends it.
        "status-overview": overview_card(
            overview,
            page=page,
            tracker=links.url(review_id=overview.id, title=overview.title, published=overview.published),
        ),
        "status-slipped": action_list_card(
            messages.STATUS_SLIPPED_TITLE,
            [a for a in actions if a.latest_grade is Grade.SLIPPED],
            page=page,
            subtitle=review.title,
            empty=messages.STATUS_SLIPPED_NONE,
        ),
        "status-missing": action_list_card(
            messages.STATUS_MISSING_TITLE.format(round=label),
            missing,
            page=page,
            subtitle=review.title,
            empty=messages.STATUS_MISSING_NONE.format(round=label),
        ),
        "status-overdue": action_list_card(
            messages.STATUS_OVERDUE_TITLE,
            await queries.overdue_actions(session, review_id=review.id, today=today),
            page=page,
            subtitle=review.title,
            empty=messages.STATUS_OVERDUE_NONE,
        ),
        "status-my-actions": action_list_card(
            messages.STATUS_MY_ACTIONS_TITLE,
            owned,
            page=page,
            subtitle=owner,
            empty=messages.STATUS_MY_ACTIONS_NONE,
        ),
        "status-choose-recommendation": recommendation_choice_card(
            [
                RecommendationMatch(
                    id=r.id, review_id=r.review_id, review_title=r.review_title, number=r.number, text=r.text
                )
                for r in recommendations[:5]
            ]
        ),
        "status-choose-review": review_choice_card(known, question="status"),
    }

    view = await _for_update(session, biggest.actions[0], review)
    draft = DraftAnswer(
        evidence=biggest.actions[0].latest_evidence or "Work has begun.",
        grade=Grade.SLIPPED,
        explanation="A supplier withdrew; a new one starts next month.",
    )
    saved = RoundAnswer(
        round_label=view.round_label,
        evidence=draft.evidence,
        grade=draft.grade,
        explanation=draft.explanation,
        impact=None,
        recorded_at=datetime.now(UTC),
        recorded_by=owner,
    )
    cards |= {
        "update-action": action_card(view),
        "update-question": question_card(
            "**Evidence of impact**: what difference has it made so far?", [("Skip", "skip")]
        ),
        "update-choose-recommendation": choice_card(
            "Which recommendation?", [(str(r.number), f"Recommendation {r.number}") for r in recommendations]
        ),
        "update-grade": grade_card(
            f"**Assessment of progress** for {view.round_label}: how would you grade it?"
        ),
        "update-confirm": update_summary_card(view, draft),
        "update-saved": saved_card(view, saved),
        # The saved card as an Action.Execute answers the Save of an answer to a return: what the bot
        # said, at its top.
        "update-saved-in-place": with_notice(
            saved_card(view.model_copy(update={"answers_return": RETURNED_BECAUSE}), saved),
            [
                messages.SAVED_RESUBMITTED.format(
                    action=view.name, grade="Slipped", round_label=view.round_label
                )
            ],
        ),
        "notice": notice_card([messages.RECOMMENDATION_GONE.format(number=99)]),
        "update-form": update_form_card(view, form_id="0" * 32, max_text_length=settings.max_text_length),
    }

    # The update card's action, as the scrutiny officer would read its return.
    waiting = ReturnForReview(
        **view.model_dump(
            include={*ActionInReview.model_fields, "success_measure", "round_id", "round_label"}
        ),
        update_id=0,
        answer=saved,
        last_round=view.last_round,
        state=ReturnState.WAITING,
        reason=None,
        returned_before=RETURNED_BECAUSE,
        current=True,
        evidence_links=[
            EvidenceLink(
                kind="file", name="Staff survey [final].xlsx", url="https://example.org/survey.xlsx"
            ),
            EvidenceLink(kind="message", name="Teams message from Liz Purdy", url="https://example.org/m/1"),
        ],
    )
    extension = ExtensionView(
        request_id=0,
        action_id=view.action_id,
        review_id=view.review_id,
        review_title=view.review_title,
        recommendation_number=view.recommendation_number,
        position=view.position,
        agreed_action=view.agreed_action,
        current_date=view.date_text or "September 2019",
        asked_date="March 2021",
        reason="Both community venues closed until the new year.",
        asked_by=owner,
        asked_by_id=None,
        asked_at=datetime.now(UTC),
        approved=None,
        decision_reason=None,
        decided_by=None,
    )
    returned = waiting.model_copy(update={"state": ReturnState.RETURNED, "reason": "Slipped, but why?"})
    cards |= {
        "review-return": return_card(waiting),
        "review-decided": decided_card(returned),
        "review-returned": returned_card(returned, reviewer="The scrutiny officer"),
        "review-accepted": accepted_card([(waiting, None), (waiting, "Liz Purdy")]),
        "review-to-review": to_review_card(round_label=view.round_label, items=[waiting] * 5),
        "review-extension": extension_card(extension),
        "review-extension-decided": extension_decided_card(
            extension.model_copy(update={"approved": False, "decision_reason": "Use the library meanwhile."})
        ),
        "review-extension-told": extension_told_card(extension.model_copy(update={"approved": True})),
        "review-unreachable": unreachable_card(
            name="Mark Freeman",
            about=messages.RETURNED_SUMMARY.format(
                round="September 2020", name=view.name, reason="A promise, not evidence."
            ),
        ),
        "evidence-choose-action": choose_action_card(
            [(a.id, f"{a.ref}: {a.agreed_action}") for a in actions[:12]]
            or [(0, "Recommendation 1, action 1")]
        ),
    }

    registry = build_registry(Database("sqlite://"), settings)
    cards["welcome"] = welcome_card(commands=registry.help_entries())
    summary = await review_summary(session, review=review, since=datetime.now(UTC) - timedelta(days=7))
    again = refresh_data(review.id, since=summary.since, weekly=True)
    tracker = links.url(review_id=review.id, title=review.title, published=summary.published)
    cards["summary"] = with_refresh(summary_card(summary, tracker=tracker), again, [EXAMPLE_VIEWER])
    # One officer's own copy, as Teams' refresh brings it: Update on each of theirs.
    yours = [a for a in summary.asked_now if owner_id in a.owner_ids] or summary.asked_now[:3]
    cards["summary-yours"] = with_refresh(summary_card(summary, yours=yours), again, [EXAMPLE_VIEWER])
    # A review complete, with its outcome: as status and the summary show it from then on.
    complete = ReviewLife(
        agreed_on=today,
        next_round_on=None,
        completed_on=today,
        completed_how=Completion.SIGNED_OFF,
        accepted=len(overview.recommendations),
        achieved=sum(r.done for r in overview.recommendations),
        not_achieved=sum(not r.done for r in overview.recommendations),
    )
    cards["status-overview-complete"] = overview_card(
        overview.model_copy(update={"life": complete}), page=page
    )
    cards["summary-complete"] = summary_card(summary.model_copy(update={"life": complete}))
    # The executive's response: the form half answered (one not accepted), once saved, its reminder.
    answered = [
        RecommendationResponse(
            number=r.number,
            text=r.text,
            response=ResponseView(
                response=ExecutiveResponse.NOT_ACCEPTED, reason="Done elsewhere.", date=today
            )
            if i == 1
            else None,
        )
        for i, r in enumerate(recommendations)
    ]
    cards["responses"] = responses_card(
        review_id=review.id, review_title=review.title, recommendations=answered, today=today
    )
    cards["responses-saved"] = responses_saved_card(review_title=review.title, recommendations=answered)
    cards["response-due"] = response_due_card(
        review_id=review.id, review_title=review.title, due=today, waiting=answered
    )
    cards |= _drafting_cards(biggest, recommendations, today=today)
    deadline = (shown_round.deadline if shown_round else None) or today
    cards["reminder"] = reminder_card(
        review_title=review.title,
        round_label=label,
        deadline=deadline,
        actions=[a for a in missing if owner_id in a.owner_ids] or missing[:3],
    )
    cards["after-deadline"] = after_deadline_card(
        review_title=review.title, round_label=label, deadline=deadline, actions=missing
    )
    return cards


def _draft_of(recommendation: RecommendationView, *, state: DraftState | None, today: date) -> DraftView:
    return DraftView(
        review_id=recommendation.review_id,
        review_title=recommendation.review_title,
        recommendation_id=recommendation.id,
        number=recommendation.number,
        text=recommendation.text,
        response=recommendation.response,
        state=state,
        reason="Say which libraries first, and by when each." if state is DraftState.RETURNED else None,
        sent_by="Lorraine Dixon",
        sent_at=datetime.combine(today, time(9), tzinfo=UTC),
        agreed_on=None,
        actions=[DraftAction.model_validate(a, from_attributes=True) for a in recommendation.actions],
    )


def _drafting_cards(
    biggest: RecommendationView, recommendations: list[RecommendationView], *, today: date
) -> dict[str, dict[str, Any]]:
    """Drafting the plan, with the largest recommendation's actions as its draft: returned, waiting."""
    returned = _draft_of(biggest, state=DraftState.RETURNED, today=today)
    waiting = _draft_of(biggest, state=DraftState.WAITING, today=today)
    return {
        "draft": draft_card(returned),
        "draft-edit": draft_edit_card(returned, returned.actions[0].id),
        "draft-frozen": draft_card(waiting.model_copy(update={"agreed_on": today})),
        "draft-choice": draft_choice_card([_draft_of(r, state=None, today=today) for r in recommendations]),
        "draft-review": draft_review_card(waiting),
        "draft-decided": draft_decided_card(returned),
        "draft-returned": draft_returned_card(returned, reviewer="Sam Scrutiny"),
        "draft-waits": draft_waits_card(waiting),
    }


def renderer_ready() -> bool:
    return bool(shutil.which("node")) and (RENDERER / "node_modules" / "adaptivecards").is_dir()


def can_install_renderer() -> bool:
    return bool(shutil.which("node")) and bool(shutil.which("npm"))


def install_renderer() -> str | None:
    """Run tools/card-renderer/install.sh (its npm packages; Chromium too, as root). None when the
    renderer is ready after it; else the installer's last words on why not."""
    try:
        installed = subprocess.run(
            [str(RENDERER / "install.sh")], capture_output=True, text=True, timeout=900, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return type(error).__name__
    if installed.returncode == 0 and renderer_ready():
        return None
    said = [line.strip() for line in (installed.stderr + installed.stdout).splitlines() if line.strip()]
    return said[-1] if said else f"exit status {installed.returncode}"


def render(cards: dict[str, dict[str, Any]], out_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """OUT_DIR/NAME.png per card, drawn by Microsoft's renderer with Teams' host config in headless
    Chromium; every parse or validation event it reported, per card (none: the card is clean)."""
    named = [{"name": name, "card": card} for name, card in cards.items()]
    rendered = subprocess.run(
        ["node", str(RENDERER / "render.mjs"), str(out_dir)],
        input=json.dumps(named),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return {result["name"]: result["events"] for result in json.loads(rendered.stdout)}
