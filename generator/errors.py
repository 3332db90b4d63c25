"""Problems found in the organiser's input, and the exception that carries them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    """Effect of a problem on the build."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one input file."""

    path: str
    line: int | None
    field: str
    message: str
    fix: str
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        """Return the problem as one line: location, field, what is wrong, fix."""
        location = self.path if self.line is None else f"{self.path}:{self.line}"
        label = "warning: " if self.severity is Severity.WARNING else ""
        field = f"field '{self.field}' " if self.field else ""
        text = f"{location}: {label}{field}{self.message}"
        if self.fix:
            text += f" {self.fix}"
        return text


def error(
    path: str, field: str, message: str, fix: str, line: int | None = None
) -> Problem:
    """Build an error-level problem."""
    return Problem(path, line, field, message, fix, Severity.ERROR)


def warning(
    path: str, field: str, message: str, fix: str, line: int | None = None
) -> Problem:
    """Build a warning-level problem: the input builds, but needs a look."""
    return Problem(path, line, field, message, fix, Severity.WARNING)


class InputError(ValueError):
    """Raised when one input value cannot be used, with the reason and the fix."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


class BuildFailed(Exception):
    """Raised with every problem of a build once all input has been checked."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=problem_order)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [problem.format() for problem in self.problems]
        super().__init__(f"{count} {noun}:\n" + "\n".join(lines))


def problem_order(problem: Problem) -> tuple[str, int, str, str]:
    """Return a sort key that lists problems by file, then line, then field."""
    return (problem.path, problem.line or 0, problem.field, problem.message)


def has_errors(problems: list[Problem]) -> bool:
    """Return whether any problem is an error rather than a warning."""
    return any(problem.severity is Severity.ERROR for problem in problems)
