"""Every sentence a user reads, in one place, so the wording stays consistent and easy to review."""

# --- Hosting, installation and routing (bot/handler.py, bot/commands.py) ---

BOT_NAME = "Scrutiny bot"
WELCOME_TITLE = "Hello, I'm the Scrutiny bot"
WELCOME_INTRO = (
    "I keep track of the agreed actions from the Select Committee's scrutiny reviews: officers record "
    "their progress updates with me, the chair and the team can ask how things stand, and the team's "
    "channel gets a weekly summary."
)
WELCOME_COMMANDS_HEADING = "What you can say to me"
CHANNEL_HELLO = (
    "Hello, I'm the Scrutiny bot. I'll post progress summaries for the scrutiny reviews in this channel. "
    "Mention me with **help** to see what I can do."
)
HELP_HEADING = "Here is what I can do:"
HELP_ENTRY = "- **{usage}**: {help}"
HELP_EXAMPLES = " Or ask: {examples}."
HELP_IN_ANY_WORDS = "Ask in your own words too: I look for the recommendation in the plan's own words."
HELP_COMMAND = "Show what I can do."
CANCEL_COMMAND = "Stop what we are in the middle of, such as an update."
NOTHING_TO_CANCEL = "There is nothing to cancel: we weren't in the middle of anything."
NOTHING_TO_GO_BACK = "There is nothing to go back to: we weren't in the middle of anything."
BACK_COMMAND = "Go back to the previous question of an update."
UNKNOWN_COMMAND_SUGGESTION = "Sorry, I didn't understand that. Did you mean **{suggestion}**?"
# Free text outside a dialog: a short line, the closest commands ("**status**, **my actions** or
# **update**"), never the whole help.
UNKNOWN_COMMAND_TRY = (
    "Sorry, I didn't understand that. Try {commands}, or say **help** for everything I can do."
)
# Free text that reads like progress, from an officer: kept, and offered at the next update.
UNKNOWN_EVIDENCE_KEPT = (
    "That sounds like progress on an action. I haven't recorded it yet, but I've kept your words: say "
    "**update**, choose the action, and I'll offer them as its evidence. "
    "Or try {commands}, or say **help** for everything I can do."
)
# The same from someone the bot doesn't know (nothing can be recorded for them), or too long to keep.
UNKNOWN_LOOKS_LIKE_EVIDENCE = (
    "That sounds like progress on an action, but I haven't saved it: I only record progress in an "
    "update. To record it, say **update** and send the same words when I ask for the evidence. "
    "Or try {commands}, or say **help** for everything I can do."
)
COMMAND_CHOICE = "**{name}**"
# "A, B or C": choices and names in a sentence.
OR_LIST = "{some} or {last}"
EMPTY_MESSAGE = "Say **help** to see what I can do."
CARD_OUT_OF_DATE = "That card is out of date, so I can't act on it. Say **help** to see what I can do now."
# One sentence for everyone the bot doesn't know, whatever they asked for.
NOT_ON_ROSTER = (
    "I don't know you as an officer yet, so I can't {consequence}. "
    "Please ask {admins} to add you to the roster."
)
NOT_ON_ROSTER_RECORD = "record anything for you"
NOT_ON_ROSTER_YOURS = "tell which actions are yours"
NOT_ON_ROSTER_ANY_ADMIN = "an admin"
MESSAGES_CROSSED = (
    "Two of your messages arrived at the same moment and I could only follow one of them. "
    "Please send your last message again."
)
APOLOGY = (
    "Sorry, something went wrong on our side (reference {reference}). Your words are not lost: your "
    "message is still in this chat and anything you entered before it is kept, so you can try again. "
    "If it keeps happening, please give the reference to an administrator."
)

# --- Progress updates: the guided dialog and the one-card form (dialogs/update_*.py, cards/update.py) ---

UPDATE_COMMAND_HELP = (
    "Give a progress update for one of your actions, step by step. "
    "**update 7** goes straight to Recommendation 7."
)
UPDATE_USAGE = "update [recommendation]"
UPDATE_ARGUMENT_NOT_UNDERSTOOD = (
    "**update** takes a recommendation number, like **update 7**, or **update 7.2** for its second action."
)
UPDATE_NOTHING_TO_DO = (
    "There is nothing for you to update just now: none of your actions is in an open monitoring round."
)
# Someone no action names (a chair, a councillor): nothing to update, and what they can ask instead.
UPDATE_NO_ACTIONS = (
    "No agreed action names you, so there is nothing for you to update. You can ask how things "
    "stand: **status**, **status 7**, **slipped**, **summary**, or a question in your own words."
)
UPDATE_NO_RECOMMENDATION = "There is no Recommendation {number} among the actions you can update."
UPDATE_NO_ACTION = "Recommendation {number} has no action {position} among the actions you can update."

