"""A message in plain words -> what is asked (an `Ask`) and about what (recommendation, person, round).

The kinds of question are recognised by how English asks them ("behind schedule" is slipped, "past
its date" is overdue), never by a plan's words; what a question is about is found in the plan's
own words (understanding/plan.py). Commands ("status 7", "slipped") are the shortest questions.
"""

from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process

from understanding.plan import Match, PlanIndex, ReviewWords
from understanding.progress import reads_as_report
from understanding.words import STOPWORDS, normalise, stem, tokens


class Ask(enum.StrEnum):
    RECOMMENDATION = "recommendation"  # one recommendation's status
    OVERVIEW = "overview"  # the review at a glance
    SLIPPED = "slipped"
    NOT_ACHIEVED = "not achieved"
    ON_TRACK = "on-track"
    FULLY_ACHIEVED = "fully achieved"
    OVERDUE = "overdue"
    MISSING = "missing"  # no update yet in the open round
    WAITING = "waiting"  # for the scrutiny officer's review
    RETURNED = "returned"  # sent back to their officers
    PERSON = "person"  # someone's actions; "my actions" is the asker's
    WHO = "who"  # who is responsible for a recommendation
    WHEN = "when"  # an action's or recommendation's date, the open round's deadline
    CHANGES = "changes"  # what changed since a round or a date


GRADES = frozenset({Ask.SLIPPED, Ask.NOT_ACHIEVED, Ask.ON_TRACK, Ask.FULLY_ACHIEVED})
# Lists by grade or state: a question naming one recommendation is about that recommendation instead.
LISTS = frozenset(
    {Ask.SLIPPED, Ask.NOT_ACHIEVED, Ask.ON_TRACK, Ask.FULLY_ACHIEVED, Ask.OVERDUE, Ask.MISSING}
    | {Ask.WAITING, Ask.RETURNED}
)


def _cue(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(rf"\b(?:{p})\b" for p in patterns))


