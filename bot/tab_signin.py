"""Who is looking at the committee's pages in Teams: Teams' single sign-on for the tabs, and local
mode's own, clearly marked sign-in.

In Teams a tab asks Teams for a token (teams-js `authentication.getAuthToken`, page/static/signin.js)
and posts it to `/tab/session`. The token is Microsoft Entra ID's, issued for this app
(`webApplicationInfo` in the manifest): it is checked here for its signature against Entra ID's
published keys, its issuer and tenant (the council's, MicrosoftAppTenantId), its audience (this app)
and its expiry, and the person it names must be on the roster (matched by Entra object id or email).
Then a session cookie, signed by the bot and expiring with the token, opens the pages; a page asked
for without one answers with the sign-in page (401), which does the above and loads it again.

In local mode (no app id), nobody but this computer reaches the bot and there is no Teams to sign in
with: `/tab/signin` lists the roster and anyone may pick a name, and every tab page says so.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import jwt
from aiohttp import web
from sqlalchemy import select

from bot.html import html_response
from bot.settings import Settings
from bot.signin import SigningKeys, SigningKeysUnavailable
from cards import messages, tab_messages
from page import render
from store.db import Database
from store.models import Person
from store.people import person_by_aad_id, person_by_email

log = logging.getLogger(__name__)

SESSION_COOKIE = "scrutiny_tab"
# A local sign-in lasts a working day; a Teams one no longer than the token it came from.
LOCAL_SESSION_SECONDS = 8 * 3600
# Clocks differ a little between Entra ID and us.
LEEWAY_SECONDS = 60

DATABASE = web.AppKey("tab_database", Database)
SETTINGS = web.AppKey("tab_settings", Settings)
KEYS = web.AppKey("tab_signing_keys", SigningKeys)
SESSION_KEY = web.AppKey("tab_session_key", bytes)


@dataclass(frozen=True)
class TabUser:
    """Someone on the roster, signed in to the committee's pages."""

    person_id: int
    name: str
    local: bool  # signed in with local mode's sign-in, not Teams'


class Refused(Exception):
    """A token that does not open the pages, with the reason for the log (never the token)."""


def _session_key(settings: Settings) -> bytes:
    """The key that signs session cookies. Derived from the app password, so every replica signs
    alike and a new password ends every session; in local mode a new one each start."""
    if settings.anonymous or settings.app_password is None:
        return secrets.token_bytes(32)
    secret = settings.app_password.get_secret_value().encode()
    return hmac.new(secret, b"scrutiny-bot tab session", hashlib.sha256).digest()


def _audiences(settings: Settings, host: str) -> list[str]:
    """Entra ID writes the app's id, or its Application ID URI (the manifest's `resource`), as the
    audience: both name this app."""
    return [settings.app_id, f"api://{host}/{settings.app_id}"]


def _issuers(tenant: str) -> set[str]:
    """Entra ID's v2.0 and v1.0 issuers for the council's tenant: a token from any other tenant is
    refused by its issuer as well as by its `tid`."""
    return {f"https://login.microsoftonline.com/{tenant}/v2.0", f"https://sts.windows.net/{tenant}/"}


async def check_token(token: str, *, settings: Settings, keys: SigningKeys, host: str) -> dict[str, Any]:
    """The claims of a valid Teams tab token; Refused says why not, SigningKeysUnavailable that it
    cannot be told now."""
    tenant = settings.app_tenant_id.strip()
    if not tenant:
        raise Refused("no MicrosoftAppTenantId: the tabs open only for one council's tenant")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise Refused(f"not a token: {error}") from None
    if header.get("alg") != "RS256":
        raise Refused(f"signed with {header.get('alg')!r}, not RS256")
    try:
        key = await keys.get(header.get("kid"))
    except PermissionError as error:
        raise Refused(str(error)) from None
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.public_key,
            algorithms=["RS256"],
            audience=_audiences(settings, host),
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iss", "aud", "tid", "oid"]},
        )
    except jwt.PyJWTError as error:
        raise Refused(f"{type(error).__name__}: {error}") from None
    if claims["tid"] != tenant or claims["iss"] not in _issuers(tenant):
        raise Refused(f"issued for another tenant ({claims['iss']})")
    return claims


async def person_for(database: Database, claims: dict[str, Any]) -> Person | None:
    """The roster's person the token names: by Entra object id, which Teams' activities also carry,
    else by the sign-in name, which the roster keeps as email."""
    async with database.session() as session:
        person = await person_by_aad_id(session, aad_object_id=claims["oid"])
        email = claims.get("preferred_username") or claims.get("upn") or claims.get("email")
        if person is None and email:
            person = await person_by_email(session, email=email)
        return person if person is not None and not person.is_group else None


def _cookie(response: web.Response, request: web.Request, value: str, *, seconds: int) -> None:
    settings = request.app[SETTINGS]
    if settings.anonymous:
        response.set_cookie(
            SESSION_COOKIE, value, max_age=seconds, path="/", httponly=True, samesite="Strict"
        )
        return
    # Teams shows a tab in a frame of its own site: a cookie that frame sends must be SameSite=None
    # (so Secure), and Partitioned keeps it to the frame inside Teams where third-party cookies go.
    # Written out because Python 3.11's cookies do not know Partitioned; the value is a JWT, which
    # needs no quoting.
    response.headers.add(
        "Set-Cookie",
        f"{SESSION_COOKIE}={value}; Max-Age={seconds}; Path=/; HttpOnly; Secure; SameSite=None; Partitioned",
    )


def _session_value(request: web.Request, user: TabUser, *, until: float) -> str:
    claims = {"sub": str(user.person_id), "name": user.name, "local": user.local, "exp": int(until)}
    return jwt.encode(claims, request.app[SESSION_KEY], algorithm="HS256")


