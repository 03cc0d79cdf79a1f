"""A review begins from the Select Committee's final report: imported from its text, a Word document
or a PDF as an administrator imports it (`scrutiny-bot import`), with the recommendations in the
committee's exact words and no agreed action yet; and every way out says so plainly.

samples/review-final-report.txt is the text of a real report (Stockton-on-Tees' "Digital
Optimisation"); the Word document and the PDF are built here."""

from __future__ import annotations

import io
import json
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import docx
import pytest
from chat import MakeChat
from fake_connector import TeamsUser
from fpdf import FPDF
from PIL import Image
from records import import_document
from test_cli import Cli
from test_status import blocks, card_of, shown

from documents.files import read_document, write_document
from documents.layout import NO_AGREED_ACTIONS
from store.db import Database
from store.models import AgreedAction, Recommendation, Review

REPORT = "review-final-report.txt"

# The seed's recommendations, as the committee worded them (the report breaks them over lines).
WORDS = {
    1: "A review of My Stockton with regards content and layout be undertaken.",
    2: (
        "Work be undertaken to understand why too few of the Borough’s residents are using the Council’s "
        "digital services (in line with the Local Government Digital Service Standard)."
    ),
    3: "Digital service options on the Council’s home page be made more visible / explicit (e.g. ‘sign up "
    "for My Stockton’).",
    4: (
        "Information on where to get WiFi or access to a computer within the Borough be provided on the "
        "Council’s website (as per Wigan Council’s website)."
    ),
    5: (
        "SBC should ensure that senior management are able to recognise the potential benefits for digital "
        "services across all departments and ensure this is reflected in the culture of the Council."
    ),
    6: (
        "Consideration be given to expanding the role of the Council’s Digital Services Group to develop SBC "
        "Digital Champions within each directorate and to engage with the community."
    ),
    7: (
        "SBC embraces the iDEA (The Duke of York Inspiring Digital Enterprise Award) concept, both within "
        "the Council itself, and for residents young and old."
    ),
    8: (
        "Appropriate skills be developed and resources prioritised within the Council’s workforce to design, "
        "progress and implement digital services."
    ),
    9: "A digital skills development section is included within Council staff appraisals (individual and "
    "team requirements).",
    10: (
        "Consideration be given as to how, in addition to those areas with the highest number of customer "
        "transactions, further digital solutions can be identified and implemented in those Council services "
        "with the greatest spend (Adults and Children’s Services)."
    ),
    11: (
        "Collaboration between service areas, ICT and communications and web teams continues to ensure a "
        "joined-up approach, as well as fostering wider learning through regular liaison and joint working "
        "with other Local Authorities, both regionally and nationally."
    ),
    12: (
        "The Council’s Digital Services Group provides leadership and opportunities for collaboration for "
        "the Council to deliver greater value through digital service delivery."
    ),
    13: (
        "Bids for funding of digital projects continue to be submitted, where appropriate, to build on the "
        "Council’s current digital offer."
    ),
}
COVER = ["People Select Committee", "Scrutiny Review of Digital Optimisation", "Final Report"]
FOREWORD = (
    "On behalf of the People Select Committee, we are pleased to present the final report and "
    "recommendations following our review of Digital Optimisation."
)
AFTER = "The Committee thank everyone who gave evidence."


@pytest.fixture(name="cli")
def fixture_cli(database_url: str) -> Cli:
    return Cli(database_url)


def exported(cli: Cli, tmp_path: Path) -> dict[str, object]:
    out = tmp_path / "review.json"
    cli.ok("export", "--format", "json", "-o", out)
    return json.loads(out.read_text(encoding="utf-8"))


def the_review(data: dict[str, object], *, report_date: str | None) -> None:
    """The exported review is the report's: its title, committee, date and 13 recommendations, each
    with its exact words and no actions."""
    assert data["review"] == "Digital Optimisation"
    assert data["committee"] == "People Select Committee"
    assert data.get("report_date") == report_date
    recommendations = data["recommendations"]
    assert isinstance(recommendations, list)
    assert [r["number"] for r in recommendations] == list(range(1, 14))
    assert {r["number"]: r["text"] for r in recommendations} == WORDS
    assert all(r["actions"] == [] for r in recommendations)


