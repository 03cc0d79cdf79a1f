"""A recommendation put into any chat, channel or meeting: the search message extension, the chosen
result's card (which then refreshes like the others), a recommendation's link unfurled, and "status"
asked in a meeting's chat. Over the real HTTP endpoint, with the seed plan."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from cardcheck import assert_valid_card
from chat import ADAPTIVE_CARD, DEFAULT_USER, Chat, Harness, MakeChat
from test_status import ANDREW, LORRAINE, seeded, shown  # noqa: F401
from test_universal_actions import buttons, refresh_of

from cards import messages
from store.db import Database
from store.rounds import open_round

pytestmark = pytest.mark.usefixtures("seeded")
PUBLIC = "https://scrutiny.example.gov.uk"
WIFI_LINK = f"{PUBLIC}/recommendations/1/7"


@pytest.fixture(autouse=True)
async def public(harness: Harness) -> None:
    await harness.start(public_url=PUBLIC)


async def search(chat: Chat, text: str | None, *, initial: bool = False) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [{"name": "initialRun", "value": "true"}] if initial else []
    if text is not None:
        parameters.append({"name": "query", "value": text})
    value = {
        "commandId": "findRecommendation",
        "parameters": parameters,
        "queryOptions": {"skip": 0, "count": 25},
    }
    answer = await chat.invoke(chat.activity("invoke", name="composeExtension/query", value=value))
    assert answer.status == 200 and answer.posted == []
    result: dict[str, Any] = answer.body["composeExtension"]
    return result


async def inserted(chat: Chat, name: str, value: Any) -> dict[str, Any]:
    """The card a choice or an unfurl puts in the compose box."""
    answer = await chat.invoke(chat.activity("invoke", name=name, value=value))
    assert answer.status == 200 and answer.posted == []
    (attachment,) = answer.body["composeExtension"]["attachments"]
    assert attachment["contentType"] == ADAPTIVE_CARD
    card: dict[str, Any] = attachment["content"]
    assert_valid_card(card)
    return card


async def test_words_or_a_number_find_recommendations_and_a_choice_inserts_its_card(
    make_chat: MakeChat, db: Database
) -> None:
    async with db.session() as session:
        await open_round(session, review_id=1, label="September 2020", deadline=date(2020, 10, 16))
    await (await make_chat(LORRAINE)).say("help")  # Teams has told the bot her user id
    andrew = await make_chat(ANDREW, scope="groupChat")

    found = await search(andrew, "wifi")
    assert found["type"] == "result" and found["attachmentLayout"] == "list"
    first = found["attachments"][0]["preview"]["content"]
    assert first["title"] == "Recommendation 4" and "Digital Optimisation" in first["subtitle"]
    assert "wifi" in first["text"].lower()

    by_number = await search(andrew, "7")
    previews = [a["preview"]["content"] for a in by_number["attachments"]]
    assert previews[0]["title"] == "Recommendation 7"

    card = await inserted(andrew, "composeExtension/selectItem", previews[0]["tap"]["value"])
    assert card["body"][0]["text"] == "Recommendation 7"
    assert buttons(card) == []  # it goes to a group: nobody's Update button on the shared copy
    assert f"[{WIFI_LINK}]({WIFI_LINK})" in shown(card)
    refresh = refresh_of(card)
    assert refresh["userIds"][0] == ANDREW.teams_id

    # Refreshed in that chat, each officer sees their own buttons and everyone today's grades.
    lorraine = await make_chat(LORRAINE, scope="groupChat")
    lorraine.conversation = andrew.conversation
    # Lorraine Dixon is the review's link officer (she may update any action); 7.4 is Andrew
    # Mearns's (with Carly Dixon); a reader who is on no plan gets no button.
    for_her = (await lorraine.execute(refresh["action"]["data"], trigger="automatic")).card
    assert buttons(for_her) == ["Update 7.1", "Update 7.2", "Update 7.3", "Update 7.4"]
    for_him = (await andrew.execute(refresh["action"]["data"], trigger="automatic")).card
    assert buttons(for_him) == ["Update 7.4"]
    reader = await make_chat(DEFAULT_USER, scope="groupChat")
    reader.conversation = andrew.conversation
    for_reader = (await reader.execute(refresh["action"]["data"], trigger="automatic")).card
    assert buttons(for_reader) == [] and "Recommendation 7" in shown(for_reader)


async def test_the_search_box_understands_what_the_chat_does(make_chat: MakeChat) -> None:
    """The same understanding as the chat: a question's words, number words, a typo."""
    andrew = await make_chat(ANDREW, scope="groupChat")
    for typed, number in (("the appraisal one", 9), ("recommendation five", 5), ("digital champoins", 6)):
        found = await search(andrew, typed)
        assert found["attachments"][0]["preview"]["content"]["title"] == f"Recommendation {number}", typed