# How each kind is asked, tried in this order: the first that matches decides (the more specific
# first: "not achieved" before "achieved", "whose updates are we waiting for" before "waiting").
# Patterns read normalised text: lower case, no apostrophes, number words as digits.
CUES: tuple[tuple[Ask, re.Pattern[str]], ...] = (
    (
        Ask.MISSING,
        _cue(
            r"no (?:update|return|answer|response)s?",
            r"(?:not|never) (?:yet )?(?:been )?(?:updated|submitted|sent in|sent|replied|responded|heard)",
            r"(?:havent|hasnt|didnt|not) (?:yet )?(?:\w+ ){0,2}"
            r"(?:updated|submitted|sent|returned|replied|responded)",
            r"missing|outstanding|lacking|overdue (?:update|return)s?",
            r"yet to (?:update|submit|send|return|reply|respond)",
            r"whose (?:update|return)s?",
            r"(?:still )?waiting (?:for|on) (?:\w+ ){0,3}(?:update|return|answer|submission)s?",
            r"still waiting(?: (?:for|on))?(?! (?:the )?(?:scrutiny|review|approval))",
            r"(?:still )?needs? (?:an? )?(?:update|return)s?",
            r"chase|chasing|not (?:in|back) yet|still to (?:come|update|submit)|owes?|owing",
            r"who (?:still )?(?:needs|has|have) to (?:update|submit|send|return)",
        ),
    ),
    (
        Ask.RETURNED,
        _cue(
            r"returned|(?:sent|send|gone|went|passed|handed|given|kicked|bounced) back|bounced|rejected|redo"
        ),
    ),
    (
        Ask.WAITING,
        _cue(
            r"to be (?:reviewed|checked|looked at|signed off|approved)",
            r"await\w* (?:review|scrutiny|sign off|approval|checking)",
            r"(?:waiting|wait) (?:for|on) (?:the )?(?:review|scrutiny|approval|sign off|checking)",
            r"unreviewed|not (?:yet )?(?:been )?(?:reviewed|checked|looked at)",
            r"needs? (?:reviewing|review|checking|approval|approving|signing off)",
            r"(?:still )?to (?:review|check|approve)|review queue|pending|in review|for review|waiting",
            r"sign(?:ing)? off|approv\w*|scrutiny officer|reviewer",
        ),
    ),
    (
        Ask.WHO,
        _cue(
            r"who\w* (?:is |are )?(?:the )?"
            r"(?:owner|lead|leading|responsible|accountable|in charge|looking after|handling|got)",
            r"who (?:owns|own|leads|runs|does|is doing|is on|has)",
            r"whos? (?:is |are )?(?:dealing with|working on|handling|looking after|leading on|running|doing)",
            r"owner|owners|owns|responsibility|responsible (?:for|officer)|in charge of",
        ),
    ),
    (
        Ask.OVERDUE,
        _cue(
            r"overdue|past (?:its |their |the )?(?:due )?(?:date|deadline)s?|past due|out of date",
            r"(?:missed|gone past|passed|beyond) (?:its |their |the )?(?:\w+ )?(?:date|deadline)s?",
            r"late|expired|should have been (?:done|finished|completed|delivered)",
        ),
    ),
    (
        Ask.SLIPPED,
        _cue(
            r"slip\w*|behind schedule|behind|delay\w*|off track|fall(?:en|ing)? behind|at risk",
            r"stall\w*|stuck|amber|grade[ds]?(?: of)? 3s?|3s",
        ),
    ),
    (
        Ask.NOT_ACHIEVED,
        _cue(
            r"not (?:been )?achieved|unachieved|not achiev\w*|fail\w*(?: to \w+)?",
            r"not (?:been )?(?:met|delivered)",
            r"wont be (?:achieved|met|delivered)|grade[ds]?(?: of)? 4s?|4s",
        ),
    ),
    (Ask.ON_TRACK, _cue(r"on track|ontrack|on schedule|on target|grade[ds]?(?: of)? 2s?|2s")),
    (
        Ask.CHANGES,
        _cue(r"chang\w*|whats new|what is new|whats happened|what happened|since|moved on|differen\w*"),
    ),
    (
        Ask.WHEN,
        _cue(
            r"when|due|deadline|deadlines|due date|due dates|by what date|what date|target date|timescale\w*"
        ),
    ),
    (
        Ask.FULLY_ACHIEVED,
        _cue(
            r"(?:fully )?achieved|complet\w*|finished|done|delivered|closed|green|signed off",
            r"grade[ds]?(?: of)? 1s?|1s|ticked off",
        ),
    ),
    (
        Ask.OVERVIEW,
        _cue(
            r"^(?:status|overview|summary|progress)$",
            r"overall|overview|at a glance|big picture|in general|on the whole|whole (?:review|plan)",
            r"how (?:are|r) (?:we|things|they)|how is (?:it|everything|the review|the plan)",
            r"how many|how much|number of|count|totals?|summary of|where are we|where do we stand",
            r"breakdown|rag|split|distribution|tally|stats|statistics|figures|scorecard|dashboard|snapshot",
        ),
    ),
)
# "how many": the answer is a count, with the list under it.
_COUNT = re.compile(r"\b(?:how many|number of|count|totals?)\b")
_MINE = re.compile(
    r"\b(?:my (?:actions?|recommendations?|items?|tasks?|list|plate|work|bits)|mine|assigned to me"
    r"|what (?:have|do|did) i (?:got|own|have)|what am i (?:doing|on|responsible for)"
    r"|i (?:own|am responsible for))\b"
)
_PERSON_CUE = re.compile(
    r"\b(?:doing|working on|actions?|got|on (?:his|her|their) plate|responsible for|leading|up to|plate"
    r"|looking after|in charge of|owns?|assigned)\b"
)
# A name asked about but not known: "what is Jane Smith doing", "Jane Smith's actions".
_NAMED = re.compile(
    r"(?:what (?:is|s|has|are) |how is )([a-z]+(?: [a-z]+){0,2})"
    r" (?:doing|working on|got|up to|responsible for|getting on)"
    r"|([a-z]+(?: [a-z]+)?)s (?:actions|recommendations|work|list|plate)"
)
# Every review at once: "what has slipped across all reviews?".
_EVERYWHERE = re.compile(
    r"\b(?:(?:all|every|each|both) (?:the |our |of the )?(?:reviews?|committees?|plans?)"
    r"|across (?:all|every|the board|the council|reviews)|council ?wide)\b"
)
# "7.2": Recommendation 7, its second action.
_ACTION_REF = re.compile(r"\b(\d{1,3})\.(\d{1,2})\b")
# "rec 7", "recommendation 7", "R7", "number 7", "no 7", "#7", "item 7"
_REC_NUMBER = re.compile(
    r"(?:\b(?:rec|recs|recommendation|recommendations|r|number|no|num|item)\s*|#)(\d{1,3})\b"
)
_BARE_NUMBER = re.compile(r"(?<![\d.])\b(\d{1,3})\b(?![.\d])")
_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
_MONTH = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_DATE = re.compile(rf"\b(?:(\d{{1,2}})(?:st|nd|rd|th)? )?({_MONTH})(?: (\d{{4}}))?\b")
_THIS_ROUND = re.compile(r"\b(?:this|current|open|present|latest) (?:round|update|cycle|monitoring)\b")
# "when is the next round?": the review's next round, whatever words of a recommendation it shares.
_NEXT_ROUND = re.compile(r"\bnext (?:round|update|updates|cycle|monitoring)\b")
_LAST_ROUND = re.compile(r"\b(?:last|previous|past|earlier) (?:round|update|cycle|monitoring|time)\b")
# Words of asking that name no topic, beyond the general stopwords.
_ASKING = frozenset(
    """
    grade graded grades assessment assessed rating rated score going doing getting coming along
    latest look looking like happening happened where whats progressed progressing been done sort
    stuff review reviews plan plans round rounds hows whats wheres whos many overall list lists
    listed give giving details report everything return returns submission submissions deadline
    need needs meant supposed
    """.split()
)


