"""Tests of `badgesite award-bulk`: a CSV roster is written completely or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY
from organiser_support import invoke, read_record, text_under, tree_snapshot

from generator.awards import hash_email
from generator.cli import main
from generator.roster import EVIDENCE_PREFIXES, OPTIONAL_COLUMNS, REQUIRED_COLUMNS

HEADER = (
    "name,email,badge,issued_on,decision_on,assessors,"
    "url:practice,narrative:reflection:self-assessment,id"
)
ROWS = [
    "Alan Turing,Alan.Turing@Example.org ,demo-badge,2026-11-30,2026-11-28,"
    "Ann Ash; Bo Birch; Cy Cedar,https://example.org/a https://example.org/b,"
    '"First line.\nSecond line, with a comma.",',
    "Katherine Johnson,kj@example.org,demo-badge,2026-11-30,2026-11-28,"
    "Ann Ash;Bo Birch;Cy Cedar,https://example.org/k,Short reflection.,2026-kj",
    "Mary Jackson,mary@example.org,demo-badge,,2026-11-28,Ann Ash;Bo Birch;Cy Cedar,,"
    "Only a narrative.,",
]
EMAILS = ["alan.turing@example.org", "kj@example.org", "mary@example.org"]


def write_roster(
    folder: Path, *rows: str, header: str = HEADER, name: str = "roster.csv"
) -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def bulk(runner: CliRunner, project: Path, roster: Path, *extra: str):
    return invoke(runner, project, "award-bulk", str(roster), "--today", TODAY, *extra)


def test_bulk_writes_every_row(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    result = bulk(cli_runner, site_tree, write_roster(tmp_path, *ROWS))
    assert result.exit_code == 0, result.output
    for relative in ("2026-alan-turing", "2026-kj", "2026-mary-jackson"):
        assert f"Wrote assertions/demo-badge/{relative}.yml" in result.output
    assert "Next: commit assertions/demo-badge/2026-alan-turing.yml" in result.output
    alan = read_record(site_tree, "assertions/demo-badge/2026-alan-turing.yml")
    assert alan["recipient"]["identity"] == hash_email(
        EMAILS[0], alan["recipient"]["salt"]
    )
    assert [item.get("url") for item in alan["evidence"]] == [
        "https://example.org/a", "https://example.org/b", None]  # fmt: skip
    assert alan["evidence"][2]["narrative"] == "First line.\nSecond line, with a comma."
    assert alan["assessors"] == ["Ann Ash", "Bo Birch", "Cy Cedar"]
    mary = read_record(site_tree, "assertions/demo-badge/2026-mary-jackson.yml")
    assert mary["issued_on"] == TODAY


def test_bulk_records_pass_check(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    assert bulk(cli_runner, site_tree, write_roster(tmp_path, *ROWS)).exit_code == 0
    checked = invoke(cli_runner, site_tree, "check", "--today", TODAY)
    assert checked.exit_code == 0, checked.output
    assert "5 award(s)" in checked.output


def test_bulk_never_writes_plain_email(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    result = bulk(cli_runner, site_tree, write_roster(tmp_path, *ROWS))
    assert result.exit_code == 0, result.output
    written = text_under(site_tree / "assertions").lower()
    for email in EMAILS:
        assert email not in written
        assert email not in result.output.lower()


def test_bulk_keep_email_writes_addresses(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    result = bulk(cli_runner, site_tree, write_roster(tmp_path, *ROWS), "--keep-email")
    assert result.exit_code == 0, result.output
    record = read_record(site_tree, "assertions/demo-badge/2026-kj.yml")
    assert record["recipient"]["email"] == "kj@example.org"


def test_bulk_all_or_nothing(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    bad = ("Bad Row,not-an-email,demo-badge,2026-11-30,30/11/2026,Ann Ash;Bo Birch,"
           "https://example.org/x,,")  # fmt: skip
    before = tree_snapshot(site_tree / "assertions")
    result = bulk(cli_runner, site_tree, write_roster(tmp_path, ROWS[0], bad, ROWS[1]))
    assert result.exit_code == 1
    assert tree_snapshot(site_tree / "assertions") == before
    expected = [
        "roster.csv row 3, column 'assessors', value 'Ann Ash; Bo Birch': must have "
        "exactly 3 entries, got 2. List the three different people of the independent "
        "panel.",
        "roster.csv row 3, column 'decision_on', value '30/11/2026': is invalid: got "
        "'30/11/2026'. Use the date of the panel's decision, like 2026-05-12.",
        "roster.csv row 3, column 'email': is not a valid email address. (The address "
        "is not shown.) Give an address like name@example.org.",
    ]
    for line in expected:
        assert line in result.output
    assert "not-an-email" not in result.output
    assert (
        "Error: award-bulk failed with 3 error(s) and 1 warning(s); nothing was written"
        in result.output
    )


def test_bulk_rejects_duplicate_ids(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    twin = ROWS[0].replace("Alan.Turing@Example.org ", "alan2@example.org")
    result = bulk(cli_runner, site_tree, write_roster(tmp_path, ROWS[0], twin))
    assert result.exit_code == 1
    assert (
        "roster.csv row 3, column 'id', value '2026-alan-turing': repeats the award id "
        "'2026-alan-turing' of row 2."
    ) in result.output
    assert not (site_tree / "assertions/demo-badge/2026-alan-turing.yml").exists()


def test_bulk_rejects_existing_id(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    row = ROWS[1].replace("2026-kj", "2026-ada")
    result = bulk(cli_runner, site_tree, write_roster(tmp_path, ROWS[0], row))
    assert result.exit_code == 1
    assert (
        "roster.csv row 3, column 'id', value '2026-ada': names the award id "
        "'2026-ada', "
        "which already exists in assertions/demo-badge/2026-ada.yml."
    ) in result.output
    assert not (site_tree / "assertions/demo-badge/2026-alan-turing.yml").exists()


HEADER_PROBLEMS = [
    (HEADER.replace("decision_on", "decided"),
     "roster.csv row 1, column 'decided': is not a known column."),
    (HEADER.replace("decision_on,", ""),
     "roster.csv row 1, column 'decision_on': is missing from the header."),
    (HEADER.replace("url:practice", "url:practice:video"),
     "roster.csv row 1, column 'url:practice:video': names the unknown evidence kind "
     "'video'."),
    (HEADER + ",name", "roster.csv row 1, column 'name': appears twice in the header."),
    ("name,email,badge,decision_on,assessors",
     "roster.csv row 1, column 'url:CRITERION': is missing: the roster has no "
     "evidence column."),
]  # fmt: skip


@pytest.mark.parametrize(("header", "message"), HEADER_PROBLEMS)
def test_bulk_rejects_header(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path, header: str, message: str
) -> None:
    result = bulk(cli_runner, site_tree, write_roster(tmp_path, ROWS[1], header=header))
    assert result.exit_code == 1
    assert message in result.output
    assert not (site_tree / "assertions/demo-badge/2026-kj.yml").exists()


def test_bulk_rejects_extra_cells(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    result = bulk(cli_runner, site_tree, write_roster(tmp_path, ROWS[1] + ",extra"))
    assert result.exit_code == 1
    assert (
        "roster.csv row 2: has 10 cells but the header has 9 columns." in result.output
    )


def test_bulk_rejects_empty_roster(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    result = bulk(cli_runner, site_tree, write_roster(tmp_path))
    assert result.exit_code == 1
    assert "roster.csv row 1: has no data rows." in result.output


def test_bulk_rejects_non_utf8(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes((HEADER + "\nZo\xeb,z@example.org\n").encode("latin-1"))
    result = bulk(cli_runner, site_tree, roster)
    assert result.exit_code == 1
    assert "is not UTF-8 text" in result.output


def test_bulk_accepts_spreadsheet_bom(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(("\ufeff" + HEADER + "\r\n" + ROWS[1] + "\r\n").encode("utf-8"))
    result = bulk(cli_runner, site_tree, roster)
    assert result.exit_code == 0, result.output
    assert (site_tree / "assertions/demo-badge/2026-kj.yml").is_file()


def test_bulk_rejects_bad_listed(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    roster = write_roster(tmp_path, ROWS[1] + ",maybe", header=HEADER + ",listed")
    result = bulk(cli_runner, site_tree, roster)
    assert result.exit_code == 1
    assert (
        "roster.csv row 2, column 'listed', value 'maybe': is not yes or no."
        in result.output
    )


def test_bulk_listed_yes(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    roster = write_roster(tmp_path, ROWS[1] + ",yes", header=HEADER + ",listed")
    assert bulk(cli_runner, site_tree, roster).exit_code == 0
    assert read_record(site_tree, "assertions/demo-badge/2026-kj.yml")["listed"] is True


def test_bulk_strict_fails_on_warning(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    row = ROWS[1].replace("Short reflection.", "")
    result = bulk(cli_runner, site_tree, write_roster(tmp_path, row), "--strict")
    assert result.exit_code == 1
    assert (
        "roster.csv row 2, column 'evidence columns': warning: has no item for "
        "criterion 'reflection'."
    ) in result.output
    assert not (site_tree / "assertions/demo-badge/2026-kj.yml").exists()


def test_bulk_missing_roster_file(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    result = bulk(cli_runner, site_tree, tmp_path / "missing.csv")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_bulk_lists_all_row_problems(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    row = "Jo Lee,,demo-badge,,2026-11-28,A;B,https://example.org/j,,,maybe"
    result = bulk(
        cli_runner, site_tree, write_roster(tmp_path, row, header=HEADER + ",listed")
    )
    assert result.exit_code == 1
    assert "roster.csv row 2, column 'email': is missing." in result.output
    assert (
        "roster.csv row 2, column 'listed', value 'maybe': is not yes or no."
        in result.output
    )
    assert (
        "roster.csv row 2, column 'assessors', value 'A; B': must have exactly 3"
        in result.output
    )


def test_bulk_lists_bad_date_with_others(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    rows = [
        "Jo Lee,jo@example.org,demo-badge,,2026-13-01,A;B,https://example.org/j,,",
        "Al Roe,al@example.org,demo-badge,,2026-13-01,A;B;C,not-a-url,,",
    ]
    result = bulk(cli_runner, site_tree, write_roster(tmp_path, *rows))
    assert result.exit_code == 1
    for row in (2, 3):
        assert (
            f"roster.csv row {row}, column 'decision_on', value '2026-13-01': is not a "
            "real date: '2026-13-01' (month must be in 1..12). Use YYYY-MM-DD."
        ) in result.output
    assert (
        "roster.csv row 2, column 'assessors', value 'A; B': must have exactly 3"
        in result.output
    )
    assert (
        "roster.csv row 3, column 'url:practice', value 'not-a-url': is invalid"
        in result.output
    )
    assert "award-bulk failed with 4 error(s) and 1 warning(s)" in result.output


@pytest.mark.parametrize(
    ("header", "issued_cell", "note"),
    [
        (HEADER.replace("issued_on,", ""), "", "no issued_on column"),
        (HEADER, ",", "the issued_on cell is empty"),
    ],
)
def test_bulk_future_decision_names_column(
    site_tree: Path,
    cli_runner: CliRunner,
    tmp_path: Path,
    header: str,
    issued_cell: str,
    note: str,
) -> None:
    row = (f"Jo Lee,jo@example.org,demo-badge,{issued_cell}2027-01-01,A;B;C,"
           "https://example.org/j,Fine.,")  # fmt: skip
    result = bulk(cli_runner, site_tree, write_roster(tmp_path, row, header=header))
    assert result.exit_code == 1
    assert (
        "roster.csv row 2, column 'decision_on', value '2027-01-01': is after the "
        f"issue date 2026-12-04, issued today ({note}). Use the date of the panel's "
        "decision, 2026-12-04 or earlier"
    ) in result.output
    assert "column 'issued_on'" not in result.output


def test_bulk_help_lists_columns(cli_runner: CliRunner) -> None:
    result = cli_runner.invoke(main, ["award-bulk", "--help"])
    assert result.exit_code == 0
    help_text = result.output
    assert "Required columns:" in help_text
    assert "Optional columns:" in help_text
    required, optional = help_text.split("Optional columns:")
    for column in REQUIRED_COLUMNS:
        assert column in required, column
    for column in OPTIONAL_COLUMNS:
        assert column in optional, column
    for prefix in EVIDENCE_PREFIXES:
        assert f"{prefix}:CRITERION[:KIND]" in required, prefix
    assert "separated by ';'" in required