ASK_REVIEW = "Which review is this update for?"
ASK_RECOMMENDATION = "Which recommendation?"
ASK_ACTION = "Which agreed action?"
ASK_EVIDENCE = (
    "**Evidence of progress** for {round_label}: what has been done? Write as much as you need, "
    "in one message (bullet points and links are welcome)."
)
ASK_GRADE = "**Assessment of progress** for {round_label}: how would you grade it?"
ASK_EXPLANATION = "**{grade}** needs an explanation: what has held it up, and what happens next?"
ASK_IMPACT = "**Evidence of impact**: what difference has it made so far? Say **skip** if there is none yet."
ASK_CONFIRM = "Here is your update. Save it?"
ASK_CHANGE = "What would you like to change?"
SKIP_BUTTON = "Skip"
SAVE_BUTTON = "Save"
CHANGE_BUTTON = "Change"
CANCEL_BUTTON = "Cancel"
NEXT_BUTTON = "Next"
PREVIOUS_CHOICE = "You chose {answer} last time."

ANSWER_NEEDED = "I need an answer to this one. Say **back** to go to the previous question, or **cancel**."
NOT_A_CHOICE = "That isn't one of the choices. Pick one of the buttons or type its number."
NOT_A_GRADE = "That isn't a grade. Choose 1 Fully Achieved, 2 On-Track, 3 Slipped or 4 Not Achieved."
NOT_SAVE_OR_CHANGE = "Say **save** to save it, **change** to change something, or **cancel**."
TEXT_TOO_LONG = (
    "That is {length:,} characters long; the limit is {limit:,}. I have kept what you wrote. "
    "Say **keep** to save the first {limit:,} characters (ending “{ending}”), or send a shorter version."
)

HELP_DURING_UPDATE = (
    "You are giving a progress update. Answer the question above, or say **back** for the previous "
    "question, **cancel** to stop without saving, or **help** for this message."
)
HELP_FOR_QUESTION = {
    "review": "Pick the review whose action plan this update belongs to.",
    "recommendation": "Pick the recommendation; the ones you are responsible for come first.",
    "action": "Pick the agreed action you are reporting on.",
    "evidence": (
        "Evidence of progress is what the committee reads first: what has been done since the last "
        "update, with dates, figures and links where you have them."
    ),
    "grade": (
        "The grades are the committee's: 1 Fully Achieved (done: nothing more will be asked), "
        "2 On-Track, 3 Slipped (say why), 4 Not Achieved (say why)."
    ),
    "explanation": "Slipped and Not Achieved need a short explanation: the reason, and what happens next.",
    "impact": "Evidence of impact is the difference the action has made for people. It can wait: say skip.",
    "confirm": "Save stores the update; Change lets you correct one answer; Cancel throws it away.",
    "change": "Pick the answer you want to give again; the others are kept.",
}
CANCELLED = "Cancelled: nothing was saved."
BACK_AT_START = "This is the first question, so there is nothing to go back to. Say **cancel** to stop."
SAVED = "Saved: {action} — {grade} for {round_label}."
# Saved in answer to a return: it is the scrutiny officer's to read again.
SAVED_RESUBMITTED = "Saved and sent back to the scrutiny officer: {action} — {grade} for {round_label}."
SAVED_CARD_RESUBMITTED = "Sent back to the scrutiny officer, who had returned it because: {reason}"
ASSESSMENT_LABEL = "Assessment of progress"
EVIDENCE_LABEL = "Evidence of progress"
# A command typed at a question that takes any words ("update 13" at "Evidence of progress?").
COMMAND_OR_ANSWER = "{start}, or keep “{command}” as your {answer}?"
START_AGAIN_WITH = "Start again with {what}"
STOP_AND_RUN = "Stop this update and do “{command}”"
KEEP_AS_ANSWER = "Keep it as my {answer}"
ANSWER_NAMES = {"evidence": "evidence", "explanation": "explanation", "impact": "evidence of impact"}
SAVED_ALREADY = (
    "That was saved already, by {who} at {time} ({action}, {round_label}): nothing more was changed."
)
SOMEONE = "someone"
# An Action.Execute Teams delivered twice: the first delivery's answer stands.
EXECUTE_REPEATED = "That was done already: nothing more was changed."
# A press that carries on in the chat (the guided update, the review queue), under its card.
EXECUTE_BELOW = "Carried on in the chat below."
CHANGING_SAVED_ANSWER = "You are changing the answer saved on {when} by {who}."
UPDATE_LEFT = "I've left the update you were giving for {action}; nothing was saved for it."

