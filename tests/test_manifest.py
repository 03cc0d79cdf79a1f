"""The Teams app package: what Teams' upload checks, checked here offline against Microsoft's own schema."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.features import build_registry
from bot.package import TAB_PARTS, build_manifest, build_package
from bot.settings import Settings
from bot.tab_signin import _audiences
from documents.errors import UserFacingError
from store.db import Database

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "tests/playground/node_modules/@microsoft/app-manifest/build/json-schemas/teams"
ATK = ROOT / "tests/playground/node_modules/.bin/atk"
APP_ID = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b"
# Said only in the middle of something else; the menu starts things.
# Teams takes 10 commands a menu, and every menu is full: an admin records a plan's agreement and its
# sign-off once a review, and its link officers "respond" once, mostly from their reminder's button;
# typed (and listed by "help"), they give way to what officers use daily. So does "draft": a plan is
# drafted once, before its review's monitoring starts.
NOT_IN_MENU = {"cancel", "back", "plan agreed", "review signed off", "respond", "draft"}


PUBLIC = "https://Scrutiny.Example.gov.uk/"  # as an admin might type it


def settings(app_id: str = APP_ID, **more: Any) -> Settings:
    return Settings(app_id=app_id, app_password="secret", app_tenant_id="tenant-guid", **more)


@pytest.fixture(scope="module")
def schemas() -> Path:
    """Microsoft's manifest schemas, from npm @microsoft/app-manifest (installed by scripts/node-deps.sh)."""
    if not (SCHEMAS / "v1.22").is_dir():
        if not shutil.which("npm"):
            pytest.skip(
                "npm is not installed, so the Teams manifest schemas (npm @microsoft/app-manifest) are not"
            )
        subprocess.run([ROOT / "scripts/node-deps.sh"], check=True)
    return SCHEMAS


def schema_for(schemas: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    return json.loads((schemas / f"v{manifest['manifestVersion']}/MicrosoftTeams.schema.json").read_text())


def validation_errors(schema: dict[str, Any], manifest: dict[str, Any]) -> list[str]:
    # No check_schema: from v1.23 one pattern uses \p{L}, which Python's re cannot compile (unused here).
    validator = jsonschema.Draft4Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(manifest)]


@pytest.fixture
def package(tmp_path: Path) -> zipfile.ZipFile:
    path = build_package(settings(), output=tmp_path / "out" / "app.zip", valid_domains=["Bot.Example.org"])
    return zipfile.ZipFile(path)


def test_package_holds_a_manifest_valid_against_microsofts_schema(
    package: zipfile.ZipFile, schemas: Path
) -> None:
    assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
    manifest = json.loads(package.read("manifest.json"))

    assert validation_errors(schema_for(schemas, manifest), manifest) == []
    assert manifest["manifestVersion"] >= "1.22"
    assert manifest["id"] == APP_ID
    assert manifest["bots"][0]["botId"] == APP_ID
    assert manifest["validDomains"] == ["bot.example.org"]
    assert manifest["version"] == version("scrutiny-bot")
    bot = manifest["bots"][0]
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert bot["supportsFiles"] is True  # files sent in the 1:1 chat are evidence (dialogs/evidence.py)
    (extension,) = manifest["composeExtensions"]
    assert extension["botId"] == APP_ID
    assert [(c["id"], c["type"], c["context"]) for c in extension["commands"]] == [
        ("findRecommendation", "query", ["compose", "commandBox"]),  # any compose box: chats, meetings
        ("addEvidence", "action", ["message"]),
    ]
    # Recommendations' links on the bot's own domain unfurl into their card.
    assert extension["messageHandlers"] == [{"type": "link", "value": {"domains": ["bot.example.org"]}}]
    assert sorted(s for commands in bot["commandLists"] for s in commands["scopes"]) == sorted(bot["scopes"])
    # Teams' command menu shows at most 10 commands per scope, fewer than the schema's limit of 12.
    assert all(len(commands["commands"]) <= 10 for commands in bot["commandLists"])


