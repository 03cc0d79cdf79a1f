"""The committee's page of a review and the public tracker, served by the bot's own app.

`/reviews/{id}` is the committee's: everything, names and returns waiting for review included, so it
opens only for someone signed in with Teams (bot/tab_signin.py), or anyone in local mode (no app id),
where nobody but this computer reaches the bot. `/tracker/{id}` is the public tracker of a review the
council has published (`scrutiny-bot review publish`): accepted returns only, officers' names only if
SCRUTINY_PUBLIC_NAMES allows; any other review answers 404. `/tracker` lists the published reviews,
each linking to its tracker; `/reviews` lists every review, served as `/reviews/{id}` is. The Teams
tabs' own pages are bot/tabs.py's.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.html import html_response
from bot.settings import Settings
from bot.tab_signin import add_signin, signed_in
from bot.tabs import add_tabs
from cards import messages
from page import render
from page.index import load_index
from page.model import load
from store.db import Database
from store.tracker import is_public

DATABASE = web.AppKey("page_database", Database)
SETTINGS = web.AppKey("page_settings", Settings)


async def _page(request: web.Request, *, public: bool) -> web.Response:
    settings = request.app[SETTINGS]
    review_id = int(request.match_info["review_id"])
    today = datetime.now(ZoneInfo(settings.time_zone)).date()
    async with request.app[DATABASE].session() as session:
        if public and not await is_public(session, review_id=review_id):
            said = render.not_found(title=messages.PAGE_NOT_PUBLIC, said=messages.PAGE_NOT_PUBLIC_SAID)
            return html_response(said, status=404)
        found = await load(
            session,
            review_id=review_id,
            public=public,
            names=settings.public_names or not public,
            show=request.query.get("show"),
            today=today,
        )
    if found is None:
        return html_response(
            render.not_found(title=messages.PAGE_NO_REVIEW, said=messages.PAGE_NO_REVIEW_SAID), status=404
        )
    return html_response(render.review_page(found, base=request.path))


async def _needs_teams(request: web.Request) -> web.Response | None:
    """None when the committee's pages may open: in local mode, or for someone signed in with Teams;
    else the page that signs them in (bot/tab_signin.py)."""
    if request.app[SETTINGS].anonymous or await signed_in(request) is not None:
        return None
    return html_response(render.signin_page(), status=401, scripts=True)


async def _committee_page(request: web.Request) -> web.Response:
    return await _needs_teams(request) or await _page(request, public=False)


async def _public_tracker(request: web.Request) -> web.Response:
    return await _page(request, public=True)


async def _index(request: web.Request, *, public: bool) -> web.Response:
    async with request.app[DATABASE].session() as session:
        rows = await load_index(session, public=public)
    return html_response(render.index_page(rows, public=public))


async def _committee_index(request: web.Request) -> web.Response:
    return await _needs_teams(request) or await _index(request, public=False)


async def _public_index(request: web.Request) -> web.Response:
    return await _index(request, public=True)


# The pages' own files: the stylesheet, the tabs' scripts and teams-js (vendored from npm
# @microsoft/teams-js, so no page loads anything from elsewhere).
STATIC_FILES = (
    "tracker.css",
    "signin.js",
    "tab.js",
    "configure.js",
    "panel.js",
    "teams-js/MicrosoftTeams.min.js",
)


async def _static(request: web.Request) -> web.FileResponse:
    return web.FileResponse(
        render.STATIC / request.match_info["name"], headers={"Cache-Control": "public, max-age=3600"}
    )


def add_pages(app: web.Application, *, database: Database, settings: Settings) -> None:
    app[DATABASE] = database
    app[SETTINGS] = settings
    add_signin(app, database=database, settings=settings)
    add_tabs(app, database=database, settings=settings)
    app.router.add_get("/reviews", _committee_index)
    app.router.add_get("/tracker", _public_index)
    app.router.add_get(r"/reviews/{review_id:\d{1,9}}", _committee_page)
    app.router.add_get(r"/tracker/{review_id:\d{1,9}}", _public_tracker)
    app.router.add_get(f"/page/{{name:{'|'.join(map(re.escape, STATIC_FILES))}}}", _static)