FORM_NOT_SAVED = "Not saved: {problem}"
FORM_NOT_UNDERSTOOD = "I couldn't read that form. Say **update** to start again."
FORM_EVIDENCE_TOO_LONG_TO_SHOW = (
    "Your saved evidence ({length:,} characters) is too long to show in a form: write it again here, "
    "or say **update** to change only the grade step by step."
)
KEEP_PREVIOUS_BUTTON = "Keep my previous answer"
PREVIOUS_ANSWER_LABEL = "Your previous answer (say **same** to keep it):"
UPDATE_SOMEONE_ELSE = (
    "Someone else is giving a progress update here just now. To give yours, message me in a 1:1 chat."
)
UPDATE_FINISH_FIRST = (
    "You are in the middle of a progress update. Finish it, or say **cancel**, then press that button again."
)
GRADE_NEEDED = "Choose a grade: 1 Fully Achieved, 2 On-Track, 3 Slipped or 4 Not Achieved."
UPDATE_HINT = "At any question you can say **back**, **cancel** or **help**."
FORM_EVIDENCE_NEEDED = "Evidence of progress is needed: say what has been done so far."

# --- Status questions and cards (issue 4) ---
CHART_CARRIED = "{count} Fully Achieved in an earlier round"
CHART_NOT_ASSESSED = "{count} not assessed"

# --- Weekly summaries and reminders (cards/summary.py, cards/reminder.py, dialogs/summary.py) ---

SUMMARY_COMMAND_HELP = (
    "Post the summary of every review here now. An admin can set this channel's weekly time: "
    "**summary every Friday at 14:00**."
)
SUMMARY_USAGE = "summary [every DAY at HH:MM]"
SUMMARY_TITLE_WEEKLY = "Weekly summary: {review}"
SUMMARY_TITLE = "Summary: {review}"
SUMMARY_NO_ROUNDS = "No monitoring round yet."
SUMMARY_LATEST_ROUND = "No round is open; these are the grades from {round}."
SUMMARY_OPEN_ROUND = "{round} round, open."
SUMMARY_OPEN_ROUND_DUE = "{round} round, updates due by {deadline}."
SUMMARY_CHANGES_HEADING = "Since {since}"
SUMMARY_NO_CHANGES = "No new updates."
# A round brought in from the council's document: one line, not a change per action.
SUMMARY_IMPORTED_LINE = "{round} imported: {count}"
SUMMARY_IMPORTED_UPDATE = " update"
SUMMARY_IMPORTED_UPDATES = " updates"
SUMMARY_CHANGE_LINE = "{round}: {grade}{who}"  # after the action's number
SUMMARY_CARRIED = "N/A (Fully Achieved)"
SUMMARY_NO_GRADE = "not graded yet"
SUMMARY_UNCHANGED = "{grade} (unchanged)"
SUMMARY_SLIPPED_HEADING = "Slipped or Not Achieved"
SUMMARY_NONE_SLIPPED = "Nothing has slipped."
SUMMARY_SLIPPED_LINE = "{grade} — {owners}: {action}"  # after the action's number
SUMMARY_MISSING_HEADING = "Still to update for {round}"
SUMMARY_MISSING_HEADING_CLOSED = "Updates"
SUMMARY_NO_OPEN_ROUND = "No round is open, so no updates are being asked for."
SUMMARY_NONE_MISSING = "Every action has its update. Thank you!"
SUMMARY_MISSING_LINE = "{owner}: {refs}"
SUMMARY_SHARED = "{ref} (with {others})"  # an action with several owners, in one owner's line
SUMMARY_MORE = "…and {count} more — say “{say}” to see them all."
SUMMARY_SAY_MISSING = "missing"
SUMMARY_SAY_MY_ACTIONS = "my actions"
SUMMARY_REVIEW_GONE = "This review is no longer in the plans, so there is nothing to show here now."
SUMMARY_YOURS_HEADING = "Yours to update"
SUMMARY_SAY_SLIPPED = "slipped"
SUMMARY_SAY_STATUS = "status"
SUMMARY_NO_REVIEWS = "There are no reviews to summarise yet. An admin can import an action plan."
SUMMARY_SCHEDULE_SET = "Weekly summary here: {schedule}. Next: {next}."
SUMMARY_SCHEDULE_ADMINS_ONLY = (
    "Only an admin can change when this channel's weekly summary is posted. It is {schedule}; "
    "say **summary** to see one now."
)
SUMMARY_SCHEDULE_CHANNEL_ONLY = (
    "The weekly summary goes to channels. Say **summary every Friday at 14:00** in a channel the app "
    "has been added to."
)
SUMMARY_SCHEDULE_NOT_INSTALLED = (
    "I don't have this channel on my list yet. Remove and add the app again, then set the time."
)

