"""CloudAdapter with the HTTP edge made strict: bad credentials are a 401, bad bodies a 400/415, and
sign-in that cannot be checked for now a 503.

The stock `CloudAdapter.process` (4.17) turns only a PermissionError into 401, so a malformed bearer
token, a wrong algorithm or an unendorsed key escaped as a 500; a failed fetch of Teams' signing keys
did too (see bot/signin.py); and it re-serialises invoke bodies that are already plain dicts. All are
fixed here; everything past authentication is the SDK's own `process_activity`.

While a turn holds an outbox (bot/turns.py), its messages and card updates wait there: they are posted
once the turn's state is kept, or never if the turn is run again on newer state.
"""

from __future__ import annotations

import logging
from functools import partial

from aiohttp import web
from botbuilder.core import Bot, TurnContext
from botbuilder.core.serializer_helper import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, ResourceResponse
from msrest.serialization import Model

from bot.signin import RETRY_AFTER_SECONDS, SigningKeysUnavailable, is_refusal
from bot.turns import OUTBOX_KEY, Outbox

log = logging.getLogger(__name__)

# What the adapter itself keeps rather than posts: they are never held.
_NOT_POSTED = {ActivityTypes.invoke_response, ActivityTypes.trace}


class ScrutinyAdapter(CloudAdapter):
    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        outbox: Outbox | None = context.turn_state.get(OUTBOX_KEY)
        if (
            outbox is None
            or not outbox.holding
            or any(activity.type in _NOT_POSTED for activity in activities)
        ):
            return await super().send_activities(context, activities)
        outbox.hold(partial(CloudAdapter.send_activities, self, context, activities))
        return [ResourceResponse() for _ in activities]

    async def update_activity(self, context: TurnContext, activity: Activity) -> ResourceResponse | None:
        outbox: Outbox | None = context.turn_state.get(OUTBOX_KEY)
        if outbox is None or not outbox.holding:
            return await super().update_activity(context, activity)
        outbox.hold(partial(CloudAdapter.update_activity, self, context, activity))
        return ResourceResponse(id=activity.id)

    async def process(
        self, request: web.Request, bot: Bot, ws_response: web.WebSocketResponse | None = None
    ) -> web.Response:
        if request.method != "POST":
            raise web.HTTPMethodNotAllowed(request.method, ["POST"])
        if "application/json" not in request.headers.get("Content-Type", ""):
            raise web.HTTPUnsupportedMediaType()
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="The body is not JSON.") from None
        activity = Activity().deserialize(body) if isinstance(body, dict) else None
        if activity is None or not activity.type:
            raise web.HTTPBadRequest(text="The body is not an activity.")

        try:
            authenticated = await self.bot_framework_authentication.authenticate_request(
                activity, request.headers.get("Authorization", "")
            )
        except SigningKeysUnavailable as error:
            log.warning(
                "Teams' signing keys could not be fetched, so a request was answered 503 to come again: %s",
                error,
            )
            raise web.HTTPServiceUnavailable(headers={"Retry-After": str(RETRY_AFTER_SECONDS)}) from None
        except Exception as error:
            if not is_refusal(error):
                raise
            # The reason goes to the log, never the token itself.
            log.warning("Refused an unauthenticated request (%s: %s)", type(error).__name__, error)
            raise web.HTTPUnauthorized() from None

        invoke_response = await self.process_activity(authenticated, activity, bot.on_turn)
        if invoke_response is None:
            return web.Response(status=201)
        response_body = invoke_response.body
        if isinstance(response_body, Model):
            response_body = serializer_helper(response_body)
        return web.json_response(data=response_body, status=int(invoke_response.status))
