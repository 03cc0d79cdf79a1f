"""How well, and how fast, the bot answers questions asked in plain words.

`python bench/questions.py /work/shared/questions/chair-dev.json` (add --help for the knobs).

The question file (JSON) sets the state and says what a right answer is:

- "plan": the plan to import, relative to the repository (default samples/progress-update-march-2020.docx);
  "open_round": the round then opened, {"label": "September 2020", "deadline": "2020-10-02"} by default;
  "people": whom to put on the roster besides, [{"name", "email", "roles": ["chair", ...]}]. The
  questions are asked by the first of them with the chair role, or else by a chair the script adds.
- "cases": each a question "q", with "rec" (the first recommendation the reply names must be one of
  these numbers) and/or "all" (regular expressions that must all match what the reply shows).
- "forbid": regular expressions no reply may match, matched ignoring case ("didn.t understand").

The state is set up as an admin would, with the real CLI (`scrutiny-bot import`, `scrutiny-bot round
open`, `scrutiny-bot people add`) on a fresh database. The real bot then runs in its own process on
loopback (bench/serve.py, as bench/run.py starts it), with the tests' fake Teams connector taking its
replies, and each question is asked over HTTP in a new 1:1 chat, so that nothing one question leaves
in a conversation can help or hinder the next.

What a reply shows is, for each message the bot sent in that turn, in the order sent: its text, then
its cards' words, button titles, facts and inputs in the card's own order (tests/cardcheck.py's
`shown`). Not what Teams never draws: a button's data (where the question asked comes back to the bot,
so a reply would otherwise "show" the asker's own words), a tappable line's hidden action title, ids.
"all" (case as written, unless the pattern says "(?i)") and "forbid" are matched against each of
those strings, and against them all joined by newlines, so a pattern may also span several.

The first recommendation a reply names is the first "Recommendation N", "Rec N" (either in any case,
with or without a full stop, "no.", "number" or "#") or "R N"/"RN" (capital R) in that reading order,
its text before its cards. An action's reference such as "4.1" does not name a recommendation, nor
does a tappable line's hidden title. A reply that asks back instead of answering (which
review? which of several matching recommendations?) is a miss, whatever it names.

Latency, in the same run, at --conversations at once (10): the file's questions, cycled; "status N",
N cycling over the imported plan's recommendation numbers; and botbuilder's bare echo bot (bench/echo.py)
answered the same messages. Each turn is a new 1:1 chat here too, so a question that leaves the bot
waiting for an answer does not turn the next question into one. The score is a measurement: the exit
code is 0 whatever it is, and not 0 only when the state could not be set up or a bot did not start.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import aiohttp  # noqa: E402
from chat import Reply  # noqa: E402
from fake_connector import FakeConnector  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.figures import machine, spread  # noqa: E402
from bench.load import RemoteBot, Samples, Script, TimedChat, run_scenario, user_of  # noqa: E402
from bench.run import Bot, new_database, postgres_server, served  # noqa: E402
from bench.seed import Officer  # noqa: E402
from cards.status import STATUS_RECOMMENDATION_VERB, STATUS_REVIEW_VERB  # noqa: E402
from store.db import Database  # noqa: E402
from store.models import Recommendation  # noqa: E402

DEFAULT_PLAN = "samples/progress-update-march-2020.docx"
DEFAULT_ROUND = {"label": "September 2020", "deadline": "2020-10-02"}
ASKER = {"name": "Question Chair", "email": "question.chair@example.gov.uk", "roles": ["chair"]}
QUESTIONS_STEP = "questions"
STATUS_STEP = "status N"
# "Recommendation 7", "rec. 7", "Rec no. 7", "recommendation #7"; and "R7", "R 7" in capitals only
# (a lower-case "r 7" is too likely some other word's end).
NAMED_RECOMMENDATION = re.compile(
    r"\b(?:(?i:recommendations?|recs?)\.?\s*(?:(?i:no|number)\.?\s*|#\s*)?|R\s?)(\d{1,3})\b"
)
# The buttons that ask back: which review, which of several matching recommendations.
ASKING_BACK_VERBS = frozenset({STATUS_REVIEW_VERB, STATUS_RECOMMENDATION_VERB})
SHOWN_IN_A_MISS = 150  # characters of what a wrong reply showed


@dataclass(frozen=True)
class Case:
    question: str
    recs: tuple[int, ...] = ()
    patterns: tuple[str, ...] = ()


@dataclass
class QuestionFile:
    cases: list[Case]
    forbid: list[str]
    plan: Path
    open_round: dict[str, str]
    people: list[dict[str, Any]]

    @classmethod
    def read(cls, path: Path) -> QuestionFile:
        raw = json.loads(path.read_text())
        cases = [
            Case(case["q"], tuple(case.get("rec") or ()), tuple(case.get("all") or ()))
            for case in raw["cases"]
        ]
        if unchecked := [case.question for case in cases if not case.recs and not case.patterns]:
            raise ValueError(f"{path}: these questions have neither 'rec' nor 'all': {unchecked}")
        return cls(
            cases=cases,
            forbid=list(raw.get("forbid") or ()),
            plan=ROOT / raw.get("plan", DEFAULT_PLAN),
            open_round={**DEFAULT_ROUND, **(raw.get("open_round") or {})},
            people=list(raw.get("people") or ()),
        )

    def asker(self) -> dict[str, Any]:
        return next((p for p in self.people if "chair" in p.get("roles", ())), ASKER)


@dataclass
class Answer:
    question: str
    right: bool
    reason: str  # why not, when not right
    shown: str  # what the reply showed, as one line
    named: int | None  # the first recommendation it named
    seconds: float


# --- judging a reply ---


def shown_strings(replies: list[Reply]) -> list[str]:
    """What the replies show, in reading order: each message's text, then its cards."""
    return [string for reply in replies for string in reply.shown]


