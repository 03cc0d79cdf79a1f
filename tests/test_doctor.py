"""`scrutiny-bot doctor` on good settings and on bad ones: each problem said in words, no secret shown."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from store.conversations import remember_conversation
from store.db import Database
from store.models import ConversationKind

SECRET = "Zq8~doctor-test-secret-0123456789"
GOOD = {
    "MicrosoftAppId": "6f1e2d3c-0000-4000-8000-00000000b07a",
    "MicrosoftAppPassword": SECRET,
    "MicrosoftAppTenantId": "72f988bf-0000-4000-8000-00000000c0de",
    "SCRUTINY_PUBLIC_URL": "https://scrutiny.example.gov.uk",
    "SCRUTINY_TIME_ZONE": "Europe/London",
    "HOST": "127.0.0.1",
}


def doctor(env: dict[str, str | None]) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["doctor"], env={"COLUMNS": "300", **env})
    return result.exit_code, " ".join(result.output.split())


def test_good_settings_are_all_well(database_url: str) -> None:
    code, said = doctor({**GOOD, "DATABASE_URL": database_url})
    assert code == 0, said
    assert "✓ MicrosoftAppId is set and shaped like an app registration's id." in said
    assert "✓ MicrosoftAppPassword is set (not shown)." in said
    assert "✓ People reach the bot at scrutiny.example.gov.uk" in said
    assert "✓ Its tables are up to date (migration 0005)." in said
    assert said.endswith("All is well.") and SECRET not in said


async def _a_playground_conversation(database_url: str) -> None:
    database = Database(database_url)
    async with database.session() as session:  # as the Agents Playground leaves one
        await remember_conversation(
            session,
            conversation_id="a:playground",
            kind=ConversationKind.PERSONAL,
            service_url="http://127.0.0.1:56150/_connector",
            reference={},
            tenant_id=None,
        )
    await database.dispose()


def test_bad_settings_are_each_said_in_words(database_url: str, tmp_path: Path) -> None:
    asyncio.run(_a_playground_conversation(database_url))
    code, said = doctor(
        {
            **GOOD,
            "DATABASE_URL": database_url,
            "MicrosoftAppId": "my-bot",
            "MicrosoftAppPassword": "tiny-Secret9",
            "MicrosoftAppTenantId": "council",
            "SCRUTINY_PUBLIC_URL": "http://scrutiny.example.gov.uk",
            "SCRUTINY_TIME_ZONE": "Mars/Olympus_Mons",
        }
    )
    assert code == 1
    for problem in (
        "✗ MicrosoftAppId is not a GUID",
        "✗ MicrosoftAppPassword looks too short for a client secret",
        "✗ MicrosoftAppTenantId is not a GUID",
        "✗ SCRUTINY_PUBLIC_URL must be an https:// address",
        "✗ SCRUTINY_TIME_ZONE='Mars/Olympus_Mons' is not a time zone",
        "✗ Some conversations were stored from outside Teams (127.0.0.1)",
    ):
        assert problem in said, said
    assert "6 problem(s) found." in said and "tiny-Secret9" not in said

    unmigrated = f"sqlite:///{tmp_path / 'empty.db'}"
    code, said = doctor({**GOOD, "DATABASE_URL": unmigrated})
    assert (
        code == 1 and "✗ Its tables are at migration none, not 0005: run `scrutiny-bot db upgrade`." in said
    )

    code, said = doctor({**GOOD, "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/scrutiny"})
    assert (
        code == 1 and "✗ The database at postgresql://nobody@127.0.0.1:9/scrutiny cannot be reached" in said
    )

    code, said = doctor({**GOOD, "MicrosoftAppPassword": None, "DATABASE_URL": database_url})
    assert code == 1
    assert "✗ The settings are not valid: MicrosoftAppPassword is required when MicrosoftAppId is set" in said
