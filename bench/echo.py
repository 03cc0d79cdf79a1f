"""The floor: botbuilder's echo bot on the same stack as ours (aiohttp, CloudAdapter, SqlStorage state).

It keeps a turn counter in ConversationState, so each turn reads and writes state as ours does, and
answers every message with one reply, and every Action.Execute (a press, a refresh) with a one-line
card in the invoke's answer; everything else about a turn is the SDK's own cost. Its adapter is ours
(bot/adapter.py), as the SDK's own cannot answer an invoke that has a body at all.
"""

from __future__ import annotations

from aiohttp import web
from botbuilder.core import ActivityHandler, ConversationState, TurnContext
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue
from botframework.connector.auth import BotFrameworkAuthentication

from bot.adapter import ScrutinyAdapter
from bot.app import bot_framework_config
from bot.connector import ReusedClients
from bot.settings import Settings
from bot.storage import SqlStorage
from store.db import Database


class EchoBot(ActivityHandler):
    def __init__(self, conversation_state: ConversationState) -> None:
        self._state = conversation_state
        self._turns = conversation_state.create_property("Turns")

    async def on_turn(self, turn_context: TurnContext) -> None:
        await super().on_turn(turn_context)
        await self._state.save_changes(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        # A dict, not 0: the SDK's accessor treats a falsy default as no default at all.
        counter = await self._turns.get(turn_context, lambda: {"turns": 0})
        counter["turns"] += 1
        turns = counter["turns"]
        said = turn_context.activity.text or "a card's data"
        await turn_context.send_activity(f"Echo {turns}: {said}")

    async def on_adaptive_card_invoke(
        self, turn_context: TurnContext, invoke_value: AdaptiveCardInvokeValue
    ) -> AdaptiveCardInvokeResponse:
        counter = await self._turns.get(turn_context, lambda: {"turns": 0})
        counter["turns"] += 1
        said = f"Echo {counter['turns']}: {invoke_value.action.get('verb')}"
        # A one-line card: the SDK's model takes no plain message as the answer's value.
        card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": said}]}
        return AdaptiveCardInvokeResponse(
            status_code=200, type="application/vnd.microsoft.card.adaptive", value=card
        )


def create_echo_app(settings: Settings, *, reuse_clients: bool = False) -> web.Application:
    """The echo bot; with `reuse_clients`, its connector clients are reused as ours are (bot/connector.py)."""
    database = Database(settings.database_url)
    authentication: BotFrameworkAuthentication = ConfigurationBotFrameworkAuthentication(
        bot_framework_config(settings)
    )
    if reuse_clients:
        authentication = ReusedClients(authentication)
    adapter = ScrutinyAdapter(authentication)
    bot = EchoBot(ConversationState(SqlStorage(database)))

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, bot)

    async def dispose(_app: web.Application) -> None:
        await database.dispose()

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.on_cleanup.append(dispose)
    return app
