"""Tests of `badgesite check`: exit codes, the build's messages, and --strict."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY
from organiser_support import invoke

from generator.build import load_site
from generator.errors import BuildFailed

RECORD = "assertions/demo-badge/2026-ada.yml"
LATE_WARNING = (
    f"{RECORD}:7: warning: field 'decision_on' is 40 days after the evidence was "
    "received, over the badge's 21-day limit. Check the dates, or give the reason "
    "in decision_delay_reason."
)


def problem_lines(output: str) -> list[str]:
    return [
        line for line in output.splitlines() if not line.startswith(("Error:", "OK:"))
    ]


def edit_record(project: Path, old: str, new: str) -> None:
    path = project / RECORD
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_check_clean_site_exit_zero(site_tree: Path, cli_runner: CliRunner) -> None:
    result = invoke(cli_runner, site_tree, "check", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.output == "OK: 1 badge(s), 2 award(s), 0 warning(s)\n"


def test_check_problems_match_build(site_tree: Path, cli_runner: CliRunner) -> None:
    edit_record(site_tree, "issued_on: 2026-05-14", "issued_on: 14/05/2026")
    old = site_tree / "assertions/demo-badge/2024-old.yml"
    old.write_text(old.read_text().replace("kind: recordings", "kind: video"))
    checked = invoke(cli_runner, site_tree, "check", "--today", TODAY)
    built = invoke(cli_runner, site_tree, "build", "--today", TODAY)
    assert checked.exit_code == 1
    assert built.exit_code == 1
    assert problem_lines(checked.output) == problem_lines(built.output)
    assert (
        f"{RECORD}:5: field 'issued_on' is invalid: got '14/05/2026'. Use a date like "
        "2026-05-14 or a date-time like 2026-05-14T10:30:00+01:00."
    ) in checked.output
    assert (
        "assertions/demo-badge/2024-old.yml:12: field 'evidence[0].kind' has the value "
        "'video', which is not allowed."
    ) in checked.output
    assert "Error: check found 2 problem(s)" in checked.output
    assert not (site_tree / "output").exists()


def test_check_warning_passes_without_strict(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    edit_record(
        site_tree,
        "evidence_received_on: 2026-05-01",
        "evidence_received_on: 2026-04-02",
    )
    result = invoke(cli_runner, site_tree, "check", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert LATE_WARNING in result.output
    assert "OK: 1 badge(s), 2 award(s), 1 warning(s)" in result.output


def test_check_strict_fails_on_warning(site_tree: Path, cli_runner: CliRunner) -> None:
    edit_record(
        site_tree,
        "evidence_received_on: 2026-05-01",
        "evidence_received_on: 2026-04-02",
    )
    checked = invoke(cli_runner, site_tree, "check", "--today", TODAY, "--strict")
    built = invoke(cli_runner, site_tree, "build", "--today", TODAY, "--strict")
    assert checked.exit_code == 1
    assert LATE_WARNING in checked.output
    assert "Error: check found 0 error(s) and 1 warning(s)" in checked.output
    assert problem_lines(checked.output) == problem_lines(built.output)


@pytest.mark.parametrize("salt", ["null", "''", "~", ""])
def test_check_rejects_empty_salt(
    site_tree: Path, cli_runner: CliRunner, salt: str
) -> None:
    edit_record(site_tree, "  salt: k3Yp9dQz", f"  salt: {salt}".rstrip())
    result = invoke(cli_runner, site_tree, "check", "--today", TODAY)
    assert result.exit_code == 1
    assert f"{RECORD}:4: field 'recipient.salt' is empty." in result.output


def test_load_site_rejects_null_salt(site_tree: Path) -> None:
    edit_record(site_tree, "  salt: k3Yp9dQz", "  salt: null")
    with pytest.raises(BuildFailed) as raised:
        load_site(site_tree, today=TODAY, environ={})
    fields = [(p.path, p.field) for p in raised.value.problems]
    assert fields == [(RECORD, "recipient.salt")]


def test_check_rejects_missing_salt(site_tree: Path, cli_runner: CliRunner) -> None:
    edit_record(site_tree, "  salt: k3Yp9dQz\n", "")
    result = invoke(cli_runner, site_tree, "check", "--today", TODAY)
    assert result.exit_code == 1
    assert f"{RECORD}:2: field 'recipient.salt' is missing." in result.output


def test_check_uppercase_identity_accepted(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    path = site_tree / "assertions/demo-badge/2024-old.yml"
    text = path.read_text(encoding="utf-8")
    identity = "4f7270ddbd61cba174b8ffde94aac6dd7ef965c0acf80eaf2ed957f29c3e21d9"
    path.write_text(text.replace(identity, identity.upper()), encoding="utf-8")
    result = invoke(cli_runner, site_tree, "check", "--today", TODAY, "--strict")
    assert result.exit_code == 0, result.output