@dataclass(frozen=True)
class Understood:
    """What a message asks. `ask` None: not a question we know; the reply says what can be asked."""

    text: str  # the message as understood: normalised, typos corrected
    ask: Ask | None
    count: bool = False  # "how many": a count comes first
    numbers: tuple[int, ...] = ()  # recommendations named by number
    action: int | None = None  # "7.2": the action's position within the recommendation
    matches: tuple[Match, ...] = ()  # recommendations found by words, best first
    topic: str = ""  # the words they were found by
    person: str | None = None  # a person on the roster named
    unknown_person: str | None = None  # a name asked about that nobody on the roster has
    mine: bool = False  # the asker's own actions
    review_id: int | None = None  # a review named in words
    everywhere: bool = False  # about every review at once
    round_label: str | None = None  # a round named ("September", "last round")
    since: date | None = None  # "since 1 September 2020"
    notes: tuple[str, ...] = field(default=(), compare=False)  # why, for --explain

    @property
    def number(self) -> int | None:
        return self.numbers[0] if self.numbers else None

    def candidates(self, limit: int = 3) -> list[Match]:
        """The recommendations that fit about equally well: one when it is clear."""
        return close_matches(list(self.matches), limit=limit)


# A best match is clear when this much ahead of the next (by score); closer than that, ask back.
CLEAR_RATIO = 1.35
NEAR_RATIO = 1.1
# Below this share of what was asked (weighted by rarity), a match is a word in common by chance.
MIN_COVERAGE = 0.4
# A match scoring below this fraction of the best is not offered as a choice.
OFFER_RATIO = 0.6


def close_matches(matches: list[Match], *, limit: int = 3) -> list[Match]:
    if not matches:
        return []
    best, second = matches[0], matches[1] if len(matches) > 1 else None
    # Clear when well ahead, or ahead and holding more of the words asked ("leadership" as well).
    if (
        second is None
        or best.score >= CLEAR_RATIO * second.score
        or (best.coverage > second.coverage and best.score >= NEAR_RATIO * second.score)
    ):
        return [best]
    return [m for m in matches[:limit] if m.score >= OFFER_RATIO * best.score]


