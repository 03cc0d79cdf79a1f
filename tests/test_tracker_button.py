""" "Open the tracker" on the status overview and the summary card: an Action.OpenUrl to the review's
public tracker once it is published, to the committee's page before that, and no button at all when
the bot has no public address (SCRUTINY_PUBLIC_URL). Phones get it unchanged: they open links."""

from __future__ import annotations

from typing import Any

import pytest
from cardcheck import assert_valid_card
from chat import Harness, MakeChat
from test_phone_cards import buttons_of, everything
from test_status import card_of, seeded  # noqa: F401

from store.db import Database
from store.tracker import publish

pytestmark = pytest.mark.usefixtures("seeded")

PUBLIC = "https://scrutiny.example.gov.uk"


def tracker_buttons(card: dict[str, Any]) -> list[tuple[str, str]]:
    assert_valid_card(card)
    return [(b["title"], b["url"]) for b in buttons_of(card, "Action.OpenUrl")]


async def test_the_overview_and_summary_open_the_committees_page_then_the_public_tracker(
    harness: Harness, make_chat: MakeChat, db: Database
) -> None:
    await harness.start(public_url=PUBLIC + "/")
    chat = await make_chat()
    committee = [("Open the tracker", PUBLIC + "/reviews/1")]
    assert tracker_buttons(card_of(await chat.say("status"))) == committee
    assert tracker_buttons(card_of(await chat.say("summary"))) == committee

    async with db.session() as session:
        await publish(session, review_id=1, public=True)
    public = [("Open the tracker", PUBLIC + "/tracker/1")]
    assert tracker_buttons(card_of(await chat.say("status"))) == public
    assert tracker_buttons(card_of(await chat.say("summary"))) == public


async def test_without_a_public_address_there_is_no_button(harness: Harness, make_chat: MakeChat) -> None:
    await harness.start(public_url="")
    chat = await make_chat()
    for asked in ("status", "summary"):
        card = card_of(await chat.say(asked))
        assert tracker_buttons(card) == [] and "Open the tracker" not in everything(card), asked


async def test_on_a_phone_the_button_stays_a_link_while_the_others_become_submits(
    harness: Harness, make_chat: MakeChat
) -> None:
    await harness.start(public_url=PUBLIC)
    phone = await make_chat(platform="android")
    card = card_of(await phone.say("status"))
    assert "Action.Execute" not in everything(card) and buttons_of(card, "Action.Submit")
    assert tracker_buttons(card) == [("Open the tracker", PUBLIC + "/reviews/1")]
