"""The `scrutiny-bot` command as an administrator uses it, against a real database on each backend."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from test_queries import SEED_LIKE
from typer.testing import CliRunner, Result

from bot.cli import app
from documents.synthetic import synthetic_council
from documents.word_writer import write_docx
from store.db import Database
from store.models import MonitoringRound, Person, ProgressUpdate, Review


@pytest.fixture
def cli(database_url: str) -> Cli:
    return Cli(database_url)


class Cli:
    """Runs commands as a person at a wide terminal would, and looks at the database afterwards."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.runner = CliRunner()

    def __call__(self, *args: str | Path, columns: int = 200) -> Result:
        env = {"DATABASE_URL": self.database_url, "COLUMNS": str(columns), "HOST": None, "PORT": None}
        return self.runner.invoke(app, [str(a) for a in args], env=env)

    def ok(self, *args: str | Path, columns: int = 200) -> str:
        result = self(*args, columns=columns)
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())  # rich wraps long lines; compare words

    def count(self, model: type[object]) -> int:
        async def counting() -> int:
            database = Database(self.database_url)
            try:
                async with database.session() as session:
                    return await session.scalar(select(func.count()).select_from(model)) or 0
            finally:
                await database.dispose()

        return asyncio.run(counting())


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "digital-optimisation.yaml"
    path.write_text(SEED_LIKE, encoding="utf-8")
    return path


def test_import_prints_what_was_imported_and_again_changes_nothing(cli: Cli, plan: Path) -> None:
    first = cli.ok("import", plan)
    assert (
        "Imported “Digital Optimisation”: 5 recommendations, 7 agreed actions, 11 progress updates added; "
        "new rounds: March 2020, September 2020." in first
    )
    again = cli.ok("import", plan)
    assert (
        "Updated “Digital Optimisation”: 5 recommendations, 7 agreed actions, 0 progress updates added."
        in again
    )
    assert cli.count(ProgressUpdate) == 11


def test_a_refused_document_exits_1_with_the_reason_and_nothing_is_written(
    cli: Cli, plan: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED_LIKE.replace("grade: 3, explanation", "grade: 9, explanation", 1), encoding="utf-8")
    result = cli("import", plan, bad)  # the good one is not imported either
    assert result.exit_code == 1
    assert "bad.yaml: Recommendation 1, action 2, progress, round “March 2020”, grade" in result.output
    assert "Traceback" not in result.output
    assert cli.count(Review) == 0 and cli.count(ProgressUpdate) == 0

    missing = cli("import", tmp_path / "nowhere.docx")
    assert missing.exit_code == 1 and "There is no file" in missing.output


def test_a_council_of_word_documents_imports_in_one_go_or_not_at_all(cli: Cli, tmp_path: Path) -> None:
    """Several documents are read side by side (one process a core): what is saved is what each says,
    and a damaged one among them, even the last, leaves nothing saved."""
    plans = synthetic_council(reviews=3, recommendations=2, actions=2, rounds=2)
    paths = []
    for plan in plans:
        paths.append(tmp_path / f"{plan.review}.docx")
        paths[-1].write_bytes(write_docx(plan))
    damaged = tmp_path / "cut-short.docx"
    damaged.write_bytes(paths[0].read_bytes()[:2000])

    refused = cli("import", *paths, damaged)
    assert refused.exit_code == 1
    assert "cut-short.docx: the Word document is damaged or incomplete" in refused.output
    assert cli.count(Review) == 0 and cli.count(ProgressUpdate) == 0

    imported = cli.ok("import", *paths)
    for plan in plans:
        assert f"Imported “{plan.review}”: 2 recommendations, 4 agreed actions" in imported
    entries = sum(len(a.progress) for plan in plans for r in plan.recommendations for a in r.actions)
    assert cli.count(ProgressUpdate) == entries > 0


