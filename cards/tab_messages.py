"""The words of the Teams tabs (bot/tabs.py, page/templates/tab_*.html, page/static/*.js): the
personal tab, the configurable tab's setup, and a meeting's side panel and stage. (cards/messages.py
holds the rest; these are apart to keep each module readable.)"""

from __future__ import annotations

TAB_NO_RECOMMENDATION = "There is no such recommendation."
TAB_NO_RECOMMENDATION_SAID = "{review} has no recommendation {number}."
TAB_NO_RECOMMENDATIONS_SAID = "{review} has no recommendations yet."
# My actions and my reviews, when there are none.
TAB_NO_ACTIONS = (
    "No action in any plan names you as responsible, and you are nobody's deputy this round, so there "
    "is nothing for you to report on."
)
TAB_NO_REVIEWS = "You are not the link officer or scrutiny officer of any review, nor named in one's plan."
TAB_NO_REVIEW_YET = "No review yet: import an action plan first."
# The configurable tab's setup (page/static/configure.js).
TAB_CONFIGURE_CHOOSE = "Choose a review, then select Save."
TAB_CONFIGURE_FAILED = "Teams could not save this tab. Try again, or close this window and add it again."
TAB_CONFIGURE_OUTSIDE = (
    "Saving a tab happens in Teams: add the Scrutiny app to a channel, chat or meeting there."
)
# The side panel's "Share to stage" (page/static/panel.js).
TAB_SHARING = "Sharing to the meeting's stage…"
TAB_SHARED = "Shared: everyone in the meeting sees this recommendation on the stage."
TAB_SHARE_FAILED = (
    "Teams did not share it to the stage. Only presenters can share, and only while the meeting is on: "
    "try again, or ask a presenter."
)
