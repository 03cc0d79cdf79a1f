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
TAB_STAGE_NOT_JSON = "This address takes what the side panel sends, as JSON."
TAB_STAGE_REFUSED = "That is not a meeting and a recommendation of this review."
TAB_SHARE_FAILED = (
    "Teams did not share it to the stage. Only presenters can share, and only while the meeting is on: "
    "try again, or ask a presenter."
)
# The tabs' sign-in (bot/tab_signin.py): Teams' single sign-on, and local mode's own.
TAB_SIGNING_IN = "Signing you in with your Teams account…"
TAB_OUTSIDE_TEAMS = (
    "This page opens in Microsoft Teams: open the Scrutiny app there, or its tab in your committee's "
    "channel or meeting. The public tracker of a published review needs no sign-in."
)
TAB_SIGNIN_FAILED = (
    "Teams could not sign you in to this page. Close it and open it again; if it still fails, tell "
    "the scrutiny team."
)
TAB_COOKIE_NOT_KEPT = (
    "Teams signed you in, but this browser did not keep the sign-in for this page: it may block "
    "cookies inside Teams. Try the Teams app on your computer, or allow cookies for this site."
)
TAB_NO_TOKEN = "No Teams sign-in came with this request."
TAB_TOKEN_REFUSED = (
    "Teams' sign-in for this page was not accepted: it may have expired, or be for another "
    "organisation. Open the page again."
)
TAB_KEYS_UNAVAILABLE = "Sign-in cannot be checked just now. Try again in a minute."
TAB_NOT_ON_ROSTER = (
    "You are signed in to Teams as {name}, but you are not on the scrutiny roster, so these pages do "
    "not open for you. Ask the scrutiny team to add you."
)
TAB_LOCAL_MODE = (
    "The bot runs in local mode, without Teams: nobody but this computer reaches it, so you pick who "
    "you are. In Teams, people are signed in by their Teams account instead."
)
TAB_EMPTY_ROSTER = "Nobody is on the roster yet: import an action plan first (scrutiny-bot import)."
TAB_PICK_A_NAME = "Pick your name from the list."
TAB_SIGNIN_LOCAL_ONLY = (
    "Local sign-in is only for the bot in local mode. In Teams, you are signed in by your Teams account."
)
