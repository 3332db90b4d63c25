"""Tests of `badgesite revoke`: two fields appended, the rest of the record kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY
from organiser_support import invoke, read_record

from generator.build import load_site
from generator.models import AwardStatus, award_status

RECORD = "assertions/demo-badge/2026-ada.yml"


def revoke(runner: CliRunner, project: Path, *args: str):
    return invoke(runner, project, "revoke", *args, "--today", TODAY)


def test_revoke_appends_fields(site_tree: Path, cli_runner: CliRunner) -> None:
    path = site_tree / RECORD
    original = path.read_text(encoding="utf-8") + "# panel minutes: 2026-05-12\n"
    path.write_text(original, encoding="utf-8")
    result = revoke(
        cli_runner, site_tree, "2026-ada", "--reason", "Evidence: not their own"
    )
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert text.startswith(original)
    assert text[len(original) :] == (
        "revoked_on: 2026-12-04\nrevocation_reason: 'Evidence: not their own'\n"
    )
    assert (
        "Revoked award 2026-ada: added revoked_on 2026-12-04 and revocation_reason "
        f"to {RECORD}."
    ) in result.output
    assert f"Next: commit {RECORD}, then build." in result.output


def test_revoke_record_loads_revoked(site_tree: Path, cli_runner: CliRunner) -> None:
    result = revoke(
        cli_runner,
        site_tree,
        "2026-ada",
        "--reason",
        "Withdrawn",
        "--date",
        "2026-11-01",
    )
    assert result.exit_code == 0, result.output
    site = load_site(site_tree, today=TODAY, strict=True, environ={})
    award = {a.award_id: a for a in site.awards}["2026-ada"]
    assert award_status(award, site.now) is AwardStatus.REVOKED
    assert award.revocation_reason == "Withdrawn"
    assert read_record(site_tree, RECORD)["revoked_on"] == "2026-11-01"


def test_revoke_file_without_final_newline(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    path = site_tree / RECORD
    original = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(original, encoding="utf-8")
    assert (
        revoke(cli_runner, site_tree, "2026-ada", "--reason", "Withdrawn").exit_code
        == 0
    )
    text = path.read_text(encoding="utf-8")
    assert text == original + "\nrevoked_on: 2026-12-04\nrevocation_reason: Withdrawn\n"


def test_revoke_multiline_reason_round_trips(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    reason = 'Evidence was "borrowed".\nSee the panel\'s note #3: yes'
    assert revoke(cli_runner, site_tree, "2026-ada", "--reason", reason).exit_code == 0
    assert read_record(site_tree, RECORD)["revocation_reason"] == reason


REJECTIONS = [
    (["2026-nobody", "--reason", "x"], "AWARD_ID, value '2026-nobody': names no "
     "existing award. Use the file name of an award record without .yml."),
    (["2026-ada", "--reason", "x", "--date", "2027-01-01"],
     "--date, value '2027-01-01': is in the future (2027-01-01). Revoke with "
     "today's date or an earlier one."),
    (["2026-ada", "--reason", "x", "--date", "2026-01-01"],
     "--date, value '2026-01-01': is before issued_on. Use the date the award was "
     "withdrawn, on or after issued_on."),
    (["2026-ada", "--reason", "x", "--date", "01/11/2026"],
     "--date, value '01/11/2026': is invalid"),
    (["2026-ada", "--reason", "  "], "--reason, value '  ': is empty."),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), REJECTIONS)
def test_revoke_rejects_input(
    site_tree: Path, cli_runner: CliRunner, args: list[str], message: str
) -> None:
    before = (site_tree / RECORD).read_bytes()
    result = revoke(cli_runner, site_tree, *args)
    assert result.exit_code == 1
    assert message in result.output
    assert (
        "Error: revoke failed with 1 problem(s); nothing was written" in result.output
    )
    assert (site_tree / RECORD).read_bytes() == before


def test_revoke_rejects_already_revoked(site_tree: Path, cli_runner: CliRunner) -> None:
    assert revoke(cli_runner, site_tree, "2026-ada", "--reason", "First").exit_code == 0
    after_first = (site_tree / RECORD).read_bytes()
    again = revoke(cli_runner, site_tree, "2026-ada", "--reason", "Second")
    assert again.exit_code == 1
    assert (
        f"AWARD_ID, value '2026-ada': was already revoked on 2026-12-04 ({RECORD})."
    ) in again.output
    assert (site_tree / RECORD).read_bytes() == after_first


def test_revoke_requires_reason(site_tree: Path, cli_runner: CliRunner) -> None:
    result = revoke(cli_runner, site_tree, "2026-ada")
    assert result.exit_code == 2
    assert "Missing option '--reason'" in result.output


def test_revoke_keeps_file_mode(site_tree: Path, cli_runner: CliRunner) -> None:
    path = site_tree / RECORD
    path.chmod(0o640)
    assert (
        revoke(cli_runner, site_tree, "2026-ada", "--reason", "Withdrawn").exit_code
        == 0
    )
    assert path.stat().st_mode & 0o777 == 0o640
