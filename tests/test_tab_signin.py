"""Teams' single sign-on for the committee's pages, with keys the tests control: a local OpenID
metadata and key-set endpoint stands in for Microsoft Entra ID, tokens are signed with the tests' own
RSA key, and the real bot (with an app id) is asked over HTTP. And local mode's own sign-in."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import aiohttp
import jwt
import pytest
from chat import Harness
from cryptography.hazmat.primitives.asymmetric import rsa
from test_signin import PRIVATE_KEY, TEAMS_KEY, KeysServer, keys  # noqa: F401
from test_status import ANDREW, seeded  # noqa: F401

pytestmark = pytest.mark.usefixtures("seeded")

APP_ID = "6f1e2d3c-0000-4000-8000-00000000b07b"
TENANT_ID = "72f988bf-0000-4000-8000-00000000c0de"
OTHER_TENANT = "11111111-0000-4000-8000-0000000000ff"
HOST = "scrutiny.example.gov.uk"
HOUR = 3600


@pytest.fixture
async def teams_mode(harness: Harness, keys: KeysServer) -> Harness:  # noqa: F811
    await harness.start(
        app_id=APP_ID,
        app_password="Zq8~not-a-real-secret-but-treat-it-as-one",
        app_tenant_id=TENANT_ID,
        public_url=f"https://{HOST}",
        tab_openid_metadata_url=keys.metadata_url,
    )
    await keys.start()
    return harness


def tab_token(*, kid: str = TEAMS_KEY, algorithm: str = "RS256", key: Any = None, **changes: Any) -> str:
    """A token as Entra ID issues it to Teams for this app's tab, for Andrew Mearns; `changes`
    replace claims (None removes one)."""
    now = int(time.time())
    claims = {
        "iss": f"https://login.microsoftonline.com/{TENANT_ID}/v2.0",
        "aud": APP_ID,
        "tid": TENANT_ID,
        "oid": ANDREW.aad_object_id,
        "preferred_username": ANDREW.email,
        "name": ANDREW.name,
        "scp": "access_as_user",
        "nbf": now - 60,
        "iat": now - 60,
        "exp": now + HOUR,
        **changes,
    }
    claims = {name: value for name, value in claims.items() if value is not None}
    if key is None:
        key = {"RS256": PRIVATE_KEY, "HS256": "Zq8~not-a-real-secret-but-treat-it-as-one", "none": None}[
            algorithm
        ]
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


async def sign_in(harness: Harness, token: str | None) -> aiohttp.ClientResponse:
    assert harness.http is not None
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    async with harness.http.post(harness.url + "/tab/session", headers=headers) as response:
        await response.read()
        return response


def session_cookie(response: aiohttp.ClientResponse) -> str:
    """The cookie as a browser would send it back (aiohttp's own jar keeps Secure ones off http)."""
    set_cookie = response.headers["Set-Cookie"]
    return set_cookie.split(";")[0]


async def get(harness: Harness, path: str, *, cookie: str | None = None, status: int = 200) -> str:
    assert harness.http is not None
    headers = {"Cookie": cookie} if cookie else {}
    async with harness.http.get(harness.url + path, headers=headers, allow_redirects=False) as response:
        assert response.status == status, await response.text()
        return await response.text()


async def test_a_valid_token_opens_the_committees_pages(teams_mode: Harness) -> None:
    assert "Digital Optimisation" not in await get(teams_mode, "/reviews/1", status=401)

    response = await sign_in(teams_mode, tab_token())

    assert response.status == 200
    set_cookie = response.headers["Set-Cookie"]
    for attribute in ("HttpOnly", "Secure", "SameSite=None", "Partitioned", "Path=/"):
        assert attribute.lower() in set_cookie.lower(), set_cookie
    max_age = int(re.search(r"Max-Age=(\d+)", set_cookie, re.I).group(1))  # type: ignore[union-attr]
    assert HOUR - 120 <= max_age <= HOUR  # no longer than the token
    cookie = session_cookie(response)
    assert "<h1>Digital Optimisation</h1>" in await get(teams_mode, "/reviews/1", cookie=cookie)
    assert "Digital Optimisation" in await get(teams_mode, "/reviews", cookie=cookie)


async def test_the_application_id_uri_is_this_apps_audience_too(teams_mode: Harness) -> None:
    assert (await sign_in(teams_mode, tab_token(aud=f"api://{HOST}/{APP_ID}"))).status == 200
    assert (await sign_in(teams_mode, tab_token(aud=f"api://elsewhere.example/{APP_ID}"))).status == 401


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(
            {"tid": OTHER_TENANT, "iss": f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0"},
            id="other tenant",
        ),
        pytest.param({"tid": OTHER_TENANT}, id="other tenant id, our issuer"),
        pytest.param({"iss": f"https://sts.windows.net/{OTHER_TENANT}/"}, id="other tenant's v1 issuer"),
        pytest.param({"iss": "https://login.microsoftonline.com/common/v2.0"}, id="common issuer"),
        pytest.param({"exp": -300}, id="expired"),
        pytest.param({"nbf": 600}, id="not yet valid"),
        pytest.param({"aud": "00000003-0000-0000-c000-000000000000"}, id="a Graph token"),
        pytest.param({"aud": None}, id="no audience"),
        pytest.param({"oid": None}, id="no object id"),
        pytest.param({"exp": None}, id="no expiry"),
    ],
)
async def test_a_token_for_another_tenant_or_app_or_time_is_refused(
    teams_mode: Harness, changes: dict[str, Any]
) -> None:
    # Times are seconds from now, reckoned as the test runs.
    now = int(time.time())
    changes = {
        name: now + value if name in ("exp", "nbf") and value else value for name, value in changes.items()
    }
    response = await sign_in(teams_mode, tab_token(**changes))
    assert response.status == 401
    assert "Set-Cookie" not in response.headers


