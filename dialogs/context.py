"""What the bot layer hands to dialogs and card-submit handlers (who is speaking), and how a card is sent."""

from __future__ import annotations

import copy
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.dialogs import DialogContext
from botbuilder.schema import Activity, Attachment
from pydantic import BaseModel, ValidationError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Caller:
    """The Teams user behind this turn, as matched by bot/identity.py (never by anything they typed)."""

    person_id: int | None  # None: not on the roster and not named in any plan
    name: str
    aad_object_id: str | None = None
    is_admin: bool = False


class _SharedCard(Attachment):  # type: ignore[misc]
    """A card attachment whose copies share the card.

    botbuilder deep-copies every activity it sends (TurnContext.send_activities), so that sending does
    not change the caller's activity; a card is hundreds of values, and copying a recommendation's card
    took 2-3 ms of a 20 ms turn. Sending never changes a card, and nothing changes one once built.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> _SharedCard:
        return copy.copy(self)


def card_message(card: dict[str, Any]) -> Activity:
    """A message carrying one Adaptive Card."""
    attachment = CardFactory.adaptive_card(card)
    return MessageFactory.attachment(
        _SharedCard(content_type=attachment.content_type, content=attachment.content)
    )


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as the council reads it: "10:04 on 3 December"."""
    local = moment.astimezone(zone)
    return f"{local:%H:%M} on {local.day} {local:%B}"


def viewer_id(turn_context: TurnContext) -> str | None:
    """The Teams user id of whoever this turn is from: a card's refresh is for them."""
    sender = turn_context.activity.from_property
    return sender.id if sender is not None else None


def seen_by_one(turn_context: TurnContext) -> bool:
    """Only the sender sees what this turn answers: a 1:1 chat, or a card put in place for its presser
    (an Action.Execute, a refresh). A card shown to a group offers nobody's buttons; each viewer's
    refresh brings their own."""
    conversation = turn_context.activity.conversation
    personal = conversation is not None and conversation.conversation_type in (None, "personal")
    return personal or in_place(turn_context) is not None


# A command ("update 7") gets the text after its name; a card submit gets the submitted value dict.
Handler = Callable[[DialogContext, Caller, Any], Awaitable[None]]

Submit = TypeVar("Submit", bound=BaseModel)


async def submitted(
    turn_context: TurnContext, model: type[Submit], value: Any, *, refusal: str
) -> Submit | None:
    """A card's submit read as its model; if it does not fit (an old card, a tampered one), the
    person is told `refusal` and None comes back."""
    try:
        return model.model_validate(value)
    except ValidationError:
        await turn_context.send_activity(refusal)
        return None


# Where an Action.Execute turn keeps the card that answers it: turn_context.turn_state[IN_PLACE_KEY].
IN_PLACE_KEY = "CardInPlace"


@dataclass
class CardInPlace:
    """An Action.Execute turn's answer: the card that takes the pressed one's place for the presser,
    and what the bot said meanwhile (shown on that card, or alone when no card comes)."""

    card: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    below: bool = False  # the press starts something below the card (post_below): posted as usual


def in_place(turn_context: TurnContext) -> CardInPlace | None:
    """The answer being built, if this turn is an Action.Execute (or a card's refresh)."""
    held = turn_context.turn_state.get(IN_PLACE_KEY)
    return held if isinstance(held, CardInPlace) else None


def post_below(turn_context: TurnContext) -> None:
    """This press starts something in the chat below its card (the guided dialog, a queue of cards):
    what follows is posted as usual, and the pressed card stays as it is, with its other buttons."""
    held = in_place(turn_context)
    if held is not None:
        held.below = True


async def replace_card(turn_context: TurnContext, card: dict[str, Any]) -> None:
    """Put `card` in place of the card whose button was pressed (a form once saved, a return once
    decided), so it cannot be pressed again; nothing is lost if Teams refuses."""
    held = in_place(turn_context)
    if held is not None:
        held.card = card  # the invoke's answer replaces it
        return
    pressed = turn_context.activity.reply_to_id
    if not pressed:
        return
    replacement = card_message(card)
    replacement.id = pressed
    try:
        await turn_context.update_activity(replacement)
    except Exception:
        log.warning("Could not replace the card %s", pressed, exc_info=True)
