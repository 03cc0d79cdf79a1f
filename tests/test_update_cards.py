"""The update cards: valid Adaptive Card 1.5, under Teams' size limit, and showing text as typed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from cardcheck import assert_valid_card, render_cards, requires_renderer, strings
from test_status_cards import DRAWN, MARKUP, drawn

from cards.grades import GRADES, look
from cards.update import (
    action_card,
    choice_card,
    grade_card,
    question_card,
    saved_card,
    summary_card,
    update_form_card,
)
from documents.grades import Grade
from store.views import ActionForUpdate, DraftAnswer, RoundAnswer

LONG = ("Evidence with “quotes”, a dash – and a link https://example.org/ " * 400)[:20_000]


def answer(evidence: str = "Piloted with two groups.", grade: Grade | None = Grade.SLIPPED) -> RoundAnswer:
    return RoundAnswer(
        round_label="March 2020",
        evidence=evidence,
        grade=grade,
        explanation="Covid closed the centres." if grade and grade.needs_explanation else None,
        impact=None,
        recorded_at=datetime(2020, 3, 31, 16, 0, tzinfo=UTC),
        recorded_by="Craig Taylor",
    )


def view(
    *, evidence: str = "Piloted with two groups.", current: RoundAnswer | None = None
) -> ActionForUpdate:
    return ActionForUpdate(
        action_id=12,
        review_id=1,
        review_title="Digital Optimisation",
        recommendation_number=7,
        recommendation_text="SBC embraces the iDEA concept.",
        position=2,
        group="For Community",
        agreed_action="Market and promote to Adult learners.",
        success_measure="Learners use iDEA.",
        date_text="October 2019 – ongoing",
        responsibility="Craig Taylor",
        round_id=3,
        round_label="September 2020",
        deadline=date(2020, 9, 30),
        last_round=answer(evidence),
        current=current,
    )


def every_card(evidence: str) -> dict[str, dict[str, Any]]:
    draft = DraftAnswer(evidence=evidence, grade=Grade.NOT_ACHIEVED, explanation=evidence, impact=evidence)
    saved = answer(evidence, Grade.ON_TRACK).model_copy(update={"round_label": "September 2020"})
    return {
        "action": action_card(view(evidence=evidence, current=saved)),
        "question": question_card(
            "Evidence of impact?", [("Skip", "skip")], quote=evidence, quote_label="Before:"
        ),
        "choice": choice_card(
            "Which recommendation?", [(str(n), f"Recommendation {n}") for n in range(1, 30)]
        ),
        "grade": grade_card("How would you grade it?"),
        "summary": summary_card(view(evidence=evidence), draft),
        "saved": saved_card(view(evidence=evidence), saved),
        "form": update_form_card(view(evidence=evidence), form_id="f" * 32, max_text_length=20_000),
        "form changing": update_form_card(
            view(evidence=evidence, current=saved), form_id="f" * 32, max_text_length=20_000
        ),
    }


@pytest.mark.parametrize(
    "evidence", ["Short.", LONG, "é" * 20_000], ids=["short", "20000 chars", "non-ASCII"]
)
def test_every_update_card_is_valid_1_5_and_fits_in_a_teams_message(evidence: str) -> None:
    for name, card in every_card(evidence).items():
        assert_valid_card(card, name)
        assert card["version"] == "1.5"


def test_long_text_is_trimmed_with_an_ellipsis_in_read_only_cards() -> None:
    card = action_card(view(evidence=LONG))
    shown = [s for s in strings(card) if s.startswith("Evidence with")]
    assert shown and shown[0].endswith("…") and len(shown[0]) < 2_000


def test_the_form_keeps_a_long_saved_answer_whole_or_says_it_cannot_show_it() -> None:
    ascii_long = "a" * 20_000
    card = update_form_card(
        view(current=answer(ascii_long, Grade.ON_TRACK)), form_id="f" * 32, max_text_length=20_000
    )
    evidence = next(e for e in card["body"] if e.get("id") == "evidence")
    assert evidence["value"] == ascii_long  # never trimmed: it is what would be saved again
    wide = "é" * 20_000  # six bytes each once escaped: too big to send back in a form
    card = update_form_card(
        view(current=answer(wide, Grade.ON_TRACK)), form_id="f" * 32, max_text_length=20_000
    )
    evidence = next(e for e in card["body"] if e.get("id") == "evidence")
    assert "value" not in evidence
    assert any("is too long to show in a form" in s for s in strings(card))


def test_the_form_asks_every_field_and_names_its_verb() -> None:
    card = update_form_card(view(), form_id="abc12345", max_text_length=20_000)
    inputs = {e["id"]: e for e in card["body"] if e.get("id")}
    assert inputs["evidence"]["isMultiline"] and inputs["evidence"]["isRequired"]
    assert inputs["evidence"]["maxLength"] == 20_000
    assert [c["title"] for c in inputs["grade"]["choices"]] == [
        "1 Fully Achieved",
        "2 On-Track",
        "3 Slipped",
        "4 Not Achieved",
    ]
    assert {"explanation", "impact"} <= inputs.keys()
    (save,) = card["actions"]
    assert save["data"] == {"verb": "save_update", "action_id": 12, "round_id": 3, "form_id": "abc12345"}


def test_text_people_typed_is_drawn_by_the_plans_one_rule() -> None:
    card = summary_card(view(), DraftAnswer(evidence=MARKUP, grade=Grade.ON_TRACK))
    runs = [
        inline
        for element in card["body"]
        if element["type"] == "RichTextBlock"
        for inline in element["inlines"]
    ]
    # TextRuns are never read as Markdown or HTML: a tag stays as typed, the convention's bold and
    # link are drawn, and no asterisk or bracket of it is shown.
    shown = drawn(runs)
    assert any(shown[i : i + len(DRAWN)] == DRAWN for i in range(len(shown)))
    assert not any("**" in r["text"] or "](" in r["text"] for r in runs)


def test_the_saved_card_has_no_buttons_left_to_press() -> None:
    card = saved_card(view(), answer().model_copy(update={"round_label": "September 2020"}))
    assert "actions" not in card
    assert "Saved: Recommendation 7, action 2 · September 2020 update" in strings(card)


def test_each_grade_has_its_words_and_one_colour() -> None:
    assert [look(g).numbered for g in Grade] == [
        "1 Fully Achieved",
        "2 On-Track",
        "3 Slipped",
        "4 Not Achieved",
    ]
    assert [look(g).words for g in Grade] == [g.label for g in Grade]
    assert len({GRADES[g].color for g in Grade}) == 4
    assert look(None).words == "Not assessed"
    card = grade_card("How would you grade it?")
    colours = {block["inlines"][0]["text"]: block["inlines"][0]["color"] for block in card["body"][1:]}
    assert colours == {
        "1 Fully Achieved": "Good",
        "2 On-Track": "Accent",
        "3 Slipped": "Warning",
        "4 Not Achieved": "Attention",
    }


@requires_renderer
def test_microsofts_renderer_reads_every_update_card_without_a_complaint(tmp_path: Path) -> None:
    cards = {name.replace(" ", "_"): card for name, card in every_card(MARKUP).items()}
    assert render_cards(cards, tmp_path) == {name: [] for name in cards}
