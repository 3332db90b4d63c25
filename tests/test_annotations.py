"""GitHub Actions workflow commands for problems, and the --format github option."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY

from generator.annotations import (
    escape_data,
    escape_property,
    format_github,
    format_github_report,
)
from generator.cli import main
from generator.errors import error, warning


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("100%", "100%25"),
        ("a\nb", "a%0Ab"),
        ("a\r\nb", "a%0D%0Ab"),
        ("%0A", "%250A"),
        ("a: b, c", "a: b, c"),
    ],
)
def test_escape_data_cases(text: str, expected: str):
    assert escape_data(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("evidence[0].url", "evidence[0].url"),
        ("a: b, c", "a%3A b%2C c"),
        ("50%\n", "50%25%0A"),
        ("C:\\x,y", "C%3A\\x%2Cy"),
    ],
)
def test_escape_property_cases(text: str, expected: str):
    assert escape_property(text) == expected


def test_format_error_with_line():
    problem = error(
        "assertions/b/x.yml", "issued_on", "is invalid: got '1'.", "Use a date.", 5
    )
    assert format_github(problem) == (
        "::error file=assertions/b/x.yml,line=5,title=issued_on::"
        "is invalid: got '1'. Use a date."
    )


def test_format_warning_without_line():
    problem = warning("content/x, y.yml", "", "needs a look:\n100%.", "")
    assert format_github(problem) == (
        "::warning file=content/x%2C y.yml::needs a look:%0A100%25."
    )


def test_format_option_path_has_no_file():
    problem = error("--base-url", "", "is invalid: got 'x'.", "Give a URL.")
    assert (
        format_github(problem) == "::error::--base-url is invalid: got 'x'. Give a URL."
    )


def test_github_report_under_limit_is_all_commands():
    problems = [error(f"f{n}.yml", "", "is bad.", "") for n in range(10)]
    assert format_github_report(problems) == [format_github(p) for p in problems]


def test_github_report_caps_each_severity():
    errors = [error(f"e{n:02}.yml", "", "is bad.", "Fix it.") for n in range(12)]
    warnings = [warning(f"w{n:02}.yml", "", "needs a look.", "") for n in range(3)]
    lines = format_github_report(errors + warnings)
    assert [line.split(" ", 1)[0] for line in lines[:13]] == (
        ["::error"] * 10 + ["::warning"] * 3
    )
    assert lines[13] == "13 problem(s) shown as annotations, 2 more in the log:"
    assert lines[14:] == ["e10.yml: is bad. Fix it.", "e11.yml: is bad. Fix it."]


def test_check_github_format_names_file_and_line(
    site_tree: Path, cli_runner: CliRunner, monkeypatch: pytest.MonkeyPatch
):
    record = site_tree / "assertions" / "demo-badge" / "2026-ada.yml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("issued_on: 2026-05-14", 'issued_on: "14/05/26"'))
    monkeypatch.chdir(site_tree)
    result = cli_runner.invoke(main, ["check", "--today", TODAY, "--format", "github"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(
        "::error file=assertions/demo-badge/2026-ada.yml,line=5,title=issued_on::"
        "is invalid: got '14/05/26'."
    )
    assert lines[-1] == "Error: check found 1 problem(s)"


def test_build_github_format_prints_warnings(
    site_tree: Path, cli_runner: CliRunner, monkeypatch: pytest.MonkeyPatch
):
    record = site_tree / "assertions" / "demo-badge" / "2026-ada.yml"
    text = record.read_text(encoding="utf-8")
    # Dropping the reflection evidence leaves a criterion without evidence: a warning.
    cut = text.index("  - criterion: reflection")
    record.write_text(text[:cut], encoding="utf-8")
    monkeypatch.chdir(site_tree)
    result = cli_runner.invoke(main, ["build", "--today", TODAY, "--format", "github"])
    assert result.exit_code == 0, result.output
    assert "::warning file=assertions/demo-badge/2026-ada.yml,line=" in result.output
    assert ",title=evidence::has no item for criterion 'reflection'." in result.output
    strict = cli_runner.invoke(
        main, ["build", "--today", TODAY, "--format", "github", "--strict"]
    )
    assert strict.exit_code == 1
    assert "::warning file=assertions/demo-badge/2026-ada.yml" in strict.output


def test_text_format_is_default(
    site_tree: Path, cli_runner: CliRunner, monkeypatch: pytest.MonkeyPatch
):
    record = site_tree / "assertions" / "demo-badge" / "2026-ada.yml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("issued_on: 2026-05-14", 'issued_on: "14/05/26"'))
    monkeypatch.chdir(site_tree)
    result = cli_runner.invoke(main, ["check", "--today", TODAY])
    assert "::error" not in result.output
    assert "assertions/demo-badge/2026-ada.yml:5: field 'issued_on'" in result.output