REMINDER_TITLE = "Your progress updates for {round} are due by {deadline}"
REMINDER_INTRO = "{review}: these actions have no update yet. Press a button to give one now."
REMINDER_BUTTON = "Update {ref}"
REMINDER_UNREACHABLE = (
    "I couldn't remind these officers myself (they haven't used the app in Teams yet); please pass it on:"
)
REMINDER_UNREACHABLE_LINE = "{name}: {refs}"
AFTER_DEADLINE_TITLE = "{round} updates: the deadline ({deadline}) has passed"
AFTER_DEADLINE_INTRO = "{review}: {count} action(s) still have no update."
AFTER_DEADLINE_LINE = "— {owners}: {action}"  # after the action's number

STATUS_COMMAND_HELP = (
    "The review at a glance, or one recommendation: **status 7**, **status wifi**, "
    "or ask “what's the status of rec 7?”."
)
STATUS_USAGE = "status [number or words]"
RECOMMENDATION_COMMAND_HELP = "One recommendation's actions, grades in every round and latest evidence."
RECOMMENDATION_USAGE = "recommendation 7"
SLIPPED_COMMAND_HELP = "Actions whose latest grade is Slipped, with who is responsible."
NOT_ACHIEVED_COMMAND_HELP = "Actions whose latest grade is Not Achieved."
MISSING_COMMAND_HELP = "Actions with no update yet in the open round."
OVERDUE_COMMAND_HELP = "Actions past their date and not Fully Achieved."
OVERALL_COMMAND_HELP = (
    "Where the review stands: how many actions are at each grade, and how the open round is going."
)
ACHIEVED_COMMAND_HELP = "Actions whose latest grade is Fully Achieved."
WHO_COMMAND_HELP = "Who is responsible for a recommendation or an action."
WHEN_COMMAND_HELP = "When a recommendation's actions are due, or when the open round's updates are."
CHANGES_COMMAND_HELP = "What changed since a round or a date: new returns and their grades."
MY_ACTIONS_COMMAND_HELP = "The actions you are responsible for, with their latest grades."
STATUS_RECOMMENDATION_TITLE = "Recommendation {number}"
STATUS_FROM_A_NUMBER = "Here is Recommendation {number} — next time, say **status {number}**."
STATUS_ACTION_TITLE = "Action {ref}"
STATUS_RESPONSIBILITY = "Responsibility"
STATUS_DATE = "Date"
STATUS_DONE_EARLIER = "Achieved earlier"
STATUS_NO_GRADE = "No grade"
STATUS_LATEST_EVIDENCE = "Latest evidence ({round})"
STATUS_LATEST_EVIDENCE_BY = "Latest evidence ({round}, by {who})"
STATUS_NO_EVIDENCE = "No evidence given yet."
STATUS_EVIDENCE_SHORTENED = (
    "Shortened to fit in a Teams message (the whole text is {length:,} characters): "
    "an exported progress update has all of it."
)
STATUS_SHOW_ALL = "Show all"
STATUS_SHOW_LESS = "Show less"
STATUS_EXPLANATION = "Why"
STATUS_UPDATE_BUTTON = "Update {ref}"
# Teams shows the link's own card wherever it is pasted (a chat, a channel, a meeting's chat).
SEARCH_HOW = "Type a recommendation's number (7) or words from it (wifi)."
SEARCH_TOO_LONG = "That is too long to search for: type a number or a few words (up to {limit} characters)."
SEARCH_NOTHING = "No recommendation matches that. Try its number, or other words from it."
UNFURL_NOT_A_RECOMMENDATION = "That link is not to a recommendation."
RECOMMENDATION_GONE = "Recommendation {number} is no longer in the plans: its review may have been removed."
# A recommendation's link opened in a browser (HTML; the review's title is escaped).
LINK_PAGE = (
    "Recommendation {number} of <b>{review}</b>. In Microsoft Teams, ask the Scrutiny bot "
    "<b>status {number}</b>, or paste this link into any chat to see its card."
)
LINK_PAGE_GONE = "Recommendation {number}'s review is no longer in the plans."
# The committee's page and the public tracker (page/, bot/pages.py).
PAGE_NO_REVIEW = "There is no such review."
PAGE_NO_REVIEW_SAID = "This review is not in the plans, or it has been removed."
PAGE_NOT_PUBLIC = "This review is not published"
PAGE_NOT_PUBLIC_SAID = "The council has not published a tracker for this review, or has taken it down."
PAGE_NOT_HERE = "There is no such page here."
LINK_PAGE_NO_RECOMMENDATION = (
    "<b>{review}</b> has no Recommendation {number}. In Microsoft Teams, ask the Scrutiny bot "
    "<b>status</b> to see the recommendations it has."
)
STATUS_LINK = "Paste this recommendation anywhere in Teams: [{link}]({link})"
STATUS_NO_ACTIONS = "No agreed actions yet."
STATUS_NO_ACTIONS_SHORT = "No agreed actions yet"  # in the badge at the end of a recommendation's line
STATUS_SHOWING = "Showing {first}–{last} of {total}."
STATUS_NEXT = "Next {count}"
STATUS_PREVIOUS = "Previous {count}"
STATUS_OPEN_ROUND = "{round} round: open for updates."
STATUS_OPEN_ROUND_DUE = "{round} round: updates due by {deadline}."
STATUS_LATEST_ROUND = "No round is open: these are the grades from {round}."
STATUS_NO_ROUNDS = "No monitoring round yet."
STATUS_ACTION_COUNT = "{count} agreed actions"
STATUS_RECOMMENDATIONS_HEADING = "Recommendations (worst open grade)"
STATUS_NO_RECOMMENDATIONS = "No recommendations yet."
STATUS_TAP_A_LINE = "Tap a recommendation for its actions, or say “status 7”."
OPEN_THE_TRACKER = "Open the tracker"
STATUS_LIST_TITLE = "{title}: {count}"
STATUS_SEVERAL_MATCH = "Several recommendations match. Which one?"
STATUS_SHOW_RECOMMENDATION = "Show Recommendation {number}"
STATUS_WHICH_REVIEW = "Which review?"
STATUS_PICK_A_REVIEW = "Pick a review."
STATUS_SHOW_BUTTON = "Show"
STATUS_SLIPPED_TITLE = "Slipped"
STATUS_SLIPPED_NONE = "No action's latest grade is Slipped."
STATUS_NOT_ACHIEVED_TITLE = "Not Achieved"
STATUS_NOT_ACHIEVED_NONE = "No action's latest grade is Not Achieved."
STATUS_ON_TRACK_TITLE = "On-Track"
STATUS_ON_TRACK_NONE = "No action's latest grade is On-Track."
STATUS_ACHIEVED_TITLE = "Fully Achieved"
STATUS_ACHIEVED_NONE = "No action has been graded Fully Achieved yet."
STATUS_MISSING_TITLE = "No update yet for {round}"
STATUS_MISSING_NONE = "Every action has an update for {round}."
STATUS_MISSING_NO_ROUND = "No round is open in “{review}”, so no updates are being asked for just now."
STATUS_OVERDUE_TITLE = "Overdue"
STATUS_OVERDUE_SUBTITLE = "{review} — past their date on {today}, not Fully Achieved"
STATUS_OVERDUE_NONE = "No action is past its date without being Fully Achieved."
STATUS_MY_ACTIONS_TITLE = "Your actions"
STATUS_MY_ACTIONS_NONE = "No agreed action names you as responsible."
STATUS_DEPUTY_FOR = "Yours to record this round, for {owners}"  # a deputy's line in "my actions"
STATUS_NO_REVIEWS = "No action plan has been loaded yet, so there is no status to show."
STATUS_NO_SUCH_RECOMMENDATION = (
    "“{review}” has no Recommendation {number}: its recommendations are numbered {first}–{last}."
)
STATUS_NOTHING_MATCHES = (
    "No recommendation matches those words. Say **status** for the list, or **status 7** for one by number."
)