async def signed_in(request: web.Request) -> TabUser | None:
    """The person the request's session cookie names, if it is valid and they are still on the roster."""
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        return None
    try:
        claims = jwt.decode(
            value, request.app[SESSION_KEY], algorithms=["HS256"], options={"require": ["exp"]}
        )
        person_id = int(claims["sub"])
    except (jwt.PyJWTError, KeyError, ValueError):
        return None
    if bool(claims.get("local")) != request.app[SETTINGS].anonymous:
        return None
    async with request.app[DATABASE].session() as session:
        person = await session.get(Person, person_id)
    if person is None or person.is_group:
        return None
    return TabUser(person_id=person.id, name=person.name, local=bool(claims.get("local")))


async def _user_or_signin(request: web.Request) -> TabUser | web.Response:
    """The signed-in person, or the page that signs them in: in Teams the sign-in page, which asks
    Teams for the token and loads this page again; in local mode the roster to pick a name from."""
    user = await signed_in(request)
    if user is not None:
        return user
    if request.app[SETTINGS].anonymous:
        return _see_other(f"/tab/signin?next={quote(request.path_qs, safe='')}")
    return html_response(render.signin_page(), status=401, scripts=True)


def signed_in_only(
    page: Callable[[web.Request, TabUser], Awaitable[web.Response]],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """A tab page's handler, given the signed-in person; anyone else is signed in first."""

    @functools.wraps(page)
    async def handler(request: web.Request) -> web.Response:
        user = await _user_or_signin(request)
        return user if isinstance(user, web.Response) else await page(request, user)

    return handler


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def _next_page(value: str | None) -> str:
    """Where to go after signing in: a page of this site only."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/tab/me"


async def _teams_session(request: web.Request) -> web.Response:
    """POST /tab/session with `Authorization: Bearer <Teams tab token>`: a session cookie, or 401."""
    settings = request.app[SETTINGS]
    if settings.anonymous:
        return web.json_response({"error": tab_messages.TAB_LOCAL_MODE}, status=404)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return web.json_response({"error": tab_messages.TAB_NO_TOKEN}, status=401)
    # The Application ID URI names the address people reach the bot at, not what a proxy forwards.
    host = urlsplit(settings.public_url).hostname or request.url.host or ""
    try:
        claims = await check_token(token.strip(), settings=settings, keys=request.app[KEYS], host=host)
    except Refused as refused:
        log.info("Tab sign-in refused: %s", refused)
        return web.json_response({"error": tab_messages.TAB_TOKEN_REFUSED}, status=401)
    except SigningKeysUnavailable as error:
        log.warning("Tab sign-in: Entra ID's signing keys could not be fetched (%s)", error)
        return web.json_response(
            {"error": tab_messages.TAB_KEYS_UNAVAILABLE}, status=503, headers={"Retry-After": "10"}
        )
    person = await person_for(request.app[DATABASE], claims)
    if person is None:
        said = tab_messages.TAB_NOT_ON_ROSTER.format(
            name=claims.get("name") or claims.get("preferred_username") or ""
        )
        return web.json_response({"error": said}, status=403)
    user = TabUser(person_id=person.id, name=person.name, local=False)
    response = web.json_response({"name": person.name})
    _cookie(
        response,
        request,
        _session_value(request, user, until=claims["exp"]),
        seconds=max(0, int(claims["exp"] - time.time())),
    )
    return response


async def _roster(database: Database) -> list[Person]:
    async with database.session() as session:
        found = await session.scalars(select(Person).where(Person.is_group.is_(False)).order_by(Person.name))
        return list(found)


def _no_local_signin() -> web.Response:
    said = tab_messages.TAB_SIGNIN_LOCAL_ONLY
    return html_response(render.not_found(title=messages.PAGE_NOT_HERE, said=said), status=404)


async def _local_signin_form(request: web.Request) -> web.Response:
    if not request.app[SETTINGS].anonymous:
        return _no_local_signin()
    people = await _roster(request.app[DATABASE])
    return html_response(render.local_signin_page(people, next_page=_next_page(request.query.get("next"))))


async def _local_signin(request: web.Request) -> web.Response:
    if not request.app[SETTINGS].anonymous:
        return _no_local_signin()
    form = await request.post()
    next_page = _next_page(str(form.get("next") or ""))
    try:
        person_id = int(str(form.get("person") or ""))
    except ValueError:
        person_id = 0
    async with request.app[DATABASE].session() as session:
        person = await session.get(Person, person_id)
    if person is None or person.is_group:
        people = await _roster(request.app[DATABASE])
        page = render.local_signin_page(people, next_page=next_page, said=tab_messages.TAB_PICK_A_NAME)
        return html_response(page, status=400)
    user = TabUser(person_id=person.id, name=person.name, local=True)
    response = _see_other(next_page)
    _cookie(
        response,
        request,
        _session_value(request, user, until=time.time() + LOCAL_SESSION_SECONDS),
        seconds=LOCAL_SESSION_SECONDS,
    )
    return response


async def _signout(request: web.Request) -> web.Response:
    response = _see_other("/tab/signin" if request.app[SETTINGS].anonymous else "/tab/me")
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


def add_signin(app: web.Application, *, database: Database, settings: Settings) -> None:
    app[DATABASE] = database
    app[SETTINGS] = settings
    app[KEYS] = SigningKeys(settings.tab_openid_metadata_url)
    app[SESSION_KEY] = _session_key(settings)
    app.router.add_post("/tab/session", _teams_session)
    app.router.add_get("/tab/signin", _local_signin_form)
    app.router.add_post("/tab/signin", _local_signin)
    app.router.add_post("/tab/signout", _signout)
