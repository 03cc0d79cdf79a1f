"""Words as the understanding compares them: lower case, number words as digits, stemmed.

"Recommendation five" is "recommendation 5" (text2num), "appraisals" meets "appraisal" (Snowball's
English stemmer, PyStemmer), "Wi-Fi" is "wifi". Both the plan and the question go through here, so
they meet halfway whatever the council's spelling.
"""

from __future__ import annotations

import contextlib
import html
import re
from functools import lru_cache

import Stemmer
from text_to_num import alpha2digit

_TAG = re.compile(r"<[^>]*>")
# "Wi-Fi", "e-mail": a hyphen inside a word joins it; elsewhere it is punctuation.
_JOINED = re.compile(r"(?<=[a-z])-(?=[a-z])")
# Words, and numbered references such as "7.2" kept whole.
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+|\d+")

# Words that say nothing about which recommendation is meant, in any question: the language of
# asking, of the monitoring itself, and of English's glue. Topic words never belong here.
STOPWORDS = frozenset(
    """
    a about after again all also am an and any anything are as at be been being but by can could did
    do does doing done for from get gets getting go goes going gone got had has have having he her
    here hers him his how i if in into is it its itself just know latest let me more most much my
    new news now of off on one ones or our ours out over please pls re really s said say see she
    should show so some still tell than thank thanks that the their them then there these they thing
    things this those to too up us very want was we were what whats when where which while who whom
    whose why will with would yet you your hi hello hey ok okay find found arent isnt wasnt werent
    havent hasnt dont doesnt didnt cant wont officer officers council councils committee anyone
    anybody someone everyone bit lot thats theres heres lets ive weve youve im ill youre theyre hes
    shes its recommendation recommendations rec recs status progress update updates position action
    actions item items number no each every per
    """.split()
)

_STEMMER = Stemmer.Stemmer("english")


def clean(text: str | None) -> str:
    """What the person typed, without markup, on one line."""
    if not text:
        return ""
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


def normalise(text: str) -> str:
    """Lower case, number words as digits, apostrophes gone ("what's" is "whats"), on one line."""
    text = clean(text).replace("’", "'").replace("‘", "'")
    text = _JOINED.sub("", text.lower())
    text = text.replace("'", "")
    # text2num refuses some odd runs of numbers: the words then stay words.
    with contextlib.suppress(Exception):
        text = alpha2digit(text, "en")
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    """The words and numbers of already normalised text, in order."""
    return _TOKEN.findall(text)


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def stems(words: list[str]) -> list[str]:
    return [stem(word) for word in words]


def topic_stems(text: str) -> list[str]:
    """The stems of the words that could name a topic: no stopwords, no bare numbers."""
    return [stem(word) for word in tokens(normalise(text)) if word not in STOPWORDS and not word.isdigit()]
