"""The activity handler: installs, messages and card submits, routed through the command registry."""

from __future__ import annotations

import logging
import secrets
from contextlib import nullcontext
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.dialogs import DialogContext, DialogSet
from botbuilder.schema import Activity, ActivityTypes
from botbuilder.schema.teams import (
    AppBasedLinkQuery,
    MessagingExtensionAction,
    MessagingExtensionActionResponse,
    MessagingExtensionQuery,
    MessagingExtensionResponse,
)

from bot.clients import ClientCards, client_platform
from bot.commands import CommandRegistry
from bot.execute import EXECUTE_INVOKE, answer, execute_value, hold_replies, refused, submitted_value
from bot.identity import caller_for, known_sender, roster_refusal, teams_caller
from bot.logs import turn_ids
from bot.notices import hand_over_kept
from bot.settings import Settings
from bot.storage import ETagConflict, SqlConversationState
from bot.turns import OUTBOX_KEY, ConversationLocks, Outbox, TurnStart
from cards import messages
from cards.welcome import welcome_card
from dialogs.context import Caller, CardInPlace, card_message, viewer_id
from dialogs.evidence import EvidenceHandlers, sent_files
from dialogs.prompts import RUN_NEXT_KEY
from dialogs.roster import or_list
from dialogs.search import SearchHandlers
from documents.errors import UserFacingError
from store.activities import first_delivery
from store.conversations import (
    base_conversation_id,
    forget_conversation,
    refresh_service_url,
    remember_conversation,
    seen_in_personal_chat,
)
from store.db import Database
from store.models import ConversationKind, utcnow
from understanding.progress import looks_like_evidence
from understanding.words import clean

log = logging.getLogger(__name__)

# Where dialogs find the turn's Caller: turn_context.turn_state[CALLER_KEY].
CALLER_KEY = "Caller"
# How often a turn is run before giving up on keeping its state (then MESSAGES_CROSSED): each run
# after the first follows a turn that another worker finished meanwhile.
_RUNS = 5
# How many conversations' service URLs a process remembers having stored (then it starts afresh).
_SERVICE_URLS_KEPT = 10_000
# Unambiguous to read aloud over the phone: no 0/O, 1/I/L.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def _channel_data(turn_context: TurnContext) -> dict[str, Any]:
    data = turn_context.activity.channel_data
    return data if isinstance(data, dict) else {}


def _tenant_id(turn_context: TurnContext) -> str | None:
    # ConversationAccount.tenant_id reads JSON "tenantID", which Teams never sends.
    return (_channel_data(turn_context).get("tenant") or {}).get("id")


def _in_the_bots_personal_chat(activity: Activity) -> bool:
    """Written in the person's 1:1 chat with the bot: a message, or a card of the bot's pressed there.
    A message extension's invoke is left out: it comes from wherever its user is typing, which may be
    a 1:1 chat with someone else, where the bot could not post."""
    personal = activity.conversation is not None and activity.conversation.conversation_type == "personal"
    reached = activity.type == ActivityTypes.message or (
        activity.type == ActivityTypes.invoke and not (activity.name or "").startswith("composeExtension/")
    )
    return personal and reached


def _without_bot_mention(activity: Activity) -> str | None:
    """The text without the "<at>Bot</at>" mention. TurnContext.remove_recipient_mention also deletes
    the bot's name wherever else it appears ("status of the Scrutiny bot pilot"), so only the
    mention's own markup is removed here."""
    text = activity.text
    if not text or activity.recipient is None:
        return text
    for entity in activity.entities or []:
        properties = entity.additional_properties or {}
        mentioned = properties.get("mentioned") or {}
        if (
            entity.type == "mention"
            and mentioned.get("id") == activity.recipient.id
            and properties.get("text")
        ):
            text = text.replace(properties["text"], " ")
    return text


