"""SIGTERM, as a container or systemd stops the bot: the turn in progress finishes and loses nothing.

The real `scrutiny-bot serve` in its own process, on its own port; Teams' connector is the fake one
in this process, holding the bot's reply so that the signal arrives mid-turn.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import aiohttp
import pytest
from chat import Chat
from fake_connector import FakeConnector
from records import action_id
from sqlalchemy import select
from test_hosting import Workers
from test_status import LORRAINE, seeded  # noqa: F401

from store.db import Database
from store.models import ProgressUpdate
from store.rounds import open_round

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.usefixtures("seeded")
async def test_sigterm_mid_turn_finishes_the_turn_and_loses_nothing(
    database_url: str, db: Database, fake_connector: FakeConnector, tmp_path: Path
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("one process on one database is enough to show it; SQLite is that")
    async with db.session() as session:
        september = await open_round(
            session, review_id=1, label="September 2020", deadline=date(2020, 10, 16)
        )
        one_two = await action_id(session, number=1, position=2)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port), "SCRUTINY_SCHEDULER": "false"}
    log = (tmp_path / "serve.log").open("w")
    bot = subprocess.Popen(
        [str(Path(sys.executable).with_name("scrutiny-bot")), "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        served = Workers(f"http://127.0.0.1:{port}", fake_connector)
        await served.started(seconds=30)
        fake_connector.add_member(LORRAINE)
        lorraine = Chat(served, user=LORRAINE, scope="personal")  # type: ignore[arg-type]
        release = fake_connector.hold(lorraine.conversation["id"])
        save = {
            "verb": "save_update",
            "action_id": one_two,
            "round_id": september.id,
            "form_id": "f" * 32,
            "evidence": "Wifi live in every library.",
            "grade": "1",
        }
        turn = asyncio.create_task(lorraine.submit(save))
        for _ in range(200):  # the update is saved; the bot is telling Teams so, and Teams is slow
            if fake_connector.waiting:
                break
            await asyncio.sleep(0.05)
        assert fake_connector.waiting, "the turn never reached the connector"
        bot.send_signal(signal.SIGTERM)
        await asyncio.sleep(1.0)
        assert bot.poll() is None, "the bot stopped without finishing the turn"
        async with aiohttp.ClientSession() as http:  # no new turns meanwhile
            with pytest.raises(aiohttp.ClientConnectionError):
                await http.get(served.url + "/healthz")
        release.set()
        (reply,) = await asyncio.wait_for(turn, 30)
        assert reply.text.startswith("Saved: Recommendation 1, action 2 — Fully Achieved")
        assert await asyncio.to_thread(bot.wait, 30) == 0
    finally:
        if bot.poll() is None:
            bot.kill()
        log.close()
    async with db.session() as session:
        saved = await session.scalar(select(ProgressUpdate).where(ProgressUpdate.round_id == september.id))
    assert saved is not None and saved.evidence == "Wifi live in every library."
