"""Every sentence of drafting the action plan (cards/drafts.py, dialogs/drafts.py), in the voice of
cards/messages.py, which is at its 600-line limit."""

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

DRAFTS_QUEUE_INTRO = "{count} draft action plan(s) waiting for review, oldest first."
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
