"""The `badgesite` command line: build, check, serve, award, renew, revoke
and verify.

Exit codes: 0 success, 1 the input has problems, 2 bad command-line arguments.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from generator import __version__, hosting, sitecheck
from generator.annotations import format_github_report
from generator.build import build_site, load_site
from generator.config import parse_base_url_option, resolve_build_time
from generator.dates import DateError
from generator.errors import BuildFailed, Problem, Severity
from generator.fetching import SiteFolderError
from generator.issuing import AwardRequest, Outcome, award_badge, parse_evidence_options
from generator.renewal import RenewOptions, renew_award
from generator.revoking import revoke_award
from generator.roster import award_roster
from generator.serve import serve_site
from generator.verify import email_problem, verify_badge

logger = logging.getLogger("generator")


def _print_problems(problems: list[Problem], style: str = "text") -> None:
    if style == "github":
        # The runner reads workflow commands from standard output.
        for line in format_github_report(problems):
            click.echo(line)
        return
    for problem in problems:
        click.echo(problem.format(), err=True)


def _count(problems: list[Problem]) -> str:
    warnings = sum(1 for p in problems if p.severity is Severity.WARNING)
    if not warnings:
        return f"{len(problems)} problem(s)"
    return f"{len(problems) - warnings} error(s) and {warnings} warning(s)"


def _check_base_url(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> str | None:
    if value is None:
        return None
    message = parse_base_url_option(value)
    if message:
        raise click.BadParameter(f"{message}, got {value!r}")
    return value


def _check_pages_url(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> str | None:
    if value is None:
        return None
    message = hosting.pages_url_problem(value)
    if message:
        raise click.BadParameter(f"{message}, got {value!r}")
    return value


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.WARNING
        if quiet
        else (
            logging.DEBUG
            if verbose > 1
            else logging.INFO
            if verbose
            else logging.WARNING
        )
    )
    # markdown-it logs every parsing rule at DEBUG, which buries the build's lines.
    logging.getLogger("markdown_it").setLevel(max(level, logging.INFO))
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logger.setLevel(level)


project_option = click.option(
    "--project",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder that contains content/, assertions/ and site_src/.",
)
base_url_option = click.option(
    "--base-url",
    callback=_check_base_url,
    default=None,
    help="Absolute URL the site will be served from, ending in '/'. Overrides "
    "base_url in content/site.yml, e.g. http://127.0.0.1:8000/ for a local preview.",
)
today_option = click.option(
    "--today",
    default=None,
    metavar="DATE",
    help="Date (YYYY-MM-DD, the end of that day in the site's time zone) or date-time "
    "that decides which awards are expired. Default: SOURCE_DATE_EPOCH if set, "
    "else now.",
)
strict_option = click.option(
    "--strict", is_flag=True, help="Treat warnings as problems (exit 1)."
)
format_option = click.option(
    "--format",
    "style",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="How to print problems: text lines on stderr, or GitHub Actions ::error and "
    "::warning commands on stdout, which annotate the file and line in a workflow run.",
)
organiser_today_option = click.option(
    "--today",
    default=None,
    metavar="DATE",
    help="Date to use as today: the default issued_on and revoked_on, the limit for "
    "dates in the future and for expiry. Default: SOURCE_DATE_EPOCH if set, else now.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="badgesite")
@click.option(
    "-v", "--verbose", count=True, help="Log more: -v for stages, -vv for every file."
)
@click.option("-q", "--quiet", is_flag=True, help="Log errors only.")
def main(verbose: int, quiet: bool) -> None:
    """Publish Open Badges 2.0 from YAML records as a static site."""
    _configure_logging(verbose, quiet)


@main.command("build")
@project_option
@base_url_option
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the site into. Default: output/ in the project folder.",
)
@today_option
@strict_option
@click.option(
    "--force-base-url",
    is_flag=True,
    help="Build even though awards were published under another base URL. "
    "Their badges stop verifying unless the old address keeps serving them.",
)
@format_option
def build_command(
    project: Path,
    base_url: str | None,
    output: Path | None,
    today: str | None,
    strict: bool,
    force_base_url: bool,
    style: str,
) -> None:
    """Build the site into the output folder.

    Every problem of every file is listed at once; on any problem nothing is
    written and the previous output folder stays as it was. Exit codes: 0 built,
    1 the input has problems, 2 bad arguments.
    """
    target = output if output is not None else project / "output"
    try:
        result = build_site(
            project,
            target,
            base_url=base_url,
            today=today,
            strict=strict,
            force_base_url=force_base_url,
        )
    except BuildFailed as exc:
        _print_problems(exc.problems, style)
        raise click.ClickException(
            f"build failed with {_count(exc.problems)}; output left unchanged"
        ) from exc
    _print_problems(result.warnings, style)
    click.echo(result.summary())


@main.command("check")
@project_option
@base_url_option
@today_option
@strict_option
@format_option
def check_command(
    project: Path, base_url: str | None, today: str | None, strict: bool, style: str
) -> None:
    """Check content and award records without writing anything.

    Exit codes: 0 clean (warnings allowed unless --strict), 1 problems, 2 bad arguments.
    """
    try:
        site = load_site(project, base_url=base_url, today=today, strict=strict)
    except BuildFailed as exc:
        _print_problems(exc.problems, style)
        raise click.ClickException(f"check found {_count(exc.problems)}") from exc
    _print_problems(site.warnings, style)
    click.echo(
        f"OK: {len(site.content.badges)} badge(s), {len(site.awards)} award(s), "
        f"{len(site.warnings)} warning(s)"
    )


@main.command("check-output")
@project_option
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Built site to check. Default: output/ in the project folder.",
)
@click.option(
    "--base-url",
    callback=_check_base_url,
    default=None,
    help="URL the site is served from, ending in '/'. Default: base_url in the "
    "output's badgesite.json.",
)
@click.option(
    "--pages-url",
    callback=_check_pages_url,
    default=None,
    metavar="URL",
    help="URL GitHub Pages reports for this repository (the base_url output of "
    "actions/configure-pages); fail if the site was built for another URL.",
)
@format_option
def check_output_command(
    project: Path,
    output: Path | None,
    base_url: str | None,
    pages_url: str | None,
    style: str,
) -> None:
    """Check a built site as a static host will serve it.

    Every link under the base URL must resolve to a file with the right
    extension, every JSON id must be its own URL, and no link may point at
    localhost unless the base URL does. Exit codes: 0 clean, 1 problems,
    2 bad arguments.
    """
    target = output if output is not None else project / "output"
    report = sitecheck.check_output(target, base_url=base_url, pages_url=pages_url)
    if report.problems:
        _print_problems(report.problems, style)
        count = len(report.problems)
        raise click.ClickException(f"check-output found {count} problem(s) in {target}")
    click.echo(
        f"OK: {report.files} files, {report.links} links under {report.base_url}"
    )


@main.command("serve")
@project_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="TCP port on 127.0.0.1 to serve on; 0 picks a free port.",
)
@today_option
def serve_command(project: Path, port: int, today: str | None) -> None:
    """Build for http://127.0.0.1:PORT/, serve output/ there, rebuild on changes.

    Watches content/, assertions/ and site_src/ and rebuilds when a file
    changes. A failed build prints its problems and keeps serving the previous
    output. Stop with Ctrl+C. Exit codes: 0 stopped, 1 the port cannot be
    used, 2 bad arguments.
    """
    try:
        serve_site(project, port, today=today, report=click.echo)
    except OSError as exc:
        message = f"cannot serve on 127.0.0.1:{port}: {exc.strerror}"
        raise click.ClickException(message) from exc


def _print_outcome(outcome: Outcome) -> None:
    _print_problems(outcome.warnings)
    for line in outcome.lines:
        click.echo(line)


def _fail(exc: BuildFailed, command: str) -> NoReturn:
    _print_problems(exc.problems)
    raise click.ClickException(
        f"{command} failed with {_count(exc.problems)}; nothing was written"
    ) from exc


def _parse_verify_today(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> datetime | None:
    if value is None:
        return None
    try:
        return resolve_build_time(value, UTC, environ={})
    except DateError as exc:
        raise click.BadParameter(f"{exc.message} {exc.fix}") from exc


def _check_verify_email(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> str | None:
    # The message never repeats the value, which is a personal address.
    message = None if value is None else email_problem(value)
    if message:
        raise click.BadParameter(message)
    return value


def _record_options(function: Callable[..., None]) -> Callable[..., None]:
    """Add the options that award and renew share."""
    options = [
        click.option(
            "--issued-on",
            metavar="DATE",
            help="Date awarded, YYYY-MM-DD. Default: today in the site's time zone.",
        ),
        click.option(
            "--evidence-received-on", metavar="DATE", help="Date the evidence arrived."
        ),
        click.option(
            "--assessor",
            "assessors",
            multiple=True,
            metavar="NAME",
            help="A panel member; give it three times.",
        ),
        click.option(
            "--evidence",
            "evidence_urls",
            multiple=True,
            metavar="CRITERION[:KIND]=URL",
            help="Evidence link for a criterion; repeatable. KIND defaults to "
            "documentation.",
        ),
        click.option(
            "--narrative",
            "narratives",
            multiple=True,
            metavar="CRITERION[:KIND]=TEXT",
            help="Evidence narrative (Markdown) for a criterion; repeatable.",
        ),
        click.option(
            "--keep-email",
            is_flag=True,
            help="Also write the plain email into the "
            "record. Default: only its salted SHA-256 hash is written.",
        ),
        organiser_today_option,
        strict_option,
        project_option,
    ]
    for option in reversed(options):
        function = option(function)
    return function


@main.command("award")
@click.option(
    "--badge", required=True, help="Badge slug: its folder name in content/badges/."
)
@click.option(
    "--name", required=True, help="Recipient's display name; it is published."
)
@click.option("--email", required=True, help="Recipient's email address; it is hashed.")
@click.option(
    "--id", "award_id", help="Award id. Default: <year issued>-<name as a slug>."
)
@click.option(
    "--decision-on", metavar="DATE", required=True, help="Date of the panel's decision."
)
@click.option(
    "--expires",
    metavar="DATE",
    help="Default: issued date + the badge's validity_days.",
)
@click.option(
    "--listed", is_flag=True, help="Show the holder in the badge's public list."
)
@_record_options
def award_command(
    project: Path,
    today: str | None,
    strict: bool,
    evidence_urls: tuple[str, ...],
    narratives: tuple[str, ...],
    **fields: Any,
) -> None:
    """Write a new award record with a salted email hash.

    Exit codes: 0 written, 1 problems (nothing written), 2 bad arguments.
    """
    try:
        evidence, problems = parse_evidence_options(evidence_urls, narratives)
        request = AwardRequest(evidence=evidence, input_problems=problems, **fields)
        outcome = award_badge(project, request, today=today, strict=strict)
    except BuildFailed as exc:
        _fail(exc, "award")
    _print_outcome(outcome)


@main.command("award-bulk")
@click.argument("roster", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--keep-email", is_flag=True, help="Also write the plain emails into the records."
)
@organiser_today_option
@strict_option
@project_option
def award_bulk_command(
    roster: Path, keep_email: bool, today: str | None, strict: bool, project: Path
) -> None:
    """Write one award record per row of a CSV roster, or none if any row has a problem.

    ROSTER is a CSV file (UTF-8) with a header row, then one row per recipient.

    \b
    Required columns:
      badge, name, email, decision_on (YYYY-MM-DD),
      assessors (three names separated by ';'),
      and one evidence column or more:
      url:CRITERION[:KIND] (links separated by spaces) or
      narrative:CRITERION[:KIND] (Markdown text);
      KIND defaults to documentation
    Optional columns:
      id (default: <year issued>-<name as a slug>),
      issued_on (default: today), evidence_received_on,
      expires (default: issued_on + the badge's validity_days),
      listed (yes to show the holder in the badge's public list)

    Exit codes: 0 written, 1 problems (nothing written), 2 bad arguments.
    """
    try:
        outcome = award_roster(
            project, roster, keep_email=keep_email, today=today, strict=strict
        )
    except BuildFailed as exc:
        _fail(exc, "award-bulk")
    _print_outcome(outcome)


@main.command("renew")
@click.argument("award_id")
@click.option(
    "--id",
    "new_id",
    help="Id of the new award. Default: <year issued>-<old id without its year>.",
)
@click.option(
    "--email",
    help="Recipient's email: it must match the old award, and the new "
    "award gets a fresh salt. Default: reuse the stored hash and salt.",
)
@click.option(
    "--decision-on",
    metavar="DATE",
    help="Date of the panel's decision. Default: the issued date.",
)
@click.option(
    "--force", is_flag=True, help="Renew even though the old award has not expired."
)
@_record_options
def renew_command(
    award_id: str,
    new_id: str | None,
    project: Path,
    today: str | None,
    strict: bool,
    evidence_urls: tuple[str, ...],
    narratives: tuple[str, ...],
    assessors: tuple[str, ...],
    **fields: Any,
) -> None:
    """Write an award that renews an expired one and links to it.

    Name, evidence, assessors and listing are copied unless given.

    Exit codes: 0 written, 1 problems (nothing written), 2 bad arguments.
    """
    try:
        evidence, problems = parse_evidence_options(evidence_urls, narratives)
        options = RenewOptions(
            award_id=new_id,
            evidence=evidence,
            assessors=assessors,
            input_problems=problems,
            **fields,
        )
        outcome = renew_award(project, award_id, options, today=today, strict=strict)
    except BuildFailed as exc:
        _fail(exc, "renew")
    _print_outcome(outcome)


@main.command("revoke")
@click.argument("award_id")
@click.option(
    "--reason", required=True, help="Why the award is revoked; it is published."
)
@click.option("--date", metavar="DATE", help="Date of the revocation. Default: today.")
@organiser_today_option
@project_option
def revoke_command(
    award_id: str, reason: str, date: str | None, today: str | None, project: Path
) -> None:
    """Revoke an award: append revoked_on and revocation_reason to its record.

    Exit codes: 0 written, 1 problems (nothing written), 2 bad arguments.
    """
    try:
        outcome = revoke_award(project, award_id, reason, date=date, today=today)
    except BuildFailed as exc:
        _fail(exc, "revoke")
    _print_outcome(outcome)


@main.command("verify")
@click.argument("source", metavar="FILE_OR_URL")
@click.option(
    "--email",
    callback=_check_verify_email,
    help="Also check that the badge was issued to this address.",
)
@click.option(
    "--site",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Built output folder read in place of the site's base URL, offline.",
)
@click.option(
    "--today",
    "now",
    callback=_parse_verify_today,
    metavar="DATE",
    help="Date (end of that day, UTC) or date-time that decides expiry. Default: now.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds each HTTP request may take, from connecting to the last byte.",
)
@click.pass_context
def verify_command(
    ctx: click.Context,
    source: str,
    email: str | None,
    site: Path | None,
    now: datetime | None,
    timeout: float,
) -> None:
    """Verify a hosted assertion JSON, a baked PNG or a baked SVG (file or URL).

    Exit codes: 0 valid, 1 unreadable, 2 bad arguments, 3 expired, 4 revoked,
    5 not issued to this address, 6 tampered, 7 invalid.
    """
    try:
        report = verify_badge(source, email=email, site=site, now=now, timeout=timeout)
    except SiteFolderError as exc:
        raise click.BadParameter(str(exc), param_hint="--site") from exc
    click.echo(report.format())
    ctx.exit(report.verdict.exit_code)