# --- Questions in plain words (understanding/, dialogs/asking.py) ---

# Nothing understood: what can be asked, with examples made from this council's plan.
ASK_NOT_UNDERSTOOD = "I'm not sure what you're asking. You could ask, for example:"
ASK_EXAMPLE = "- “{example}”"
ASK_EXAMPLE_TOPIC = "how is the {topic} one going?"
ASK_EXAMPLE_WHO = "who is responsible for recommendation {number}?"
ASK_EXAMPLE_LIST = "what has slipped?"
ASK_OR_TRY = "Or try {commands}, or say **help** for everything I can do."
ASK_TOO_LONG_CLI = (
    "That is longer than a question I can read ({limit} characters at most): ask it in a sentence."
)
ASK_WHOSE_CLI = (
    "On the command line I don't know who you are: name the person, as in “what is Lorraine Dixon doing?”."
)
ASK_WHICH_ONE = "Which one do you mean: {choices}?"
ASK_CHOICE = "Recommendation {number} ({text})"
ASK_WHICH_RECOMMENDATION = (
    "Which recommendation? Say, for example, “who is responsible for recommendation 4?”."
)
ASK_UNKNOWN_PERSON = (
    "I don't know anyone called {name}: nobody of that name is responsible for an action{people}."
)
ASK_PEOPLE_HINT = " (those who are include {names})"
ASK_PERSON_TITLE = "{name}'s actions"
ASK_PERSON_NONE = "No agreed action names {name} as responsible."
ASK_WHO_LINE = "- **{ref}** {responsibility}"
ASK_WHO_INTRO = "Who is responsible for Recommendation {number} ({text}):"
ASK_WHEN_INTRO = "When Recommendation {number}'s actions are due ({text}):"
ASK_WHEN_LINE = "- **{ref}** {date} — {grade}"
ASK_WHEN_REVISED = "{date} (revised from {original})"
ASK_NO_DATE = "no date given"
ASK_ROUND_DUE = "{review}: updates for the {round} round are due by **{deadline}**. {missing}"
ASK_ROUND_NO_DEADLINE = "{review}: the {round} round is open, with no deadline set. {missing}"
ASK_ROUND_MISSING = "{count} of {asked} actions have no update yet."
ASK_ROUND_CLOSED = "{review}: the {round} round is closed; no round is open just now."
ASK_ROUND_NONE_OPEN = "{review}: no round is open just now, so no updates are due."
ASK_COUNT_LINE = "{review}: **{count}** of {total} actions are {state} (their latest grade){refs}."
ASK_COUNT_STATE_LINE = "{review}: **{count}** of {total} actions {state}{refs}."
ASK_OVERALL = "{review}, by each action's latest grade: {counts}. {round}"
ASK_OVERALL_NO_ACTIONS = "{review} has no agreed actions yet, so there is no progress to report."
ASK_OVERALL_COUNT = "**{count}** {grade}"
ASK_OVERALL_ROUND = "{round}: {updated} of {asked} actions updated so far{deadline}."
ASK_OVERALL_DEADLINE = ", due by {deadline}"
ASK_CHANGES_TITLE = "Changed since {since}"
ASK_CHANGES_INTRO = "{review}: {count} action(s) have a new return since {since}."
ASK_CHANGES_NONE = "{review}: nothing has changed since {since}: no action has a newer return.{waiting}"
ASK_CHANGES_WAITING = " The {round} round is open and {count} action(s) still have no update."
ASK_CHANGES_LINE = "- **{ref}** {before} → {after} ({round})"
ASK_NO_GRADE = "no grade"
ASK_EVERYWHERE_TITLE = "{kind}, in every review"
ASK_EVERY_REVIEW = "All reviews"
ASK_NONE_ANYWHERE = "None, in any review."
ASK_COUNT_EVERYWHERE = "**{count}** actions across {reviews} reviews: {kind}."

