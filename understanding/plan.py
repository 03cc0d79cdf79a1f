"""The plan's own words, indexed: which recommendation a handful of words is about.

Each recommendation is ranked by BM25 (bm25s) over its text, its agreed actions, their success
measures and latest evidence, each field weighted by how surely it speaks for the recommendation.
Words are stemmed; a word the plan never uses is corrected to the nearest one it does (rapidfuzz);
abbreviations are learnt from the plan itself, both as it defines them ("iDEA (The Duke of York
Inspiring Digital Enterprise Award)") and as the initials of its capitalised names ("Digital Services
Group" is "DSG"); a council's own synonyms come from its settings. Nothing here knows one plan.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from understanding.words import STOPWORDS, normalise, stem, tokens

# How much each field speaks for its recommendation: the committee's own words most, then what
# was agreed, then how success is measured, then what officers wrote (long, and about much else).
FIELD_WEIGHTS = {"text": 3.0, "actions": 2.0, "measures": 1.0, "evidence": 0.6}
# A word the plan lacks is taken for the plan's closest word this few edits away (a letter missing,
# added, changed, or two swapped): one for a short word, two from seven letters on.
TYPO_EDITS = {4: 1, 7: 2}
# A word found only in an action's evidence holds this much of it: officers write of much else.
EVIDENCE_ONLY = 0.3
# Pasted from the plan: at least this long, and this similar to a stretch of its words (0-100).
QUOTE_LENGTH = 30
QUOTE_SIMILARITY = 92.0
# "ABBR (Long Form)" or "Long Form (ABBR)", as reports define their abbreviations.
_DEFINED = re.compile(
    r"([A-Za-z][\w&-]{1,11})\s*\(([^()]{6,90})\)|([A-Z][\w'’&-]*(?:\s+[\w'’&-]+){1,8})\s*\(([A-Za-z&]{2,10})\)"
)
# A name of two to six capitalised words (with "of", "and", "the" between): its initials are an
# abbreviation the committee may use ("Digital Services Group" -> "dsg").
_NAME = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:(?:of|and|for|the|&)\s+)?[A-Z][\w'’-]*){1,5}")


@dataclass(frozen=True)
class RecommendationWords:
    id: int
    review_id: int
    number: int
    text: str
    actions: tuple[str, ...] = ()  # agreed actions, and the sub-headings they sit under
    measures: tuple[str, ...] = ()  # agreed success measures
    evidence: tuple[str, ...] = ()  # each action's latest evidence of progress


@dataclass(frozen=True)
class ReviewWords:
    id: int
    title: str
    committee: str | None = None
    rounds: tuple[str, ...] = ()  # "March 2020", "September 2020", oldest first
    open_round: str | None = None


@dataclass(frozen=True)
class PlanWords:
    """Everything the understanding reads: built by the caller from the store's read models."""

    reviews: tuple[ReviewWords, ...]
    recommendations: tuple[RecommendationWords, ...]
    people: tuple[str, ...] = ()  # people (not groups) named in plans or on the roster
    synonyms: Mapping[str, str] = field(
        default_factory=dict
    )  # the council's own: "DSG" -> "Digital Services Group"


@dataclass(frozen=True)
class Match:
    recommendation: RecommendationWords
    score: float
    # Of the question's topic stems, how many this recommendation's words contain (0-1).
    coverage: float


def _field_texts(recommendation: RecommendationWords) -> dict[str, list[str]]:
    return {
        "text": [recommendation.text],
        "actions": list(recommendation.actions),
        "measures": list(recommendation.measures),
        "evidence": list(recommendation.evidence),
    }


def _stems_of(texts: Iterable[str]) -> list[str]:
    return [stem(word) for text in texts for word in tokens(normalise(text)) if not word.isdigit()]


def learnt_abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """Short form -> long form, from definitions and from capitalised names' initials."""
    found: dict[str, str] = {}
    for text in texts:
        for short, long, long2, short2 in _DEFINED.findall(text):
            short, long = (short, long) if short else (short2, long2)
            initials = "".join(word[0] for word in re.findall(r"[A-Za-z]+", long)).lower()
            letters = short.lower().replace("&", "")
            # A definition, not an aside: its letters are the long form's initials, in order.
            if letters and _in_order(letters, initials):
                found.setdefault(
                    normalise(short), normalise(re.sub(r"^(?:the|a|an)\s+", "", long, flags=re.I))
                )
        for name in _NAME.findall(text):
            words = [w for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper()]
            if len(words) >= 2:
                found.setdefault("".join(w[0] for w in words).lower(), normalise(name))
    return found


def _content(text: str) -> str:
    return " ".join(w for w in tokens(text) if w not in STOPWORDS)


def _in_order(letters: str, initials: str) -> bool:
    remaining = iter(initials)
    return all(letter in remaining for letter in letters)


