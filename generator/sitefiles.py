"""Files a built site must contain, and images that must parse.

A link check cannot notice an award that was removed with everything that
links to it, so the award ids in badgesite.json name the files each award
needs. Baked images are checked by parsing them, because a truncated PNG
still has a name the host serves.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import PurePosixPath
from typing import Any
from xml.parsers.expat import ExpatError

import defusedxml.minidom
from defusedxml import DefusedXmlException

from generator import urls
from generator.baking import ArtworkError, read_chunks

NOT_FOUND_PAGE = "404.html"


def missing_site_files(files: Collection[str]) -> list[tuple[str, str]]:
    """Return (path, message) for each file every build writes but `files` lacks."""
    if NOT_FOUND_PAGE in files:
        return []
    message = (
        "is missing, so the host answers a mistyped or retired URL with its "
        "own error page instead of the site's."
    )
    return [(NOT_FOUND_PAGE, message)]


def missing_award_files(
    files: Collection[str], award_ids: Any
) -> list[tuple[str, str]]:
    """Return (field, message) for each badgesite.json award id without its files.

    Every award listed in `award_ids` needs its Assertion JSON and its page,
    because both URLs are published in the baked images and shared links.
    """
    if not isinstance(award_ids, list):
        return [("award_ids", f"is not a list of award ids: got {award_ids!r}.")]
    found = []
    for index, award_id in enumerate(award_ids):
        field = f"award_ids[{index}]"
        if not isinstance(award_id, str) or not award_id:
            found.append((field, f"is not an award id: got {award_id!r}."))
            continue
        needed = [
            urls.assertion_json(award_id),
            urls.file_for(urls.award_page(award_id)),
        ]
        missing = [path for path in needed if path not in files]
        if missing:
            found.append((field, _missing_award_message(award_id, missing)))
    return found


def _missing_award_message(award_id: str, missing: list[str]) -> str:
    if len(missing) == 1:
        return (
            f"lists award {award_id!r}, but {missing[0]} is missing from the "
            "output, so its URL answers 404."
        )
    return (
        f"lists award {award_id!r}, but {' and '.join(missing)} are missing "
        "from the output, so its URLs answer 404."
    )


def award_files(award_ids: Any) -> set[str]:
    """Return the JSON and page paths of every valid id in `award_ids`."""
    if not isinstance(award_ids, list):
        return set()
    paths = set()
    for award_id in award_ids:
        if isinstance(award_id, str) and award_id:
            paths.add(urls.assertion_json(award_id))
            paths.add(urls.file_for(urls.award_page(award_id)))
    return paths


def image_problem(relative: str, data: bytes) -> str | None:
    """Return why a .png or .svg file does not parse, or None if it parses.

    A PNG must have a valid signature, intact chunk CRCs and an IEND chunk. An
    SVG must be well-formed XML without entity declarations.
    """
    suffix = PurePosixPath(relative).suffix.lower()
    if suffix == ".png":
        try:
            read_chunks(data)
        except ArtworkError as exc:
            return exc.message
    elif suffix == ".svg":
        try:
            defusedxml.minidom.parseString(data)
        except (DefusedXmlException, ValueError) as exc:
            return f"is not a safe SVG file ({exc})."
        except ExpatError as exc:
            return f"is not well-formed SVG ({exc})."
    return None
