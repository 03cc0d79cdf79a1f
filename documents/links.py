"""A recommendation's own link, printed on its status card and in exports: Teams unfurls it into the
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


def recommendation_in(url: str) -> tuple[int, int] | None:
    """(review id, recommendation number) of a recommendation's link, or None for any other URL."""
    try:
        match = _PATH.match(urlsplit(url.strip()).path)
    except ValueError:
        return None
    return (int(match.group(1)), int(match.group(2))) if match else None
