"""The chair asks, the bot answers: every status question over the real HTTP endpoint, with the
seed document (Digital Optimisation, March 2020) imported."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from cardcheck import assert_valid_card, strings
from chat import MakeChat, Reply
from fake_connector import FakeConnector, TeamsUser
from records import import_document
from sqlalchemy import select

from documents.plan_format import plan_from_data
from store.db import Database
from store.models import Person
from store.plan import import_plan
from store.rounds import open_round

ANDREW = TeamsUser(name="Andrew Mearns", email="andrew.mearns@stockton.gov.uk", aad_object_id="aad-andrew")
LORRAINE = TeamsUser(
    name="Lorraine Dixon", email="lorraine.dixon@stockton.gov.uk", aad_object_id="aad-lorraine"
)
SLIPPED = {"1.2", "1.3", "3.2", "7.4", "9.1", "9.2"}


@pytest.fixture
async def seeded(db: Database, samples: Path) -> None:
    async with db.session() as session:
        await import_document(session, path=samples / "progress-update-march-2020.docx")
        for user in (ANDREW, LORRAINE):
            person = await session.scalar(select(Person).where(Person.name == user.name))
            assert person is not None, user.name
            person.email, person.aad_object_id = user.email, user.aad_object_id


def card_of(replies: list[Reply]) -> dict[str, Any]:
    cards = [card for reply in replies for card in reply.cards]
    assert len(cards) == 1, [r.text for r in replies]
    assert_valid_card(cards[0])
    return cards[0]


def shown(card: dict[str, Any]) -> str:
    return "\n".join(strings(card))


def blocks(node: Any, kind: str) -> list[dict[str, Any]]:
    """Every element of a type, in reading order."""
    if isinstance(node, list):
        return [b for item in node for b in blocks(item, kind)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("type") == kind else []
    return own + [b for value in node.values() for b in blocks(value, kind)]


def actions_in(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each action's block in a recommendation card, by its reference ("4.1")."""
    found = {}
    for container in card["body"]:
        texts = strings(container)
        title = next((t for t in texts if t.startswith("Action ")), None)
        if container["type"] == "Container" and title:
            found[title.removeprefix("Action ")] = container
    return found


def trend_of(action: dict[str, Any]) -> list[tuple[str, str]]:
    """(round, grade) per trend cell: the cells are the columns whose first line is a round."""
    cells = []
    for column_set in blocks(action, "ColumnSet"):
        for column in column_set["columns"]:
            items = column.get("items") or []
            if len(items) == 2 and items[0].get("isSubtle") and items[0].get("size") == "Small":
                cells.append((items[0]["text"], items[1]["text"]))
    return cells


def refs_in_list(card: dict[str, Any]) -> list[str]:
    return [
        row["columns"][0]["items"][0]["text"]
        for row in blocks(card["body"], "ColumnSet")
        if row.get("selectAction") and len(row["columns"]) == 3
    ]


