"""The tabs' sign-in in a real browser (Debian's Chromium, driven by Playwright): the sign-in page's
own script takes Teams' token, posts it, gets the session cookie and shows the page asked for.

Teams itself cannot run here, so teams-js is the one thing stood in for: the browser is handed, in
place of the app's copy of teams-js, a few lines that answer as Teams would (its context, and a token
the tests sign with their own key, checked by the bot against the tests' local key set). Everything
else is the app's own: its pages, its script, its cookie, its checks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from chat import Harness
from playwright.async_api import Browser, Page, Route, async_playwright
from test_page_in_browser import CHROMIUM, _missing, violations
from test_signin import KeysServer, keys  # noqa: F401
from test_status import seeded  # noqa: F401
from test_tab_signin import APP_ID, OTHER_TENANT, TENANT_ID, tab_token

pytestmark = [
    pytest.mark.usefixtures("seeded"),
    pytest.mark.skipif(_missing() is not None, reason=_missing() or ""),
]


@pytest.fixture
async def browser(harness: Harness, keys: KeysServer) -> AsyncIterator[Browser]:  # noqa: F811
    await harness.start(
        app_id=APP_ID,
        app_password="Zq8~not-a-real-secret-but-treat-it-as-one",
        app_tenant_id=TENANT_ID,
        tab_openid_metadata_url=keys.metadata_url,
    )
    await keys.start()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield launched
        await launched.close()


def teams_answering(token: str, *, sub_page: str = "") -> str:
    """What stands in for teams-js: Teams' answers to the calls the app's scripts make."""
    context = {"page": {"frameContext": "content", "subPageId": sub_page}}
    return f"""window.microsoftTeams = {{
      app: {{
        initialize: () => Promise.resolve(),
        getContext: () => Promise.resolve({json.dumps(context)}),
      }},
      authentication: {{ getAuthToken: () => Promise.resolve({json.dumps(token)}) }},
    }};"""


async def in_teams(browser: Browser, harness: Harness, token: str, **teams: str) -> Page:
    page = await (await browser.new_context()).new_page()

    async def answer(route: Route) -> None:
        await route.fulfill(content_type="text/javascript", body=teams_answering(token, **teams))

    await page.route("**/page/teams-js/MicrosoftTeams.min.js", answer)
    return page


async def test_teams_sign_in_opens_the_committees_page(browser: Browser, harness: Harness) -> None:
    page = await in_teams(browser, harness, tab_token(aud=APP_ID))

    await page.goto(harness.url + "/reviews/1")

    await page.wait_for_selector("h1:has-text('Digital Optimisation')", timeout=10_000)
    cookies = await page.context.cookies()
    assert [c["name"] for c in cookies] == ["scrutiny_tab"]
    assert cookies[0]["httpOnly"] and cookies[0]["secure"] and cookies[0]["sameSite"] == "None"


async def test_another_tenants_token_shows_why_and_opens_nothing(browser: Browser, harness: Harness) -> None:
    page = await in_teams(
        browser,
        harness,
        tab_token(tid=OTHER_TENANT, iss=f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0"),
    )

    await page.goto(harness.url + "/reviews/1")

    status = page.locator("#signin-status")
    await status.filter(has_text="was not accepted").wait_for(timeout=10_000)
    assert "Digital Optimisation" not in await page.content()
    assert await page.context.cookies() == []


async def test_outside_teams_the_page_says_where_it_opens(browser: Browser, harness: Harness) -> None:
    """The app's real teams-js, in a plain browser tab: nothing answers it, and the page says so, in a
    page that meets WCAG 2.2 AA as the committee's does."""
    page = await (await browser.new_context(bypass_csp=True)).new_page()  # axe-core is the tests' own

    response = await page.goto(harness.url + "/reviews/1")

    assert response is not None and response.status == 401
    status = page.locator("#signin-status")
    await status.filter(has_text="This page opens in Microsoft Teams").wait_for(timeout=15_000)
    assert "Digital Optimisation" not in await page.content()
    assert await violations(page) == []


async def test_a_browser_that_keeps_no_cookie_is_told_so_not_reloaded_for_ever(
    browser: Browser, harness: Harness
) -> None:
    page = await in_teams(browser, harness, tab_token(aud=APP_ID))
    posted = 0

    async def without_its_cookie(route: Route) -> None:
        # As a browser that blocks cookies in Teams' frame: the sign-in answered, its cookie not kept.
        # (Fetching through Playwright would keep the cookie in the context, so the answer is made here.)
        nonlocal posted
        posted += 1
        await route.fulfill(status=200, json={"name": "Andrew Mearns"})

    await page.route("**/tab/session", without_its_cookie)

    await page.goto(harness.url + "/reviews/1")

    await page.locator("#signin-status").filter(has_text="did not keep the sign-in").wait_for(timeout=10_000)
    assert posted == 1
    assert "Digital Optimisation" not in await page.content()


async def test_a_cards_deep_link_signs_in_and_opens_its_review_in_the_personal_tab(
    browser: Browser, harness: Harness
) -> None:
    """ "Open the tracker" on a card opens the personal tab with the review as its sub-page."""
    page = await in_teams(browser, harness, tab_token(aud=APP_ID), sub_page="review-1")

    await page.goto(harness.url + "/tab/me")

    await page.wait_for_url("**/tab/review/1", timeout=10_000)
    await page.wait_for_selector("h1:has-text('Digital Optimisation')")
