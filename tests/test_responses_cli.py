"""The executive's response from the command line: `review respond` records one, `status` shows it,
a recommendation not accepted leaves the counts, and bad input exits 1 with nothing changed."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy import select
from test_cli import Cli
from test_queries import SEED_LIKE

from documents.files import read_document
from documents.responses import ExecutiveResponse
from store.db import Database
from store.models import Recommendation

BECAUSE = "The survey is already done by the Local Government Association."


@pytest.fixture(name="cli")
def fixture_cli(database_url: str, tmp_path: Path) -> Cli:
    plan = tmp_path / "digital-optimisation.yaml"
    plan.write_text(SEED_LIKE, encoding="utf-8")
    cli = Cli(database_url)
    cli.ok("import", plan)
    return cli


def recorded(cli: Cli) -> dict[int, tuple[ExecutiveResponse | None, str | None, date | None]]:
    async def read() -> dict[int, tuple[ExecutiveResponse | None, str | None, date | None]]:
        database = Database(cli.database_url)
        try:
            async with database.session() as session:
                rows = await session.execute(
                    select(
                        Recommendation.number,
                        Recommendation.response,
                        Recommendation.response_reason,
                        Recommendation.response_date,
                    )
                )
                return {number: (response, reason, on) for number, response, reason, on in rows}
        finally:
            await database.dispose()

    return asyncio.run(read())


def test_responses_recorded_for_several_and_shown_by_status(cli: Cli) -> None:
    said = cli.ok("review", "respond", "1", "accepted", "--date", "2019-05-01")
    assert said == "Recommendation 1 of “Digital Optimisation”: Executive response: Accepted (1 May 2019)."
    said = cli.ok(
        "review", "respond", "2", "not accepted", "--reason", BECAUSE, "--date", "2019-05-01",
        "--review", "digital optimisation",
    )  # fmt: skip
    assert said == (
        f"Recommendation 2 of “Digital Optimisation”: Executive response: Not accepted (1 May 2019): "
        f"{BECAUSE.rstrip('.')}. Not accepted, so no actions are asked of it and its progress is not "
        "monitored."
    )
    cli.ok("review", "respond", "7", "Partially-Accepted", "--reason", "Staff only, for now.")
    assert recorded(cli)[7] == (ExecutiveResponse.PARTIALLY_ACCEPTED, "Staff only, for now.", date.today())

    one = cli.ok("status", "2")
    assert f"Executive response: Not accepted (1 May 2019): {BECAUSE}" in one
    assert "Conduct a resident's survey" not in one  # its action is not monitored
    review = cli.ok("status")
    assert "Recommendation 1: Executive response: Accepted (1 May 2019)" in review
    assert f"Recommendation 2: Executive response: Not accepted (1 May 2019): {BECAUSE}" in review
    assert "No executive response yet: 4, 13." in review
    # The counts leave out Recommendation 2's action, which is not monitored.
    assert "(6 actions)" in review and "2.1" not in review

    # Recorded again, the response is replaced.
    cli.ok("review", "respond", "2", "accepted", "--date", "2019-06-01")
    assert recorded(cli)[2] == (ExecutiveResponse.ACCEPTED, None, date(2019, 6, 1))
    assert "(7 actions)" in cli.ok("status")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (
            ("99", "accepted"),
            "“Digital Optimisation” has no recommendation 99 (its recommendations are 1, 2, 4, 7, 13).",
        ),
        (("3", "accepted"), "“Digital Optimisation” has no recommendation 3"),
        (("4", "maybe"), "“maybe” is not a response: say accepted, partially accepted or not accepted."),
        (("4", "not accepted"), "Recommendation 4 was not accepted: say why, for the committee."),
        (
            ("4", "not accepted", "--reason", " "),
            "Recommendation 4 was not accepted: say why, for the committee.",
        ),
        (("4", "accepted", "--date", "1 May"), "“1 May” is not a date: write it as YYYY-MM-DD"),
        (("4", "accepted", "--review", "Waste"), "There is no review called “Waste”."),
        (("4", "accepted", "--reason", "x" * 4_001), "the limit is 4,000. Please shorten it."),
    ],
)
def test_bad_input_exits_1_with_a_sentence_and_changes_nothing(
    cli: Cli, args: tuple[str, ...], reason: str
) -> None:
    before = recorded(cli)
    result = cli("review", "respond", *args)
    assert result.exit_code == 1 and reason in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output
    assert recorded(cli) == before


def test_the_committees_papers_print_each_response_under_its_recommendation(cli: Cli, tmp_path: Path) -> None:
    """The Word and Markdown exports say what the executive answered; one not accepted says that, not
    "No agreed actions yet", and the Word document still reads back as the plan it is."""
    cli.ok("review", "respond", "1", "accepted", "--date", "2019-05-01")
    cli.ok("review", "respond", "2", "not accepted", "--reason", BECAUSE, "--date", "2019-05-01")
    cli.ok("export", "-o", tmp_path / "plan.docx")
    cli.ok("export", "-o", tmp_path / "plan.md")

    paragraphs = [p.text for p in docx.Document(str(tmp_path / "plan.docx")).paragraphs]
    assert "Executive response: Accepted (1 May 2019)" in paragraphs
    assert f"Executive response: Not accepted (1 May 2019): {BECAUSE}" in paragraphs
    markdown = (tmp_path / "plan.md").read_text(encoding="utf-8")
    two = markdown.split("## Recommendation 2")[1].split("## Recommendation 3")[0]
    assert f"*Executive response: Not accepted (1 May 2019): {BECAUSE}*" in two
    assert "No agreed actions yet" not in two
    back = read_document(tmp_path / "plan.docx")
    assert [r.number for r in back.recommendations] == sorted(recorded(cli))
