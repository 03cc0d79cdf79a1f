"""`scrutiny-bot doctor`: is this installation set up right? Each check says in words what it found and,
when something is wrong, what to do; exit code 1 if anything is. Never prints a secret.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from pydantic import ValidationError
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bot.cli.common import terminal
from bot.package import GUID
from bot.settings import Settings, is_loopback
from store.db import Database, current_revision, head_revision
from store.models import TeamsConversation

# Where Teams' Bot Connector lives: a stored conversation whose service URL is elsewhere came from a
# test tool (the Agents Playground, a fake) and cannot be posted to from a council's tenant.
TEAMS_SERVICE_HOSTS = (
    "smba.trafficmanager.net",
    ".botframework.com",
    ".botframework.us",
    ".teams.microsoft.com",
)


@dataclass(frozen=True)
class Finding:
    ok: bool
    says: str


def _registration(settings: Settings) -> list[Finding]:
    if not settings.app_id:
        return [
            Finding(
                True,
                "No MicrosoftAppId: local mode. Requests are not authenticated, so the bot listens on "
                f"{settings.host} only. Register the bot in Azure to use it in Teams.",
            )
        ]
    found = []
    if GUID.match(settings.app_id.strip()):
        found.append(Finding(True, "MicrosoftAppId is set and shaped like an app registration's id."))
    else:
        found.append(
            Finding(
                False,
                "MicrosoftAppId is not a GUID (00000000-0000-0000-0000-000000000000): copy the "
                "Application (client) ID from the app registration.",
            )
        )
    secret = settings.app_password.get_secret_value() if settings.app_password else ""
    if settings.app_type == "UserAssignedMSI":
        found.append(Finding(True, "A managed identity signs the bot in: no client secret is needed."))
    elif len(secret) < 16:
        found.append(
            Finding(False, "MicrosoftAppPassword looks too short for a client secret: make a new one.")
        )
    else:
        found.append(Finding(True, "MicrosoftAppPassword is set (not shown)."))
    if settings.app_type == "MultiTenant":
        found.append(
            Finding(
                False,
                "MicrosoftAppType=MultiTenant: Microsoft no longer creates these bots; "
                "register a SingleTenant one.",
            )
        )
    elif not GUID.match(settings.app_tenant_id.strip()):
        found.append(
            Finding(
                False,
                "MicrosoftAppTenantId is not a GUID: copy the Directory (tenant) ID from Microsoft Entra ID.",
            )
        )
    else:
        found.append(Finding(True, f"The bot belongs to tenant {settings.app_tenant_id}."))
    return found


def _addresses(settings: Settings) -> list[Finding]:
    found = []
    try:
        ZoneInfo(settings.time_zone)
        found.append(Finding(True, f"Dates and times are in {settings.time_zone}."))
    except (ZoneInfoNotFoundError, ValueError):
        found.append(
            Finding(
                False, f"SCRUTINY_TIME_ZONE={settings.time_zone!r} is not a time zone (Europe/London, say)."
            )
        )
    if settings.public_url:
        parts = urlsplit(settings.public_url)
        if parts.scheme != "https" or not parts.hostname:
            found.append(Finding(False, "SCRUTINY_PUBLIC_URL must be an https:// address, as Teams needs."))
        else:
            found.append(Finding(True, f"People reach the bot at {parts.hostname}; links start there."))
    elif settings.app_id:
        found.append(
            Finding(
                False,
                "SCRUTINY_PUBLIC_URL is empty: recommendations' links would point at this machine. Set "
                "it to the bot's public https:// address.",
            )
        )
    if not settings.admin_emails:
        found.append(
            Finding(True, "SCRUTINY_ADMINS is empty: admins are only those given the role by `people add`.")
        )
    return found


async def _database(settings: Settings) -> list[Finding]:
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            await session.execute(text("SELECT 1"))
    except Exception as error:
        await database.dispose()
        return [Finding(False, f"The database at {where} cannot be reached ({type(error).__name__}).")]
    found = [Finding(True, f"The database at {where} answers.")]
    try:
        async with database.session() as session:
            revision = await current_revision(session)
            urls = list(await session.scalars(select(TeamsConversation.service_url).distinct()))
    except Exception:
        revision, urls = None, []
    finally:
        await database.dispose()
    head = head_revision()
    if revision == head:
        found.append(Finding(True, f"Its tables are up to date (migration {head})."))
    else:
        found.append(
            Finding(
                False,
                f"Its tables are at migration {revision or 'none'}, not {head}: "
                "run `scrutiny-bot db upgrade`.",
            )
        )
    if settings.app_id:
        strange = sorted({urlsplit(u).hostname or u for u in urls if not _teams_host(u)})
        if strange:
            found.append(
                Finding(
                    False,
                    "Some conversations were stored from outside Teams (" + ", ".join(strange) + "): the bot "
                    "cannot post there. Were they made by a test tool against this database?",
                )
            )
        else:
            found.append(Finding(True, f"All {len(urls)} service address(es) stored are Teams' own."))
    return found


def _teams_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h.lstrip(".") or host.endswith(h) for h in TEAMS_SERVICE_HOSTS)


def check(load: Callable[[], Settings]) -> list[Finding]:
    try:
        settings = load()
    except ValidationError as error:
        problems = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
        return [Finding(False, f"The settings are not valid: {problems}")]
    found = _registration(settings) + _addresses(settings)
    if not settings.app_id and not is_loopback(settings.host):
        found.append(Finding(False, f"HOST={settings.host} without an app id lets anyone act as anyone."))
    return found + asyncio.run(_database(settings))


def doctor() -> None:
    """Check the configuration: the app registration, addresses, the time zone and the database."""
    findings = check(lambda: Settings())  # type: ignore[call-arg]
    console = terminal()
    for finding in findings:
        console.print(("✓ " if finding.ok else "✗ ") + finding.says, markup=False)
    problems = sum(not f.ok for f in findings)
    console.print(f"{problems} problem(s) found." if problems else "All is well.", markup=False)
    if problems:
        raise typer.Exit(1)
