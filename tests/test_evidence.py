"""Evidence from Teams, end to end over HTTP: a file sent while recording an update, and a Teams
message added with the "Add as evidence" message action, both kept by name and link, shown on the
cards, and written as hyperlinks in the committee's .docx (read back with python-docx)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from chat import Chat, MakeChat, Reply
from sqlalchemy import select
from test_review_loop import (
    Council,
    fixture_council,  # noqa: F401 (fixtures)
    said,
)
from test_scheduler import (
    fixture_bot,  # noqa: F401 (fixtures)
    officer,
)
from test_status_cards import runs as runs_of

from documents.word_reader import read_docx
from documents.word_writer import write_docx
from store.db import Database
from store.models import EvidenceItem, EvidenceKind
from store.plan import export_plan

BADGES_URL = "https://stockton.sharepoint.com/personal/craig/Documents/iDEA%20badges.xlsx"
MESSAGE_LINK = "https://teams.microsoft.com/l/message/19:dsg@thread.tacv2/1700000000000"


def teams_file(name: str, *, download: str = "https://download.example/one") -> dict[str, Any]:
    """A file sent in a 1:1 chat, as Teams attaches it."""
    return {
        "contentType": "application/vnd.microsoft.teams.file.download.info",
        "contentUrl": BADGES_URL if name.endswith(".xlsx") else f"https://stockton.sharepoint.com/{name}",
        "name": name,
        "content": {"downloadUrl": download, "uniqueId": "1e0b-77", "fileType": name.rsplit(".", 1)[-1]},
    }


async def send_files(chat: Chat, *files: dict[str, Any], text: str | None = None) -> list[Reply]:
    activity = chat.activity("message", attachments=list(files))
    if text is not None:
        activity |= {"text": text, "textFormat": "plain"}
    return await chat.send(activity)


async def invoke(chat: Chat, name: str, value: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """An invoke as Teams sends it; the HTTP answer is the invoke's response."""
    answer = await chat.invoke(chat.activity("invoke", name=name, value=value))
    return answer.status, answer.body


def message_action(data: dict[str, Any] | None = None, **payload: Any) -> dict[str, Any]:
    message = {
        "id": "1700000000000",
        "body": {"contentType": "html", "content": "<p>40 staff earned <b>iDEA</b> badges in October.</p>"},
        "from": {"user": {"id": "aad-liz", "displayName": "Liz Purdy"}},
        "linkToMessage": MESSAGE_LINK,
        **payload,
    }
    value: dict[str, Any] = {
        "commandId": "addEvidence",
        "commandContext": "message",
        "messagePayload": message,
    }
    if data is not None:
        value["data"] = data
    return value


async def items(db: Database) -> list[EvidenceItem]:
    async with db.session() as session:
        return list(await session.scalars(select(EvidenceItem).order_by(EvidenceItem.id)))


async def test_a_file_sent_while_recording_is_kept_shown_and_linked_in_the_document(
    council: Council, db: Database
) -> None:
    replies = await council.craig.say("update")
    assert "Evidence of progress" in said(replies)
    replies = await send_files(council.craig, teams_file("iDEA badges.xlsx"))
    assert replies[0].text == (
        "Added as evidence: iDEA badges.xlsx. Now say what was done (the evidence of progress)."
    )
    assert "Evidence of progress" in said(replies[1:])  # asked again: a file is not the whole answer
    (kept,) = await items(db)
    assert (kept.kind, kept.name, kept.url, kept.content_type) == (
        EvidenceKind.FILE,
        "iDEA badges.xlsx",
        BADGES_URL,
        "xlsx",
    )
    assert kept.content is None and kept.action_id == council.action.id and kept.round_id == council.round_id

    for answer in ("Signed up 40 staff; the badges are in the attached sheet.", "2", "skip"):
        await council.craig.say(answer)
    saved = await council.craig.say("save")
    assert saved[0].text.startswith("Saved:")

    status = await council.craig.say(f"status {council.action.recommendation_number}")
    assert "Attached" in said(status)
    # The file's name, as a link to it: drawn, not written out as "[name](url)".
    assert {"type": "Action.OpenUrl", "url": BADGES_URL} in [
        run.get("selectAction") for run in runs_of(status[0].cards[0]) if run["text"] == "iDEA badges.xlsx"
    ]

    async with db.session() as session:
        plan = await export_plan(session, title="Digital Optimisation", include_unreviewed=True)
    back = read_docx(write_docx(plan), source="export.docx")
    rec = next(r for r in back.recommendations if r.number == council.action.recommendation_number)
    evidence = rec.actions[council.action.position - 1].progress["September 2020"].evidence
    assert f"Attached:\n- [iDEA badges.xlsx]({BADGES_URL})" in evidence  # a hyperlink in the .docx


