"""Check a built site the way a static host such as GitHub Pages will serve it.

Every link under the base URL, in JSON and in HTML, must name a file in the
output folder. That file needs the extension its use calls for, because Pages
picks the Content-Type from the extension. Every JSON object's `id` must be the
URL it is served at, and no link may point at the build machine unless the
build is a local preview.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from generator import hosting
from generator.errors import Problem, error, problem_order
from generator.yamlfile import FieldPath, format_field

MANIFEST = "badgesite.json"
NOJEKYLL = ".nojekyll"
WELL_KNOWN = ".well-known/"
REBUILD = "Rebuild with `badgesite build` and do not edit the output folder by hand."

# Files read as text when looking for loopback links, so a problem can name a line.
_TEXT_SUFFIXES = {".html", ".json", ".css", ".svg", ".txt", ".xml", ".js", ".md", ""}
_LOOPBACK_LINK = re.compile(
    rb"https?://(?:localhost|127(?:\.[0-9]{1,3}){3}|\[::1\]|0\.0\.0\.0)(?::[0-9]+)?"
    rb"(?:[/?#][^\x00-\x20\x7f-\xff\"'<>)\]]*)?(?=[\x00-\x20\x7f-\xff\"'<>)\]]|$)",
    re.IGNORECASE,
)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)""")


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


@dataclass(frozen=True)
class Link:
    """One URL found in one output file."""

    source: str
    line: int | None
    field: str
    url: str
    expect: Expect


@dataclass
class OutputReport:
    """The result of checking an output folder."""

    base_url: str | None
    files: int = 0
    links: int = 0
    problems: list[Problem] = field(default_factory=list)


def read_manifest_base_url(
    output: Path, label: str
) -> tuple[str | None, list[Problem]]:
    """Return the base URL the output was built for, from its badgesite.json."""
    path = output / MANIFEST
    shown = f"{label}/{MANIFEST}"
    fix = "Pass --base-url URL, or build the site first with `badgesite build`."
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [error(shown, "", "is missing, so the base URL is unknown.", fix)]
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [error(shown, "", f"is not valid JSON ({exc}).", fix)]
    base_url = manifest.get("base_url") if isinstance(manifest, dict) else None
    if not isinstance(base_url, str) or not base_url.endswith("/"):
        return None, [
            error(shown, "base_url", f"is missing or invalid: got {base_url!r}.", fix)
        ]
    return base_url, []


def check_output(
    output: Path, base_url: str | None = None, pages_url: str | None = None
) -> OutputReport:
    """Check every file and link of a built site and return all problems at once.

    `base_url` defaults to the one in output/badgesite.json. `pages_url` is the
    URL GitHub Pages reports for the repository; when given, the site must
    have been built for it.
    """
    label = output.as_posix().rstrip("/") or "."
    if not output.is_dir():
        fix = "Build the site first with `badgesite build`, or pass --output DIR."
        return OutputReport(
            base_url, problems=[error(label, "", "is not a folder.", fix)]
        )
    if base_url is None:
        base_url, problems = read_manifest_base_url(output, label)
        if base_url is None:
            return OutputReport(None, problems=problems)
    checker = _OutputChecker(output, label, base_url)
    report = checker.run()
    if pages_url is not None:
        report.problems += hosting.check_pages_url(base_url, pages_url)
    report.problems.sort(key=problem_order)
    return report


