"""Where the bot may speak unprompted: channels it was added to, 1:1 chats it was installed or written in."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.db import insert_or_ignore
from store.models import ConversationKind, TeamsConversation, utcnow

# A channel thread's conversation id is the channel's id plus ";messageid=...".
_THREAD_SUFFIX = ";messageid="


def base_conversation_id(conversation_id: str) -> str:
    return conversation_id.split(_THREAD_SUFFIX, 1)[0]


async def remember_conversation(
    session: AsyncSession,
    *,
    conversation_id: str,
    kind: ConversationKind,
    service_url: str,
    reference: dict[str, object],
    tenant_id: str | None,
    team_id: str | None = None,
    team_name: str | None = None,
    channel_id: str | None = None,
    person_id: int | None = None,
) -> bool:
    """Record that the app is installed here. True when it was not installed here until now.

    Teams announces one installation with two activities (installationUpdate and conversationUpdate),
    so the caller greets only when this returns True.
    """
    conversation_id = base_conversation_id(conversation_id)
    # Both activities arrive at once: create the row race-free, then let exactly one turn flip it to
    # installed (the other waits for the row lock and then matches nothing).
    await session.execute(
        insert_or_ignore(
            session,
            TeamsConversation,
            conversation_id=conversation_id,
            kind=kind,
            service_url=service_url,
            reference=reference,
            installed=False,
            updated_at=utcnow(),
        )
    )
    flipped = await session.execute(
        update(TeamsConversation)
        .where(TeamsConversation.conversation_id == conversation_id, TeamsConversation.installed.is_(False))
        .values(installed=True)
    )
    newly = flipped.rowcount == 1  # type: ignore[attr-defined]
    row = await session.scalar(
        select(TeamsConversation)
        .where(TeamsConversation.conversation_id == conversation_id)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    row.kind = kind
    row.service_url = service_url
    row.reference = reference
    row.tenant_id = tenant_id or row.tenant_id
    row.team_id = team_id or row.team_id
    row.team_name = team_name or row.team_name
    row.channel_id = channel_id or row.channel_id
    row.person_id = person_id or row.person_id
    row.installed = True
    row.blocked_at = None
    row.updated_at = utcnow()
    await session.flush()
    return newly


async def seen_in_personal_chat(
    session: AsyncSession,
    *,
    conversation_id: str,
    person_id: int,
    service_url: str,
    reference: dict[str, object],
    tenant_id: str | None,
    client_platform: str | None = None,
) -> None:
    """Someone reached the bot in their 1:1 chat (a message, a card pressed): it is where to tell them
    things from now on, whether or not Teams ever said the app was installed there. Never greets:
    `remember_conversation`, for installs, does that. `client_platform`: the Teams client it came
    from, kept (as `remember_client` keeps it later) for the buttons of the cards sent there."""
    conversation_id = base_conversation_id(conversation_id)
    await session.execute(
        insert_or_ignore(
            session,
            TeamsConversation,
            conversation_id=conversation_id,
            kind=ConversationKind.PERSONAL,
            service_url=service_url,
            reference=reference,
            tenant_id=tenant_id,
            person_id=person_id,
            installed=True,
            updated_at=utcnow(),
            client_platform=client_platform,
        )
    )
    values: dict[str, object] = {
        "service_url": service_url,
        "reference": reference,
        "person_id": person_id,
        "installed": True,  # they are writing in it: whatever was recorded, the app is there
        "blocked_at": None,
        "updated_at": utcnow(),
    }
    if tenant_id:
        values["tenant_id"] = tenant_id
    if client_platform:
        values["client_platform"] = client_platform
    await session.execute(
        update(TeamsConversation)
        .where(TeamsConversation.conversation_id == conversation_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def forget_conversation(
    session: AsyncSession, *, conversation_id: str, team_id: str | None = None
) -> None:
    """The app was removed: from a team (every channel of it) or from a chat."""
    conversation_id = base_conversation_id(conversation_id)
    where = TeamsConversation.conversation_id == conversation_id
    if team_id:
        where = or_(where, TeamsConversation.team_id == team_id)
    for row in await session.scalars(select(TeamsConversation).where(where)):
        row.installed = False


async def refresh_service_url(session: AsyncSession, *, conversation_id: str, service_url: str) -> None:
    """Keep the newest serviceUrl: Teams may move a conversation, and proactive posts must follow."""
    row = await session.scalar(
        select(TeamsConversation).where(
            TeamsConversation.conversation_id == base_conversation_id(conversation_id),
            TeamsConversation.service_url != service_url,
        )
    )
    if row is not None:
        row.service_url = service_url
        row.reference = {**row.reference, "serviceUrl": service_url}


async def conversation_by_id(session: AsyncSession, *, conversation_id: str) -> TeamsConversation | None:
    return await session.scalar(
        select(TeamsConversation).where(
            TeamsConversation.conversation_id == base_conversation_id(conversation_id)
        )
    )


async def installed_conversations(
    session: AsyncSession, *, kind: ConversationKind | None = None
) -> list[TeamsConversation]:
    """Where posting is allowed now: installed and not blocked."""
    query = select(TeamsConversation).where(
        TeamsConversation.installed.is_(True), TeamsConversation.blocked_at.is_(None)
    )
    if kind is not None:
        query = query.where(TeamsConversation.kind == kind)
    return list(await session.scalars(query.order_by(TeamsConversation.id)))


async def remember_client(session: AsyncSession, *, conversation_id: str, platform: str) -> None:
    """The Teams client ("android", "windows"…) a 1:1 chat's newest message came from, if it changed.
    Every message asks: a plain statement on the table, which changes nothing while the client stays."""
    table = cast(Table, TeamsConversation.__table__)
    await session.execute(
        update(table)
        .where(
            table.c.conversation_id == base_conversation_id(conversation_id),
            table.c.client_platform.is_distinct_from(platform),
        )
        .values(client_platform=platform)
    )


async def client_of(session: AsyncSession, *, conversation_id: str) -> str | None:
    """The Teams client of the conversation's newest message, if known."""
    platform: str | None = await session.scalar(
        select(TeamsConversation.client_platform).where(
            TeamsConversation.conversation_id == base_conversation_id(conversation_id)
        )
    )
    return platform
