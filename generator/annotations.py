"""Problems as GitHub Actions workflow commands, which annotate files in a job log.

The escaping follows `escapeData` and `escapeProperty` in @actions/core
(actions/toolkit, packages/core/src/command.ts): the message escapes %, CR
and LF, and property values also escape ':' and ','.
"""

from __future__ import annotations

from generator.errors import Problem, Severity


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (file, line, title) of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problem: Problem) -> str:
    """Format one problem as `::error file=PATH,line=N,title=FIELD::MESSAGE`.

    Warnings use `::warning`. Paths that are not files, such as `--base-url`,
    get no `file` property, so GitHub shows them in the log without a file.
    """
    command = "warning" if problem.severity is Severity.WARNING else "error"
    properties = []
    if problem.path and not problem.path.startswith("-"):
        properties.append(f"file={escape_property(problem.path)}")
        if problem.line is not None:
            properties.append(f"line={problem.line}")
    if problem.field:
        properties.append(f"title={escape_property(problem.field)}")
    message = problem.message if not problem.fix else f"{problem.message} {problem.fix}"
    if not problem.field and problem.path.startswith("-"):
        message = f"{problem.path} {message}"
    head = f"::{command} {','.join(properties)}" if properties else f"::{command}"
    return f"{head}::{escape_data(message)}"


# GitHub turns at most 10 error and 10 warning commands of one step into
# annotations and drops the rest (actions/toolkit, docs/problem-matchers.md,
# "Limitations"), so the problems past that are printed as plain log lines.
MAX_ANNOTATIONS = 10


def format_github_report(
    problems: list[Problem], limit: int = MAX_ANNOTATIONS
) -> list[str]:
    """Format problems as workflow commands, at most `limit` of each severity.

    The problems past the limit follow as plain lines after one line that
    counts them, so the job log still lists every problem.
    """
    lines = []
    rest = []
    shown = {Severity.ERROR: 0, Severity.WARNING: 0}
    for problem in problems:
        if shown[problem.severity] < limit:
            lines.append(format_github(problem))
            shown[problem.severity] += 1
        else:
            rest.append(problem)
    if rest:
        lines.append(
            f"{sum(shown.values())} problem(s) shown as annotations, "
            f"{len(rest)} more in the log:"
        )
        lines += [problem.format() for problem in rest]
    return lines
