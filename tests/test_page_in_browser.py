"""The committee's page and the public tracker in a real browser: Debian's Chromium driven by
Playwright (never a browser of Playwright's own), a filter used, an action's history opened, a
screenshot kept, and axe-core (npm, tests/playground, injected from the file) finding no WCAG 2.2 AA
violation. scripts/test.sh installs both (tools/card-renderer/install.sh: Chromium; scripts/node-deps.sh:
axe-core), so there these tests always run."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from chat import Harness
from playwright.async_api import Browser, Page, async_playwright
from test_committee_page import second_round
from test_status import SLIPPED, seeded  # noqa: F401

from store.db import Database
from store.meetings import on_stage
from store.tracker import publish

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "tests" / "playground" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (Debian's chromium package; tools/card-renderer/install.sh)"
    if not AXE.exists():
        return "axe-core is not installed (scripts/node-deps.sh)"
    return None


pytestmark = [
    pytest.mark.usefixtures("seeded"),
    pytest.mark.skipif(_missing() is not None, reason=_missing() or ""),
]


@pytest.fixture
async def browser(harness: Harness) -> AsyncIterator[Browser]:
    await harness.start()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield launched
        await launched.close()


async def opened(browser: Browser, url: str) -> Page:
    # The page's policy allows no script; axe-core is the tests' own, so the context lets it in.
    context = await browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    response = await page.goto(url)
    assert response is not None and response.status == 200
    return page


async def violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds against WCAG 2.2 AA, each with its rule, its help and where."""
    await page.add_script_tag(path=str(AXE))
    found = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations)",
        WCAG_22_AA,
    )
    return [
        {"rule": v["id"], "help": v["help"], "where": [n["target"] for n in v["nodes"]][:5]} for v in found
    ]


async def keep_screenshot(page: Page, path: Path) -> None:
    await page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    print(f"screenshot: {path}")


async def test_the_committee_page_in_chromium_filters_opens_history_and_meets_wcag_22_aa(
    browser: Browser, harness: Harness, db: Database, tmp_path: Path
) -> None:
    await second_round(db)
    page = await opened(browser, harness.url + "/reviews/1")
    assert await page.title() == "Digital Optimisation: action plan progress"
    assert await violations(page) == []
    # The first Tab reaches the skip link, as a keyboard user would.
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Skip to the content"

    await page.get_by_role("link", name="Slipped (7)").click()
    await page.wait_for_url("**/reviews/1?show=slipped")
    shown = await page.locator("section.action").evaluate_all("sections => sections.map(s => s.id)")
    assert {s.removeprefix("action-") for s in shown} == SLIPPED | {"7.1"}

    history = page.locator("#action-7\\.1 details.history")
    assert not await history.locator("ol").is_visible()
    await history.locator("summary").click()
    assert await history.evaluate("d => d.open") is True
    versions = history.locator("ol > li")
    assert await versions.count() == 2
    assert "3 Slipped (waiting for review)" in await versions.nth(1).inner_text()
    assert '<script>alert("x")</script>' in await versions.nth(1).inner_text()  # shown, as text
    await keep_screenshot(page, tmp_path / "committee-page-slipped.png")
    assert await violations(page) == []


async def test_the_public_tracker_in_chromium_meets_wcag_22_aa(
    browser: Browser, harness: Harness, db: Database, tmp_path: Path
) -> None:
    async with db.session() as session:
        await publish(session, review_id=1, public=True)
    page = await opened(browser, harness.url + "/tracker/1")
    assert await page.get_by_role("heading", level=1).inner_text() == "Digital Optimisation"
    assert await violations(page) == []
    await page.get_by_role("link", name="Overdue").click()
    await page.wait_for_url("**/tracker/1?show=overdue")
    await keep_screenshot(page, tmp_path / "public-tracker-overdue.png")
    assert await violations(page) == []


async def test_printed_the_page_has_no_filters_and_every_history_open(
    browser: Browser, harness: Harness, db: Database
) -> None:
    await second_round(db)
    page = await opened(browser, harness.url + "/reviews/1")
    history = page.locator("#action-7\\.1 details.history ol")
    assert not await history.is_visible()
    await page.emulate_media(media="print")
    assert not await page.locator("nav.filters").is_visible()
    assert await history.is_visible()
    assert "3 Slipped (waiting for review)" in await history.inner_text()