def first_recommendation(strings: list[str]) -> int | None:
    for string in strings:
        if match := NAMED_RECOMMENDATION.search(string):
            return int(match.group(1))
    return None


def asks_back(replies: list[Reply]) -> bool:
    """Whether a card asks which review or which recommendation rather than answering."""
    return any(
        isinstance(node.get("data"), dict) and node["data"].get("verb") in ASKING_BACK_VERBS
        for reply in replies
        for node in _buttons(reply.cards)
    )


def _buttons(node: Any) -> Iterator[dict[str, Any]]:
    """The buttons a card shows (not a tappable line's selectAction: that is the answer's detail)."""
    if isinstance(node, list):
        for value in node:
            yield from _buttons(value)
    elif isinstance(node, dict):
        if node.get("type") in ("Action.Submit", "Action.Execute"):
            yield node
        for key, value in node.items():
            if key != "selectAction":
                yield from _buttons(value)


def _matches(pattern: str, strings: list[str], *, ignore_case: bool = False) -> bool:
    flags = re.IGNORECASE if ignore_case else 0
    return any(re.search(pattern, string, flags) for string in [*strings, "\n".join(strings)])


def judge(case: Case, replies: list[Reply], forbid: list[str], *, status: int | None) -> tuple[bool, str]:
    """Right, or the reason it is not."""
    strings = shown_strings(replies)
    if not replies:
        return False, f"no reply (HTTP {status})"
    if forbidden := [pattern for pattern in forbid if _matches(pattern, strings, ignore_case=True)]:
        return False, "forbidden phrase: " + ", ".join(repr(p) for p in forbidden)
    if asks_back(replies):
        return False, "asked back instead of answering"
    if case.recs:
        named = first_recommendation(strings)
        wanted = " or ".join(str(n) for n in case.recs)
        if named is None:
            return False, f"named no recommendation (wanted {wanted})"
        if named not in case.recs:
            return False, f"named Recommendation {named} first (wanted {wanted})"
    if failed := [pattern for pattern in case.patterns if not _matches(pattern, strings)]:
        return False, "did not match: " + ", ".join(repr(p) for p in failed)
    return True, ""


def one_line(strings: list[str], limit: int = SHOWN_IN_A_MISS) -> str:
    said = " / ".join(" ".join(string.split()) for string in strings if string.strip())
    return said if len(said) <= limit else said[: limit - 1] + "…"


