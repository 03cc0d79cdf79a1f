"""A recommendation's own link and a review's page on the web (tracker_url).

A recommendation's link is printed on its status card and in exports: Teams unfurls it into the
status card (a link unfurling message extension) wherever it is pasted, and in a browser it says
how to ask the bot.

https://scrutiny.example.gov.uk/recommendations/3/7 — review 3's Recommendation 7.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_PATH = re.compile(r"^/recommendations/(\d{1,9})/(\d{1,6})/?$")


def recommendation_url(base: str, *, review_id: int, number: int) -> str:
    return f"{base.rstrip('/')}/recommendations/{review_id}/{number}"


def tracker_url(base: str, *, review_id: int, published: bool) -> str | None:
    """The review's page on the web, for a card's "Open the tracker": its public tracker once the
    council publishes it, else the committee's page. None without a public address (`base` empty):
    nobody but this computer could open a local one.

    When the bot has a Teams tab, the committee's page here becomes the tab's deep link instead."""
    if not base:
        return None
    page = "tracker" if published else "reviews"
    return f"{base.rstrip('/')}/{page}/{review_id}"


def recommendation_in(url: str) -> tuple[int, int] | None:
    """(review id, recommendation number) of a recommendation's link, or None for any other URL."""
    try:
        match = _PATH.match(urlsplit(url.strip()).path)
    except ValueError:
        return None
    return (int(match.group(1)), int(match.group(2))) if match else None
