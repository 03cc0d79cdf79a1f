"""Who is speaking: the Teams user behind a turn, matched to the roster by what Teams vouches for.

Only the AAD object id on the activity and the email/UPN Teams reports for that user count; nothing a
person types can make the bot take them for someone else.
"""

from __future__ import annotations

import logging

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema.teams import TeamsChannelAccount
from botframework.connector import Channels
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from cards import messages
from dialogs.context import Caller
from dialogs.roster import not_on_roster
from store.db import Database
from store.models import Person
from store.people import add_admin, person_by_aad_id, person_by_email

log = logging.getLogger(__name__)


async def _teams_member(turn_context: TurnContext) -> TeamsChannelAccount | None:
    sender = turn_context.activity.from_property
    if turn_context.activity.channel_id != Channels.ms_teams or sender is None or not sender.id:
        return None
    try:
        return await TeamsInfo.get_member(turn_context, sender.id)
    except Exception as error:
        # Without the directory entry the person is simply unknown; the turn goes on.
        log.warning("Could not look up the Teams member who sent this: %s", type(error).__name__)
        return None


def _addresses(member: TeamsChannelAccount | None) -> list[str]:
    if member is None:
        return []
    found = (member.email, member.user_principal_name)
    return list(dict.fromkeys(address.strip().lower() for address in found if address and address.strip()))


async def known_sender(session: AsyncSession, turn_context: TurnContext, settings: Settings) -> Caller | None:
    """The sender, if the roster knows them by the AAD id on the activity (everyone after their first
    message); else None, and `teams_caller` asks Teams."""
    sender = turn_context.activity.from_property
    aad_object_id = sender.aad_object_id if sender else None
    person = await person_by_aad_id(session, aad_object_id=aad_object_id) if aad_object_id else None
    if person is None:
        return None
    _remember_teams_id(person, turn_context)
    return _caller(person, aad_object_id, [], settings)


def _remember_teams_id(person: Person, turn_context: TurnContext) -> None:
    """Kept for the cards Teams refreshes for this person (written once, when it first differs)."""
    sender = turn_context.activity.from_property
    in_teams = turn_context.activity.channel_id == Channels.ms_teams
    if in_teams and sender is not None and sender.id and person.teams_user_id != sender.id:
        person.teams_user_id = sender.id


async def caller_for(turn_context: TurnContext, db: Database, settings: Settings) -> Caller:
    async with db.session() as session:
        known = await known_sender(session, turn_context, settings)
    return known or await teams_caller(turn_context, db, settings)


async def teams_caller(turn_context: TurnContext, db: Database, settings: Settings) -> Caller:
    """The sender as Teams describes them (email, UPN) matched to the roster: for someone it does not
    know by AAD id yet. Their AAD id is then remembered."""
    sender = turn_context.activity.from_property
    teams_name = (sender.name if sender else None) or ""
    aad_object_id = sender.aad_object_id if sender else None
    # Asked of Teams outside any unit of work: a slow answer must not hold the database meanwhile.
    member = await _teams_member(turn_context)
    addresses = _addresses(member)
    aad_object_id = aad_object_id or (member.aad_object_id if member else None)
    teams_name = teams_name or (member.name if member and member.name else "")
    async with db.session() as session:
        person: Person | None = None
        for address in addresses:
            person = await person_by_email(session, email=address)
            if person is not None:
                break
        if person is None:
            admin_address = next((a for a in addresses if a in settings.admin_emails), None)
            if admin_address:
                person = await add_admin(session, name=teams_name or admin_address, email=admin_address)
        if person is not None and aad_object_id and person.aad_object_id != aad_object_id:
            # Remembered so the next turn matches at once, without asking Teams.
            person.aad_object_id = aad_object_id
        if person is not None:
            _remember_teams_id(person, turn_context)
        if person is None:
            return Caller(person_id=None, name=teams_name, aad_object_id=aad_object_id, is_admin=False)
        return _caller(person, aad_object_id, addresses, settings)


def _caller(person: Person, aad_object_id: str | None, addresses: list[str], settings: Settings) -> Caller:
    is_admin = person.is_admin or any(
        address in settings.admin_emails for address in [*addresses, (person.email or "").lower()]
    )
    return Caller(person_id=person.id, name=person.name, aad_object_id=aad_object_id, is_admin=is_admin)


async def roster_refusal(session: AsyncSession, settings: Settings) -> str:
    """What to tell someone the bot doesn't know who asked to record something, naming whom to ask."""
    return await not_on_roster(
        session, admin_emails=settings.admin_emails, consequence=messages.NOT_ON_ROSTER_RECORD
    )