async def test_the_v1_issuer_of_the_councils_tenant_is_accepted(teams_mode: Harness) -> None:
    assert (await sign_in(teams_mode, tab_token(iss=f"https://sts.windows.net/{TENANT_ID}/"))).status == 200


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: tab_token(algorithm="none"), id="unsigned"),
        pytest.param(lambda: tab_token(algorithm="HS256"), id="HS256 with the app password"),
        pytest.param(
            lambda: tab_token(key=rsa.generate_private_key(public_exponent=65537, key_size=2048)),
            id="signed by another key",
        ),
        pytest.param(lambda: tab_token(kid="a-key-nobody-published"), id="unknown key id"),
        pytest.param(lambda: "not.a.token", id="not a token"),
    ],
)
async def test_an_unsigned_or_wrongly_signed_token_is_refused(teams_mode: Harness, token: Any) -> None:
    response = await sign_in(teams_mode, token())
    assert response.status == 401
    assert "Set-Cookie" not in response.headers


async def test_no_token_is_refused_in_words(teams_mode: Harness) -> None:
    assert teams_mode.http is not None
    async with teams_mode.http.post(teams_mode.url + "/tab/session") as response:
        assert response.status == 401
        assert (await response.json())["error"] == "No Teams sign-in came with this request."


async def test_someone_not_on_the_roster_is_told_so(teams_mode: Harness) -> None:
    assert teams_mode.http is not None
    token = tab_token(oid="aad-stranger", preferred_username="pat@example.org", name="Pat Nobody")
    async with teams_mode.http.post(
        teams_mode.url + "/tab/session", headers={"Authorization": f"Bearer {token}"}
    ) as response:
        assert response.status == 403
        said = (await response.json())["error"]
    assert said.startswith("You are signed in to Teams as Pat Nobody, but you are not on the scrutiny roster")


