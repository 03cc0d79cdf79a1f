"""The one place features plug in: their commands, card verbs and dialogs. The app builds the registry
here and hands it to the handler; nothing imports it back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botbuilder.dialogs import Dialog, DialogContext

from bot.commands import CommandRegistry
from bot.package import tracker_links
from bot.settings import Settings
from bot.storage import SqlConversationState, SqlStorage
from cards import life_messages, messages
from cards.drafts import (
    ACCEPT_DRAFT_VERB,
    ADD_DRAFT_ACTION_VERB,
    EDIT_DRAFT_ACTION_VERB,
    REMOVE_DRAFT_ACTION_VERB,
    RETURN_DRAFT_VERB,
    SAVE_DRAFT_ACTION_VERB,
    SEND_DRAFT_VERB,
    SHOW_DRAFT_VERB,
)
from cards.responses import SAVE_RESPONSES_VERB, SHOW_RESPONSES_VERB
from cards.review import (
    ACCEPT_RETURN_VERB,
    APPROVE_EXTENSION_VERB,
    REFUSE_EXTENSION_VERB,
    RETURN_RETURN_VERB,
    REVIEW_QUEUE_VERB,
)
from cards.status import STATUS_PAGE_VERB, STATUS_RECOMMENDATION_VERB, STATUS_REVIEW_VERB
from cards.summary import SUMMARY_REFRESH_VERB
from cards.update import OPEN_UPDATE_VERB, SAVE_UPDATE_VERB
from dialogs.asking import Understanding
from dialogs.context import Caller
from dialogs.deputies import DeputyHandlers
from dialogs.drafts import DraftHandlers
from dialogs.evidence import EvidenceHandlers
from dialogs.lifecycle import LifecycleHandlers
from dialogs.responses import ResponseHandlers
from dialogs.review import ReviewHandlers
from dialogs.search import SearchHandlers
from dialogs.status import QUESTIONS, StatusHandlers
from dialogs.summary import SummaryHandlers
from dialogs.update_dialog import UpdateDialog
from dialogs.update_form import UpdateForm
from dialogs.update_handlers import update_handlers
from store.db import Database
from store.evidence import EvidenceRules
from store.models import utcnow
from store.views import RoundPlan


def round_plan(settings: Settings) -> RoundPlan:
    """How an agreed review's rounds are spaced until its own settings say otherwise."""
    return RoundPlan(
        first_after_months=settings.first_round_after_months,
        every_months=settings.round_every_months,
        deadline_days=settings.round_deadline_days,
    )


def build_evidence(db: Database, settings: Settings) -> EvidenceHandlers:
    """Files and Teams messages kept as evidence, by the council's rules."""
    rules = EvidenceRules(
        blocked_types=settings.evidence_blocked,
        store_files=settings.evidence_store_files,
        max_bytes=settings.evidence_max_bytes,
    )
    return EvidenceHandlers(db, rules=rules)


def build_understanding(settings: Settings) -> Understanding:
    """The understanding of questions in plain words, one for every way in (chat, search, CLI)."""
    return Understanding(synonyms=settings.synonyms)


def build_search(
    db: Database, settings: Settings, understanding: Understanding | None = None
) -> SearchHandlers:
    """Recommendations found from any compose box, and their links unfurled."""
    understanding = understanding or build_understanding(settings)
    return SearchHandlers(db, link_base=settings.link_base, understanding=understanding)


def build_dialogs(
    db: Database,
    *,
    max_text_length: int,
    evidence: EvidenceHandlers | None = None,
    admin_emails: frozenset[str] = frozenset(),
    time_zone: str = "Europe/London",
    typed_command: Callable[[str], str | None] | None = None,
) -> list[Dialog]:
    """Every dialog, for the bot's DialogSet. Ids are the class names. `typed_command` tells a
    command typed at a question from an answer (CommandRegistry.typed_command)."""
    form = UpdateForm(db, max_text_length=max_text_length, time_zone=time_zone)
    update = UpdateDialog(
        db, max_text_length=max_text_length, form=form, evidence=evidence, admin_emails=admin_emails
    )
    update.typed_command = typed_command
    return [update]


