"""The bot's messages reach Teams' connector the same whichever way they are sent (bot/connector.py).

The SDK's own client (msrest over `requests` in a thread pool) and ours (the same client, reused, sending
through aiohttp) are pointed at the fake connector; what arrives must be identical.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, Attachment, ChannelAccount, ConversationAccount
from botframework.connector.auth import ClaimsIdentity, MicrosoftAppCredentials
from fake_connector import FakeConnector

from bot.app import bot_framework_config
from bot.connector import ReusedClients
from bot.outbound import retry_after, status_of
from bot.settings import Settings
from dialogs.context import card_message

CONVERSATION = "a:1personal-chat-wire"


def authentication() -> ConfigurationBotFrameworkAuthentication:
    settings = Settings(_env_file=None, database_url="sqlite://")  # type: ignore[call-arg]
    return ConfigurationBotFrameworkAuthentication(bot_framework_config(settings))


class Weight(StrEnum):
    BOLDER = "Bolder"


def reply() -> Activity:
    # JSON's own types (sent as they are), and an enum and a date that msrest converts its own way.
    card = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": "Grade — “2”", "wrap": True, "maxLines": 3, "id": None},
            {"type": "Table", "columns": [{"width": 1.5}], "rows": []},
        ],
        "msteams": {"width": "Full"},
    }
    odd = {"weight": Weight.BOLDER, "when": datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "items": [1, (2, 3)]}
    return Activity(
        type="message",
        text="Saved: Recommendation 7, action 2 — On-Track for September 2020.",
        from_property=ChannelAccount(id="28:bot", name="Scrutiny bot"),
        recipient=ChannelAccount(id="29:alex", name="Alex Officer"),
        conversation=ConversationAccount(id=CONVERSATION),
        reply_to_id="1000000000001",
        attachments=[
            Attachment(content_type="application/vnd.microsoft.card.adaptive", content=card),
            Attachment(content_type="application/vnd.microsoft.card.adaptive", content=odd),
            *card_message(card).attachments,  # as the bot's own cards go
        ],
        channel_data={"notification": {"alert": True}},
    )


async def send_all(factory: Any, url: str) -> list[str]:
    """A reply, a new message, an update and a delete, as a turn may make them; the ids Teams gave."""
    client = await factory.create(url, None)
    ids = [
        (await client.conversations.reply_to_activity(CONVERSATION, "1000000000001", reply())).id,
        (await client.conversations.send_to_conversation(CONVERSATION, reply())).id,
    ]
    changed = reply()
    changed.id = ids[0]
    await client.conversations.update_activity(CONVERSATION, ids[0], changed)
    await client.conversations.delete_activity(CONVERSATION, ids[1])
    return ids


async def test_the_connector_receives_the_same_requests_either_way() -> None:
    identity = ClaimsIdentity({}, True)
    ours = ReusedClients(authentication())
    # One connector each, so both hand out the same ids.
    for_stock, for_ours = FakeConnector(), FakeConnector()
    await for_stock.start()
    await for_ours.start()
    try:
        stock_ids = await send_all(authentication().create_connector_factory(identity), for_stock.url)
        our_ids = await send_all(ours.create_connector_factory(identity), for_ours.url)
    finally:
        await ours.close()
        await for_stock.stop()
        await for_ours.stop()

    def wire(connector: FakeConnector) -> list[tuple[str, str, dict[str, Any]]]:
        return [(r.method, r.path, r.body) for r in connector.received]

    assert wire(for_ours) == wire(for_stock)
    assert [method for method, _, _ in wire(for_stock)] == ["POST", "POST", "PUT", "DELETE"]
    assert our_ids == stock_ids and all(our_ids)  # the connector's ids came back to the caller


async def test_one_client_serves_every_turn(fake_connector: FakeConnector) -> None:
    ours = ReusedClients(authentication())
    try:
        identity = ClaimsIdentity({}, True)
        first = await ours.create_connector_factory(identity).create(fake_connector.url, None)
        again = await ours.create_connector_factory(identity).create(fake_connector.url, None)
        elsewhere = await ours.create_connector_factory(identity).create("http://127.0.0.1:9/", None)
        assert first is again and first is not elsewhere
        token_client = await ours.create_user_token_client(identity)
        assert token_client is await ours.create_user_token_client(identity)
    finally:
        await ours.close()


@pytest.mark.parametrize("status", [429, 403, 503])
async def test_a_refusal_reads_as_it_did(fake_connector: FakeConnector, status: int) -> None:
    """bot.outbound reads the status and Retry-After from the SDK's error, whichever client sent it."""
    ours = ReusedClients(authentication())
    try:
        client = await ours.create_connector_factory(ClaimsIdentity({}, True)).create(
            fake_connector.url, None
        )
        fake_connector.fail_next(status, retry_after=2.5)
        with pytest.raises(Exception) as raised:
            await client.conversations.send_to_conversation(CONVERSATION, reply())
    finally:
        await ours.close()
    assert status_of(raised.value) == status
    assert retry_after(raised.value) == 2.5


async def test_with_an_app_id_each_message_carries_the_bot_token(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str | None] = []

    async def connector(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization"))
        return web.json_response({"id": "1"}, status=201)

    app = web.Application()
    app.router.add_post("/v3/conversations/{conversation}/activities", connector)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    monkeypatch.setattr(
        MicrosoftAppCredentials, "get_access_token", lambda self, force_refresh=False: "t0k3n"
    )
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url="sqlite://",
        MicrosoftAppId="00000000-0000-4000-8000-00000000b07a",
        MicrosoftAppPassword="secret",
        MicrosoftAppTenantId="00000000-0000-4000-8000-0000000007e7",
    )
    ours = ReusedClients(ConfigurationBotFrameworkAuthentication(bot_framework_config(settings)))
    try:
        claims = {"aud": settings.app_id, "ver": "1.0", "appid": settings.app_id}
        factory = ours.create_connector_factory(ClaimsIdentity(claims, True))
        client = await factory.create(str(server.make_url("/")), None)
        await client.conversations.send_to_conversation(CONVERSATION, reply())
    finally:
        await ours.close()
        await server.close()
    assert seen == ["Bearer t0k3n"]


def test_botbuilder_copying_a_message_shares_its_card() -> None:
    """TurnContext.send_activities deep-copies each activity it sends; the card inside is shared (it is
    never changed once built), which spares copying its hundreds of values on every turn."""
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Action 7.2"}]}
    message = card_message(card)
    copied = deepcopy(message)
    assert copied is not message and copied.attachments[0] is not message.attachments[0]
    assert copied.attachments[0].content is message.attachments[0].content
    assert copied.attachments[0].content == card