async def test_the_index_of_reviews_in_chromium_links_to_the_tracker_and_meets_wcag_22_aa(
    browser: Browser, harness: Harness, db: Database, tmp_path: Path
) -> None:
    async with db.session() as session:
        await publish(session, review_id=1, public=True)
    await second_round(db)
    for address in ("/reviews", "/tracker"):
        page = await opened(browser, harness.url + address)
        assert await violations(page) == [], address
    await keep_screenshot(page, tmp_path / "public-index.png")
    await page.get_by_role("link", name="Digital Optimisation").click()
    await page.wait_for_url("**/tracker/1")
    assert await page.get_by_role("heading", level=1).inner_text() == "Digital Optimisation"


# --- The Teams tabs, signed in with local mode's sign-in ---

# Teams itself is not here: in its place a stand-in for teams-js that answers as Teams would, in the
# frame context given, lets a presenter share, and keeps what the pages asked of it.
FAKE_TEAMS_JS = """
window.asked = {shared: [], validity: [], config: [], save: null};
window.microsoftTeams = {
  app: {
    initialize: function () { return Promise.resolve(); },
    getContext: function () {
      var context = {page: {frameContext: FRAME, subPageId: ""}};
      if (typeof MEETING !== "undefined") context.chat = {id: MEETING};
      return Promise.resolve(context);
    },
  },
  meeting: {
    getAppContentStageSharingCapabilities: function (callback) {
      callback(null, {doesAppHaveSharePermission: true});
    },
    shareAppContentToStage: function (callback, url) {
      asked.shared.push(url);
      if (typeof MEETING !== "undefined") callback(null, true);  // a meeting that is on
      else callback({errorCode: 8000, message: "the meeting has ended"}, null);
    },
  },
  pages: {
    config: {
      registerOnSaveHandler: function (handler) { asked.save = handler; },
      setValidityState: function (valid) { asked.validity.push(valid); },
      setConfig: function (config) { asked.config.push(config); return Promise.resolve(); },
    },
  },
};
"""


async def signed_in(
    browser: Browser,
    harness: Harness,
    name: str,
    path: str,
    *,
    frame: str | None = None,
    meeting: str | None = None,
) -> Page:
    """A page of the tabs, opened as `name` through local mode's sign-in; `frame`: in Teams, shown there
    (`meeting`: in that meeting, which is on)."""
    context = await browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    if frame is not None:
        script = (
            f"var FRAME = {frame!r};" + (f"var MEETING = {meeting!r};" if meeting else "") + FAKE_TEAMS_JS
        )
        await context.route(
            "**/page/teams-js/MicrosoftTeams.min.js",
            lambda route: route.fulfill(body=script, content_type="text/javascript"),
        )
    page = await context.new_page()
    await page.goto(harness.url + path)
    assert "/tab/signin" in page.url
    await page.get_by_label("Who are you?").select_option(label=name)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**" + path + "*")
    return page


async def test_my_actions_in_chromium_links_to_each_action_and_meets_wcag_22_aa(
    browser: Browser, harness: Harness, db: Database, tmp_path: Path
) -> None:
    await second_round(db)
    page = await signed_in(browser, harness, "Liz Purdy", "/tab/me")
    assert await page.get_by_role("heading", level=1).inner_text() == "My actions and reviews"
    assert "Signed in as Liz Purdy on this computer" in await page.locator(".local-mode").inner_text()
    assert await violations(page) == []
    await keep_screenshot(page, tmp_path / "tab-my-actions.png")
    await page.get_by_role("link", name="Digital Optimisation: action 7.1").click()
    await page.wait_for_url("**/reviews/1#action-7.1")
    assert "Incorporate within the Council's workforce" in await page.locator("#action-7\\.1").inner_text()


