"""The chair asks in her own words, over the real HTTP endpoint: every kind of question, worded as
nobody wrote them in the development set, answered with the words and the recommendation she would
see. The seed document (Digital Optimisation, March 2020) imported, the September 2020 round open."""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

import pytest
from cardcheck import strings
from chat import MakeChat, Reply
from fake_connector import TeamsUser
from records import import_document
from sqlalchemy import func, select
from test_reminders import buttons

from store.db import Database
from store.models import Person, ProgressUpdate
from store.rounds import open_round

CHAIR = TeamsUser(name="Cllr Jo Chair", email="jo.chair@stockton.gov.uk", aad_object_id="aad-chair")
PLANS = Path(__file__).parent / "plans"
FIRST_NAMED = re.compile(r"\bRecommendation (\d+)")


@pytest.fixture
async def seeded(db: Database, samples: Path) -> None:
    async with db.session() as session:
        await import_document(session, path=samples / "progress-update-march-2020.docx")
        session.add(
            Person(name=CHAIR.name, email=CHAIR.email, aad_object_id=CHAIR.aad_object_id, is_chair=True)
        )
        await open_round(session, review_id=1, label="September 2020", deadline=date(2020, 10, 2))


def shown(replies: list[Reply]) -> str:
    """What the chair reads: each reply's text, then its cards' words."""
    return "\n".join(part for reply in replies for part in reply.shown)


def first_recommendation(replies: list[Reply]) -> int | None:
    found = FIRST_NAMED.search(shown(replies))
    return int(found.group(1)) if found else None


async def ask(make_chat: MakeChat, question: str) -> str:
    chat = await make_chat(CHAIR)
    return shown(await chat.say(question))


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("hows the public wifi thing coming along", 4),
        ("anything new on staff appraisls?", 9),  # a typo
        ("where have we got to with the Duke of York award", 7),  # the long form of iDEA
        ("is the iDEA stuff done", 7),
        ("funding bids?", 13),
        ("residents survey - any news", 2),
        ("R11", 11),
        ("recommendation thirteen please", 13),
        ("show me no. 8", 8),
        ("status 5", 5),
        ("has 6 been finished", 6),
        ("has the home page one slipped?", 3),
        ("what about 7.3", 7),
    ],
)
async def test_one_recommendation_in_any_words(
    make_chat: MakeChat, seeded: None, question: str, number: int
) -> None:
    chat = await make_chat(CHAIR)
    replies = await chat.say(question)
    assert first_recommendation(replies) == number, shown(replies)
    assert "didn't understand" not in shown(replies)


async def test_two_that_fit_equally_are_offered_as_buttons(make_chat: MakeChat, seeded: None) -> None:
    chat = await make_chat(CHAIR)
    (reply,) = await chat.say("what is the DSG doing about collaboration")
    assert reply.text.startswith("Which one do you mean: Recommendation "), reply.text
    offered = {
        title: data for title, data in buttons(reply).items() if title.startswith("Show Recommendation")
    }
    assert len(offered) >= 2
    # Pressing one shows it.
    title, data = next(iter(offered.items()))
    assert title.removeprefix("Show ") in "\n".join(strings((await chat.execute(data)).card))


async def test_the_review_at_a_glance_and_counts(make_chat: MakeChat, seeded: None) -> None:
    overall = await ask(make_chat, "give me the big picture")
    assert "16 On-Track" in overall.replace("*", "") and "6 Slipped" in overall.replace("*", "")
    assert "September 2020: 0 of 22 actions updated so far, due by 2 October 2020" in overall
    many = (await ask(make_chat, "how many are behind schedule")).replace("*", "")
    assert "6 of 27 actions are Slipped" in many
    assert "1.2, 1.3, 3.2, 7.4, 9.1, 9.2" in many
    done = (await ask(make_chat, "number of actions fully achieved?")).replace("*", "")
    assert "5 of 27 actions are Fully Achieved" in done


@pytest.mark.parametrize(
    ("question", "must_show", "must_not_show"),
    [
        ("which ones are delayed", ["Slipped: 6", "9.1", "7.4"], []),
        ("list the failed actions", ["No action's latest grade is Not Achieved."], []),
        ("what's gone past its deadline?", ["Overdue", "2.1"], ["4.1"]),
        (
            "who hasn't sent their update in yet",
            ["No update yet for September 2020: 22", "Lorraine Dixon"],
            [],
        ),
        ("anything awaiting review?", ["Nothing is waiting for review."], []),
        ("what got sent back", ["No update has been returned."], []),
        ("show me everything that's complete", ["Fully Achieved: 5", "4.1", "8.1"], ["9.1"]),
        ("which actions are on track", ["On-Track: 16"], []),
    ],
)
async def test_lists_in_any_words(
    make_chat: MakeChat, seeded: None, question: str, must_show: list[str], must_not_show: list[str]
) -> None:
    said = await ask(make_chat, question)
    for words in must_show:
        assert words in said, said
    for words in must_not_show:
        assert words not in said.split(), said


