"""The question benchmark's command works: at a tiny scale it scores, lists a miss with its reason, and
times the questions (bench/questions.py)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from chat import Reply

ROOT = Path(__file__).resolve().parents[1]


def _bench_questions() -> ModuleType:
    """bench/questions.py, a script, loaded as a module (it finds the repository's packages itself)."""
    if (loaded := sys.modules.get("bench_questions")) is not None:
        return loaded
    spec = importlib.util.spec_from_file_location("bench_questions", ROOT / "bench" / "questions.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_question_benchmark_scores_and_times(tmp_path: Path) -> None:
    questions = tmp_path / "questions.json"
    questions.write_text(
        json.dumps(
            {
                "forbid": ["didn.t understand"],
                "cases": [
                    {"q": "status 7", "rec": [7]},
                    {"q": "slipped", "all": ["Slipped", "1\\.2"]},
                    {"q": "recommendation 5", "rec": [6]},  # answered, but not with what is asked for
                ],
            }
        )
    )
    figures = tmp_path / "figures.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "questions.py"),
            str(questions),
            "--samples=3",
            "--conversations=2",
            f"--json={figures}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    report = finished.stdout
    assert report.startswith("2/3 answered right\n"), report
    assert "- 'recommendation 5': named Recommendation 5 first (wanted 6)" in report, report
    assert "    showed: Recommendation 5 / " in report, report
    assert "status 7" not in report.split("Latency")[0], report
    rows = {line.split("|")[1].strip() for line in report.splitlines() if line.startswith("| ")}
    assert {"questions", "status N"} <= rows, report
    assert "Questions − status N at p50, ours: " in report, report
    assert "FAILED" not in report, report

    kept = json.loads(figures.read_text())
    assert kept["score"] == {"right": 2, "asked": 3}
    assert [miss["question"] for miss in kept["misses"]] == ["recommendation 5"]
    for step in ("questions", "status N"):
        for bot in ("ours", "echo"):
            assert kept["latency"]["steps"][step][bot]["n"] >= 3, kept["latency"]


@pytest.mark.parametrize(
    ("shown", "named"),
    [
        (["Here is Recommendation 2 — next time, say status 2.", "Recommendation 7"], 2),
        (["Digital Optimisation", "rec. 12: leadership"], 12),
        (["Rec no. 4", "Recommendation 9"], 4),
        (["R3 is on track"], 3),
        (["4.1 Fully Achieved", "for 5 years", "September 2020"], None),
        (["Several recommendations match", "Recommendation 8"], 8),
    ],
)
def test_the_first_recommendation_named_is_read_in_order(shown: list[str], named: int | None) -> None:
    assert _bench_questions().first_recommendation(shown) == named


def test_a_card_asking_which_recommendation_is_not_an_answer() -> None:
    bench = _bench_questions()
    button = {
        "type": "Action.Execute",
        "title": "Show Recommendation 4",
        "verb": "status_recommendation",
        "data": {"verb": "status_recommendation", "review_id": 1, "number": 4},
    }
    card = {"type": "AdaptiveCard", "body": [{"type": "ActionSet", "actions": [button]}]}
    picking = Reply(
        raw={"attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}
    )
    case = bench.Case("how's the wifi one going?", recs=(4,))
    assert bench.judge(case, [picking], [], status=200) == (False, "asked back instead of answering")
    # A tappable line (an overview's, a list's) leads to the recommendation: it is not a question back.
    line = {"type": "ColumnSet", "selectAction": button, "columns": []}
    listing = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "Recommendation 4"}, line]}
    answered = Reply(
        raw={"attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": listing}]}
    )
    assert bench.judge(case, [answered], [], status=200) == (True, "")
