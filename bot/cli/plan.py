"""Plans in and out: `import` (Word, its text export, YAML/JSON) and `export` (for the committee)."""

from __future__ import annotations

import enum
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Literal

import typer
import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import ReviewOption, fail, find_review, load_settings, plain_errors, run, terminal
from documents.errors import UserFacingError
from documents.papers import CoverReport
from documents.plan_format import PlanDocument
from store.plan import export_plan, import_plan


class Format(enum.StrEnum):
    DOCX = "docx"
    MD = "md"
    JSON = "json"
    YAML = "yaml"


DOCUMENT_FORMATS: dict[Format, Literal["docx", "md", "json"]] = {
    Format.DOCX: "docx",
    Format.MD: "md",
    Format.JSON: "json",
}


def read_plan(path: Path) -> PlanDocument:
    # Word, its text export, or YAML/JSON, told by content; python-docx is loaded only when needed.
    from documents.files import read_document

    if not path.is_file():
        raise UserFacingError(f"There is no file {path}.")
    return read_document(path)


def import_(
    paths: Annotated[
        list[Path], typer.Argument(help="Word .docx, its text export (.txt), or a YAML/JSON plan.")
    ],
) -> None:
    """Import action plans and progress updates. Importing the same document again changes nothing.

    All of them are imported in one transaction: if one file is refused, none is imported.
    """
    with _reading(paths) as plans:

        async def work(session: AsyncSession) -> list[str]:
            return [(await import_plan(session, plan=plan)).describe() for plan in plans]

        lines = run(work)
    for line in lines:
        terminal().print(line, markup=False)


@contextmanager
def _reading(paths: list[Path]) -> Iterator[Iterator[PlanDocument]]:
    """The plans in order, each read while the ones before it are saved. Several documents are read
    in other processes, one a core: reading Word is most of a council's import (0.08 s a document)."""
    workers = min(len(paths), os.cpu_count() or 1)
    if workers < 2:
        yield (read_plan(path) for path in paths)
        return
    # Started before the event loop, so the processes forked hold no loop or connection.
    with ProcessPoolExecutor(workers) as pool:
        reads = [pool.submit(read_plan, path) for path in paths]
        try:
            yield (read.result() for read in reads)
        finally:
            pool.shutdown(cancel_futures=True)


def _format_of(output: Path, given: Format | None) -> Format:
    if given is not None:
        return given
    suffix = output.suffix.lower().lstrip(".")
    known = {
        "docx": Format.DOCX,
        "md": Format.MD,
        "json": Format.JSON,
        "yaml": Format.YAML,
        "yml": Format.YAML,
    }
    if suffix not in known:
        fail(f"Say which format with --format (docx, md, json or yaml): “{output.name}” does not tell.")
    return known[suffix]


def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    review: ReviewOption = None,
    round_label: Annotated[
        str | None,
        typer.Option("--round", help="The last round to include, e.g. “March 2020”. Default: all."),
    ] = None,
    fmt: Annotated[
        Format | None, typer.Option("--format", "-f", help="Default: from the file name's ending.")
    ] = None,
    include_unreviewed: Annotated[
        bool,
        typer.Option(
            "--include-unreviewed",
            help="Also updates the scrutiny officer has not accepted, marked “(not yet reviewed)”.",
        ),
    ] = False,
    cover: Annotated[
        bool,
        typer.Option(
            "--cover",
            help="The covering report for the committee's meeting, the progress update appended (.docx).",
        ),
    ] = False,
    overview: Annotated[
        bool,
        typer.Option(
            "--overview",
            help="The impact of scrutiny: every review's recommendations achieved, slipped, outstanding.",
        ),
    ] = False,
) -> None:
    """Write a review's progress update for the committee (.docx, Markdown) or as a plan (JSON/YAML).

    With --cover, the covering report for the committee's meeting with the progress update appended,
    as one Word document; with --overview, every review's outcome (.docx or Markdown).
    """
    chosen = _format_of(output, fmt)
    if cover and overview:
        fail("Choose one: --cover writes one review's papers, --overview every review's outcome.")
    if cover:
        _export_cover(output, chosen, review, round_label, include_unreviewed)
        return
    if overview:
        if review or round_label or include_unreviewed:
            fail(
                "The overview covers every review as the committees read them: "
                "leave out --review, --round and --include-unreviewed."
            )
        _export_overview(output, chosen)
        return

    async def work(session: AsyncSession) -> PlanDocument:
        found = await find_review(session, review)
        return await export_plan(
            session,
            title=found.title,
            up_to=round_label,
            include_unreviewed=include_unreviewed,
            # Only an address others can reach belongs in a committee's paper.
            link_base=settings.public_url or None,
        )

    settings = load_settings()
    plan = run(work, settings=settings)
    with plain_errors():
        if chosen is Format.YAML:
            data = plan.model_dump(mode="json", exclude_defaults=True)
            output.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        else:
            from documents.files import write_document

            write_document(plan, path=output, fmt=DOCUMENT_FORMATS[chosen])
    terminal().print(f"Wrote {output} (“{plan.review}”, rounds: {', '.join(plan.round_labels()) or 'none'}).")


def _export_cover(
    output: Path, chosen: Format, review: str | None, round_label: str | None, include_unreviewed: bool
) -> None:
    from documents.cover_report import write_cover_docx
    from documents.files import write_file
    from store.papers import cover_report

    if chosen is not Format.DOCX:
        fail("The covering report is a Word document: write it to a .docx file (or --format docx).")
    settings = load_settings()

    async def work(session: AsyncSession) -> CoverReport:
        found = await find_review(session, review)
        return await cover_report(
            session,
            title=found.title,
            up_to=round_label,
            include_unreviewed=include_unreviewed,
            link_base=settings.public_url or None,
        )

    papers = run(work, settings=settings)
    with plain_errors():
        write_file(output, write_cover_docx(papers))
    terminal().print(
        f"Wrote {output}: the covering report on the {papers.latest.round_label} round of "
        f"“{papers.review}”, with its progress update appended.",
        markup=False,
    )


def _export_overview(output: Path, chosen: Format) -> None:
    from documents.files import write_file
    from documents.overview import write_overview_docx, write_overview_markdown
    from store.papers import scrutiny_overview

    if chosen not in (Format.DOCX, Format.MD):
        fail("The overview is written as Word (.docx) or Markdown (.md).")
    found = run(scrutiny_overview)
    with plain_errors():
        if chosen is Format.DOCX:
            write_file(output, write_overview_docx(found))
        else:
            write_file(output, write_overview_markdown(found).encode())
    terminal().print(f"Wrote {output}: the impact of scrutiny, {len(found.reviews)} reviews.", markup=False)
