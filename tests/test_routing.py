"""Messages and card submits reach the right handler; unknown words get help, never silence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from botbuilder.dialogs import DialogContext
from chat import DEFAULT_USER, Harness, MakeChat
from fake_connector import TeamsUser
from sqlalchemy import select

from bot.app import REGISTRY
from dialogs.context import Caller
from store.activities import first_delivery, forget_old_activities
from store.db import Database
from store.models import Person, ProcessedActivity, utcnow

AddPerson = Callable[..., Awaitable[Person]]


def whoami_command(harness: Harness) -> None:
    """A test-only command that says who the bot takes the speaker for."""

    async def whoami(dialog_context: DialogContext, caller: Caller, args: Any) -> None:
        role = "an admin" if caller.is_admin else "not an admin"
        known = "on the roster" if caller.person_id else "not on the roster"
        await dialog_context.context.send_activity(f"You are {caller.name}, {known}, {role}.")

    assert harness.server is not None
    harness.server.app[REGISTRY].command("whoami", whoami, help="Say who you are.")


async def test_help_lists_the_commands(make_chat: MakeChat) -> None:
    chat = await make_chat()

    replies = await chat.say("help")

    assert len(replies) == 1
    assert replies[0].text.startswith("Here is what I can do")
    assert "- **help**: Show what I can do." in replies[0].text


async def test_commands_are_case_insensitive_and_ignore_markup(make_chat: MakeChat) -> None:
    chat = await make_chat()

    for typed in ("HELP", "  Help?  ", "**help**", "<p>help</p>", "help&nbsp;"):
        replies = await chat.say(typed)
        assert [r.text.splitlines()[0] for r in replies] == ["Here is what I can do:"], typed


async def test_a_typo_gets_the_closest_command(make_chat: MakeChat) -> None:
    chat = await make_chat()

    replies = await chat.say("hepl")

    assert len(replies) == 1
    assert "Did you mean **help**?" in replies[0].text


async def test_nonsense_gets_a_short_line_with_the_closest_commands_not_the_whole_help(
    make_chat: MakeChat,
) -> None:
    chat = await make_chat()

    for typed in ("banana bread recipe", "banana bread recipe"):  # the same short line every time
        (reply,) = await chat.say(typed)
        assert reply.text == (
            "I'm not sure what you're asking. You could ask, for example:\n- “what has slipped?”\n\n"
            "Or try **status**, **my actions** or **update**, or say **help** for everything I can do."
        )
    (reply,) = await chat.say("banana bread delegte")  # a word like a command's comes first
    assert "Or try **delegate**, **status** or **my actions**" in reply.text
    (reply,) = await chat.say("anything sliped lately")  # a slip in a question is read, not corrected
    assert reply.text == "No action plan has been loaded yet, so there is no status to show."


async def test_free_text_like_evidence_is_said_to_be_unsaved_and_update_offered(make_chat: MakeChat) -> None:
    chat = await make_chat()

    (reply,) = await chat.say("Staff signed up to iDEA; 40 badges earned.")

    assert reply.text == (
        "That sounds like progress on an action, but I haven't saved it: I only record progress in an "
        "update. To record it, say **update** and send the same words when I ask for the evidence. "
        "Or try **status** or **my actions**, or say **help** for everything I can do."
    )
    assert "Here is what I can do" not in reply.text
    (question,) = await chat.say("why does nobody answer the phone at the library")
    assert question.text.startswith("I'm not sure what you're asking.")  # a question is no evidence


async def test_markup_in_a_message_is_not_echoed_back(make_chat: MakeChat) -> None:
    chat = await make_chat()

    replies = await chat.say(
        '<script>alert("x")</script> <img src=x onerror=alert(1)> **bold** [link](http://evil)'
    )

    assert len(replies) == 1
    assert "not sure what you're asking" in replies[0].text
    for fragment in ("<script", "<img", "onerror", "evil"):
        assert fragment not in replies[0].text


async def test_an_empty_message_gets_a_pointer_to_help(make_chat: MakeChat) -> None:
    chat = await make_chat()

    replies = await chat.send(chat.activity("message", text="", attachments=[]))

    assert [r.text for r in replies] == ["Say **help** to see what I can do."]


async def test_in_a_channel_the_bot_answers_when_mentioned(make_chat: MakeChat) -> None:
    chat = await make_chat(scope="channel")

    replies = await chat.say("help")

    assert len(replies) == 1
    assert replies[0].text.startswith("Here is what I can do")
    assert replies[0].raw["conversation"]["id"] == "19:dsg-general@thread.tacv2"


async def test_a_card_submit_reaches_its_verb_with_the_value(make_chat: MakeChat, harness: Harness) -> None:
    chat = await make_chat()
    received: list[dict[str, Any]] = []

    async def remember(dialog_context: DialogContext, caller: Caller, value: Any) -> None:
        received.append(value)
        await dialog_context.context.send_activity("Noted.")

    assert harness.server is not None
    harness.server.app[REGISTRY].verb("test_note", remember)

    replies = await chat.submit(
        {"verb": "test_note", "evidence": "Wi-Fi is in all libraries"}, reply_to="1000"
    )

    assert [r.text for r in replies] == ["Noted."]
    assert received == [{"verb": "test_note", "evidence": "Wi-Fi is in all libraries"}]


async def test_a_submit_without_a_known_verb_is_an_out_of_date_card(make_chat: MakeChat) -> None:
    chat = await make_chat()

    for value in ({"evidence": "no verb here"}, {"verb": "long_gone_verb"}, {"verb": 7}):
        replies = await chat.submit(value)
        assert [r.text for r in replies] == [
            "That card is out of date, so I can't act on it. Say **help** to see what I can do now."
        ]


async def test_a_repeat_delivery_gets_no_second_reply(make_chat: MakeChat) -> None:
    chat = await make_chat()

    first = await chat.say("help")
    again = await chat.resend()

    assert len(first) == 1
    assert again == []
    assert chat.last_status is not None and chat.last_status < 300


async def test_a_teams_user_is_matched_by_email_and_remembered_by_aad_id(
    make_chat: MakeChat, harness: Harness, add_person: AddPerson, db: Database
) -> None:
    await add_person("Alex Officer", email="Alex.Officer@example.gov.uk")
    chat = await make_chat()
    whoami_command(harness)

    replies = await chat.say("whoami")

    assert [r.text for r in replies] == ["You are Alex Officer, on the roster, not an admin."]
    async with db.session() as session:
        person = await session.scalar(select(Person).where(Person.name == "Alex Officer"))
    assert person is not None and person.aad_object_id == DEFAULT_USER.aad_object_id

    # Now matched by the aad id alone: Teams' directory is not asked again.
    harness.connector.members.clear()
    replies = await chat.say("whoami")
    assert [r.text for r in replies] == ["You are Alex Officer, on the roster, not an admin."]


async def test_someone_not_on_the_roster_can_read_but_not_record(
    make_chat: MakeChat, harness: Harness, add_person: AddPerson
) -> None:
    await add_person("Pat Admin", email="pat.admin@example.gov.uk", is_admin=True)
    stranger = TeamsUser(name="Sam Stranger", email="sam@example.org", aad_object_id="0000-5a3")
    chat = await make_chat(user=stranger)
    whoami_command(harness)
    recorded: list[Caller] = []

    async def record(dialog_context: DialogContext, caller: Caller, args: Any) -> None:
        recorded.append(caller)

    assert harness.server is not None
    harness.server.app[REGISTRY].command("test_record", record, help="Record something.", records=True)

    assert [r.text for r in await chat.say("whoami")] == [
        "You are Sam Stranger, not on the roster, not an admin."
    ]
    replies = await chat.say("test_record 7")

    assert recorded == []
    assert len(replies) == 1
    assert "can't record anything for you" in replies[0].text
    assert "Please ask Pat Admin to add you" in replies[0].text


async def test_typing_a_name_claims_nothing(
    make_chat: MakeChat, harness: Harness, add_person: AddPerson
) -> None:
    await add_person("Pat Admin", email="pat.admin@example.gov.uk", is_admin=True)
    stranger = TeamsUser(name="Pat Admin", email="sam@example.org", aad_object_id="0000-5a4")
    chat = await make_chat(user=stranger)
    whoami_command(harness)

    replies = await chat.say("whoami pat.admin@example.gov.uk")

    assert [r.text for r in replies] == ["You are Pat Admin, not on the roster, not an admin."]


async def test_an_admin_named_in_settings_is_added_to_the_roster(
    make_chat: MakeChat, harness: Harness, db: Database
) -> None:
    await harness.start(admins="Chris.Admin@example.gov.uk")
    admin = TeamsUser(name="Chris Admin", email="chris.admin@example.gov.uk", aad_object_id="0000-ad1")
    chat = await make_chat(user=admin)
    whoami_command(harness)

    replies = await chat.say("whoami")

    assert [r.text for r in replies] == ["You are Chris Admin, on the roster, an admin."]
    async with db.session() as session:
        person = await session.scalar(select(Person).where(Person.email == "chris.admin@example.gov.uk"))
    assert person is not None and person.is_admin and person.aad_object_id == "0000-ad1"


async def test_a_typo_of_update_suggests_update(make_chat: MakeChat) -> None:
    chat = await make_chat()

    replies = await chat.say("updte 7")

    assert len(replies) == 1
    assert "Did you mean **update 7**?" in replies[0].text


async def test_help_lists_update_with_its_usage(make_chat: MakeChat) -> None:
    chat = await make_chat()

    [reply] = await chat.say("help")

    assert "- **update [recommendation]**:" in reply.text


async def test_update_from_someone_not_on_the_roster_names_whom_to_ask(
    make_chat: MakeChat, add_person: AddPerson
) -> None:
    await add_person("Pat Admin", email="pat.admin@example.gov.uk", is_admin=True)
    await add_person("Jo Admin", email="jo.admin@example.gov.uk", is_admin=True)
    stranger = TeamsUser(name="Sam Stranger", email="sam@example.org", aad_object_id="0000-5a5")
    chat = await make_chat(user=stranger)

    for attempt in (chat.say("update 7"), chat.submit({"verb": "save_update", "action_id": 1})):
        replies = await attempt
        assert len(replies) == 1
        assert replies[0].text == (
            "I don't know you as an officer yet, so I can't record anything for you. "
            "Please ask Jo Admin or Pat Admin to add you to the roster."
        )


async def test_cancel_with_nothing_in_progress_says_so(make_chat: MakeChat) -> None:
    chat = await make_chat()

    replies = await chat.say("cancel")

    assert [r.text for r in replies] == ["There is nothing to cancel: we weren't in the middle of anything."]


async def test_back_with_nothing_in_progress_says_so_as_tidily(make_chat: MakeChat) -> None:
    chat = await make_chat()

    replies = await chat.say("back")

    (reply,) = replies
    assert reply.text == "There is nothing to go back to: we weren't in the middle of anything."


async def test_delivery_records_are_per_conversation_and_pruned_after_a_few_days(db: Database) -> None:
    async with db.session() as session:
        session.add(
            ProcessedActivity(
                activity_id="old", conversation_id="a:1", received_at=utcnow() - timedelta(days=4)
            )
        )
    async with db.session() as session:
        assert await first_delivery(session, activity_id="42", conversation_id="a:1")
        assert not await first_delivery(session, activity_id="42", conversation_id="a:1")
        # The same id in another conversation is another activity.
        assert await first_delivery(session, activity_id="42", conversation_id="a:2")
    async with db.session() as session:
        assert await forget_old_activities(session, now=utcnow()) == 1
    async with db.session() as session:
        kept = set(await session.scalars(select(ProcessedActivity.activity_id)))
    assert kept == {"42"}


async def test_only_the_mention_is_removed_not_the_bot_name_elsewhere(
    make_chat: MakeChat, harness: Harness
) -> None:
    chat = await make_chat(scope="channel")
    heard: list[str] = []

    async def listen(dialog_context: DialogContext, caller: Caller, args: Any) -> None:
        heard.append(args)

    assert harness.server is not None
    harness.server.app[REGISTRY].command("echo", listen, help="Test only.")

    await chat.say("echo of the Scrutiny bot pilot")

    assert heard == ["of the Scrutiny bot pilot"]
