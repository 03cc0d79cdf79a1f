"""The Teams tabs, served by the bot's own app to someone signed in (bot/tab_signin.py):

- `/tab/me`, the personal tab: my actions and my reviews;
- `/tab/configure`, the configurable tab's setup (a channel's, a group chat's or a meeting's), which
  saves `/tab/review/{id}` as the tab's content (page/static/configure.js);
- `/tab/review/{id}`, that content: the review's committee page laid out as a tab, whose script
  (page/static/tab.js) moves to the side panel's or stage's page when Teams shows it there;
- `/tab/panel/{id}?recommendation=N`, a meeting's side panel, with "Share to stage";
- `/tab/stage/{id}` and `/tab/stage/{id}/{N}`, a meeting's shared stage.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.html import html_response
from bot.settings import Settings
from bot.tab_signin import TabUser, signed_in_only
from cards import messages, tab_messages
from page import render
from page.model import ReviewPage
from page.tab import every_review, load_my_tab, load_review, one_recommendation
from store.db import Database
from store.meetings import on_stage, put_on_stage

DATABASE = web.AppKey("tabs_database", Database)
SETTINGS = web.AppKey("tabs_settings", Settings)


def _today(request: web.Request) -> date:
    return datetime.now(ZoneInfo(request.app[SETTINGS].time_zone)).date()


def _not_found(title: str, said: str) -> web.Response:
    return html_response(render.not_found(title=title, said=said), status=404)


def _no_review() -> web.Response:
    return _not_found(messages.PAGE_NO_REVIEW, messages.PAGE_NO_REVIEW_SAID)


def _no_recommendation(page: ReviewPage, number: str | None) -> web.Response:
    if number is None:
        said = tab_messages.TAB_NO_RECOMMENDATIONS_SAID.format(review=page.review.title)
    else:
        said = tab_messages.TAB_NO_RECOMMENDATION_SAID.format(review=page.review.title, number=number)
    return _not_found(tab_messages.TAB_NO_RECOMMENDATION, said)


async def _review(request: web.Request) -> ReviewPage | None:
    async with request.app[DATABASE].session() as session:
        return await load_review(
            session, review_id=int(request.match_info["review_id"]), today=_today(request)
        )


@signed_in_only
async def _me(request: web.Request, user: TabUser) -> web.Response:
    async with request.app[DATABASE].session() as session:
        tab = await load_my_tab(session, person_id=user.person_id)
    return html_response(render.my_tab(tab, user=user), scripts=True)


@signed_in_only
async def _configure(request: web.Request, user: TabUser) -> web.Response:
    async with request.app[DATABASE].session() as session:
        reviews = await every_review(session)
    return html_response(render.configure_page(reviews, user=user), scripts=True)


@signed_in_only
async def _review_tab(request: web.Request, user: TabUser) -> web.Response:
    review_id = int(request.match_info["review_id"])
    show = request.query.get("show")
    async with request.app[DATABASE].session() as session:
        # Filtered as the committee's page is: its filters' links stay in the tab.
        page = await load_review(session, review_id=review_id, today=_today(request), show=show)
    if page is None:
        return _no_review()
    return html_response(render.review_page(page, base=request.path, user=user), scripts=True)


def _number(said: str | None) -> int | None:
    """A recommendation's number as asked for; 0 (none has it) for anything that is not one."""
    if said is None:
        return None
    return int(said) if said.isdigit() and len(said) < 10 else 0


# A meeting's chat id as teams-js gives it ("19:meeting_…@thread.v2"): kept to what such ids hold.
MEETING_ID = re.compile(r"^[\w:@.\-=]{1,300}$")


def _meeting(said: object) -> str | None:
    return said if isinstance(said, str) and MEETING_ID.match(said) else None


@signed_in_only
async def _panel(request: web.Request, user: TabUser) -> web.Response:
    page = await _review(request)
    if page is None:
        return _no_review()
    asked = request.query.get("recommendation")
    meeting = _meeting(request.query.get("meeting"))
    shared = None
    if meeting:
        async with request.app[DATABASE].session() as session:
            shared = await on_stage(session, meeting_id=meeting, review_id=page.review.id)
    # Opened without a choice, a meeting's panel opens on what its stage shows: what is being discussed.
    one = one_recommendation(page, _number(asked) if asked is not None else shared)
    if one is None and asked is None:  # what was on the stage has gone from the plan since
        one = one_recommendation(page, None)
    if one is None:
        return _no_recommendation(page, asked)
    return html_response(render.panel_page(one, user=user, meeting=meeting, on_stage=shared), scripts=True)


@signed_in_only
async def _shared_to_stage(request: web.Request, user: TabUser) -> web.Response:
    """POST, as JSON {"meeting": chat id, "number": N}, by the panel once Teams has put Recommendation N
    on the meeting's stage. JSON only: a page elsewhere cannot send it with this site's cookie."""
    if request.content_type != "application/json":
        return web.json_response({"error": tab_messages.TAB_STAGE_NOT_JSON}, status=415)
    try:
        said = await request.json()
    except ValueError:
        said = None
    meeting = _meeting(said.get("meeting")) if isinstance(said, dict) else None
    number = said.get("number") if isinstance(said, dict) else None
    page = await _review(request)
    if page is None or meeting is None or type(number) is not int or one_recommendation(page, number) is None:
        return web.json_response({"error": tab_messages.TAB_STAGE_REFUSED}, status=400)
    async with request.app[DATABASE].session() as session:
        await put_on_stage(
            session,
            meeting_id=meeting,
            review_id=page.review.id,
            number=number,
            person_id=user.person_id,
            now=datetime.now(UTC),
        )
    return web.json_response({"on_stage": number})


@signed_in_only
async def _stage(request: web.Request, user: TabUser) -> web.Response:
    page = await _review(request)
    if page is None:
        return _no_review()
    asked = request.match_info.get("number")
    if asked is None:
        return html_response(render.stage_page(page, None, user=user), scripts=True)
    one = one_recommendation(page, _number(asked))
    if one is None:
        return _no_recommendation(page, asked)
    return html_response(render.stage_page(page, one.chosen, user=user), scripts=True)


def add_tabs(app: web.Application, *, database: Database, settings: Settings) -> None:
    app[DATABASE] = database
    app[SETTINGS] = settings
    review = r"{review_id:\d{1,9}}"
    app.router.add_get("/tab/me", _me)
    app.router.add_get("/tab/configure", _configure)
    app.router.add_get(f"/tab/review/{review}", _review_tab)
    app.router.add_get(f"/tab/panel/{review}", _panel)
    app.router.add_post(f"/tab/panel/{review}/stage", _shared_to_stage)
    app.router.add_get(f"/tab/stage/{review}", _stage)
    app.router.add_get(f"/tab/stage/{review}/{{number:\\d{{1,9}}}}", _stage)
