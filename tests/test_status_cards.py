"""The status cards and the grade chart: what a councillor reads, valid and small enough for Teams."""

from __future__ import annotations

from datetime import date
from typing import Any

from cardcheck import assert_valid_card

from cards.charts import grade_distribution
from cards.size import CARD_BYTE_LIMIT, card_bytes
from cards.status import Page, action_list_card, plan_text, recommendation_card, review_choice_card
from cards.update import open_update_data
from documents.grades import Grade
from store.views import ActionView, GradeCounts, RecommendationView, ReviewSummary, RoundGrade


def counts(
    fully: int, on_track: int, slipped: int, not_achieved: int, *, carried: int = 0, unassessed: int = 0
) -> GradeCounts:
    grades = {
        Grade.FULLY_ACHIEVED: fully,
        Grade.ON_TRACK: on_track,
        Grade.SLIPPED: slipped,
        Grade.NOT_ACHIEVED: not_achieved,
    }
    return GradeCounts(
        round_id=1,
        round_label="March 2020",
        counts=grades,
        not_assessed=unassessed,
        carried=carried,
        total=sum(grades.values()) + carried + unassessed,
    )


def in_card(elements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "AdaptiveCard", "version": "1.5", "body": elements}


def test_the_grade_chart_is_a_bar_of_grade_coloured_columns_with_a_legend() -> None:
    bar, legend = grade_distribution(counts(5, 16, 6, 0))
    assert bar["type"] == "ColumnSet"
    # Widths in proportion to the counts; no column for a grade nobody has.
    assert [(c["width"], c["style"]) for c in bar["columns"]] == [(5, "good"), (16, "accent"), (6, "warning")]
    assert all(c["spacing"] == "None" for c in bar["columns"])
    assert [c["items"][0]["text"] for c in bar["columns"]] == ["5", "16", "6"]
    assert legend["text"] == "5 Fully Achieved · 16 On-Track · 6 Slipped · 0 Not Achieved"
    assert_valid_card(in_card([bar, legend]))


def test_the_grade_chart_counts_earlier_achievements_and_unassessed_actions() -> None:
    bar, legend = grade_distribution(counts(1, 30, 2, 1, carried=6, unassessed=20))
    assert [(c["width"], c["style"]) for c in bar["columns"]] == [
        (7, "good"),
        (30, "accent"),
        (5, "warning"),  # 2 and 1 drawn as wide as 5 of 60: wide enough for their numbers on a phone
        (5, "attention"),
        (20, "emphasis"),
    ]
    # Every part carries its number.
    assert [c["items"][0]["text"] for c in bar["columns"]] == ["7", "30", "2", "1", "20"]
    assert legend["text"] == (
        "1 Fully Achieved · 30 On-Track · 2 Slipped · 1 Not Achieved · "
        "6 Fully Achieved in an earlier round · 20 not assessed"
    )
    assert_valid_card(in_card([bar, legend]))


def test_the_grade_chart_of_a_round_nobody_has_graded_is_only_words() -> None:
    elements = grade_distribution(counts(0, 0, 0, 0))
    assert [e["type"] for e in elements] == ["TextBlock"]
    assert_valid_card(in_card(elements))


def test_the_grade_chart_uses_no_element_some_teams_clients_cannot_draw() -> None:
    text = str(grade_distribution(counts(3, 4, 5, 6, carried=1, unassessed=2)))
    assert "Chart." not in text and "Image" not in text


# --- the status cards, from read models ---


def round_grades(*grades: Grade | None) -> list[RoundGrade]:
    labels = [
        "March 2019",
        "September 2019",
        "March 2020",
        "September 2020",
        "March 2021",
        "September 2021",
        "March 2022",
        "September 2022",
    ]
    return [
        RoundGrade(
            round_id=n, round_label=labels[n], grade=g, fully_achieved_carried=False, has_update=g is not None
        )
        for n, g in enumerate(grades)
    ]


