"""The benchmark's figures: what a run records of each scenario, and the Markdown tables it prints."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.load import DIALOG_STEPS, EXECUTE_STEP, FORM_STEPS, REFRESH_STEP, Samples, percentile

STATUS_STEP = "status N"
SCENARIOS = ("status", "update dialog", "card form", "refresh", "execute")
TURN_ROWS = [STATUS_STEP, *(step for step, _ in DIALOG_STEPS), *FORM_STEPS, REFRESH_STEP, EXECUTE_STEP]


def spread(values: list[float]) -> dict[str, float]:
    """p50, p95 and p99 of some turns' times, and how many there were."""
    return {
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "n": len(values),
    }


@dataclass
class Figures:
    database: str
    turns: dict[str, dict[int, dict[str, dict[str, float]]]] = field(default_factory=dict)
    scenario_rate: dict[str, dict[int, dict[str, float]]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    memory: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    docx_import: dict[str, Any] = field(default_factory=dict)
    posting: dict[str, Any] = field(default_factory=dict)
    # Mean pause ("1", "3") -> scenario -> "ours"/"echo" -> figures, at `paced_conversations`.
    paced: dict[str, dict[str, dict[str, dict[str, Any]]]] = field(default_factory=dict)
    paced_conversations: int = 0


def record(figures: Figures, kind: str, level: int, scenario: str, samples: Samples) -> None:
    for step, values in samples.latencies.items():
        figures.turns.setdefault(step, {}).setdefault(level, {})[kind] = {
            **spread(values),
            "turns_per_second": samples.turns_per_second,
            "cpu_ms_per_turn": 1000 * samples.cpu_seconds / samples.turns,
        }
    figures.scenario_rate.setdefault(scenario, {}).setdefault(level, {})[kind] = samples.turns_per_second
    if samples.failures:
        figures.failures.append(
            f"{kind}, {scenario}, {level} conversations: {len(samples.failures)} turns went wrong, "
            f"the first: {samples.failures[0]}"
        )


def record_paced(figures: Figures, kind: str, pause: float, scenario: str, samples: Samples) -> None:
    pooled = [value for values in samples.latencies.values() for value in values]
    steps = {step: spread(values) for step, values in samples.latencies.items()}
    worst = max(steps, key=lambda step: steps[step]["p99"])
    figures.paced.setdefault(pause_key(pause), {}).setdefault(scenario, {})[kind] = {
        **spread(pooled),
        "worst_step": worst,
        "worst_step_p99": steps[worst]["p99"],
        "steps": steps,
        "seconds": samples.seconds,
        "turns_per_second": samples.turns_per_second,
        "cpu_ms_per_turn": 1000 * samples.cpu_seconds / samples.turns,
    }
    if samples.failures:
        figures.failures.append(
            f"{kind}, {scenario}, {figures.paced_conversations} conversations pausing {pause:g} s: "
            f"{len(samples.failures)} turns went wrong, the first: {samples.failures[0]}"
        )


def pause_key(pause: float) -> str:
    return f"{pause:g}"


def _ms(value: float) -> str:
    return f"{value * 1000:.1f}"


def _percentiles(figures: dict[str, Any]) -> str:
    """p50 / p95 / p99 in milliseconds, as every table shows them."""
    return f"{_ms(figures['p50'])} / {_ms(figures['p95'])} / {_ms(figures['p99'])}"


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    memory = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "0",
    )
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def paced_table(figures: Figures) -> list[str]:
    if not figures.paced:
        return []
    lines = [
        "",
        f"Paced: {figures.paced_conversations} conversations, each officer pausing before each message "
        "(pauses drawn from an exponential distribution with the mean shown; not counted in the times). "
        "Percentiles are over all the scenario's turns together; the worst step is the one with the "
        "highest p99.",
        "",
        "| Scenario | Mean pause | Turns/s ours / echo | Ours p50 / p95 / p99 ms | Ours worst step p99 "
        "| Ours CPU ms/turn | Echo p50 / p95 / p99 ms | Echo CPU ms/turn |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for scenario in SCENARIOS:
        for pause, scenarios in figures.paced.items():
            if scenario not in scenarios:
                continue  # not asked for (--scenarios)
            row = scenarios[scenario]
            ours, echo = row.get("ours"), row.get("echo")
            if ours is None or echo is None:
                lines.append(f"| {scenario} | {pause} s | missing | | | | | |")
                continue
            lines.append(
                f"| {scenario} | {pause} s "
                f"| {ours['turns_per_second']:.1f} / {echo['turns_per_second']:.1f} "
                f"| {_percentiles(ours)} "
                f"| {_ms(ours['worst_step_p99'])} ({ours['worst_step']}) "
                f"| {ours['cpu_ms_per_turn']:.1f} "
                f"| {_percentiles(echo)} "
                f"| {echo['cpu_ms_per_turn']:.1f} |"
            )
    return lines


def settled(readings: list[tuple[int, float]]) -> str:
    """The growth after the first fifth of the run, when the caches (SQLAlchemy's compiled statements,
    asyncpg's prepared ones, the allocator's arenas) have filled: what a leak would show."""
    total = readings[-1][0]
    turns, mib = next((t, m) for t, m in readings if t >= total / 5)
    if turns == total:
        return "too few turns to tell the caches filling from a leak"
    growth = 100 * (readings[-1][1] - mib) / mib
    return f"after the first {turns:,} turns, {growth:+.1f}% over the other {total - turns:,}"


def report(all_figures: list[Figures], levels: list[int]) -> str:
    lines = []
    facts = machine()
    lines.append(
        f"Machine: {facts['cpus']} CPUs ({facts['cpu']}), {facts['memory']} RAM, Python {facts['python']}; "
        f"load average at the end: {facts['load average']}."
    )
    for figures in all_figures:
        lines += ["", f"### {figures.database}", ""]
        lines.append(
            "| Turn | Conversations | Ours p50 / p95 / p99 ms | Ours turns/s | Ours CPU ms/turn "
            "| Echo p50 / p95 / p99 ms | Echo turns/s | Echo CPU ms/turn | p50 ours/echo |"
        )
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for step in TURN_ROWS:
            if step not in figures.turns:
                continue  # its scenario was not asked for (--scenarios)
            for level in levels:
                row = figures.turns[step].get(level, {})
                ours, echo = row.get("ours"), row.get("echo")
                if ours is None or echo is None:
                    lines.append(f"| {step} | {level} | missing | | | | | | |")
                    continue
                lines.append(
                    f"| {step} | {level} "
                    f"| {_percentiles(ours)} "
                    f"| {ours['turns_per_second']:.0f} | {ours['cpu_ms_per_turn']:.1f} "
                    f"| {_percentiles(echo)} "
                    f"| {echo['turns_per_second']:.0f} | {echo['cpu_ms_per_turn']:.1f} "
                    f"| {ours['p50'] / echo['p50']:.2f}× |"
                )
        lines.append("")
        lines.append(
            "Turns/s and CPU ms/turn (the bot process's user + system time) are the whole scenario's: "
            "status alone; the six dialog turns; open + submit the form; a refresh alone; a press alone."
        )
        lines += paced_table(figures)
        lines.append("")
        summary = figures.summary
        if summary.get("cards"):
            lines.append(
                f"- Summary cards: {summary['cards']} cards for {summary['reviews']} reviews built in "
                f"{summary['build_ms']:.0f} ms (cards alone; with their queries "
                f"{summary['total_ms']:.0f} ms); "
                f"largest card {summary['largest_bytes'] / 1000:.1f} KB ({summary['largest_review']})."
            )
        else:
            lines.append(f"- Summary cards: not measured ({summary.get('missing', 'no summary cards')}).")
        posting = figures.posting
        if posting:
            lines.append(
                f"- Weekly summaries: {posting['cards']} cards to {posting['channels']} channels in "
                f"{posting['seconds']:.1f} s, {posting['failed']} failed; Teams (the fake connector holding "
                f"to its limits) answered 429 {posting['too_many']} times; busiest second "
                f"{posting['busiest_second']} cards (Teams allows an app 50)."
            )
        imported = figures.docx_import
        lines.append(
            "- Import: not measured (--no-documents)."
            if not imported
            else f"- Import: `scrutiny-bot import` of {imported['documents']} generated .docx files "
            f"({imported['megabytes']:.1f} MB, {imported['updates']} progress updates) took "
            f"{imported['seconds']:.1f} s (reading the Word files alone: {imported['parse_seconds']:.1f} s)."
        )
        memory = figures.memory
        if "turns" in memory:
            lines.append(
                f"- Memory: the bot's RSS was {memory['rss_started_mib']:.0f} MiB at start, "
                f"{memory['rss_before_mib']:.0f} MiB before {memory['turns']:,} more turns "
                f"(at 10 conversations, {memory['turns'] / memory['seconds']:.0f} turns/s) and "
                f"{memory['rss_after_mib']:.0f} MiB after: {memory['growth_percent']:+.1f}% "
                f"({'status N alone' if memory['mix'] == 'status' else 'status, the dialog and the form'}); "
                f"{settled(memory['readings'])}. Through the run: "
                + ", ".join(f"{turns:,}: {mib:.0f}" for turns, mib in memory["readings"])
                + " MiB."
            )
        for failure in figures.failures:
            lines.append(f"- FAILED: {failure}")
    return "\n".join(lines)
