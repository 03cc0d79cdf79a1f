"""The chair's plain-words questions, understood."""

import pytest

from dialogs.questions import Ask, Question, parse_question


@pytest.mark.parametrize(
    ("said", "question"),
    [
        ("status 7", Question(Ask.RECOMMENDATION, number=7)),
        ("status of recommendation 7", Question(Ask.RECOMMENDATION, number=7)),
        ("What's the status of rec 7?", Question(Ask.RECOMMENDATION, number=7)),
        ("what is the status of recommendation 12", Question(Ask.RECOMMENDATION, number=12)),
        ("recommendation 7", Question(Ask.RECOMMENDATION, number=7)),
        ("rec 3", Question(Ask.RECOMMENDATION, number=3)),
        ("Status", Question(Ask.OVERVIEW)),
        ("status wifi", Question(Ask.SEARCH, words="wifi")),
        ("how is the iDEA one going?", Question(Ask.SEARCH, words="idea")),
        ("what's the status of the website redesign", Question(Ask.SEARCH, words="website redesign")),
        ("slipped", Question(Ask.SLIPPED)),
        ("Which actions have slipped?", Question(Ask.SLIPPED)),
        ("not achieved", Question(Ask.NOT_ACHIEVED)),
        ("missing", Question(Ask.MISSING)),
        ("outstanding", Question(Ask.MISSING)),
        ("show me the overdue actions", Question(Ask.OVERDUE)),
        ("overdue", Question(Ask.OVERDUE)),
        ("my actions", Question(Ask.MY_ACTIONS)),
        ("My actions, please", Question(Ask.MY_ACTIONS)),
        ("what about rec 7?", Question(Ask.RECOMMENDATION, number=7)),
        ("tell me about recommendation 12", Question(Ask.RECOMMENDATION, number=12)),
        ("tell me about the wifi one", Question(Ask.SEARCH, words="wifi")),
        ("how's rec 7 going?", Question(Ask.RECOMMENDATION, number=7)),
        ("status #7", Question(Ask.RECOMMENDATION, number=7)),
        ("What is missing?", Question(Ask.MISSING)),
    ],
)
def test_questions_are_understood(said: str, question: Question) -> None:
    assert parse_question(said) == question


@pytest.mark.parametrize(
    "said",
    [
        "update 7",
        "help",
        "",
        None,
        "summary",
        "cancel",
        "hello there",
        "<b>7</b> update",
        "stauts 7",
        "please",
    ],
)
def test_other_text_is_not_a_status_question(said: str | None) -> None:
    assert parse_question(said) is None
