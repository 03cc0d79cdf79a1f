"""The committee's page of a review, served by the bot's own app over HTTP: every recommendation and
action with its owners, dates, grade in every round and history; the filters as plain links; what
changed since the last round; what an officer typed shown as text. With the seed plan (March 2020)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from chat import Harness
from sqlalchemy.ext.asyncio import AsyncSession
from test_status import SLIPPED, seeded  # noqa: F401

from documents.grades import Grade
from page.render import plan_text
from store.db import Database
from store.extensions import decide_extension, request_extension
from store.models import UpdateSource
from store.queries import review_status
from store.rounds import open_round
from store.updates import record_update

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture(autouse=True)
async def served(harness: Harness) -> None:
    await harness.start()


SCRIPT = '<script>alert("x")</script> & <b>bold</b>'


async def page(harness: Harness, path: str, *, status: int = 200) -> str:
    assert harness.http is not None
    async with harness.http.get(harness.url + path) as response:
        assert response.status == status, await response.text()
        assert response.content_type == "text/html"
        return await response.text()


def actions_on(html: str) -> set[str]:
    return set(re.findall(r'<section class="action" id="action-([\d.]+)"', html))


async def second_round(db: Database) -> None:
    """September 2020 opened; 7.1 (On-Track in March) slips, its officer typing markup."""
    async with db.session() as session:
        round_ = await open_round(session, review_id=1, label="September 2020", deadline=date(2020, 10, 16))
        await record_update(
            session,
            action_id=await action_id(session, "7.1"),
            round_id=round_.id,
            evidence=SCRIPT,
            grade=Grade.SLIPPED,
            explanation="The trainer left.",
            impact=None,
            by_person_id=None,
            source=UpdateSource.TEAMS,
            max_text_length=10_000,
        )


async def action_id(session: AsyncSession, ref: str) -> int:
    number, position = map(int, ref.split("."))
    (rec,) = [r for r in await review_status(session, review_id=1) if r.number == number]
    return next(a.id for a in rec.actions if a.position == position)


async def test_the_page_shows_every_recommendation_action_owner_date_and_grade(harness: Harness) -> None:
    html = await page(harness, "/reviews/1")
    assert "<h1>Digital Optimisation</h1>" in html and 'lang="en-GB"' in html
    assert len(re.findall(r"<h3 id=\"rec-\d+\">Recommendation \d+</h3>", html)) == 13
    assert len(actions_on(html)) == 27
    seven_one = html.split('id="action-7.1"')[1].split("</section>")[0]
    assert "Lorraine Dixon / Liz Purdy" in seven_one and "September 2019" in seven_one
    # The grade in the committee's words and colour (cards/grades.py), never the colour alone.
    assert (
        '<span class="grade" style="background-color: #0F6CBD; color: #FFFFFF">2 On-Track</span>' in seven_one
    )
    assert "<summary>History of action 7.1 (1 version)</summary>" in seven_one
    # March 2020's grades counted, and drawn as one bar in the same colours beside the counts.
    march = html.split('<th scope="row">March 2020</th>')[1].split("</tr>")[0]
    assert re.findall(r">([^<>]+)</span> <span class=\"count\">(\d+)<", march) == [
        ("1 Fully Achieved", "5"),
        ("2 On-Track", "16"),
        ("3 Slipped", "6"),
    ]
    assert '<span style="width: 59.26%; background-color: #0F6CBD"></span>' in march
    assert 'href="/page/tracker.css"' in html and "<script" not in html


async def test_the_stylesheet_is_served_by_the_app_with_a_print_style(harness: Harness) -> None:
    assert harness.http is not None
    async with harness.http.get(harness.url + "/page/tracker.css") as response:
        assert response.status == 200 and response.content_type == "text/css"
        assert "@media print" in await response.text()


async def test_each_filter_is_a_link_that_keeps_only_its_actions(harness: Harness) -> None:
    html = await page(harness, "/reviews/1")
    assert '<a href="/reviews/1?show=slipped">Slipped (6)</a>' in html
    slipped = await page(harness, "/reviews/1?show=slipped")
    assert actions_on(slipped) == SLIPPED
    assert '<a href="/reviews/1?show=slipped" aria-current="page">' in slipped
    assert actions_on(await page(harness, "/reviews/1?show=not-achieved")) == set()
    assert "No action is not achieved now." in await page(harness, "/reviews/1?show=not-achieved")
    assert len(actions_on(await page(harness, "/reviews/1?show=nonsense"))) == 27  # unknown: all


async def test_what_changed_since_the_last_round_and_what_waits_for_review(
    harness: Harness, db: Database
) -> None:
    await second_round(db)
    html = await page(harness, "/reviews/1")
    assert '<h2 id="changed">What changed since March 2020</h2>' in html
    assert (
        '<a href="#action-7.1">Action 7.1</a>: 2 On-Track in March 2020, now 3 Slipped in September 2020.'
        in html
    )
    assert actions_on(await page(harness, "/reviews/1?show=waiting")) == {"7.1"}
    assert actions_on(await page(harness, "/reviews/1?show=slipped")) == SLIPPED | {"7.1"}
    seven_one = html.split('id="action-7.1"')[1].split("</section>")[0]
    assert "History of action 7.1 (2 versions)" in seven_one and "(waiting for review)" in seven_one


async def test_what_an_officer_typed_is_shown_as_text(harness: Harness, db: Database) -> None:
    await second_round(db)
    html = await page(harness, "/reviews/1")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script" not in html and "<b>bold" not in html


async def test_a_revised_date_is_shown_as_revised(harness: Harness, db: Database) -> None:
    async with db.session() as session:
        asked = await request_extension(
            session,
            number=7,
            position=1,
            month="March 2021",
            reason="Training moved.",
            person_id=None,
            is_admin=True,
            activity_id=None,
        )
        await decide_extension(
            session, request_id=asked.request_id, approve=True, reason=None, person_id=None, is_admin=True
        )
    html = await page(harness, "/reviews/1")
    seven_one = html.split('id="action-7.1"')[1].split("</section>")[0]
    assert 'March 2021 <span class="revised">(revised from September 2019)</span>' in seven_one


async def test_no_such_review_answers_404_in_words(harness: Harness) -> None:
    assert "There is no such review." in await page(harness, "/reviews/99", status=404)


async def test_with_an_app_id_the_committee_page_waits_for_teams_sign_in(harness: Harness) -> None:
    await harness.start(
        app_id="00000000-0000-4000-8000-00000000b07d", app_password="secret", app_tenant_id="t-1"
    )
    said = await page(harness, "/reviews/1", status=401)
    assert "This page opens in Microsoft Teams" in said and "Digital Optimisation" not in said


async def test_the_plans_own_markup_is_drawn_never_shown_as_characters(harness: Harness) -> None:
    """Recommendation 1 of the sample names *My Stockton* in italics: drawn so, as the cards and the
    Word document draw it, and no asterisk is left on the page for it."""
    html = await page(harness, "/reviews/1")
    first = html.split('id="rec-1"')[1].split('<section class="action"')[0]
    assert "<em>My Stockton</em>" in first and "*My Stockton*" not in first


def test_only_web_addresses_become_links_and_the_rest_is_escaped() -> None:
    drawn = str(plan_text("See [the report](https://example.gov.uk/r) and [this](javascript:alert(1)) <b>"))
    assert '<a href="https://example.gov.uk/r">the report</a>' in drawn
    assert drawn.count("<a ") == 1 and "&lt;b&gt;" in drawn  # javascript: stays words
