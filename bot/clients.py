"""Cards whose buttons work on the Teams client that shows them, decided where cards leave the bot.

Teams' phone apps do not run Action.Execute from a bot's card (MicrosoftDocs/msteams-docs#13924,
microsoft/AdaptiveCards#9315); desktop and web do. Every activity Teams sends names its client in a
`clientInfo` entity ({"type": "clientInfo", "platform": "android" | "ios" | "web" | "windows" | "mac",
"locale", "country", "timezone"}). So the one conversion (cards/actions.for_clients) is chosen here:
in a turn, from the conversation's kind and the client of the message being answered; for a post
the bot makes unprompted (a reminder, a notice, a summary), from the conversation's kind and the
client of the person's last message, kept on their 1:1 conversation. Every verb runs the same way
whether its button comes back as an Action.Execute invoke or as an Action.Submit message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import StatePropertyAccessor, TurnContext
from botbuilder.schema import Activity, ResourceResponse
from botbuilder.schema.teams import MessagingExtensionResponse
from sqlalchemy.ext.asyncio import AsyncSession

from cards.actions import Buttons, buttons_for, for_clients
from store.conversations import client_of, remember_client
from store.db import Database

CARD = "application/vnd.microsoft.card.adaptive"
# The longest platform name kept (Teams' are one short word).
_PLATFORM_LENGTH = 40


def client_platform(activity: Activity) -> str | None:
    """The Teams client the activity came from, in lower case ("android", "web"), if it says."""
    for entity in activity.entities or []:
        if entity.type != "clientInfo":
            continue
        platform = (entity.additional_properties or {}).get("platform")
        if isinstance(platform, str) and platform.strip():
            return platform.strip().lower()[:_PLATFORM_LENGTH]
    return None


def _conversation_type(activity: Activity) -> str | None:
    return activity.conversation.conversation_type if activity.conversation else None


def with_buttons(activity: Activity, buttons: Buttons) -> None:
    """Give the activity's cards these buttons. The activity is the one about to go (the SDK's own
    copy, or one made to be sent); the cards themselves are shared and never changed."""
    if buttons == "execute":
        return
    for attachment in activity.attachments or []:
        if attachment.content_type == CARD and isinstance(attachment.content, dict):
            attachment.content = for_clients(attachment.content, buttons)


class ClientCards:
    """Chooses each card's buttons: `setting` is the council's SCRUTINY_CARD_ACTIONS ("submit": every
    card Action.Submit, for staff mostly on phones); `kept`, a conversation state property."""

    def __init__(self, db: Database, *, setting: str, kept: StatePropertyAccessor) -> None:
        self._db = db
        self._setting = setting
        # In the conversation's state: the client last kept for a 1:1 chat.
        self._kept = kept

    def for_turn(self, turn_context: TurnContext) -> None:
        """Every card this turn sends or puts in place of another gets the buttons its reader's client
        can press (an Execute's answer too: sent, then held back as the answer, bot/execute.py)."""
        activity = turn_context.activity
        buttons = buttons_for(
            setting=self._setting,
            conversation_type=_conversation_type(activity),
            platform=client_platform(activity),
        )
        if buttons == "execute":
            return

        async def on_send(
            context: TurnContext,
            activities: list[Activity],
            send_next: Callable[[], Awaitable[list[ResourceResponse]]],
        ) -> list[ResourceResponse]:
            for outgoing in activities:
                with_buttons(outgoing, buttons)
            return await send_next()

        async def on_update(
            context: TurnContext, replacement: Activity, update_next: Callable[[], Awaitable[Any]]
        ) -> Any:
            with_buttons(replacement, buttons)
            return await update_next()

        turn_context.on_send_activities(on_send)
        turn_context.on_update_activity(on_update)

    def for_compose_box(self, response: MessagingExtensionResponse) -> MessagingExtensionResponse:
        """A card put into a chat from its compose box (a search's choice, a link unfurled) is read by
        whoever is in that chat, on any client: a Submit fallback on each button, or Submit only."""
        buttons: Buttons = "submit" if self._setting == "submit" else "fallback"
        result = response.compose_extension
        for attachment in (result.attachments if result is not None else None) or []:
            if attachment.content_type == CARD and isinstance(attachment.content, dict):
                attachment.content = for_clients(attachment.content, buttons)
        return response

    async def remember(self, session: AsyncSession, turn_context: TurnContext) -> None:
        """Keep the client of a 1:1 chat's newest message, for the cards the bot later posts there. The
        conversation's state, read already, says which client was kept last: a message from the same
        client as the one before costs no statement (and, read afresh each turn, it holds across
        workers and replicas, where a process's own memory would not)."""
        activity = turn_context.activity
        platform = client_platform(activity)
        if (
            not platform
            or _conversation_type(activity) not in (None, "personal")
            or not activity.conversation
        ):
            return
        if await self._kept.get(turn_context) == platform:
            return
        await remember_client(session, conversation_id=activity.conversation.id, platform=platform)
        await self._kept.set(turn_context, platform)

    async def for_reference(self, reference: dict[str, Any]) -> Buttons:
        """The buttons for a post to this stored conversation: by its kind, and in a 1:1 chat by the
        client of the person's last message there."""
        conversation = reference.get("conversation") or {}
        conversation_type = conversation.get("conversationType")
        platform = None
        if self._setting != "submit" and conversation_type in (None, "personal") and conversation.get("id"):
            async with self._db.session() as session:
                platform = await client_of(session, conversation_id=str(conversation["id"]))
        return buttons_for(setting=self._setting, conversation_type=conversation_type, platform=platform)