# --- The scrutiny officer's review of returns (cards/review.py, dialogs/review.py) ---

REVIEW_COMMAND_HELP = "The updates waiting for you to accept or return (scrutiny officers and admins)."
REVIEW_USAGE = "review"
REVIEW_NOT_A_REVIEWER = (
    "Only a scrutiny officer or an admin reviews updates. Everyone can see where they stand: say "
    "**waiting** or **returned**."
)
REVIEW_NOTHING_WAITING = "Nothing is waiting for review. Thank you!"
# "3 updates and 1 new date wait for you, oldest first.": each kind counted in words.
REVIEW_QUEUE_INTRO = "{waiting} for you, oldest first."
REVIEW_QUEUE_UPDATES = ("{count} update", "{count} updates")
REVIEW_QUEUE_DATES = ("{count} new date", "{count} new dates")
REVIEW_QUEUE_AND = "{first} and {second}"
REVIEW_QUEUE_WAIT = ("waits", "wait")
REVIEW_QUEUE_MORE = "…and {count} more: accept or return these, then say **review** again."
REVIEW_CARD_TITLE = "{name} · {round} update"
REVIEW_RESUBMITTED = "Resubmitted. It was returned because: {reason}"
REVIEW_RECORDED = "Recorded by {who} on {when}"
REVIEW_ACCEPT_BUTTON = "Accept"
REVIEW_RETURN_BUTTON = "Return…"
REVIEW_REASON_LABEL = "Why does it go back? The officer reads this."
REVIEW_REASON_NEEDED = "Say why it goes back."
REVIEW_SEND_BACK_BUTTON = "Return it"
REVIEW_ACCEPTED = "Accepted: {name} for {round}."
REVIEW_ACCEPTED_INTERNAL = "Its evidence stays off the public tracker; the committee still reads it."
REVIEW_INTERNAL_TOGGLE = "Keep this evidence off the public tracker"
REVIEW_INTERNAL_MARK = "Internal: not on the public tracker."
REVIEW_ALREADY_DECIDED = "{name}'s {round} update was already {verdict}{who} at {time}: nothing was changed."
REVIEW_RETURNED = "Returned to {who}: {name} for {round}. They will be told why."
REVIEW_DECIDED_TITLE = "{verdict}: {name} · {round} update"
REVIEW_STATE_WAITING = "waiting for review"
REVIEW_STATE_RETURNED = "returned"
REVIEW_STATE_ACCEPTED = "accepted"
RETURNED_TITLE = "Your {round} update for {name} was returned"
RETURNED_TITLE_DEPUTY = "The {round} update for {name}, recorded on your behalf by {deputy}, was returned"
RETURNED_REASON = "{who} says: {reason}"
RETURNED_BUTTON = "Change my update"
RETURNED_SUMMARY = "Your {round} update for {name} was returned: {reason}"
# Told on someone's first message (or card pressed) after the bot had things for them it could not send.
KEPT_WHILE_AWAY = "While you were away I had no way to message you in Teams, so I kept this for you:"
# To the review's link officer, once per person and notice, above what could not be told.
UNREACHABLE_TITLE = "I couldn't tell {name} this: they haven't used the app in Teams yet"
UNREACHABLE_LATER = "I'll tell them the first time they message me; you may want to pass it on meanwhile."
UNREACHABLE_SUMMARY = "I couldn't reach {name} in Teams"
ACCEPTED_LINE = "Accepted by the scrutiny officer: {names}."
ACCEPTED_ITEM_DEPUTY = "{name} ({round}, recorded on your behalf by {deputy})"
TO_REVIEW_TITLE = "The {round} deadline has passed: {updates} for your review"
TO_REVIEW_BUTTON = "Review them"
WAITING_COMMAND_HELP = "Updates waiting for the scrutiny officer's review."
RETURNED_COMMAND_HELP = "Updates returned to their officers, and by whom they are to be answered."
STATUS_WAITING_TITLE = "Waiting for review"
STATUS_WAITING_NONE = "Nothing is waiting for review."
STATUS_RETURNED_TITLE = "Returned to their officers"
STATUS_RETURNED_NONE = "No update has been returned."
SUMMARY_REVIEW_LINE = "Waiting for review: {waiting}. Returned: {returned}{owners}."
SUMMARY_RETURNED_TO = " (to {names})"  # who each return went back to: who recorded it
CLOSE_ROUND_COMMAND_HELP = "Close the open round (admins); refused while updates wait for review."
CLOSE_ROUND_USAGE = "close round [anyway]"
CLOSE_ROUND_ADMINS_ONLY = "Only an admin can close a round."
CLOSE_ROUND_DONE = "Closed the {round} round of “{review}”."
FORM_RETURNED_BECAUSE = "Returned by the scrutiny officer: {reason}"

