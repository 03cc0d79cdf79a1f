"""People: named in plans, kept on the admin's roster, matched to Teams users."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

from sqlalchemy import func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.errors import UserFacingError
from documents.plan_format import is_group_name
from store.models import Person, Review, review_scrutiny_officers


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


class Role(enum.StrEnum):
    OFFICER = "officer"
    ADMIN = "admin"
    CHAIR = "chair"
    SCRUTINY = "scrutiny"  # the scrutiny officer, for every review (or one: save_person's `for_review`)


async def save_person(
    session: AsyncSession,
    *,
    name: str,
    email: str | None,
    roles: list[Role] | None,
    for_review: Review | None = None,
) -> tuple[Person, bool]:
    """Add someone to the roster or update them (matched by name). Returns (person, created).
    With `for_review`, they become that review's scrutiny officer (not every review's)."""
    name = " ".join(name.split())
    if not name:
        raise UserFacingError("A name is needed.")
    person = await session.scalar(select(Person).where(func.lower(Person.name) == name.lower()))
    created = person is None
    if person is None:
        person = Person(name=name, is_officer=True, is_admin=False, is_chair=False, is_group=False)
        session.add(person)
    if email:
        email = email.strip()
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise UserFacingError(f"“{email}” is not an email address.")
        holder = await session.scalar(select(Person).where(func.lower(Person.email) == email.lower()))
        if holder is not None and holder is not person:
            raise UserFacingError(f"{email} is already {holder.name}'s email.")
        person.email = email
    if roles is not None:
        person.is_officer = Role.OFFICER in roles
        person.is_admin = Role.ADMIN in roles
        person.is_chair = Role.CHAIR in roles
        person.is_scrutiny_officer = Role.SCRUTINY in roles and for_review is None
    if for_review is not None:
        await session.flush()
        already = await session.scalar(
            select(review_scrutiny_officers.c.person_id).where(
                review_scrutiny_officers.c.review_id == for_review.id,
                review_scrutiny_officers.c.person_id == person.id,
            )
        )
        if already is None:
            await session.execute(
                insert(review_scrutiny_officers).values(review_id=for_review.id, person_id=person.id)
            )
    await session.flush()
    return person, created


async def add_admin(session: AsyncSession, *, name: str, email: str) -> Person:
    """An admin configured by email who is not on the roster yet: add them, so they can record."""
    taken = await person_named(session, name=name, create=False)
    person = Person(name=f"{name} ({email})" if taken else name, email=email, is_admin=True)
    session.add(person)
    await session.flush()
    return person


async def admin_names(session: AsyncSession, *, admin_emails: set[str]) -> list[str]:
    """Whom to ask: admins on the roster, and those configured by email."""
    admins = await session.scalars(
        select(Person.name)
        .where(or_(Person.is_admin.is_(True), func.lower(Person.email).in_(admin_emails or {""})))
        .order_by(Person.name)
    )
    return list(admins)


async def teams_user_ids(session: AsyncSession, *, person_ids: Iterable[int]) -> list[str]:
    """The Teams user ids of these people, where known (they have spoken to the bot), in id order."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return []
    found = await session.scalars(
        select(Person.teams_user_id)
        .where(Person.id.in_(wanted), Person.teams_user_id.is_not(None))
        .order_by(Person.id)
    )
    return [teams_id for teams_id in found if teams_id]
