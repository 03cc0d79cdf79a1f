"""The benchmark's command works: at a tiny scale it prints every figure's row (bench/run.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_prints_every_figure(tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--databases=sqlite",
            "--levels=1",
            "--samples=1",
            "--memory-turns=9",
            "--reviews=1",
            "--channels=2",
            "--paced-conversations=2",
            "--paced-samples=2",
            "--pauses=0.05",
            f"--json={figures}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    report = finished.stdout
    rows = [
        "status N",
        "update",
        "pick the action",
        "evidence",
        "grade",
        "impact: skip",
        "confirm: save",
        "open the form",
        "submit the form",
    ]
    table = {line.split("|")[1].strip() for line in report.splitlines() if line.startswith("| ")}
    assert set(rows) <= table, report
    assert "missing" not in report and "FAILED" not in report, report
    assert "- Summary cards: 2 cards for 2 reviews built in" in report, report
    assert "- Import: `scrutiny-bot import` of 1 generated .docx files" in report, report
    assert "- Weekly summaries: 4 cards to 2 channels in" in report, report
    assert "0 failed; Teams (the fake connector holding to its limits) answered 429 0 times" in report, report
    assert "- Memory: the bot's RSS was" in report, report

    # The paced runs: two officers pausing a mean of 50 ms before each message.
    assert "Paced: 2 conversations, each officer pausing before each message" in report, report
    paced = {
        tuple(cell.strip() for cell in line.split("|")[1:3])
        for line in report.splitlines()
        if line.startswith("| ")
    }
    assert {("status", "0.05 s"), ("update dialog", "0.05 s"), ("card form", "0.05 s")} <= paced, report
    kept = json.loads(figures.read_text())["figures"][0]
    assert kept["paced_conversations"] == 2
    for scenario in ("status", "update dialog", "card form"):
        for bot in ("ours", "echo"):
            assert kept["paced"]["0.05"][scenario][bot]["n"] >= 2, kept["paced"]


# The tests' PostgreSQL server (conftest.py), when scripts/test.sh started one.
POSTGRES_URL = os.environ.get("SCRUTINY_TEST_POSTGRES_URL")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"])
def test_the_page_benchmark_prints_its_figures(backend: str) -> None:
    server = ["--postgresql", POSTGRES_URL] if backend == "postgresql" and POSTGRES_URL else []
    kind = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "page.py"), "--samples=3", *server],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert "13 recommendations, 27 actions)" in finished.stdout, finished.stdout + finished.stderr
    for page in ("committee's page", "public tracker"):
        assert f"- {page}, 13 recommendations, 27 actions, 4 rounds, {kind}: median" in finished.stdout
    assert "(an index of" in finished.stdout and "40 reviews, 2400 actions)" in finished.stdout
    for index in ("public index (/tracker)", "committee's index (/reviews)"):
        assert f"- {index}, 40 reviews, 8 rounds, {kind}: median" in finished.stdout