# --- Deputies (dialogs/deputies.py) ---

DELEGATE_COMMAND_HELP = (
    "Name a deputy while you are away: delegate 7.2 to Liz Purdy, delegate all to Liz Purdy."
)
DELEGATE_USAGE = "delegate 7.2 to NAME [for ROUND]"
DELEGATE_HOW = (
    "Say which action and who: **delegate 7.2 to Liz Purdy**, or **delegate all to Liz Purdy for "
    "September 2020** for every action of yours."
)
DELEGATED = "{deputy} can now record for {actions} ({round}) on behalf of {owner}, and gets the reminders."
DELEGATIONS_COMMAND_HELP = "The deputies named for open rounds that concern you."
DELEGATIONS_NONE = "No deputies are named for an open round."
DELEGATION_LINE = "- {action} ({review}, {round}): {deputy} on behalf of {owner}"
UNDELEGATE_COMMAND_HELP = "Take back what you delegated: undelegate, or undelegate 7.2."
UNDELEGATED = "Taken back: {count} action(s). Their reminders come to their officers again."
UNDELEGATED_NONE = "You have no deputy named for that in an open round."

# --- Evidence from Teams (dialogs/evidence.py, cards/evidence.py) ---

EVIDENCE_ADDED = "Added as evidence: {names}. Now say what was done (the evidence of progress)."
EVIDENCE_BLOCKED = "{name} is not added: .{ending} files are not accepted as evidence."
EVIDENCE_TOO_BIG = "{name} is not added: it is over the {limit} MB a file may be. Share a link to it instead."
EVIDENCE_OUTSIDE_UPDATE = (
    "To add a file as evidence, say **update**, choose the action, and send the file when I ask for "
    "the evidence."
)
EVIDENCE_CHOOSE_FIRST = "Choose the action first; then send the file, and I will keep it as its evidence."
EVIDENCE_TASK_TITLE = "Add as evidence"
EVIDENCE_CHOOSE_ACTION = "Which action is this message evidence for?"
EVIDENCE_ADD_BUTTON = "Add as evidence"
EVIDENCE_NO_ACTIONS = "You have no action to record for in an open round, so there is nothing to add it to."
EVIDENCE_MESSAGE_UNREADABLE = (
    "I can't read that message (it may be in a chat I am not part of, or have no text), so nothing was "
    "added. Copy its words into your update instead."
)
EVIDENCE_MESSAGE_NAME = "Teams message from {author}"
EVIDENCE_MESSAGE_ADDED = "Added {author}'s message as evidence."
EVIDENCE_ATTACHED = "Attached"
EVIDENCE_MORE = "…and {count} more"

