"""A recommendation put into any chat, channel or meeting: the search message extension ("@Scrutiny 7",
"wifi" in the compose box) and the unfurling of a recommendation's own link (documents/links.py).

Searching lists matches as light previews; choosing one asks the bot for the card itself
(`composeExtension/selectItem`), which is the status card the bot answers "status 7" with, minus any
Update button (the card is for a group), plus its refresh: each viewer's Teams then shows today's
grades and their own buttons.
"""

from __future__ import annotations

from typing import Any

from botbuilder.core import CardFactory
from botbuilder.schema import CardAction, ThumbnailCard
from botbuilder.schema.teams import (
    MessagingExtensionAttachment,
    MessagingExtensionQuery,
    MessagingExtensionResponse,
    MessagingExtensionResult,
)
from pydantic import BaseModel, ValidationError

from cards import messages
from cards.actions import notice_card
from cards.size import trimmed
from cards.status import Page
from dialogs.asking import Understanding, found
from dialogs.status import refreshing_recommendation
from documents.links import recommendation_in
from store import queries
from store.db import Database
from store.views import RecommendationMatch

SEARCH_COMMAND = "findRecommendation"  # the manifest's search command
RESULTS = 10  # Teams lists up to 25; ten fit a compose box's flyout without scrolling
LONGEST_QUERY = 200  # characters searched; a longer query is asked to be shorter
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


class Chosen(BaseModel):
    """What a result's preview carries back when chosen."""

    review_id: int
    number: int


def _said(text: str) -> MessagingExtensionResponse:
    """Words in the search flyout instead of results."""
    return MessagingExtensionResponse(compose_extension=MessagingExtensionResult(type="message", text=text))


def _results(attachments: list[MessagingExtensionAttachment]) -> MessagingExtensionResponse:
    return MessagingExtensionResponse(
        compose_extension=MessagingExtensionResult(
            type="result", attachment_layout="list", attachments=attachments
        )
    )


def _preview(match: RecommendationMatch) -> MessagingExtensionAttachment:
    title = messages.STATUS_RECOMMENDATION_TITLE.format(number=match.number)
    preview = ThumbnailCard(
        title=title,
        subtitle=trimmed(match.review_title, 80),
        text=trimmed(match.text, 120),
        tap=CardAction(
            type="invoke", value=Chosen(review_id=match.review_id, number=match.number).model_dump()
        ),
    )
    shown = CardFactory.thumbnail_card(preview)
    return MessagingExtensionAttachment(content_type=shown.content_type, content=shown.content, preview=shown)


def _query_text(query: MessagingExtensionQuery | None) -> tuple[str, bool]:
    """What was typed, and whether this is the first look (the flyout just opened)."""
    text, initial = "", False
    for parameter in (query.parameters if query else None) or []:
        if parameter.name == "initialRun":
            initial = True
        elif isinstance(parameter.value, str):
            text = parameter.value
    return " ".join(text.split()), initial and not text


class SearchHandlers:
    def __init__(self, db: Database, *, link_base: str, understanding: Understanding) -> None:
        self._db = db
        self._link_base = link_base
        self._understanding = understanding  # the chat's own: "7", "wifi", "the appraisal one"

    async def search(self, query: MessagingExtensionQuery | None) -> MessagingExtensionResponse:
        text, first_look = _query_text(query)
        if first_look or not text:
            return _said(messages.SEARCH_HOW)
        if len(text) > LONGEST_QUERY:
            return _said(messages.SEARCH_TOO_LONG.format(limit=LONGEST_QUERY))
        async with self._db.session() as session:
            understood = await self._understanding.understand(session, text)
            matches = found(understood, await self._understanding.index(session), limit=RESULTS)
        if not matches:
            return _said(messages.SEARCH_NOTHING)
        return _results([_preview(match) for match in matches])

    async def chosen(self, value: Any, *, viewer: str | None) -> MessagingExtensionResponse:
        """The card for the result chosen: inserted into the compose box."""
        try:
            choice = Chosen.model_validate(value)
        except ValidationError:
            return _said(messages.CARD_OUT_OF_DATE)
        card = await self._card(choice.review_id, choice.number, viewer=viewer)
        return _results([MessagingExtensionAttachment(content_type=ADAPTIVE_CARD, content=card)])

    async def unfurl(self, url: str | None, *, viewer: str | None) -> MessagingExtensionResponse:
        """A recommendation's link pasted into a message: its card."""
        found = recommendation_in(url or "")
        if found is None:
            card = notice_card([messages.UNFURL_NOT_A_RECOMMENDATION])
            preview = CardFactory.thumbnail_card(ThumbnailCard(title=messages.UNFURL_NOT_A_RECOMMENDATION))
        else:
            review_id, number = found
            card = await self._card(review_id, number, viewer=viewer)
            title = messages.STATUS_RECOMMENDATION_TITLE.format(number=number)
            preview = CardFactory.thumbnail_card(ThumbnailCard(title=title))
        attachment = MessagingExtensionAttachment(content_type=ADAPTIVE_CARD, content=card, preview=preview)
        return _results([attachment])

    async def _card(self, review_id: int, number: int, *, viewer: str | None) -> dict[str, Any]:
        async with self._db.session() as session:
            recommendation = await queries.recommendation_status(session, review_id=review_id, number=number)
            if recommendation is None:
                return notice_card([messages.RECOMMENDATION_GONE.format(number=number)])
            return await refreshing_recommendation(
                session,
                recommendation,
                Page(question=f"status {number}", review_id=review_id),
                may_update=frozenset(),  # a card for a group: each viewer's refresh brings their own
                asker=viewer,
                link_base=self._link_base,
            )