def atk_validate(folder: Path, manifest: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """The Microsoft 365 Agents Toolkit CLI's offline check of a manifest (icons beside it)."""
    if not ATK.exists():
        subprocess.run([ROOT / "scripts/node-deps.sh"], check=True, timeout=600)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    home = folder / "home"  # atk keeps its settings in the home folder: not the user's
    home.mkdir(exist_ok=True)
    return subprocess.run(
        [ATK, "validate", "--manifest-file", folder / "manifest.json", "-i", "false", "--telemetry", "false"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HOME": str(home)},
    )


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_agents_toolkit_validates_the_package_with_its_tabs(
    tabbed: zipfile.ZipFile, tmp_path: Path
) -> None:
    tabbed.extractall(tmp_path)
    manifest = json.loads(tabbed.read("manifest.json"))
    assert set(TAB_PARTS) <= set(manifest)
    checked = atk_validate(tmp_path, manifest)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "All passed" in checked.stdout

    # And it does refuse a broken one, so the pass above means something.
    broken = json.loads(tabbed.read("manifest.json"))
    broken["configurableTabs"][0]["context"].append("meetingEverywhere")
    refused = atk_validate(tmp_path, broken)
    assert refused.returncode != 0


@pytest.fixture
def tabbed(tmp_path: Path) -> zipfile.ZipFile:
    """The package of a bot with an https public address: with the Teams tabs."""
    return zipfile.ZipFile(build_package(settings(public_url=PUBLIC), output=tmp_path / "tabbed.zip"))


def test_the_tabs_are_the_committees_pages_at_the_public_address(
    tabbed: zipfile.ZipFile, schemas: Path
) -> None:
    manifest = json.loads(tabbed.read("manifest.json"))
    assert validation_errors(schema_for(schemas, manifest), manifest) == []
    base = "https://scrutiny.example.gov.uk"
    # The bot's chat stays the first tab, where officers land; then "My actions"; then About.
    conversations, me, about = manifest["staticTabs"]
    assert conversations == {"entityId": "conversations", "scopes": ["personal"]}
    assert about == {"entityId": "about", "scopes": ["personal"]}
    assert me == {
        "entityId": "me",  # documents/links.py deep-links cards into it
        "name": "My actions",
        "contentUrl": base + "/tab/me",
        "websiteUrl": base + "/tab/me",
        "scopes": ["personal"],
    }
    (review,) = manifest["configurableTabs"]
    assert review["configurationUrl"] == base + "/tab/configure"
    assert review["canUpdateConfiguration"] is True
    assert review["scopes"] == ["team", "groupChat"]
    assert {"meetingSidePanel", "meetingStage", "channelTab", "meetingChatTab"} <= set(review["context"])
    assert review["meetingSurfaces"] == ["sidePanel", "stage"]
    # "Share to stage" (teams-js meeting.shareAppContentToStage) needs this consent in the meeting.
    assert manifest["authorization"]["permissions"]["resourceSpecific"] == [
        {"name": "MeetingStage.Write.Chat", "type": "Delegated"}
    ]
    assert manifest["validDomains"] == ["scrutiny.example.gov.uk"]


def test_the_tabs_sign_in_for_the_audience_the_bot_accepts(tabbed: zipfile.ZipFile) -> None:
    """Teams asks Entra ID for a token for `resource`; bot/tab_signin.py takes only its audiences."""
    sso = json.loads(tabbed.read("manifest.json"))["webApplicationInfo"]
    assert sso == {"id": APP_ID, "resource": f"api://scrutiny.example.gov.uk/{APP_ID}"}
    assert sso["resource"] in _audiences(settings(public_url=PUBLIC), "scrutiny.example.gov.uk")


NO_TABS = {
    "no public address": ({}, "SCRUTINY_PUBLIC_URL is not set"),
    "http": ({"SCRUTINY_PUBLIC_URL": "http://scrutiny.example.gov.uk"}, "only from an https address"),
    "a managed identity": (
        {"SCRUTINY_PUBLIC_URL": PUBLIC, "MicrosoftAppType": "UserAssignedMSI"},
        "MicrosoftAppId is a managed identity",
    ),
}


@pytest.mark.parametrize(("env", "said"), NO_TABS.values(), ids=NO_TABS.keys())
def test_a_package_without_tabs_says_why(env: dict[str, str], said: str, tmp_path: Path) -> None:
    out = tmp_path / "app.zip"
    result = package_command(out, {"SCRUTINY_PUBLIC_URL": "", **env})
    assert result.exit_code == 0, result.output
    wrote, why = result.output.strip().splitlines()  # one plain sentence after the usual line
    assert wrote == f"Wrote {out}."
    assert why.startswith("The package has no Teams tabs: ") and said in why
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert set(TAB_PARTS) & set(manifest) == set()
    assert manifest["bots"][0]["botId"] == APP_ID  # the bot itself is all there


def package_command(out: Path, env: dict[str, str]) -> Result:
    registration = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "secret", "MicrosoftAppTenantId": "t"}
    return CliRunner().invoke(app, ["package", "-o", str(out)], env={"COLUMNS": "300", **registration, **env})


def test_a_package_with_tabs_says_nothing_more(tmp_path: Path) -> None:
    out = tmp_path / "app.zip"
    result = package_command(out, {"SCRUTINY_PUBLIC_URL": PUBLIC})
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote {out}."


def test_schema_catches_a_broken_manifest(schemas: Path) -> None:
    """Guards the check above: a validator that accepts anything would let every manifest through."""
    manifest = build_manifest(settings())
    manifest["bots"][0]["scopes"] = ["everywhere"]
    del manifest["developer"]
    errors = validation_errors(schema_for(schemas, manifest), manifest)
    assert any("developer" in e for e in errors)
    assert any(e.startswith("bots/0/scopes/0") for e in errors)


def test_icons_are_the_sizes_teams_wants(package: zipfile.ZipFile) -> None:
    with package.open("color.png") as file, Image.open(file) as color:
        assert (color.format, color.size) == ("PNG", (192, 192))
    with package.open("outline.png") as file, Image.open(file) as outline:
        assert (outline.format, outline.size) == ("PNG", (32, 32))
        rgba = outline.convert("RGBA")
        pixels = [rgba.getpixel((x, y)) for x in range(32) for y in range(32)]
    # Teams tints the outline icon: white on a transparent background, nothing else.
    alphas = {pixel[3] for pixel in pixels}
    assert {0, 255} <= alphas
    assert {pixel[:3] for pixel in pixels if pixel[3]} == {(255, 255, 255)}


async def test_every_command_in_the_menu_has_a_handler(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'unused.db'}")
    try:
        registry = build_registry(db, settings())
    finally:
        await db.dispose()
    handled = {name for command in registry.commands for name in command.names}

    manifest = build_manifest(settings())
    for command_list in manifest["bots"][0]["commandLists"]:
        listed = {command["title"] for command in command_list["commands"]}
        assert {"help", "update"} <= listed, command_list["scopes"]
        assert listed - handled == set(), f"in the {command_list['scopes']} menu but not handled"
    menu = {c["title"] for lists in manifest["bots"][0]["commandLists"] for c in lists["commands"]}
    # A new command belongs in Teams' command menu too (manifest/manifest.template.json), so people find it.
    unlisted = {command.name for command in registry.commands} - menu - NOT_IN_MENU
    assert unlisted == set(), "add these to the commandLists in manifest/manifest.template.json"


@pytest.mark.parametrize("app_id", ["", "   "])
def test_missing_app_id_is_explained(app_id: str, tmp_path: Path) -> None:
    bare = Settings.model_construct(app_id=app_id)  # settings would refuse a blank id with a password
    with pytest.raises(UserFacingError, match="needs the bot's Microsoft App ID"):
        build_package(bare, output=tmp_path / "app.zip")
    assert not (tmp_path / "app.zip").exists()


def test_app_id_that_is_not_a_guid_is_explained(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match="needs a GUID"):
        build_package(settings("my-bot"), output=tmp_path / "app.zip")
