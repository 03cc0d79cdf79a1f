"""The web app: health, authentication, the two tiers of errors, and state that survives a restart."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
import pytest
from alembic import command
from botbuilder.core import MessageFactory
from botbuilder.dialogs import DialogContext, PromptOptions, TextPrompt, WaterfallDialog, WaterfallStepContext
from chat import DEFAULT_USER, Chat, Harness, MakeChat
from fake_connector import FakeConnector
from pydantic import ValidationError

from bot.app import DIALOGS, REGISTRY, SCHEDULER, serve, start_workers, stop_workers
from bot.settings import Settings
from dialogs.context import Caller
from documents.errors import UserFacingError
from store.db import alembic_config, head_revision

APP_PASSWORD = "Zq8~not-a-real-secret-but-treat-it-as-one"
SIGNED_IN = {
    "app_id": "6f1e2d3c-0000-4000-8000-00000000b07a",
    "app_password": APP_PASSWORD,
    "app_tenant_id": "72f988bf-0000-4000-8000-00000000c0de",
}


async def test_readyz_reports_the_database_its_migrations_and_the_scheduler(harness: Harness) -> None:
    await harness.start()
    assert await harness.get("/healthz") == (200, {"status": "ok"})
    assert await harness.get("/readyz") == (
        200,
        {"status": "ready", "database": "ok", "migrations": "ok", "scheduler": "running"},
    )

    # A replica told not to run the scheduler is ready without it; one whose scheduler stopped is not.
    await harness.restart(scheduler=False)
    assert (await harness.get("/readyz"))[1]["scheduler"] == "off"
    await harness.restart(scheduler=True)
    assert harness.server is not None
    await harness.server.app[SCHEDULER].stop()
    assert await harness.get("/readyz") == (
        503,
        {"status": "not ready", "database": "ok", "migrations": "ok", "scheduler": "stopped"},
    )


async def test_readyz_is_503_on_a_database_behind_this_codes_migrations(
    harness: Harness, database_url: str
) -> None:
    # As it was before this code's last migration (alembic runs its own event loop: in a thread).
    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "0003")
    await harness.start(scheduler=False)
    status, body = await harness.get("/readyz")
    assert status == 503 and body["migrations"] == f"at 0003, not {head_revision()}"
    assert await harness.get("/healthz") == (200, {"status": "ok"})  # alive all the same


async def test_readyz_is_503_when_the_database_is_gone(harness: Harness) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    await harness.start(database_url=f"postgresql://nobody@127.0.0.1:{port}/scrutiny")

    status, body = await harness.get("/readyz")

    assert status == 503
    assert body == {"status": "not ready", "database": "unreachable", "scheduler": "running"}
    assert await harness.get("/healthz") == (200, {"status": "ok"})


async def test_with_an_app_id_requests_need_a_valid_token(harness: Harness, make_chat: MakeChat) -> None:
    await harness.start(**SIGNED_IN)
    chat = await make_chat()
    activity = chat.activity("message", text="help")
    unknown_issuer = jwt.encode({"iss": "https://example.org", "aud": SIGNED_IN["app_id"]}, "k" * 32)

    for headers in ({}, {"Authorization": "Bearer garbage"}, {"Authorization": f"Bearer {unknown_issuer}"}):
        response = await harness.post("/api/messages", activity, headers)
        assert response.status == 401, headers
    assert harness.connector.received == []


async def test_settings_refuse_a_public_host_without_an_app_id() -> None:
    with pytest.raises(ValidationError, match="not loopback"):
        Settings(_env_file=None, host="0.0.0.0")  # type: ignore[call-arg]
    assert Settings(_env_file=None, host="0.0.0.0", **SIGNED_IN).host == "0.0.0.0"  # type: ignore[call-arg]


def test_serve_checks_a_host_override_the_same_way(tmp_path: Any) -> None:
    local = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path}/s.db")  # type: ignore[call-arg]

    with pytest.raises(ValidationError, match="not loopback"):
        serve(local, host="0.0.0.0")
    assert not (tmp_path / "s.db").exists()  # refused before touching anything


async def test_an_unexpected_error_gets_an_apology_with_a_reference_and_no_internals(
    make_chat: MakeChat, harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    chat = await make_chat()

    async def explode(dialog_context: DialogContext, caller: Caller, args: Any) -> None:
        raise RuntimeError("connection to db-internal-7.council.local refused")

    assert harness.server is not None
    harness.server.app[REGISTRY].command("explode", explode, help="Break.")

    with caplog.at_level(logging.ERROR):
        replies = await chat.say("explode")

    assert len(replies) == 1
    match = re.search(r"Sorry, something went wrong on our side \(reference ([A-Z0-9]{6})\)", replies[0].text)
    assert match, replies[0].text
    assert "Your words are not lost" in replies[0].text
    assert "db-internal" not in replies[0].text and "RuntimeError" not in replies[0].text
    # The log has what the reply hides, under the same reference.
    [record] = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert record.exc_info is not None and "db-internal-7" in str(record.exc_info[1])


async def test_a_user_facing_error_is_the_reply(make_chat: MakeChat, harness: Harness) -> None:
    chat = await make_chat()

    async def refuse(dialog_context: DialogContext, caller: Caller, args: Any) -> None:
        raise UserFacingError("Recommendation 12 does not exist in this review.")

    assert harness.server is not None
    harness.server.app[REGISTRY].command("refuse", refuse, help="Refuse.")

    replies = await chat.say("refuse")

    assert [r.text for r in replies] == ["Recommendation 12 does not exist in this review."]


async def test_logs_never_hold_the_app_password(
    harness: Harness, make_chat: MakeChat, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        await harness.start(**SIGNED_IN)
        chat = await make_chat()
        await harness.post(
            "/api/messages", chat.activity("message", text="help"), {"Authorization": "Bearer x.y.z"}
        )
        await harness.get("/healthz")
        logging.getLogger("test").info("settings: %r %s", harness.settings(), harness.settings())

    assert caplog.records  # something was logged, so the check below means something
    assert APP_PASSWORD not in caplog.text


def install_name_dialog(harness: Harness) -> None:
    """A test-only dialog: 'greet' asks your name and greets you, over as many turns as it takes."""

    async def ask(step: WaterfallStepContext) -> Any:
        return await step.prompt("name", PromptOptions(prompt=MessageFactory.text("What's your name?")))

    async def greet(step: WaterfallStepContext) -> Any:
        await step.context.send_activity(f"Hello {step.result}")
        return await step.end_dialog()

    async def begin(dialog_context: DialogContext, caller: Caller, args: Any) -> None:
        await dialog_context.begin_dialog("greet")

    assert harness.server is not None
    harness.server.app[DIALOGS].add(WaterfallDialog("greet", [ask, greet]))
    harness.server.app[DIALOGS].add(TextPrompt("name"))
    harness.server.app[REGISTRY].command("greet", begin, help="Greet.")


async def test_a_dialog_carries_on_after_a_restart(make_chat: MakeChat, harness: Harness) -> None:
    chat = await make_chat()
    install_name_dialog(harness)
    assert [r.text for r in await chat.say("greet")] == ["What's your name?"]

    await chat.restart()
    install_name_dialog(harness)

    # "help" is the answer to the open question, not a command: the dialog has the first word.
    assert [r.text for r in await chat.say("help")] == ["Hello help"]
    [after] = await chat.say("help")
    assert after.text.startswith("Here is what I can do")


async def test_the_fake_connector_can_answer_429_with_retry_after(
    harness: Harness, make_chat: MakeChat
) -> None:
    chat = await make_chat()
    harness.connector.fail_next(429, retry_after=2)
    assert harness.http is not None
    url = f"{harness.connector.url}v3/conversations/{chat.conversation['id']}/activities"

    async with harness.http.post(url, json={"type": "message", "text": "hi"}) as refused:
        assert (refused.status, refused.headers["Retry-After"]) == (429, "2")
    async with harness.http.post(url, json={"type": "message", "text": "hi"}) as accepted:
        assert accepted.status == 201 and "id" in await accepted.json()
    assert [r.body["text"] for r in harness.connector.received] == ["hi"]


def test_more_than_one_worker_needs_postgresql(tmp_path: Any) -> None:
    local = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path}/s.db")  # type: ignore[call-arg]

    with pytest.raises(ValidationError, match="SCRUTINY_WORKERS=2 needs a PostgreSQL DATABASE_URL"):
        serve(local, workers=2)
    assert not (tmp_path / "s.db").exists()  # refused before touching anything


@dataclass
class Workers:
    """Worker processes serving at `url`, as a Chat expects its harness to be."""

    url: str
    connector: FakeConnector

    async def post(
        self, path: str, body: Any, headers: dict[str, str] | None = None
    ) -> aiohttp.ClientResponse:
        # A new connection for each message, as from Teams' many senders: the kernel picks a worker.
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.url + path, json=body, headers=headers or {}) as response,
        ):
            await response.read()
            return response

    async def healthy(self) -> bool:
        try:
            async with aiohttp.ClientSession() as http, http.get(self.url + "/healthz") as response:
                return response.status == 200
        except aiohttp.ClientConnectionError:
            return False

    async def started(self, *, seconds: float = 60) -> None:
        """Once the process serving `url` answers (a fresh interpreter takes a few seconds)."""
        for _ in range(int(seconds * 10)):
            if await self.healthy():
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"nothing answered at {self.url} within {seconds:.0f} s")


async def test_two_workers_share_the_port_and_stop_cleanly(
    database_url: str, fake_connector: FakeConnector
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("workers share a PostgreSQL database; SQLite takes one writer at a time")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(_env_file=None, database_url=database_url, port=port, workers=2)  # type: ignore[call-arg]
    processes = start_workers(settings)
    try:
        served = Workers(f"http://127.0.0.1:{port}", fake_connector)
        await served.started()
        fake_connector.add_member(DEFAULT_USER)
        for _ in range(12):
            [reply] = await Chat(served, user=DEFAULT_USER, scope="personal").say("help")  # type: ignore[arg-type]
            assert reply.text.startswith("Here is what I can do")
        assert all(process.is_alive() for process in processes)
    finally:
        await asyncio.to_thread(stop_workers, processes)
    assert [process.exitcode for process in processes] == [0, 0]  # each finished its clean-up