async def test_what_the_search_box_cannot_find(make_chat: MakeChat) -> None:
    andrew = await make_chat(ANDREW, scope="groupChat")
    for text, said in (
        (None, messages.SEARCH_HOW),
        ("   ", messages.SEARCH_HOW),
        ("x" * 5_000, messages.SEARCH_TOO_LONG.format(limit=200)),
        ("zebra crossings in space", messages.SEARCH_NOTHING),
        ("<b>wifi</b> **now**", None),  # markup is only words to search for
    ):
        result = await search(andrew, text, initial=text is None)
        if said is None:
            assert result["type"] == "result" and result["attachments"], result
        else:
            assert result == {"type": "message", "text": said}

    # A chosen result naming a recommendation that has gone, or nothing readable.
    gone = await inserted(andrew, "composeExtension/selectItem", {"review_id": 1, "number": 99})
    assert shown(gone).count(messages.RECOMMENDATION_GONE.format(number=99)) == 1
    answer = await andrew.invoke(
        andrew.activity("invoke", name="composeExtension/selectItem", value={"x": 1})
    )
    assert answer.body["composeExtension"] == {"type": "message", "text": messages.CARD_OUT_OF_DATE}


async def test_a_recommendations_link_unfurls_into_its_card(make_chat: MakeChat) -> None:
    chat = await make_chat(ANDREW, scope="channel")
    card = await inserted(chat, "composeExtension/queryLink", {"url": WIFI_LINK})
    assert card["body"][0]["text"] == "Recommendation 7" and "Digital Optimisation" in shown(card)
    assert refresh_of(card)["userIds"][0] == ANDREW.teams_id

    gone = await inserted(chat, "composeExtension/queryLink", {"url": f"{PUBLIC}/recommendations/1/99"})
    assert messages.RECOMMENDATION_GONE.format(number=99) in shown(gone)
    other = await inserted(chat, "composeExtension/queryLink", {"url": f"{PUBLIC}/about"})
    assert messages.UNFURL_NOT_A_RECOMMENDATION in shown(other)


async def test_status_asked_in_a_meeting_chat_is_answered_there(make_chat: MakeChat) -> None:
    meeting = await make_chat(ANDREW, scope="groupChat")
    meeting.conversation["id"] = "19:meeting_Y2FiaW5ldA@thread.v2"
    activity = meeting.activity("message", text="<at>Scrutiny bot</at> status 7", textFormat="plain")
    activity["entities"].append(
        {"type": "mention", "mentioned": {"id": activity["recipient"]["id"]}, "text": "<at>Scrutiny bot</at>"}
    )
    activity["channelData"]["meeting"] = {"id": "MCMxOTptZWV0aW5nX1kyRmlhVzVsZEE="}
    mark = len(meeting.harness.connector.received)
    (reply,) = await meeting.send(activity)
    (sent,) = meeting.harness.connector.sent_since(mark)
    assert sent.conversation_id == "19:meeting_Y2FiaW5ldA@thread.v2"
    (card,) = reply.cards
    assert card["body"][0]["text"] == "Recommendation 7" and buttons(card) == []


async def test_a_recommendations_link_opened_in_a_browser_says_how_to_see_it(harness: Harness) -> None:
    assert harness.http is not None
    async with harness.http.get(harness.url + "/recommendations/1/7") as page:
        assert page.status == 200 and page.content_type == "text/html"
        text = await page.text()
    assert "Recommendation 7 of <b>Digital Optimisation</b>" in text and "<b>status 7</b>" in text
    async with harness.http.get(harness.url + "/recommendations/99/7") as gone:
        assert gone.status == 404 and "no longer in the plans" in await gone.text()
    async with harness.http.get(harness.url + "/recommendations/1/seven") as other:
        assert other.status == 404
    async with harness.http.get(harness.url + "/recommendations/1/999999") as nothing:
        assert nothing.status == 404 and nothing.content_type == "text/html"
        said = await nothing.text()
    assert "<b>Digital Optimisation</b> has no Recommendation 999999." in said and "status 999999" not in said
