"""The Teams tabs over HTTP, signed in with local mode's sign-in: the personal tab (my actions, my
reviews), the configurable tab's setup and content, and a meeting's side panel and stage; with an app
id and no Teams sign-in, nothing of them. With the seed plan (March 2020)."""

from __future__ import annotations

import re

import pytest
from chat import Harness
from sqlalchemy import insert, select
from test_committee_page import SCRIPT, action_id, second_round
from test_status import seeded  # noqa: F401

from store.db import Database
from store.meetings import on_stage
from store.models import Person, Review, review_scrutiny_officers
from store.queries import actions_for

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture(autouse=True)
async def served(harness: Harness) -> None:
    await harness.start()


async def person_id(db: Database, name: str) -> int:
    async with db.session() as session:
        found = await session.scalar(select(Person.id).where(Person.name == name))
    assert found is not None, name
    return found


async def sign_in(harness: Harness, db: Database, name: str) -> dict[str, str]:
    """Local mode's sign-in as `name`: the cookie header it sets (aiohttp's jar keeps none for an IP)."""
    assert harness.http is not None
    form = {"person": str(await person_id(db, name)), "next": "/tab/me"}
    async with harness.http.post(harness.url + "/tab/signin", data=form, allow_redirects=False) as response:
        assert response.status == 303 and response.headers["Location"] == "/tab/me"
        cookie = response.cookies["scrutiny_tab"]
    return {"Cookie": f"scrutiny_tab={cookie.value}"}


async def tab(harness: Harness, path: str, cookie: dict[str, str], *, status: int = 200) -> str:
    assert harness.http is not None
    async with harness.http.get(harness.url + path, headers=cookie, allow_redirects=False) as response:
        said = await response.text()
        assert response.status == status, said
        assert response.content_type == "text/html"
        # A tab page runs the app's own scripts (teams-js and its own); nothing else does.
        scripts = "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert scripts == (status == 200 or "Signing you in" in said)
        return said


def refs_on_my_tab(html: str) -> set[str]:
    return set(re.findall(r'<a href="/reviews/1#action-([\d.]+)">Digital Optimisation: action \1</a>', html))


async def test_my_actions_lists_exactly_the_persons_actions_and_their_reviews(
    harness: Harness, db: Database
) -> None:
    andrew = await sign_in(harness, db, "Andrew Mearns")
    html = await tab(harness, "/tab/me", andrew)
    async with db.session() as session:
        his = {a.ref for a in await actions_for(session, person_id=await person_id(db, "Andrew Mearns"))}
        hers = {a.ref for a in await actions_for(session, person_id=await person_id(db, "Lorraine Dixon"))}
    assert his and his - hers
    assert refs_on_my_tab(html) == his
    assert "<h1>My actions and reviews</h1>" in html
    assert "Signed in as Andrew Mearns on this computer, without Teams." in html
    assert '<script src="/page/tab.js" defer></script>' in html
    # Each with its latest grade in words beside its colour, and its date.
    first = html.split('class="my-action"')[1]
    assert re.search(r'<span class="grade" style="[^"]+">\d [A-Z][a-zA-Z -]+</span> \(March 2020\)', first)
    reviews = html.split('<h2 id="my-reviews">')[1]
    assert '<a href="/reviews/1">Digital Optimisation</a>' in reviews

    lorraine = await sign_in(harness, db, "Lorraine Dixon")
    html = await tab(harness, "/tab/me", lorraine)
    assert refs_on_my_tab(html) == hers and not refs_on_my_tab(html) & (his - hers)


async def test_a_missing_return_is_said_and_one_waiting_too(harness: Harness, db: Database) -> None:
    await second_round(db)  # September 2020 open; 7.1 (Lorraine Dixon / Liz Purdy) returned, waiting
    html = await tab(harness, "/tab/me", await sign_in(harness, db, "Liz Purdy"))
    async with db.session() as session:
        seven_one = await action_id(session, "7.1")
    mine = html.split(f'id="mine-{seven_one}"')[1].split("</li>")[0]
    assert "This round</dt><dd>Waiting for the scrutiny officer</dd>" in mine
    others = [block for block in html.split('class="my-action"')[1:] if "action 7.1<" not in block]
    assert others and all("Missing: nothing returned yet for September 2020" in b for b in others)
    assert "still without a return for this round" in html


