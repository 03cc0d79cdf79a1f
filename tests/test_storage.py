"""SqlStorage behaves as botbuilder's own storages do (the SDK's StorageBaseTests, on our database), and
SqlConversationState as ConversationState does on it."""

from __future__ import annotations

import asyncio
import json
from copy import copy

import pytest
from botbuilder.core import CardFactory, ConversationState, MessageFactory, StoreItem, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import (
    DialogSet,
    DialogTurnStatus,
    PromptOptions,
    TextPrompt,
    WaterfallDialog,
    WaterfallStepContext,
)
from sqlalchemy import select

from bot.storage import ETagConflict, SqlConversationState, SqlStorage
from dialogs.prompts import question_of
from store.db import Database
from store.models import BotStateItem


@pytest.fixture
def storage(db: Database) -> SqlStorage:
    return SqlStorage(db)


class SimpleStoreItem(StoreItem):
    def __init__(self, counter: int = 1, e_tag: str = "*") -> None:
        super().__init__(counter=counter, e_tag=e_tag)


async def test_reading_an_unknown_key_returns_nothing(storage: SqlStorage) -> None:
    assert await storage.read(["unknown"]) == {}
    assert await storage.read([]) == {}


async def test_reading_or_writing_none_is_refused(storage: SqlStorage) -> None:
    with pytest.raises(Exception, match="Keys are required when reading"):
        await storage.read(None)  # type: ignore[arg-type]
    with pytest.raises(Exception, match="Changes are required when writing"):
        await storage.write(None)  # type: ignore[arg-type]
    await storage.write({})


async def test_create_and_read_dicts_with_and_without_e_tag(storage: SqlStorage) -> None:
    await storage.write({"createPoco": {"id": 1}, "createPocoStoreItem": {"id": 2, "e_tag": "*"}})

    items = await storage.read(["createPoco", "createPocoStoreItem"])

    assert items["createPoco"]["id"] == 1  # type: ignore[index]
    assert items["createPocoStoreItem"]["id"] == 2  # type: ignore[index]
    assert items["createPocoStoreItem"]["e_tag"] not in (None, "", "*")  # type: ignore[index]


async def test_odd_keys_round_trip(storage: SqlStorage) -> None:
    key = '!@#$%^&*()_+??><":QASD~`/msteams/conversations/19:abc@thread.skype;messageid=1'
    await storage.write({key: {"id": 1}})
    assert (await storage.read([key]))[key]["id"] == 1  # type: ignore[index]


async def test_update_with_current_stale_and_wildcard_e_tags(storage: SqlStorage) -> None:
    await storage.write(
        {"pocoItem": {"id": 1, "count": 1}, "pocoStoreItem": {"id": 1, "count": 1, "e_tag": "*"}}
    )
    loaded = await storage.read(["pocoItem", "pocoStoreItem"])
    stale = dict(loaded["pocoStoreItem"])  # type: ignore[call-overload]
    loaded["pocoItem"]["e_tag"] = None  # type: ignore[index]
    loaded["pocoItem"]["count"] += 1  # type: ignore[index]
    loaded["pocoStoreItem"]["count"] += 1  # type: ignore[index]

    await storage.write(loaded)

    reloaded = await storage.read(["pocoItem", "pocoStoreItem"])
    assert reloaded["pocoItem"]["count"] == 2  # type: ignore[index]
    assert reloaded["pocoStoreItem"]["count"] == 2  # type: ignore[index]

    stale["count"] = 123
    with pytest.raises(ETagConflict, match="Etag conflict"):
        await storage.write({"pocoStoreItem": stale})
    assert (await storage.read(["pocoStoreItem"]))["pocoStoreItem"]["count"] == 2  # type: ignore[index]

    stale["e_tag"] = "*"
    stale["count"] = 100
    await storage.write({"pocoStoreItem": stale})
    assert (await storage.read(["pocoStoreItem"]))["pocoStoreItem"]["count"] == 100  # type: ignore[index]

    stale["e_tag"] = ""
    with pytest.raises(Exception, match="etag missing"):
        await storage.write({"pocoStoreItem": stale})


