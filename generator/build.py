"""Build the whole site: load, validate, make JSON, bake, render, write, swap in."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jinja2 import Environment

from generator import __version__, hosting, openbadges, urls
from generator.awards import load_awards
from generator.baking import bake_png, bake_svg
from generator.config import (
    SiteConfig,
    fallback_config,
    load_site_config,
    resolve_build_time,
)
from generator.content import SiteContent, load_content
from generator.dates import DateError
from generator.errors import BuildFailed, Problem, Severity, error, warning
from generator.guards import (
    check_base_url_move,
    check_born_expired,
    check_missing_awards,
)
from generator.ledger import read_ledger, record_ids
from generator.models import Award, AwardStatus, BadgeClass, award_status
from generator.output import OutputError, StagedOutput
from generator.pages import PageSite, award_context, badge_summary, criteria_context
from generator.render import create_environment, render_page

logger = logging.getLogger(__name__)

TEMPLATES_DIR = "site_src/templates"
STATIC_DIR = "site_src/static"
MANIFEST = "badgesite.json"

OutputFile = tuple[str, bytes]


@dataclass
class BuildResult:
    """Counts and warnings of a finished build."""

    output: Path
    badges: int = 0
    current: int = 0
    expired: int = 0
    revoked: int = 0
    files: int = 0
    seconds: float = 0.0
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """Return the one-line summary the CLI prints."""
        awards = self.current + self.expired + self.revoked
        badge_word = "badge" if self.badges == 1 else "badges"
        award_word = "award" if awards == 1 else "awards"
        revoked = f", {self.revoked} revoked" if self.revoked else ""
        return (
            f"Built {self.badges} {badge_word}, {awards} {award_word} "
            f"({self.current} current, {self.expired} expired{revoked}), "
            f"{self.files} files in {self.seconds:.2f} s into {self.output}"
        )


@dataclass(frozen=True)
class LoadedSite:
    """Everything read and checked from the organiser's files."""

    config: SiteConfig
    content: SiteContent
    awards: list[Award]
    now: datetime
    warnings: list[Problem]


def load_site(
    root: Path,
    base_url: str | None = None,
    today: str | None = None,
    strict: bool = False,
    environ: Mapping[str, str] | None = None,
    force_base_url: bool = False,
    previous_output: Path | None = None,
) -> LoadedSite:
    """Read and check all input; raise BuildFailed listing every problem.

    `previous_output` is the output folder whose manifest serves as the ledger
    of published awards when the project is not a git work tree.
    """
    config, site_problems = load_site_config(root, base_url)
    if config is None:
        # Check the other files against stand-in settings, so one run lists
        # every problem, then fail with them all.
        config = fallback_config(root)
        content, problems = load_content(config)
        awards, award_problems = load_awards(
            config,
            content.badges,
            resolve_build_time(None, config.zone, {}),
            content.failed_badges,
        )
        raise BuildFailed(site_problems + problems + award_problems)
    try:
        now = resolve_build_time(today, config.zone, environ)
    except DateError as exc:
        raise BuildFailed([error("--today", "", exc.message, exc.fix)]) from exc
    content, problems = load_content(config)
    awards, award_problems = load_awards(
        config, content.badges, now, content.failed_badges
    )
    problems += award_problems
    ledger = read_ledger(root, previous_output or root / "output")
    if ledger.incomplete:
        problems.append(
            warning(
                "assertions",
                "",
                f"could not be checked against earlier builds: {ledger.incomplete}.",
                "Fetch the full history (git fetch --unshallow, or fetch-depth: 0 "
                "in actions/checkout).",
            )
        )
    problems += check_missing_awards(ledger, record_ids(root))
    problems += check_born_expired(config, ledger, awards, now)
    problems += check_base_url_move(
        config, ledger, config.previous_base_urls, force_base_url
    )
    failing = [p for p in problems if strict or p.severity is Severity.ERROR]
    if failing:
        raise BuildFailed(problems)
    return LoadedSite(config, content, awards, now, problems)


