"""dialogs/wire.py writes an activity's JSON exactly as msrest does, whichever path it takes."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

import msrest
import pytest
from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    CardAction,
    ChannelAccount,
    ConversationAccount,
    Entity,
    HeroCard,
    Mention,
    TextFormatTypes,
)
from msrest.exceptions import SerializationError

from cards.update import grade_card
from dialogs import wire
from dialogs.context import card_message

CARD = {
    "type": "AdaptiveCard",
    "version": "1.5",
    "body": [{"type": "TextBlock", "text": "Grade — “2” <b>not bold</b>", "wrap": True, "id": None}],
    "actions": [{"type": "Action.Submit", "title": "On-Track", "data": {"answer": "2"}}],
}


class Weight(StrEnum):
    BOLDER = "Bolder"


def _addressed(activity: Activity) -> Activity:
    """As CloudAdapter sends it: addressed to the conversation."""
    activity.from_property = ChannelAccount(id="28:bot", name="Scrutiny bot")
    activity.recipient = ChannelAccount(id="29:alex", name="Alex Officer", aad_object_id="aad-1")
    activity.conversation = ConversationAccount(id="a:1personal", conversation_type="personal")
    activity.service_url = "https://smba.trafficmanager.net/uk/"
    activity.channel_id = "msteams"
    activity.reply_to_id = "1000000000001"
    activity.locale = "en-GB"
    return activity


def activities() -> list[Activity]:
    mention = Mention(
        mentioned=ChannelAccount(id="29:alex", name="Alex"), text="<at>Alex</at>", type="mention"
    )
    return [
        _addressed(MessageFactory.text("Saved: Recommendation 7, action 2 — On-Track.")),
        _addressed(card_message(CARD)),
        _addressed(card_message(grade_card("How is it going?"))),
        _addressed(
            MessageFactory.suggested_actions(
                [CardAction(type="imBack", title="Yes", value="yes"), CardAction(type="imBack", title="No")],
                "Save this update?",
            )
        ),
        _addressed(MessageFactory.attachment(CardFactory.hero_card(HeroCard(title="Hero", text="x")))),
        Activity(
            type=ActivityTypes.message,  # an enum where a string goes: msrest writes its value
            text_format=TextFormatTypes.markdown,
            text="<at>Alex</at> please update",
            entities=[mention, Entity(type="clientInfo"), None],
            timestamp=datetime(2026, 11, 23, 9, 0, 5, 120000, tzinfo=UTC),
            local_timestamp=datetime(2026, 11, 23, 10, 0, tzinfo=timezone(timedelta(hours=1))),
            value={"verb": "open_update", "action_id": 7, "weight": Weight.BOLDER},
            channel_data={"notification": {"alert": True}, "when": datetime(2026, 1, 2, tzinfo=UTC)},
            attachments=[Attachment(content_type="text/plain", content=("a", 1))],
            members_added=[],
        ),
        # Values msrest converts first, which take msrest's own path.
        Activity(type="message", attachments=[{"contentType": "text/plain", "content": "hi"}]),  # type: ignore[list-item]
        Activity(type="message", attachments=(Attachment(content_type="text/plain", content="hi"),)),  # type: ignore[arg-type]
        Activity(type="message", from_property={"id": "28:bot"}),  # type: ignore[arg-type]
        Activity(type="message", id=12, text=Weight.BOLDER),  # type: ignore[arg-type]
        _without_locale(MessageFactory.text("A model missing one of its attributes")),
    ]


def _without_locale(activity: Activity) -> Activity:
    del activity.locale
    return activity


def _outcome(write: Any) -> Any:
    try:
        return write()
    except SerializationError as error:
        return type(error)


@pytest.mark.parametrize("activity", activities(), ids=lambda a: str(a.text or a.attachments)[:40])
def test_the_json_is_msrest_s(activity: Activity) -> None:
    classes = wire.SCHEMA.dependencies
    assert _outcome(lambda: wire.SCHEMA.wire_form(activity)) == _outcome(activity.serialize)
    # msrest's body() changes the activity it is given (dicts become models): each gets a copy.
    stock = _outcome(lambda: msrest.Serializer(classes).body(copy.deepcopy(activity), "Activity"))
    assert _outcome(lambda: wire.Serializer(classes).body(copy.deepcopy(activity), "Activity")) == stock


def test_the_bot_s_own_messages_take_the_direct_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """msrest's walk is what costs; for what the bot sends, it is never called."""
    expected = [(a, a.serialize()) for a in activities()[:5]]

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("msrest's own path was taken")

    monkeypatch.setattr(msrest.Serializer, "_serialize", refused)
    monkeypatch.setattr(msrest.Deserializer, "_deserialize", refused)
    for activity, written in expected:
        assert wire.SCHEMA.wire_form(activity) == written
        assert wire.SCHEMA.body(activity, "Activity") == written