def action(
    position: int = 1, *, evidence: str = "Piloted with two groups.", review_id: int = 1, **more: Any
) -> ActionView:
    fields: dict[str, Any] = dict(
        id=100 * review_id + position,
        review_id=review_id,
        review_title=f"Review {review_id}",
        recommendation_id=7,
        recommendation_number=7,
        recommendation_text="SBC embraces the *iDEA* concept.",
        position=position,
        group=None,
        responsibility="Craig Taylor",
        owners=["Craig Taylor"],
        owner_ids=[3],
        date_text="October 2019",
        due_by=date(2019, 10, 31),
        ongoing=False,
        agreed_action="Market and promote to *Adult* learners.",
        success_measure="",
        trend=round_grades(Grade.ON_TRACK, Grade.SLIPPED),
        latest_grade=Grade.SLIPPED,
        done=False,
        asked_now=True,
        latest_evidence=evidence,
        latest_explanation="Venues closed.",
        latest_impact=None,
        latest_round_label="September 2019",
        last_recorded_at=None,
        last_recorded_by=None,
    )
    fields.update(more)
    return ActionView(**fields)


def recommendation(actions: list[ActionView]) -> RecommendationView:
    return RecommendationView(
        id=7,
        review_id=1,
        review_title="Digital Optimisation",
        number=7,
        text="SBC embraces the *iDEA* concept.",
        actions=actions,
        link_officer_ids=[],
    )