def understand(text: str, index: PlanIndex, *, review_id: int | None = None) -> Understood:
    """What `text` asks of the plan in `index`; `review_id` is the review chosen in the conversation."""
    said = _corrected(normalise(text), index)
    quoted = index.quoted(text)
    if quoted is not None:  # the plan's own words pasted in: that recommendation
        return Understood(said, Ask.RECOMMENDATION, matches=(quoted,), notes=("the plan's words, quoted",))
    if reads_as_report(text):  # progress typed in: kept for an update, not answered
        return Understood(said, None, notes=("reads as a report of progress",))
    notes: list[str] = []
    ask, cue = _kind(said)
    if cue is not None:
        notes.append(f"asked: {ask} (“{' '.join(m.group(0) for m in cue.finditer(said))}”)")
    # The words of asking are no topic: "how many have slipped" is about no recommendation.
    rest = _COUNT.sub(" ", cue.sub(" ", said) if cue is not None else said)
    count = bool(_COUNT.search(said))
    if count and sum(1 for kind, pattern in CUES if kind in GRADES and pattern.search(said)) > 1:
        ask = Ask.OVERVIEW  # "how many done and how many on track": every count at once
    everywhere = bool(_EVERYWHERE.search(said))
    rest = _EVERYWHERE.sub(" ", rest)
    numbers, action, rest = _numbers(rest, count=count)
    since, round_label, rest = _when(said, rest, index, review_id)
    mine, person, unknown, rest = _people(
        said, rest, index, asking_about_someone=ask in (Ask.PERSON, Ask.WHO, None)
    )

    named_review = _review_named(rest, index.plan.reviews, overview=ask is Ask.OVERVIEW)
    # "the digital review": its title's words name the review, not a recommendation.
    title = set(normalise(named_review.title).split()) if named_review else set()
    skip = STOPWORDS | _ASKING | title
    words = [w for w in tokens(rest) if w not in skip and not w.isdigit()]
    matches = _found(
        words, index, scope=named_review.id if named_review else review_id, named=bool(named_review)
    )
    if matches:
        notes.append(
            "found by words: " + ", ".join(f"{m.recommendation.number} ({m.score:.1f})" for m in matches[:3])
        )
    clear = _clear(matches)

    # What it is about settles what is asked: a list about one recommendation is that recommendation.
    if (ask is None or ask is Ask.OVERVIEW) and (
        mine or (person and (_PERSON_CUE.search(said) or not words)) or unknown
    ):
        ask = Ask.PERSON
    if ask is Ask.WHO and person and not numbers and not matches:
        ask = Ask.PERSON  # "who is Craig Taylor", "whos got what"
    if ask in LISTS and (numbers or (clear and clear.coverage >= 0.5)):
        ask = Ask.RECOMMENDATION  # "is rec 3 finished?", "has the wifi one slipped?"
    elif ask is None and (numbers or matches):
        ask = Ask.RECOMMENDATION
    elif ask is None and (named_review is not None or everywhere):
        ask = Ask.OVERVIEW
    elif ask is Ask.OVERVIEW and not count and (numbers or (matches and (named_review is None or clear))):
        ask = Ask.RECOMMENDATION  # "where are we on the My Stockton review?", "…on food waste collections"
    if ask is Ask.RECOMMENDATION and not numbers and not matches:
        ask = None
    if ask is Ask.WHEN and since is not None:
        ask = Ask.CHANGES
    if _NEXT_ROUND.search(said) and not numbers and ask in (None, Ask.WHEN, Ask.OVERVIEW):
        ask, matches = Ask.WHEN, []
    if ask is Ask.WHEN and round_label and not numbers:
        matches = []  # "when are the October updates due": the round's deadline
    return Understood(
        text=said,
        ask=ask,
        count=count,
        numbers=tuple(dict.fromkeys(numbers)),
        action=action,
        matches=tuple(matches),
        topic=" ".join(words),
        person=person,
        unknown_person=unknown,
        mine=mine,
        review_id=named_review.id if named_review else None,
        everywhere=everywhere and named_review is None,
        round_label=round_label,
        since=since,
        notes=tuple(notes),
    )