async def test_a_conflict_in_a_batch_writes_none_of_it(storage: SqlStorage) -> None:
    await storage.write({"a": {"n": 1}, "b": {"n": 1}})
    current = await storage.read(["a", "b"])
    await storage.write({"b": dict(current["b"])})  # type: ignore[call-overload]

    current["a"]["n"] = 2  # type: ignore[index]
    current["b"]["n"] = 2  # type: ignore[index]
    with pytest.raises(ETagConflict):
        await storage.write(current)

    after = await storage.read(["a", "b"])
    assert (after["a"]["n"], after["b"]["n"]) == (1, 1)  # type: ignore[index]


async def test_of_two_writers_with_the_same_e_tag_exactly_one_wins(storage: SqlStorage) -> None:
    await storage.write({"race": {"who": "nobody"}})
    read = (await storage.read(["race"]))["race"]

    async def write_as(who: str) -> str:
        try:
            await storage.write({"race": {**read, "who": who}})  # type: ignore[dict-item]
        except ETagConflict:
            return "lost"
        return "won"

    outcomes = await asyncio.gather(*(write_as(f"writer {n}") for n in range(4)))

    assert sorted(outcomes) == ["lost", "lost", "lost", "won"]
    winner = f"writer {outcomes.index('won')}"
    assert (await storage.read(["race"]))["race"]["who"] == winner  # type: ignore[index]


async def test_store_item_objects_round_trip_and_keep_e_tags(storage: SqlStorage) -> None:
    await storage.write({"user": SimpleStoreItem(counter=1)})

    item = (await storage.read(["user"]))["user"]

    assert isinstance(item, SimpleStoreItem)
    assert item.counter == 1  # type: ignore[attr-defined]
    stale_tag = item.e_tag  # type: ignore[attr-defined]
    item.counter = 2  # type: ignore[attr-defined]
    await storage.write({"user": item})
    assert (await storage.read(["user"]))["user"].counter == 2  # type: ignore[attr-defined]
    with pytest.raises(ETagConflict):
        await storage.write({"user": SimpleStoreItem(counter=3, e_tag=stale_tag)})


async def test_delete_and_delete_unknown(storage: SqlStorage) -> None:
    await storage.write({"delete1": {"id": 1, "count": 1, "e_tag": "*"}})
    assert (await storage.read(["delete1"]))["delete1"]["count"] == 1  # type: ignore[index]

    await storage.delete(["delete1"])
    await storage.delete(["unknown_key"])

    assert await storage.read(["delete1"]) == {}


async def test_batch_operations(storage: SqlStorage) -> None:
    await storage.write({"batch1": {"count": 10}, "batch2": {"count": 20}, "batch3": {"count": 30}})

    result = await storage.read(["batch1", "batch2", "batch3", "missing"])

    assert {key: value["count"] for key, value in result.items()} == {  # type: ignore[index]
        "batch1": 10,
        "batch2": 20,
        "batch3": 30,
    }
    await storage.delete(["batch1", "batch2", "batch3"])
    assert await storage.read(["batch1", "batch2", "batch3"]) == {}


