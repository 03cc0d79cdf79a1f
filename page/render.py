"""The page's HTML, from Jinja2 templates with autoescaping on: whatever an officer typed is shown as
text, never read as markup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from cards import tab_messages
from documents.layout import inline
from page.index import IndexRow
from page.model import RecommendationRow, ReviewPage
from page.tab import MyTab, OneRecommendation
from store.models import Person
from store.views import ReviewSummary

STATIC = Path(str(resources.files("page") / "static"))
TEMPLATES = Path(str(resources.files("page") / "templates"))


class TabUser(Protocol):
    """Who a tab page is for (bot/tab_signin.TabUser): the local-mode banner names them."""

    @property
    def name(self) -> str: ...

    @property
    def local(self) -> bool: ...


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


def first_words(text: str, *, count: int = 8) -> str:
    """The start of a recommendation, as a short list names it: its words without the plan's markup."""
    words = "".join(piece.text for line in text.split("\n") for piece in inline(line)).split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


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
    env.filters["first_words"] = first_words
    return env


def review_page(page: ReviewPage, *, base: str, user: TabUser | None = None) -> str:
    """The page of one review; `base` its own address, which the filters' links keep. With a `user`
    it is a Teams tab's page: laid out as one, its scripts loaded (page/static/tab.js)."""
    layout = "base.html" if user is None else "tab_base.html"
    return environment().get_template("review.html").render(page=page, base=base, layout=layout, user=user)


def index_page(rows: list[IndexRow], *, public: bool) -> str:
    """The index of reviews: the published ones (`public`), or every one for the committee."""
    return environment().get_template("index.html").render(rows=rows, public=public)


def signin_page() -> str:
    """The page a tab shows until Teams' sign-in is done (page/static/signin.js)."""
    return (
        environment()
        .get_template("signin.html")
        .render(
            signing_in=tab_messages.TAB_SIGNING_IN,
            outside=tab_messages.TAB_OUTSIDE_TEAMS,
            failed=tab_messages.TAB_SIGNIN_FAILED,
            kept=tab_messages.TAB_COOKIE_NOT_KEPT,
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
            local_mode=tab_messages.TAB_LOCAL_MODE,
            empty_roster=tab_messages.TAB_EMPTY_ROSTER,
        )
    )


def not_found(*, title: str, said: str) -> str:
    return environment().get_template("not_found.html").render(title=title, said=said)


def my_tab(tab: MyTab, *, user: TabUser) -> str:
    """The personal tab: my actions and my reviews."""
    return environment().get_template("tab_me.html").render(tab=tab, user=user, words=tab_messages)


def configure_page(reviews: Sequence[ReviewSummary], *, user: TabUser) -> str:
    """The configurable tab's setup: which review it shows (page/static/configure.js saves it)."""
    return (
        environment()
        .get_template("tab_configure.html")
        .render(reviews=reviews, user=user, words=tab_messages)
    )


def panel_page(
    one: OneRecommendation, *, user: TabUser, meeting: str | None = None, on_stage: int | None = None
) -> str:
    """A meeting's side panel: one recommendation, compactly, and "Share to stage"; in a meeting
    (`meeting`, its chat id), which recommendation its stage shows (`on_stage`)."""
    return (
        environment()
        .get_template("tab_panel.html")
        .render(one=one, user=user, words=tab_messages, meeting=meeting, on_stage=on_stage)
    )


def stage_page(page: ReviewPage, chosen: RecommendationRow | None, *, user: TabUser) -> str:
    """A meeting's stage: one recommendation large, or (`chosen` None) the review's overview."""
    return environment().get_template("tab_stage.html").render(page=page, rec=chosen, user=user)
