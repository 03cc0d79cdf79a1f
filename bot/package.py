"""The Teams app package: manifest.json filled in from the settings, zipped with the two icons.

An admin uploads the zip in Teams (Apps → Manage your apps → Upload an app) or in the Teams admin
centre. The manifest's static parts live in manifest/manifest.template.json; what differs per
installation (the bot's app id, the version, the domains) is set here.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Sequence
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.settings import Settings
from documents.errors import UserFacingError

MANIFEST_DIR = Path(__file__).resolve().parents[1] / "manifest"
TEMPLATE = MANIFEST_DIR / "manifest.template.json"
ICONS = ("color.png", "outline.png")

# The manifest schema's own patterns for these two fields.
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
PLACEHOLDER = "${{"


def build_manifest(
    settings: Settings,
    *,
    version: str | None = None,
    valid_domains: Sequence[str] = (),
    short_name: str | None = None,
) -> dict[str, Any]:
    """The manifest.json content for this installation; UserFacingError says what is missing."""
    app_id = settings.app_id.strip()
    if not app_id:
        raise UserFacingError(
            "The Teams app package needs the bot's Microsoft App ID. Register the bot (Azure Bot "
            "resource), then set MicrosoftAppId, MicrosoftAppPassword and MicrosoftAppTenantId and try again."
        )
    if not GUID.match(app_id):
        raise UserFacingError(
            f"MicrosoftAppId is {app_id!r}, but Teams needs a GUID such as "
            "00000000-0000-0000-0000-000000000000: copy it from the Azure Bot resource's Configuration page."
        )
    version = version or installed_version("scrutiny-bot")
    if not SEMVER.match(version):
        raise UserFacingError(f"The app version {version!r} must be three numbers, such as 1.2.0.")

    manifest: dict[str, Any] = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    manifest["id"] = app_id  # one registration: the Teams app and its bot share the id
    manifest["version"] = version
    for bot in [*manifest["bots"], *manifest.get("composeExtensions", [])]:
        bot["botId"] = app_id
    if not valid_domains and settings.public_url:
        valid_domains = [urlsplit(settings.public_url).hostname or ""]
    manifest["validDomains"] = list(dict.fromkeys(d.strip().lower() for d in valid_domains if d.strip()))
    if manifest["validDomains"]:
        # Recommendations' links on these domains (documents/links.py) unfurl into their status card.
        link = {"type": "link", "value": {"domains": manifest["validDomains"]}}
        manifest["composeExtensions"][0]["messageHandlers"] = [link]
    if short_name:
        manifest["name"]["short"] = short_name

    unfilled = PLACEHOLDER in json.dumps(manifest)
    assert not unfilled, f"manifest template has a placeholder build_manifest does not fill: {TEMPLATE}"
    return manifest


def build_package(
    settings: Settings,
    *,
    output: Path,
    version: str | None = None,
    valid_domains: Sequence[str] = (),
    short_name: str | None = None,
) -> Path:
    """Writes the app package zip (manifest.json and icons at its root) to `output` and returns it."""
    manifest = build_manifest(settings, version=version, valid_domains=valid_domains, short_name=short_name)
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        for icon in ICONS:
            package.write(MANIFEST_DIR / icon, arcname=icon)
    return output
