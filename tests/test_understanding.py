"""The understanding on its own (no bot, no database): what a message asks, and about what, read
against a plan's words; and every example a feature declares is understood as that feature's kind."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dialogs.status import QUESTIONS
from documents.word_reader import read_docx
from understanding.plan import PlanIndex, PlanWords, RecommendationWords, ReviewWords, learnt_abbreviations
from understanding.progress import reads_as_report
from understanding.understand import Ask, understand
from understanding.words import normalise

PLANS = Path(__file__).parent / "plans"


def index_of(path: Path, synonyms: dict[str, str] | None = None) -> PlanIndex:
    """A plan file's words, as the bot reads them from the database."""
    plan = yaml.safe_load(path.read_text())
    rounds = tuple(r["label"] for r in plan.get("rounds", []))
    recommendations = tuple(
        RecommendationWords(
            id=r["number"],
            review_id=1,
            number=r["number"],
            text=r["text"],
            actions=tuple(" ".join(filter(None, (a.get("group"), a["agreed_action"]))) for a in r["actions"]),
            measures=tuple(a.get("success_measure") or "" for a in r["actions"]),
        )
        for r in plan["recommendations"]
    )
    people = sorted(
        {
            name.strip()
            for r in plan["recommendations"]
            for a in r["actions"]
            for name in a["responsibility"].split("/")
            if not any(word in name for word in ("Group", "Team", "Board"))
        }
    )
    open_round = next((r["label"] for r in plan.get("rounds", []) if r.get("open")), None)
    review = ReviewWords(
        id=1, title=plan["review"], committee=plan.get("committee"), rounds=rounds, open_round=open_round
    )
    return PlanIndex(PlanWords((review,), recommendations, tuple(people), synonyms or {}))


@pytest.fixture(scope="module")
def waste() -> PlanIndex:
    return index_of(PLANS / "waste-and-recycling.yaml")


def test_number_words_typos_and_markup_become_plain_words() -> None:
    assert normalise("Recommendation FIVE") == "recommendation 5"
    assert normalise("What's the <b>Wi-Fi</b> one?") == "whats the wifi one?"
    assert normalise("rec twelve &amp; thirteen") == "rec 12 & 13"


def test_abbreviations_are_learnt_from_the_plan_itself() -> None:
    learnt = learnt_abbreviations(
        [
            "SBC embraces the iDEA (The Duke of York Inspiring Digital Enterprise Award) concept.",
            "The Household Waste Recycling Centre (HWRC) opening hours.",
            "Digital Services Group to oversee the work.",
            "Members (as agreed in March) meet monthly.",  # an aside, not a definition
        ]
    )
    assert learnt["idea"] == "duke of york inspiring digital enterprise award"
    assert learnt["hwrc"] == "household waste recycling centre"
    assert learnt["dsg"] == "digital services group"
    assert "members" not in learnt


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("how are the plastic pots and trays going", 1),
        ("anything on the household waste recycling centre?", 2),  # the long form; the plan says HWRC
        ("HWRC booking?", 2),
        ("contaminated bins", 3),
        ("food waste collection", 4),
        ("flytipping", 5),  # joined up
        ("fly tiping enforcement", 5),  # a typo
        ("recycling in blocks of flats", 6),
        ("the reuse shop", 7),
        ("what are we doing in schools", 8),
        ("rec six", 6),
        ("R8", 8),
    ],
)
def test_another_councils_plan_is_read_by_its_own_words(waste: PlanIndex, question: str, number: int) -> None:
    understood = understand(question, waste)
    assert understood.ask is Ask.RECOMMENDATION
    assert understood.number == number or [m.recommendation.number for m in understood.candidates()] == [
        number
    ]


@pytest.mark.parametrize(
    ("question", "ask"),
    [
        ("what's slipped on waste", Ask.SLIPPED),
        ("which ones failed", Ask.NOT_ACHIEVED),
        ("anything late?", Ask.OVERDUE),
        ("who hasn't sent an update", Ask.MISSING),
        ("what needs checking", Ask.WAITING),
        ("anything bounced back", Ask.RETURNED),
        ("what's finished", Ask.FULLY_ACHIEVED),
        ("how many are on track", Ask.ON_TRACK),
        ("how is it all going overall", Ask.OVERVIEW),
        ("who is leading on the reuse shop", Ask.WHO),
        ("when's the deadline", Ask.WHEN),
        ("what's new since April", Ask.CHANGES),
    ],
)
def test_the_kinds_of_question_are_asked_the_same_of_any_plan(
    waste: PlanIndex, question: str, ask: Ask
) -> None:
    assert understand(question, waste).ask is ask


def test_a_person_and_a_round_are_found_by_name(waste: PlanIndex) -> None:
    person = waste.plan.people[0]
    understood = understand(f"what is {person.split()[0]} doing?", waste)
    assert understood.ask is Ask.PERSON and understood.person == person
    since = understand("anything changed since the last round?", waste)
    assert since.ask is Ask.CHANGES and since.round_label == "April 2023"


def test_a_councils_synonyms_find_what_the_plan_says_in_other_words() -> None:
    plain = index_of(PLANS / "waste-and-recycling.yaml")
    assert understand("how is the tip going", plain).ask is None
    own = index_of(
        PLANS / "waste-and-recycling.yaml", synonyms={"the tip": "Household Waste Recycling Centre"}
    )
    assert [m.recommendation.number for m in understand("how is the tip going", own).candidates()] == [2]


@pytest.mark.parametrize("declared", QUESTIONS, ids=lambda q: q.ask.value)
def test_every_example_a_feature_declares_is_understood_as_its_kind(
    declared: object, digital: PlanIndex
) -> None:
    for example in declared.examples:  # type: ignore[attr-defined]
        understood = understand(example, digital)
        assert understood.ask is declared.ask, (example, understood)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def digital(tmp_path_factory: pytest.TempPathFactory) -> PlanIndex:
    """The seed's plan, through the plan format the importer writes."""
    samples = Path(__file__).resolve().parents[1] / "samples"
    document = read_docx((samples / "progress-update-march-2020.docx").read_bytes(), source="sample")
    path = tmp_path_factory.mktemp("plan") / "digital.yaml"
    path.write_text(yaml.safe_dump(document.model_dump(mode="json")))
    return index_of(path)


def test_a_plan_of_one_recommendation_is_found_by_its_words() -> None:
    """BM25 scores shrink as a plan does: what is asked is judged by the share of its words held."""
    one = RecommendationWords(id=1, review_id=1, number=3, text="That free public Wi-Fi is extended.")
    index = PlanIndex(PlanWords((ReviewWords(id=1, title="Digital"),), (one,)))
    assert [m.recommendation.number for m in understand("wifi", index).candidates()] == [3]
    assert understand("parking permits", index).ask is None


@pytest.mark.parametrize(
    ("said", "report"),
    [
        ("Staff signed up to iDEA; 40 badges earned.", True),
        ("I completed the residents survey last week.", True),
        ("Updated the library website with the new opening hours", True),
        ("We have published the list of WiFi locations on the website", True),
        ("the one about Adults and Children's Services", False),
        ("Please list the actions assigned to Ian Coxon.", False),
        ("anything we've failed to deliver", False),
        ("the survey on why residents dont go online - what did it find", False),
    ],
)
def test_progress_typed_in_is_told_from_a_question(said: str, report: bool) -> None:
    assert reads_as_report(said) is report