@pytest.mark.parametrize("state_class", [ConversationState, SqlConversationState])
async def test_a_waterfall_resumes_from_storage_after_a_restart(
    db: Database, state_class: type[ConversationState]
) -> None:
    """The SDK's proceeds_through_waterfall, with a new storage object per turn to stand for a restart."""

    def make_bot() -> tuple[ConversationState, DialogSet]:
        state = state_class(SqlStorage(db))
        dialogs = DialogSet(state.create_property("DialogState"))

        async def ask_name(step: WaterfallStepContext) -> object:
            return await step.prompt(
                "name", PromptOptions(prompt=MessageFactory.text("Please type your name"))
            )

        async def greet(step: WaterfallStepContext) -> object:
            await step.context.send_activity(f"Hello {step.result}")
            return await step.end_dialog()

        dialogs.add(WaterfallDialog("greet", [ask_name, greet]))
        dialogs.add(TextPrompt("name"))
        return state, dialogs

    async def turn(context: TurnContext) -> None:
        state, dialogs = make_bot()
        dialog_context = await dialogs.create_context(context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog_context.begin_dialog("greet")
        await state.save_changes(context)

    adapter = TestAdapter(turn)
    step = await adapter.send("hi")
    step = await step.assert_reply("Please type your name")
    step = await step.send("Jenny")
    await step.assert_reply("Hello Jenny")


async def _rows(db: Database) -> dict[str, tuple[object, str]]:
    async with db.session() as session:
        return {row.key: (row.data, row.e_tag) for row in await session.scalars(select(BotStateItem))}


async def test_sql_conversation_state_writes_only_what_changed_and_keeps_e_tag_checks(db: Database) -> None:
    """A turn that changes nothing writes nothing; one that does writes what ConversationState would;
    two turns of one conversation that both read the same state cannot both save it."""
    said: list[str] = []

    async def turn(context: TurnContext) -> None:
        state = SqlConversationState(SqlStorage(db))
        counter = state.create_property("Counter")
        text = context.activity.text
        if text == "count":
            await counter.set(context, ((await counter.get(context)) or 0) + 1)
        said.append(str((await counter.get(context)) or 0))
        await state.save_changes(context)

    adapter = TestAdapter(turn)
    await adapter.send("count")
    await adapter.send("count")
    rows = await _rows(db)
    [(data, _)] = rows.values()
    assert data == {"Counter": 2} and said == ["1", "2"]

    await adapter.send("look")
    assert await _rows(db) == rows, "nothing changed, so nothing was written"

    # The same conversation's state read by two turns at once: the second save finds a newer e_tag.
    first, second = (adapter.create_turn_context(copy(adapter.template)) for _ in range(2))
    states = [SqlConversationState(SqlStorage(db)) for _ in range(2)]
    for state, context in zip(states, (first, second), strict=True):
        await state.load(context)
        accessor = state.create_property("Counter")
        await accessor.set(context, ((await accessor.get(context)) or 0) + 1)
    await states[0].save_changes(first)
    with pytest.raises(ETagConflict):
        await states[1].save_changes(second)
    [(data, _)] = (await _rows(db)).values()
    assert data == {"Counter": 3}


async def test_two_first_turns_of_a_new_conversation_cannot_both_create_its_state(db: Database) -> None:
    adapter = TestAdapter(lambda context: asyncio.sleep(0))
    first, second = (adapter.create_turn_context(copy(adapter.template)) for _ in range(2))
    states = [SqlConversationState(SqlStorage(db)) for _ in range(2)]
    for n, (state, context) in enumerate(zip(states, (first, second), strict=True)):
        await state.load(context)
        await state.create_property("Started").set(context, f"turn {n}")
    await states[0].save_changes(first)
    with pytest.raises(ETagConflict):
        await states[1].save_changes(second)
    [(data, _)] = (await _rows(db)).values()
    assert data == {"Started": "turn 0"}


def test_a_waiting_question_is_asked_again_however_it_was_kept() -> None:
    """A prompt's question is kept in the dialog state as one JSON string; dialogs begun before that
    kept a dict, and an officer mid-update across an upgrade must still get their question again."""
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Grade?"}]}
    question = MessageFactory.attachment(CardFactory.adaptive_card(card))
    question.text = "Which grade?"
    for kept in (json.dumps(question.serialize()), question.serialize()):
        asked = question_of(PromptOptions(prompt=kept))
        assert asked is not None
        assert asked.text == "Which grade?"
        assert asked.attachments[0].content == card