def build_registry(
    db: Database, settings: Settings, understanding: Understanding | None = None
) -> CommandRegistry:
    """Every command and card verb, with its help; the app hands this to the handler."""
    understanding = understanding or build_understanding(settings)
    registry = CommandRegistry()
    # Another ConversationState on the same storage shares the turn's cached state (see chosen_review).
    kept_words = SqlConversationState(SqlStorage(db)).create_property("KeptEvidence")
    updates = update_handlers(
        db, max_text_length=settings.max_text_length, time_zone=settings.time_zone, kept_words=kept_words
    )
    registry.keep_words = updates.keep_words
    registry.late_answer = updates.late_answer
    registry.command(
        "update", updates.start, help=messages.UPDATE_COMMAND_HELP, usage=messages.UPDATE_USAGE, records=True
    )
    registry.verb(OPEN_UPDATE_VERB, updates.open_update, records=True)
    registry.verb(SAVE_UPDATE_VERB, updates.save_update, records=True)

    summaries = SummaryHandlers(
        db,
        time_zone=settings.time_zone,
        summary_default=settings.summary_default,
        clock=utcnow,
        tracker_links=tracker_links(settings),
    )
    registry.command(
        "summary", summaries.summary, help=messages.SUMMARY_COMMAND_HELP, usage=messages.SUMMARY_USAGE
    )
    registry.verb(SUMMARY_REFRESH_VERB, summaries.refresh)

    # Another ConversationState on the same storage shares the turn's cached state (botbuilder caches
    # it in turn_state by class), so the bot's own save at the end of the turn keeps the chosen review.
    chosen_review = SqlConversationState(SqlStorage(db)).create_property("StatusReview")
    status = StatusHandlers(
        db,
        chosen_review=chosen_review,
        time_zone=settings.time_zone,
        clock=utcnow,
        link_base=settings.link_base,
        tracker_links=tracker_links(settings),
        admin_emails=frozenset(settings.admin_emails),
        understanding=understanding,
    )
    # Questions in any words go to `ask`; each kind's command is its shortest form.
    registry.questions = status.ask
    registry.not_understood = status.not_understood
    for question in QUESTIONS:
        if question.command is None:
            registry.asked(help=question.help, examples=question.examples)
            continue
        registry.command(
            question.command,
            status.command(question.command),
            help=question.help,
            usage=question.usage,
            aliases=question.aliases,
            examples=question.examples,
            question=True,
        )
    registry.verb(STATUS_PAGE_VERB, status.page)
    registry.verb(STATUS_REVIEW_VERB, status.choose_review)
    registry.verb(STATUS_RECOMMENDATION_VERB, status.choose_recommendation)

    drafts = DraftHandlers(db, clock=utcnow)
    review = ReviewHandlers(db, time_zone=settings.time_zone, drafts=drafts.queue)
    registry.command(
        "review",
        review.queue,
        help=messages.REVIEW_COMMAND_HELP,
        usage=messages.REVIEW_USAGE,
        aliases=("to review",),
    )
    registry.verb(REVIEW_QUEUE_VERB, review.queue)
    registry.verb(ACCEPT_RETURN_VERB, review.accept)
    registry.verb(RETURN_RETURN_VERB, review.send_back)
    registry.verb(APPROVE_EXTENSION_VERB, review.approve_extension)
    registry.verb(REFUSE_EXTENSION_VERB, review.refuse_extension)
    registry.command(
        "extend", review.extend, help=messages.EXTEND_COMMAND_HELP, usage=messages.EXTEND_USAGE, records=True
    )
    registry.command(
        "close round", review.close, help=messages.CLOSE_ROUND_COMMAND_HELP, usage=messages.CLOSE_ROUND_USAGE
    )

    life = LifecycleHandlers(db, plan=round_plan(settings), time_zone=settings.time_zone, clock=utcnow)
    registry.command(
        "plan agreed", life.agree, help=life_messages.PLAN_AGREED_HELP, usage=life_messages.PLAN_AGREED_USAGE
    )
    registry.command(
        "review signed off",
        life.sign_off,
        help=life_messages.SIGNED_OFF_HELP,
        usage=life_messages.SIGNED_OFF_USAGE,
        aliases=("review sign off",),
    )
    responses = ResponseHandlers(db, time_zone=settings.time_zone, due_months=settings.response_due_months)
    registry.command(
        "respond",
        responses.respond,
        help=life_messages.RESPOND_COMMAND_HELP,
        usage=life_messages.RESPOND_USAGE,
        aliases=("responses", "executive response"),
        records=True,
    )
    registry.verb(SHOW_RESPONSES_VERB, responses.show, records=True)
    registry.verb(SAVE_RESPONSES_VERB, responses.save, records=True)

    registry.command(
        "draft",
        drafts.draft,
        help=life_messages.DRAFT_COMMAND_HELP,
        usage=life_messages.DRAFT_USAGE,
        aliases=("draft actions", "draft plan"),
        records=True,
    )
    registry.verb(SHOW_DRAFT_VERB, drafts.show, records=True)
    registry.verb(ADD_DRAFT_ACTION_VERB, drafts.add, records=True)
    registry.verb(EDIT_DRAFT_ACTION_VERB, drafts.edit, records=True)
    registry.verb(SAVE_DRAFT_ACTION_VERB, drafts.save, records=True)
    registry.verb(REMOVE_DRAFT_ACTION_VERB, drafts.remove, records=True)
    registry.verb(SEND_DRAFT_VERB, drafts.send, records=True)
    registry.verb(ACCEPT_DRAFT_VERB, drafts.accept)
    registry.verb(RETURN_DRAFT_VERB, drafts.send_back)

    deputies = DeputyHandlers(db)
    registry.command(
        "delegate",
        deputies.delegate,
        help=messages.DELEGATE_COMMAND_HELP,
        usage=messages.DELEGATE_USAGE,
        records=True,
    )
    registry.command(
        "delegations", deputies.list, help=messages.DELEGATIONS_COMMAND_HELP, usage="delegations"
    )
    registry.command(
        "undelegate",
        deputies.undelegate,
        help=messages.UNDELEGATE_COMMAND_HELP,
        usage="undelegate [7.2]",
        records=True,
    )

    async def show_help(dialog_context: DialogContext, caller: Caller, args: Any) -> None:
        await dialog_context.context.send_activity(registry.help_text())

    # Reached only when no dialog is active: a dialog in progress handles "cancel" and "back" itself.
    async def nothing_to_cancel(dialog_context: DialogContext, caller: Caller, args: Any) -> None:
        await dialog_context.context.send_activity(messages.NOTHING_TO_CANCEL)

    async def nothing_to_go_back_to(dialog_context: DialogContext, caller: Caller, args: Any) -> None:
        await dialog_context.context.send_activity(messages.NOTHING_TO_GO_BACK)

    registry.command("help", show_help, help=messages.HELP_COMMAND, usage="help")
    registry.command("cancel", nothing_to_cancel, help=messages.CANCEL_COMMAND, usage="cancel")
    registry.command("back", nothing_to_go_back_to, help=messages.BACK_COMMAND, usage="back")
    return registry