# --- Extension requests (store/extensions.py, dialogs/review.py) ---

EXTEND_COMMAND_HELP = "Ask for a later date for an action: extend 7.2 to March 2021 because …"
EXTEND_USAGE = "extend 7.2 to MONTH YEAR because …"
EXTEND_HOW = (
    "Say which action, the new month and why: **extend 7.2 to March 2021 because** the supplier withdrew."
)
EXTEND_ASKED = "Asked: {name} to {date} (now {current}). The scrutiny officer decides; you will hear."
EXTENSION_TITLE = "New date asked: {name}"
EXTENSION_DATES = "From {current} to {asked}"
EXTENSION_ASKED_BY = "Asked by {who} on {when}"
EXTENSION_APPROVE_BUTTON = "Approve"
EXTENSION_REFUSE_BUTTON = "Refuse…"
EXTENSION_REFUSE_LABEL = "Why is it refused? The officer reads this."
EXTENSION_SEND_REFUSAL_BUTTON = "Refuse it"
EXTENSION_APPROVED = "Approved: {name} is now due {date} (revised from {current})."
EXTENSION_REFUSED = "Refused: {name} stays due {current}. {who} will be told why."
EXTENSION_DECIDED_TITLE = "{verdict}: new date for {name}"
EXTENSION_TOLD_APPROVED = "Your new date for {name} was approved: it is now due {date}."
EXTENSION_TOLD_REFUSED = "Your new date for {name} was refused: {reason}"

# --- The command line (bot/cli/) ---

# `serve`: one short block for whoever started it, then only the lines that matter.
SERVING = "Serving the bot on {url}."
SERVING_LOCAL = (
    "Serving the bot on {url} (local mode: no Microsoft sign-in, so only this computer can reach it)."
)
SERVING_TALK_LABEL = "Talk to it"
SERVING_TALK = (
    "in Microsoft 365 Agents Playground, Teams' emulator (Node.js 20+): Ctrl+C here, then "
    "scripts/playground.sh starts the bot and the playground together, you as an admin; "
    "or point a playground at this bot: agentsplayground -e {url} -c msteams"
)
SERVING_STOP_LABEL = "Stop it"
SERVING_STOP = "Ctrl+C"
SERVING_LOGS_LABEL = "Logs"
SERVING_LOGS_QUIET = "warnings, and the bot's own lines; --verbose adds the libraries' (Alembic, aiohttp)"
SERVING_LOGS_VERBOSE = "every line from {level}, the libraries' too"

# `cards preview`: pictures need Microsoft's renderer, installed the first time it is wanted.
PREVIEW_WROTE = "Wrote {count} cards to {folder}, as JSON and PNG."
PREVIEW_WROTE_JSON = "Wrote {count} cards as JSON to {folder}."
PREVIEW_INSTALLING = (
    "Installing the card renderer for the pictures, once (tools/card-renderer/install.sh: its npm "
    "packages, and Chromium if it is missing)..."
)
PREVIEW_NEEDS_NODE = (
    "Wrote {count} cards as JSON to {folder}. The pictures need Node.js 20 or newer (node and npm): "
    "install it and run this again, and the card renderer is installed then."
)
PREVIEW_INSTALL_FAILED = (
    "Wrote {count} cards as JSON to {folder}, but no pictures: the card renderer could not be "
    "installed ({reason})."
)
