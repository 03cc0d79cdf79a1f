"""A recommendation's own link and a review's page on the web (TrackerLinks).

A recommendation's link is printed on its status card and in exports: Teams unfurls it into the
status card (a link unfurling message extension) wherever it is pasted, and in a browser it says
how to ask the bot.

https://scrutiny.example.gov.uk/recommendations/3/7 — review 3's Recommendation 7.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

_PATH = re.compile(r"^/recommendations/(\d{1,9})/(\d{1,6})/?$")
TEAMS_ENTITY = "https://teams.microsoft.com/l/entity"
PERSONAL_TAB = "me"  # the personal tab's entityId (manifest/manifest.template.json)


def recommendation_url(base: str, *, review_id: int, number: int) -> str:
    return f"{base.rstrip('/')}/recommendations/{review_id}/{number}"


@dataclass(frozen=True)
class TrackerLinks:
    """Where a card's "Open the tracker" goes (`url`), from the bot's public address (`base`) and,
    when its Teams app has the tabs, that app's id in Teams (`tab_app_id`)."""

    base: str = ""
    tab_app_id: str = ""

    def url(self, *, review_id: int, title: str, published: bool) -> str | None:
        """The public tracker once the council publishes the review. Before that, the committee's
        page: in Teams, the personal tab's deep link, which opens it there signed in (page/static/tab.js
        reads the review from the link's subEntityId); without the tabs, its address. None without a
        public address: nobody but this computer could open a local one."""
        if not self.base:
            return None
        base = self.base.rstrip("/")
        if published:
            return f"{base}/tracker/{review_id}"
        page = f"{base}/reviews/{review_id}"
        if not self.tab_app_id:
            return page
        # Microsoft's deep link to a tab's item: every parameter URL-encoded, webUrl for a client that
        # cannot show the tab.
        context = json.dumps({"subEntityId": f"review-{review_id}"}, separators=(",", ":"))
        query = urlencode({"webUrl": page, "label": title, "context": context}, quote_via=quote)
        return f"{TEAMS_ENTITY}/{quote(self.tab_app_id, safe='')}/{PERSONAL_TAB}?{query}"


NO_TRACKER = TrackerLinks()  # no public address: no "Open the tracker"


def recommendation_in(url: str) -> tuple[int, int] | None:
    """(review id, recommendation number) of a recommendation's link, or None for any other URL."""
    try:
        match = _PATH.match(urlsplit(url.strip()).path)
    except ValueError:
        return None
    return (int(match.group(1)), int(match.group(2))) if match else None
