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