class ScrutinyBot(TeamsActivityHandler):
    def __init__(
        self,
        *,
        db: Database,
        settings: Settings,
        conversation_state: SqlConversationState,
        dialogs: DialogSet,
        registry: CommandRegistry,
        evidence: EvidenceHandlers,
        search: SearchHandlers,
        client_cards: ClientCards,
    ) -> None:
        self._db = db
        self._client_cards = client_cards
        self._evidence = evidence
        self._search = search
        self._settings = settings
        self._conversation_state = conversation_state
        self._dialogs = dialogs
        self._registry = registry
        # Conversation id (as stored, without a thread's suffix) -> the service URL this process last
        # stored or found for it. Teams hardly ever moves a conversation, so this spares every turn a
        # query; a move arrives as a URL different from the one remembered, and is stored.
        self._service_urls: dict[str, str] = {}
        self._locks = ConversationLocks()
        # Personal conversation id -> (person id, service URL) this process stored as where to tell
        # that person things: a message from someone already seen costs no query.
        self._seen_in: dict[str, tuple[int, str]] = {}

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        conversation_id = activity.conversation.id if activity.conversation else None
        with turn_ids(activity.id, conversation_id):
            self._client_cards.for_turn(turn_context)
            async with self._locks.hold(conversation_id):
                await self._turn(turn_context, conversation_id)

    async def _turn(self, turn_context: TurnContext, conversation_id: str | None) -> None:
        activity = turn_context.activity
        async with self._db.session() as session:
            repeat = (
                activity.id is not None
                and conversation_id is not None
                and not await first_delivery(
                    session, activity_id=activity.id, conversation_id=conversation_id
                )
            )
            if repeat:
                log.info("Ignored a repeat delivery of activity %s", activity.id)
                if activity.type == ActivityTypes.invoke:
                    # Teams waits for an invoke's answer: the first delivery's card stands.
                    await turn_context.send_activity(
                        Activity(
                            type=ActivityTypes.invoke_response,
                            value=answer(CardInPlace(), refresh=False, nothing=messages.EXECUTE_REPEATED),
                        )
                    )
                return
            service_url = activity.service_url
            stored: tuple[str, str] | None = None
            stored_as = base_conversation_id(conversation_id) if conversation_id else None
            if stored_as and service_url and self._service_urls.get(stored_as) != service_url:
                await refresh_service_url(session, conversation_id=stored_as, service_url=service_url)
                stored = (stored_as, service_url)
            message = activity.type == ActivityTypes.message or activity.name == EXECUTE_INVOKE
            # Who it is, also for any other invoke in a 1:1 chat: reaching the bot there counts as seen.
            if message or _in_the_bots_personal_chat(activity):
                turn_context.turn_state[CALLER_KEY] = await known_sender(
                    session, turn_context, self._settings
                )
            if message:
                # What every message needs, read in this unit of work rather than in one each.
                await self._conversation_state.load(turn_context, session=session)
                await self._client_cards.remember(session, turn_context)
        if stored is not None:  # now committed
            if len(self._service_urls) >= _SERVICE_URLS_KEPT:
                self._service_urls.clear()
            self._service_urls[stored[0]] = stored[1]
        outbox = Outbox()
        turn_context.turn_state[OUTBOX_KEY] = outbox
        try:
            await self._run_until_kept(turn_context, outbox)
        finally:
            # After an error too: what was said before it is said, then the apology (on_turn_error).
            del turn_context.turn_state[OUTBOX_KEY]
            await outbox.flush()

    async def _run_until_kept(self, turn_context: TurnContext, outbox: Outbox) -> None:
        """Run the turn and keep its state; if another worker changed the conversation's state
        meanwhile, run it again on the new state, unheard until then (bot/turns.py)."""
        start = TurnStart(turn_context)
        for attempt in range(1, _RUNS + 1):
            await super().on_turn(turn_context)
            try:
                # Saved only when the turn ends well: after an error the state from before it stands.
                await self._conversation_state.save_changes(turn_context)
                return
            except ETagConflict:
                if attempt == _RUNS:
                    outbox.drop()
                    raise
                log.info("Conversation state changed during the turn: running it again (run %d)", attempt + 1)
                outbox.drop()
                start.restore(turn_context)
                await self._conversation_state.load(turn_context, force=True)

    async def on_turn_error(self, turn_context: TurnContext, error: Exception) -> None:
        """The adapter's error hook: a UserFacingError is the reply; anything else gets a reference."""
        activity = turn_context.activity
        with turn_ids(activity.id, activity.conversation.id if activity.conversation else None):
            await self._turn_failed(turn_context, error)

    async def _turn_failed(self, turn_context: TurnContext, error: Exception) -> None:
        if isinstance(error, UserFacingError):
            reply = str(error)
        elif isinstance(error, ETagConflict):
            # Another turn in this conversation saved first; this turn's changes were not kept.
            log.info("Turn lost a race for conversation state: %s", error)
            reply = messages.MESSAGES_CROSSED
        else:
            reference = new_reference()
            activity = turn_context.activity
            log.error(
                "Turn failed (reference %s): %s activity in conversation %s",
                reference,
                activity.type,
                activity.conversation.id if activity.conversation else None,
                exc_info=error,
            )
            reply = messages.APOLOGY.format(reference=reference)
        try:
            await turn_context.send_activity(reply)
        except Exception:
            log.exception("Could not send the error reply either")

    # --- messages and card submits ---

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        activity.text = _without_bot_mention(activity)
        # on_turn looked the sender up by AAD id; someone it doesn't know yet, Teams is asked about.
        caller = turn_context.turn_state.get(CALLER_KEY) or await teams_caller(
            turn_context, self._db, self._settings
        )
        turn_context.turn_state[CALLER_KEY] = caller
        await self._seen(turn_context, caller)
        dialog_context = await self._dialogs.create_context(turn_context)

        # A dialog in progress has the first word: it handles cancel, back and help itself.
        if dialog_context.active_dialog is not None:
            await dialog_context.continue_dialog()
            # It ended for a command typed at one of its questions ("Start again with …").
            command = turn_context.turn_state.pop(RUN_NEXT_KEY, None)
            if command is not None and dialog_context.active_dialog is None:
                await self._on_text(dialog_context, caller, command)
            return
        if isinstance(activity.value, dict):
            await self._on_submit(dialog_context, caller, activity.value)
        else:
            await self._on_text(dialog_context, caller, activity.text)

    async def _on_submit(self, dialog_context: DialogContext, caller: Caller, value: dict[str, Any]) -> None:
        verb = self._registry.verb_for(value)
        if verb is None:
            late = self._registry.late_answer
            if late is None or not await late(dialog_context, value):
                await dialog_context.context.send_activity(messages.CARD_OUT_OF_DATE)
            return
        if verb.records and caller.person_id is None:
            await self._refuse_unknown(dialog_context.context)
            return
        await verb.handler(dialog_context, caller, value)

    async def _on_text(self, dialog_context: DialogContext, caller: Caller, raw_text: str | None) -> None:
        text = clean(raw_text)
        if not text and sent_files(dialog_context.context.activity):
            await dialog_context.context.send_activity(messages.EVIDENCE_OUTSIDE_UPDATE)
            return
        if not text:
            await dialog_context.context.send_activity(messages.EMPTY_MESSAGE)
            return
        match = self._registry.match(text)
        if match is None:
            # A question in plain words ("how's the wifi one going?"); a report of progress is kept
            # for an update, and a slip in a command that acts is suggested, not guessed at.
            questions = self._registry.questions
            if (
                self._registry.suggests_an_act(text)
                or questions is None
                or not await questions(dialog_context, caller, text)
            ):
                await dialog_context.context.send_activity(
                    await self._answer_unknown(dialog_context, caller, text)
                )
            return
        if match.command.records and caller.person_id is None:
            await self._refuse_unknown(dialog_context.context)
            return
        await match.command.handler(dialog_context, caller, match.args)

    async def _answer_unknown(self, dialog_context: DialogContext, caller: Caller, text: str) -> str:
        """A mistyped command suggested whole; else what can be asked, with examples from the plan.
        Words that read like progress, from someone who may record, are kept for their next update."""
        suggestion = self._registry.suggest(text)
        evidence = looks_like_evidence(text)
        # Never echo what was typed: it may hold markup Teams would render.
        if suggestion and not evidence:
            return (
                messages.UNKNOWN_COMMAND_SUGGESTION.format(suggestion=suggestion)
                + "\n\n"
                + messages.EMPTY_MESSAGE
            )
        names = self._registry.closest(text, fill=("status", "my actions", "update"))
        if not evidence and self._registry.not_understood is not None:
            commands = or_list([messages.COMMAND_CHOICE.format(name=name) for name in names])
            return (
                await self._registry.not_understood() + "\n\n" + messages.ASK_OR_TRY.format(commands=commands)
            )
        # A sentence that starts like a command ("Updated the website…") is more likely progress: its
        # words are kept, and `closest` still offers first the commands its words resemble.
        if evidence:  # the reply says "update" already
            names = [name for name in names if name != "update"][:2]
        commands = or_list([messages.COMMAND_CHOICE.format(name=name) for name in names])
        keep = self._registry.keep_words
        if (
            evidence
            and caller.person_id is not None
            and keep is not None
            and await keep(dialog_context, text)
        ):
            return messages.UNKNOWN_EVIDENCE_KEPT.format(commands=commands)
        if evidence:
            return messages.UNKNOWN_LOOKS_LIKE_EVIDENCE.format(commands=commands)
        return messages.UNKNOWN_COMMAND_TRY.format(commands=commands)

    async def _seen(self, turn_context: TurnContext, caller: Caller) -> None:
        """Someone on the roster reached the bot in their 1:1 chat: from now on that chat is where they
        are told things (returns, decided dates, reminders), whether or not Teams ever said the app was
        installed there; and what was kept for them meanwhile is told now, before the turn's reply."""
        activity = turn_context.activity
        if caller.person_id is None or not activity.service_url or not _in_the_bots_personal_chat(activity):
            return
        conversation_id = base_conversation_id(activity.conversation.id)
        seen = (caller.person_id, activity.service_url)
        if self._seen_in.get(conversation_id) == seen:
            return
        async with self._db.session() as session:
            await seen_in_personal_chat(
                session,
                conversation_id=conversation_id,
                person_id=caller.person_id,
                service_url=activity.service_url,
                reference=TurnContext.get_conversation_reference(activity).serialize(),
                tenant_id=_tenant_id(turn_context),
                client_platform=client_platform(activity),
            )
        self._remember_seen(conversation_id, seen)
        outbox: Outbox | None = turn_context.turn_state.get(OUTBOX_KEY)
        with outbox.sending_now() if outbox is not None else nullcontext():
            await hand_over_kept(
                self._db, person_id=caller.person_id, post=turn_context.send_activity, now=utcnow()
            )

    def _remember_seen(self, conversation_id: str, seen: tuple[int, str]) -> None:
        if len(self._seen_in) >= _SERVICE_URLS_KEPT:
            self._seen_in.clear()
        self._seen_in[conversation_id] = seen

    async def _refuse_unknown(self, turn_context: TurnContext) -> None:
        async with self._db.session() as session:
            await turn_context.send_activity(await roster_refusal(session, self._settings))

    # --- Action.Execute presses and card refreshes ---

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        if turn_context.activity.name == EXECUTE_INVOKE:
            return await self._execute(turn_context)
        if (caller := turn_context.turn_state.get(CALLER_KEY)) is not None:
            await self._seen(turn_context, caller)
        return await super().on_invoke_activity(turn_context)

    async def _execute(self, turn_context: TurnContext) -> InvokeResponse:
        """A card's button pressed (or Teams refreshing the card): the verb runs as its submit would,
        and the card it answers with replaces the pressed one (bot/execute.py)."""
        press = execute_value(turn_context.activity.value)
        if press is None:
            return refused(messages.CARD_OUT_OF_DATE)
        caller = turn_context.turn_state.get(CALLER_KEY) or await teams_caller(
            turn_context, self._db, self._settings
        )
        turn_context.turn_state[CALLER_KEY] = caller
        await self._seen(turn_context, caller)
        value = submitted_value(press)
        turn_context.activity.value = value  # read by the handlers as a submit's value
        held = hold_replies(turn_context)
        dialog_context = await self._dialogs.create_context(turn_context)
        try:
            await self._on_submit(dialog_context, caller, value)
        except UserFacingError as refusal:
            held.notes.append(str(refusal))
        return answer(
            held,
            refresh=press.trigger == "automatic",
            nothing=messages.CARD_OUT_OF_DATE,
            below=messages.EXECUTE_BELOW,
        )

    # --- a recommendation put into any chat: search, and its link unfurled ---

    async def on_teams_messaging_extension_query(
        self, turn_context: TurnContext, query: MessagingExtensionQuery
    ) -> MessagingExtensionResponse:
        return await self._search.search(query)

    async def on_teams_messaging_extension_select_item(
        self, turn_context: TurnContext, query: Any
    ) -> MessagingExtensionResponse:
        chosen = await self._search.chosen(query, viewer=viewer_id(turn_context))
        return self._client_cards.for_compose_box(chosen)

    async def on_teams_app_based_link_query(
        self, turn_context: TurnContext, query: AppBasedLinkQuery
    ) -> MessagingExtensionResponse:
        unfurled = await self._search.unfurl(query.url if query else None, viewer=viewer_id(turn_context))
        return self._client_cards.for_compose_box(unfurled)

    # --- the "Add as evidence" message action (a message extension's action command) ---

    async def on_teams_messaging_extension_fetch_task(
        self, turn_context: TurnContext, action: MessagingExtensionAction
    ) -> MessagingExtensionActionResponse:
        return await self._evidence.fetch_task(await caller_for(turn_context, self._db, self._settings))

    async def on_teams_messaging_extension_submit_action(
        self, turn_context: TurnContext, action: MessagingExtensionAction
    ) -> MessagingExtensionActionResponse:
        caller = await caller_for(turn_context, self._db, self._settings)
        return await self._evidence.submit_action(turn_context, caller, action)

    # --- installation ---

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._installed(turn_context)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        await self._removed(turn_context)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        # Only the bot's own arrival and departure matter; other members coming and going do not.
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if any(member.id == bot_id for member in activity.members_added or []):
            await self._installed(turn_context)
        elif any(member.id == bot_id for member in activity.members_removed or []):
            await self._removed(turn_context)

    async def _installed(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        channel_data = _channel_data(turn_context)
        team = channel_data.get("team") or {}
        channel = channel_data.get("channel") or {}
        selected = (channel_data.get("settings") or {}).get("selectedChannel") or {}
        conversation_type = activity.conversation.conversation_type if activity.conversation else None
        if team or conversation_type == "channel":
            kind = ConversationKind.CHANNEL
        elif conversation_type == "groupChat":
            kind = ConversationKind.GROUP_CHAT
        else:
            kind = ConversationKind.PERSONAL

        person_id = None
        if kind is ConversationKind.PERSONAL:
            person_id = (await caller_for(turn_context, self._db, self._settings)).person_id
        async with self._db.session() as session:
            newly = await remember_conversation(
                session,
                conversation_id=activity.conversation.id,
                kind=kind,
                service_url=activity.service_url,
                reference=TurnContext.get_conversation_reference(activity).serialize(),
                tenant_id=_tenant_id(turn_context),
                team_id=team.get("id"),
                team_name=team.get("name"),
                channel_id=channel.get("id") or selected.get("id") or team.get("id"),
                person_id=person_id,
            )
        # Teams announces one install twice (installationUpdate and conversationUpdate): greet once.
        if newly:
            log.info("Installed in a %s conversation", kind.value)
            if kind is ConversationKind.PERSONAL:
                card = welcome_card(commands=self._registry.help_entries())
                await turn_context.send_activity(card_message(card))
            else:
                await turn_context.send_activity(messages.CHANNEL_HELLO)
        if person_id is not None:  # after the welcome: what was kept while the bot could not reach them
            self._remember_seen(
                base_conversation_id(activity.conversation.id), (person_id, activity.service_url)
            )
            await hand_over_kept(self._db, person_id=person_id, post=turn_context.send_activity, now=utcnow())

    async def _removed(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        team = _channel_data(turn_context).get("team") or {}
        async with self._db.session() as session:
            await forget_conversation(
                session, conversation_id=activity.conversation.id, team_id=team.get("id")
            )
        log.info("Removed from a conversation")
