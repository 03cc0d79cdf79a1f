"""The page's HTML, from Jinja2 templates with autoescaping on: whatever an officer typed is shown as
text, never read as markup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from cards import messages
from documents.layout import inline
from page.index import IndexRow
from page.model import ReviewPage
from store.models import Person

STATIC = Path(str(resources.files("page") / "static"))
TEMPLATES = Path(str(resources.files("page") / "templates"))


def _day(when: date | datetime | None) -> str:
    """ "1 May 2019"; a time kept in UTC is shown by its day."""
    return f"{when.day} {when:%B %Y}" if when else ""


def plan_text(text: str) -> Markup:
    """The plan's own markup drawn, never shown as characters (documents/layout.inline, as the cards
    and the Word document read it): italics, bold, and links to web addresses; the rest escaped."""
    lines = []
    for line in text.split("\n"):
        drawn = []
        for piece in inline(line):
            words = escape(piece.text)
            if piece.url and piece.url.lower().startswith(("https://", "http://")):
                words = Markup('<a href="{}">{}</a>').format(piece.url, words)
            if piece.bold:
                words = Markup("<strong>{}</strong>").format(words)
            if piece.italic:
                words = Markup("<em>{}</em>").format(words)
            drawn.append(words)
        lines.append(Markup("").join(drawn))
    return Markup("<br>").join(lines)


@cache
def environment() -> Environment:
    """One environment a process: Jinja compiles each template once and keeps it."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = _day
    env.filters["plan_text"] = plan_text
    return env


def review_page(page: ReviewPage, *, base: str) -> str:
    """The page of one review; `base` its own address, which the filters' links keep."""
    return environment().get_template("review.html").render(page=page, base=base)


def index_page(rows: list[IndexRow], *, public: bool) -> str:
    """The index of reviews: the published ones (`public`), or every one for the committee."""
    return environment().get_template("index.html").render(rows=rows, public=public)


def signin_page() -> str:
    """The page a tab shows until Teams' sign-in is done (page/static/signin.js)."""
    return (
        environment()
        .get_template("signin.html")
        .render(
            signing_in=messages.TAB_SIGNING_IN,
            outside=messages.TAB_OUTSIDE_TEAMS,
            failed=messages.TAB_SIGNIN_FAILED,
            kept=messages.TAB_COOKIE_NOT_KEPT,
        )
    )


def local_signin_page(people: Sequence[Person], *, next_page: str, said: str | None = None) -> str:
    """Local mode's sign-in: the roster to pick a name from."""
    return (
        environment()
        .get_template("local_signin.html")
        .render(
            people=people,
            next_page=next_page,
            said=said,
            local_mode=messages.TAB_LOCAL_MODE,
            empty_roster=messages.TAB_EMPTY_ROSTER,
        )
    )


def not_found(*, title: str, said: str) -> str:
    return environment().get_template("not_found.html").render(title=title, said=said)
