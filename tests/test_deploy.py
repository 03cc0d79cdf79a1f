"""The Microsoft 365 Agents Toolkit project (m365agents.yml, env/, infra/): valid against the toolkit's
own schema, and its parts agree with one another and with the bot's settings. (No Bicep compiler
installs from the registries this project can reach, so the Bicep is checked here, not compiled.)"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "tests/playground/node_modules/@microsoft/m365agentstoolkit-cli/resource/yaml-schema"
BICEP = (ROOT / "infra/azure.bicep").read_text(encoding="utf-8")
# Set by App Service or Oryx, not read by the bot.
PLATFORM_SETTINGS = {"SCM_DO_BUILD_DURING_DEPLOYMENT", "WEBSITES_PORT"}


@pytest.fixture(scope="module")
def project() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "m365agents.yml").read_text(encoding="utf-8"))
    return loaded


def test_m365agents_yml_is_valid_against_the_toolkits_schema(project: dict[str, Any]) -> None:
    if not (SCHEMAS / project["version"]).is_dir():
        if not shutil.which("npm"):
            pytest.skip("npm is not installed, so the Agents Toolkit's schemas are not either")
        subprocess.run([ROOT / "scripts/node-deps.sh"], check=True, timeout=600)
    schema = json.loads((SCHEMAS / project["version"] / "yaml.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    assert [e.message for e in validator.iter_errors(project)] == []
    broken = {**project, "provision": [{"uses": "arm/deploy", "with": {"templates": "not a list"}}]}
    assert list(validator.iter_errors(broken))  # the schema does refuse a wrong one


def test_every_variable_the_project_uses_is_defined(project: dict[str, Any]) -> None:
    used = set(re.findall(r"\$\{\{(\w+)\}\}", (ROOT / "m365agents.yml").read_text(encoding="utf-8")))
    used |= set(
        re.findall(r"\$\{\{(\w+)\}\}", (ROOT / "infra/azure.parameters.json").read_text(encoding="utf-8"))
    )
    defined = set(re.findall(r"^(\w+)=", (ROOT / "env/.env.dev").read_text(encoding="utf-8"), re.M))
    defined |= set(
        re.findall(r"^(\w+)=", (ROOT / "env/.env.dev.user.example").read_text(encoding="utf-8"), re.M)
    )
    assert used - defined == set()
    outputs = set(re.findall(r"^output (\w+) ", BICEP, re.M))
    assert {"BOT_ID", "BOT_TENANT_ID", "BOT_DOMAIN", "BOT_AZURE_APP_SERVICE_RESOURCE_ID"} <= outputs
    assert outputs <= defined  # atk writes them back to env/.env.dev


def test_the_bicep_parameters_and_the_bots_settings_agree() -> None:
    declared = set(re.findall(r"^param (\w+) ", BICEP, re.M))
    given = json.loads((ROOT / "infra/azure.parameters.json").read_text(encoding="utf-8"))["parameters"]
    assert set(given) <= declared
    assert "@secure()\n@description('The PostgreSQL administrator password" in BICEP
    module = (ROOT / "infra/botRegistration/azurebot.bicep").read_text(encoding="utf-8")
    assert "msaAppType: 'UserAssignedMSI'" in module and "MsTeamsChannel" in module

    settings = dict(re.findall(r"^\s*\{ name: '(\w+)', value: (.*) \}$", BICEP, re.M))
    aliases = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        aliases |= set(getattr(alias, "choices", [alias]))
    assert len(settings) >= 10 and "DATABASE_URL" in settings
    assert set(settings) - aliases - PLATFORM_SETTINGS == set()  # no setting the bot would not read
    # The App Service's settings, as the bot reads them, pass its own checks.
    Settings(
        _env_file=None,  # type: ignore[call-arg]
        app_type="UserAssignedMSI",
        app_id="6f1e2d3c-0000-4000-8000-00000000b07a",
        app_tenant_id="72f988bf-0000-4000-8000-00000000c0de",
        host="0.0.0.0",
        port=8000,
        database_url="postgresql://scrutiny:pw@db.postgres.database.azure.com/scrutiny?ssl=require",
        workers=2,
    )
