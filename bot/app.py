"""The aiohttp app: everything is built in `create_app` and passed in; nothing lives in module globals."""

from __future__ import annotations

import gc
import html
import logging
import multiprocessing
import multiprocessing.connection
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from multiprocessing.process import BaseProcess

from aiohttp import web
from botbuilder.dialogs import DialogSet
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import CallerIdConstants
from botframework.connector.auth import AuthenticationConstants
from sqlalchemy import text

from bot.adapter import ScrutinyAdapter
from bot.clients import ClientCards
from bot.commands import CommandRegistry
from bot.connector import ReusedClients
from bot.features import build_dialogs, build_evidence, build_registry, build_search, build_understanding
from bot.handler import ScrutinyBot
from bot.logs import configure_logging
from bot.outbound import APP_PER_SECOND, Pacer
from bot.pages import add_pages
from bot.proactive import Proactive
from bot.scheduler import Scheduler
from bot.settings import Settings, is_loopback
from bot.signin import install_signing_keys
from bot.storage import SqlConversationState, SqlStorage
from cards import messages
from store import queries
from store.db import Database, current_revision, head_revision, upgrade

log = logging.getLogger(__name__)

ADAPTER = web.AppKey("adapter", ScrutinyAdapter)
BOT = web.AppKey("bot", ScrutinyBot)
DATABASE = web.AppKey("database", Database)
SETTINGS = web.AppKey("settings", Settings)
REGISTRY = web.AppKey("registry", CommandRegistry)
DIALOGS = web.AppKey("dialogs", DialogSet)
SCHEDULER = web.AppKey("scheduler", Scheduler)


