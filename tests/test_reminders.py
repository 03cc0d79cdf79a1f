"""Reminders before a round's deadline, on an injected clock: one 1:1 message per officer, in working
hours, never twice; buttons that start the update for exactly that action; the link officer told
what is missing after the deadline and whom the bot could not reach."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chat import Chat, MakeChat, Reply
from fake_connector import TENANT_ID, Received
from sqlalchemy import select
from test_scheduler import (
    Bot,
    fixture_bot,  # noqa: F401 (fixtures)
    lines,
    london,
    officer,
    open_september,
    seed_sample,
)

from bot.outbound import RetryPolicy
from cards.update import open_update_data
from store.db import Database
from store.deliveries import deliveries
from store.models import ConversationKind, DeliveryKind, Person, TeamsConversation

# The September 2020 round is due on Friday 4 December 2026: reminders on Friday 20 November (14 days
# before) and Tuesday 1 December (3 days), 09:00 London time.
DEADLINE = "2026-12-04"


def buttons(reply: Reply) -> dict[str, dict[str, Any]]:
    """Button title -> its data (Action.Submit or Action.Execute), anywhere in the reply's card."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("Action.Submit", "Action.Execute"):
                found[node["title"]] = node["data"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(reply.cards)
    return found


async def action_ids(db: Database, review_id: int) -> dict[str, int]:
    from store.queries import review_status

    async with db.session() as session:
        return {a.ref: a.id for rec in await review_status(session, review_id=review_id) for a in rec.actions}


class Officers:
    """Officers of the sample plan, some with a 1:1 chat with the bot already."""

    def __init__(self, bot: Bot, chats: dict[str, Chat]) -> None:
        self.bot = bot
        self.chats = chats

    def messages(self, name: str) -> list[Reply]:
        return [Reply(raw=r.body, id=r.response_id) for r in self._to(name)]

    def _to(self, name: str) -> list[Received]:
        chat = self.chats[name]
        return [r for r in self.bot.posts() if r.conversation_id == chat.conversation["id"]]


async def setting_up(bot: Bot, make_chat: MakeChat, db: Database, samples: Path) -> tuple[int, Officers]:
    review_id = await seed_sample(db, samples)
    await open_september(db, review_id, deadline=DEADLINE)
    async with db.session() as session:  # never seen in Teams: the bot has no way to message him
        mark = await session.scalar(select(Person).where(Person.name == "Mark Freeman"))
        assert mark is not None
        mark.aad_object_id = None
    chats = {}
    for name in ("Lorraine Dixon", "Andrew Mearns", "Craig Taylor"):
        chats[name] = await make_chat(officer(name), scope="personal")
        await chats[name].install()
    for name in ("Liz Purdy", "Ian Coxon", "Carly Dixon"):  # known to Teams, but no chat with the bot yet
        bot.harness.connector.add_member(officer(name))
    return review_id, Officers(bot, chats)


async def test_each_officer_gets_one_reminder_listing_their_actions(
    bot: Bot, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    review_id, officers = await setting_up(bot, make_chat, db, samples)
    ids = await action_ids(db, review_id)
    assert (await bot.scheduler.tick(now=london("2026-11-20 08:59"))).reminders == 0  # before 09:00
    report = await bot.scheduler.tick(now=london("2026-11-20 09:00"))
    assert report.reminders == 6 and report.failed == 0  # 3 chats known, 3 opened
    assert (await bot.scheduler.tick(now=london("2026-11-20 09:01"))).reminders == 0  # never twice
    assert (await bot.scheduler.tick(now=london("2026-11-23 10:00"))).reminders == 0

    (craig,) = officers.messages("Craig Taylor")
    assert craig.cards[0]["body"][0]["text"] == (
        "Your progress updates for September 2020 are due by Friday 4 December 2026"
    )
    assert buttons(craig) == {"Update 7.2": open_update_data(ids["7.2"], guided=True)}

    (andrew,) = officers.messages("Andrew Mearns")
    assert list(buttons(andrew)) == ["Update 3.2", "Update 7.4"]

    # The link officer: her own actions, the groups' (nobody to nudge by name),
    # and whom the bot couldn't reach.
    (lorraine,) = officers.messages("Lorraine Dixon")
    own = ["1.2", "1.3", "2.1", "5.2", "7.1", "8.2", "9.1", "9.2", "10.1", "11.1", "12.1", "13.1"]
    groups = ["5.1", "6.2", "8.3", "8.4", "10.2", "12.2"]
    in_plan_order = sorted(own + groups, key=lambda ref: tuple(map(int, ref.split("."))))
    assert list(buttons(lorraine)) == [f"Update {ref}" for ref in in_plan_order]
    assert lines(lorraine.cards[0])[-2:] == [
        "I couldn't remind these officers myself (they haven't used the app in Teams yet); "
        "please pass it on:",
        "Mark Freeman: 7.3",
    ]

    # Liz, Ian and Carly had no chat with the bot: one was opened with each, in the council's tenant.
    created = [r for r in bot.harness.connector.received if r.kind == "create_conversation"]
    assert sorted(r.body["members"][0]["id"] for r in created) == ["aad-carly", "aad-ian", "aad-liz"]
    # (The SDK's serialiser spells it "tenantID"; Teams reads channelData.tenant, as it does for activities.)
    assert all(
        r.body["channelData"]["tenant"]["id"] == TENANT_ID and r.body["isGroup"] is False for r in created
    )
    async with db.session() as session:
        opened = await session.execute(
            select(Person.name, TeamsConversation.kind)
            .join(TeamsConversation.person)
            .where(TeamsConversation.conversation_id.like("a:created-%"))
        )
        opened_for = {name for name, kind in opened if kind is ConversationKind.PERSONAL}
    assert opened_for == {"Liz Purdy", "Ian Coxon", "Carly Dixon"}
    liz_posts = [r for r in bot.posts() if r.conversation_id and r.conversation_id.startswith("a:created-")]
    assert len(liz_posts) == 3


async def test_the_button_starts_the_update_for_exactly_that_action(
    bot: Bot, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    _review_id, officers = await setting_up(bot, make_chat, db, samples)
    await bot.scheduler.tick(now=london("2026-11-20 09:00"))
    (andrew,) = officers.messages("Andrew Mearns")
    replies = await officers.chats["Andrew Mearns"].submit(buttons(andrew)["Update 7.4"], reply_to=andrew)
    shown = "\n".join(part for r in replies for part in (r.text, r.card_text) if part)
    assert "Recommendation 7, action 4 · September 2020 update" in shown
    assert "Promote via Stockton website and Stockton News." in shown
    assert "Evidence of progress" in replies[-1].text


async def test_the_three_day_reminder_leaves_out_what_has_been_updated(
    bot: Bot, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    _review_id, officers = await setting_up(bot, make_chat, db, samples)
    await bot.scheduler.tick(now=london("2026-11-20 09:00"))
    craig = officers.chats["Craig Taylor"]
    (first,) = officers.messages("Craig Taylor")
    await craig.submit(buttons(first)["Update 7.2"], reply_to=first)
    for answer in ("Ran six sessions.", "2", "skip", "save"):
        await craig.say(answer)
    andrew_before = len(officers.messages("Andrew Mearns"))

    assert (await bot.scheduler.tick(now=london("2026-12-01 08:59"))).reminders == 0
    report = await bot.scheduler.tick(now=london("2026-12-01 09:00"))
    assert report.reminders == 5  # Craig has nothing left to do
    assert len(officers.messages("Craig Taylor")) == 1
    assert len(officers.messages("Andrew Mearns")) == andrew_before + 1
    async with db.session() as session:
        slots = sorted({d.slot for d in await deliveries(session, kind=DeliveryKind.REMINDER)})
    assert {s.split(", ")[1] for s in slots} == {"14 days before", "3 days before"}


async def test_not_at_night_nor_at_the_weekend(
    bot: Bot, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    await setting_up(bot, make_chat, db, samples)
    # The 14-day moment fell while the bot was down; it wakes on Saturday night, then Sunday.
    for when in ("2026-11-21 23:30", "2026-11-22 10:00", "2026-11-23 06:00", "2026-11-23 17:30"):
        assert (await bot.scheduler.tick(now=london(when))).reminders == 0, when
    assert (await bot.scheduler.tick(now=london("2026-11-24 09:00"))).reminders == 6  # Tuesday morning


async def test_a_round_opened_late_gets_one_reminder_not_two(
    bot: Bot, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    _review_id, officers = await setting_up(bot, make_chat, db, samples)
    # Both reminder moments have passed by Wednesday 2 December: only the latest (3 days) is sent.
    assert (await bot.scheduler.tick(now=london("2026-12-02 11:00"))).reminders == 6
    assert len(officers.messages("Craig Taylor")) == 1
    async with db.session() as session:
        slots = {d.slot.split(", ")[1] for d in await deliveries(session, kind=DeliveryKind.REMINDER)}
    assert slots == {"3 days before"}


async def test_after_the_deadline_the_link_officer_hears_what_is_missing_once(
    bot: Bot, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    _review_id, officers = await setting_up(bot, make_chat, db, samples)
    await bot.scheduler.tick(now=london("2026-12-01 09:00"))
    before = len(officers.messages("Lorraine Dixon"))
    assert (await bot.scheduler.tick(now=london("2026-12-05 10:00"))).reminders == 0  # Saturday
    assert (await bot.scheduler.tick(now=london("2026-12-07 09:00"))).reminders == 1
    assert (await bot.scheduler.tick(now=london("2026-12-08 09:00"))).reminders == 0
    messages = officers.messages("Lorraine Dixon")
    assert len(messages) == before + 1
    late = messages[-1]
    assert late.cards[0]["body"][0]["text"] == (
        "September 2020 updates: the deadline (Friday 4 December 2026) has passed"
    )
    shown = lines(late.cards[0])
    assert shown[1] == "Digital Optimisation: 22 action(s) still have no update."
    assert (
        "7.3 — Mark Freeman: Library service to promote and support residents to engage with the programme."
        in shown
    )
    assert len(officers.messages("Craig Taylor")) == 1  # officers are not told again


async def test_no_deadline_no_reminders(bot: Bot, make_chat: MakeChat, db: Database, samples: Path) -> None:
    review_id = await seed_sample(db, samples)
    await open_september(db, review_id, deadline=None)
    chat = await make_chat(officer("Craig Taylor"), scope="personal")
    await chat.install()
    for day in range(16, 31):
        assert (await bot.scheduler.tick(now=london(f"2026-11-{day} 10:00"))).reminders == 0


async def test_a_reminder_that_failed_is_sent_later_and_only_that_one(
    bot: Bot, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    _review_id, officers = await setting_up(bot, make_chat, db, samples)
    bot.harness.connector.fail_next(500, times=RetryPolicy().attempts)  # every try at the first officer's
    first = await bot.scheduler.tick(now=london("2026-11-20 09:00"))
    assert (first.reminders, first.failed) == (5, 1)
    assert (await bot.scheduler.tick(now=london("2026-11-20 09:00"))).reminders == 0  # not at once
    assert (await bot.scheduler.tick(now=london("2026-11-20 09:05"))).reminders == 1
    assert (await bot.scheduler.tick(now=london("2026-11-20 09:30"))).reminders == 0
    for name in officers.chats:
        assert len(officers.messages(name)) == 1, name
