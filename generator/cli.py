"""The `badgesite` command line: build, check and serve.

Exit codes: 0 success, 1 the input has problems, 2 bad command-line arguments.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from generator import __version__, sitecheck
from generator.annotations import format_github
from generator.build import build_site, load_site
from generator.config import parse_base_url_option
from generator.errors import BuildFailed, Problem
from generator.serve import serve_site

logger = logging.getLogger("generator")


def _print_problems(problems: list[Problem], style: str = "text") -> None:
    for problem in problems:
        if style == "github":
            # The runner reads workflow commands from standard output.
            click.echo(format_github(problem))
        else:
            click.echo(problem.format(), err=True)


def _check_base_url(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> str | None:
    if value is None:
        return None
    message = parse_base_url_option(value)
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
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logger.setLevel(level)


project_option = click.option(
    "--project",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder that holds content/, assertions/ and site_src/.",
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
            f"build failed with {len(exc.problems)} problem(s); output left unchanged"
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
        raise click.ClickException(
            f"check found {len(exc.problems)} problem(s)"
        ) from exc
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
