"""Logs as JSON lines: each line of a turn names its activity and conversation; no line holds a secret
or what an officer typed, even at DEBUG. The console `serve` writes to: one block, then the bot's own
lines, the libraries' only when asked for."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from chat import Harness, MakeChat
from fake_connector import FakeConnector
from test_hosting import Workers
from test_status import LORRAINE, seeded  # noqa: F401
from test_universal_actions import EVIDENCE, button

from bot.logs import configure_logging, turn_ids
from bot.settings import Settings
from store.db import Database
from store.rounds import open_round

SECRET = "Zq8~json-logs-secret-0123456789"


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    kept = (root.handlers[:], root.level)
    stream = io.StringIO()
    yield stream
    root.handlers, root.level = kept[0], kept[1]


@pytest.mark.usefixtures("seeded")
async def test_json_lines_carry_the_turns_ids_and_never_a_secret_or_evidence(
    harness: Harness, make_chat: MakeChat, db: Database, logs: io.StringIO
) -> None:
    await harness.start(app_password=SECRET, log_format="json", log_level="DEBUG")
    configure_logging(harness.settings(), stream=logs)
    async with db.session() as session:
        await open_round(session, review_id=1, label="September 2020", deadline=date(2020, 10, 16))

    lorraine = await make_chat(LORRAINE)
    (status,) = (await lorraine.say("status 1"))[0].cards
    form = (await lorraine.execute(button(status, "Update 1.2")["data"])).card
    await lorraine.execute(button(form, "Save")["data"], inputs={"evidence": EVIDENCE, "grade": "2"})
    await lorraine.resend()  # Teams delivering that press again: logged, with its ids
    repeated = lorraine.last_activity
    assert repeated is not None
    with turn_ids("some-activity", "some-conversation"):
        logging.getLogger("bot.anything").warning("signed in with %s", SECRET)

    lines = [json.loads(line) for line in logs.getvalue().splitlines()]
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    (ignored,) = [line for line in lines if line["message"].startswith("Ignored a repeat delivery")]
    assert ignored["activity_id"] == repeated["id"]
    assert ignored["conversation_id"] == repeated["conversation"]["id"]
    (hidden,) = [line for line in lines if line["logger"] == "bot.anything"]
    assert hidden["message"] == "signed in with [hidden]" and hidden["activity_id"] == "some-activity"
    text = logs.getvalue()
    assert SECRET not in text and EVIDENCE not in text


def test_library_info_lines_are_left_out_unless_asked_for(logs: io.StringIO) -> None:
    def logged(**settings: Any) -> str:
        logs.seek(0)
        logs.truncate()
        configure_logging(Settings(**settings), stream=logs)
        logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
        logging.getLogger("aiohttp.access").info('127.0.0.1 "GET /healthz HTTP/1.1" 200')
        logging.getLogger("aiohttp.server").warning("Error handling request")
        logging.getLogger("bot.scheduler").info("Scheduler started")
        return logs.getvalue()

    quiet = logged()
    assert "Scheduler started" in quiet and "Error handling request" in quiet
    assert "alembic" not in quiet and "aiohttp.access" not in quiet
    for asked in ({"log_verbose": True}, {"log_level": "DEBUG"}):
        assert "INFO alembic.runtime.migration: Context impl SQLiteImpl." in logged(**asked), asked
        assert "aiohttp.access" in logged(**asked), asked
    assert "Scheduler started" not in logged(log_level="WARNING")
    assert "aiohttp.access" in logged(log_format="json")  # a log collector keeps the access log


async def test_serve_says_where_to_talk_to_it_and_how_to_stop_then_stays_quiet(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "PORT": str(port),
        "SCRUTINY_SCHEDULER": "false",
        "COLUMNS": "200",
    }

    async def console(*args: str) -> str:
        out = (tmp_path / "console.txt").open("w+")
        bot = subprocess.Popen(
            [str(Path(sys.executable).with_name("scrutiny-bot")), "serve", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            served = Workers(f"http://127.0.0.1:{port}", FakeConnector())
            await served.started(seconds=30)
            assert await served.healthy()  # a request, for the access log
            bot.send_signal(signal.SIGINT)  # Ctrl+C
            assert await asyncio.to_thread(bot.wait, 30) == 0
        finally:
            if bot.poll() is None:
                bot.kill()
            out.seek(0)
            text = out.read()
            out.close()
        return text

    quiet = await console()
    lines = quiet.splitlines()
    url = f"http://127.0.0.1:{port}/api/messages"
    assert (
        lines[0]
        == f"Serving the bot on {url} (local mode: no Microsoft sign-in, so only this computer can reach it)."
    )
    block = " ".join(quiet.split())
    assert "Talk to it in Microsoft 365 Agents Playground, Teams' emulator (Node.js 20+)" in block
    assert "scripts/playground.sh starts the bot and the playground together" in block
    assert f"agentsplayground -e {url} -c msteams" in block
    assert "Stop it Ctrl+C" in block
    assert "Logs warnings, and the bot's own lines; --verbose adds the libraries' (Alembic, aiohttp)" in block
    assert "alembic" not in quiet and "aiohttp.access" not in quiet and "WARNING" not in quiet
    assert "INFO bot.app: No MicrosoftAppId set" in quiet  # the bot's own lines stay

    verbose = await console("--verbose")
    assert "Logs every line from INFO, the libraries' too" in " ".join(verbose.split())
    assert "INFO alembic.runtime.migration" in verbose and "INFO aiohttp.access" in verbose
