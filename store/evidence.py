"""Evidence from Teams: files an officer sends while recording an update, and Teams messages added
with the "Add as evidence" message action. Each is kept for its action and round by name, link,
content type and (when known) size; the bytes only when the council turns that on.

They are shown on status and review cards and written as hyperlinks in the committee's document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.errors import UserFacingError
from store.models import EvidenceItem, EvidenceKind
from store.updates import action_for_update, require_may_record


@dataclass(frozen=True)
class EvidenceRules:
    """What the council accepts: file types refused by their ending, and the largest file kept whole."""

    blocked_types: frozenset[str]  # "exe", "js", … (lower case, no dot)
    store_files: bool  # keep the bytes in the database, not only the link
    max_bytes: int  # the largest file whose bytes are kept

    def blocked(self, name: str) -> str | None:
        """The file's ending, if files so named are not accepted."""
        ending = PurePosixPath(name).suffix.lower().lstrip(".")
        return ending if ending and ending in self.blocked_types else None


@dataclass(frozen=True)
class NewEvidence:
    kind: EvidenceKind
    name: str
    url: str
    content_type: str | None = None
    size: int | None = None
    content: bytes | None = None
    text: str | None = None  # a message's words
    author: str | None = None  # who wrote the message


async def add_evidence(
    session: AsyncSession,
    *,
    action_id: int,
    items: list[NewEvidence],
    person_id: int | None,
    is_admin: bool,
    activity_id: str | None,
) -> list[EvidenceItem]:
    """Keep the items as evidence for the action in its open round; refused in plain words if the
    caller may not record for it or no round is open. The same activity twice adds nothing more."""
    if activity_id is not None:
        already = list(
            await session.scalars(select(EvidenceItem).where(EvidenceItem.activity_id == activity_id))
        )
        if already:
            return already
    await require_may_record(session, person_id=person_id, is_admin=is_admin, action_id=action_id)
    view = await action_for_update(session, action_id=action_id)  # refuses if nothing is asked now
    kept = [
        EvidenceItem(
            action_id=action_id,
            round_id=view.round_id,
            kind=item.kind,
            name=item.name[:300],
            url=item.url,
            content_type=item.content_type,
            size=item.size,
            content=item.content,
            text=item.text,
            author=item.author,
            added_by_id=person_id,
            # The activity marks the first of its items (the column is unique): found again, it
            # says the whole message was added already.
            activity_id=activity_id if index == 0 else None,
        )
        for index, item in enumerate(items)
    ]
    if not kept:
        raise UserFacingError("There was nothing to add as evidence.")
    session.add_all(kept)
    await session.flush()
    return kept
