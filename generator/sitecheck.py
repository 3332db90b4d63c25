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
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from generator import hosting, sitefiles
from generator.errors import Problem, error, problem_order
from generator.sitelinks import ANY, CSS_URL, Expect, LinkParser, json_links
from generator.yamlfile import format_field

MANIFEST = "badgesite.json"
NOJEKYLL = ".nojekyll"
WELL_KNOWN = ".well-known/"
REBUILD = "Rebuild with `badgesite build` and do not edit the output folder by hand."
FOLDER_FIX = "Link to the URL with a trailing '/'."
# A problem about a file many others link to names this many of them.
_SHOWN_SOURCES = 3

# Files read as text when looking for loopback links, so a problem can name a line.
_TEXT_SUFFIXES = {".html", ".json", ".css", ".svg", ".txt", ".xml", ".js", ".md", ""}
_LOOPBACK_LINK = re.compile(
    rb"https?://(?:localhost|127(?:\.[0-9]{1,3}){3}|\[::1\]|0\.0\.0\.0)(?::[0-9]+)?"
    rb"(?:[/?#][^\x00-\x20\x7f-\xff\"'<>)\]]*)?(?=[\x00-\x20\x7f-\xff\"'<>)\]]|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Link:
    """One URL found in one output file."""

    source: str
    line: int | None
    field: str
    url: str
    expect: Expect


class _BrokenTarget(NamedTuple):
    """A problem with the file a link maps to, reported once for all its links.

    `kind` is "missing", "folder" or "suffix". `expect` is ANY except for
    "suffix", so links that need different kinds of file stay separate.
    """

    kind: str
    target: str
    expect: Expect = ANY


@dataclass
class OutputReport:
    """The result of checking an output folder."""

    base_url: str | None
    files: int = 0
    links: int = 0
    problems: list[Problem] = field(default_factory=list)


def read_manifest(
    output: Path, label: str
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Return output/badgesite.json, or None and the problem that stopped reading it."""
    path = output / MANIFEST
    shown = f"{label}/{MANIFEST}"
    fix = "Pass --base-url URL, or build the site first with `badgesite build`."
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [error(shown, "", "is missing, so the base URL is unknown.", fix)]
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [error(shown, "", f"is not valid JSON ({exc}).", fix)]
    if not isinstance(manifest, dict):
        kind = type(manifest).__name__
        return None, [error(shown, "", f"is not a JSON object: got a {kind}.", fix)]
    return manifest, []


def read_manifest_base_url(
    manifest: dict[str, Any], label: str
) -> tuple[str | None, list[Problem]]:
    """Return the base URL the output was built for, from its badgesite.json."""
    base_url = manifest.get("base_url")
    if not isinstance(base_url, str) or not base_url.endswith("/"):
        fix = "Pass --base-url URL, or build the site first with `badgesite build`."
        message = f"is missing or invalid: got {base_url!r}."
        return None, [error(f"{label}/{MANIFEST}", "base_url", message, fix)]
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
    # With --base-url, a missing manifest is not a problem. A damaged one is
    # reported by the JSON check that every file gets.
    manifest, problems = read_manifest(output, label)
    if base_url is None:
        if manifest is None:
            return OutputReport(None, problems=problems)
        base_url, problems = read_manifest_base_url(manifest, label)
        if base_url is None:
            return OutputReport(None, problems=problems)
    checker = _OutputChecker(output, label, base_url, manifest)
    report = checker.run()
    if pages_url is not None:
        report.problems += hosting.check_pages_url(base_url, pages_url)
    report.problems.sort(key=problem_order)
    return report


class _OutputChecker:
    def __init__(
        self,
        output: Path,
        label: str,
        base_url: str,
        manifest: dict[str, Any] | None,
    ) -> None:
        self.output = output
        self.label = label
        self.base_url = base_url
        self.base = urlsplit(base_url)
        self.preview = hosting.is_loopback_url(base_url)
        self.manifest = manifest
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
        for path, message in sitefiles.missing_site_files(files):
            self.problem(path, message)
        reported = self.check_awards(set(files))
        for relative in files:
            self.check_name(relative)
            data = (self.output / relative).read_bytes()
            image_problem = sitefiles.image_problem(relative, data)
            if image_problem:
                self.problem(relative, image_problem)
            self.read_links(relative, data)
            if not self.preview:
                self.find_loopback_links(relative, data)
        self.check_links(reported)
        self.check_cname_file(files)
        checked = sum(1 for link in self.links if self.under_base(urlsplit(link.url)))
        return OutputReport(self.base_url, len(files), checked, self.problems)

    def check_awards(self, files: set[str]) -> set[str]:
        """Report manifest awards whose files are missing, and return those paths."""
        if self.manifest is None:
            return set()
        award_ids = self.manifest.get("award_ids")
        for field_name, message in sitefiles.missing_award_files(files, award_ids):
            self.problem(MANIFEST, message, field=field_name)
        return sitefiles.award_files(award_ids) - files

    def check_name(self, relative: str) -> None:
        if relative == NOJEKYLL or relative.startswith(WELL_KNOWN):
            return
        for part in PurePosixPath(relative).parts:
            if part.startswith("."):
                self.problem(
                    relative,
                    "is a hidden path (its name starts with '.'). The deploy "
                    "workflow sets include-hidden-files so that .nojekyll and "
                    ".well-known/ are published, so this file would be "
                    "published too.",
                    "Remove it from the output folder; only .nojekyll and "
                    ".well-known/ may start with '.'.",
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
            # str(exc) ends with the line and column; exc.msg alone can end
            # in "at" with the position cut off.
            self.problem(relative, f"is not valid JSON: {exc}.", line=exc.lineno)
            return
        if isinstance(document, dict):
            self.check_served_id(relative, text, document)
        for location, url, expect in json_links(document, ()):
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
        parser = LinkParser()
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
        for match in CSS_URL.finditer(text):
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

    def check_links(self, reported: set[str]) -> None:
        """Resolve every link, with one problem per broken target file.

        Links to a file that `reported` already names as missing add nothing.
        """
        broken: dict[_BrokenTarget, list[Link]] = {}
        for link in self.links:
            found = self.resolve(link)
            if found is not None and found.target not in reported:
                broken.setdefault(found, []).append(link)
        for found, links in broken.items():
            first_per_file: dict[str, Link] = {}
            for link in links:
                first_per_file.setdefault(link.source, link)
            if len(first_per_file) == 1:
                self.report_link(found, links[0])
            else:
                self.report_target(found, links[0].url, list(first_per_file.values()))

    def resolve(self, link: Link) -> _BrokenTarget | None:
        """Return what is wrong with the file a link maps to, or None if nothing is."""
        parts = urlsplit(link.url)
        if not self.under_base(parts):
            return None
        relative = unquote(parts.path[len(self.base.path) :])
        target = (
            relative + "index.html"
            if relative == "" or relative.endswith("/")
            else relative
        )
        pure = PurePosixPath(target)
        if ".." in pure.parts or "\\" in target:
            self.problem(
                link.source,
                f"links to {link.url}, which leaves the site folder.",
                line=link.line,
                field=link.field,
            )
            return None
        if (self.output / target).is_dir():
            return _BrokenTarget("folder", target)
        if not (self.output / target).is_file():
            return _BrokenTarget("missing", target)
        if link.expect.suffixes and pure.suffix.lower() not in link.expect.suffixes:
            return _BrokenTarget("suffix", target, link.expect)
        return None

    def report_link(self, found: _BrokenTarget, link: Link) -> None:
        """Report a broken target at the one file that links to it."""
        fix = REBUILD
        if found.kind == "folder":
            message = (
                f"links to {link.url}, a folder: the host answers with "
                "a redirect to the same URL ending in '/'."
            )
            fix = FOLDER_FIX
        elif found.kind == "missing":
            message = (
                f"links to {link.url}, but {self.label}/{found.target} does "
                "not exist, so the host answers 404."
            )
        else:
            message = (
                f"links to {link.url}, which must be {found.expect.what} "
                f"({', '.join(found.expect.suffixes)}), but the file is "
                f"{found.target}."
            )
        self.problem(link.source, message, fix, line=link.line, field=link.field)

    def report_target(self, found: _BrokenTarget, url: str, links: list[Link]) -> None:
        """Report a broken target once, at the target, naming the first links."""
        shown = ", ".join(self.describe_link(link) for link in links[:_SHOWN_SOURCES])
        if len(links) > _SHOWN_SOURCES:
            shown += f" and {len(links) - _SHOWN_SOURCES} more"
        count = len(links)
        fix = REBUILD
        if found.kind == "folder":
            message = (
                f"is a folder, so the host answers {url} with a redirect to the "
                f"same URL ending in '/'; {count} files link to it without the "
                f"'/': {shown}."
            )
            fix = FOLDER_FIX
        elif found.kind == "missing":
            message = (
                f"does not exist, so the host answers 404 for {url}, which "
                f"{count} files link to: {shown}."
            )
        else:
            message = (
                f"is linked as {url} by {count} files that need "
                f"{found.expect.what} ({', '.join(found.expect.suffixes)}): {shown}."
            )
        self.problem(found.target, message, fix)

    def describe_link(self, link: Link) -> str:
        where = f"{self.label}/{link.source}"
        if link.line is not None:
            where += f":{link.line}"
        return f"{where} ({link.field})" if link.field else where

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
