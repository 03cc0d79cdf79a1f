"""Logs as JSON lines: each line of a turn names its activity and conversation; no line holds a secret
or what an officer typed, even at DEBUG."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import date

import pytest
from chat import Harness, MakeChat
from test_status import LORRAINE, seeded  # noqa: F401
from test_universal_actions import EVIDENCE, button

from bot.logs import configure_logging, turn_ids
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