async def test_someone_with_no_actions_reads_so_in_plain_words(harness: Harness, db: Database) -> None:
    async with db.session() as session:
        session.add(Person(name="Councillor Quietly"))
    html = await tab(harness, "/tab/me", await sign_in(harness, db, "Councillor Quietly"))
    assert "nothing for you to report on" in html and 'class="my-action"' not in html
    assert "You are not the link officer or scrutiny officer of any review" in html


async def test_the_chair_follows_every_review(harness: Harness, db: Database) -> None:
    async with db.session() as session:
        session.add(Person(name="Chair Person", is_chair=True))
        session.add(Review(title="Housing Review"))
    html = await tab(harness, "/tab/me", await sign_in(harness, db, "Chair Person"))
    reviews = html.split('<h2 id="my-reviews">')[1]
    assert "You follow every review." in reviews
    assert "Digital Optimisation" in reviews and "Housing Review" in reviews


async def test_a_scrutiny_officer_of_one_review_has_that_review_only(harness: Harness, db: Database) -> None:
    async with db.session() as session:
        reader = Person(name="Sam Reader")
        housing = Review(title="Housing Review")
        session.add_all([reader, housing, Review(title="Parks Review")])
        await session.flush()
        await session.execute(
            insert(review_scrutiny_officers).values(review_id=housing.id, person_id=reader.id)
        )
    reviews = (await tab(harness, "/tab/me", await sign_in(harness, db, "Sam Reader"))).split(
        'id="my-reviews"'
    )[1]
    assert re.findall(r'<a href="/reviews/\d+">([^<]+)</a>', reviews) == ["Housing Review"]


async def test_configure_lists_every_review_to_choose_from(harness: Harness, db: Database) -> None:
    async with db.session() as session:
        session.add(Review(title="Housing <Review>"))
    html = await tab(harness, "/tab/configure", await sign_in(harness, db, "Andrew Mearns"))
    assert "<legend>Which review should this tab show?</legend>" in html
    choices = re.findall(
        r'<input type="radio" name="review" id="review-(\d+)" value="\1" data-title="([^"]+)">', html
    )
    assert [title for _, title in choices] == ["Digital Optimisation", "Housing &lt;Review&gt;"]
    assert '<script src="/page/configure.js" defer></script>' in html


async def test_the_review_tab_is_the_committee_page_laid_out_as_a_tab(harness: Harness, db: Database) -> None:
    cookie = await sign_in(harness, db, "Andrew Mearns")
    html = await tab(harness, "/tab/review/1", cookie)
    assert "<h1>Digital Optimisation</h1>" in html
    assert len(re.findall(r'<section class="action" id="action-', html)) == 27
    assert '<script src="/page/tab.js" defer></script>' in html and "Local sign-in." in html
    # Its filters stay in the tab.
    assert '<a href="/tab/review/1?show=slipped">Slipped (6)</a>' in html
    assert "No such review" not in await tab(harness, "/tab/review/1?show=slipped", cookie)
    assert "There is no such review." in await tab(harness, "/tab/review/99", cookie, status=404)


def panel_actions(html: str) -> list[str]:
    return re.findall(r'<section class="compact" id="action-([\d.]+)"', html)