async def test_a_blocked_file_or_one_outside_an_update_is_not_kept(council: Council, db: Database) -> None:
    replies = await send_files(council.craig, teams_file("iDEA badges.xlsx"))
    assert replies[0].text.startswith("To add a file as evidence, say **update**")
    await council.craig.say("update")
    replies = await send_files(council.craig, teams_file("payload.exe"))
    assert replies[0].text == "payload.exe is not added: .exe files are not accepted as evidence."
    replies = await send_files(council.craig, teams_file("**urgent**.js"))
    # The name as written, not read as Markdown by Teams.
    assert replies[0].text == r"\*\*urgent\*\*.js is not added: .js files are not accepted as evidence."
    assert await items(db) == []


@pytest.fixture
async def file_server() -> AsyncIterator[TestServer]:
    """Where Teams' download links point, here on loopback: a small file and a large one."""

    async def small(request: web.Request) -> web.Response:
        return web.Response(body=b"name,badges\nCraig,40\n")

    async def large(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * 5_000)

    app = web.Application()
    app.router.add_get("/small.csv", small)
    app.router.add_get("/large.csv", large)
    async with TestServer(app, host="127.0.0.1") as server:
        yield server


async def test_with_storing_on_the_bytes_are_kept_up_to_the_limit(
    council: Council, db: Database, file_server: TestServer
) -> None:
    await council.bot.harness.restart(evidence_store_files=True, evidence_max_bytes=1_000)
    await council.craig.say("update")
    replies = await send_files(
        council.craig, teams_file("big.csv", download=str(file_server.make_url("/large.csv")))
    )
    assert (
        replies[0].text
        == "big.csv is not added: it is over the 0.001 MB a file may be. Share a link to it instead."
    )
    assert await items(db) == []
    replies = await send_files(
        council.craig, teams_file("badges.csv", download=str(file_server.make_url("/small.csv")))
    )
    assert replies[0].text.startswith("Added as evidence: badges.csv.")
    (kept,) = await items(db)
    assert kept.content == b"name,badges\nCraig,40\n" and kept.size == 21


async def test_add_as_evidence_on_a_teams_message(council: Council, db: Database) -> None:
    status, body = await invoke(council.craig, "composeExtension/fetchTask", message_action())
    assert status == 200 and body["task"]["type"] == "continue"
    card = body["task"]["value"]["card"]["content"]
    (choices,) = [element for element in card["body"] if element.get("type") == "Input.ChoiceSet"]
    assert [c["value"] for c in choices["choices"]] == [str(council.action.id)]

    status, body = await invoke(
        council.craig, "composeExtension/submitAction", message_action({"action_id": str(council.action.id)})
    )
    assert status == 200 and body["task"] == {
        "type": "message",
        "value": "Added Liz Purdy's message as evidence.",
    }
    (kept,) = await items(db)
    assert (kept.kind, kept.author, kept.url) == (EvidenceKind.MESSAGE, "Liz Purdy", MESSAGE_LINK)
    assert (
        kept.text == "40 staff earned iDEA badges in October." and kept.name == "Teams message from Liz Purdy"
    )

    # It is linked from the committee's document, once the update is in.
    await council.record("Signed up 40 staff.")
    async with db.session() as session:
        plan = await export_plan(session, title="Digital Optimisation", include_unreviewed=True)
    back = read_docx(write_docx(plan), source="export.docx")
    rec = next(r for r in back.recommendations if r.number == council.action.recommendation_number)
    evidence = rec.actions[council.action.position - 1].progress["September 2020"].evidence
    assert f"- [Teams message from Liz Purdy]({MESSAGE_LINK})" in evidence


async def test_add_as_evidence_refuses_what_it_cannot_read_or_may_not_add(
    council: Council, db: Database, make_chat: MakeChat
) -> None:
    unreadable = message_action({"action_id": str(council.action.id)}, body=None)
    _, body = await invoke(council.craig, "composeExtension/submitAction", unreadable)
    assert body["task"]["value"].startswith("I can't read that message")
    _, body = await invoke(council.craig, "composeExtension/submitAction", message_action({"action_id": "x"}))
    assert body["task"]["value"] == "Which action is this message evidence for?"
    # Someone else's action, named in a tampered submit.
    other = await make_chat(officer("Ian Coxon"))
    _, body = await invoke(
        other, "composeExtension/submitAction", message_action({"action_id": str(council.action.id)})
    )
    assert "to update: ask" in body["task"]["value"]
    assert await items(db) == []
