"""Evidence from Teams, as it arrives: files sent in the 1:1 chat while an update is being recorded,
and the "Add as evidence" message action on any Teams message (a message extension's action command:
composeExtension/fetchTask asks which action, composeExtension/submitAction adds it).

The rules (what may be added, by whom, to what) are store/evidence.py's.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

import aiohttp
from botbuilder.core import CardFactory, TurnContext
from botbuilder.dialogs import DialogContext, DialogTurnResult, DialogTurnStatus
from botbuilder.schema import Activity
from botbuilder.schema.teams import (
    MessagingExtensionAction,
    MessagingExtensionActionResponse,
    TaskModuleContinueResponse,
    TaskModuleMessageResponse,
    TaskModuleTaskInfo,
)
from pydantic import BaseModel, ValidationError

from cards import messages
from cards.evidence import choose_action_card, markdown_free
from dialogs.context import Caller
from dialogs.prompts import answer_of
from documents.errors import UserFacingError
from store.db import Database
from store.evidence import EvidenceRules, NewEvidence, add_evidence
from store.models import EvidenceKind
from store.updates import recordable_actions
from store.views import action_name

log = logging.getLogger(__name__)

FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
# What Teams adds to a message beside what was sent: the message's own HTML, and cards.
_NOT_FILES = ("text/html", "application/vnd.microsoft.card.", "application/vnd.microsoft.teams.card.")
_TAG = re.compile(r"<[^>]*>")
MESSAGE_TEXT_LIMIT = 4_000


def sent_files(activity: Activity) -> list[dict[str, Any]]:
    """The files in a message, as Teams describes them: name, link, and the download link if any."""
    files = []
    for attachment in activity.attachments or []:
        content_type = attachment.content_type or ""
        if content_type.startswith(_NOT_FILES) or not (attachment.content_url or attachment.content):
            continue
        content = attachment.content if isinstance(attachment.content, dict) else {}
        teams_file = content_type == FILE_DOWNLOAD_INFO
        files.append(
            {
                "name": attachment.name or content.get("name") or "attachment",
                "url": attachment.content_url or content.get("downloadUrl"),
                "download": content.get("downloadUrl") if teams_file else None,
                "content_type": content.get("fileType") if teams_file else content_type,
            }
        )
    return [f for f in files if f["url"]]


async def _fetch(url: str, limit: int) -> bytes | None:
    """The file's bytes, or None if it is over `limit` (read no further than that)."""
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        response.raise_for_status()
        data = await response.content.read(limit + 1)
    return data if len(data) <= limit else None


