"""What the bot layer hands to dialogs and card-submit handlers: who is speaking."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from botbuilder.dialogs import DialogContext


@dataclass(frozen=True)
class Caller:
    """The Teams user behind this turn, as matched by bot/identity.py (never by anything they typed)."""

    person_id: int | None  # None: not on the roster and not named in any plan
    name: str
    aad_object_id: str | None = None
    is_admin: bool = False


# A command ("update 7") gets the text after its name; a card submit gets the submitted value dict.
Handler = Callable[[DialogContext, Caller, Any], Awaitable[None]]
