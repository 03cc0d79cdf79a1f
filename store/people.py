"""People: named in plans, kept on the admin's roster, matched to Teams users."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Person

# "Digital Services Group" is responsible for actions but is not a person who logs in.
_GROUP_WORDS = re.compile(r"\b(group|team|board|service|services|panel|committee|partnership)\b", re.I)


def names_in_responsibility(responsibility: str) -> list[str]:
    """ "Lorraine Dixon / Liz Purdy" -> ["Lorraine Dixon", "Liz Purdy"]."""
    parts = re.split(r"\s*(?:/|&|;|,|\band\b)\s*", responsibility)
    return [" ".join(p.split()) for p in parts if p.strip()]


def is_group_name(name: str) -> bool:
    return bool(_GROUP_WORDS.search(name))


async def person_named(session: AsyncSession, *, name: str, create: bool = True) -> Person | None:
    name = " ".join(name.split())
    person = await session.scalar(select(Person).where(func.lower(Person.name) == name.lower()))
    if person is None and create:
        person = Person(name=name, is_group=is_group_name(name), is_officer=not is_group_name(name))
        session.add(person)
        await session.flush()
    return person


async def person_by_email(session: AsyncSession, *, email: str) -> Person | None:
    return await session.scalar(select(Person).where(func.lower(Person.email) == email.strip().lower()))


async def person_by_aad_id(session: AsyncSession, *, aad_object_id: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.aad_object_id == aad_object_id))
