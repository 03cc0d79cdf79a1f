"""What to tell someone the bot doesn't know: one sentence wherever it is said, naming whom to ask."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from cards import messages
from store.people import admin_names


def or_list(items: Sequence[str]) -> str:
    """ "A", "A or B", "A, B or C"."""
    if len(items) < 2:
        return "".join(items)
    return messages.OR_LIST.format(some=", ".join(items[:-1]), last=items[-1])


async def not_on_roster(
    session: AsyncSession, *, admin_emails: set[str] | frozenset[str], consequence: str
) -> str:
    """`consequence` says what the bot can't do for them (messages.NOT_ON_ROSTER_*); the admins on the
    roster (or configured by email) are named, else "an admin"."""
    admins = await admin_names(session, admin_emails=set(admin_emails)) or sorted(admin_emails)
    named = or_list(admins) if admins else messages.NOT_ON_ROSTER_ANY_ADMIN
    return messages.NOT_ON_ROSTER.format(consequence=consequence, admins=named)
