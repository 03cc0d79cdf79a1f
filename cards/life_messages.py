"""The words of a review's life around its monitoring: the executive's response to the committee's
report, the plan agreed, rounds that open on their own day, and completion. (cards/messages.py holds
the rest; these are apart to keep each module readable.)"""

from __future__ import annotations

# --- a review's life: its plan agreed, rounds on their own day, complete (dialogs/lifecycle.py) ---

PLAN_AGREED_HELP = (
    "Record the day the committee agreed a review's action plan (admins): the plan is frozen and its "
    "monitoring rounds then open by themselves."
)
PLAN_AGREED_USAGE = "plan agreed 12 March 2019 [review]"
PLAN_AGREED_ADMINS_ONLY = (
    "Only an admin can record that a plan was agreed. Ask one of the scrutiny team's admins to do it."
)
PLAN_AGREED_NO_DATE = (
    "I couldn't read a date there. Say the day the committee agreed the plan, for example "
    "“plan agreed 12 March 2019”."
)
PLAN_AGREED_DONE = (
    "Recorded: the action plan for “{review}” was agreed on {agreed}, and is now frozen. The first "
    "monitoring round opens by itself on **{first}**, then one every {every} months; officers have "
    "{days} days to give their updates each time."
)
PLAN_AGREED_LATE = (
    "Recorded: the action plan for “{review}” was agreed on {agreed}, and is now frozen. Its first round "
    "would have opened on {first}, which has passed, so no round is back-dated: the next opens by itself "
    "on **{next}**, then one every {every} months. If a round is needed sooner, an admin can open one "
    "now (“scrutiny-bot round open”)."
)
SIGNED_OFF_HELP = (
    "Record that the committee signed a review off (admins): it is complete, with no more rounds."
)
SIGNED_OFF_USAGE = "review signed off [review]"
SIGNED_OFF_ADMINS_ONLY = "Only an admin can record that the committee signed a review off."
SIGNED_OFF_DONE = "Recorded: “{review}” is signed off by the committee and complete. {outcome}"
WHICH_REVIEW = "There are {count} reviews; say which, for example “{example}”. Reviews: {titles}."
COMPLETE_HOW = {"all achieved": "every action Fully Achieved", "signed off": "signed off by the committee"}
COMPLETE_LINE = "Complete since {day} ({how})."
OUTCOME_LINE = "{accepted} recommendations accepted: {achieved} achieved, {not_achieved} not achieved."
NEXT_ROUND_LINE = "The next round opens by itself on {day}."
ASK_NEXT_ROUND = "{review}: the next round opens by itself on **{day}**."
ASK_REVIEW_COMPLETE = "{review} is complete, since {day}: it has no more rounds."
# --- The executive's response to each recommendation (dialogs/responses.py, cards/responses.py) ---

RESPOND_COMMAND_HELP = (
    "Record the executive's response to each recommendation: accepted, partially accepted or not "
    "accepted, with the reason (the review's link officers and admins)."
)
RESPOND_USAGE = "respond [review]"
RESPONSE_CHOICES = {
    "accepted": "Accepted",
    "partially_accepted": "Partially accepted",
    "not_accepted": "Not accepted",
}
# "Executive response: Accepted (1 May 2019): reason", on status cards and `scrutiny-bot status`.
RESPONSE_LINE = "Executive response: {response}{date}{reason}"
RESPONSE_NOT_MONITORED = "Not accepted, so no actions are asked of it and its progress is not monitored."
RESPONSES_TITLE = "The executive's response: {review}"
RESPONSES_INTRO = (
    "Choose the executive's response to each recommendation. Say why where one is not accepted: "
    "it then needs no actions and is not monitored."
)
RESPONSES_DUE = "Due by {due}: the committee reported on {report}."
RESPONSES_DATE_LABEL = "Date of the response"
RESPONSES_CHOICE_LABEL = "Response"
RESPONSES_NOT_GIVEN = "Not given yet"
RESPONSES_REASON_LABEL = "Reason (needed if not accepted)"
RESPONSES_SAVE_BUTTON = "Save the responses"
RESPONSES_MORE = "{count} more recommendation(s): save these, then say **respond** again."
RESPONSES_SAVED = "Saved the executive's response to {count} recommendation(s) of “{review}”: {counts}."
RESPONSES_SAVED_NOT_MONITORED = " Not accepted, so no longer monitored: {numbers}."
RESPONSES_NOTHING_CHANGED = "Nothing changed: choose a response, or change one, then save."
RESPONSES_REASON_WITHOUT_RESPONSE = (
    "Recommendation {number} has a reason but no response: choose one for it, then save."
)
RESPONSES_BAD_DATE = "“{text}” is not a date: choose the day the executive responded."
RESPONSES_WHICH_REVIEW = "Which review? Say **respond** and its title: {titles}."
RESPONSES_NOT_A_LEAD = (
    "Only a review's link officers or an admin may record the executive's response, and you aren't "
    "a link officer of any review."
)
RESPONSE_DUE_TITLE = "The executive's response to “{review}” is due by {due}"
RESPONSE_DUE_INTRO = "These recommendations have no response yet:"
RESPONSE_DUE_BUTTON = "Record the responses"
RESPONSE_DUE_MORE = "…and {count} more."