@dataclass(frozen=True)
class BotFrameworkConfig:
    """What ConfigurationBotFrameworkAuthentication reads, with getattr. An empty APP_ID is anonymous.

    Naming any one of the TO_* URLs switches botbuilder to its parameterised authentication, which
    then takes every one of them from here: the rest are the public cloud's, as its built-in uses."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str = ""
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str = ""
    TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL: str = ""
    TO_CHANNEL_FROM_BOT_LOGIN_URL: str = ""
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str = ""
    OAUTH_URL: str = ""
    CALLER_ID: str = ""

    def __repr__(self) -> str:  # never print the password
        return f"BotFrameworkConfig(APP_ID={self.APP_ID!r}, APP_TYPE={self.APP_TYPE!r})"


def bot_framework_config(settings: Settings) -> BotFrameworkConfig:
    credentials = BotFrameworkConfig(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password.get_secret_value() if settings.app_password else "",
        # The SDK's SingleTenant path insists on an app id; anonymous local mode is its MultiTenant path.
        APP_TYPE=settings.app_type if settings.app_id else "MultiTenant",
        APP_TENANTID=settings.app_tenant_id,
    )
    if not settings.app_id:
        # Anonymous local mode checks no token: botbuilder's own path, as the bare framework runs it.
        return credentials
    return replace(
        credentials,
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=settings.channel_openid_metadata_url,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=settings.channel_token_issuer,
        TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL=AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX,
        TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
        OAUTH_URL=AuthenticationConstants.OAUTH_URL,
        CALLER_ID=CallerIdConstants.public_azure_channel,
    )


async def _messages(request: web.Request) -> web.StreamResponse:
    return await request.app[ADAPTER].process(request, request.app[BOT])


async def _recommendation_page(request: web.Request) -> web.Response:
    """A recommendation's link (documents/links.py) opened outside Teams: which one it is, and how to
    see it. Only the review's title and the number, as printed in the committee's public papers."""
    review_id, number = int(request.match_info["review_id"]), int(request.match_info["number"])
    async with request.app[DATABASE].session() as session:
        found = await queries.reviews(session, review_id=review_id)
        known = bool(found) and await queries.has_recommendation(session, review_id=review_id, number=number)
    if not found:
        body = messages.LINK_PAGE_GONE.format(number=number)
        return web.Response(text=_page(body), content_type="text/html", status=404)
    review = html.escape(found[0].title)
    if not known:  # a link to nothing: said so, as a removed review is
        body = messages.LINK_PAGE_NO_RECOMMENDATION.format(number=number, review=review)
        return web.Response(text=_page(body), content_type="text/html", status=404)
    body = messages.LINK_PAGE.format(number=number, review=review)
    return web.Response(text=_page(body), content_type="text/html")


def _page(body: str) -> str:
    return f"<!doctype html><html lang=en><meta charset=utf-8><title>Scrutiny</title><p>{body}</p></html>"


async def _healthz(request: web.Request) -> web.Response:
    """Alive: the process answers. Whether it can serve turns is /readyz."""
    return web.json_response({"status": "ok"})


async def _readyz(request: web.Request) -> web.Response:
    """Ready for turns: the database answers, is migrated to this code's head, and the scheduler (if
    this replica runs one) is running. A 503 says which is not, for a load balancer or an operator."""
    checks: dict[str, str] = {}
    try:
        async with request.app[DATABASE].session() as session:
            await session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:
        log.warning("Readiness check: the database is unavailable (%s)", type(error).__name__)
        checks["database"] = "unreachable"
    if checks["database"] == "ok":
        try:
            async with request.app[DATABASE].session() as session:
                revision = await current_revision(session)
        except Exception:  # no alembic_version table: never migrated
            revision = None
        head = head_revision()
        checks["migrations"] = "ok" if revision == head else f"at {revision or 'none'}, not {head}"
    scheduler = request.app[SCHEDULER]
    if request.app[SETTINGS].scheduler:
        checks["scheduler"] = "running" if scheduler.running else "stopped"
    else:
        checks["scheduler"] = "off"
    ready = checks.get("migrations") == "ok" and checks["scheduler"] != "stopped"
    return web.json_response(
        {"status": "ready" if ready else "not ready", **checks}, status=200 if ready else 503
    )


def create_app(settings: Settings, *, db: Database | None = None) -> web.Application:
    """Build the bot. A database passed in stays the caller's to dispose; one made here is disposed here."""
    owns_db = db is None
    database = db if db is not None else Database(settings.database_url)

    storage = SqlStorage(database)
    conversation_state = SqlConversationState(storage)
    dialogs = DialogSet(conversation_state.create_property("DialogState"))
    evidence = build_evidence(database, settings)
    understanding = build_understanding(settings)
    registry = build_registry(database, settings, understanding)
    for dialog in build_dialogs(
        database,
        max_text_length=settings.max_text_length,
        evidence=evidence,
        admin_emails=frozenset(settings.admin_emails),
        time_zone=settings.time_zone,
        typed_command=registry.typed_command,
    ):
        dialogs.add(dialog)

    # Buttons every Teams client can press, chosen as cards leave: in a turn, and when posting unprompted.
    client_cards = ClientCards(
        database, setting=settings.card_actions, kept=conversation_state.create_property("ClientPlatform")
    )
    config = bot_framework_config(settings)
    install_signing_keys(
        config.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL, config.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL
    )
    authentication = ReusedClients(ConfigurationBotFrameworkAuthentication(config))
    adapter = ScrutinyAdapter(authentication)
    bot = ScrutinyBot(
        db=database,
        settings=settings,
        conversation_state=conversation_state,
        dialogs=dialogs,
        registry=registry,
        evidence=evidence,
        search=build_search(database, settings, understanding),
        client_cards=client_cards,
    )
    adapter.on_turn_error = bot.on_turn_error

    app = web.Application()
    app[ADAPTER] = adapter
    app[BOT] = bot
    app[DATABASE] = database
    app[SETTINGS] = settings
    app[REGISTRY] = registry
    app[DIALOGS] = dialogs
    # Every replica runs one; the delivery rows make sure each summary and reminder goes out once.
    scheduler = Scheduler(
        db=database,
        settings=settings,
        # Teams' limit for the app is for all its processes together: each worker keeps to its share.
        proactive=Proactive(
            adapter=adapter,
            app_id=settings.app_id,
            pacer=Pacer(app_per_second=max(1, APP_PER_SECOND // settings.workers)),
            buttons=client_cards.for_reference,
        ),
    )
    app[SCHEDULER] = scheduler
    if settings.scheduler:

        async def start_scheduler(_app: web.Application) -> None:
            scheduler.start()

        app.on_startup.append(start_scheduler)

    async def stop_scheduler(_app: web.Application) -> None:
        await scheduler.stop(grace=settings.shutdown_seconds)

    app.on_cleanup.append(stop_scheduler)

    async def close_connections(_app: web.Application) -> None:
        await authentication.close()

    app.on_cleanup.append(close_connections)
    app.router.add_post("/api/messages", _messages)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    app.router.add_get(r"/recommendations/{review_id:\d{1,9}}/{number:\d{1,6}}", _recommendation_page)
    add_pages(app, database=database, settings=settings)
    if owns_db:

        async def dispose(_app: web.Application) -> None:
            await database.dispose()

        app.on_cleanup.append(dispose)
    if settings.anonymous:
        # On loopback this is the local mode `serve` has just described; elsewhere, a risk taken.
        log.log(
            logging.INFO if is_loopback(settings.host) else logging.WARNING,
            "No MicrosoftAppId set: accepting unauthenticated requests (local mode, %s)",
            settings.host,
        )
    return app


def serve(
    settings: Settings, *, host: str | None = None, port: int | None = None, workers: int | None = None
) -> None:
    """Migrate the database, then serve until interrupted. Overrides are checked as the environment's are."""
    overrides = {
        name: value
        for name, value in (("host", host), ("port", port), ("workers", workers))
        if value is not None
    }
    if overrides:
        # Validate again, so an override cannot open anonymous mode to the network.
        settings = Settings.model_validate({**settings.model_dump(), **overrides})
    configure_logging(settings)
    upgrade(settings.database_url)
    if settings.workers == 1:
        _serve_one(settings)
        return
    processes = start_workers(settings)
    # Stopped as a single process is: Ctrl+C, or SIGTERM from a supervisor (systemd, a container).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        # One stopping stops them all, so the supervisor restarts the service whole.
        multiprocessing.connection.wait([process.sentinel for process in processes])
    except KeyboardInterrupt:
        pass
    finally:
        stop_workers(processes)


def start_workers(settings: Settings) -> Sequence[BaseProcess]:
    """`settings.workers` processes serving the app on one port: the kernel shares the connections
    among them (SO_REUSEPORT), so a turn uses any idle core. Each is a replica as on two servers: its
    own connections, its own scheduler, the delivery rows keeping each summary and reminder single."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing of this one's loop
    processes = [
        context.Process(
            target=_serve_one, args=(settings,), kwargs={"shared_port": True}, name=f"scrutiny-bot worker {n}"
        )
        for n in range(1, settings.workers + 1)
    ]
    for process in processes:
        process.start()
    return processes


def stop_workers(processes: Sequence[BaseProcess], *, grace: float = 2.0) -> None:
    """Workers the signal reached too (Ctrl+C reaches the terminal's whole process group) stop by
    themselves; any still serving after `grace` seconds are sent SIGTERM. Not at once: a second
    signal would break into a worker's own clean-up (the scheduler, its connections)."""
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(timeout=max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=30)


def _serve_one(settings: Settings, *, shared_port: bool = False) -> None:
    configure_logging(settings)
    app = create_app(settings)
    settle_memory()
    # The CLI has said where it serves: aiohttp's own banner would say it again, once per worker.
    # SIGTERM (a container stopping, systemd): no new connections; turns in progress finish, within
    # shutdown_seconds, before the scheduler and the database are closed.
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        reuse_port=shared_port or None,
        print=None,
        shutdown_timeout=settings.shutdown_seconds,
    )


def settle_memory() -> None:
    """Exempt what the process holds once started (modules, the ORM's mappers, the SDK's classes) from
    the garbage collector's full passes. Each pass walks every object and stops every turn meanwhile:
    the benchmark saw 110-160 ms passes every 300 turns or so, the slowest turns of all."""
    gc.collect()
    gc.freeze()
