"""Text from the plan or from people, drawn on a card: the one rule for the plan's own markup.

A cell's text marks italics `*so*`, bold `**so**`, list items "- " and links `[text](url)`
(documents/layout.py). On a card that markup is drawn, never shown as characters: TextRuns in a
RichTextBlock, italic, bold or a link (a TextRun opening its URL), and a list item a bullet. Nothing
else is read as markup: TextRuns are never read as Markdown or HTML, so "<b>" or "_" stay as typed.
Where a card draws no text styles (a choice's or a button's title), documents.layout.plain_words.
"""

from __future__ import annotations

from microsoft_teams.cards import OpenUrlAction, RichTextBlock, TextRun

from documents.layout import Inline, inline

BULLET = "• "
WEB = ("https://", "http://", "mailto:")


def link_run(text: str, url: str, *, small: bool = False, subtle: bool = False) -> TextRun:
    """Words that open `url`, drawn as a link."""
    return TextRun(
        text=text,
        underline=True,
        color="Accent",
        size="Small" if small else None,
        is_subtle=subtle or None,
        select_action=OpenUrlAction(url=url),
    )


def runs(
    text: str, limit: int, *, subtle: bool = False, bold: bool = False, small: bool = False
) -> list[TextRun]:
    """The text's pieces as TextRuns, trimmed to `limit` characters with "…"."""
    shown: list[TextRun] = []
    room = limit
    for piece in _pieces(text):
        if room <= 0:
            break
        words = piece.text if len(piece.text) <= room else piece.text[:room].rstrip() + "…"
        room -= len(piece.text)
        if piece.url is not None:
            shown.append(link_run(words, piece.url, small=small, subtle=subtle))
            continue
        shown.append(
            TextRun(
                text=words,
                weight="Bolder" if bold or piece.bold else None,
                italic=piece.italic or None,
                is_subtle=subtle or None,
                size="Small" if small else None,
            )
        )
    return shown


def one_line(text: str, limit: int) -> str:
    """Plan text for a line of a list: on one line, at most `limit` characters of its words ("…"
    where cut), its markup kept whole, so that a cut never leaves a stray asterisk or bracket."""
    shown: list[str] = []
    room = limit
    for piece in inline(" ".join(text.split())):
        if room <= 0:
            break
        words = piece.text if len(piece.text) <= room else piece.text[:room].rstrip() + "…"
        room -= len(piece.text)
        if piece.url is not None and piece.url != piece.text:
            shown.append(f"[{words}]({piece.url})")
        else:
            stars = "*" * (piece.italic + 2 * piece.bold)
            shown.append(f"{stars}{words}{stars}")
    return "".join(shown)


def _pieces(text: str) -> list[Inline]:
    """The text's pieces, lines joined by "\n", runs of the same style as one piece. A bare URL is
    its own words (a run per URL would swell a long text past Teams' limit); a named link opens."""
    pieces: list[Inline] = []
    for number, line in enumerate(text.split("\n")):
        if line.startswith("- "):
            line = BULLET + line[2:]
        for piece in [Inline("\n"), *inline(line)] if number else inline(line):
            if piece.url == piece.text:
                piece = piece._replace(url=None)
            elif piece.url is not None and not piece.url.lower().startswith(WEB):
                # Only a web address opens: "javascript:" and the like stay words, as typed.
                piece = Inline(f"[{piece.text}]({piece.url})")
            last = pieces[-1] if pieces else None
            if last and last.url is None and piece.url is None and last[1:] == piece[1:]:
                pieces[-1] = last._replace(text=last.text + piece.text)
            else:
                pieces.append(piece)
    return pieces


def marked(
    text: str, limit: int, *, subtle: bool = False, bold: bool = False, small: bool = False
) -> RichTextBlock:
    """A block of text from the plan or from people, with the plan's markup drawn ("—" if empty)."""
    inlines = runs(text.strip(), limit, subtle=subtle, bold=bold, small=small) or runs("—", 1, subtle=subtle)
    return RichTextBlock(inlines=inlines, spacing="Small")  # type: ignore[arg-type]
