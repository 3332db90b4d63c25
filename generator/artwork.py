"""Load badge and issuer artwork from site_src/artwork/, checking its real format."""

from __future__ import annotations

from pathlib import Path

from generator.baking import (
    ArtworkError,
    clean_png,
    clean_svg,
    png_size,
    render_svg_png,
    serialize_svg,
    sniff_format,
    svg_has_text,
)
from generator.errors import Problem, error, warning
from generator.models import Artwork

ARTWORK_DIR = "site_src/artwork"
# Every baked copy carries the artwork, so a large file multiplies across awards.
LARGE_ARTWORK_BYTES = 256 * 1024


def load_artwork(
    root: Path, filename: str, referrer: str, field: str
) -> tuple[Artwork | None, list[Problem]]:
    """Read, sniff and clean one artwork file named by `field` of `referrer`."""
    display = f"{ARTWORK_DIR}/{filename}"
    path = root / ARTWORK_DIR / filename
    if not path.is_file():
        fix = f"Add {display} or correct the file name."
        return None, [
            error(referrer, field, f"names {display}, which does not exist.", fix)
        ]

    data = path.read_bytes()
    problems: list[Problem] = []
    if len(data) > LARGE_ARTWORK_BYTES:
        problems.append(
            warning(
                display,
                "",
                f"is {len(data) // 1024} KB, over 256 KB.",
                "Every recipient's baked copy carries it; compress or simplify it.",
            )
        )

    declared = filename.rsplit(".", 1)[-1].lower()
    found = sniff_format(data)
    if found != declared:
        message = f"is named .{declared} but its bytes are {found.upper()}."
        fix = f"Convert it to {declared.upper()}, or rename it to match its format."
        return None, [*problems, error(display, "", message, fix)]

    try:
        if declared == "png":
            artwork, cleaned = _load_png(filename, data)
        else:
            artwork, cleaned, has_text = _load_svg(filename, data)
            if has_text:
                problems.append(
                    warning(
                        display,
                        "",
                        "contains <text>, which the PNG rendering leaves out.",
                        "Convert text to paths in your drawing program.",
                    )
                )
    except ArtworkError as exc:
        return None, [*problems, error(display, "", exc.message, exc.fix)]

    if cleaned:
        problems.append(
            warning(
                display,
                "",
                "already contains a baked assertion; it was removed.",
                "Replace it with the clean artwork.",
            )
        )
    return artwork, problems


def _load_png(filename: str, data: bytes) -> tuple[Artwork, bool]:
    clean, was_baked = clean_png(data)
    width, height = png_size(clean)
    return Artwork(filename, clean, None, width, height), was_baked


def _load_svg(filename: str, data: bytes) -> tuple[Artwork, bool, bool]:
    document, was_baked = clean_svg(data)
    svg = serialize_svg(document)
    try:
        rendered = render_svg_png(svg)
    except ValueError as exc:
        raise ArtworkError(
            f"cannot be rendered ({exc}).", "Check it in an SVG editor."
        ) from exc
    png, _ = clean_png(rendered)
    width, height = png_size(png)
    return Artwork(filename, png, svg, width, height), was_baked, svg_has_text(document)