async def test_the_side_panel_in_chromium_at_320px_shares_to_stage_and_meets_wcag_22_aa(
    browser: Browser, harness: Harness, db: Database, tmp_path: Path
) -> None:
    await second_round(db)
    # Outside Teams nothing answers teams-js: no stage to share to, so no button.
    page = await signed_in(browser, harness, "Andrew Mearns", "/tab/panel/1")
    assert not await page.get_by_role("button", name="Share to stage").is_visible()

    page = await signed_in(browser, harness, "Andrew Mearns", "/tab/panel/1", frame="sidePanel")
    await page.set_viewport_size({"width": 320, "height": 800})
    assert await page.locator("h2#chosen").inner_text() == "Recommendation 1"
    # Nothing is wider than the panel.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 320
    assert await violations(page) == []
    await page.get_by_role("link", name=re.compile(r"^7\. SBC embraces")).click()
    await page.wait_for_url("**/tab/panel/1?recommendation=7")
    assert await page.locator("h2#chosen").inner_text() == "Recommendation 7"
    await page.locator("#action-7\\.1 summary").click()
    assert '<script>alert("x")</script>' in await page.locator("#action-7\\.1 details").inner_text()

    share = page.get_by_role("button", name="Share to stage")
    await share.click()
    assert await page.evaluate("asked.shared") == [harness.url.rstrip("/") + "/tab/stage/1/7"]
    status = page.get_by_role("status")
    assert (await status.inner_text()).startswith("Teams did not share it to the stage.")
    await keep_screenshot(page, tmp_path / "tab-side-panel.png")
    assert await violations(page) == []


async def test_a_review_tab_in_a_meeting_moves_to_the_panel_or_stage_page(
    browser: Browser, harness: Harness, tmp_path: Path
) -> None:
    page = await signed_in(browser, harness, "Andrew Mearns", "/tab/review/1", frame="sidePanel")
    await page.wait_for_url("**/tab/panel/1")
    page = await signed_in(browser, harness, "Andrew Mearns", "/tab/review/1", frame="meetingStage")
    await page.wait_for_url("**/tab/stage/1")
    assert await page.get_by_role("heading", level=1).inner_text() == "Digital Optimisation"
    await page.goto(harness.url + "/tab/stage/1/7")
    assert await page.get_by_role("heading", level=1).inner_text() == "Recommendation 7"
    assert await violations(page) == []
    await keep_screenshot(page, tmp_path / "tab-stage.png")
    # In a channel it stays the committee's page.
    page = await signed_in(browser, harness, "Andrew Mearns", "/tab/review/1", frame="content")
    await page.wait_for_timeout(300)
    assert page.url.endswith("/tab/review/1")


async def test_configuring_a_tab_saves_the_chosen_review(browser: Browser, harness: Harness) -> None:
    page = await signed_in(browser, harness, "Andrew Mearns", "/tab/configure", frame="settings")
    assert await violations(page) == []
    await page.wait_for_function("asked.save !== null")
    assert await page.evaluate("asked.validity") == [False]
    await page.get_by_label("Digital Optimisation").check()
    assert await page.evaluate("asked.validity") == [False, True]
    saved = await page.evaluate(
        "new Promise(done => asked.save({notifySuccess: () => done(asked.config), notifyFailure: done}))"
    )
    origin = harness.url.rstrip("/")
    assert saved == [
        {
            "contentUrl": origin + "/tab/review/1",
            "websiteUrl": origin + "/reviews/1",
            "entityId": "review-1",
            "suggestedDisplayName": "Digital Optimisation",
        }
    ]


async def test_in_a_meeting_every_side_panel_opens_on_what_the_stage_shows(
    browser: Browser, harness: Harness, db: Database
) -> None:
    meeting = "19:meeting_NjQ3ZTk2@thread.v2"
    chair = await signed_in(
        browser, harness, "Andrew Mearns", "/tab/review/1", frame="sidePanel", meeting=meeting
    )
    await chair.wait_for_url("**/tab/panel/1?meeting=*")
    await chair.get_by_role("link", name=re.compile(r"^7\. SBC embraces")).click()
    await chair.wait_for_url("**recommendation=7")
    # The panel tells the bot once Teams has shared it: wait for that, not only for the words.
    async with chair.expect_response("**/tab/panel/1/stage") as told:
        await chair.get_by_role("button", name="Share to stage").click()
    assert (await told.value).status == 200
    await chair.get_by_role("status").filter(has_text="Shared").wait_for()
    async with db.session() as session:
        assert await on_stage(session, meeting_id=meeting, review_id=1) == 7

    # Another member opens the review's tab in the meeting's side panel: the stage's recommendation.
    member = await signed_in(
        browser, harness, "Liz Purdy", "/tab/review/1", frame="sidePanel", meeting=meeting
    )
    await member.wait_for_url("**/tab/panel/1?meeting=*")
    assert await member.locator("h2#chosen").inner_text() == "Recommendation 7"
    assert "On the meeting's stage now." in await member.locator(".on-stage").inner_text()
    assert await violations(member) == []
