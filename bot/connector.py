"""Connector and token clients made once per identity and service URL, not once per turn, and the
bot's messages sent with aiohttp instead of `requests` in a thread pool.

CloudAdapter (4.17) asks for a new ConnectorClient and a new UserTokenClient on every turn. Each builds
msrest's retry configuration, which tests 999 status codes against a 500-item list: about 8 ms of CPU
apiece, twice a turn, more than the rest of an echo bot's turn. A fresh client also means a fresh HTTP
session, so every turn's replies opened a new connection. The clients hold no per-turn state (the
credentials fetch and refresh their own tokens), so one per caller identity and service URL serves
every turn; the SDK never closes them. Everything else is the wrapped authentication's own.

The connector client's msrest pipeline is the SDK's documented extension point (ConnectorClient takes a
pipeline_type); ours keeps its policies (user agent, body deserialisation, HTTP logging) and the same
bearer token, and sends through one aiohttp session on the bot's own event loop: no thread hop per
message, connections kept alive. The JSON on the wire is msrest's, unchanged, written by
`dialogs.wire.Serializer` (msrest's, with a direct path for activities made of models).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import aiohttp
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    ServiceClientCredentialsFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient
from msrest.pipeline import AsyncHTTPSender, AsyncPipeline, Request, Response, SansIOHTTPPolicy
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http import ClientRequest, HTTPClientResponse
from multidict import CIMultiDict

from dialogs import wire

# Teams has a few service URLs (one per region) and a bot one identity: a small cache is plenty, and
# its bound keeps a flood of made-up service URLs from growing memory.
CACHE_SIZE = 64


class _Bounded:
    """The most recently used `size` values, made on first use."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()

    async def get(self, key: Hashable, make: Callable[[], Awaitable[Any]]) -> Any:
        if key in self._values:
            self._values.move_to_end(key)
            return self._values[key]
        value = await make()
        self._values[key] = value
        if len(self._values) > self._size:
            self._values.popitem(last=False)
        return value


def _identity(claims_identity: ClaimsIdentity | None) -> tuple[Any, ...]:
    """The claims the SDK derives the app id and OAuth scope from (not a token's times)."""
    if claims_identity is None:
        return (None,)
    claims = claims_identity.claims or {}
    return (
        claims_identity.is_authenticated,
        claims.get(AuthenticationConstants.AUDIENCE_CLAIM),
        claims.get(AuthenticationConstants.APP_ID_CLAIM),
        claims.get(AuthenticationConstants.AUTHORIZED_PARTY),
        claims.get(AuthenticationConstants.VERSION_CLAIM),
    )


class _LoadedResponse(HTTPClientResponse):
    """An aiohttp response read in full, as msrest's operations and error types expect one."""

    def __init__(self, request: ClientRequest, response: aiohttp.ClientResponse, body: bytes) -> None:
        super().__init__(request, response)
        self.status_code = response.status
        self.headers = CIMultiDict(response.headers)
        self.reason = response.reason
        self._body = body

    def body(self) -> bytes:
        return self._body


class _AiohttpSender(AsyncHTTPSender):
    def __init__(self, session: Callable[[], aiohttp.ClientSession], timeout: float) -> None:
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def __aenter__(self) -> _AiohttpSender:
        return self

    async def __aexit__(self, *exc_details: Any) -> None:
        return None

    async def send(self, request: Request, **config: Any) -> Response:
        http: ClientRequest = request.http_request
        # aiohttp counts the body's bytes itself.
        headers = {k: v for k, v in http.headers.items() if k.lower() != "content-length"}
        async with self._session().request(
            http.method, http.url, headers=headers, data=http.data, timeout=self._timeout
        ) as response:
            body = await response.read()
        return Response(request, _LoadedResponse(http, response, body))


class _BearerToken(SansIOHTTPPolicy):
    """The Authorization header the SDK's requests session would carry (none in anonymous mode)."""

    def __init__(self, credentials: Any) -> None:
        self._credentials = credentials

    def on_request(self, request: Request, **kwargs: Any) -> None:
        app_id = getattr(self._credentials, "microsoft_app_id", None)
        if app_id and app_id != AuthenticationConstants.ANONYMOUS_SKILL_APP_ID:
            # As the SDK's own policy does, on the event loop: MSAL answers from its cache.
            request.http_request.headers["Authorization"] = f"Bearer {self._credentials.get_access_token()}"
        else:
            request.http_request.headers.pop("Authorization", None)


class _ReusedConnectors(ConnectorFactory):
    def __init__(
        self,
        inner: ConnectorFactory,
        clients: _Bounded,
        identity: tuple[Any, ...],
        session: Callable[[], aiohttp.ClientSession],
    ) -> None:
        self._inner = inner
        self._clients = clients
        self._identity = identity
        self._session = session

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        async def make() -> ConnectorClient:
            client: ConnectorClient = await self._inner.create(service_url, audience)
            config = client.config
            config.pipeline = AsyncPipeline(
                [
                    config.user_agent_policy,
                    _BearerToken(config.credentials),
                    RawDeserializer(),
                    config.http_logger_policy,
                ],
                _AiohttpSender(self._session, timeout=config.connection.timeout),
            )
            serializer = wire.Serializer(client._serialize.dependencies)
            serializer.client_side_validation = client._serialize.client_side_validation
            client._serialize = client.conversations._serialize = client.attachments._serialize = serializer
            return client

        client: ConnectorClient = await self._clients.get((self._identity, service_url, audience), make)
        return client


class ReusedClients(BotFrameworkAuthentication):
    """A BotFrameworkAuthentication whose connector and user token clients are reused across turns."""

    def __init__(self, inner: BotFrameworkAuthentication) -> None:
        self._inner = inner
        self._connectors = _Bounded()
        self._token_clients = _Bounded()
        self._http: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        # Made on first use, inside the running event loop the app serves on.
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    async def close(self) -> None:
        """Close the connections kept open to the connector (the app's cleanup)."""
        if self._http is not None:
            await self._http.close()

    def _reused(self, factory: ConnectorFactory, identity: tuple[Any, ...]) -> ConnectorFactory:
        return _ReusedConnectors(factory, self._connectors, identity, self._session)

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        # Botbuilder's parameterised authentication (bot.app.BotFrameworkConfig) lets only None through
        # as "no header" in local mode, and fails with an AttributeError, not a refusal, on a header
        # that is not two words ("", "Bearer"): an empty header is none, one of other words refused.
        if auth_header and len(auth_header.split(" ")) != 2:
            raise PermissionError("The Authorization header is not 'Bearer <token>'.")
        result = await self._inner.authenticate_request(activity, auth_header or None)  # type: ignore[arg-type]
        if result.connector_factory is not None:
            identity = (*_identity(result.claims_identity), result.audience)
            result.connector_factory = self._reused(result.connector_factory, identity)
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        # Proactive turns (continue_conversation); the audience comes from the same claims.
        factory = self._inner.create_connector_factory(claims_identity)
        return self._reused(factory, (*_identity(claims_identity), "proactive"))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        client: UserTokenClient = await self._token_clients.get(
            _identity(claims_identity), lambda: self._inner.create_user_token_client(claims_identity)
        )
        return client

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)

    async def generate_caller_id(
        self,
        *,
        credential_factory: ServiceClientCredentialsFactory,
        claims_identity: ClaimsIdentity,
        caller_id: str,
    ) -> str:
        return await self._inner.generate_caller_id(
            credential_factory=credential_factory, claims_identity=claims_identity, caller_id=caller_id
        )
