"""Run every organiser command through the installed badgesite script, as users do."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import TODAY
from organiser_support import award_args, run, text_under, tree_snapshot

from generator.baking import bake_png, clean_png, read_png_assertion
from generator.openbadges import compact_json

BASE = "https://demo.example.org/badges/"
GRACE = "Grace.Hopper@Example.ORG"
ROSTER = (
    "name,email,badge,issued_on,decision_on,assessors,url:practice,narrative:reflection\n"
    "Alan Turing,alan.turing@example.org,demo-badge,2026-11-30,2026-11-28,A;B;C,"
    "https://example.org/a,A reflection.\n"
    "Mary Jackson,MARY@example.org,demo-badge,2026-11-30,2026-11-28,A;B;C,"
    "https://example.org/m,Another reflection.\n"
)
BAD_ROW = "Bad Row,bad@,demo-badge,2026-11-30,2026-11-28,A;B,https://example.org/b,x\n"
PLAIN_EMAILS = [
    "grace.hopper@example.org",
    "alan.turing@example.org",
    "mary@example.org",
    "alice@example.org",
]


def test_subprocess_award_and_build(site_tree: Path) -> None:
    done = run(
        "award", *award_args("Grace Hopper", GRACE), "--today", TODAY, cwd=site_tree
    )
    assert done.returncode == 0, done.stderr
    assert "Wrote assertions/demo-badge/2026-grace-hopper.yml" in done.stdout
    assert (
        "Next: commit assertions/demo-badge/2026-grace-hopper.yml, then build."
        in done.stdout
    )
    again = run(
        "award", *award_args("Grace Hopper", GRACE), "--today", TODAY, cwd=site_tree
    )
    assert again.returncode == 1
    assert (
        "already exists in assertions/demo-badge/2026-grace-hopper.yml" in again.stderr
    )
    built = run("build", "--today", TODAY, cwd=site_tree)
    assert built.returncode == 0, built.stderr
    assert (site_tree / "output/assertions/2026-grace-hopper.png").is_file()


def test_subprocess_award_bulk_all_or_nothing(site_tree: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER + BAD_ROW, encoding="utf-8")
    before = tree_snapshot(site_tree / "assertions")
    failed = run("award-bulk", str(roster), "--today", TODAY, cwd=site_tree)
    assert failed.returncode == 1
    assert (
        "roster.csv row 4, column 'assessors', value 'A; B': must have exactly 3"
        in failed.stderr
    )
    assert (
        "roster.csv row 4, column 'email': is not a valid email address."
        in failed.stderr
    )
    assert tree_snapshot(site_tree / "assertions") == before
    roster.write_text(ROSTER, encoding="utf-8")
    done = run("award-bulk", str(roster), "--today", TODAY, cwd=site_tree)
    assert done.returncode == 0, done.stderr
    assert "Wrote assertions/demo-badge/2026-mary-jackson.yml" in done.stdout


def test_subprocess_renew_and_revoke(site_tree: Path) -> None:
    refused = run("renew", "2026-ada", "--today", TODAY, cwd=site_tree)
    assert refused.returncode == 1
    assert "has not expired yet" in refused.stderr
    renewed = run("renew", "2024-old", "--today", TODAY, cwd=site_tree)
    assert renewed.returncode == 0, renewed.stderr
    assert "It renews award 2024-old." in renewed.stdout
    revoked = run(
        "revoke",
        "2026-old",
        "--reason",
        "Issued in error.",
        "--today",
        TODAY,
        cwd=site_tree,
    )
    assert revoked.returncode == 0, revoked.stderr
    assert (
        "Next: commit assertions/demo-badge/2026-old.yml, then build." in revoked.stdout
    )
    twice = run(
        "revoke", "2026-old", "--reason", "Again.", "--today", TODAY, cwd=site_tree
    )
    assert twice.returncode == 1
    assert "was already revoked on 2026-12-04" in twice.stderr
    checked = run("check", "--today", TODAY, "--strict", cwd=site_tree)
    assert checked.returncode == 0, checked.stderr


def test_subprocess_check_exit_codes(site_tree: Path) -> None:
    assert run("check", "--today", TODAY, cwd=site_tree).returncode == 0
    record = site_tree / "assertions/demo-badge/2026-ada.yml"
    record.write_text(record.read_text().replace("2026-05-01", "2026-04-02"))
    relaxed = run("check", "--today", TODAY, cwd=site_tree)
    assert relaxed.returncode == 0
    assert "warning: field 'decision_on' is 40 days after" in relaxed.stderr
    strict = run("check", "--today", TODAY, "--strict", cwd=site_tree)
    assert strict.returncode == 1
    assert "warning: field 'decision_on' is 40 days after" in strict.stderr
    assert "Error: check found 0 error(s) and 1 warning(s)" in strict.stderr


@pytest.fixture
def built_site(site_tree: Path) -> Path:
    completed = run("build", "--today", TODAY, cwd=site_tree)
    assert completed.returncode == 0, completed.stderr
    return site_tree / "output"


@pytest.mark.parametrize(
    ("source", "email", "code", "verdict"),
    [
        ("assertions/2026-ada.png", None, 0, "valid"),
        ("assertions/2026-ada.json", " ADA@example.org", 0, "valid"),
        ("assertions/2024-old.png", None, 3, "expired"),
        ("assertions/2026-ada.png", "eve@example.org", 5, "not issued to this address"),
        ("badges/demo-badge.png", None, 1, "unreadable"),
    ],
)
def test_subprocess_verify_verdicts(
    built_site: Path, source: str, email: str | None, code: int, verdict: str
) -> None:
    args = [
        "verify",
        str(built_site / source),
        "--site",
        str(built_site),
        "--today",
        TODAY,
    ]
    if email:
        args += ["--email", email]
    completed = run(*args)
    assert completed.returncode == code, completed.stdout + completed.stderr
    assert completed.stdout.startswith(f"{verdict}: ")


def test_subprocess_verify_tampered(built_site: Path, tmp_path: Path) -> None:
    data = (built_site / "assertions/2026-ada.png").read_bytes()
    assertion = json.loads(read_png_assertion(data) or "")
    assertion["expires"] = "2099-12-31T00:00:00Z"
    forged = tmp_path / "forged.png"
    forged.write_bytes(bake_png(clean_png(data)[0], compact_json(assertion)))
    completed = run("verify", str(forged), "--site", str(built_site), "--today", TODAY)
    assert completed.returncode == 6
    assert completed.stdout.startswith("tampered: ")


def test_subprocess_help_lists_exit_codes() -> None:
    completed = run("verify", "--help")
    assert completed.returncode == 0
    text = re.sub(r"\s+", " ", completed.stdout)
    assert (
        "0 valid, 1 unreadable, 2 bad arguments, 3 expired, 4 revoked, 5 not issued to "
        "this address, 6 tampered, 7 invalid."
    ) in text
    for command in ("award", "award-bulk", "renew", "revoke", "check"):
        assert run(command, "--help").returncode == 0


def test_commands_never_write_plain_email(site_tree: Path, tmp_path: Path) -> None:
    """Grep assertions/ after every command has run without --keep-email."""
    baseline = text_under(site_tree / "assertions").lower()
    assert "grace.hopper@" not in baseline
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    steps = [
        ("award", *award_args("Grace Hopper", GRACE)),
        ("award-bulk", str(roster)),
        ("renew", "2024-old", "--email", "Alice@Example.org"),
        ("revoke", "2026-grace-hopper", "--reason", "Issued in error."),
    ]
    outputs = []
    for step in steps:
        completed = run(*step, "--today", TODAY, cwd=site_tree)
        assert completed.returncode == 0, (step[0], completed.stderr)
        outputs.append(completed.stdout + completed.stderr)
    written = text_under(site_tree / "assertions").lower()
    for email in PLAIN_EMAILS:
        assert email not in written, email
        assert all(email not in output.lower() for output in outputs), email
    # The fixture record 2026-ada keeps its address on purpose; nothing else does.
    assert [p.name for p in (site_tree / "assertions").rglob("*.yml")
            if "@" in p.read_text()] == ["2026-ada.yml"]  # fmt: skip
