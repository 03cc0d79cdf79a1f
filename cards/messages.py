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
HELP_COMMAND = "Show what I can do."
CANCEL_COMMAND = "Stop what we are in the middle of, such as an update."
NOTHING_TO_CANCEL = "There is nothing to cancel: we weren't in the middle of anything."
UNKNOWN_COMMAND = "Sorry, I didn't understand that."
UNKNOWN_COMMAND_SUGGESTION = "Sorry, I didn't understand that. Did you mean **{suggestion}**?"
EMPTY_MESSAGE = "Say **help** to see what I can do."
CARD_OUT_OF_DATE = "That card is out of date, so I can't act on it. Say **help** to see what I can do now."
NOT_ON_ROSTER = (
    "I can show you how the actions stand, but I don't know you as an officer yet, so I can't record "
    "anything for you."
)
NOT_ON_ROSTER_ASK = " Please ask {admins} to add you to the roster."
NOT_ON_ROSTER_ASK_ANY_ADMIN = " Please ask the bot's administrator to add you to the roster."
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
UPDATE_NOT_KNOWN = (
    "I can't match you to anyone named in the action plans, so I can't take an update from you. "
    "Please ask an admin to add you to the roster."
)
UPDATE_NOTHING_TO_DO = (
    "There is nothing for you to update just now: none of your actions is in an open monitoring round."
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
SAVED_ALREADY = "That form was already saved ({action}, {round_label}); nothing more was changed."
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
