"""Card buttons on every Teams client, over HTTP: each verb answers the same pressed as an Action.Execute
(desktop, web) or as an Action.Submit (Teams' phone apps, which do not run Execute); a 1:1 chat whose
last message came from a phone gets Submit buttons, and saving from them works end to end; cards in
channels carry a Submit fallback on each button; SCRUTINY_CARD_ACTIONS=submit makes every card Submit."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cardcheck import assert_valid_card, render_cards, requires_renderer, shown
from chat import Chat, Harness, Invoked, MakeChat, Reply
from records import import_document
from sqlalchemy import select
from test_all_cards import large_gallery, seed_gallery  # noqa: F401 (fixtures)
from test_review_loop import SAM, reason_submit, return_cards
from test_scheduler import Bot, fixture_bot, london, officer, open_september, seed_sample  # noqa: F401
from test_search import inserted
from test_universal_actions import september_updates

from bot.app import REGISTRY
from cards import messages
from cards.actions import for_clients
from cards.responses import response_due_card
from cards.review import to_review_card
from documents.grades import Grade
from store.db import Database
from store.models import Person, TeamsConversation
from store.queries import review_status
from store.returns import returns_to_review

CRAIG = officer("Craig Taylor")
EVIDENCE = "Signed up 40 staff; 40 iDEA badges earned."
REASON = "Both community venues closed until the new year."
PLANS = Path(__file__).parent / "plans"


def everything(card: Any) -> str:
    return json.dumps(card)


def buttons_of(card: Any, kind: str) -> list[dict[str, Any]]:
    """Every button of a type that a reader sees (not the card's refresh, nor a button's fallback), in
    reading order."""
    if isinstance(card, list):
        return [b for item in card for b in buttons_of(item, kind)]
    if not isinstance(card, dict):
        return []
    own = [card] if card.get("type") == kind else []
    return own + [
        b
        for key, value in card.items()
        if key not in ("refresh", "fallback")
        for b in buttons_of(value, kind)
    ]


def button(card: dict[str, Any], title: str) -> dict[str, Any]:
    (found,) = [
        b
        for kind in ("Action.Execute", "Action.Submit")
        for b in buttons_of(card, kind)
        if b.get("title") == title
    ]
    return found


# --- a council where every card verb has a card to be pressed on ---


@dataclass
class World:
    db: Database
    craig: Chat
    sam: Chat
    lorraine: Chat  # the review's link officer
    ref: str  # Craig's action, "7.2"

    async def updates(self) -> list[tuple[str, Grade | None]]:
        return await september_updates(self.db, self.ref)

    async def record(self) -> None:
        """Craig saves an update for his action: it waits for the scrutiny officer."""
        (status,) = await self.craig.say(f"status {self.ref.split('.')[0]}")
        (form,) = await self.craig.submit(button(status.cards[0], f"Update {self.ref}")["data"])
        saved = await self.craig.submit(
            {**button(form.cards[0], "Save")["data"], "evidence": EVIDENCE, "grade": "2"}, reply_to=form
        )
        assert saved[0].text.startswith("Saved: "), saved[0].text


async def a_world(
    db: Database,
    samples: Path,
    make_chat: MakeChat,
    *,
    platform: str = "windows",
    second_review: bool = False,
) -> World:
    review_id = await seed_sample(db, samples)
    await open_september(db, review_id)
    async with db.session() as session:
        session.add(
            Person(name=SAM.name, email=SAM.email, aad_object_id=SAM.aad_object_id, is_scrutiny_officer=True)
        )
        if second_review:
            await import_document(session, path=PLANS / "waste-and-recycling.yaml")
    async with db.session() as session:
        recommendations = await review_status(session, review_id=review_id)
    (ref, *_) = [a.ref for r in recommendations for a in r.actions if a.owners == [CRAIG.name]]
    craig = await make_chat(CRAIG, platform=platform)
    sam = await make_chat(SAM, platform=platform)
    lorraine = await make_chat(officer("Lorraine Dixon"), platform=platform)
    return World(db=db, craig=craig, sam=sam, lorraine=lorraine, ref=ref)


@dataclass
class Press:
    """A button to press: whose chat, its data, the inputs typed into its card, the message it is on."""

    chat: Chat
    data: dict[str, Any]
    inputs: dict[str, Any]
    on: Reply


def card_with(replies: list[Reply], title: str) -> tuple[Reply, dict[str, Any]]:
    """The message, and its card, that has a button with this title."""
    for reply in replies:
        for card in reply.cards:
            if any(
                b.get("title") == title
                for k in ("Action.Execute", "Action.Submit")
                for b in buttons_of(card, k)
            ):
                return reply, card
    raise AssertionError(f"no button {title!r} in {[r.shown for r in replies]}")


async def open_update(w: World) -> Press:
    reply, card = card_with(await w.craig.say(f"status {w.ref.split('.')[0]}"), f"Update {w.ref}")
    return Press(w.craig, button(card, f"Update {w.ref}")["data"], {}, reply)


async def save_update(w: World) -> Press:
    opened = await open_update(w)
    (form,) = await w.craig.submit(opened.data, reply_to=opened.on)
    return Press(w.craig, button(form.cards[0], "Save")["data"], {"evidence": EVIDENCE, "grade": "2"}, form)


async def summary_refresh(w: World) -> Press:
    (reply,) = await w.craig.say("summary")
    return Press(w.craig, reply.cards[0]["refresh"]["action"]["data"], {}, reply)


async def status_page(w: World) -> Press:
    reply, card = card_with(await w.craig.say("missing"), "Next 2")
    return Press(w.craig, button(card, "Next 2")["data"], {}, reply)


async def status_recommendation(w: World) -> Press:
    (reply,) = await w.craig.say("missing")
    line = next(
        b for b in buttons_of(reply.cards[0], "Action.Execute") if b["verb"] == "status_recommendation"
    )
    return Press(w.craig, line["data"], {}, reply)


async def status_review(w: World) -> Press:
    reply, card = card_with(await w.craig.say("missing"), "Digital Optimisation")
    return Press(w.craig, button(card, "Digital Optimisation")["data"], {}, reply)


async def review_queue(w: World) -> Press:
    await w.record()
    async with w.db.session() as session:
        waiting, _ = await returns_to_review(session, person_id=None, is_admin=True, review_id=1)
    # The card the scheduler sends the scrutiny officer once the deadline has passed.
    card = to_review_card(round_label="September 2020", items=waiting)
    return Press(w.sam, button(card, messages.TO_REVIEW_BUTTON)["data"], {}, Reply(raw={}))


async def _return(w: World) -> tuple[Reply, dict[str, Any]]:
    await w.record()
    replies = await w.sam.say("review")
    (card,) = return_cards(replies)
    return next(r for r in replies if card in r.cards), card


async def accept_return(w: World) -> Press:
    reply, card = await _return(w)
    return Press(w.sam, button(card, "Accept")["data"], {}, reply)


async def return_return(w: World) -> Press:
    reply, card = await _return(w)
    return Press(w.sam, reason_submit(card, ""), {"reason": REASON}, reply)


async def _extension(w: World) -> tuple[Reply, dict[str, Any]]:
    await w.craig.say(f"extend {w.ref} to March 2021 because {REASON}")
    return card_with(await w.sam.say("review"), "Approve")


async def approve_extension(w: World) -> Press:
    reply, card = await _extension(w)
    return Press(w.sam, button(card, "Approve")["data"], {}, reply)


async def refuse_extension(w: World) -> Press:
    reply, card = await _extension(w)
    (refuse,) = [b for b in buttons_of(card, "Action.Execute") if b["data"]["verb"] == "refuse_extension"]
    return Press(w.sam, refuse["data"], {"reason": REASON}, reply)


def by_verb(card: dict[str, Any], verb: str) -> dict[str, Any]:
    (found,) = [b for b in buttons_of(card, "Action.Execute") if b["data"]["verb"] == verb]
    return found


async def show_responses(w: World) -> Press:
    # The card the scheduler sends the link officers before the executive's response is due.
    card = response_due_card(
        review_id=1, review_title="Digital Optimisation", due=date(2026, 12, 18), waiting=[]
    )
    return Press(w.lorraine, by_verb(card, "show_responses")["data"], {}, Reply(raw={}))


async def save_responses(w: World) -> Press:
    (form,) = [reply for reply in await w.lorraine.say("respond") if reply.cards]
    answer = {"date": "2019-05-01", "response_3": "not_accepted", "reason_3": REASON}
    return Press(w.lorraine, by_verb(form.cards[0], "save_responses")["data"], answer, form)


async def _draft(w: World) -> tuple[Reply, dict[str, Any]]:
    """Recommendation 1's draft, as its link officer sees it (the sample's plan is not agreed yet)."""
    (reply,) = await w.lorraine.say("draft 1")
    return reply, reply.cards[0]


DRAFTED = {
    "agreed_action_new": "Publish the review's findings.",
    "responsibility_new": "Lorraine Dixon",
    "date_new": "April 2019",
    "success_measure_new": "Published.",
}


async def show_draft(w: World) -> Press:
    (reply,) = await w.lorraine.say("draft")
    return Press(w.lorraine, button(reply.cards[0], "Draft recommendation 1")["data"], {}, reply)


async def add_draft_action(w: World) -> Press:
    reply, card = await _draft(w)
    return Press(w.lorraine, by_verb(card, "add_draft_action")["data"], DRAFTED, reply)


async def edit_draft_action(w: World) -> Press:
    reply, card = await _draft(w)
    (first, *_) = [b for b in buttons_of(card, "Action.Execute") if b["verb"] == "edit_draft_action"]
    return Press(w.lorraine, first["data"], {}, reply)


async def save_draft_action(w: World) -> Press:
    reply, card = await _draft(w)
    (first, *_) = [b["data"] for b in buttons_of(card, "Action.Execute") if b["verb"] == "edit_draft_action"]
    typed = {f"{key.removesuffix('_new')}_{first['action_id']}": value for key, value in DRAFTED.items()}
    return Press(w.lorraine, {"verb": "save_draft_action", "action_id": first["action_id"]}, typed, reply)


async def remove_draft_action(w: World) -> Press:
    reply, card = await _draft(w)
    (first, *_) = [b for b in buttons_of(card, "Action.Execute") if b["verb"] == "remove_draft_action"]
    return Press(w.lorraine, first["data"], {}, reply)


async def send_draft(w: World) -> Press:
    reply, card = await _draft(w)
    return Press(w.lorraine, by_verb(card, "send_draft")["data"], {}, reply)


async def _waiting_draft(w: World) -> tuple[Reply, dict[str, Any]]:
    _, card = await _draft(w)
    await w.lorraine.submit(by_verb(card, "send_draft")["data"])
    replies = await w.sam.say("review")
    return next((r, c) for r in replies for c in r.cards if "draft actions from" in everything(c))


async def accept_draft(w: World) -> Press:
    reply, card = await _waiting_draft(w)
    return Press(w.sam, by_verb(card, "accept_draft")["data"], {}, reply)


async def return_draft(w: World) -> Press:
    reply, card = await _waiting_draft(w)
    (send_back,) = [b for b in buttons_of(card, "Action.Execute") if b["data"]["verb"] == "return_draft"]
    return Press(w.sam, send_back["data"], {"reason": REASON}, reply)


# Each verb, the card it is pressed on, and words its answer must hold (so "out of date" never passes).
VERBS: dict[str, tuple[Callable[[World], Awaitable[Press]], str]] = {
    "open_update": (open_update, "September 2020 update"),
    "save_update": (save_update, "Saved: "),
    "summary_refresh": (summary_refresh, "Digital Optimisation"),
    "status_page": (status_page, "Showing 21–"),
    "status_recommendation": (status_recommendation, "Recommendation "),
    "status_review": (status_review, "Showing 1–20"),
    "review_queue": (review_queue, "oldest first"),
    "accept_return": (accept_return, "Accepted: "),
    "return_return": (return_return, "Returned to Craig Taylor: "),
    "approve_extension": (approve_extension, "Approved: "),
    "refuse_extension": (refuse_extension, "Refused: "),
    "show_responses": (show_responses, "Save the responses"),
    "save_responses": (save_responses, "Saved the executive's response"),
    "show_draft": (show_draft, "Recommendation 1 · draft actions"),
    "add_draft_action": (add_draft_action, "Added action 4 to Recommendation 1."),
    "edit_draft_action": (edit_draft_action, "Action 1 of Recommendation 1 · change it"),
    "save_draft_action": (save_draft_action, "Saved the changes to action 1 of Recommendation 1."),
    "remove_draft_action": (remove_draft_action, "Removed action 1 of Recommendation 1."),
    "send_draft": (send_draft, "Sent Recommendation 1's 3 action(s) to the scrutiny officer."),
    "accept_draft": (accept_draft, "Accepted Recommendation 1's draft actions"),
    "return_draft": (return_draft, "Returned Recommendation 1's draft to Lorraine Dixon."),
}


def executed_words(pressed: Invoked) -> list[str]:
    """What the presser reads: the card put in place (or the words shown on the pressed card), then
    anything posted below it."""
    if pressed.body["type"] == "application/vnd.microsoft.card.adaptive":
        words = shown(pressed.card)
    else:
        words = [] if pressed.message == messages.EXECUTE_BELOW else [pressed.message]
    return words + [word for reply in pressed.posted for word in reply.shown]


def submitted_words(replies: list[Reply], chat: Chat) -> list[str]:
    """What the presser reads: the messages posted, and the card the pressed one was replaced with."""
    replaced = [Reply(raw=update.body) for update in chat.updates]
    return [word for reply in replies + replaced for word in reply.shown]


async def pressed_in_a_new_world(
    verb: str, way: str, db: Database, samples: Path, make_chat: MakeChat
) -> list[str]:
    build, _ = VERBS[verb]
    press = await build(await a_world(db, samples, make_chat, second_review=verb == "status_review"))
    if way == "execute":
        return executed_words(await press.chat.execute(press.data, inputs=press.inputs, reply_to=press.on.id))
    replies = await press.chat.submit({**press.data, **press.inputs}, reply_to=press.on.id)
    return submitted_words(replies, press.chat)


async def test_every_verb_is_pressed_both_ways_below(harness: Harness) -> None:
    """A verb registered later is added to VERBS, with the card it is pressed on."""
    await harness.start()
    assert harness.server is not None
    assert set(harness.server.app[REGISTRY].verbs) == set(VERBS)


@pytest.mark.parametrize("verb", list(VERBS))
async def test_each_verb_answers_the_same_as_an_execute_and_as_a_submit(
    verb: str,
    harness: Harness,
    make_chat: MakeChat,
    db: Database,
    another_database_url: str,
    samples: Path,
) -> None:
    """The same council twice (a press changes it): once pressed as an Action.Execute invoke, once as
    an Action.Submit message with the same data. The same words come back."""
    executed = await pressed_in_a_new_world(verb, "execute", db, samples, make_chat)
    await harness.start(database_url=another_database_url)
    other = Database(another_database_url)
    try:
        submitted = await pressed_in_a_new_world(verb, "submit", other, samples, make_chat)
    finally:
        await other.dispose()
    expected = VERBS[verb][1]
    assert any(expected in word for word in executed), executed
    assert submitted == executed
    print("WORDS", verb, executed[:4])


# --- phones ---


@pytest.mark.parametrize("platform", ["android", "ios"])
async def test_a_phone_gets_submit_buttons_and_saves_from_them(
    platform: str, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    w = await a_world(db, samples, make_chat, platform=platform)
    sent: list[dict[str, Any]] = []

    (status,) = await w.craig.say(f"status {w.ref.split('.')[0]}")
    sent += status.cards
    update = button(status.cards[0], f"Update {w.ref}")
    assert update["type"] == "Action.Submit" and update["data"]["verb"] == "open_update"

    (form,) = await w.craig.submit(update["data"], reply_to=status)
    sent += form.cards
    save = button(form.cards[0], "Save")
    assert save["type"] == "Action.Submit" and save["data"]["verb"] == "save_update"

    replies = await w.craig.submit({**save["data"], "evidence": EVIDENCE, "grade": "2"}, reply_to=form)
    assert replies[0].text.startswith("Saved: ") and "On-Track for September 2020" in replies[0].text
    (replaced,) = w.craig.updates  # the form, saved, in place of the one filled in
    assert replaced.activity_id == form.id
    saved_card = Reply(raw=replaced.body).cards[0]
    sent += [saved_card, *[c for r in replies for c in r.cards]]
    assert EVIDENCE in shown(saved_card) and buttons_of(saved_card, "Action.Submit") == []
    assert await w.updates() == [(EVIDENCE, Grade.ON_TRACK)]

    for card in sent:
        assert_valid_card(card)
        assert "Action.Execute" not in everything(card) and "refresh" not in card


async def test_the_client_of_the_last_message_is_kept_for_the_cards_sent_later(
    bot: Bot, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    """A reminder goes to the client the officer last wrote from: Submit buttons to a phone, Execute
    to Teams on a desktop."""
    review_id = await seed_sample(db, samples)
    await open_september(db, review_id, deadline="2026-12-04")
    craig = await make_chat(CRAIG, platform="android")
    await craig.say("help")  # his first message: no install event, the chat is kept as he writes

    async def platform() -> str | None:
        async with db.session() as session:
            return await session.scalar(
                select(TeamsConversation.client_platform).where(
                    TeamsConversation.conversation_id == craig.conversation["id"]
                )
            )

    assert await platform() == "android"
    await bot.scheduler.tick(now=london("2026-11-20 09:00"))
    (reminder,) = [c for r in bot.cards(craig.conversation["id"]) for c in r.cards]
    assert buttons_of(reminder, "Action.Execute") == [] and buttons_of(reminder, "Action.Submit")
    assert_valid_card(reminder)

    craig.platform = "Windows"
    await craig.say("help")
    assert await platform() == "windows"
    await bot.scheduler.tick(now=london("2026-12-01 09:00"))
    later = [c for r in bot.cards(craig.conversation["id"]) for c in r.cards][-1]
    assert (
        later != reminder and buttons_of(later, "Action.Submit") == [] and buttons_of(later, "Action.Execute")
    )


# --- channels and group chats ---


@pytest.mark.parametrize("scope", ["channel", "groupChat"])
async def test_a_group_card_has_a_submit_fallback_on_each_button(
    scope: str, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    await a_world(db, samples, make_chat)
    chat = await make_chat(CRAIG, scope=scope)
    (listed,) = await chat.say("missing")
    (card,) = listed.cards
    assert_valid_card(card)
    executes = buttons_of(card, "Action.Execute")
    assert len(executes) > 20  # each line of the list, and Next
    for execute in executes:
        fallback = execute["fallback"]
        assert fallback["type"] == "Action.Submit" and "verb" not in fallback
        assert fallback["data"] == {**execute["data"], "verb": execute["verb"]}
        assert fallback.get("title") == execute.get("title")
    assert card["refresh"]["action"]["type"] == "Action.Execute"  # desktop and web still refresh

    # A phone in the group presses the fallback: the next page is posted.
    (page,) = await chat.submit(button(card, "Next 2")["fallback"]["data"], reply_to=listed)
    assert "Showing 21–22 of 22." in shown(page.cards[0])


# --- the council's setting ---


async def test_submit_only_cards_when_the_council_says_so(
    harness: Harness, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    await harness.start(card_actions="submit")
    w = await a_world(db, samples, make_chat, platform="windows")
    (status,) = await w.craig.say(f"status {w.ref.split('.')[0]}")
    channel = await make_chat(CRAIG, scope="channel")
    (listed,) = await channel.say("missing")
    (summary,) = await channel.say("summary")
    # Even an Execute from an old card, pressed on a desktop, is answered with a Submit card.
    pressed = await w.craig.execute(
        {"verb": "open_update", "action_id": button(status.cards[0], f"Update {w.ref}")["data"]["action_id"]}
    )
    # A recommendation put into the channel from the compose box, and its link unfurled there.
    chosen = await inserted(channel, "composeExtension/selectItem", {"review_id": 1, "number": 7})
    link = f"{harness.settings().link_base}/recommendations/1/7"
    unfurled = await inserted(channel, "composeExtension/queryLink", {"url": link})
    assert chosen["body"][0]["text"] == unfurled["body"][0]["text"] == "Recommendation 7"
    for card in (*status.cards, *listed.cards, *summary.cards, pressed.card, chosen, unfurled):
        assert_valid_card(card)
        assert "Action.Execute" not in everything(card) and "refresh" not in card
    assert button(pressed.card, "Save")["type"] == "Action.Submit"


# --- every card the bot makes ---


def test_every_card_is_valid_with_submit_buttons_or_fallbacks(
    seed_gallery: dict[str, dict[str, Any]],  # noqa: F811
) -> None:
    valid_either_way(seed_gallery)


def test_a_large_councils_cards_are_valid_with_submit_buttons_or_fallbacks(
    large_gallery: dict[str, dict[str, Any]],  # noqa: F811
) -> None:
    """The worst case: the largest cards stay within Teams' size limit with a fallback on each button."""
    valid_either_way(large_gallery)