class _OutputChecker:
    def __init__(self, output: Path, label: str, base_url: str) -> None:
        self.output = output
        self.label = label
        self.base_url = base_url
        self.base = urlsplit(base_url)
        self.preview = hosting.is_loopback_url(base_url)
        self.problems: list[Problem] = []
        self.links: list[Link] = []

    def problem(
        self,
        relative: str,
        message: str,
        fix: str = REBUILD,
        *,
        line: int | None = None,
        field: str = "",
    ) -> None:
        self.problems.append(
            error(f"{self.label}/{relative}", field, message, fix, line)
        )

    def run(self) -> OutputReport:
        files = list_files(self.output)
        if NOJEKYLL not in files:
            self.problem(
                NOJEKYLL,
                "is missing, so a branch-deployed site would run Jekyll, "
                "which drops '_' paths and renders files with front matter.",
            )
        for relative in files:
            self.check_name(relative)
            data = (self.output / relative).read_bytes()
            self.read_links(relative, data)
            if not self.preview:
                self.find_loopback_links(relative, data)
        for link in self.links:
            self.resolve(link)
        self.check_cname_file(files)
        checked = sum(1 for link in self.links if self.under_base(urlsplit(link.url)))
        return OutputReport(self.base_url, len(files), checked, self.problems)

    def check_name(self, relative: str) -> None:
        if relative == NOJEKYLL or relative.startswith(WELL_KNOWN):
            return
        for part in PurePosixPath(relative).parts:
            if part.startswith("."):
                self.problem(
                    relative,
                    "is a hidden path (its name starts with '.'), which "
                    "upload-pages-artifact leaves out unless include-hidden-files "
                    "is set.",
                    "Rename it; only .nojekyll and .well-known/ may start with '.'.",
                )
                return
            if part.startswith("_"):
                self.problem(
                    relative,
                    "starts with '_', which Jekyll leaves out of a "
                    "branch-deployed site.",
                    "Rename it without the leading '_'.",
                )
                return

    def read_links(self, relative: str, data: bytes) -> None:
        suffix = PurePosixPath(relative).suffix.lower()
        if suffix in (".json", ".html", ".css"):
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.problem(relative, f"is not valid UTF-8 ({exc.reason}).")
                return
            if suffix == ".json":
                self.read_json(relative, text)
            elif suffix == ".html":
                self.read_html(relative, text)
            else:
                self.read_css(relative, text)
        elif _looks_like_json(data):
            self.problem(
                relative,
                "contains JSON but its name does not end in .json, so "
                "GitHub Pages would serve it with the wrong Content-Type.",
                "Give every JSON file a .json extension.",
            )

    def read_json(self, relative: str, text: str) -> None:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            self.problem(relative, f"is not valid JSON: {exc.msg}.", line=exc.lineno)
            return
        if isinstance(document, dict):
            self.check_served_id(relative, text, document)
        for location, url, expect in _json_links(document, ()):
            line = _line_of(text, json.dumps(url, ensure_ascii=False))
            self.links.append(Link(relative, line, format_field(location), url, expect))

    def check_served_id(
        self, relative: str, text: str, document: dict[str, Any]
    ) -> None:
        served = self.base_url + relative
        found = document.get("id")
        if found is None:
            if "@context" in document:
                self.problem(relative, f"has no id; it must be {served!r}.", field="id")
            return
        if found != served:
            line = _line_of(text, json.dumps(found, ensure_ascii=False))
            self.problem(
                relative,
                f"is {found!r}, but the file is served at {served!r}; "
                "verifiers reject an object whose id is not its URL.",
                line=line,
                field="id",
            )

    def read_html(self, relative: str, text: str) -> None:
        parser = _LinkParser()
        parser.feed(text)
        parser.close()
        page_url = self.base_url + relative
        for line, name, url, expect in parser.found:
            absolute = urljoin(page_url, url.strip())
            if (
                url.startswith("/")
                and not url.startswith("//")
                and not self.under_base(urlsplit(absolute))
            ):
                self.problem(
                    relative,
                    f"links to {url!r}, a root-relative URL outside the "
                    f"base path {self.base.path!r}, which breaks on a project site.",
                    "Use absolute URLs built from base_url.",
                    line=line,
                    field=name,
                )
                continue
            self.links.append(Link(relative, line, name, absolute, expect))

    def read_css(self, relative: str, text: str) -> None:
        page_url = self.base_url + relative
        for match in _CSS_URL.finditer(text):
            url = urljoin(page_url, match.group(1))
            line = text.count("\n", 0, match.start()) + 1
            self.links.append(Link(relative, line, "url()", url, ANY))

    def find_loopback_links(self, relative: str, data: bytes) -> None:
        text_file = PurePosixPath(relative).suffix.lower() in _TEXT_SUFFIXES
        seen: set[bytes] = set()
        for match in _LOOPBACK_LINK.finditer(data):
            if match.group(0) in seen:
                continue
            seen.add(match.group(0))
            line = data.count(b"\n", 0, match.start()) + 1 if text_file else None
            url = match.group(0).decode("ascii")
            self.problem(
                relative,
                f"links to {url}, an address on the build machine, but "
                f"the site is published at {self.base_url}.",
                "Rebuild without a localhost --base-url before publishing.",
                line=line,
            )

    def under_base(self, parts: SplitResult) -> bool:
        return (
            parts.scheme == self.base.scheme
            and parts.netloc.lower() == self.base.netloc.lower()
            and parts.path.startswith(self.base.path)
        )

    def resolve(self, link: Link) -> None:
        parts = urlsplit(link.url)
        if not self.under_base(parts):
            return
        relative = unquote(parts.path[len(self.base.path) :])
        target = (
            relative + "index.html"
            if relative == "" or relative.endswith("/")
            else relative
        )
        pure = PurePosixPath(target)
        where = {"line": link.line, "field": link.field}
        if ".." in pure.parts or "\\" in target:
            self.problem(
                link.source,
                f"links to {link.url}, which leaves the site folder.",
                **where,
            )
        elif (self.output / target).is_dir():
            self.problem(
                link.source,
                f"links to {link.url}, a folder: the host answers with "
                "a redirect to the same URL ending in '/'.",
                "Link to the URL with a trailing '/'.",
                **where,
            )
        elif not (self.output / target).is_file():
            self.problem(
                link.source,
                f"links to {link.url}, but {self.label}/{target} does "
                "not exist, so the host answers 404.",
                **where,
            )
        elif link.expect.suffixes and pure.suffix.lower() not in link.expect.suffixes:
            allowed = ", ".join(link.expect.suffixes)
            self.problem(
                link.source,
                f"links to {link.url}, which must be {link.expect.what} "
                f"({allowed}), but the file is {target}.",
                **where,
            )

    def check_cname_file(self, files: list[str]) -> None:
        if hosting.CNAME_FILE not in files or self.preview:
            return
        host = (
            (self.output / hosting.CNAME_FILE)
            .read_text(encoding="utf-8")
            .strip()
            .lower()
        )
        if host != (self.base.hostname or "") or self.base.path != "/":
            self.problem(
                hosting.CNAME_FILE,
                f"names {host!r}, but the site was built for "
                f"{self.base_url}; GitHub Pages would serve it at https://{host}/.",
                "Make cname and base_url in content/site.yml agree, then rebuild.",
            )


def list_files(output: Path) -> list[str]:
    """Return every file under `output` as a sorted POSIX path relative to it."""
    found = []
    for folder, dirs, files in os.walk(output):
        dirs.sort()
        base = Path(folder).relative_to(output)
        found += [(base / name).as_posix() for name in files]
    return sorted(found)


def _looks_like_json(data: bytes) -> bool:
    start = data.lstrip()[:1]
    if start not in (b"{", b"["):
        return False
    try:
        json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return True


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return None if index < 0 else text.count("\n", 0, index) + 1


def _json_links(
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
            yield from _json_links(child, here)


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


class _LinkParser(HTMLParser):
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
