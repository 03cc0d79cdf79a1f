"""Adaptive Card Universal Actions: an `adaptiveCard/action` invoke answered with the card to show.

Teams sends an Action.Execute press, and a card's automatic refresh, as an invoke whose value is
{"action": {"type": "Action.Execute", "verb", "data"}, "trigger": "manual" | "automatic"}. The verb
runs exactly as its Action.Submit would (the same registry handler, the same checks); what it sends
meanwhile is held back instead of posted: the first card becomes the invoke's answer (HTTP 200,
`application/vnd.microsoft.card.adaptive`), replacing the pressed card for the presser, and its words
are shown on that card. Words with no card (a refusal) come back as a message: Teams shows them on the
card and leaves it as it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ResourceResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cards.actions import notice_card, with_notice
from dialogs.context import IN_PLACE_KEY, CardInPlace

EXECUTE_INVOKE = "adaptiveCard/action"
CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"
ERROR = "application/vnd.microsoft.error"


class ExecuteAction(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: str
    verb: str = Field(min_length=1, max_length=64)
    data: dict[str, Any] = {}


class ExecuteValue(BaseModel):
    model_config = ConfigDict(extra="ignore")

    action: ExecuteAction
    trigger: str = "manual"


def execute_value(value: Any) -> ExecuteValue | None:
    """The press as Teams sent it, or None for anything that is not an Action.Execute."""
    try:
        parsed = ExecuteValue.model_validate(value)
    except ValidationError:
        return None
    return parsed if parsed.action.type == "Action.Execute" else None


def submitted_value(press: ExecuteValue) -> dict[str, Any]:
    """What the verb's handler reads: the button's data with the inputs Teams merged in, and the
    Execute's own verb (which wins over one in the data)."""
    return {**press.action.data, "verb": press.action.verb}


def hold_replies(turn_context: TurnContext) -> CardInPlace:
    """From now on in this turn, the first card sent and every plain message are kept for the invoke's
    answer instead of being posted; anything else (a second card, typing) is sent as usual."""
    held = CardInPlace()
    turn_context.turn_state[IN_PLACE_KEY] = held

    async def hold(
        context: TurnContext,
        activities: list[Activity],
        send_next: Callable[[], Awaitable[list[ResourceResponse]]],
    ) -> list[ResourceResponse]:
        for index, activity in enumerate(activities):
            cards = [a.content for a in activity.attachments or [] if a.content_type == CARD]
            if activity.type != ActivityTypes.message or held.below:
                continue
            if cards and held.card is None:
                held.card = cards[0]
            elif not activity.attachments and activity.text:
                held.notes.append(activity.text)
            else:
                continue
            # Sending goes on whatever a handler does; a trace activity is what the adapter drops.
            activities[index] = Activity(type=ActivityTypes.trace, channel_id=activity.channel_id)
        return await send_next()

    turn_context.on_send_activities(hold)
    return held


def answer(held: CardInPlace, *, refresh: bool, nothing: str, below: str = "") -> InvokeResponse:
    """The invoke's response: the card to show, or the words to show on the card as it was (`below`
    when the press carried on in the chat below it)."""
    ok = int(HTTPStatus.OK)
    if held.card is not None:
        body: dict[str, Any] = {
            "statusCode": ok,
            "type": CARD,
            "value": with_notice(held.card, held.notes),
        }
    elif refresh:
        # A refresh must answer with a card: what it showed is gone, and this says so.
        body = {"statusCode": ok, "type": CARD, "value": notice_card(held.notes or [nothing])}
    else:
        body = {
            "statusCode": ok,
            "type": MESSAGE,
            "value": "\n\n".join(held.notes) or (below if held.below else nothing),
        }
    return InvokeResponse(status=ok, body=body)


def refused(message: str) -> InvokeResponse:
    """A press that is not one (no action, another type): Teams shows the error on the card."""
    body = {
        "statusCode": int(HTTPStatus.BAD_REQUEST),
        "type": ERROR,
        "value": {"code": "BadRequest", "message": message},
    }
    return InvokeResponse(status=int(HTTPStatus.OK), body=body)