async def test_someones_actions_by_name_and_who_is_responsible(make_chat: MakeChat, seeded: None) -> None:
    mark = await ask(make_chat, "what's mark freeman working on")
    assert "Mark Freeman's actions" in mark and "7.3" in mark
    owners = await ask(make_chat, "who's in charge of the wifi one?")
    assert owners.startswith("Who is responsible for Recommendation 4")
    assert "4.1** Andrew Mearns" in owners
    action = await ask(make_chat, "who is responsible for 7.2")
    assert "7.2** Craig Taylor" in action and "7.1" not in action


async def test_when_things_are_due(make_chat: MakeChat, seeded: None) -> None:
    rec = await ask(make_chat, "by when should the appraisal work be done?")
    assert rec.startswith("When Recommendation 9's actions are due")
    assert "9.1** April 2020" in rec and "9.2** January 2020" in rec
    deadline = await ask(make_chat, "what's the deadline for this round?")
    assert "updates for the September 2020 round are due by **2 October 2020**" in deadline
    assert "22 of 22 actions have no update yet." in deadline


async def test_what_changed_since_a_round(make_chat: MakeChat, seeded: None) -> None:
    said = await ask(make_chat, "anything changed since march?")
    assert "nothing has changed since March 2020" in said
    assert "The September 2020 round is open and 22 action(s) still have no update." in said


async def test_a_review_named_in_words_with_several_reviews(
    make_chat: MakeChat, seeded: None, db: Database
) -> None:
    async with db.session() as session:
        await import_document(session, path=PLANS / "waste-and-recycling.yaml")
    glance = await ask(make_chat, "how is the waste review going overall?")
    assert glance.startswith("Household Waste and Recycling, by each action's latest grade")
    digital = await ask(make_chat, "how's the digital optimisation review doing")
    assert digital.startswith("Digital Optimisation, by each action's latest grade")
    # Words find a recommendation in whichever review has it, without asking which review first.
    assert first_recommendation(await (await make_chat(CHAIR)).say("the fly-tipping one?")) == 5
    # Or about every review at once.
    everywhere = await ask(make_chat, "how many have slipped across all reviews?")
    assert (
        "10** actions across 2 reviews: slipped." in everywhere
        and "Slipped, in every review: 10" in everywhere
    )
    assert "Digital Optimisation" in everywhere and "Household Waste and Recycling" in everywhere
    both = await ask(make_chat, "how are all the reviews doing")
    assert "Digital Optimisation, by each action's latest grade" in both
    assert "Household Waste and Recycling, by each action's latest grade" in both


@pytest.mark.parametrize(
    ("question", "reply_starts"),
    [
        ("x" * 5_000, "I'm not sure what you're asking"),
        ("<script>alert('x')</script>", "I'm not sure what you're asking"),
        ("Sut mae'r argymhelliad yn mynd?", "I'm not sure what you're asking"),
        ("status 14", "“Digital Optimisation” has no Recommendation 14"),
        ("what is Jane Bloggs doing?", "I don't know anyone called Jane Bloggs"),
    ],
)
async def test_bad_questions_get_a_short_clear_reply_and_change_nothing(
    make_chat: MakeChat, seeded: None, db: Database, question: str, reply_starts: str
) -> None:
    async with db.session() as session:
        before = await session.scalar(select(func.count(ProgressUpdate.id)))
    said = await ask(make_chat, question)
    assert said.startswith(reply_starts), said
    assert len(said) < 600 and "<script>" not in said
    async with db.session() as session:
        assert await session.scalar(select(func.count(ProgressUpdate.id))) == before


async def test_markup_is_read_as_the_words_it_wraps(make_chat: MakeChat, seeded: None) -> None:
    chat = await make_chat(CHAIR)
    replies = await chat.say("<b>how's</b> the <i>wifi</i> one? <img src=x onerror=alert(1)>")
    assert first_recommendation(replies) == 4
    assert "<img" not in shown(replies) and "onerror" not in shown(replies)


async def test_not_understood_says_what_can_be_asked_from_this_plan(
    make_chat: MakeChat, seeded: None
) -> None:
    said = await ask(make_chat, "blorp")
    assert said.startswith("I'm not sure what you're asking. You could ask, for example:")
    # An example made from the plan's own words, which the bot then understands.
    example = re.search(r"“(how is the \w+ one going\?)”", said)
    assert example, said
    assert first_recommendation(await (await make_chat(CHAIR)).say(example.group(1))) is not None


