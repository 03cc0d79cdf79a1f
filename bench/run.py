"""Measured speed and scale. `python bench/run.py` (add --help for the knobs).

Starts the real bot and a bare botbuilder echo bot on loopback, each in its own process, with the
tests' fake Teams connector; drives Teams-shaped activities at 1, 10 and 50 concurrent conversations,
then at 50 with each officer pausing before each message (a mean of 1 s, then 3 s) as people do;
then times the weekly summary cards and the import of the synthetic council's Word documents, and
watches the bot's memory over 10,000 turns. On SQLite and on a throwaway PostgreSQL server
(scripts/postgres.sh). Prints Markdown tables; --json keeps the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The fake connector and the chat's activity shapes are the tests' own: the same wire format.
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import aiohttp  # noqa: E402
from fake_connector import FakeConnector  # noqa: E402

from bench import council  # noqa: E402
from bench.figures import (  # noqa: E402
    SCENARIOS,
    Figures,
    machine,
    record,
    record_paced,
    report,
)
from bench.load import (  # noqa: E402
    DIALOG_STEPS,
    FORM_STEPS,
    RemoteBot,
    Samples,
    choose_review,
    dialog_script,
    execute_script,
    form_script,
    refresh_script,
    run_scenario,
    status_script,
    user_of,
)
from bench.seed import Officer, prepare, seed  # noqa: E402


@dataclass
class Bot:
    kind: str  # "ours" or "echo"
    process: subprocess.Popen[str]
    url: str
    pids: list[int]  # the processes that serve: bench/serve.py's own, or its workers

    def rss_kib(self) -> int:
        return sum(self._rss_kib(pid) for pid in self.pids)

    @staticmethod
    def _rss_kib(pid: int) -> int:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the bot's processes: a figure the machine's other load skews less."""
        ticks = 0
        for pid in self.pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def served(kind: str, database_url: str, log: Path, workers: int = 1) -> Iterator[Bot]:
    """The bot in its own process (or `workers` of them) on 127.0.0.1; it stops when we close its stdin
    (or are killed)."""
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "serve.py"), kind, database_url, str(workers)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
            cwd=ROOT,
        )
        try:
            ready: list[str] = []
            reader = threading.Thread(target=lambda: ready.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
            reader.start()
            reader.join(timeout=60)
            if not ready or not ready[0].startswith("READY "):
                process.kill()
                tail = log.read_text().strip().splitlines()[-15:]
                raise RuntimeError(f"The {kind} bot did not start:\n" + "\n".join(tail))
            port, *pids = (int(word) for word in ready[0].split()[1:])
            yield Bot(kind, process, f"http://127.0.0.1:{port}", pids)
        finally:
            if process.stdin:
                process.stdin.close()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def drive(
    figures: Figures,
    bots: dict[str, Bot],
    officers: list[Officer],
    *,
    levels: list[int],
    samples: int,
    memory_turns: int,
    memory_mix: str = "mixed",
    paced_conversations: int = 50,
    pauses: tuple[float, ...] = (),
    paced_samples: int = 400,
    only: frozenset[str] = frozenset(),
) -> None:
    connector = FakeConnector()
    for officer in officers:
        connector.add_member(user_of(officer))
    await connector.start()
    # As many connections as conversations: the driver must not be the queue.
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    try:
        remote = {kind: RemoteBot(bot.url, connector, http) for kind, bot in bots.items()}

        def ask_status(officer: Officer) -> str:
            return f"status {officer.number}"

        status = status_script(ask_status, echo=False)
        scenarios = {
            "status": (lambda kind: status_script(ask_status, echo=kind != "ours"), 1),
            "update dialog": (lambda kind: dialog_script(echo=kind != "ours"), len(DIALOG_STEPS)),
            "card form": (lambda kind: form_script(echo=kind == "echo"), len(FORM_STEPS)),
            "refresh": (lambda kind: refresh_script(echo=kind == "echo"), 1),
            "execute": (lambda kind: execute_script(echo=kind == "echo"), 1),
        }
        if only:
            scenarios = {name: scenario for name, scenario in scenarios.items() if name in only}
        # Warm up both (imports, compiled queries, connection pools): one round of everything.
        for kind, bot in remote.items():
            for script, per_cycle in scenarios.values():
                await run_scenario(
                    bot,
                    officers[:2],
                    script(kind),
                    cycles=1,
                    turns_per_cycle=per_cycle,
                    prepare=choose_review,
                )

        async def measure(
            conversations: int, pause: float, samples: int
        ) -> AsyncIterator[tuple[str, str, Samples]]:
            """Each scenario for each bot at `conversations`, about `samples` turns per step."""
            cycles = max(1, -(-samples // conversations))
            paced = f" pausing {pause:g} s" if pause else ""
            for name, (script, per_cycle) in scenarios.items():
                for kind, bot in remote.items():
                    driving = time.process_time()
                    result = await run_scenario(
                        bot,
                        officers[:conversations],
                        script(kind),
                        cycles=cycles,
                        turns_per_cycle=per_cycle,
                        pause=pause,
                        prepare=choose_review,
                        cpu_clock=bots[kind].cpu_seconds,
                    )
                    print(
                        f"  {figures.database}: {kind:4} {name:13} × {conversations:2} conversations{paced}: "
                        f"{result.turns} turns in {result.seconds:.0f} s, "
                        f"{result.turns_per_second:.1f} turns/s, "
                        f"CPU {1000 * result.cpu_seconds / result.turns:.1f} ms/turn "
                        f"(the driver's own {1000 * (time.process_time() - driving) / result.turns:.1f})",
                        file=sys.stderr,
                        flush=True,
                    )
                    yield name, kind, result

        for level in levels:
            async for name, kind, result in measure(level, 0.0, samples):
                record(figures, kind, level, name, result)
        figures.paced_conversations = paced_conversations
        for pause in pauses:
            started = time.perf_counter()
            # Counted over all officers; a p99 wants some hundreds of turns (its worst 1% is 4 of 400).
            async for name, kind, result in measure(paced_conversations, pause, paced_samples):
                record_paced(figures, kind, pause, name, result)
            print(
                f"  {figures.database}: pausing {pause:g} s took {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
        if memory_turns:
            await watch_memory(
                figures, bots["ours"], remote["ours"], officers, memory_turns, status, memory_mix
            )
    finally:
        await http.close()
        await connector.stop()


async def watch_memory(
    figures: Figures,
    bot: Bot,
    remote: RemoteBot,
    officers: list[Officer],
    turns: int,
    status: Any,
    mix: str,
) -> None:
    """RSS through `turns` turns at 10 conversations: of all three kinds ("mixed", each dialog and form
    saving an update, so the data grows too), or `status N` alone (the data stays as it is)."""
    conversations = officers[:10]
    per_cycle = 1 + len(DIALOG_STEPS) + len(FORM_STEPS) if mix == "mixed" else 1

    async def one_cycle(chat: Any, officer: Officer, samples: Samples) -> None:
        await status(chat, officer, samples)
        if mix == "mixed":
            await dialog_script(echo=False)(chat, officer, samples)
            await form_script(echo=False)(chat, officer, samples)

    before = bot.rss_kib()
    done = 0
    start = time.perf_counter()
    # A reading every tenth of the run: a leak climbs steadily, a warm-up levels off.
    readings = [(0, before / 1024)]
    while done < turns:
        # In chunks, so the fake connector's record of replies is cleared as it goes.
        cycles = max(1, min(10, -(-(turns - done) // (per_cycle * len(conversations)))))
        result = await run_scenario(
            remote, conversations, one_cycle, cycles=cycles, turns_per_cycle=per_cycle, prepare=choose_review
        )
        done += result.turns
        if result.failures:
            figures.failures.append(
                f"memory run: {len(result.failures)} turns went wrong, the first: {result.failures[0]}"
            )
        if done >= len(readings) * turns / 10:
            readings.append((done, bot.rss_kib() / 1024))
            print(
                f"  {figures.database}: {done:,} turns, RSS {readings[-1][1]:.0f} MiB, "
                f"{done / (time.perf_counter() - start):.0f} turns/s",
                file=sys.stderr,
                flush=True,
            )
    after = bot.rss_kib()
    figures.memory |= {
        "mix": mix,
        "readings": readings,
        "turns": done,
        "seconds": time.perf_counter() - start,
        "rss_before_mib": before / 1024,
        "rss_after_mib": after / 1024,
        "growth_percent": 100 * (after - before) / before,
    }


# --- databases ---


@contextmanager
def postgres_server(workdir: Path) -> Iterator[str]:
    pgdir = Path(tempfile.mkdtemp(prefix="scrutiny-bench-pg.", dir=workdir))
    pgdir.chmod(0o755)
    script = ROOT / "scripts" / "postgres.sh"
    url = subprocess.run([str(script), "start", str(pgdir)], check=True, capture_output=True, text=True)
    try:
        yield url.stdout.strip()
    finally:
        subprocess.run([str(script), "stop", str(pgdir)], check=False)


async def _create_pg_database(server_url: str, name: str) -> str:
    import asyncpg
    from sqlalchemy.engine import make_url

    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await connection.execute(f"CREATE DATABASE {name}")
    finally:
        await connection.close()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def new_database(kind: str, name: str, *, workdir: Path, server_url: str | None) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / (name + '.db')}"
    assert server_url is not None
    return asyncio.run(_create_pg_database(server_url, name))


# --- one database, all figures ---


def bench_database(kind: str, args: argparse.Namespace, workdir: Path, server_url: str | None) -> Figures:
    figures = Figures(database="SQLite" if kind == "sqlite" else "PostgreSQL")
    workers = args.workers if kind == "postgresql" else 1
    if workers > 1:
        figures.database += f" (ours in {workers} worker processes; CPU is theirs together)"
    # The memory run talks in 10 conversations (watch_memory).
    officers_needed = max(
        [*args.levels, args.paced_conversations if args.pauses else 0, 10 if args.memory_turns else 0]
    )
    url = new_database(kind, "scrutiny_bench", workdir=workdir, server_url=server_url)
    prepare(url)
    started = time.perf_counter()
    officers = asyncio.run(seed(url, reviews=args.reviews, officers=officers_needed))
    print(
        f"  {figures.database}: seeded {args.reviews} reviews in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )

    figures.summary = council.summary_figures(url) if args.documents else {"missing": "--no-documents"}
    if args.documents and args.channels:
        figures.posting = council.posting_figures(url, channels=args.channels)

    with (
        served("ours", url, workdir / f"ours-{kind}.log", workers) as ours,
        served(args.echo, url, workdir / f"echo-{kind}.log") as echo,
    ):
        figures.memory["rss_started_mib"] = ours.rss_kib() / 1024
        asyncio.run(
            drive(
                figures,
                {"ours": ours, "echo": echo},
                officers,
                levels=args.levels,
                samples=args.samples,
                memory_turns=args.memory_turns,
                memory_mix=args.memory_mix,
                paced_conversations=args.paced_conversations,
                pauses=args.pauses,
                paced_samples=args.paced_samples,
                only=args.scenarios,
            )
        )

    if args.documents:
        import_url = new_database(kind, "scrutiny_bench_import", workdir=workdir, server_url=server_url)
        figures.docx_import = council.docx_import_figures(import_url, reviews=args.reviews, workdir=workdir)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="sqlite, postgresql, or both: sqlite,postgresql"
    )
    parser.add_argument(
        "--levels", default="1,10,50", help="concurrent conversations, comma-separated; '' for none"
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"which to drive, comma-separated: {', '.join(SCENARIOS)}",
    )
    parser.add_argument("--samples", type=int, default=120, help="turns per step at each level (about)")
    parser.add_argument(
        "--paced-conversations",
        type=int,
        default=50,
        help="conversations in the paced runs, where officers pause before each message",
    )
    parser.add_argument(
        "--paced-samples", type=int, default=400, help="turns per step in each paced run (about)"
    )
    parser.add_argument(
        "--pauses",
        default="1,3",
        help="mean pauses (seconds) before each message in the paced runs, comma-separated; 0 or '' for none",
    )
    parser.add_argument("--memory-turns", type=int, default=10_000, help="turns between the RSS readings")
    parser.add_argument(
        "--memory-mix",
        choices=["mixed", "status"],
        default="mixed",
        help="the memory run: status, the update dialog and the form (each saves an update), or status alone",
    )
    parser.add_argument("--reviews", type=int, default=40, help="reviews in the synthetic council")
    parser.add_argument(
        "--channels", type=int, default=40, help="channels a Monday's weekly summaries go to; 0 for none"
    )
    parser.add_argument(
        "--echo",
        choices=["echo", "echo-reused"],
        default="echo",
        help="the floor: botbuilder's stock echo bot, or the same with our reused connector clients",
    )
    parser.add_argument(
        "--no-documents",
        dest="documents",
        action="store_false",
        help="skip the summary cards and the Word import: turns and memory only",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="our bot's processes on PostgreSQL, as `scrutiny-bot serve --workers` (SQLite: always 1)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (logs, databases)")
    args = parser.parse_args(argv)
    args.levels = [int(level) for level in args.levels.split(",") if level.strip()]
    args.scenarios = frozenset(name.strip() for name in args.scenarios.split(",") if name.strip())
    if unknown := args.scenarios - set(SCENARIOS):
        parser.error(f"--scenarios: {', '.join(sorted(unknown))}? Give some of: {', '.join(SCENARIOS)}.")
    # A pause of 0 is the closed loop, measured above already.
    args.pauses = tuple(p for p in (float(x) for x in args.pauses.split(",") if x.strip()) if p > 0)
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    if unknown := set(databases) - {"sqlite", "postgresql"}:
        parser.error(f"--databases: {', '.join(sorted(unknown))}? Give sqlite, postgresql or both.")

    workdir = Path(tempfile.mkdtemp(prefix="scrutiny-bench."))
    workdir.chmod(0o755)
    all_figures = []
    try:
        for kind in databases:
            if kind == "postgresql":
                with postgres_server(workdir) as server_url:
                    all_figures.append(bench_database(kind, args, workdir, server_url))
            else:
                all_figures.append(bench_database(kind, args, workdir, None))
    finally:
        if args.keep or any(f.failures for f in all_figures) or len(all_figures) < len(databases):
            print(f"The bots' logs and databases are kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(all_figures, args.levels))
    if args.json:
        args.json.write_text(
            json.dumps({"machine": machine(), "figures": [f.__dict__ for f in all_figures]}, indent=2)
        )
    return 1 if any(f.failures for f in all_figures) else 0


if __name__ == "__main__":
    sys.exit(main())
