"""The committee's page of a review and the public tracker, served by the bot's own app.

`/reviews/{id}` is the committee's: everything, names and returns waiting for review included. Until
it opens in Teams with Teams' sign-in, it is served only in local mode (no app id), where nobody but
this computer reaches the bot. `/tracker/{id}` is the public tracker of a review the council has
published (`scrutiny-bot review publish`): accepted returns only, officers' names only if
SCRUTINY_PUBLIC_NAMES allows; any other review answers 404.
`/tracker` lists the published reviews, each linking to its tracker; `/reviews` lists every review,
served as `/reviews/{id}` is.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.settings import Settings
from cards import messages
from page import render
from page.index import load_index
from page.model import load
from store.db import Database
from store.tracker import is_public

DATABASE = web.AppKey("page_database", Database)
SETTINGS = web.AppKey("page_settings", Settings)


def _html(text: str, *, status: int = 200) -> web.Response:
    response = web.Response(text=text, content_type="text/html", status=status)
    # The page's own stylesheet, nothing else: no script runs, and nothing else is loaded.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


async def _page(request: web.Request, *, public: bool) -> web.Response:
    settings = request.app[SETTINGS]
    review_id = int(request.match_info["review_id"])
    today = datetime.now(ZoneInfo(settings.time_zone)).date()
    async with request.app[DATABASE].session() as session:
        if public and not await is_public(session, review_id=review_id):
            said = render.not_found(title=messages.PAGE_NOT_PUBLIC, said=messages.PAGE_NOT_PUBLIC_SAID)
            return _html(said, status=404)
        found = await load(
            session,
            review_id=review_id,
            public=public,
            names=settings.public_names or not public,
            show=request.query.get("show"),
            today=today,
        )
    if found is None:
        return _html(
            render.not_found(title=messages.PAGE_NO_REVIEW, said=messages.PAGE_NO_REVIEW_SAID), status=404
        )
    return _html(render.review_page(found, base=request.path))


def _needs_teams(request: web.Request) -> web.Response | None:
    if request.app[SETTINGS].anonymous:
        return None
    said = render.not_found(title=messages.PAGE_NEEDS_TEAMS, said=messages.PAGE_NEEDS_TEAMS_SAID)
    return _html(said, status=401)


async def _committee_page(request: web.Request) -> web.Response:
    return _needs_teams(request) or await _page(request, public=False)


async def _public_tracker(request: web.Request) -> web.Response:
    return await _page(request, public=True)


async def _index(request: web.Request, *, public: bool) -> web.Response:
    async with request.app[DATABASE].session() as session:
        rows = await load_index(session, public=public)
    return _html(render.index_page(rows, public=public))


async def _committee_index(request: web.Request) -> web.Response:
    return _needs_teams(request) or await _index(request, public=False)


async def _public_index(request: web.Request) -> web.Response:
    return await _index(request, public=True)


async def _stylesheet(request: web.Request) -> web.FileResponse:
    return web.FileResponse(render.STATIC / "tracker.css", headers={"Cache-Control": "public, max-age=3600"})


def add_pages(app: web.Application, *, database: Database, settings: Settings) -> None:
    app[DATABASE] = database
    app[SETTINGS] = settings
    app.router.add_get("/reviews", _committee_index)
    app.router.add_get("/tracker", _public_index)
    app.router.add_get(r"/reviews/{review_id:\d{1,9}}", _committee_page)
    app.router.add_get(r"/tracker/{review_id:\d{1,9}}", _public_tracker)
    app.router.add_get("/page/tracker.css", _stylesheet)