async def test_the_roster_finds_someone_by_email_when_teams_has_not_matched_them_yet(
    teams_mode: Harness,
) -> None:
    assert (await sign_in(teams_mode, tab_token(oid="aad-new-laptop"))).status == 200


async def test_a_forged_or_expired_session_cookie_opens_nothing(teams_mode: Harness) -> None:
    forged = jwt.encode(
        {"sub": "1", "exp": int(time.time()) + HOUR},
        "a-guess-at-the-key-that-signs-sessions",
        algorithm="HS256",
    )
    assert "Digital Optimisation" not in await get(
        teams_mode, "/reviews/1", cookie=f"scrutiny_tab={forged}", status=401
    )
    assert "Digital Optimisation" not in await get(
        teams_mode, "/reviews/1", cookie="scrutiny_tab=", status=401
    )
    expired = await sign_in(teams_mode, tab_token(exp=int(time.time()) + 1))
    cookie = session_cookie(expired)
    time.sleep(2.1)  # the session ends with the token (past the token check's minute of leeway)
    assert "Digital Optimisation" not in await get(teams_mode, "/reviews/1", cookie=cookie, status=401)


async def test_signing_keys_that_cannot_be_fetched_say_try_again(
    harness: Harness,
    keys: KeysServer,  # noqa: F811
) -> None:
    await harness.start(
        app_id=APP_ID,
        app_password="Zq8~not-a-real-secret-but-treat-it-as-one",
        app_tenant_id=TENANT_ID,
        tab_openid_metadata_url=keys.metadata_url,
    )  # the keys server is never started
    response = await sign_in(harness, tab_token())
    assert response.status == 503
    assert response.headers["Retry-After"] == "10"


async def test_the_token_never_reaches_the_log(teams_mode: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for token in (tab_token(), tab_token(tid=OTHER_TENANT), tab_token(algorithm="none")):
        await sign_in(teams_mode, token)
        assert token.split(".")[1] not in caplog.text
    assert "Tab sign-in refused" in caplog.text


# Local mode: no Teams to sign in with, so this computer picks a name, and every tab page says so.


async def test_local_mode_signs_in_by_picking_a_name_from_the_roster(harness: Harness) -> None:
    await harness.start()
    assert harness.http is not None
    form = await get(harness, "/tab/signin?next=/reviews/1")
    assert "Local sign-in." in form and "Andrew Mearns" in form
    assert ">Digital Services Group<" not in form  # a group is nobody's login
    person_id = re.search(r'<option value="(\d+)">Andrew Mearns</option>', form).group(1)  # type: ignore[union-attr]

    async with harness.http.post(
        harness.url + "/tab/signin", data={"person": person_id, "next": "/reviews/1"}, allow_redirects=False
    ) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/reviews/1"
        set_cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie


async def test_local_sign_in_refuses_what_is_not_on_its_list(harness: Harness) -> None:
    await harness.start()
    assert harness.http is not None
    for person in ("", "999999", "abc"):
        async with harness.http.post(
            harness.url + "/tab/signin", data={"person": person, "next": "/tab/me"}, allow_redirects=False
        ) as response:
            assert response.status == 400
            assert "Pick your name from the list." in await response.text()
            assert "Set-Cookie" not in response.headers


async def test_local_sign_in_goes_only_to_this_sites_pages(harness: Harness) -> None:
    await harness.start()
    assert harness.http is not None
    form = await get(harness, "/tab/signin")
    person_id = re.search(r'<option value="(\d+)">', form).group(1)  # type: ignore[union-attr]
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        async with harness.http.post(
            harness.url + "/tab/signin", data={"person": person_id, "next": elsewhere}, allow_redirects=False
        ) as response:
            assert response.headers["Location"] == "/tab/me"


async def test_with_an_app_id_there_is_no_local_sign_in(teams_mode: Harness) -> None:
    said = await get(teams_mode, "/tab/signin", status=404)
    assert "Local sign-in is only for the bot in local mode." in said
    assert "Andrew Mearns" not in said