def runs(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [r for item in node for r in runs(item)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("type") == "TextRun" else []
    return own + [r for value in node.values() for r in runs(value)]


def of_type(node: Any, kind: str) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [b for item in node for b in of_type(item, kind)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("type") == kind else []
    return own + [b for value in node.values() for b in of_type(value, kind)]


def texts(card: dict[str, Any]) -> list[str]:
    return [b["text"] for b in of_type(card, "TextBlock")] + [r["text"] for r in runs(card)]


PAGE = Page(question="status 7", review_id=1)
MARKUP = "<b>as typed</b> **in bold** [the report](https://example.org)"
DRAWN = [  # (text, bold, italic, link): the plan's markup drawn, nothing else read as markup
    ("<b>as typed</b> ", None, None, None),
    ("in bold", "Bolder", None, None),
    (" ", None, None, None),
    ("the report", None, None, "https://example.org"),
]


def drawn(runs: list[dict[str, Any]]) -> list[tuple[str, str | None, bool | None, str | None]]:
    return [(r["text"], r.get("weight"), r.get("italic"), r.get("selectAction", {}).get("url")) for r in runs]


def test_evidence_and_plan_text_are_drawn_with_the_plans_markup_never_its_characters() -> None:
    card = recommendation_card(recommendation([action(evidence=MARKUP)]), page=PAGE)
    assert_valid_card(card)
    shown = drawn(runs(card))
    assert any(shown[i : i + len(DRAWN)] == DRAWN for i in range(len(shown)))
    assert not any("**" in r["text"] or "](" in r["text"] for r in runs(card))
    italic = [r["text"] for r in runs(card) if r.get("italic")]
    assert italic == ["iDEA", "Adult"]  # the Word document's italics, without asterisks


def test_a_plan_text_trimmed_inside_emphasis_leaves_no_stray_asterisk() -> None:
    block = plan_text("Include 'Sign up for *My Stockton*' on the home page.", 27).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    assert [(r["text"], r.get("italic")) for r in block["inlines"]] == [
        ("Include 'Sign up for ", None),
        ("My Sto…", True),
    ]


def test_eight_rounds_are_shown_in_rows_of_four() -> None:
    grades = [
        Grade.ON_TRACK,
        Grade.SLIPPED,
        Grade.SLIPPED,
        Grade.ON_TRACK,
        Grade.ON_TRACK,
        None,
        Grade.NOT_ACHIEVED,
        Grade.FULLY_ACHIEVED,
    ]
    card = recommendation_card(recommendation([action(trend=round_grades(*grades))]), page=PAGE)
    assert_valid_card(card)
    cells = [
        [(c["items"][0]["text"], c["items"][1]["text"], c["style"]) for c in row["columns"]]
        for row in of_type(card, "ColumnSet")
    ]
    assert cells == [
        [
            ("Mar 2019", "On-Track", "accent"),
            ("Sep 2019", "Slipped", "warning"),
            ("Mar 2020", "Slipped", "warning"),
            ("Sep 2020", "On-Track", "accent"),
        ],
        [
            ("Mar 2021", "On-Track", "accent"),
            ("Sep 2021", "No grade", "emphasis"),
            ("Mar 2022", "Not Achieved", "attention"),
            ("Sep 2022", "Fully Achieved", "good"),
        ],
    ]


def test_update_buttons_only_for_the_actions_given() -> None:
    card = recommendation_card(recommendation([action(1), action(2), action(3)]), updatable={102}, page=PAGE)
    buttons = [a for a in of_type(card, "Action.Execute")]
    assert [(b["title"], b["data"]) for b in buttons] == [("Update 7.2", open_update_data(102))]


def test_a_huge_evidence_is_trimmed_twice_and_says_so() -> None:
    card = recommendation_card(
        recommendation([action(p, evidence="é" * 20_000) for p in range(1, 7)]), page=PAGE
    )
    assert_valid_card(card)
    assert card_bytes(card) < CARD_BYTE_LIMIT
    assert any(
        t.startswith("Shortened to fit in a Teams message (the whole text is 20,000") for t in texts(card)
    )


def test_a_recommendation_with_many_actions_is_paged() -> None:
    many = recommendation([action(p) for p in range(1, 15)])
    first = recommendation_card(many, page=PAGE)
    assert "Showing 1–6 of 14." in texts(first)
    (next_button,) = of_type(first, "Action.Execute")
    assert next_button["title"] == "Next 6"
    assert next_button["data"] == {"verb": "status_page", "question": "status 7", "page": 2, "review_id": 1}
    last = recommendation_card(many, page=PAGE.model_copy(update={"number": 3}))
    assert "Showing 13–14 of 14." in texts(last)
    assert [b["title"] for b in of_type(last, "Action.Execute")] == ["Previous 6"]
    assert "Action 7.13" in texts(last) and "Action 7.1" not in texts(last)


def test_a_long_list_is_paged_and_grouped_by_review() -> None:
    actions = [action(p, review_id=1 + p // 100) for p in range(1, 181)]
    page = Page(question="slipped", number=5)
    card = action_list_card("Slipped", actions, page=page, empty="None")
    assert_valid_card(card)
    assert "Slipped: 180" in texts(card) and "Showing 81–100 of 180." in texts(card)
    assert [b["title"] for b in of_type(card, "Action.Execute") if b["data"]["verb"] == "status_page"] == [
        "Previous 20",
        "Next 20",
    ]
    # The page crosses from Review 1 into Review 2: each review's title heads its rows.
    assert [r["text"] for r in runs(card) if r.get("weight") == "Bolder"] == ["Review 1", "Review 2"]
    past_the_end = action_list_card(
        "Slipped", actions, page=Page(question="slipped", number=99), empty="None"
    )
    assert "Showing 161–180 of 180." in texts(past_the_end)


def test_an_empty_list_says_so() -> None:
    card = action_list_card("Overdue", [], page=Page(question="overdue"), empty="Nothing is overdue.")
    assert_valid_card(card)
    assert texts(card)[:2] == ["Overdue: 0", "Nothing is overdue."]


def test_a_few_reviews_are_buttons_and_many_a_drop_down() -> None:
    def summary(n: int) -> ReviewSummary:
        return ReviewSummary(id=n, title=f"Review {n}", committee=None, rounds=[], open_round=None)

    few = review_choice_card([summary(n) for n in range(1, 4)], question="status 7")
    assert [a["data"] for a in of_type(few, "Action.Execute")] == [
        {"verb": "status_review", "review_id": n, "question": "status 7"} for n in range(1, 4)
    ]
    many = review_choice_card([summary(n) for n in range(1, 41)], question="status 7")
    assert_valid_card(many)
    (choices,) = of_type(many, "Input.ChoiceSet")
    assert choices["id"] == "review_id" and len(choices["choices"]) == 40
    assert many["actions"][0]["data"] == {"verb": "status_review", "question": "status 7"}