def _numbers(rest: str, *, count: bool) -> tuple[list[int], int | None, str]:
    """Recommendations named by number ("rec 7", "R7", "7.2", a bare "7"), and the words left."""
    numbers: list[int] = []
    action = None
    if action_ref := _ACTION_REF.search(rest):
        numbers, action = [int(action_ref.group(1))], int(action_ref.group(2))
        rest = rest.replace(action_ref.group(0), " ")
    numbers += [int(n) for n in _REC_NUMBER.findall(rest)]
    rest = _REC_NUMBER.sub(" ", rest)
    if not numbers and not count and (bare := _BARE_NUMBER.findall(rest)):
        numbers = [int(bare[0])]  # "is 3 finished?", "how's 7 going"
    return numbers, action, _BARE_NUMBER.sub(" ", rest)


def _people(
    said: str, rest: str, index: PlanIndex, *, asking_about_someone: bool
) -> tuple[bool, str | None, str | None, str]:
    """The asker ("my actions"), a person on the roster, or a name nobody has; and the words left."""
    mine = bool(_MINE.search(said))
    person = None if mine else _person(said, index)
    unknown = None
    if person is None and not mine and asking_about_someone and (named := _NAMED.search(said)):
        candidate = named.group(1) or named.group(2)
        if not set(candidate.split()) & (STOPWORDS | _ASKING) and not index.known(candidate.split()[-1]):
            unknown = candidate.title()
    if person:
        for part in normalise(person).split():
            rest = re.sub(rf"\b{re.escape(part)}s?\b", " ", rest)
    return mine, person, unknown, rest


def _found(words: list[str], index: PlanIndex, *, scope: int | None, named: bool) -> list[Match]:
    """Recommendations for the topic words, in the review named or chosen, else anywhere; those with
    too little of what was said (a word in common by chance, or another language) left out."""
    matches = index.rank(words, review_id=scope) if words else []
    if not matches and scope is not None and not named:
        matches = index.rank(words)  # the words may well be about another review
    return [m for m in matches if m.coverage >= MIN_COVERAGE]


def _kind(said: str) -> tuple[Ask | None, re.Pattern[str] | None]:
    for ask, pattern in CUES:
        if pattern.search(said):
            return ask, pattern
    return None, None


def _clear(matches: list[Match]) -> Match | None:
    close = close_matches(matches)
    return close[0] if len(close) == 1 else None


_CUE_WORDS = sorted(
    {
        w
        for pattern in (*(p for _, p in CUES), _MINE, _PERSON_CUE, _NAMED, _THIS_ROUND, _LAST_ROUND)
        for w in re.findall(r"[a-z]{4,}", pattern.pattern)
    }
    | {"status", "recommendation", "overdue", "slipped", "achieved", "returned", "responsible"}
)
# Whole words a slip may be put right to: a pattern's stem ("chang\w*") is no word to correct towards.
_CUE_TARGETS = sorted(
    {
        w
        for pattern in (*(p for _, p in CUES), _MINE, _PERSON_CUE, _NAMED, _THIS_ROUND, _LAST_ROUND)
        for w in re.findall(r"[a-z]{4,}(?![a-z]|\\w)", pattern.pattern)
    }
    | {"status", "recommendation", "overdue", "slipped", "achieved", "returned", "responsible", "update"}
)


def is_asking_word(word: str) -> bool:
    """A word of asking, not a slip: "overview" is no mistyped "review"."""
    return word in STOPWORDS or word in _ASKING or word in _CUE_WORDS


def _corrected(said: str, index: PlanIndex) -> str:
    """Typos put right: to the plan's own word, or to a word of asking ("sliped" -> "slipped")."""
    out = []
    for word in said.split():
        if (
            len(word) < 4
            or not word.isalpha()
            or word in STOPWORDS
            or word in _ASKING
            or index.known(word)
            or any(word.startswith(cue) for cue in _CUE_WORDS)  # "changed" is "chang…", no slip
        ):
            out.append(word)
            continue
        fixed = index.corrected(word)
        if fixed == word:
            found = process.extractOne(
                word, [w for w in _CUE_TARGETS if w[0] == word[0]], scorer=fuzz.ratio, score_cutoff=80
            )
            fixed = found[0] if found else word
        out.append(fixed)
    return " ".join(out)