def valid_either_way(cards: dict[str, dict[str, Any]]) -> None:
    """Valid, and within the size limit, with every button a Submit or with a Submit fallback each."""
    for name, card in cards.items():
        before = everything(card)
        as_submit = for_clients(card, "submit")
        with_fallback = for_clients(card, "fallback")
        assert everything(card) == before  # the card itself is never changed: cards are shared
        assert_valid_card(as_submit, f"{name} (submit)")
        assert_valid_card(with_fallback, f"{name} (fallback)")
        assert "Action.Execute" not in everything(as_submit), name
        assert len(buttons_of(as_submit, "Action.Submit")) == len(buttons_of(card, "Action.Submit")) + len(
            buttons_of(card, "Action.Execute")
        )
        assert all(
            b["fallback"]["type"] == "Action.Submit" for b in buttons_of(with_fallback, "Action.Execute")
        )


@requires_renderer
def test_microsofts_renderer_reads_every_card_with_submit_buttons_or_fallbacks(
    seed_gallery: dict[str, dict[str, Any]],  # noqa: F811
    tmp_path: Path,
) -> None:
    cards = {
        f"{name}-{buttons}": for_clients(card, buttons)
        for name, card in seed_gallery.items()
        for buttons in ("submit", "fallback")
    }
    assert render_cards(cards, tmp_path) == {name: [] for name in cards}
