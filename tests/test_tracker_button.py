""" "Open the tracker" on the status overview and the summary card: an Action.OpenUrl to the review's
public tracker once it is published, to the committee's page before that, and no button at all when
the bot has no public address (SCRUTINY_PUBLIC_URL). In Teams (an app id and an https address, so
the app package has the tabs) the committee's page opens in the personal tab, by Teams' deep link.
Phones get it unchanged: they open links."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cardcheck import assert_valid_card
from chat import Chat, Harness, MakeChat, Reply
from test_phone_cards import buttons_of, everything
from test_signin import APP_ID, bearer, keys, signed_in, teams_token  # noqa: F401
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


async def say_in_teams(chat: Chat, text: str) -> list[Reply]:
    """A message as Teams sends it to a bot with an app id: signed."""
    return await chat.send(chat.activity("message", text=text, textFormat="plain"), bearer(teams_token(chat)))


async def test_in_teams_the_button_opens_the_review_in_the_personal_tab_until_it_is_published(
    signed_in: Chat,  # noqa: F811
    harness: Harness,
    db: Database,
) -> None:
    await harness.start(public_url=PUBLIC)
    # Microsoft's deep link to an item in a tab: app id, the tab's entityId, every parameter encoded.
    tab = [
        (
            "Open the tracker",
            f"https://teams.microsoft.com/l/entity/{APP_ID}/me"
            "?webUrl=https%3A%2F%2Fscrutiny.example.gov.uk%2Freviews%2F1"
            "&label=Digital%20Optimisation"
            "&context=%7B%22subEntityId%22%3A%22review-1%22%7D",
        )
    ]
    for asked in ("status", "summary"):
        assert tracker_buttons(card_of(await say_in_teams(signed_in, asked))) == tab, asked
    # What the tab reads from it (page/static/tab.js: subPageId "review-1" opens /reviews/1).
    query = parse_qs(urlsplit(tab[0][1]).query)
    assert json.loads(query["context"][0]) == {"subEntityId": "review-1"}
    assert query["webUrl"] == [PUBLIC + "/reviews/1"]

    async with db.session() as session:
        await publish(session, review_id=1, public=True)
    public = [("Open the tracker", PUBLIC + "/tracker/1")]
    assert tracker_buttons(card_of(await say_in_teams(signed_in, "status"))) == public


async def test_an_app_in_the_orgs_catalog_is_linked_by_its_id_there(
    signed_in: Chat,  # noqa: F811
    harness: Harness,
) -> None:
    catalog_id = "0a1b2c3d-0000-4000-8000-00000000ca7a"
    await harness.start(public_url=PUBLIC, teams_app_id=catalog_id)
    ((_, url),) = tracker_buttons(card_of(await say_in_teams(signed_in, "status")))
    assert url.startswith(f"https://teams.microsoft.com/l/entity/{catalog_id}/me?")


async def test_without_tabs_in_its_package_the_bot_links_the_page_itself(
    signed_in: Chat,  # noqa: F811
    harness: Harness,
) -> None:
    # Teams loads tabs only from https, so `scrutiny-bot package` leaves them out: no deep link either.
    await harness.start(public_url="http://scrutiny.example.gov.uk")
    committee = [("Open the tracker", "http://scrutiny.example.gov.uk/reviews/1")]
    assert tracker_buttons(card_of(await say_in_teams(signed_in, "status"))) == committee
