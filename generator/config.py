"""Site settings from content/site.yml, and the one clock a build reads."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from generator import dates, hosting
from generator.errors import Problem, error
from generator.origin import BaseUrlKind, BaseUrlRejected, classify_base_url
from generator.schema import check_document, is_http_url
from generator.yamlfile import YamlDocument, read_yaml

SITE_FILE = "content/site.yml"


@dataclass(frozen=True)
class SiteConfig:
    """Settings that apply to the whole site."""

    root: Path
    title: str
    base_url: str
    language: str
    zone: tzinfo
    zone_name: str
    has_zone: bool
    cname: str | None = None
    preview: bool = False
    previous_base_urls: tuple[str, ...] = ()

    @property
    def input_zone(self) -> tzinfo | None:
        """Return the zone for offset-less dates, or None when site.yml sets none."""
        return self.zone if self.has_zone else None

    def url(self, relative: str) -> str:
        """Return the absolute URL of a path relative to the site root."""
        return self.base_url + relative


def load_site_config(
    root: Path, base_url: str | None = None
) -> tuple[SiteConfig | None, list[Problem]]:
    """Read content/site.yml; a non-None base_url overrides the file's value."""
    path = root / SITE_FILE
    if not path.is_file():
        fix = "Create it with title, base_url, timezone and language (see README)."
        return None, [error(SITE_FILE, "", "is missing.", fix)]

    document, problems = read_yaml(path, SITE_FILE)
    if document is None:
        return None, problems

    if base_url is not None:
        document.data["base_url"] = base_url
    problems += check_document(document, "site")
    if not problems:
        problems += _origin_problems(document, base_url)
    if base_url is not None:
        problems = [_base_url_option_problem(p) for p in problems]
    if not problems:
        data = document.data
        cname_line = document.line_of(("cname",))
        problems += hosting.check_cname(data["base_url"], data.get("cname"), cname_line)

    if problems:
        return None, problems
    data = document.data
    zone_name = data.get("timezone") or "UTC"
    config = SiteConfig(
        root=root,
        title=data["title"],
        base_url=data["base_url"],
        language=data["language"],
        zone=ZoneInfo(zone_name),
        zone_name=zone_name,
        has_zone="timezone" in data,
        cname=data.get("cname"),
        preview=classify_base_url(data["base_url"]) is BaseUrlKind.PREVIEW,
        previous_base_urls=tuple(data.get("previous_base_urls", [])),
    )
    return config, []


def fallback_config(root: Path) -> SiteConfig:
    """Return stand-in settings for checking other files when site.yml is invalid."""
    return SiteConfig(
        root=root,
        title="(content/site.yml is invalid)",
        base_url="https://site-yml-is-invalid.invalid/",
        language="en",
        zone=ZoneInfo("UTC"),
        zone_name="UTC",
        has_zone=True,
    )


def _origin_problems(document: YamlDocument, base_url: str | None) -> list[Problem]:
    try:
        classify_base_url(document.data["base_url"])
    except BaseUrlRejected as exc:
        line = None if base_url is not None else document.line_of(("base_url",))
        return [error(SITE_FILE, "base_url", exc.message, exc.fix, line)]
    return []


def _base_url_option_problem(problem: Problem) -> Problem:
    if problem.field != "base_url":
        return problem
    return error("--base-url", "", problem.message, problem.fix)


def parse_base_url_option(value: str) -> str | None:
    """Return an error message for a --base-url value, or None when it is usable."""
    if not is_http_url(value) or not value.endswith("/"):
        return "must be an absolute http(s) URL ending in '/'"
    try:
        classify_base_url(value)
    except BaseUrlRejected as exc:
        return f"{exc.message.rstrip('.')}. {exc.fix.rstrip('.')}"
    return None


def resolve_build_time(
    today: str | None, zone: tzinfo, environ: Mapping[str, str] | None = None
) -> datetime:
    """Return the build's "now": --today, else SOURCE_DATE_EPOCH, else the clock.

    A --today date means the last second of that day in the site's zone, so an
    award issued that day is not in the future. Raises DateError for a bad value.
    """
    environ = os.environ if environ is None else environ
    if today:
        if dates.looks_like_instant(today) and len(today) == 10:
            return dates.end_of_day(dates.parse_instant(today, zone).date(), zone)
        return dates.parse_instant(today, zone)
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise dates.DateError(
                f"SOURCE_DATE_EPOCH is not a whole number of seconds: {epoch!r}.",
                "Unset it or give seconds since 1970-01-01 UTC.",
            )
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)
