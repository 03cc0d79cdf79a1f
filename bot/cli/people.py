"""`people add / import / list / unmerge`: the roster of officers, admins and chairs; owners apart."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import fail, plain_errors, run, terminal
from documents.errors import UserFacingError
from store.models import Person, action_responsible_people
from store.people import Role, save_person
from store.plan import require_review, unmerge

people_app = typer.Typer(help="The roster: officers, admins and chairs.", no_args_is_help=True)


def _roles_text(text: str) -> list[Role]:
    roles = []
    for word in re.split(r"[\s,;/|]+", text.strip().lower()):
        if not word:
            continue
        try:
            roles.append(Role(word))
        except ValueError:
            raise UserFacingError(f"“{word}” is not a role: use officer, admin, chair or scrutiny.") from None
    return roles


@people_app.command("add")
def people_add(
    name: Annotated[str, typer.Argument(help="Full name, as plans write it: “Lorraine Dixon”.")],
    email: Annotated[str | None, typer.Option(help="Their Teams sign-in (email/UPN).")] = None,
    role: Annotated[
        list[Role] | None,
        typer.Option(
            "--role", help="officer, admin, chair or scrutiny; repeat for several. Default: officer."
        ),
    ] = None,
    scrutiny_for: Annotated[
        str | None,
        typer.Option("--scrutiny-for", help="Make them this review's scrutiny officer (not every review's)."),
    ] = None,
) -> None:
    """Add someone to the roster, or change their email or roles."""

    async def work(session: AsyncSession) -> str:
        review = await require_review(session, scrutiny_for) if scrutiny_for else None
        person, created = await save_person(session, name=name, email=email, roles=role, for_review=review)
        verb = "Added" if created else "Updated"
        roles = ", ".join(person.roles) or "no role"
        scrutiny = f"; scrutiny officer for “{review.title}”" if review else ""
        return f"{verb} {person.name} ({person.email or 'no email'}; {roles}{scrutiny})."

    terminal().print(run(work), markup=False)


@people_app.command("import")
def people_import(
    path: Annotated[Path, typer.Argument(help="A CSV file with columns name, email, roles.")],
) -> None:
    """Add or update everyone in a CSV file (roles separated by spaces or semicolons)."""
    with plain_errors():
        if not path.is_file():
            raise UserFacingError(f"There is no file {path}.")
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
    if rows and "name" not in {(key or "").strip().lower() for key in rows[0]}:
        fail(f"{path.name} needs a header row with the columns name, email, roles.")

    async def work(session: AsyncSession) -> tuple[int, int]:
        added = updated = 0
        for line, raw in enumerate(rows, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            if not row.get("name"):
                continue
            try:
                roles = _roles_text(row["roles"]) if row.get("roles") else None
                _, created = await save_person(session, name=row["name"], email=row.get("email"), roles=roles)
            except UserFacingError as error:
                raise UserFacingError(f"{path.name}, line {line}: {error} Nothing was imported.") from None
            added, updated = added + created, updated + (not created)
        return added, updated

    added, updated = run(work)
    terminal().print(f"Added {added} and updated {updated} people from {path.name}.", markup=False)


@people_app.command("unmerge")
def people_unmerge(
    name: Annotated[str, typer.Argument(help="The spelling an import took for another owner.")],
) -> None:
    """Keep apart a name an import took for another owner (“Digital Service Group”)."""

    async def work(session: AsyncSession) -> str:
        was, refs = await unmerge(session, spelling=name)
        return (
            f"“{' '.join(name.split())}” is an owner of its own again, for {', '.join(refs)} "
            f"(it had been taken for “{was}”). Imports keep them apart from now on."
        )

    terminal().print(run(work), markup=False)


@people_app.command("list")
def people_list() -> None:
    """Everyone on the roster or named in a plan, with the actions they are responsible for."""

    async def work(session: AsyncSession) -> Table:
        counted = await session.execute(
            select(action_responsible_people.c.person_id, func.count()).group_by(
                action_responsible_people.c.person_id
            )
        )
        owned = {person_id: count for person_id, count in counted}
        table = Table("Name", "Email", "Roles", "Actions")
        for person in await session.scalars(select(Person).order_by(Person.name)):
            roles = "group" if person.is_group else ", ".join(person.roles)
            table.add_row(person.name, person.email or "", roles, str(owned.get(person.id, 0)))
        return table

    table = run(work)
    if not table.row_count:
        fail("Nobody yet: add people with “scrutiny-bot people add NAME”, or import a plan.")
    terminal().print(table)