class EvidenceHandlers:
    def __init__(self, db: Database, *, rules: EvidenceRules) -> None:
        self._db = db
        self._rules = rules

    async def attach_files(
        self, turn_context: TurnContext, *, caller: Caller, action_id: int, files: list[dict[str, Any]]
    ) -> str:
        """Keep the files sent as evidence for the action; the reply says what was added or why not."""
        items = []
        for file in files:
            if ending := self._rules.blocked(file["name"]):
                return messages.EVIDENCE_BLOCKED.format(name=markdown_free(file["name"]), ending=ending)
            content = size = None
            if self._rules.store_files and file["download"]:
                try:
                    content = await _fetch(file["download"], self._rules.max_bytes)
                except (aiohttp.ClientError, TimeoutError):
                    log.warning("Could not download an evidence file; its link is kept", exc_info=True)
                else:
                    if content is None:
                        limit = self._rules.max_bytes / 1_000_000
                        return messages.EVIDENCE_TOO_BIG.format(
                            name=markdown_free(file["name"]), limit=f"{limit:g}"
                        )
                    size = len(content)
            items.append(
                NewEvidence(
                    kind=EvidenceKind.FILE,
                    name=file["name"],
                    url=file["url"],
                    content_type=file["content_type"],
                    size=size,
                    content=content,
                )
            )
        try:
            async with self._db.session() as session:
                await add_evidence(
                    session,
                    action_id=action_id,
                    items=items,
                    person_id=caller.person_id,
                    is_admin=caller.is_admin,
                    activity_id=turn_context.activity.id,
                )
        except UserFacingError as refusal:
            return str(refusal)
        return messages.EVIDENCE_ADDED.format(names=", ".join(markdown_free(item.name) for item in items))

    # --- the "Add as evidence" message action ---

    async def fetch_task(self, caller: Caller) -> MessagingExtensionActionResponse:
        """Which action the message is evidence for: a card of the caller's actions in open rounds."""
        async with self._db.session() as session:
            actions = await recordable_actions(session, person_id=caller.person_id, is_admin=caller.is_admin)
        if not actions:
            return _task_message(messages.EVIDENCE_NO_ACTIONS)
        choices = [
            (a.action_id, f"{action_name(a.recommendation_number, a.position)}: {a.agreed_action}")
            for a in actions
        ]
        card = CardFactory.adaptive_card(choose_action_card(choices))
        info = TaskModuleTaskInfo(
            title=messages.EVIDENCE_TASK_TITLE, card=card, width="medium", height="medium"
        )
        return MessagingExtensionActionResponse(task=TaskModuleContinueResponse(value=info))

    async def submit_action(
        self, turn_context: TurnContext, caller: Caller, action: MessagingExtensionAction
    ) -> MessagingExtensionActionResponse:
        try:
            chosen = _Chosen.model_validate(action.data or {})
        except ValidationError:
            return _task_message(messages.EVIDENCE_CHOOSE_ACTION)
        payload = action.message_payload
        body = getattr(payload, "body", None)
        text = " ".join(html.unescape(_TAG.sub(" ", getattr(body, "content", None) or "")).split())
        link = getattr(payload, "link_to_message", None)
        if payload is None or not text or not link:
            return _task_message(messages.EVIDENCE_MESSAGE_UNREADABLE)
        sender = getattr(payload, "from_property", None)
        author = getattr(getattr(sender, "user", None), "display_name", None)
        item = NewEvidence(
            kind=EvidenceKind.MESSAGE,
            name=messages.EVIDENCE_MESSAGE_NAME.format(author=author or "someone"),
            url=link,
            content_type="text/plain",
            text=text[:MESSAGE_TEXT_LIMIT],
            author=author,
        )
        try:
            async with self._db.session() as session:
                await add_evidence(
                    session,
                    action_id=chosen.action_id,
                    items=[item],
                    person_id=caller.person_id,
                    is_admin=caller.is_admin,
                    activity_id=turn_context.activity.id,
                )
        except UserFacingError as refusal:
            return _task_message(str(refusal))
        return _task_message(
            messages.EVIDENCE_MESSAGE_ADDED.format(author=markdown_free(author or "someone"))
        )


class _Chosen(BaseModel):
    action_id: int


def _task_message(text: str) -> MessagingExtensionActionResponse:
    return MessagingExtensionActionResponse(task=TaskModuleMessageResponse(value=text))


class AttachesEvidence:
    """For the guided update: files sent while it waits for an answer are kept as evidence for the
    action being answered for; the question is asked again unless words came with them."""

    evidence: EvidenceHandlers | None = None

    async def interrupt(self, inner_dc: DialogContext) -> DialogTurnResult | None:
        files = sent_files(inner_dc.context.activity) if self.evidence is not None else []
        if files and self.evidence is not None:
            state = inner_dc.stack[-1].state if inner_dc.stack else {}
            options = state.get("options") or {}
            action_id = ((state.get("values") or {}).get("answers") or {}).get("action")
            if action_id is None:
                reply = messages.EVIDENCE_CHOOSE_FIRST
            else:
                caller = Caller(
                    person_id=options.get("person_id"), name="", is_admin=bool(options.get("is_admin"))
                )
                reply = await self.evidence.attach_files(
                    inner_dc.context, caller=caller, action_id=action_id, files=files
                )
            await inner_dc.context.send_activity(reply)
            if not answer_of(inner_dc.context.activity):
                await inner_dc.reprompt_dialog()
                return DialogTurnResult(DialogTurnStatus.Waiting)
        return await super().interrupt(inner_dc)  # type: ignore[misc]
