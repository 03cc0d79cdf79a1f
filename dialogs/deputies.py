"""Deputies in Teams: "delegate 7.2 to Liz Purdy", "delegate all to Liz Purdy for September 2020",
"delegations", "undelegate" (or "undelegate 7.2"). The rules are store/deputies.py's."""

from __future__ import annotations

import re
from typing import Any

from botbuilder.dialogs import DialogContext

from cards import messages
from dialogs.context import Caller
from documents.errors import UserFacingError
from store.db import Database
from store.deputies import delegate, delegations, undelegate

# "7.2", "7", "all"; then "to NAME", perhaps "for September 2020".
_WHAT = r"(?:(?P<all>all)|(?:rec(?:ommendation)?\s*)?(?P<number>\d+)(?:\s*[./]\s*(?P<position>\d+))?)"
_DELEGATE = re.compile(
    rf"^{_WHAT}\s+to\s+(?P<deputy>.+?)(?:\s+for\s+(?P<round>[a-z]+\.?\s+\d{{4}}))?\s*$", re.I
)
_UNDELEGATE = re.compile(rf"^(?:{_WHAT})?\s*$", re.I)


def _target(match: re.Match[str]) -> tuple[int | None, int | None]:
    number, position = match.group("number"), match.group("position")
    return (int(number) if number else None, int(position) if position else None)


class DeputyHandlers:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def delegate(self, dc: DialogContext, caller: Caller, args: Any) -> None:
        match = _DELEGATE.match(" ".join(str(args or "").split()))
        if match is None or caller.person_id is None:
            await dc.context.send_activity(messages.DELEGATE_HOW)
            return
        number, position = _target(match)
        try:
            async with self._db.session() as session:
                done = await delegate(
                    session,
                    person_id=caller.person_id,
                    is_admin=caller.is_admin,
                    number=number,
                    position=position,
                    deputy_name=match.group("deputy"),
                    round_label=match.group("round"),
                )
        except UserFacingError as refusal:
            await dc.context.send_activity(str(refusal))
            return
        first = done[0]
        actions = "; ".join(d.action for d in done)
        await dc.context.send_activity(
            messages.DELEGATED.format(
                deputy=first.deputy, actions=actions, round=first.round_label, owner=first.owner
            )
        )

    async def list(self, dc: DialogContext, caller: Caller, args: Any) -> None:
        async with self._db.session() as session:
            named = await delegations(session, person_id=caller.person_id, is_admin=caller.is_admin)
        if not named:
            await dc.context.send_activity(messages.DELEGATIONS_NONE)
            return
        lines = [
            messages.DELEGATION_LINE.format(
                action=d.action, review=d.review_title, round=d.round_label, deputy=d.deputy, owner=d.owner
            )
            for d in named
        ]
        await dc.context.send_activity("\n".join(lines))

    async def undelegate(self, dc: DialogContext, caller: Caller, args: Any) -> None:
        match = _UNDELEGATE.match(" ".join(str(args or "").split()))
        if match is None or caller.person_id is None:
            await dc.context.send_activity(messages.UNDELEGATED_NONE)
            return
        number, position = _target(match)
        async with self._db.session() as session:
            ended = await undelegate(
                session,
                person_id=caller.person_id,
                is_admin=caller.is_admin,
                number=number,
                position=position,
            )
        reply = messages.UNDELEGATED.format(count=ended) if ended else messages.UNDELEGATED_NONE
        await dc.context.send_activity(reply)
