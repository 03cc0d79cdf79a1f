"""The words of a review's life around its monitoring: the executive's response to the committee's
report, the plan drafted and agreed, rounds that open on their own day, and completion.
(cards/messages.py holds the rest; these are apart to keep each module readable.)"""

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

# --- Drafting the action plan (dialogs/drafts.py, cards/drafts.py) ---

DRAFT_COMMAND_HELP = (
    "Propose the agreed actions of an accepted recommendation while the plan is a draft, and send them "
    "to the scrutiny officer (the review's link officers and admins)."
)
DRAFT_USAGE = "draft [3]"
DRAFT_HOW = "Say **draft** to choose a recommendation, or **draft 3** for Recommendation 3."

DRAFT_CHOICE_TITLE = "Draft the action plan: {review}"
DRAFT_CHOICE_INTRO = (
    "Each accepted recommendation needs at least one agreed action before the committee agrees the plan. "
    "Choose one to draft its actions."
)
DRAFT_CHOICE_BUTTON = "Draft recommendation {number}"
DRAFT_CHOICE_LINE = "{count} action(s) · {state}"

DRAFT_TITLE = "Recommendation {number} · draft actions"
DRAFT_REVIEW_LINE = "{review}"
DRAFT_NO_ACTIONS = "No actions yet: add the first below."
DRAFT_ACTION_HEADING = "Action {position}"
DRAFT_LABELS = {
    "agreed_action": "Agreed action",
    "responsibility": "Responsibility",
    "date": "Date",
    "success_measure": "Agreed success measure",
}
DRAFT_PLACEHOLDERS = {
    "agreed_action": "What will be done",
    "responsibility": "A named officer, several joined by “/”, or a group",
    "date": "April 2019, Ongoing, or April 2019 – ongoing",
    "success_measure": "How the committee will know it is done",
}
DRAFT_ADD_HEADING = "Add an action"
DRAFT_ADD_BUTTON = "Add this action"
DRAFT_EDIT_BUTTON = "Edit…"
DRAFT_EDIT_TITLE = "Action {position} of Recommendation {number} · change it"
DRAFT_BACK_BUTTON = "Back to the draft"
DRAFT_SAVE_BUTTON = "Save changes"
DRAFT_REMOVE_BUTTON = "Remove"
DRAFT_SEND_BUTTON = "Send for review"

DRAFT_STATES = {
    None: "not sent yet",
    "drafting": "not sent yet",
    "waiting": "waiting for the scrutiny officer",
    "returned": "returned by the scrutiny officer",
    "accepted": "accepted by the scrutiny officer",
}
DRAFT_STATE_LINE = "Draft: {state}."
DRAFT_RETURNED_BECAUSE = "Returned because: {reason}"
DRAFT_FROZEN = "The plan was agreed on {day}: its actions are fixed, and changes are revisions."
DRAFT_NOT_ACCEPTED = "The executive did not accept this recommendation, so it needs no actions."

DRAFT_ADDED = "Added action {position} to Recommendation {number}."
DRAFT_CHANGED = "Saved the changes to action {position} of Recommendation {number}."
DRAFT_REMOVED = "Removed action {position} of Recommendation {number}."
DRAFT_TAKEN_BACK = " It was waiting for the scrutiny officer: it is taken back, so send it again when ready."
DRAFT_NEEDS_ACCEPTING_AGAIN = " It had been accepted: send it for review again."
DRAFT_STILL_RETURNED = " Send it again when it answers the scrutiny officer's reason."
DRAFT_SENT = (
    "Sent Recommendation {number}'s {count} action(s) to the scrutiny officer. You will hear if they "
    "return it."
)
DRAFT_NOTHING_TYPED = "Nothing was given for the action: fill in the form, then press **Add this action**."

# "2 draft action plans wait for you, oldest first." (messages.REVIEW_QUEUE_INTRO)
DRAFTS_QUEUE = ("{count} recommendation's draft actions", "{count} recommendations' draft actions")
DRAFT_REVIEW_TITLE = "Recommendation {number} · draft actions from {who}"
DRAFT_RESENT = "Sent again. It was returned because: {reason}"
DRAFT_ACCEPTED_REPLY = "Accepted Recommendation {number}'s draft actions for “{review}”."
DRAFT_RETURNED_REPLY = "Returned Recommendation {number}'s draft to {who}. They will be told why."
DRAFT_DECIDED_TITLE = "{verdict}: Recommendation {number}'s draft actions"

DRAFT_TOLD_RETURNED_TITLE = "Your draft for Recommendation {number} of “{review}” came back"
DRAFT_TOLD_RETURNED_REASON = "{who} returned it: {reason}"
DRAFT_TOLD_BUTTON = "Change the draft"
DRAFT_TOLD_SUMMARY = "Recommendation {number}'s draft actions were returned"
DRAFT_WAITS_TITLE = "Recommendation {number} of “{review}”: draft actions wait for your review"
DRAFT_WAITS_SUMMARY = "Draft actions wait for your review"
DRAFT_WAITS_BUTTON = "Review them"

# The public tracker (`review publish` / `unpublish`).
PUBLISHED = (
    "“{review}” is public: its tracker is at {url}. It shows returns the scrutiny officer has accepted, "
    "and officers' names only if SCRUTINY_PUBLIC_NAMES is on (it is {names})."
)
UNPUBLISHED = "“{review}” is no longer public: {url} now says it is not published."
EVIDENCE_INTERNAL = (
    "Action {ref}'s {round} evidence in “{review}” is internal: the public tracker says it is not "
    "published. The committee's page and papers still carry it."
)
EVIDENCE_PUBLIC = (
    "Action {ref}'s {round} evidence in “{review}” is public again: the public tracker shows it once "
    "the scrutiny officer has accepted it."
)