async def test_the_side_panel_opens_on_the_first_slipped_recommendation_and_switches(
    harness: Harness, db: Database
) -> None:
    cookie = await sign_in(harness, db, "Andrew Mearns")
    html = await tab(harness, "/tab/panel/1", cookie)
    # Recommendation 1 has 1.2 and 1.3 slipped: the panel opens on it.
    assert '<h2 id="chosen">Recommendation 1</h2>' in html
    assert panel_actions(html)[:3] == ["1.1", "1.2", "1.3"]
    one_two = html.split('id="action-1.2"')[1].split("</section>")[0]
    assert re.search(r"March 2020: <span class=\"grade\"[^>]*>3 Slipped</span>", one_two)
    assert "<summary>Evidence (March 2020)</summary>" in one_two
    # Every recommendation as a short link, the chosen one marked.
    links = re.findall(
        r'<li><a href="\?recommendation=(\d+)"( aria-current="page")?>(\d+)\. ([^<]+)</a></li>', html
    )
    assert [int(n) for n, _, _, _ in links] == list(range(1, 14))
    assert [n for n, current, _, _ in links if current] == ["1"]
    assert all(len(words.split()) <= 8 for _, _, _, words in links)
    # Share to stage: there, hidden until teams-js says this app may share; its status said aloud.
    assert '<div id="share" hidden data-stage="/tab/stage/1/1" data-number="1">' in html
    assert (
        'role="status" aria-live="polite"' in html and '<script src="/page/panel.js" defer></script>' in html
    )

    seven = await tab(harness, "/tab/panel/1?recommendation=7", cookie)
    assert '<h2 id="chosen">Recommendation 7</h2>' in seven
    assert panel_actions(seven)[:2] == ["7.1", "7.2"] and "1.2" not in panel_actions(seven)
    assert "Lorraine Dixon / Liz Purdy" in seven
    assert 'data-stage="/tab/stage/1/7"' in seven

    for asked in ("999", "seven"):
        missing = await tab(harness, f"/tab/panel/1?recommendation={asked}", cookie, status=404)
        assert f"Digital Optimisation has no recommendation {asked}." in missing
    assert "There is no such review." in await tab(harness, "/tab/panel/77", cookie, status=404)
    async with db.session() as session:
        session.add(Review(title="Housing Review"))  # review 2, imported from nothing yet
    empty = await tab(harness, "/tab/panel/2", cookie, status=404)
    assert "Housing Review has no recommendations yet." in empty


async def test_the_stage_shows_one_recommendation_large_and_what_changed(
    harness: Harness, db: Database
) -> None:
    await second_round(db)
    cookie = await sign_in(harness, db, "Andrew Mearns")
    html = await tab(harness, "/tab/stage/1/7", cookie)
    assert '<div class="stage">' in html and "<h1>Recommendation 7</h1>" in html
    seven_one = html.split('id="action-7.1"')[1].split("</section>")[0]
    grades = re.findall(r'<td><span class="grade"[^>]*>([^<]+)</span></td>', seven_one)
    assert grades == ["2 On-Track", "3 Slipped"]
    assert "<strong>Changed:</strong> 2 On-Track in March 2020, now 3 Slipped in September 2020." in seven_one
    seven_two = html.split('id="action-7.2"')[1].split("</section>")[0]
    assert "No return yet for September 2020." in seven_two
    # Markup typed as evidence is shown as text.
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in seven_one
    assert SCRIPT not in html

    overview = await tab(harness, "/tab/stage/1", cookie)
    assert "<h1>Digital Optimisation</h1>" in overview
    assert re.findall(r'<tr><th scope="row">([^<]+)</th>', overview) == ["March 2020", "September 2020"]
    assert "Action 7.1: 2 On-Track in March 2020, now 3 Slipped in September 2020." in overview
    assert "has no recommendation 14." in await tab(harness, "/tab/stage/1/14", cookie, status=404)


async def test_the_panel_shows_typed_markup_as_text(harness: Harness, db: Database) -> None:
    await second_round(db)
    html = await tab(harness, "/tab/panel/1?recommendation=7", await sign_in(harness, db, "Andrew Mearns"))
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert SCRIPT not in html and "<b>bold" not in html


TAB_PAGES = ("/tab/me", "/tab/configure", "/tab/review/1", "/tab/panel/1", "/tab/stage/1", "/tab/stage/1/7")