# --- the report, as text, Word and PDF ---


def test_the_seed_report_starts_digital_optimisation_with_its_13_recommendations(
    cli: Cli, samples: Path, tmp_path: Path
) -> None:
    said = cli.ok("import", samples / REPORT)
    assert said == "Imported “Digital Optimisation”: 13 recommendations, no agreed actions yet."
    assert (cli.count(Review), cli.count(Recommendation), cli.count(AgreedAction)) == (1, 13, 0)
    data = exported(cli, tmp_path)
    # Several in full, as the seed has them: joined across its line breaks, quotes and all.
    texts = {r["number"]: r["text"] for r in data["recommendations"]}  # type: ignore[attr-defined]
    assert texts[1] == "A review of My Stockton with regards content and layout be undertaken."
    assert texts[3] == (
        "Digital service options on the Council’s home page be made more visible / explicit "
        "(e.g. ‘sign up for My Stockton’)."
    )
    assert texts[11] == (
        "Collaboration between service areas, ICT and communications and web teams continues to ensure a "
        "joined-up approach, as well as fostering wider learning through regular liaison and joint working "
        "with other Local Authorities, both regionally and nationally."
    )
    assert texts[13] == (
        "Bids for funding of digital projects continue to be submitted, where appropriate, to build on the "
        "Council’s current digital offer."
    )
    # The seed has no date on it (its cover is a picture): none is made up.
    the_review(data, report_date=None)
    # Listed twice in the report (the summary and the end), imported once; again, nothing changes.
    assert cli.ok("import", samples / REPORT).startswith("Updated “Digital Optimisation”: 13 recommendations")
    assert (cli.count(Recommendation), cli.count(AgreedAction)) == (13, 0)


def word_report(path: Path, *, numbers: dict[int, int] | None = None) -> Path:
    """A report as a council writes it in Word: a cover, a foreword, then the recommendations in a
    list Word numbers itself; then an appendix."""
    document = docx.Document()
    for line in COVER:
        document.add_paragraph(line)
    document.add_paragraph("12 February 2019")
    document.add_heading("Foreword", level=1)
    document.add_paragraph(FOREWORD)
    document.add_heading("Recommendations", level=1)
    document.add_paragraph("The Committee recommend that:")
    for number, text in WORDS.items():
        if numbers is None:
            document.add_paragraph(text, style="List Number")
        else:  # typed by hand
            document.add_paragraph(f"{numbers.get(number, number)}) {text}")
    document.add_heading("Appendix 1: Terms of Reference", level=1)
    document.add_paragraph(AFTER)
    document.save(path)
    return path


