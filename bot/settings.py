"""Settings, from the environment, validated once at start-up and passed in (never a module global)."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite:///var/scrutiny.db", validation_alias=_env("DATABASE_URL"))

    # The Bot Framework's usual names. No app id: anonymous local mode, loopback only.
    app_id: str = Field("", validation_alias=_env("MicrosoftAppId", "MICROSOFT_APP_ID"))
    app_password: SecretStr | None = Field(
        None, validation_alias=_env("MicrosoftAppPassword", "MICROSOFT_APP_PASSWORD")
    )
    app_tenant_id: str = Field("", validation_alias=_env("MicrosoftAppTenantId", "MICROSOFT_APP_TENANT_ID"))
    # New multi-tenant bot registrations are deprecated.
    app_type: Literal["SingleTenant", "MultiTenant", "UserAssignedMSI"] = Field(
        "SingleTenant", validation_alias=_env("MicrosoftAppType", "MICROSOFT_APP_TYPE")
    )

    # Where Teams' signing keys are published, and who signs its tokens: Microsoft's public cloud unless
    # a sovereign cloud (or a test with its own keys) says otherwise. Botbuilder's own names.
    channel_openid_metadata_url: str = Field(
        "https://login.botframework.com/v1/.well-known/openidconfiguration",
        validation_alias=_env("ToBotFromChannelOpenIdMetadataUrl", "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL"),
    )
    channel_token_issuer: str = Field(
        "https://api.botframework.com",
        validation_alias=_env("ToBotFromChannelTokenIssuer", "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER"),
    )

    # Where Microsoft Entra ID publishes the keys that sign the Teams tabs' sign-in tokens (tab SSO);
    # a sovereign cloud, or a test with its own keys, says otherwise.
    tab_openid_metadata_url: str = Field(
        "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
        validation_alias=_env("SCRUTINY_TAB_OPENID_METADATA_URL"),
    )

    host: str = Field("127.0.0.1", validation_alias=_env("HOST", "SCRUTINY_HOST"))
    port: int = Field(3978, validation_alias=_env("PORT", "SCRUTINY_PORT"))
    # Anonymous mode on a public interface lets anyone on the network act as anyone: opt in explicitly.
    allow_anonymous_public: bool = Field(False, validation_alias=_env("SCRUTINY_ALLOW_ANONYMOUS_PUBLIC"))
    # Where people reach the bot (https://scrutiny.council.gov.uk): recommendations' links are made
    # from it and unfurled by Teams, and the app package lists its domain. Empty: this host and port.
    public_url: str = Field("", validation_alias=_env("SCRUTINY_PUBLIC_URL"))
    # The app's id in Teams when it is not MicrosoftAppId: an app uploaded to the org's catalog gets one
    # of its own (Teams admin centre, Manage apps), which cards' deep links into its tab must name.
    teams_app_id: str = Field("", validation_alias=_env("SCRUTINY_TEAMS_APP_ID"))
    # Officers' names on a published review's public tracker (/tracker/ID): off unless the council agrees.
    public_names: bool = Field(False, validation_alias=_env("SCRUTINY_PUBLIC_NAMES"))
    # Logs for a person ("text") or a log collector ("json": one JSON object a line), from this level.
    log_format: Literal["text", "json"] = Field("text", validation_alias=_env("SCRUTINY_LOG_FORMAT"))
    log_level: str = Field("INFO", validation_alias=_env("SCRUTINY_LOG_LEVEL"))
    # Libraries' lines below WARNING (Alembic's migrations, aiohttp's access log) too: `serve --verbose`.
    log_verbose: bool = Field(False, validation_alias=_env("SCRUTINY_LOG_VERBOSE"))
    # On SIGTERM, how long turns in progress may take to finish before their connections are closed.
    shutdown_seconds: float = Field(20.0, ge=0, le=600, validation_alias=_env("SCRUTINY_SHUTDOWN_SECONDS"))

    # Emails/UPNs of admins, who may record for any action and manage rounds (comma-separated).
    admins: str = Field("", validation_alias=_env("SCRUTINY_ADMINS"))
    time_zone: str = Field("Europe/London", validation_alias=_env("SCRUTINY_TIME_ZONE"))
    # Longest evidence text accepted in one field; longer text is kept in the dialog and refused politely.
    max_text_length: int = Field(20_000, validation_alias=_env("SCRUTINY_MAX_TEXT_LENGTH"))
    # Processes serving the one port, for a server with more than one core (PostgreSQL only).
    workers: int = Field(1, ge=1, le=64, validation_alias=_env("SCRUTINY_WORKERS"))
    # Weekly summaries and reminders (bot/scheduler.py). "off" for a replica that should only answer.
    scheduler: bool = Field(True, validation_alias=_env("SCRUTINY_SCHEDULER"))
    # A channel's weekly summary until an admin says otherwise, in `time_zone`.
    summary_default: str = Field("Monday 09:00", validation_alias=_env("SCRUTINY_SUMMARY_DEFAULT"))
    # Days before an open round's deadline when officers are reminded (comma-separated).
    reminder_days: str = Field("14,3", validation_alias=_env("SCRUTINY_REMINDER_DAYS"))
    # A review's monitoring once its plan is agreed ("plan agreed 12 March 2019"): the first round this
    # many months after agreement, then one every so many months, each with this many days to answer.
    # Kept on each review when it is agreed (`scrutiny-bot review agree` may set others).
    first_round_after_months: int = Field(
        12, ge=1, le=60, validation_alias=_env("SCRUTINY_FIRST_ROUND_AFTER_MONTHS")
    )
    round_every_months: int = Field(6, ge=1, le=60, validation_alias=_env("SCRUTINY_ROUND_EVERY_MONTHS"))
    round_deadline_days: int = Field(28, ge=1, le=180, validation_alias=_env("SCRUTINY_ROUND_DEADLINE_DAYS"))
    # The executive's response is due this many months after the committee's report; the review's
    # link officers are reminded this many days before (comma-separated), once each.
    response_due_months: int = Field(2, ge=1, le=24, validation_alias=_env("SCRUTINY_RESPONSE_DUE_MONTHS"))
    response_reminder_days: str = Field("14", validation_alias=_env("SCRUTINY_RESPONSE_REMINDER_DAYS"))
    # Evidence files sent in Teams: refused by their ending (comma-separated); kept as a link, and
    # their bytes too (up to the size given) only when storing is on.
    evidence_blocked_types: str = Field(
        "exe,bat,cmd,com,js,jse,msi,ps1,scr,vbs,wsf", validation_alias=_env("SCRUTINY_EVIDENCE_BLOCKED_TYPES")
    )
    evidence_store_files: bool = Field(False, validation_alias=_env("SCRUTINY_EVIDENCE_STORE_FILES"))
    evidence_max_bytes: int = Field(10_000_000, ge=1, validation_alias=_env("SCRUTINY_EVIDENCE_MAX_BYTES"))
    # The largest document `scrutiny-bot import` reads (documents/files.py IMPORT_MAX_BYTES, 20 MB).
    import_max_bytes: int = Field(20_000_000, ge=1, validation_alias=_env("SCRUTINY_IMPORT_MAX_BYTES"))
    # The council's own words for things its plans name: "DSG=Digital Services Group; HR=Human
    # Resources". Questions using either side find what the plans say with the other.
    synonyms_text: str = Field("", validation_alias=_env("SCRUTINY_SYNONYMS"))
    # How cards' buttons reach the bot. "execute": Action.Execute (the card changes in place), with
    # Action.Submit in a 1:1 chat whose last message came from Teams' phone apps (they do not run
    # Execute) and as a fallback in channels and group chats. "submit": Action.Submit everywhere, for a
    # council whose staff are mostly on phones.
    card_actions: Literal["execute", "submit"] = Field(
        "execute", validation_alias=_env("SCRUTINY_CARD_ACTIONS")
    )

    @property
    def synonyms(self) -> dict[str, str]:
        pairs = (pair.split("=", 1) for pair in self.synonyms_text.split(";") if "=" in pair)
        return {short.strip(): long.strip() for short, long in pairs if short.strip() and long.strip()}

    @property
    def link_base(self) -> str:
        return self.public_url.strip().rstrip("/") or f"http://{self.host}:{self.port}"

    @property
    def anonymous(self) -> bool:
        return not self.app_id

    @property
    def reminder_days_before(self) -> list[int]:
        return sorted({int(d) for d in self.reminder_days.split(",") if d.strip()}, reverse=True)

    @property
    def response_reminder_days_before(self) -> list[int]:
        return sorted({int(d) for d in self.response_reminder_days.split(",") if d.strip()}, reverse=True)

    @property
    def evidence_blocked(self) -> frozenset[str]:
        return frozenset(
            t.strip().lower().lstrip(".") for t in self.evidence_blocked_types.split(",") if t.strip()
        )

    @property
    def admin_emails(self) -> set[str]:
        return {e.strip().lower() for e in self.admins.split(",") if e.strip()}

    @model_validator(mode="after")
    def check_security(self) -> Settings:
        if self.app_id:
            if self.app_type != "UserAssignedMSI" and not (
                self.app_password and self.app_password.get_secret_value()
            ):
                raise ValueError("MicrosoftAppPassword is required when MicrosoftAppId is set")
            if self.app_type in ("SingleTenant", "UserAssignedMSI") and not self.app_tenant_id:
                raise ValueError(f"MicrosoftAppTenantId is required for MicrosoftAppType={self.app_type}")
        elif not is_loopback(self.host) and not self.allow_anonymous_public:
            raise ValueError(
                f"HOST={self.host} is not loopback, and no MicrosoftAppId is set, so requests would be "
                "unauthenticated. Set MicrosoftAppId/MicrosoftAppPassword/MicrosoftAppTenantId, or bind to "
                "127.0.0.1, or set SCRUTINY_ALLOW_ANONYMOUS_PUBLIC=true if you really mean it."
            )
        if self.workers > 1 and not self.database_url.startswith("postgres"):
            raise ValueError(
                f"SCRUTINY_WORKERS={self.workers} needs a PostgreSQL DATABASE_URL: a SQLite file takes one "
                "writer at a time, so a second process would only wait. Use 1 worker with SQLite."
            )
        return self