# --- the state: the real CLI on a fresh database ---


def scrutiny_bot(url: str, *args: str, workdir: Path) -> None:
    command = Path(sys.executable).with_name("scrutiny-bot")
    finished = subprocess.run(
        [str(command), *args],
        capture_output=True,
        text=True,
        cwd=workdir,  # not the repository: a developer's .env there is not this database's
        env={**os.environ, "DATABASE_URL": url},
    )
    if finished.returncode != 0:
        raise RuntimeError(f"scrutiny-bot {' '.join(args)} failed:\n{finished.stdout}{finished.stderr}")


def set_up(url: str, questions: QuestionFile, workdir: Path) -> list[int]:
    """The plan imported, the round opened, the people added; the plan's recommendation numbers."""
    scrutiny_bot(url, "import", str(questions.plan), workdir=workdir)
    opening = questions.open_round
    deadline = ["--deadline", opening["deadline"]] if opening.get("deadline") else []
    scrutiny_bot(url, "round", "open", opening["label"], *deadline, "--if-none-open", workdir=workdir)
    for person in [*questions.people, *([] if questions.asker() in questions.people else [ASKER])]:
        email = ["--email", person["email"]] if person.get("email") else []
        roles = [word for role in person.get("roles") or ["officer"] for word in ("--role", role)]
        scrutiny_bot(url, "people", "add", person["name"], *email, *roles, workdir=workdir)
    return asyncio.run(_recommendation_numbers(url))


async def _recommendation_numbers(url: str) -> list[int]:
    db = Database(url)
    try:
        async with db.session() as session:
            numbers = await session.scalars(select(Recommendation.number).distinct())
            return sorted(numbers)
    finally:
        await db.dispose()


def asker_officer(person: dict[str, Any]) -> Officer:
    """The asker as the load driver knows people (bench/load.py's `user_of` makes their Teams user)."""
    aad = uuid.uuid5(uuid.NAMESPACE_URL, "mailto:" + person["email"])
    return Officer(0, person["name"], person["email"], str(aad), (), "")


# --- asking ---


def new_chat(bot: RemoteBot, officer: Officer) -> TimedChat:
    return TimedChat(bot, user=user_of(officer), scope="personal")  # type: ignore[arg-type]


async def ask_all(bot: RemoteBot, officer: Officer, questions: QuestionFile) -> list[Answer]:
    """Each question once, in a 1:1 chat of its own, one after another."""
    answers = []
    for case in questions.cases:
        chat = new_chat(bot, officer)
        seconds, replies = await chat.say_timed(case.question)
        right, reason = judge(case, replies, questions.forbid, status=chat.last_status)
        strings = shown_strings(replies)
        answers.append(
            Answer(case.question, right, reason, one_line(strings), first_recommendation(strings), seconds)
        )
    bot.connector.received.clear()
    return answers


def saying(step: str, texts: list[str]) -> Script:
    """Each turn the next of `texts`, in a new 1:1 chat; only that the bot answered is checked."""
    turns = itertools.count()

    async def run(chat: TimedChat, officer: Officer, samples: Samples) -> None:
        chat.conversation = {**chat.conversation, "id": f"a:1personal-question-{uuid.uuid4().hex}"}
        seconds, replies = await chat.say_timed(texts[next(turns) % len(texts)])
        samples.latencies[step].append(seconds)
        if not replies:
            samples.failures.append(f"{step} got no reply (HTTP {chat.last_status})")

    return run


@dataclass
class Latency:
    conversations: int
    # step -> "ours"/"echo" -> p50, p95, p99 (seconds) and n
    steps: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    # The understanding alone, in this process: p50 and p99 of a question, and the index's build.
    understanding: dict[str, float] = field(default_factory=dict)
    # `scrutiny-bot ask` on the command line, wall seconds: median and slowest of the timed runs.
    cli: dict[str, float] = field(default_factory=dict)


UNDERSTANDING_ROUNDS = 50  # each question understood this many times for its figures
CLI_RUNS = 5  # timed runs of `scrutiny-bot ask`, after two to warm the machine's caches


