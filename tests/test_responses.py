"""The executive's response over HTTP: the link officer's card listing the recommendations, responses
recorded for several, status showing them; a recommendation not accepted no longer asked for, listed
or reminded; the link officers reminded once before the response is due; bad input refused whole."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cardcheck import shown
from chat import Chat, MakeChat, Reply
from fake_connector import TeamsUser
from sqlalchemy import select, update
from test_reminders import action_ids, buttons
from test_scheduler import (
    ADMIN,
    Bot,
    fixture_bot,  # noqa: F401 (fixtures)
    lines,
    london,
    officer,
    open_september,
    seed_sample,
)

from cards.update import open_update_data
from documents.errors import UserFacingError
from documents.responses import ExecutiveResponse
from store.db import Database
from store.models import Person, Recommendation, Review, UpdateSource
from store.queries import grade_counts, missing_updates
from store.updates import record_update

LORRAINE = officer("Lorraine Dixon")  # the review's link officer
ANDREW = officer("Andrew Mearns")  # responsible for 3.2 and 7.4; not a link officer
NOT_ACCEPTED_BECAUSE = "The home page is being replaced by the new website in 2020."


def said(replies: list[Reply]) -> str:
    return "\n".join(part for r in replies for part in (r.text, *shown(r.cards)) if part)


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Input id -> the input, anywhere in the card."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input."):
                found[node["id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


def save_data(card: dict[str, Any]) -> dict[str, Any]:
    (save,) = card["actions"]
    assert save["title"] == "Save the responses"
    data: dict[str, Any] = save["data"]
    return data


async def responses(
    db: Database,
) -> dict[int, tuple[ExecutiveResponse | None, str | None, date | None, str | None]]:
    async with db.session() as session:
        rows = await session.execute(
            select(
                Recommendation.number,
                Recommendation.response,
                Recommendation.response_reason,
                Recommendation.response_date,
                Person.name,
            ).outerjoin(Person, Person.id == Recommendation.response_by_id)
        )
        return {number: (response, reason, on, by) for number, response, reason, on, by in rows}


class Council:
    """The sample plan (13 recommendations; Lorraine Dixon its link officer), and chats with the bot."""

    def __init__(self, bot: Bot, db: Database, make_chat: MakeChat) -> None:
        self.bot, self.db, self.make_chat = bot, db, make_chat

    async def set_up(self, samples: Path) -> None:
        self.review_id = await seed_sample(self.db, samples)
        self.lorraine = await self.personal(LORRAINE)

    async def personal(self, user: TeamsUser) -> Chat:
        chat = await self.make_chat(user)
        await chat.install()
        return chat

    async def form(self, chat: Chat) -> dict[str, Any]:
        replies = await chat.say("respond")
        (card,) = [card for reply in replies for card in reply.cards]
        return card

    async def not_accept_3(self) -> None:
        card = await self.form(self.lorraine)
        answer = {"date": "2019-05-01", "response_3": "not_accepted", "reason_3": NOT_ACCEPTED_BECAUSE}
        pressed = await self.lorraine.execute(save_data(card), inputs=answer)
        assert pressed.card  # saved


@pytest.fixture(name="council")
async def fixture_council(bot: Bot, db: Database, make_chat: MakeChat, samples: Path) -> Council:
    council = Council(bot, db, make_chat)
    await council.set_up(samples)
    return council


async def test_the_link_officer_records_several_responses_on_one_card_and_status_shows_them(
    council: Council, db: Database
) -> None:
    card = await council.form(council.lorraine)
    assert lines(card)[0] == "The executive's response: Digital Optimisation"
    # Twelve recommendations to a card, each with the three responses and a reason; the date is one.
    fields = inputs(card)
    assert [key for key in fields if key.startswith("response_")] == [f"response_{n}" for n in range(1, 13)]
    assert [c["title"] for c in fields["response_7"]["choices"]] == [
        "Accepted",
        "Partially accepted",
        "Not accepted",
    ]
    assert "reason_7" in fields and fields["date"]["type"] == "Input.Date"
    assert "1 more recommendation(s): save these, then say **respond** again." in lines(card)
    assert any(line.startswith("Digital service options on the Council's home page") for line in lines(card))

    answers = {
        "date": "2019-05-01",
        "response_1": "accepted",
        "response_2": "partially_accepted",
        "reason_2": "The survey is shared with the LGA's.",
        "response_3": "not_accepted",
        "reason_3": NOT_ACCEPTED_BECAUSE,
        "reason_4": "",
    }
    pressed = await council.lorraine.execute(save_data(card), inputs=answers)
    saved = lines(pressed.card)
    assert saved[0] == (
        "Saved the executive's response to 3 recommendation(s) of “Digital Optimisation”: 1 accepted, "
        "1 partially accepted, 1 not accepted. Not accepted, so no longer monitored: 3."
    )
    assert f"Executive response: Not accepted (1 May 2019): {NOT_ACCEPTED_BECAUSE}" in saved
    assert not inputs(pressed.card)  # nothing left to press on the saved card
    recorded = await responses(db)
    assert recorded[1] == (ExecutiveResponse.ACCEPTED, None, date(2019, 5, 1), "Lorraine Dixon")
    assert recorded[3] == (
        ExecutiveResponse.NOT_ACCEPTED,
        NOT_ACCEPTED_BECAUSE,
        date(2019, 5, 1),
        "Lorraine Dixon",
    )
    assert recorded[4][0] is None

    status_1 = said(await council.lorraine.say("status 1"))
    assert "Executive response: Accepted (1 May 2019)" in status_1
    status_3 = said(await council.lorraine.say("status 3"))
    assert f"Executive response: Not accepted (1 May 2019): {NOT_ACCEPTED_BECAUSE}" in status_3
    assert "Not accepted, so no actions are asked of it and its progress is not monitored." in status_3
    assert "Redesign home page" not in status_3  # its actions are not shown as monitored

    # Asked again, the ten still unanswered come first, then the answered as they were (3 is the
    # thirteenth: the next card's); saving another keeps their date.
    again = await council.form(council.lorraine)
    assert [key for key in inputs(again) if key.startswith("response_")] == [
        *(f"response_{n}" for n in range(4, 14)),
        "response_1",
        "response_2",
    ]
    assert inputs(again)["response_2"]["value"] == "partially_accepted"
    assert inputs(again)["reason_2"]["value"] == "The survey is shared with the LGA's."
    resubmitted = {key: field.get("value", "") for key, field in inputs(again).items()}
    resubmitted |= {"date": "2019-05-20", "response_4": "accepted"}
    pressed = await council.lorraine.execute(save_data(again), inputs=resubmitted)
    assert lines(pressed.card)[0].startswith("Saved the executive's response to 1 recommendation(s)")
    recorded = await responses(db)
    assert recorded[4][:3] == (ExecutiveResponse.ACCEPTED, None, date(2019, 5, 20))
    assert recorded[2][2] == recorded[3][2] == date(2019, 5, 1)


async def test_an_admin_may_record_them_and_the_overview_shows_not_accepted(
    council: Council, db: Database
) -> None:
    admin = await council.personal(ADMIN)
    card = await council.form(admin)
    answer = {"response_3": "Not accepted", "reason_3": NOT_ACCEPTED_BECAUSE, "date": ""}
    pressed = await admin.execute(save_data(card), inputs=answer)
    assert pressed.card
    recorded = await responses(db)
    assert recorded[3][0] is ExecutiveResponse.NOT_ACCEPTED and recorded[3][3] == ADMIN.name
    overview = said(await admin.say("status"))
    assert "Not accepted" in overview


async def test_a_not_accepted_recommendation_is_not_asked_for_listed_counted_or_reminded(
    council: Council, db: Database, bot: Bot, make_chat: MakeChat
) -> None:
    round_id = await open_september(db, council.review_id, deadline="2026-12-04")
    ids = await action_ids(db, council.review_id)
    async with db.session() as session:
        before = await grade_counts(session, review_id=council.review_id, round_id=round_id)
        missing_before = {a.ref for a in await missing_updates(session, review_id=council.review_id)}
    assert "3.2" in missing_before  # 3.1 was Fully Achieved in March 2020

    await council.not_accept_3()

    async with db.session() as session:
        after = await grade_counts(session, review_id=council.review_id, round_id=round_id)
        missing_after = {a.ref for a in await missing_updates(session, review_id=council.review_id)}
    assert after.total == before.total - 2 and missing_after == missing_before - {"3.2"}
    assert "3.2" not in said(await council.lorraine.say("missing"))

    # Andrew's only other action is 7.4: "update" goes straight to it, 3.2 is no longer a choice.
    andrew = await council.personal(ANDREW)
    started = said(await andrew.say("update"))
    assert "Recommendation 7, action 4" in started and "3.2" not in started
    await andrew.say("cancel")
    refused = said(await andrew.submit(open_update_data(ids["3.2"])))
    assert (
        "Recommendation 3 was not accepted by the executive: no progress is asked of its actions." in refused
    )
    async with db.session() as session:
        with pytest.raises(UserFacingError, match="not accepted"):
            await record_update(
                session,
                action_id=ids["3.2"],
                round_id=round_id,
                evidence="Done.",
                grade=None,
                explanation=None,
                impact=None,
                by_person_id=None,
                source=UpdateSource.TEAMS,
                max_text_length=20_000,
            )

    # The round's reminder to Andrew names 7.4 alone.
    await bot.scheduler.tick(now=london("2026-11-20 09:00"))
    (reminder,) = bot.cards(andrew.conversation["id"])
    assert list(buttons(reminder)) == ["Update 7.4"]


async def test_the_link_officers_are_reminded_once_before_the_response_is_due(
    council: Council, db: Database, bot: Bot
) -> None:
    # The report of Monday 5 October 2026: the response is due two months later, Saturday 5 December;
    # reminded 14 days before, on the Saturday moved back to Friday 20 November, 09:00.
    async with db.session() as session:
        await session.execute(
            update(Review).where(Review.id == council.review_id).values(report_date=date(2026, 10, 5))
        )
    await council.not_accept_3()
    to_lorraine = council.lorraine.conversation["id"]
    assert (await bot.scheduler.tick(now=london("2026-11-20 08:59"))).reminders == 0
    assert (await bot.scheduler.tick(now=london("2026-11-20 09:00"))).reminders == 1
    assert (await bot.scheduler.tick(now=london("2026-11-20 09:01"))).reminders == 0  # never twice
    assert (await bot.scheduler.tick(now=london("2026-11-23 10:00"))).reminders == 0
    await bot.restart()
    assert (await bot.scheduler.tick(now=london("2026-11-24 10:00"))).reminders == 0  # nor after a restart
    (reminder,) = bot.cards(to_lorraine)
    said_there = lines(reminder.cards[0])
    assert (
        said_there[0]
        == "The executive's response to “Digital Optimisation” is due by Saturday 5 December 2026"
    )
    assert said_there[1] == "These recommendations have no response yet:"
    numbers = [line.split(".")[0] for line in said_there[2:]]
    assert numbers == [str(n) for n in range(1, 14) if n != 3]  # 3 has its response

    # Its button shows the form in its place.
    pressed = await council.lorraine.execute(buttons(reminder)["Record the responses"])
    assert lines(pressed.card)[0] == "The executive's response: Digital Optimisation"
    assert "response_1" in inputs(pressed.card)


async def test_nobody_is_reminded_once_every_response_is_given_or_before_the_moment(
    council: Council, db: Database, bot: Bot
) -> None:
    async with db.session() as session:
        await session.execute(
            update(Review).where(Review.id == council.review_id).values(report_date=date(2026, 10, 5))
        )
        await session.execute(update(Recommendation).values(response=ExecutiveResponse.ACCEPTED))
    for moment in ("2026-11-19 10:00", "2026-11-20 09:00", "2026-12-04 10:00"):
        assert (await bot.scheduler.tick(now=london(moment))).reminders == 0, moment


async def test_bad_input_is_refused_and_changes_nothing(council: Council, db: Database) -> None:
    card = await council.form(council.lorraine)
    data = save_data(card)
    untouched = await responses(db)

    async def refused(
        answers: dict[str, Any], *, chat: Chat | None = None, base: dict[str, Any] = data
    ) -> str:
        pressed = await (chat or council.lorraine).execute(base, inputs=answers)
        assert await responses(db) == untouched, answers
        return pressed.message

    # An unknown response word, even beside a good answer: nothing is saved.
    assert await refused({"response_1": "accepted", "response_2": "maybe"}) == (
        "“maybe” is not a response: say accepted, partially accepted or not accepted."
    )
    # Not accepted without a reason.
    assert await refused({"response_1": "accepted", "response_3": "not_accepted", "reason_3": "  "}) == (
        "Recommendation 3 was not accepted: say why, for the committee."
    )
    # A recommendation that does not exist.
    assert await refused({"response_99": "accepted"}) == (
        "“Digital Optimisation” has no recommendation 99 (its recommendations are 1–13)."
    )
    assert await refused({"reason_5": "Because."}) == (
        "Recommendation 5 has a reason but no response: choose one for it, then save."
    )
    assert await refused({}) == "Nothing changed: choose a response, or change one, then save."
    assert await refused({"response_1": "accepted", "date": "yesterday"}) == (
        "“yesterday” is not a date: choose the day the executive responded."
    )
    # Tampered: no review id, a review that is not there, a response that is not text.
    out_of_date = "That card is out of date, so I can't act on it. Say **help** to see what I can do now."
    assert await refused({"response_1": "accepted"}, base={"verb": "save_responses"}) == out_of_date
    assert await refused({"response_1": ["accepted"]}) == out_of_date
    assert await refused({"response_1": "accepted"}, base={**data, "review_id": 999}) == (
        "That review is no longer in the plans, so no response can be recorded for it."
    )

    # Someone who is neither a link officer of the review nor an admin.
    andrew = await council.personal(ANDREW)
    only_them = "Only its link officers (Lorraine Dixon) or an admin may record the executive's response"
    assert await refused({"response_1": "accepted"}, chat=andrew) == (
        f"{only_them} to “Digital Optimisation”."
    )
    assert said(await andrew.say("respond")) == (
        "Only a review's link officers or an admin may record the executive's response, and you aren't "
        "a link officer of any review."
    )
    assert only_them in said(await andrew.say("respond Digital Optimisation"))
    assert said(await andrew.submit({"verb": "show_responses", "review_id": council.review_id})).startswith(
        only_them
    )
    # Someone not on the roster at all is told whom to ask, as for any recording.
    stranger = await council.make_chat(
        TeamsUser(name="Sam Stranger", email="sam@elsewhere.org", aad_object_id="aad-sam")
    )
    not_known = "I don't know you as an officer yet, so I can't record anything for you."
    assert said(await stranger.say("respond")).startswith(not_known)
    assert (await refused({"response_1": "accepted"}, chat=stranger)).startswith(not_known)
    assert said(await council.lorraine.say("respond Waste")).startswith("There is no review called “Waste”.")