async def test_a_channel_and_a_group_chat_with_the_mention(make_chat: MakeChat, seeded: None) -> None:
    for scope in ("channel", "groupChat"):
        chat = await make_chat(CHAIR, scope=scope)
        replies = await chat.say("how are the digital champions getting on?")
        assert first_recommendation(replies) == 6, scope
    chat = await make_chat(CHAIR, scope="channel")
    (reply,) = await chat.say("")
    assert "help" in reply.text


async def test_a_meeting_chat_asks_in_its_own_words(make_chat: MakeChat, seeded: None) -> None:
    meeting = await make_chat(CHAIR, scope="groupChat")
    meeting.conversation["id"] = "19:meeting_Y2FiaW5ldA@thread.v2"
    mention = "<at>Scrutiny bot</at>"
    activity = meeting.activity(
        "message", text=f"{mention} whats happening with staff appraisals", textFormat="plain"
    )
    activity["entities"].append(
        {"type": "mention", "mentioned": {"id": activity["recipient"]["id"]}, "text": mention}
    )
    activity["channelData"]["meeting"] = {"id": "MCMxOTptZWV0aW5nX1kyRmlhVzVsZEE="}
    assert first_recommendation(await meeting.send(activity)) == 9


async def test_what_a_question_was_taken_to_mean_is_logged_at_debug_only(
    make_chat: MakeChat, seeded: None, caplog: pytest.LogCaptureFixture
) -> None:
    chat = await make_chat(CHAIR)
    with caplog.at_level(logging.DEBUG, logger="dialogs.asking"):
        await chat.say("how are the digital champions getting on?")
        await chat.say("Champions named in every directorate; the list is on the intranet.")
    lines = [r.getMessage() for r in caplog.records if r.name == "dialogs.asking"]
    assert {r.levelno for r in caplog.records if r.name == "dialogs.asking"} == {logging.DEBUG}
    assert "taken as recommendation" in lines[0] and "found by words: 6" in lines[0]
    # Progress is no question: its words are not logged.
    assert lines[1] == "A message of 11 words was not taken for a question"
    assert "intranet" not in caplog.text


# The same kinds of question, through the bot, on another council's plan: nothing is tuned to one plan.
WASTE_QUESTIONS = [
    ("how are the plastic pots going?", r"\bRecommendation 1\b"),
    ("any news on the HWRC booking system", r"\bRecommendation 2\b"),
    ("R5", r"\bRecommendation 5\b"),
    ("what's behind?", r"Slipped: 4"),
    ("what's failed", r"Not Achieved: 2"),
    ("how many are done", r"4\*\* of 19 actions are Fully Achieved"),
    ("whose returns are we waiting on", r"No update yet for October 2023: 15"),
    ("what's late", r"Overdue"),
    ("who's responsible for the reuse shop", r"Who is responsible for Recommendation 7"),
    ("when is the october update due", r"due by \*\*3 November 2023\*\*"),
    ("what's changed since april", r"nothing has changed since April 2023"),
    ("overall?", r"Household Waste and Recycling, by each action's latest grade"),
]


@pytest.mark.parametrize(("question", "shows"), WASTE_QUESTIONS)
async def test_another_councils_review_is_asked_the_same_ways(
    make_chat: MakeChat, db: Database, question: str, shows: str
) -> None:
    async with db.session() as session:
        await import_document(session, path=PLANS / "waste-and-recycling.yaml")
        session.add(
            Person(name=CHAIR.name, email=CHAIR.email, aad_object_id=CHAIR.aad_object_id, is_chair=True)
        )
    said = await ask(make_chat, question)
    assert re.search(shows, said), said


async def test_someone_not_on_the_roster_may_ask_but_has_no_actions(
    make_chat: MakeChat, seeded: None
) -> None:
    stranger = await make_chat(
        TeamsUser(name="Pat Visitor", email="pat@example.org", aad_object_id="aad-pat")
    )
    assert first_recommendation(await stranger.say("how is the home page work going?")) == 3
    (reply,) = await stranger.say("what have I got on my plate?")
    assert reply.text.startswith(
        "I don't know you as an officer yet, so I can't tell which actions are yours."
    )


async def test_the_chairs_update_says_she_has_no_actions_and_what_she_can_ask(
    make_chat: MakeChat, seeded: None
) -> None:
    assert await ask(make_chat, "update") == (
        "No agreed action names you, so there is nothing for you to update. You can ask how things "
        "stand: **status**, **status 7**, **slipped**, **summary**, or a question in your own words."
    )