async def understanding_cost(url: str, questions: list[str]) -> dict[str, float]:
    """What the understanding adds to a turn: reading one question against the plan's index."""
    from dialogs.asking import Understanding
    from understanding.understand import understand

    understanding = Understanding()
    database = Database(url)
    checks = []
    try:
        async with database.session() as session:
            started = time.perf_counter()
            index = await understanding.index(session)
            understand(questions[0], index)  # bm25s's indexes are made on the first ranking
            built = time.perf_counter() - started
        for _ in range(UNDERSTANDING_ROUNDS):  # each turn asks whether the plan changed: one query
            async with database.session() as session:
                started = time.perf_counter()
                await understanding.index(session)
                checks.append(time.perf_counter() - started)
    finally:
        await database.dispose()
    times = []
    for _ in range(UNDERSTANDING_ROUNDS):
        for question in questions:
            started = time.perf_counter()
            understand(question, index)
            times.append(time.perf_counter() - started)
    times.sort()
    checks.sort()
    return {
        "p50": times[len(times) // 2],
        "p99": times[int(len(times) * 0.99)],
        "index": built,
        "check_p50": checks[len(checks) // 2],
    }


def cli_wall(url: str, question: str, workdir: Path) -> dict[str, float]:
    """`scrutiny-bot ask QUESTION`, start to finish, as an officer trying it would wait."""
    runs = []
    for attempt in range(2 + CLI_RUNS):
        started = time.perf_counter()
        scrutiny_bot(url, "ask", question, workdir=workdir)
        if attempt >= 2:
            runs.append(time.perf_counter() - started)
    runs.sort()
    return {"median": runs[len(runs) // 2], "slowest": runs[-1]}


async def measure(
    bots: dict[str, RemoteBot],
    officer: Officer,
    questions: QuestionFile,
    numbers: list[int],
    *,
    conversations: int,
    samples: int,
) -> Latency:
    latency = Latency(conversations)
    texts = {
        QUESTIONS_STEP: [case.question for case in questions.cases],
        STATUS_STEP: [f"status {number}" for number in numbers],
    }
    cycles = max(1, -(-samples // conversations))
    for bot in bots.values():  # warm up both: imports, compiled queries, connection pools
        for step, said in texts.items():
            await run_scenario(bot, [officer] * 2, saying(step, said), cycles=1, turns_per_cycle=1)
    for step, said in texts.items():
        for kind, bot in bots.items():
            result = await run_scenario(
                bot, [officer] * conversations, saying(step, said), cycles=cycles, turns_per_cycle=1
            )
            latency.steps.setdefault(step, {})[kind] = spread(result.latencies[step])
            print(
                f"  {kind:4} {step:9} × {conversations} conversations: {result.turns} turns in "
                f"{result.seconds:.1f} s",
                file=sys.stderr,
                flush=True,
            )
            if result.failures:
                went_wrong = len(result.failures)
                latency.failures.append(
                    f"{kind}, {step}: {went_wrong} turns went wrong: {result.failures[0]}"
                )
    return latency


async def drive(
    bots: dict[str, Bot], officer: Officer, questions: QuestionFile, numbers: list[int], args: Any
) -> tuple[list[Answer], Latency]:
    connector = FakeConnector()
    connector.add_member(user_of(officer))
    await connector.start()
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    try:
        remote = {kind: RemoteBot(bot.url, connector, http) for kind, bot in bots.items()}
        answers = await ask_all(remote["ours"], officer, questions)
        latency = await measure(
            remote, officer, questions, numbers, conversations=args.conversations, samples=args.samples
        )
        return answers, latency
    finally:
        await http.close()
        await connector.stop()


# --- the report ---


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f}"


def report(answers: list[Answer], latency: Latency) -> str:
    right = sum(answer.right for answer in answers)
    lines = [f"{right}/{len(answers)} answered right"]
    misses = [answer for answer in answers if not answer.right]
    if misses:
        lines += ["", "Misses:"]
        for answer in misses:
            lines.append(f"- {answer.question!r}: {answer.reason}")
            lines.append(f"    showed: {answer.shown or '(nothing)'}")
    lines += [
        "",
        f"Latency, {latency.conversations} conversations at once (ms; a new 1:1 chat each turn):",
        "",
        "| Turn | Ours p50 / p99 | Echo p50 / p99 | p50 ours/echo | Turns |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for step in (QUESTIONS_STEP, STATUS_STEP):
        ours, echo = latency.steps[step]["ours"], latency.steps[step]["echo"]
        lines.append(
            f"| {step} | {_ms(ours['p50'])} / {_ms(ours['p99'])} | {_ms(echo['p50'])} / {_ms(echo['p99'])} "
            f"| {ours['p50'] / echo['p50']:.2f}× | {ours['n']:.0f} |"
        )
    lines += ["", f"Questions − status N at p50, ours: {_ms(difference(latency))} ms"]
    if latency.understanding:
        cost = latency.understanding
        lines.append(
            f"The understanding alone (in process): p50 {_ms(cost['p50'])} ms, p99 {_ms(cost['p99'])} ms "
            f"a question, after {_ms(cost['check_p50'])} ms (p50) asking whether the plan changed; the "
            f"plan's index built in {_ms(cost['index'])} ms (again only when it changes)"
        )
    if latency.cli:
        lines.append(
            f"`scrutiny-bot ask` wall: median {latency.cli['median']:.2f} s, slowest "
            f"{latency.cli['slowest']:.2f} s of {CLI_RUNS} runs"
        )
    lines += [f"- FAILED: {failure}" for failure in latency.failures]
    return "\n".join(lines)


def difference(latency: Latency) -> float:
    return latency.steps[QUESTIONS_STEP]["ours"]["p50"] - latency.steps[STATUS_STEP]["ours"]["p50"]


def figures(path: Path, answers: list[Answer], latency: Latency) -> dict[str, Any]:
    return {
        "machine": machine(),
        "questions": str(path),
        "score": {"right": sum(a.right for a in answers), "asked": len(answers)},
        "misses": [asdict(a) for a in answers if not a.right],
        "answers": [asdict(a) for a in answers],
        "latency": {
            "conversations": latency.conversations,
            "steps": latency.steps,
            "questions_minus_status_p50": difference(latency),
            "understanding": latency.understanding,
            "cli_ask": latency.cli,
            "failures": latency.failures,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("questions", type=Path, help="the question file (JSON)")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql", "postgres"],
        default="sqlite",
        help="a fresh SQLite file, or a throwaway PostgreSQL server (scripts/postgres.sh)",
    )
    parser.add_argument("--samples", type=int, default=200, help="timed turns of each kind, per bot (about)")
    parser.add_argument("--conversations", type=int, default=10, help="conversations at once when timing")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (logs, database)")
    args = parser.parse_args(argv)
    questions = QuestionFile.read(args.questions)
    kind = "postgresql" if args.database.startswith("postgres") else "sqlite"

    workdir = Path(tempfile.mkdtemp(prefix="scrutiny-questions."))
    workdir.chmod(0o755)
    try:
        with postgres_server(workdir) if kind == "postgresql" else nullcontext() as server_url:
            url = new_database(kind, "scrutiny_questions", workdir=workdir, server_url=server_url)
            numbers = set_up(url, questions, workdir)
            officer = asker_officer(questions.asker())
            with (
                served("ours", url, workdir / "ours.log") as ours,
                served("echo", url, workdir / "echo.log") as echo,
            ):
                started = time.perf_counter()
                answers, latency = asyncio.run(
                    drive({"ours": ours, "echo": echo}, officer, questions, numbers, args)
                )
            asked = [case.question for case in questions.cases]
            latency.understanding = asyncio.run(understanding_cost(url, asked))
            latency.cli = cli_wall(url, asked[0], workdir)
    except RuntimeError as error:  # the state could not be set up, or a bot did not start
        print(error, file=sys.stderr)
        print(f"The logs and database are kept in {workdir}", file=sys.stderr)
        return 1
    print(f"  asked and timed in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.keep:
        print(f"The bots' logs and database are kept in {workdir}", file=sys.stderr)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print(report(answers, latency))
    if args.json:
        args.json.write_text(json.dumps(figures(args.questions, answers, latency), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
