"""The benchmark's command works: at a tiny scale it prints every figure's row (bench/run.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_prints_every_figure() -> None:
    finished = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--databases=sqlite",
            "--levels=1",
            "--samples=1",
            "--memory-turns=9",
            "--reviews=1",
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
    assert "- Memory: the bot's RSS was" in report, report