def _when(
    said: str, rest: str, index: PlanIndex, review_id: int | None
) -> tuple[date | None, str | None, str]:
    """A round named ("September", "the last round") and a date after "since" in what was said;
    the rest of the words without them."""
    reviews = [r for r in index.plan.reviews if review_id is None or r.id == review_id] or list(
        index.plan.reviews
    )
    rounds = [label for r in reviews for label in r.rounds]
    open_rounds = [r.open_round for r in reviews if r.open_round]
    round_label = None
    since = None
    if _THIS_ROUND.search(rest) and open_rounds:
        round_label = open_rounds[0]
    elif (last := _LAST_ROUND.search(rest)) and rounds:
        current = open_rounds[0] if open_rounds else None
        earlier = [label for label in rounds if label != current]
        round_label = earlier[-1] if earlier else rounds[-1]
        if re.search(r"\bsince\b", said):
            since = _round_month(round_label)
        rest = rest.replace(last.group(0), " ")
    for found in _DATE.finditer(rest):
        day, month_name, year = found.groups()
        month = _MONTH_NAMES[month_name]
        # A month's short name alone ("mar", "may") is more often a word than a month.
        if (
            len(month_name) == 3
            and not (day or year)
            and not re.search(rf"\b(?:since|in|by|due|for)\s+{month_name}\b", rest)
        ):
            continue
        label = next(
            (
                r
                for r in reversed(rounds)
                if r.lower().startswith(calendar.month_name[month].lower()) and (not year or r.endswith(year))
            ),
            None,
        )
        if label and round_label is None:
            round_label = label
        if re.search(rf"\bsince\s+(?:the\s+)?{re.escape(found.group(0))}", said):
            if label and not day:
                since = _round_month(label)
            elif year or label:
                since = date(int(year or (label or "").rsplit(" ", 1)[-1]), month, int(day or 1))
        rest = rest.replace(found.group(0), " ")
    return since, round_label, rest


def _round_month(label: str) -> date:
    month_name, year = label.rsplit(" ", 1)
    return date(int(year), _MONTH_NAMES[month_name.lower()], 1)


def _person(said: str, index: PlanIndex) -> str | None:
    """A person named: whole name, else a first or last name only one person has."""
    for name in index.plan.people:
        if re.search(rf"\b{re.escape(normalise(name))}\b", said):
            return name
    words = set(said.split()) | {w.removesuffix("s") for w in said.split()}  # "lizs actions"
    found = [
        name
        for name in index.plan.people
        if any(
            part in words and part not in STOPWORDS and not index.in_plan_text(part)
            for part in normalise(name).split()
        )
    ]
    if len(set(found)) == 1:
        return found[0]
    # A typo in a whole name: "craig tailor".
    pairs = [" ".join(pair) for pair in zip(said.split(), said.split()[1:], strict=False)]
    for name in index.plan.people:
        if pairs and process.extractOne(normalise(name), pairs, scorer=fuzz.ratio, score_cutoff=88):
            return name
    return None


def _review_named(rest: str, reviews: tuple[ReviewWords, ...], *, overview: bool) -> ReviewWords | None:
    """A review named in words, as "the digital review": a word of its title with "review" (or
    "committee", or asking how things are overall), or its whole title."""
    if not reviews:
        return None
    words = set(rest.split())
    stems = {stem(w) for w in words}
    named = []
    for review in reviews:
        title = normalise(review.title)
        title_stems = {stem(w) for w in title.split() if w not in STOPWORDS}
        if re.search(rf"\b{re.escape(title)}\b", rest) or (
            (overview or words & {"review", "reviews", "committee", "plan"}) and title_stems & stems
        ):
            named.append(review)
    return named[0] if len(named) == 1 else None