def test_export_writes_a_plan_that_imports_back_elsewhere(cli: Cli, plan: Path, tmp_path: Path) -> None:
    cli.ok("import", plan)
    out = tmp_path / "exported.json"
    assert "Wrote" in cli.ok("export", "-o", out, "--format", "json")
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["review"] == "Digital Optimisation" and len(exported["recommendations"]) == 5

    # A fresh machine: the command creates the database itself.
    elsewhere = Cli(f"sqlite:///{tmp_path / 'fresh' / 'scrutiny.db'}")
    assert "7 agreed actions, 11 progress updates added" in elsewhere.ok("import", out)
    assert elsewhere.ok("status", "7") == cli.ok("status", "7")

    only_march = tmp_path / "march.yaml"
    cli.ok("export", "-o", only_march, "--round", "March 2020")
    assert "September 2020" not in only_march.read_text(encoding="utf-8")


def test_an_export_links_each_recommendation_where_the_bot_has_a_public_address(
    cli: Cli, plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("import", plan)
    local = tmp_path / "local.md"
    cli.ok("export", "-o", local)
    assert "/recommendations/" not in local.read_text(encoding="utf-8")  # loopback: no use on paper

    monkeypatch.setenv("SCRUTINY_PUBLIC_URL", "https://scrutiny.example.gov.uk/")
    paper = tmp_path / "paper.md"
    cli.ok("export", "-o", paper)
    text = paper.read_text(encoding="utf-8")
    assert "## Recommendation 7\n" in text
    assert "[Its status in Teams](https://scrutiny.example.gov.uk/recommendations/1/7)" in text


def test_export_refuses_unknown_round_and_format(cli: Cli, plan: Path, tmp_path: Path) -> None:
    cli.ok("import", plan)
    result = cli("export", "-o", tmp_path / "x.json", "--round", "March 2019")
    assert result.exit_code == 1 and "“Digital Optimisation” has no March 2019 round." in result.output
    result = cli("export", "-o", tmp_path / "x.txt")
    assert result.exit_code == 1 and "Say which format with --format" in result.output


def test_status_shows_every_action_with_owner_and_grade_per_round(cli: Cli, plan: Path) -> None:
    cli.ok("import", plan)
    overview = cli.ok("status")
    assert "Open round: September 2020, deadline 2 October 2020" in overview
    assert "September 2020: 0 Fully Achieved, 2 On-Track, 0 Slipped, 0 Not Achieved" in overview
    assert "2 N/A (Fully Achieved), 3 not assessed (7 actions)" in overview
    assert "1.1 Review strengths" in overview
    assert "1 Fully Achieved N/A (Fully Achieved)" in overview  # 1.1 in March, then done
    assert "Carly Dixon / Andrew Mearns October 2019 3 Slipped —" in overview

    narrower = cli.ok("status", columns=110)  # numbers and a legend instead of words
    assert "Mar 2020 Sep 2020" in narrower and "N/A = Fully Achieved in an earlier round" in narrower
    narrow = cli.ok("status", columns=80)  # each action's lines one under another
    assert "7.2 For Community: Market and promote to Adult learners." in narrow
    assert "Responsibility: Carly Dixon / Andrew Mearns Due: October 2019" in narrow
    assert "March 2020: 3 Slipped September 2020: —" in narrow

    rec7 = cli.ok("status", "7")
    assert "Recommendation 7 (Digital Optimisation) SBC embraces the iDEA" in rec7
    assert "7.1 For Council Staff Incorporate within the Council's workforce development plan." in rec7
    assert "Responsibility: Lorraine Dixon / Liz Purdy" in rec7
    assert "March 2020: 2 On-Track September 2020: 2 On-Track" in rec7
    assert "Evidence (September 2020): Forty badges earned." in rec7
    assert "7.2 For Community" in rec7 and "Explanation: Covid." in rec7

    wifi = cli.ok("status", "wifi")
    assert "Recommendation 4" in wifi and "September 2020: N/A (Fully Achieved)" in wifi
    assert "Recommendation 7" not in wifi

    unknown = cli("status", "parking permits")
    assert unknown.exit_code == 1
    assert "No recommendation of “Digital Optimisation” matches “parking permits”." in unknown.output


def test_status_wraps_agreed_actions_instead_of_cutting_them(cli: Cli, samples: Path) -> None:
    cli.ok("import", samples / "progress-update-march-2020.docx")
    for columns in (200, 120, 80, 60):
        shown = cli("status", columns=columns).output
        assert "…" not in shown, columns
        lines = [line.strip() for line in shown.splitlines()]
        # 3.1 and 3.2 (and 8.3 and 8.4) begin alike; what tells them apart is on the screen.
        assert any("'Top Tasks'" in line for line in lines), columns
        assert any("explicit" in line for line in lines), columns
        assert any("oversee" in line for line in lines), columns
        assert any("Responsibility" in line and "Due" in line for line in lines), columns
    stacked = cli.ok("status", columns=80)
    assert "8.4 Digital Services Group to oversee the digital elements of the Council's" in stacked
    assert "Responsibility: Digital Services Group Due: April 2019 – ongoing" in stacked


def test_status_needs_a_review_to_show(cli: Cli, plan: Path, tmp_path: Path) -> None:
    result = cli("status")
    assert result.exit_code == 1 and "There are no reviews yet. Import a plan first" in result.output
    cli.ok("import", plan)
    other = tmp_path / "other.yaml"
    other.write_text(SEED_LIKE.replace("review: Digital Optimisation", "review: Libraries"), encoding="utf-8")
    cli.ok("import", other)
    result = cli("status")
    assert result.exit_code == 1
    assert "There are 2 reviews; say which with --review: Digital Optimisation; Libraries." in result.output
    assert "Libraries" in cli.ok("status", "--review", "libraries")
    result = cli("status", "--review", "Parks")
    assert result.exit_code == 1 and "There is no review called “Parks”." in result.output


def test_rounds_open_close_and_list(cli: Cli, plan: Path) -> None:
    cli.ok("import", plan)
    opened = cli.ok("round", "open", "Sept 2021", "--deadline", "2021-10-01")
    assert opened == (
        "Opened the September 2021 round of “Digital Optimisation”, deadline 1 October 2021. "
        "5 actions need an update. The September 2020 round is now closed."
    )
    assert cli.ok("round", "open", "March 2022", "--if-none-open") == (
        "“Digital Optimisation” already has an open round: September 2021."
    )
    listed = cli.ok("round", "list")
    assert "September 2020 │ 2 October 2020 │ │" in listed
    assert "September 2021 │ 1 October 2021 │ open" in listed
    assert cli.ok("round", "close") == "Closed the September 2021 round of “Digital Optimisation”."

    again = cli("round", "close")
    assert again.exit_code == 1 and "“Digital Optimisation” has no open round to close." in again.output
    bad = cli("round", "open", "Autumn 2022")
    assert bad.exit_code == 1 and "“Autumn 2022” is not a month and year" in bad.output
    bad_date = cli("round", "open", "March 2022", "--deadline", "1/4/2022")
    assert bad_date.exit_code == 1 and "write it as YYYY-MM-DD" in bad_date.output
    assert cli.count(MonitoringRound) == 3


def test_people_add_import_and_list(cli: Cli, plan: Path, tmp_path: Path) -> None:
    cli.ok("import", plan)
    added = cli.ok("people", "add", "Jo Chair", "--email", "jo.chair@stockton.gov.uk", "--role", "chair")
    assert added == "Added Jo Chair (jo.chair@stockton.gov.uk; chair)."
    roster = tmp_path / "people.csv"
    roster.write_text(
        "name,email,roles\n"
        "Lorraine Dixon,lorraine.dixon@stockton.gov.uk,officer admin\n"
        "Sam Newcomer,sam@stockton.gov.uk,\n",
        encoding="utf-8",
    )
    assert cli.ok("people", "import", roster) == "Added 1 and updated 1 people from people.csv."
    listed = cli.ok("people", "list")
    assert "Lorraine Dixon │ lorraine.dixon@stockton.gov.uk │ officer, admin │ 5" in listed
    assert "Jo Chair │ jo.chair@stockton.gov.uk │ chair │ 0" in listed
    assert "Sam Newcomer │ sam@stockton.gov.uk │ officer │ 0" in listed

    taken = cli("people", "add", "Liz Purdy", "--email", "JO.CHAIR@stockton.gov.uk")
    assert taken.exit_code == 1 and "JO.CHAIR@stockton.gov.uk is already Jo Chair's email." in taken.output
    roster.write_text("name,email,roles\nAl Smith,al@x.gov.uk,boss\n", encoding="utf-8")
    refused = cli("people", "import", roster)
    assert refused.exit_code == 1
    refusal = "people.csv, line 2: “boss” is not a role: use officer, admin, chair or scrutiny."
    assert refusal in refused.output
    assert cli.count(Person) == 6  # 4 named in the plan, Jo and Sam; not Al


def test_sample_progress_update_imports_and_shows_the_march_2020_grades(
    cli: Cli, samples: Path, tmp_path: Path
) -> None:
    imported = cli.ok("import", samples / "progress-update-march-2020.docx")
    assert "Imported “Digital Optimisation”: 13 recommendations, 27 agreed actions" in imported
    assert "March 2020: 5 Fully Achieved, 16 On-Track, 6 Slipped, 0 Not Achieved (27 actions)" in cli.ok(
        "status"
    )
    cli.ok("round", "open", "September 2020")
    waiting = cli.ok("status")
    assert "September 2020: 0 Fully Achieved, 0 On-Track, 0 Slipped, 0 Not Achieved, 5 N/A" in waiting

    document = tmp_path / "committee.docx"
    cli.ok("export", "-o", document, "--round", "March 2020")
    elsewhere = Cli(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert "13 recommendations, 27 agreed actions, 27 progress updates added" in elsewhere.ok(
        "import", document
    )
    assert "5 Fully Achieved, 16 On-Track, 6 Slipped" in elsewhere.ok("status")


def test_settings_errors_are_sentences(cli: Cli) -> None:
    result = cli.runner.invoke(
        app, ["serve", "--host", "0.0.0.0"], env={"DATABASE_URL": cli.database_url, "MicrosoftAppId": ""}
    )
    assert result.exit_code == 1
    assert "HOST=0.0.0.0 is not loopback" in result.output and "Traceback" not in result.output


@pytest.fixture
def fake_renderer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tools/card-renderer as a stand-in: its install.sh puts the package in place, its render.mjs
    draws each card as a few bytes and has no complaint."""
    renderer = tmp_path / "card-renderer"
    renderer.mkdir()
    install = renderer / "install.sh"
    install.write_text('#!/usr/bin/env bash\nmkdir -p "$(dirname "$0")/node_modules/adaptivecards"\n')
    install.chmod(0o755)
    (renderer / "render.mjs").write_text(
        "import fs from 'node:fs';\n"
        "const cards = JSON.parse(fs.readFileSync(0, 'utf8'));\n"
        "for (const c of cards) fs.writeFileSync(`${process.argv[2]}/${c.name}.png`, 'png');\n"
        "console.log(JSON.stringify(cards.map((c) => ({name: c.name, events: []}))));\n"
    )
    monkeypatch.setattr("bot.preview.RENDERER", renderer)
    return renderer


def preview(cli: Cli, out: Path, *, path: str | None = None) -> str:
    env = {"DATABASE_URL": cli.database_url, "COLUMNS": "200", **({"PATH": path} if path else {})}
    result = cli.runner.invoke(app, ["cards", "preview", "-o", str(out), "--today", "2020-06-01"], env=env)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_cards_preview_installs_the_renderer_the_first_time_pictures_are_wanted(
    cli: Cli, plan: Path, tmp_path: Path, fake_renderer: Path
) -> None:
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("the renderer runs on Node.js")
    cli.ok("import", plan)
    out = tmp_path / "cards"
    said = preview(cli, out)
    assert said.startswith(
        "Installing the card renderer for the pictures, once (tools/card-renderer/install.sh"
    )
    count = len(list(out.glob("*.json")))
    assert said.endswith(f"Wrote {count} cards to {out}, as JSON and PNG.")
    assert len(list(out.glob("*.png"))) == count
    assert "Installing" not in preview(cli, out)  # installed now: not again

    (fake_renderer / "node_modules" / "adaptivecards").rmdir()
    (fake_renderer / "install.sh").write_text(
        '#!/usr/bin/env bash\necho "Chromium is missing: install Debian\'s chromium package" >&2\nexit 1\n'
    )
    assert preview(cli, out).endswith(
        f"Wrote {count} cards as JSON to {out}, but no pictures: the card renderer could not be installed "
        "(Chromium is missing: install Debian's chromium package)."
    )


def test_cards_preview_without_node_writes_json_and_says_what_the_pictures_need(
    cli: Cli, plan: Path, tmp_path: Path, fake_renderer: Path
) -> None:
    cli.ok("import", plan)
    out = tmp_path / "cards"
    nowhere = tmp_path / "no-node"
    nowhere.mkdir()
    said = preview(cli, out, path=str(nowhere))
    count = len(list(out.glob("*.json")))
    assert said == (
        f"Wrote {count} cards as JSON to {out}. The pictures need Node.js 20 or newer (node and npm): "
        "install it and run this again, and the card renderer is installed then."
    )
    assert not list(out.glob("*.png"))


def test_ask_answers_as_the_chat_does_and_explains_itself(cli: Cli, samples: Path) -> None:
    cli.ok("import", samples / "progress-update-march-2020.docx")
    cli.ok("round", "open", "September 2020", "--deadline", "2020-10-02")

    wifi = cli.ok("ask", "how's the wifi one going?")
    assert wifi.startswith("Recommendation 4 (Digital Optimisation): Information on where to get WiFi")
    assert "4.1 Fully Achieved · Andrew Mearns · April 2019 - ongoing" in wifi
    slipped = cli.ok("ask", "how many are behind schedule?")
    assert "Digital Optimisation: 6 of 27 actions are Slipped (their latest grade): 1.2, 1.3, 3.2" in slipped
    assert "**" not in slipped  # the chat's bold, not the terminal's
    assert "9.2" in cli.ok("ask", "who owns recommendation 9?")
    assert "due by 2 October 2020" in cli.ok("ask", "when are the updates due")
    assert cli.ok("ask", "what is Craig Taylor doing?").startswith("Craig Taylor's actions:")
    assert "name the person" in cli.ok("ask", "my actions")

    explained = cli.ok("ask", "--explain", "what's the latest on the DSG's leadership role")
    assert explained.startswith("Taken as: recommendation")
    assert "Candidate: Recommendation 12 — score" in explained and "Recommendation 12 (Digital" in explained
    puzzled = cli.ok("ask", "--explain", "blorp")
    assert "Taken as: not a question I know" in puzzled and "I'm not sure what you're asking" in puzzled


def test_only_a_slip_in_a_long_name_is_taken_for_another_owner(cli: Cli, tmp_path: Path) -> None:
    actions = "\n".join(
        f"      - {{responsibility: {who}, date: March 2024, agreed_action: Action {n}.}}"
        for n, who in enumerate(
            ["Lorraine Dixon", "Lorraine Dixon", "Loraine Dixon", "Carly Dixon", "Carl Dixon"]
        )
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        f"review: Slips\nlink_officers: [Lorraine Dixon]\nrecommendations:\n  - number: 1\n"
        f"    text: One.\n    actions:\n{actions}\n"
    )
    said = cli.ok("import", plan)
    assert said.endswith(
        "“Loraine Dixon” is taken to be “Lorraine Dixon”, one owner "
        "(to keep them apart: scrutiny-bot people unmerge “Loraine Dixon”)."
    )
    assert "Carl" not in said  # a letter in a short name: two people
    listed = cli.ok("people", "list")
    assert "Carl Dixon" in listed and "Carly Dixon" in listed and "Loraine" not in listed