def submit_buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons a reader sees (not the card's refresh)."""
    return [a for a in blocks(card["body"], "Action.Execute") if a.get("title")]


# --- one recommendation ---


async def test_status_by_words_answers_with_the_recommendation_and_its_grades(
    make_chat: MakeChat, seeded: None
) -> None:
    chat = await make_chat()
    card = card_of(await chat.say("status wifi"))
    text = shown(card)
    assert "Recommendation 4" in text
    assert "Information on where to get WiFi or access to a computer within the Borough" in text
    (action,) = actions_in(card).values()
    assert trend_of(action) == [("Mar 2020", "Fully Achieved")]


@pytest.mark.parametrize(
    "said",
    ["status 1", "status of recommendation 1", "What's the status of rec 1?", "recommendation 1", "rec 1"],
)
async def test_status_of_a_recommendation_by_number_shows_each_action(
    make_chat: MakeChat, seeded: None, said: str
) -> None:
    chat = await make_chat()
    card = card_of(await chat.say(said))
    assert "Recommendation 1" in shown(card)
    text = card["body"][2]["inlines"]
    assert (
        "".join(r["text"] for r in text)
        == "A review of My Stockton with regards content and layout be undertaken."
    )
    assert [r["text"] for r in text if r.get("italic")] == ["My Stockton"]  # italic in the Word document
    actions = actions_in(card)
    assert list(actions) == ["1.1", "1.2", "1.3"]
    assert [trend_of(a) for a in actions.values()] == [
        [("Mar 2020", "Fully Achieved")],
        [("Mar 2020", "Slipped")],
        [("Mar 2020", "Slipped")],
    ]
    assert all("Lorraine Dixon" in shown(a) for a in actions.values())
    assert "September 2019" in shown(actions["1.2"])


async def test_an_answer_waiting_on_teams_does_not_hold_up_other_officers(
    make_chat: MakeChat, fake_connector: FakeConnector, seeded: None
) -> None:
    """A status card is made in one unit of work and sent after it: on SQLite the units of work of a
    process take turns, so one held open while Teams is slow would stall every officer's turn."""
    andrew, lorraine = await make_chat(ANDREW), await make_chat(LORRAINE)
    release = fake_connector.hold(andrew.conversation["id"])
    slow = asyncio.create_task(andrew.say("status 4"))
    try:
        async with asyncio.timeout(10):
            while andrew.conversation["id"] not in fake_connector.waiting:
                await asyncio.sleep(0.01)
            card = card_of(await lorraine.say("status 7"))
        assert "Recommendation 7" in shown(card)
        assert not slow.done()
    finally:
        release.set()
    # Lorraine's answer reached the connector while Andrew's waited: his is the one sent to his chat.
    mine = [r for r in await slow if r.raw["conversation"]["id"] == andrew.conversation["id"]]
    assert "Recommendation 4" in shown(card_of(mine))


async def test_long_evidence_is_trimmed_with_the_rest_one_tap_away(make_chat: MakeChat, seeded: None) -> None:
    chat = await make_chat()
    card = card_of(await chat.say("status 1"))
    action = actions_in(card)["1.2"]
    short, full = (c for c in blocks(action, "Container") if c.get("id", "").startswith("evidence-"))
    short_text = blocks(short, "TextRun")[0]["text"]
    full_text = blocks(full, "TextRun")[0]["text"]
    assert short_text.endswith("…") and len(short_text) < len(full_text)
    assert full_text.startswith(
        "In December 2019 Council purchased a new Digital Development Platform (GOSS)"
    )
    assert full.get("isVisible") is False
    (show_all,) = blocks(short, "Action.ToggleVisibility")
    assert show_all["title"] == "Show all" and set(show_all["targetElements"]) == {short["id"], full["id"]}


async def test_the_update_button_is_there_only_for_whoever_may_update(
    make_chat: MakeChat, db: Database, seeded: None
) -> None:
    async with db.session() as session:
        await open_round(session, review_id=1, label="September 2020", deadline=date(2020, 10, 16))
    # Lorraine Dixon is responsible for all of Recommendation 1; 1.1 was done in March.
    card = card_of(await (await make_chat(LORRAINE)).say("status 1"))
    assert [b["title"] for b in submit_buttons(card)] == ["Update 1.2", "Update 1.3"]
    assert [b["data"]["verb"] for b in submit_buttons(card)] == ["open_update", "open_update"]
    # Andrew Mearns has no action in Recommendation 1.
    card = card_of(await (await make_chat(ANDREW)).say("status 1"))
    assert submit_buttons(card) == []


async def test_how_is_the_idea_one_going(make_chat: MakeChat, seeded: None) -> None:
    chat = await make_chat()
    card = card_of(await chat.say("how is the iDEA one going"))
    assert "Recommendation 7" in shown(card)
    assert "iDEA (The Duke of York Inspiring Digital Enterprise Award)" in shown(card)


async def test_words_several_recommendations_share_give_a_short_list(
    make_chat: MakeChat, seeded: None
) -> None:
    chat = await make_chat()
    card = card_of(await chat.say("status digital"))
    assert "Several recommendations match" in shown(card)
    buttons = submit_buttons(card)
    assert 2 <= len(buttons) <= 5
    assert all(b["data"]["verb"] == "status_recommendation" for b in buttons)
    picked = card_of(await chat.submit(buttons[0]["data"]))
    assert buttons[0]["title"].removeprefix("Show ") in shown(picked)


async def test_a_recommendation_that_does_not_exist(make_chat: MakeChat, seeded: None) -> None:
    chat = await make_chat()
    (reply,) = await chat.say("status 20")
    assert reply.text == (
        "“Digital Optimisation” has no Recommendation 20: its recommendations are numbered 1–13."
    )
    (reply,) = await chat.say("status zebra crossings")
    assert "No recommendation matches those words" in reply.text


# --- the review ---


async def test_status_alone_gives_the_overview(make_chat: MakeChat, seeded: None) -> None:
    chat = await make_chat()
    card = card_of(await chat.say("status"))
    text = shown(card)
    assert "Digital Optimisation" in text
    assert "5 Fully Achieved · 16 On-Track · 6 Slipped · 0 Not Achieved" in text
    (bar,) = [c for c in blocks(card, "ColumnSet") if all("style" in col for col in c["columns"])][:1]
    assert [(c["width"], c["style"]) for c in bar["columns"]] == [(5, "good"), (16, "accent"), (6, "warning")]
    lines = [c for c in blocks(card, "ColumnSet") if c.get("selectAction")]
    assert len(lines) == 13
    worst = {line["columns"][0]["items"][0]["text"]: line["columns"][2]["items"][0]["text"] for line in lines}
    assert (worst["1"], worst["2"], worst["4"], worst["7"]) == (
        "Slipped",
        "On-Track",
        "Fully Achieved",
        "Slipped",
    )
    # A line, tapped, is that recommendation's status.
    card = card_of(await chat.submit(lines[6]["selectAction"]["data"]))
    assert "Recommendation 7" in shown(card)


async def test_in_a_channel_the_bot_answers_when_mentioned(make_chat: MakeChat, seeded: None) -> None:
    chat = await make_chat(scope="channel")
    card = card_of(await chat.say("status 7"))  # sent as "<at>Scrutiny bot</at> status 7"
    assert "Recommendation 7" in shown(card)
    group = await make_chat(scope="groupChat")
    assert "Digital Optimisation" in shown(card_of(await group.say("status")))


async def import_youth_review(db: Database, *, committee: str | None = None) -> None:
    async with db.session() as session:
        await import_plan(
            session,
            plan=plan_from_data(
                {
                    "review": "Youth Engagement",
                    "committee": committee,
                    "recommendations": [
                        {
                            "number": 1,
                            "text": "Young people be heard.",
                            "actions": [
                                {
                                    "agreed_action": "Hold a youth forum.",
                                    "responsibility": "Lorraine Dixon",
                                    "date": "June 2020",
                                }
                            ],
                        }
                    ],
                },
                source="youth.yaml",
            ),
        )


async def test_with_several_reviews_the_chosen_one_is_remembered(
    make_chat: MakeChat, db: Database, seeded: None
) -> None:
    await import_youth_review(db)
    chat = await make_chat()
    card = card_of(await chat.say("status 7"))
    assert "Which review?" in shown(card)
    titles = {b["title"]: b["data"] for b in submit_buttons(card)}
    assert set(titles) == {"Digital Optimisation", "Youth Engagement"}
    assert "Recommendation 7" in shown(card_of(await chat.submit(titles["Digital Optimisation"])))
    # Remembered in this conversation, across a restart of the bot.
    await chat.restart()
    assert "Recommendation 3" in shown(card_of(await chat.say("status 3")))
    # Another conversation has not chosen yet.
    other = await make_chat()
    assert "Which review?" in shown(card_of(await other.say("slipped")))


async def test_in_a_team_named_after_a_review_that_review_is_meant(
    make_chat: MakeChat, db: Database, seeded: None
) -> None:
    await import_youth_review(db, committee="Digital Services Group Select Committee")
    channel = await make_chat(scope="channel")  # the team is called "Digital Services Group"
    card = card_of(await channel.say("status 1"))
    assert "Young people be heard." in shown(card)
    personal = await make_chat()
    assert "Which review?" in shown(card_of(await personal.say("status 1")))
    # Words find a recommendation in any review, without asking which.
    assert "Recommendation 4" in shown(card_of(await personal.say("status wifi")))


# --- lists ---


async def test_slipped_lists_the_six_slipped_actions_with_owners(make_chat: MakeChat, seeded: None) -> None:
    chat = await make_chat()
    for said in ("slipped", "which actions have slipped?"):
        card = card_of(await chat.say(said))
        assert "Slipped: 6" in shown(card)
        assert set(refs_in_list(card)) == SLIPPED
        assert "Lorraine Dixon · September 2019" in shown(card)


async def test_not_achieved_says_there_are_none(make_chat: MakeChat, seeded: None) -> None:
    chat = await make_chat()
    card = card_of(await chat.say("not achieved"))
    assert "Not Achieved: 0" in shown(card)
    assert "No action's latest grade is Not Achieved." in shown(card)


async def test_missing_lists_actions_without_an_update_in_the_open_round(
    make_chat: MakeChat, db: Database, seeded: None
) -> None:
    chat = await make_chat()
    (reply,) = await chat.say("missing")
    assert (
        reply.text
        == "No round is open in “Digital Optimisation”, so no updates are being asked for just now."
    )
    async with db.session() as session:
        await open_round(session, review_id=1, label="September 2020", deadline=date(2020, 10, 16))
    card = card_of(await chat.say("outstanding"))
    # Everything not Fully Achieved in March is still to report on for September.
    assert "No update yet for September 2020: 22" in shown(card)
    assert "1.1" not in refs_in_list(card) and "1.2" in refs_in_list(card)
    assert "Showing 1–20 of 22." in shown(card)
    (next_page,) = [b for b in submit_buttons(card) if b["title"] == "Next 2"]
    card = card_of(await chat.submit(next_page["data"]))
    assert len(refs_in_list(card)) == 2 and "Showing 21–22 of 22." in shown(card)


async def test_overdue_is_judged_against_today(
    make_chat: MakeChat, seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.features.utcnow", lambda: datetime(2020, 6, 1, 9, tzinfo=UTC))
    chat = await make_chat()
    card = card_of(await chat.say("overdue"))
    # Past their date on 1 June 2020 and not Fully Achieved: 1.1 (April 2019) is done, 9.1 (April
    # 2020) slipped, 8.2 (to April 2021) and the ongoing ones are not due.
    assert refs_in_list(card) == ["1.2", "1.3", "2.1", "3.2", "6.2", "7.1", "7.2", "7.3", "7.4", "9.1", "9.2"]
    assert "past their date on 1 June 2020" in shown(card)


async def test_my_actions_lists_the_callers_own(make_chat: MakeChat, seeded: None) -> None:
    chat = await make_chat(ANDREW)
    card = card_of(await chat.say("my actions"))
    # Recommendations 3 and 4 are his; 7.4 names "Carly Dixon / Andrew Mearns".
    assert refs_in_list(card) == ["3.1", "3.2", "4.1", "7.4"]
    assert "Andrew Mearns" in shown(card)
    stranger = await make_chat(TeamsUser(name="Pat Nobody", email="pat@example.org", aad_object_id="aad-pat"))
    (reply,) = await stranger.say("my actions")
    assert reply.text == (
        "I don't know you as an officer yet, so I can't tell which actions are yours. "
        "Please ask an admin to add you to the roster."
    )


# --- anything else ---


async def test_a_typo_in_a_question_is_read_through(make_chat: MakeChat, seeded: None) -> None:
    chat = await make_chat()
    assert "Recommendation 7" in shown(card_of(await chat.say("stauts 7")))
    assert "Recommendation 4" in shown(card_of(await chat.say("stauts of wifi?")))
    replies = await chat.say("stauts [7](http://evil)")  # what was typed is not said back with markup
    assert "Recommendation 7" in shown(card_of(replies)) and "evil" not in replies[0].text
    (reply,) = await chat.say("what is the weather")
    assert reply.text.startswith("I'm not sure what you're asking") and "**status**" in reply.text


async def test_a_bare_number_shows_that_recommendation_and_says_how_it_was_taken(
    make_chat: MakeChat, seeded: None
) -> None:
    chat = await make_chat()
    (reply,) = await chat.say("2")
    assert reply.text == "Here is Recommendation 2 — next time, say **status 2**."
    assert "Recommendation 2" in shown(card_of([reply]))
    (asked,) = await chat.say("status 2")  # asked as such, the card comes on its own
    assert not asked.text and "Recommendation 2" in shown(card_of([asked]))


async def test_help_lists_the_status_commands(make_chat: MakeChat, seeded: None) -> None:
    chat = await make_chat()
    (reply,) = await chat.say("help")
    for usage in ("status [number or words]", "my actions", "slipped", "overdue", "missing", "not achieved"):
        assert f"**{usage}**" in reply.text


async def test_an_old_status_card_button_does_not_break_the_bot(make_chat: MakeChat, seeded: None) -> None:
    chat = await make_chat()
    (reply,) = await chat.submit({"verb": "status_page", "page": "many"})
    assert "out of date" in reply.text
    card = card_of(await chat.submit({"verb": "status_page", "question": "slipped", "page": 99}))
    assert "Slipped: 6" in shown(card)  # past the end: the last page
