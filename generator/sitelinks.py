"""Links in a built site's files: where each URL sits and what it must point at.

JSON fields and HTML attributes decide the kind of file a link needs, because a
static host picks the Content-Type from the file's extension.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any, NamedTuple

from generator.yamlfile import FieldPath

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)""")


class Expect(NamedTuple):
    """The kind of file a link needs: a description and the allowed extensions."""

    what: str
    suffixes: tuple[str, ...]


JSON = Expect("a JSON file", (".json",))
BADGE_IMAGE = Expect("a PNG or SVG image", (".png", ".svg"))
IMAGE = Expect(
    "an image", (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico")
)
PAGE = Expect("an HTML page", (".html",))
STYLESHEET = Expect("a stylesheet", (".css",))
ANY = Expect("a file", ())


def json_links(
    value: Any, location: FieldPath
) -> Iterator[tuple[FieldPath, str, Expect]]:
    """Yield every absolute http(s) URL in a JSON value with what it must point at."""
    if isinstance(value, dict):
        children: Iterator[tuple[str | int, Any]] = iter(value.items())
    elif isinstance(value, list):
        children = enumerate(value)
    else:
        return
    for key, child in children:
        here = (*location, key)
        if isinstance(child, str):
            expect = _json_expect(here)
            if expect is not None and child.startswith(("http://", "https://")):
                yield here, child, expect
        else:
            yield from json_links(child, here)


def _json_expect(location: FieldPath) -> Expect | None:
    names = [part for part in location if isinstance(part, str)]
    key = names[-1] if names else ""
    parent = names[-2] if len(names) > 1 else ""
    if key == "startsWith":
        return None  # a URL prefix for verification, not a link
    if key == "id":
        if len(location) == 1:
            return None  # compared with the served URL by check_served_id
        if parent == "criteria":
            return PAGE
        if parent == "image":
            return BADGE_IMAGE
        if parent in ("badge", "issuer", "claim", "endorsement", "revokedAssertions"):
            return JSON
        return ANY
    if key == "image":
        return BADGE_IMAGE
    if key in ("badge", "issuer", "endorsement", "revocationList", "revokedAssertions"):
        return JSON
    if key == "criteria":
        return PAGE
    return ANY


class LinkParser(HTMLParser):
    """Collect (line, tag and attribute, URL, expectation) from HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str, Expect]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        line = self.getpos()[0]
        for name, url, expect in _tag_links(tag, values):
            if url.strip():
                self.found.append((line, name, url, expect))

    handle_startendtag = handle_starttag


def _tag_links(tag: str, attrs: dict[str, str]) -> Iterator[tuple[str, str, Expect]]:
    if tag == "a" and "href" in attrs:
        yield "a href", attrs["href"], ANY
    elif tag == "link" and "href" in attrs:
        yield "link href", attrs["href"], _link_expect(attrs)
    elif tag in ("img", "source", "input"):
        if "src" in attrs:
            yield f"{tag} src", attrs["src"], IMAGE
        for candidate in attrs.get("srcset", "").split(","):
            if candidate.split():
                yield f"{tag} srcset", candidate.split()[0], IMAGE
    elif (
        tag in ("script", "iframe", "audio", "video", "embed", "track")
        and "src" in attrs
    ):
        yield f"{tag} src", attrs["src"], ANY
    elif tag == "meta" and "content" in attrs:
        name = attrs.get("property") or attrs.get("name") or ""
        content = attrs["content"]
        if name in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image"):
            yield f"meta {name}", content, IMAGE
        elif name == "og:url":
            yield f"meta {name}", content, PAGE
        elif name.startswith(("og:", "twitter:")) and content.startswith(
            ("http:", "https:")
        ):
            yield f"meta {name}", content, ANY


def _link_expect(attrs: dict[str, str]) -> Expect:
    rel = attrs.get("rel", "").lower().split()
    kind = attrs.get("type", "").lower()
    if "stylesheet" in rel:
        return STYLESHEET
    if "icon" in rel or "apple-touch-icon" in rel:
        return IMAGE
    if "canonical" in rel:
        return PAGE
    if "json" in kind:
        return JSON
    return ANY