def pdf_report(path: Path) -> Path:
    """The same report as a PDF with a text layer, its lines broken where the page width breaks them."""
    pdf = FPDF()
    pdf.core_fonts_encoding = "cp1252"  # the report's ’ and ‘ in the standard fonts
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in [*COVER, "February 2019"]:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.multi_cell(0, 6, f"Foreword\n\n{FOREWORD}\n", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, "Recommendations\n\nThe Committee recommend that:\n", new_x="LMARGIN", new_y="NEXT")
    for number, text in WORDS.items():
        pdf.multi_cell(0, 6, f"{number}) {text}\n", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, f"Appendix 1\n{AFTER}", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_the_same_report_from_word_with_its_own_numbering(cli: Cli, tmp_path: Path) -> None:
    assert cli.ok("import", word_report(tmp_path / "Digital Optimisation.docx")) == (
        "Imported “Digital Optimisation”: 13 recommendations, no agreed actions yet."
    )
    the_review(exported(cli, tmp_path), report_date="2019-02-12")


def test_the_same_report_from_a_pdf(cli: Cli, tmp_path: Path) -> None:
    assert cli.ok("import", pdf_report(tmp_path / "report.pdf")).startswith("Imported “Digital Optimisation”")
    # A month without a day is its first, as a round's month is.
    the_review(exported(cli, tmp_path), report_date="2019-02-01")


def test_sub_items_stay_with_their_recommendation_as_a_list(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(
        "Our review of Libraries Online.\n\nThe Committee recommend that:\n\n"
        "1) The Council:\n  • publishes its library opening hours online;\n\n  • offers e-books\n"
        "    to every member.\n\n2) Members are told of progress.\n\n3.0 Introduction\n\nThe review …\n",
        encoding="utf-8",
    )
    plan = read_document(path)
    assert plan.review == "Libraries Online"
    assert plan.committee is None  # the report names none: none is made up
    assert [(r.number, r.text) for r in plan.recommendations] == [
        (1, "The Council:\n- publishes its library opening hours online;\n- offers e-books to every member."),
        (2, "Members are told of progress."),
    ]


# --- no agreed actions yet: every way out says so ---


def test_status_and_the_documents_say_no_agreed_actions_yet(cli: Cli, samples: Path, tmp_path: Path) -> None:
    cli.ok("import", samples / REPORT)
    status = cli.ok("status")
    assert status.count("No agreed actions yet.") == 13
    assert WORDS[12] in status
    one = cli.ok("status", "4")
    assert one == f"Recommendation 4 (Digital Optimisation) {WORDS[4]} No agreed actions yet."
    assert cli.ok("status", columns=60).count("No agreed actions yet.") == 13

    cli.ok("export", "-o", tmp_path / "plan.docx")
    word = docx.Document(str(tmp_path / "plan.docx"))
    assert [p.text for p in word.paragraphs].count(NO_AGREED_ACTIONS) == 13
    assert word.tables[1].rows[0].cells[1].text == WORDS[1]
    # It reads back as it was: recommendations without actions.
    back = read_document(tmp_path / "plan.docx")
    assert {r.number: r.text for r in back.recommendations} == WORDS
    assert all(r.actions == [] for r in back.recommendations)

    cli.ok("export", "-o", tmp_path / "plan.md")
    markdown = (tmp_path / "plan.md").read_text(encoding="utf-8")
    assert f"## Recommendation 13\n\n{WORDS[13]}\n\n*{NO_AGREED_ACTIONS}*\n" in markdown

    cli.ok("export", "-o", tmp_path / "plan.yaml")
    assert "  actions: []\n" in (tmp_path / "plan.yaml").read_text(encoding="utf-8")


def test_a_review_with_some_actions_agreed_shows_which_have_none(cli: Cli, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "review: Libraries Online\nrecommendations:\n"
        "  - {number: 1, text: E-books for all.,\n"
        "     actions: [{responsibility: Ann Lee, agreed_action: Buy them.}]}\n"
        "  - {number: 2, text: Longer hours.}\n",
        encoding="utf-8",
    )
    assert "2 recommendations, 1 agreed actions" in cli.ok("import", plan)
    status = cli.ok("status")
    assert "1.1 Buy them. Ann Lee" in status
    assert "2 No agreed actions yet." in status


async def test_the_status_cards_say_no_agreed_actions_yet(
    make_chat: MakeChat, db: Database, samples: Path
) -> None:
    async with db.session() as session:
        await import_document(session, path=samples / REPORT)
    chat = await make_chat()
    replies = await chat.say("status")
    said = replies[0].text
    assert said == "Digital Optimisation has no agreed actions yet, so there is no progress to report."
    card = card_of(replies)
    lines = [c for c in blocks(card, "ColumnSet") if c.get("selectAction")]
    assert len(lines) == 13
    # No action is not every action achieved.
    assert {line["columns"][2]["items"][0]["text"] for line in lines} == {"No agreed actions yet"}
    assert "Fully Achieved" not in shown(card)
    card = card_of(await chat.say("status 4"))
    assert "Recommendation 4" in shown(card)
    assert "No agreed actions yet." in shown(card)


# --- bad input: a clear reply, and nothing imported ---


def refused(cli: Cli, *paths: Path) -> str:
    result = cli("import", *paths)
    assert result.exit_code == 1, result.output
    assert cli.count(Review) == 0 and cli.count(Recommendation) == 0
    return " ".join(result.output.split())


def test_two_recommendations_numbered_the_same_are_refused(cli: Cli, tmp_path: Path) -> None:
    said = refused(cli, word_report(tmp_path / "report.docx", numbers={5: 4}))
    assert said == (
        "report.docx: two recommendations are numbered 4 (“Information on where to get WiFi or access to a "
        "computer wi…” and “SBC should ensure that senior management are able to recogn…”), so nothing was "
        "imported. Number them as the committee agreed and import it again."
    )


def test_a_report_whose_two_lists_differ_is_refused(cli: Cli, samples: Path, tmp_path: Path) -> None:
    text = (samples / REPORT).read_text(encoding="utf-8")
    last = text.rindex("13) Bids for funding")
    path = tmp_path / "report.txt"
    path.write_text(text[:last] + text[last:].replace("Bids for funding", "Bids for money"), encoding="utf-8")
    said = refused(cli, path)
    assert said == (
        "report.txt: the report lists its recommendations twice, and they differ at recommendation 13: "
        "“Bids for funding of digital projects continue to be submitt…” and “Bids for money of digital "
        "projects continue to be submitted…”. Make the two lists agree and import it again."
    )


def test_a_scanned_pdf_is_refused_saying_it_has_no_text(cli: Cli, tmp_path: Path) -> None:
    picture = io.BytesIO()
    Image.new("L", (400, 560), color=235).save(picture, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(picture, x=10, y=10, w=190)
    path = tmp_path / "scanned report.pdf"
    pdf.output(str(path))
    said = refused(cli, path)
    assert said.startswith("This PDF has no text in it (a scanned image?): scanned report.pdf.")


def test_a_50_mb_file_is_refused_unread(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as big:
        big.truncate(50_000_000)  # sparse: nothing is written, its size is what counts
    said = refused(cli, path)
    assert said == "huge.pdf is 50 MB, over the 20 MB a document may be, so nothing was imported " + (
        "(SCRUTINY_IMPORT_MAX_BYTES sets the limit)."
    )


def test_the_limit_is_a_setting(tmp_path: Path) -> None:
    from documents.errors import ImportRefused

    with pytest.raises(ImportRefused, match=r"over the 0\.001 MB a document may be"):
        read_document(word_report(tmp_path / "report.docx"), max_bytes=1_000)


def test_a_report_without_recommendations_is_refused_whole(cli: Cli, samples: Path, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    text = (samples / REPORT).read_text(encoding="utf-8")
    # The lists' numbers gone: the committee's words are there, but not as numbered recommendations.
    path.write_text(text.replace("1) A review", "A review"), encoding="utf-8")
    why = (
        "report.txt: no recommendations were found in this report, so nothing was imported. They are looked "
        "for after a line “The Committee recommend that:” (or a “Recommendations” heading), each starting "
        "with its number: “1) …”, “2) …”."
    )
    assert refused(cli, path) == why  # not imported from 2) on, without the first
    prose = f"{FOREWORD}\n\nThe Committee recommend that:\n\nMore digital services.\n"
    path.write_text(prose, encoding="utf-8")
    assert refused(cli, path) == why


def test_one_refused_report_imports_nothing_of_the_others(cli: Cli, samples: Path, tmp_path: Path) -> None:
    bad = word_report(tmp_path / "bad.docx", numbers={2: 1})
    said = refused(cli, samples / REPORT, bad)
    assert "bad.docx: two recommendations are numbered 1" in said


def test_the_report_date_is_kept_on_the_review(tmp_path: Path) -> None:
    plan = read_document(word_report(tmp_path / "report.docx"))
    assert plan.report_date == date(2019, 2, 12)
    assert plan.recommendations[0].actions == []
    write_document(plan, path=tmp_path / "plan.json", fmt="json")
    assert read_document(tmp_path / "plan.json") == plan


@pytest.mark.parametrize(
    "said",
    ["status", "summary", "how's the wifi one going?", "my actions", "update", "slipped", "overdue", "help"],
)
async def test_before_any_action_is_agreed_every_question_has_an_answer(
    make_chat: MakeChat, db: Database, samples: Path, said: str
) -> None:
    async with db.session() as session:
        await import_document(session, path=samples / REPORT)
    replies = await (await make_chat()).say(said)
    assert replies
    words = " ".join([*(r.text or "" for r in replies), *(shown(c) for r in replies for c in r.cards)])
    assert "Sorry, something went wrong" not in words, words


def test_the_command_line_answers_before_any_action_is_agreed(
    cli: Cli, samples: Path, tmp_path: Path
) -> None:
    cli.ok("import", samples / REPORT)
    assert "Recommendation 4" in cli.ok("ask", "how's the wifi one going?")
    assert cli.ok("ask", "how is the review going?") == (
        "Digital Optimisation has no agreed actions yet, so there is no progress to report."
    )
    gallery = cli("cards", "preview", "-o", tmp_path / "cards")
    assert gallery.exit_code == 1
    assert "“Digital Optimisation” has no agreed actions yet, and most cards show actions." in gallery.output


@pytest.mark.parametrize(
    ("text", "review", "committee", "words"),
    [
        (  # the cover names both; "and" and "in" belong to the names
            "Children and Young People Select Committee\nScrutiny Review of Children in Care\nMarch 2021\n\n"
            "Recommendations\n\n(1) Foster carers are paid on\n\n14\n\ntime.\n"
            "(2) Each child’s plan is self-\nexplanatory.\n\nAppendix 1\n",
            "Children in Care",
            "Children and Young People Select Committee",
            ["Foster carers are paid on time.", "Each child’s plan is self-explanatory."],
        ),
        (  # a signature's words run into the name; the name said most often wins
            "Cllr Ann Lee\nVice-Chair\nAdult Social Care and Health Select Committee\n\nThis report of the "
            "Adult Social Care and Health Select Committee follows the review of Home Care, which began in "
            "2020.\n\nThe Committee recommends that:\n1. Home care visits last at least 30 minutes.\n"
            "2.0 Introduction\n",
            "Home Care",
            "Adult Social Care and Health Select Committee",
            ["Home care visits last at least 30 minutes."],
        ),
    ],
)
def test_what_a_report_is_read_by(
    tmp_path: Path, text: str, review: str, committee: str, words: list[str]
) -> None:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    plan = read_document(path)
    assert (plan.review, plan.committee) == (review, committee)
    assert [r.text for r in plan.recommendations] == words


def test_a_report_that_does_not_say_which_review_it_is_is_refused(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("The Committee recommend that:\n\n1) Libraries open on Sundays.\n", encoding="utf-8")
    assert refused(cli, path) == (
        "report.txt: the review's title was not found, so nothing was imported. The report should say "
        "which review it is, as in “following our review of Digital Optimisation”."
    )


async def test_an_admin_asked_to_update_a_recommendation_without_actions_is_told_there_is_none(
    make_chat: MakeChat, db: Database, samples: Path, add_person: Callable[..., Awaitable[object]]
) -> None:
    async with db.session() as session:
        await import_document(session, path=samples / REPORT)
    admin = TeamsUser(name="Jo Admin", email="jo.admin@stockton.gov.uk", aad_object_id="aad-jo")
    await add_person(admin.name, email=admin.email, aad_object_id=admin.aad_object_id, is_admin=True)
    chat = await make_chat(admin)
    # No round is open and no action agreed: nothing to update, said as for any admin.
    assert [r.text for r in await chat.say("update")] == [
        "There is nothing for you to update just now: none of your actions is in an open monitoring round."
    ]
    assert [r.text for r in await chat.say("update 4")] == [
        "There is no Recommendation 4 among the actions you can update."
    ]
