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

from bot.features import build_registry
from bot.package import build_manifest, build_package
from bot.settings import Settings
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


def settings(app_id: str = APP_ID) -> Settings:
    return Settings(app_id=app_id, app_password="secret", app_tenant_id="tenant-guid")


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
def test_the_agents_toolkit_validates_the_package(package: zipfile.ZipFile, tmp_path: Path) -> None:
    package.extractall(tmp_path)
    checked = atk_validate(tmp_path, json.loads(package.read("manifest.json")))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "All passed" in checked.stdout

    # And it does refuse a broken one, so the pass above means something.
    broken = json.loads(package.read("manifest.json"))
    broken["composeExtensions"][0]["commands"][0]["type"] = "search-everything"
    refused = atk_validate(tmp_path, broken)
    assert refused.returncode != 0


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