async def test_without_signing_in_local_mode_sends_each_tab_to_the_roster(harness: Harness) -> None:
    assert harness.http is not None
    for path in TAB_PAGES:
        async with harness.http.get(harness.url + path, allow_redirects=False) as response:
            assert response.status == 303, path
            assert response.headers["Location"].startswith("/tab/signin?next=" + path.replace("/", "%2F"))


async def test_with_an_app_id_and_no_teams_sign_in_nothing_of_the_review_is_shown(harness: Harness) -> None:
    await harness.start(app_id="app-id", app_password="secret", app_tenant_id="tenant-id")
    for path in TAB_PAGES:
        html = await tab(harness, path, {}, status=401)
        assert "<h1>Signing you in</h1>" in html, path
        assert "Digital Optimisation" not in html and "Recommendation" not in html, path


MEETING = "19:meeting_NjQ3ZTk2@thread.v2"


async def share(
    harness: Harness, cookie: dict[str, str], body: object, *, as_json: bool = True, status: int = 200
) -> None:
    """What the side panel's script sends once Teams has shared a recommendation to the stage."""
    assert harness.http is not None
    sent = {"json": body} if as_json else {"data": {"meeting": MEETING, "number": "7"}}
    async with harness.http.post(
        harness.url + "/tab/panel/1/stage", headers=cookie, allow_redirects=False, **sent
    ) as response:
        assert response.status == status, await response.text()


async def test_a_meetings_side_panel_opens_on_the_recommendation_its_stage_shows(
    harness: Harness, db: Database
) -> None:
    cookie = await sign_in(harness, db, "Andrew Mearns")
    await share(harness, cookie, {"meeting": MEETING, "number": 7})

    opened = await tab(harness, f"/tab/panel/1?meeting={MEETING}", cookie)
    assert '<h2 id="chosen">Recommendation 7</h2>' in opened
    assert "On the meeting's stage now." in opened
    # Choosing another keeps the meeting, and says what its stage shows.
    assert '<a href="?meeting=19%3Ameeting_NjQ3ZTk2%40thread.v2&amp;recommendation=3"' in opened
    three = await tab(harness, f"/tab/panel/1?meeting={MEETING}&recommendation=3", cookie)
    assert '<h2 id="chosen">Recommendation 3</h2>' in three
    assert "The meeting's stage shows" in three and ">Recommendation 7</a>" in three
    # Another meeting, or none, opens on the first recommendation needing discussion.
    for elsewhere in ("/tab/panel/1?meeting=19:meeting_other@thread.v2", "/tab/panel/1"):
        html = await tab(harness, elsewhere, cookie)
        assert '<h2 id="chosen">Recommendation 1</h2>' in html and "stage now" not in html

    await share(harness, cookie, {"meeting": MEETING, "number": 2})  # the last share wins
    assert '<h2 id="chosen">Recommendation 2</h2>' in await tab(
        harness, f"/tab/panel/1?meeting={MEETING}", cookie
    )


async def test_what_is_not_a_share_to_stage_changes_nothing(harness: Harness, db: Database) -> None:
    cookie = await sign_in(harness, db, "Andrew Mearns")
    await share(harness, cookie, {"meeting": MEETING, "number": 2})
    for body in (
        {"meeting": MEETING, "number": 999},
        {"meeting": MEETING, "number": "7"},
        {"meeting": MEETING, "number": True},
        {"meeting": "<script>alert(1)</script>", "number": 7},
        {"meeting": "x" * 301, "number": 7},
        {"number": 7},
        ["not", "an", "object"],
    ):
        await share(harness, cookie, body, status=400)
    await share(harness, cookie, None, as_json=False, status=415)  # a form, as a page elsewhere could send
    await share(harness, {}, {"meeting": MEETING, "number": 7}, status=303)  # not signed in
    async with db.session() as session:
        assert await on_stage(session, meeting_id=MEETING, review_id=1) == 2
