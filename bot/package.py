"""The Teams app package: manifest.json filled in from the settings, zipped with the two icons.

An admin uploads the zip in Teams (Apps → Manage your apps → Upload an app) or in the Teams admin
centre. The manifest's static parts live in manifest/manifest.template.json; what differs per
installation (the bot's app id, the version, the domains, the tabs' address) is set here.

The Teams tabs (the committee's pages: a personal tab, a configurable one for channels, chats and
meetings, bot/tabs.py) are in the package only when Teams can load them and sign people in to them:
an https public address, and an app registration that can expose an API (not a managed identity).
Otherwise the package is built without them, and `why_no_tabs` says why in one sentence.
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
from documents.links import TrackerLinks

MANIFEST_DIR = Path(__file__).resolve().parents[1] / "manifest"
TEMPLATE = MANIFEST_DIR / "manifest.template.json"
ICONS = ("color.png", "outline.png")

# The manifest schema's own patterns for these two fields.
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
PLACEHOLDER = "${{"
# The template's parts that are the tabs and their sign-in (webApplicationInfo) and meeting-stage
# permission: left out together when the package has no tabs.
TAB_PARTS = ("staticTabs", "configurableTabs", "webApplicationInfo", "authorization")

NO_TABS_LOCAL = "There are no Teams tabs in local mode (no MicrosoftAppId): nothing could sign in to them."
NO_TABS_NO_ADDRESS = (
    "The package has no Teams tabs: Teams loads them from the bot's https address, and "
    "SCRUTINY_PUBLIC_URL is not set (https://scrutiny.council.gov.uk, say)."
)
NO_TABS_NOT_HTTPS = (
    "The package has no Teams tabs: Teams loads tabs only from an https address, and "
    "SCRUTINY_PUBLIC_URL is {url}."
)
NO_TABS_MANAGED_IDENTITY = (
    "The package has no Teams tabs: their sign-in needs an app registration that exposes an API "
    "(README, The Teams tabs), and MicrosoftAppId is a managed identity, which cannot."
)


def why_no_tabs(settings: Settings) -> str | None:
    """None when the app package carries the Teams tabs; else, in one sentence, why it does not."""
    address = settings.public_url.strip()
    if not settings.app_id.strip():
        return NO_TABS_LOCAL
    if not address:
        return NO_TABS_NO_ADDRESS
    if urlsplit(address).scheme != "https" or not urlsplit(address).hostname:
        return NO_TABS_NOT_HTTPS.format(url=address)
    if settings.app_type == "UserAssignedMSI":
        return NO_TABS_MANAGED_IDENTITY
    return None


def tracker_links(settings: Settings) -> TrackerLinks:
    """Where cards' "Open the tracker" go: into the personal tab when the package has the tabs."""
    tab_app_id = "" if why_no_tabs(settings) else settings.teams_app_id.strip() or settings.app_id.strip()
    return TrackerLinks(base=settings.public_url.strip(), tab_app_id=tab_app_id)


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

    # Its host in lower case, as Entra ID's Application ID URI has it (Teams on Android needs that).
    address = urlsplit(settings.public_url.strip().rstrip("/"))
    public_url = address._replace(netloc=address.netloc.lower()).geturl()
    host = address.hostname or ""
    # One registration: the Teams app, its bot and its tabs' sign-in share the id.
    filled = {"MicrosoftAppId": app_id, "VERSION": version, "PUBLIC_URL": public_url, "PUBLIC_HOST": host}
    manifest: dict[str, Any] = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    if why_no_tabs(settings):
        for part in TAB_PARTS:
            del manifest[part]
    # Filled in the parsed JSON's strings, so nothing filled in needs escaping.
    manifest = _fill(manifest, filled)
    if not valid_domains and host:
        valid_domains = [host]
    if "staticTabs" in manifest:
        valid_domains = [*valid_domains, host]  # the tabs' pages come from it
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


def _fill(value: Any, filled: dict[str, str]) -> Any:
    if isinstance(value, str):
        for name, text in filled.items():
            value = value.replace(PLACEHOLDER + name + "}}", text)
        return value
    if isinstance(value, list):
        return [_fill(item, filled) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, filled) for key, item in value.items()}
    return value


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
