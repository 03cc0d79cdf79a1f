"""Every card the bot can send, from the seed document and from a large synthetic council: valid
Adaptive Card 1.5, under Teams' size limit, and read by Microsoft's renderer without a complaint."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cardcheck import assert_valid_card, render_cards, requires_renderer, strings
from records import import_document
from typer.testing import CliRunner

from bot.cli import app
from bot.preview import card_gallery
from bot.settings import Settings
from cards.status import review_choice_card
from documents.plan_format import PlanDocument, ProgressEntry
from documents.synthetic import synthetic_council
from store.db import Database
from store.plan import import_plan
from store.views import ReviewSummary

# Every kind of card: a new one must be added to bot/preview.py's gallery, and so is checked here.
KINDS = {
    "status-recommendation",
    "status-overview",
    "status-slipped",
    "status-missing",
    "status-overdue",
    "status-my-actions",
    "status-choose-recommendation",
    "status-choose-review",
    "update-action",
    "update-question",
    "update-choose-recommendation",
    "update-grade",
    "update-confirm",
    "update-saved",
    "update-form",
    "welcome",
    "summary",
    "reminder",
    "after-deadline",
    "review-return",
    "review-decided",
    "review-returned",
    "review-accepted",
    "review-to-review",
    "evidence-choose-action",
    "review-extension",
    "review-extension-decided",
    "review-extension-told",
    "review-unreachable",
    "update-saved-in-place",
    "notice",
    "summary-yours",
    "status-overview-complete",
    "summary-complete",
    "responses",
    "responses-saved",
    "response-due",
    "draft",
    "draft-edit",
    "draft-frozen",
    "draft-choice",
    "draft-review",
    "draft-decided",
    "draft-returned",
    "draft-waits",
}
WIDE = "é" * 20_000  # six bytes a character on the wire, once JSON-escaped


def worst_case(plans: list[PlanDocument]) -> list[PlanDocument]:
    """The synthetic council made harder: a recommendation with 14 actions, and one action's latest
    evidence 20,000 characters far from English."""
    first = plans[0].recommendations[0]
    first.actions = [action.model_copy(deep=True) for _ in range(4) for action in first.actions][:14]
    action = first.actions[0]
    latest = max(action.progress, key=lambda label: list(action.progress).index(label))
    action.progress[latest] = ProgressEntry(evidence=WIDE, grade=action.progress[latest].grade or None)
    return plans


@pytest.fixture
async def seed_gallery(db: Database, samples: Path) -> dict[str, dict[str, Any]]:
    async with db.session() as session:
        await import_document(session, path=samples / "progress-update-march-2020.docx")
    async with db.session() as session:
        return await card_gallery(session, settings=Settings(_env_file=None), today=date(2020, 6, 1))  # type: ignore[call-arg]


@pytest.fixture
async def large_gallery(db: Database) -> dict[str, dict[str, Any]]:
    # Three of the 40 reviews (15 recommendations × 4 actions × 8 rounds each) hold the largest review
    # and lists across reviews; importing all 40 proves nothing more and takes a minute.
    plans = worst_case(synthetic_council(reviews=3, recommendations=15, actions=4, rounds=8))
    for plan in plans:
        async with db.session() as session:
            await import_plan(session, plan=plan)
    async with db.session() as session:
        return await card_gallery(session, settings=Settings(_env_file=None), today=date(2022, 6, 1))  # type: ignore[call-arg]


def test_every_card_from_the_seed_is_valid_and_fits(seed_gallery: dict[str, dict[str, Any]]) -> None:
    assert set(seed_gallery) == KINDS
    for name, card in seed_gallery.items():
        assert_valid_card(card, name)


def test_every_card_from_a_large_council_is_valid_and_fits(large_gallery: dict[str, dict[str, Any]]) -> None:
    assert set(large_gallery) == KINDS
    for name, card in large_gallery.items():
        assert_valid_card(card, name)


def test_a_large_council_is_paged_and_summarised_not_refused(
    large_gallery: dict[str, dict[str, Any]],
) -> None:
    recommendation = "\n".join(strings(large_gallery["status-recommendation"]))
    # 14 actions: the first six, and a button for the next.
    assert "Showing 1–6 of 14." in recommendation and "Next 6" in recommendation
    # The 20,000-character evidence: trimmed, the fuller text one tap away, and said to be shortened.
    assert "Show all" in recommendation
    assert "Shortened to fit in a Teams message (the whole text is 20,000 characters)" in recommendation
    # One officer's actions across three reviews: 47, twenty to a card, grouped by review.
    mine = "\n".join(strings(large_gallery["status-my-actions"]))
    assert "Your actions: 47" in mine and "Showing 1–20 of 47." in mine and "Next 20" in mine
    # Eight rounds: every one in the trend of an action.
    assert recommendation.count("Mar 2019") >= 6 and recommendation.count("Sep 2022") >= 6


def test_the_review_pick_list_of_forty_reviews_fits() -> None:
    plans = synthetic_council(reviews=40, recommendations=1, actions=1, rounds=1)
    known = [
        ReviewSummary(id=n, title=plan.review, committee=plan.committee, rounds=[], open_round=None)
        for n, plan in enumerate(plans, start=1)
    ]
    card = review_choice_card(known, question="status 7")
    assert_valid_card(card)
    (choices,) = [e for e in card["body"] if e["type"] == "Input.ChoiceSet"]
    assert len(choices["choices"]) == 40


@requires_renderer
def test_microsofts_renderer_reads_every_card_without_a_complaint(
    seed_gallery: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    cards = {f"seed-{name}": card for name, card in seed_gallery.items()}
    events = render_cards(cards, tmp_path)
    assert events == {name: [] for name in cards}
    assert all((tmp_path / f"{name}.png").stat().st_size > 1_000 for name in cards)


@requires_renderer
def test_microsofts_renderer_reads_the_large_councils_cards_without_a_complaint(
    large_gallery: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    cards = {f"large-{name}": card for name, card in large_gallery.items()}
    assert render_cards(cards, tmp_path) == {name: [] for name in cards}


@requires_renderer
def test_cards_preview_writes_every_card_as_json_and_png(
    database_url: str, samples: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    env = {"DATABASE_URL": database_url, "COLUMNS": "200"}
    imported = runner.invoke(app, ["import", str(samples / "progress-update-march-2020.docx")], env=env)
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "cards"
    result = runner.invoke(app, ["cards", "preview", "-o", str(out), "--today", "2020-06-01"], env=env)
    assert result.exit_code == 0, result.output
    assert f"Wrote {len(KINDS)} cards to {out}, as JSON and PNG." in " ".join(result.output.split())
    for kind in KINDS:
        assert_valid_card(json.loads((out / f"{kind}.json").read_text()), kind)
        assert (out / f"{kind}.png").stat().st_size > 1_000
    overview = json.loads((out / "status-overview.json").read_text())
    assert "5 Fully Achieved · 16 On-Track · 6 Slipped · 0 Not Achieved" in strings(overview)