def build_site(
    root: Path,
    output: Path,
    base_url: str | None = None,
    today: str | None = None,
    strict: bool = False,
    environ: Mapping[str, str] | None = None,
    force_base_url: bool = False,
) -> BuildResult:
    """Build the site into `output`; raise BuildFailed before writing anything."""
    started = time.perf_counter()
    site = load_site(
        root, base_url, today, strict, environ, force_base_url, previous_output=output
    )
    logger.info(
        "loaded %d badges and %d awards", len(site.content.badges), len(site.awards)
    )

    documents = published_documents(site)
    problems = _check_documents(documents)
    if problems:
        raise BuildFailed(problems)

    _guard_output(root, output)
    result = BuildResult(output=output, warnings=site.warnings)
    environment = create_environment(root / TEMPLATES_DIR)
    pages = PageSite(
        site.config,
        site.content.issuer,
        site.content.endorsers,
        site.content.badges,
        site.now,
        tuple(site.awards),
        issuer_image=_issuer_image_url(site),
    )
    with StagedOutput(output) as staged:
        try:
            for path, data in _site_files(site, documents, environment, pages):
                staged.write(path, data)
            for award in site.awards:
                badge = site.content.badges[award.badge_slug]
                status = award_status(award, site.now)
                _kind, document = documents[urls.assertion_json(award.award_id)]
                for path, data in award_files(
                    badge, award, document, status, environment, pages
                ):
                    staged.write(path, data)
                if status is AwardStatus.REVOKED:
                    result.revoked += 1
                elif status is AwardStatus.EXPIRED:
                    result.expired += 1
                else:
                    result.current += 1
        except OutputError as exc:
            raise BuildFailed(
                [error("output", "", str(exc), "Rename one of the sources.")]
            ) from exc
        result.badges = len(site.content.badges)
        result.files = len(staged.written) + 1
        staged.write(MANIFEST, _manifest(site, result))
        staged.commit()
    result.seconds = time.perf_counter() - started
    return result


def _issuer_image_url(site: LoadedSite) -> str | None:
    image = site.content.issuer_image
    if image is None:
        return None
    return site.config.url(urls.issuer_image("svg" if image.svg else "png"))


def published_documents(
    site: LoadedSite,
) -> dict[str, tuple[str, openbadges.JsonObject]]:
    """Return every Open Badges JSON document by output path, with its schema class."""
    config, content = site.config, site.content
    image_path = None
    if content.issuer_image is not None:
        extension = "svg" if content.issuer_image.svg else "png"
        image_path = urls.issuer_image(extension)
    documents = {
        urls.ISSUER_JSON: (
            "Profile",
            openbadges.issuer_profile(config, content.issuer, image_path),
        ),
    }
    for slug, endorser in sorted(content.endorsers.items()):
        documents[urls.endorser_json(slug)] = (
            "Profile",
            openbadges.endorser_profile(config, endorser),
        )
    for slug, badge in sorted(content.badges.items()):
        documents[urls.badge_json(slug)] = (
            "BadgeClass",
            openbadges.badge_class(config, badge),
        )
        for item in badge.endorsements:
            documents[urls.endorsement_json(slug, item.endorser)] = (
                "Endorsement",
                openbadges.endorsement(config, badge, item),
            )
    documents[urls.REVOCATION_LIST_JSON] = (
        "RevocationList",
        openbadges.revocation_list(config, site.awards),
    )
    for award in site.awards:
        path = urls.assertion_json(award.award_id)
        if award.revoked_on is not None:
            revoked = openbadges.revoked_assertion(config, award)
            documents[path] = ("RevokedAssertion", revoked)
        else:
            badge = content.badges[award.badge_slug]
            documents[path] = ("Assertion", openbadges.assertion(config, badge, award))
    return documents


def _check_documents(
    documents: dict[str, tuple[str, openbadges.JsonObject]],
) -> list[Problem]:
    problems = []
    for path, (kind, document) in documents.items():
        for message in openbadges.check_published(kind, document):
            problems.append(
                error(
                    f"output/{path}",
                    "",
                    f"fails the Open Badges 2.0 {kind} schema: {message}.",
                    "Report this as a bug in badgesite.",
                )
            )
    return problems


