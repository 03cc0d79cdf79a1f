"""Teams' Bot Connector service, played by a small aiohttp server on loopback.

It speaks the real wire format (the paths and JSON the Bot Framework connector client uses), keeps
every activity the bot sends, answers member look-ups from a roster of Teams users, and can be told to
fail the next calls (a 429 with Retry-After, a 403 MessageWritesBlocked...) for the retry tests.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

TENANT_ID = "72f988bf-0000-4000-8000-00000000c0de"
# Teams' published limits for a bot: messages per window of seconds in one conversation, and per second
# for the app in a tenant (learn.microsoft.com, "Optimize your bot with rate limiting").
TEAMS_LIMITS = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))
TEAMS_APP_PER_SECOND = 50


@dataclass(frozen=True)
class TeamsUser:
    """A person as Teams knows them: their ids in this tenant and their directory entry."""

    name: str
    email: str
    aad_object_id: str
    id: str = ""  # the Teams user id ("29:..."); made from the aad id if not given

    @property
    def teams_id(self) -> str:
        return self.id or f"29:{self.aad_object_id}"

    def channel_account(self) -> dict[str, Any]:
        """As it appears in an activity's `from`."""
        return {"id": self.teams_id, "name": self.name, "aadObjectId": self.aad_object_id}

    def member(self) -> dict[str, Any]:
        """As GET .../members/{id} returns it (a TeamsChannelAccount)."""
        given, _, surname = self.name.partition(" ")
        return {
            "id": self.teams_id,
            "name": self.name,
            "aadObjectId": self.aad_object_id,
            "givenName": given,
            "surname": surname,
            "email": self.email,
            "userPrincipalName": self.email,
            "tenantId": TENANT_ID,
            "userRole": "user",
        }


@dataclass
class Received:
    """One call the bot made: a new message, a reply, an update, a conversation created."""

    method: str
    path: str
    conversation_id: str | None
    activity_id: str | None  # the one replied to or updated
    body: dict[str, Any]
    response_id: str | None = None  # the id the connector gave a new message

    @property
    def kind(self) -> str:
        if self.method == "PUT":
            return "update"
        if self.conversation_id is None:
            return "create_conversation"
        return "reply" if self.activity_id else "send"


@dataclass
class Failure:
    status: int
    retry_after: float | None = None
    code: str = "ServiceError"


@dataclass
class FakeConnector:
    members: dict[str, TeamsUser] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    _failures: deque[Failure] = field(default_factory=deque)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _server: TestServer | None = None
    _held: dict[str, asyncio.Event] = field(default_factory=dict)
    waiting: list[str] = field(default_factory=list)  # conversations with a message held back
    # As Teams: a new message past a conversation's limits or the app's gets 429 with Retry-After.
    teams_limits: bool = False
    app_per_second: int = TEAMS_APP_PER_SECOND
    too_many: int = 0  # the 429s it gave
    arrived: list[float] = field(default_factory=list)  # when each new message it took came in
    _times: dict[str, list[float]] = field(default_factory=dict)  # the same, by conversation

    # --- control ---

    def add_member(self, user: TeamsUser) -> None:
        self.members[user.teams_id] = user

    def fail_next(
        self, status: int, *, times: int = 1, retry_after: float | None = None, code: str = ""
    ) -> None:
        """The next `times` writes (POST/PUT) get this status instead of succeeding."""
        default = "MessageWritesBlocked" if status == 403 else "ServiceError"
        for _ in range(times):
            self._failures.append(Failure(status=status, retry_after=retry_after, code=code or default))

    def hold(self, conversation_id: str) -> asyncio.Event:
        """Messages to this conversation wait, as behind a slow Teams, until the event returned is set."""
        release = self._held[conversation_id] = asyncio.Event()
        return release

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the connector first"
        return str(self._server.make_url("/")).rstrip("/") + "/"

    async def start(self) -> None:
        app = web.Application(middlewares=[self._failing, self._limiting])
        conversation = "/v3/conversations/{conversation_id}"
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_post(conversation + "/activities", self._send)
        app.router.add_post(conversation + "/activities/{activity_id}", self._send)
        app.router.add_put(conversation + "/activities/{activity_id}", self._update)
        app.router.add_delete(conversation + "/activities/{activity_id}", self._delete)
        app.router.add_get(conversation + "/members", self._get_members)
        app.router.add_get(conversation + "/pagedmembers", self._get_paged_members)
        app.router.add_get(conversation + "/members/{member_id}", self._get_member)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.close()

    # --- what the bot sent ---

    def sent_since(self, mark: int) -> list[Received]:
        return self.received[mark:]

    # --- the wire ---

    @web.middleware
    async def _limiting(self, request: web.Request, handler: Any) -> web.StreamResponse:
        conversation_id = request.match_info.get("conversation_id")
        if self.teams_limits and request.method == "POST" and conversation_id:
            now = time.monotonic()
            mine = self._times.setdefault(conversation_id, [])
            over = any(sum(now - t < window for t in mine) >= count for count, window in TEAMS_LIMITS)
            if over or sum(now - t < 1.0 for t in self.arrived) >= self.app_per_second:
                self.too_many += 1
                body = {"error": {"code": "TooManyRequests", "message": "Fake connector: slow down"}}
                return web.json_response(body, status=429, headers={"Retry-After": "1"})
            mine.append(now)
            self.arrived.append(now)
        return await handler(request)

    @web.middleware
    async def _failing(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.method in ("POST", "PUT") and self._failures:
            failure = self._failures.popleft()
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            body = {"error": {"code": failure.code, "message": f"Fake connector says {failure.status}"}}
            return web.json_response(body, status=failure.status, headers=headers)
        return await handler(request)

    def _new_id(self) -> str:
        return f"1{next(self._ids):012d}"

    async def _send(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (release := self._held.get(request.match_info["conversation_id"])) is not None:
            self.waiting.append(request.match_info["conversation_id"])
            await release.wait()
        new_id = self._new_id()
        self.received.append(
            Received(
                method="POST",
                path=request.path,
                conversation_id=request.match_info["conversation_id"],
                activity_id=request.match_info.get("activity_id"),
                body=body,
                response_id=new_id,
            )
        )
        return web.json_response({"id": new_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        body = await request.json()
        activity_id = request.match_info["activity_id"]
        self.received.append(
            Received("PUT", request.path, request.match_info["conversation_id"], activity_id, body)
        )
        return web.json_response({"id": activity_id})

    async def _delete(self, request: web.Request) -> web.Response:
        self.received.append(
            Received(
                "DELETE",
                request.path,
                request.match_info["conversation_id"],
                request.match_info["activity_id"],
                {},
            )
        )
        return web.Response(status=200)

    async def _create_conversation(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(Received("POST", request.path, None, None, body))
        conversation_id = f"a:created-{self._new_id()}"
        return web.json_response(
            {"id": conversation_id, "activityId": self._new_id(), "serviceUrl": self.url}, status=201
        )

    async def _get_member(self, request: web.Request) -> web.Response:
        member = self.members.get(request.match_info["member_id"])
        if member is None:
            error = {
                "code": "MemberNotFoundInConversation",
                "message": "The member is not in this conversation",
            }
            return web.json_response({"error": error}, status=404)
        return web.json_response(member.member())

    async def _get_members(self, request: web.Request) -> web.Response:
        return web.json_response([member.member() for member in self.members.values()])

    async def _get_paged_members(self, request: web.Request) -> web.Response:
        return web.json_response({"members": [member.member() for member in self.members.values()]})
