"""Documents in and out: a file is known by its content, imported in one transaction, and written
in the form the committee asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from records import import_document
from sqlalchemy import func, select

from documents.errors import ImportRefused
from documents.files import read_document, write_document
from documents.grades import Grade
from documents.plan_format import PlanDocument, PlannedRound, ProgressEntry
from documents.word_reader import read_docx
from store.db import Database
from store.models import ProgressUpdate, Recommendation
from store.plan import export_plan

SEED_DOCX = "progress-update-march-2020.docx"
SEED_TXT = "progress-update-march-2020.txt"
MARCH_GRADES = [
    [1, 3, 3],
    [2],
    [1, 3],
    [1],
    [2, 2],
    [1, 2],
    [2, 2, 2, 3],
    [1, 2, 2, 2],
    [3, 3],
    [2, 2],
    [2],
    [2, 2],
    [2],
]

PLAN_YAML = """\
# The plan as an admin writes it by hand.
review: Digital Optimisation
link_officers: [Lorraine Dixon]
recommendations:
  - number: 4
    text: Information on where to get WiFi be on the Council's website.
    actions:
      - responsibility: Andrew Mearns
        date: April 2019 - ongoing
        agreed_action: Publish a list of facilities on the website.
        progress:
          March 2020: {evidence: Complete, grade: 1}
"""


def march_grades(plan: PlanDocument) -> list[list[int | None]]:
    return [
        [int(g) if (g := a.progress["March 2020"].grade) is not None else None for a in rec.actions]
        for rec in plan.recommendations
    ]


async def row_counts(db: Database) -> tuple[int, int]:
    async with db.session() as session:
        recommendations = await session.scalar(select(func.count()).select_from(Recommendation))
        updates = await session.scalar(select(func.count()).select_from(ProgressUpdate))
    return recommendations or 0, updates or 0


def test_a_word_document_is_known_by_its_content_not_its_name(samples: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "progress update.txt"
    renamed.write_bytes((samples / SEED_DOCX).read_bytes())
    plan = read_document(renamed)
    assert len(plan.recommendations) == 13
    assert march_grades(plan) == MARCH_GRADES


def test_a_yaml_plan_is_read_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN_YAML, encoding="utf-8")
    plan = read_document(path)
    assert plan.recommendations[0].actions[0].responsibility == "Andrew Mearns"
    assert plan.recommendations[0].actions[0].progress["March 2020"].grade == Grade.FULLY_ACHIEVED


def test_words_text_export_is_read_with_the_same_grades_as_the_word_document(samples: Path) -> None:
    from_text = read_document(samples / SEED_TXT)
    from_word = read_document(samples / SEED_DOCX)
    assert march_grades(from_text) == march_grades(from_word) == MARCH_GRADES
    assert [a.responsibility for rec in from_text.recommendations for a in rec.actions] == [
        a.responsibility for rec in from_word.recommendations for a in rec.actions
    ]


def test_a_text_export_saved_as_unicode_by_word_is_read(samples: Path, tmp_path: Path) -> None:
    path = tmp_path / "progress.txt"
    path.write_bytes((samples / SEED_TXT).read_text(encoding="utf-8").encode("utf-16"))
    assert march_grades(read_document(path)) == MARCH_GRADES


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("progress.txt", b"", "progress.txt: the file is empty."),
        ("progress.txt", b"  \n\n", "progress.txt: the file is empty."),
        (
            "progress.txt",
            "Recommendation 1:\tA review of My Stockton – café".encode("cp1252"),
            "progress.txt: the text is not in UTF-8, so its characters cannot be read reliably. "
            "Save it again as text with UTF-8 encoding (in Word: Save As, Plain Text, Unicode (UTF-8)).",
        ),
        (
            "notes.txt",
            b"Minutes of the meeting held on 3 March 2020.\n",
            "notes.txt: this is neither a progress update (Word, or its text export with “Recommendation 1:” "
            "rows), a plan in YAML or JSON (starting with “review:”), nor a Select Committee's final report "
            "(with “The Committee recommend that:” before its numbered recommendations).",
        ),
        (
            "plan.yaml",
            PLAN_YAML.replace("grade: 1", "grade: 7").encode(),
            "plan.yaml: Recommendation 4, action 1, progress, round “March 2020”, grade: “7” is not a grade",
        ),
        (
            "plan.docx",
            PLAN_YAML.encode(),
            "plan.docx is not a Word document (is it a text file renamed .docx?)",
        ),
        (
            "progress.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
            "progress.docx is an older Word (.doc) or password-protected file: "
            "open it in Word and save it as a .docx without a password.",
        ),
    ],
)
async def test_an_unreadable_file_is_refused_and_nothing_is_written(
    db: Database, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as refused:
        async with db.session() as session:
            await import_document(session, path=path)
    assert str(refused.value).startswith(message)
    assert await row_counts(db) == (0, 0)


def plan_with_a_second_round(samples: Path) -> PlanDocument:
    plan = read_docx((samples / SEED_DOCX).read_bytes(), source=SEED_DOCX)
    for rec in plan.recommendations:
        for action in rec.actions:
            done = action.progress["March 2020"].grade == Grade.FULLY_ACHIEVED
            action.progress["September 2020"] = (
                ProgressEntry(fully_achieved_carried=True)
                if done
                else ProgressEntry(
                    evidence="Moving on.", grade=Grade.ON_TRACK, impact="More *residents* online."
                )
            )
    plan.rounds = [
        PlannedRound(label="March 2020"),
        PlannedRound(label="September 2020", deadline="2020-09-30", open=True),
    ]
    return plan


async def test_json_to_database_and_back_is_lossless(db: Database, samples: Path, tmp_path: Path) -> None:
    plan = plan_with_a_second_round(samples)
    path = tmp_path / "plan.json"
    write_document(plan, path=path, fmt="json")
    async with db.session() as session:
        result = await import_document(session, path=path)
        exported = await export_plan(session, title="Digital Optimisation")
    assert (result.actions, result.updates_added) == (27, 54)
    assert exported.to_json() == plan.to_json()
    assert path.read_text(encoding="utf-8") == plan.to_json() + "\n"


def test_each_format_is_written_whole_and_reads_back(samples: Path, tmp_path: Path) -> None:
    plan = plan_with_a_second_round(samples)
    for fmt in ("docx", "md", "json"):
        write_document(plan, path=tmp_path / f"progress.{fmt}", fmt=fmt)  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.docx", "progress.json", "progress.md"]
    word = read_document(tmp_path / "progress.docx")
    assert word.model_dump(exclude={"rounds"}) == plan.model_dump(exclude={"rounds"})
    assert read_document(tmp_path / "progress.json") == plan
    markdown = (tmp_path / "progress.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Scrutiny Monitoring – Progress Update: Digital Optimisation\n")
    assert "| September 2020 | 0 | 22 | 0 | 0 | 5 | 0 |" in markdown
