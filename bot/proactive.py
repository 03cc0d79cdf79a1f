"""Speaking first: posting to a stored conversation, and opening a 1:1 chat, through send_politely.

`adapter.continue_conversation(reference, callback, app_id)` runs the callback in a proactive turn
whose connector is the reference's serviceUrl (keep it fresh: store/conversations.py). Sending to the
channel's conversation id starts a new post in that channel. In anonymous local mode the app id is
"", which the SDK accepts: the connector then sends no token, as the fake connector and the Agents
Playground expect.

The adapter runs a proactive callback inside its turn pipeline, whose error hook (the bot's
on_turn_error) would swallow a failed send and try to post an apology to the same conversation. So
the callback keeps the error and it is raised again out here, where send_politely can see the HTTP
status: 429 and 5xx are retried, 403 stops, anything else fails after bounded attempts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from botframework.connector import Channels

from bot.clients import with_buttons
from bot.outbound import Pacer, RetryPolicy, send_politely
from cards.actions import Buttons
from dialogs.context import card_message


def card_activity(card: dict[str, Any], *, summary: str | None = None) -> Activity:
    activity = card_message(card)
    # What a notification or the chat list shows instead of "sent a card".
    activity.summary = summary
    return activity


@dataclass
class Proactive:
    adapter: BotAdapter
    app_id: str
    pacer: Pacer = field(default_factory=Pacer)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    # Tests inject a sleep that only records, so retries take no real time.
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep
    # The buttons a card needs in a stored conversation (bot/clients.py); None: as built.
    buttons: Callable[[dict[str, Any]], Awaitable[Buttons]] | None = None

    async def send(self, *, reference: dict[str, Any], activity: Activity) -> str | None:
        """Post one activity to the conversation; the id Teams gave it. Raises ConversationBlocked
        (403) or DeliveryFailed (retries spent)."""
        ref = ConversationReference().deserialize(reference)
        # The stored reference names the activity it came from: kept, the post would be a reply to that
        # (the install event) in its thread, rather than a new post in the channel.
        ref.activity_id = None
        buttons = await self.buttons(reference) if self.buttons is not None else "execute"

        async def attempt() -> str | None:
            outcome: dict[str, Any] = {}

            async def callback(turn_context: TurnContext) -> None:
                try:
                    # Straight to the connector: TurnContext.send_activity would make it a reply to the
                    # continuation's made-up activity id, and a reply is not a new post in a channel.
                    connector = turn_context.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY]
                    outgoing = TurnContext.apply_conversation_reference(
                        Activity().deserialize(activity.serialize()), ref
                    )
                    with_buttons(outgoing, buttons)
                    response = await connector.conversations.send_to_conversation(
                        ref.conversation.id, outgoing
                    )
                    outcome["id"] = response.id if response else None
                except Exception as error:  # raised again below, outside the SDK's error hook
                    outcome["error"] = error

            await self.adapter.continue_conversation(ref, callback, self.app_id)
            if "error" in outcome:
                raise outcome["error"]
            return outcome.get("id")

        return await send_politely(
            attempt,
            conversation_id=ref.conversation.id,
            pacer=self.pacer,
            policy=self.policy,
            sleep=self.sleep,
        )

    async def open_personal_chat(
        self, *, service_url: str, tenant_id: str, bot: dict[str, Any], user_id: str
    ) -> dict[str, Any]:
        """Start a 1:1 chat with a Teams user (their AAD object id will do in Teams' personal scope,
        where the app is installed for them); the new chat's conversation reference."""
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=bot.get("id"), name=bot.get("name")),
            members=[ChannelAccount(id=user_id)],
            tenant_id=tenant_id,
            channel_data={"tenant": {"id": tenant_id}},
        )

        async def attempt() -> dict[str, Any]:
            created: dict[str, Any] = {}

            async def callback(turn_context: TurnContext) -> None:
                reference = TurnContext.get_conversation_reference(turn_context.activity)
                reference.user = ChannelAccount(id=user_id)
                reference.bot = parameters.bot
                reference.conversation.conversation_type = "personal"
                reference.conversation.tenant_id = tenant_id
                created["reference"] = reference.serialize()

            await self.adapter.create_conversation(  # type: ignore[call-arg]
                self.app_id,
                callback,
                parameters,
                channel_id=Channels.ms_teams,
                service_url=service_url,
            )
            return created["reference"]

        return await send_politely(
            attempt,
            conversation_id=f"new chat with {user_id}",
            pacer=self.pacer,
            policy=self.policy,
            sleep=self.sleep,
        )