def _guard_output(root: Path, output: Path) -> None:
    resolved = output.resolve()
    project = root.resolve()
    sources = [project / name for name in ("content", "assertions", "site_src", ".git")]
    # The output may sit inside the project, but must neither contain the
    # project or a source folder nor lie inside one.
    clashes = project.is_relative_to(resolved) or any(
        resolved.is_relative_to(source) or source.is_relative_to(resolved)
        for source in sources
    )
    if clashes:
        message = (
            f"points at {output}, which contains or lies inside the site's sources."
        )
        fix = "Choose a folder outside content/, assertions/ and site_src/."
        raise BuildFailed([error("--output", "", message, fix)])
    if (
        resolved.exists()
        and any(resolved.iterdir())
        and not (resolved / MANIFEST).is_file()
    ):
        raise BuildFailed(
            [
                error(
                    "--output",
                    "",
                    f"{output} is not empty and was not written by "
                    "badgesite, so replacing it could lose files.",
                    "Empty it, or choose another folder.",
                )
            ]
        )


def _site_files(
    site: LoadedSite,
    documents: dict[str, tuple[str, openbadges.JsonObject]],
    environment: Environment,
    pages: PageSite,
) -> list[OutputFile]:
    files: list[OutputFile] = [(".nojekyll", b"")]
    cname = hosting.cname_file(site.config.base_url, site.config.cname)
    if cname is not None:
        files.append((hosting.CNAME_FILE, cname))
    for path, (kind, document) in documents.items():
        if kind not in ("Assertion", "RevokedAssertion"):
            files.append((path, openbadges.dump_json_bytes(document)))
    content = site.content
    if content.issuer_image is not None:
        image = content.issuer_image
        files.append(
            (urls.issuer_image("svg" if image.svg else "png"), image.svg or image.png)
        )
    for slug, badge in sorted(content.badges.items()):
        files.append((urls.badge_image(slug, "png"), badge.artwork.png))
        if badge.artwork.svg:
            files.append((urls.badge_image(slug, "svg"), badge.artwork.svg))
        context = criteria_context(pages, badge)
        page = urls.file_for(urls.criteria_page(slug))
        files.append((page, render_page(environment, "badge.html", context)))
    badges = [badge_summary(pages, b) for _, b in sorted(content.badges.items())]
    for template, path, title in (
        ("index.html", "", site.config.title),
        ("issuer.html", urls.ISSUER_PAGE, content.issuer.name),
        ("404.html", "404.html", "Page not found"),
    ):
        context = pages.base_context(path, title, noindex=template == "404.html")
        context["badges"] = badges
        files.append((urls.file_for(path), render_page(environment, template, context)))
    files += _static_files(site.config.root / STATIC_DIR)
    return files


def _static_files(folder: Path) -> list[OutputFile]:
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            files.append(
                (f"static/{path.relative_to(folder).as_posix()}", path.read_bytes())
            )
    return files


def award_files(
    badge: BadgeClass,
    award: Award,
    document: openbadges.JsonObject,
    status: AwardStatus,
    environment: Environment,
    pages: PageSite,
) -> list[OutputFile]:
    """Return the files of one award: JSON, baked PNG and SVG, and its page.

    `document` is the award's checked Assertion, or its revoked stub. The
    result depends only on the arguments, so awards can be built in any order
    or in parallel.
    """
    context = award_context(pages, badge, award, status)
    page = urls.file_for(urls.award_page(award.award_id))
    if status is AwardStatus.REVOKED:
        # Baked copies made before revocation still point at the JSON URL,
        # which now returns "revoked", so no new images are offered.
        return [
            (urls.assertion_json(award.award_id), openbadges.dump_json_bytes(document)),
            (page, render_page(environment, "award.html", context)),
        ]
    baked_text = openbadges.compact_json(document)
    files = [
        (urls.assertion_json(award.award_id), openbadges.dump_json_bytes(document)),
        (
            urls.assertion_image(award.award_id, "png"),
            bake_png(badge.artwork.png, baked_text),
        ),
    ]
    if badge.artwork.svg:
        svg = bake_svg(badge.artwork.svg, document["id"], baked_text)
        files.append((urls.assertion_image(award.award_id, "svg"), svg))
    files.append((page, render_page(environment, "award.html", context)))
    return files


def _manifest(site: LoadedSite, result: BuildResult) -> bytes:
    manifest = {
        "generator": f"badgesite {__version__}",
        "base_url": site.config.base_url,
        "preview": site.config.preview,
        "badges": result.badges,
        "awards": {
            "current": result.current,
            "expired": result.expired,
            "revoked": result.revoked,
        },
        "award_ids": [award.award_id for award in site.awards],
    }
    return (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
