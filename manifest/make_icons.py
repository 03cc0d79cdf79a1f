"""Draws the app's two Teams icons: a tick on a document, the mark of a progress update returned.

Teams wants color.png 192×192 (full colour) and outline.png 32×32 (white on transparent). The PNGs are
committed; run this again only to change the mark: `python manifest/make_icons.py`.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
ACCENT = "#1F6F8B"  # also the manifest's accentColor, so the tile and the icon match
WHITE = (255, 255, 255, 255)
SUPERSAMPLE = 8  # draw large and shrink, so the small outline's edges come out smooth


def _document_with_tick(size: int, *, background: str | None, line: float) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), background or (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def at(x: float, y: float) -> tuple[float, float]:
        return (x * big, y * big)

    width = round(line * big)
    # A page with its top-right corner folded over.
    page = [at(0.25, 0.12), at(0.62, 0.12), at(0.76, 0.26), at(0.76, 0.88), at(0.25, 0.88)]
    draw.line([*page, page[0]], fill=WHITE, width=width, joint="curve")
    draw.line([at(0.62, 0.12), at(0.62, 0.26), at(0.76, 0.26)], fill=WHITE, width=width, joint="curve")
    draw.line([at(0.35, 0.55), at(0.47, 0.68), at(0.67, 0.40)], fill=WHITE, width=width, joint="curve")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    _document_with_tick(192, background=ACCENT, line=0.05).save(HERE / "color.png")
    _document_with_tick(32, background=None, line=0.09).save(HERE / "outline.png")


if __name__ == "__main__":
    main()