class PlanIndex:
    """Built once per version of the plan (the caller keeps it), then asked many questions."""

    def __init__(self, plan: PlanWords) -> None:
        self.plan = plan
        self.recommendations = plan.recommendations
        docs = [_field_texts(r) for r in self.recommendations]
        self._corpora = {name: [_stems_of(doc[name]) or [""] for doc in docs] for name in FIELD_WEIGHTS}
        self._fields: dict[str, Any] | None = None  # bm25s's indexes, made when first asked to rank
        self._doc_stems = [set(_stems_of(t for texts in doc.values() for t in texts)) for doc in docs]
        # The committee's and the plan's own words, without what officers wrote since.
        self._plan_stems_of = [
            set(_stems_of([*doc["text"], *doc["actions"], *doc["measures"]])) for doc in docs
        ]
        every = [t for r in self.recommendations for texts in _field_texts(r).values() for t in texts]
        self.vocabulary = sorted(
            {w for t in every for w in tokens(normalise(t)) if w.isalpha() and len(w) > 2}
        )
        # People's names are words of the plan too: "Mearns" is nobody's typo for "means".
        self._plan_stems = {stem(w) for w in self.vocabulary}
        names = {w for name in plan.people for w in tokens(normalise(name))}
        self._known_stems = self._plan_stems | {stem(w) for w in names}
        # Both sides as a question's topic words come: without "the", "of", "and".
        learnt = {
            **learnt_abbreviations(every),
            **{normalise(k): normalise(v) for k, v in plan.synonyms.items()},
        }
        self.abbreviations = {
            _content(short): _content(long) for short, long in learnt.items() if _content(short)
        }

    # --- words ---

    def known(self, word: str) -> bool:
        """A word of the plan's text, or of a person's name."""
        return stem(word) in self._known_stems

    def in_plan_text(self, word: str) -> bool:
        return stem(word) in self._plan_stems

    def corrected(self, word: str) -> str:
        """The plan's word for a word it lacks ("appraisels" -> "appraisals"); the word if none is near.
        A typo keeps its first letter, else "wifi" would become "will"."""
        if len(word) < 4 or not word.isalpha() or self.known(word) or word in STOPWORDS:
            return word
        edits = max(allowed for length, allowed in TYPO_EDITS.items() if len(word) >= length)
        found = process.extractOne(
            word, [w for w in self.vocabulary if w[0] == word[0]], scorer=OSA.distance, score_cutoff=edits
        )
        return found[0] if found else word

    def quoted(self, text: str) -> Match | None:
        """The one recommendation whose own words (its text or an agreed action) the message copies:
        half a sentence pasted from the plan is a question about it, not a report of progress."""
        said = normalise(text)
        if len(said) < QUOTE_LENGTH:
            return None
        found = [
            rec
            for rec in self.recommendations
            if any(
                fuzz.partial_ratio(said, normalise(words)) >= QUOTE_SIMILARITY
                for words in (rec.text, *rec.actions)
                if len(words) >= len(said)
            )
        ]
        return Match(found[0], score=100.0, coverage=1.0) if len(found) == 1 else None

    def expanded(self, words: list[str]) -> list[str]:
        """The words with each abbreviation's long form added, and each long form's abbreviation."""
        said = " ".join(words)
        extra: list[str] = []
        for short, long in self.abbreviations.items():
            if re.search(rf"\b{re.escape(short)}s?\b", said):  # "the DSG's role"
                extra.extend(tokens(long))
            elif len(long.split()) > 1 and re.search(rf"\b{re.escape(long)}\b", said):
                extra.append(short)
        return words + [w for w in extra if w not in STOPWORDS]

    # --- ranking ---

    def rank(self, words: list[str], *, review_id: int | None = None) -> list[Match]:
        """Recommendations for these topic words (already corrected), best first; those sharing no
        stem with them (or with an abbreviation's other form) are left out."""
        asked = sorted({stem(w) for w in words if w not in STOPWORDS})
        query = sorted({stem(w) for w in self.expanded(words) if w not in STOPWORDS})
        if not query or not self.recommendations:
            return []
        fields = self._retrievers()
        total = sum(weight * fields[name].get_scores(query) for name, weight in FIELD_WEIGHTS.items())
        ranked = []
        for i, recommendation in enumerate(self.recommendations):
            if review_id is not None and recommendation.review_id != review_id:
                continue
            # A rare word held counts for more than a common one ("leadership", not "group"), and a
            # word only in officers' evidence for less than one in the plan's own words.
            held = sum(self._rarity(s) * self._held(s, i) for s in asked)
            if held and total[i] > 0:
                ranked.append(Match(recommendation, float(total[i]), held / sum(map(self._rarity, asked))))
        return sorted(ranked, key=lambda m: -m.score)

    def _held(self, asked: str, i: int) -> float:
        """How far recommendation i holds an asked stem: in its own words (an abbreviation counts as
        said when its long form is there, and the other way round), or only in evidence."""
        if asked in self._plan_stems_of[i] or self._stands_for(asked, self._plan_stems_of[i]):
            return 1.0
        return (
            EVIDENCE_ONLY
            if asked in self._doc_stems[i] or self._stands_for(asked, self._doc_stems[i])
            else 0.0
        )

    def _retrievers(self) -> dict[str, Any]:
        """One BM25 index a field. Imported and built on the first ranking: "anything slipped?" needs
        none, and numpy is a tenth of a second of a command line's start."""
        if self._fields is None:
            import bm25s

            self._fields = {}
            for name, corpus in self._corpora.items():
                self._fields[name] = retriever = bm25s.BM25()
                retriever.index(corpus, show_progress=False)
        return self._fields

    def _rarity(self, asked: str) -> float:
        """How few recommendations use the stem (inverse document frequency); unknown ones count 1."""
        held = sum(1 for stems in self._doc_stems if asked in stems)
        return math.log(1 + len(self._doc_stems) / held) if held else 1.0

    def _stands_for(self, asked: str, stems: set[str]) -> bool:
        for short, long in self.abbreviations.items():
            long_stems = {stem(w) for w in tokens(long) if w not in STOPWORDS}
            if asked == stem(short) and long_stems and long_stems <= stems:
                return True
            if asked in long_stems and stem(short) in stems:
                return True
        return False
