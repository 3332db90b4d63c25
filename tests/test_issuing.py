"""Tests of `badgesite award`: one new, hashed, checked award record."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY
from organiser_support import (
    ASSESSORS,
    BADGE,
    EVIDENCE,
    award_args,
    invoke,
    read_record,
    tree_snapshot,
)
from validator_harness import free_port, run_validator, serve_directory

from generator.awards import hash_email
from generator.build import build_site
from generator.records import SALT_BYTES, new_salt, slugify

EMAIL = "  Grace.Hopper@Example.ORG "
NORMALISED = "grace.hopper@example.org"
RECORD = "assertions/demo-badge/2026-grace-hopper.yml"


def award(runner: CliRunner, project: Path, *extra: str, email: str = EMAIL,
          name: str = "Grace Hopper"):  # fmt: skip
    return invoke(
        runner, project, "award", *award_args(name, email, *extra), "--today", TODAY
    )


def test_award_writes_hashed_record(site_tree: Path, cli_runner: CliRunner) -> None:
    result = award(cli_runner, site_tree)
    assert result.exit_code == 0, result.output
    data = read_record(site_tree, RECORD)
    recipient = data["recipient"]
    assert set(recipient) == {"identity", "salt"}
    assert recipient["identity"] == hash_email(NORMALISED, recipient["salt"])
    assert len(recipient["salt"]) >= 22
    assert data["name"] == "Grace Hopper"
    assert data["issued_on"] == "2026-11-30"
    assert data["decision_on"] == "2026-11-28"
    assert data["evidence_received_on"] == "2026-11-20"
    assert data["assessors"] == ["Ann Ash", "Bo Birch", "Cy Cedar"]
    assert data["evidence"] == [
        {"criterion": "practice", "kind": "documentation",
         "url": "https://example.org/evidence/notes"},
        {"criterion": "reflection", "kind": "self-assessment",
         "narrative": "It changed how I teach."},
    ]  # fmt: skip


def test_award_prints_file_and_next_step(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    result = award(cli_runner, site_tree)
    assert result.exit_code == 0, result.output
    salt = read_record(site_tree, RECORD)["recipient"]["salt"]
    assert f"Wrote {RECORD}: award 2026-grace-hopper of Demo Badge" in result.output
    assert f"Next: commit {RECORD}, then build." in result.output
    assert NORMALISED not in result.output.lower()
    assert salt not in result.output


def test_award_never_writes_plain_email(site_tree: Path, cli_runner: CliRunner) -> None:
    result = award(cli_runner, site_tree)
    assert result.exit_code == 0, result.output
    text = (site_tree / RECORD).read_text(encoding="utf-8")
    assert NORMALISED not in text.lower()
    assert "email" not in text


def test_award_keep_email_writes_address(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    result = award(cli_runner, site_tree, "--keep-email")
    assert result.exit_code == 0, result.output
    recipient = read_record(site_tree, RECORD)["recipient"]
    assert recipient["email"] == EMAIL.strip()
    assert "identity" not in recipient
    assert NORMALISED not in result.output.lower()


def test_award_record_passes_check_and_build(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    assert award(cli_runner, site_tree).exit_code == 0
    checked = invoke(cli_runner, site_tree, "check", "--today", TODAY, "--strict")
    assert checked.exit_code == 0, checked.output
    assert "3 award(s), 0 warning(s)" in checked.output
    result = build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    assert result.current == 2
    published = (site_tree / "output/assertions/2026-grace-hopper.json").read_text()
    salt = read_record(site_tree, RECORD)["recipient"]["salt"]
    assert hash_email(NORMALISED, salt) in published


def test_award_build_twice_same_bytes(
    site_tree: Path, cli_runner: CliRunner, tmp_path: Path
) -> None:
    assert award(cli_runner, site_tree).exit_code == 0
    outputs = []
    for clone in ("first", "second"):
        copy = tmp_path / clone
        for folder in ("content", "assertions", "site_src"):
            shutil.copytree(site_tree / folder, copy / folder)
        build_site(copy, copy / "output", today=TODAY, environ={})
        outputs.append(tree_snapshot(copy / "output/assertions"))
    assert outputs[0] == outputs[1]
    assert "2026-grace-hopper.json" in outputs[0]
    assert "2026-grace-hopper.png" in outputs[0]


def test_award_salts_differ(site_tree: Path, cli_runner: CliRunner) -> None:
    assert award(cli_runner, site_tree).exit_code == 0
    second = award(cli_runner, site_tree, "--id", "2026-grace-hopper-2")
    assert second.exit_code == 0, second.output
    first_salt = read_record(site_tree, RECORD)["recipient"]["salt"]
    second_record = "assertions/demo-badge/2026-grace-hopper-2.yml"
    assert read_record(site_tree, second_record)["recipient"]["salt"] != first_salt


def test_award_default_id_from_accents(site_tree: Path, cli_runner: CliRunner) -> None:
    result = award(cli_runner, site_tree, name="Zoë Ní Bhriain")
    assert result.exit_code == 0, result.output
    assert (site_tree / "assertions/demo-badge/2026-zoe-ni-bhriain.yml").is_file()


def test_award_default_id_from_markup(site_tree: Path, cli_runner: CliRunner) -> None:
    name = 'Dana "D" O\'Neil <b>'
    result = award(cli_runner, site_tree, name=name)
    assert result.exit_code == 0, result.output
    record = "assertions/demo-badge/2026-dana-d-o-neil-b.yml"
    assert read_record(site_tree, record)["name"] == name


def test_award_issued_on_defaults_today(site_tree: Path, cli_runner: CliRunner) -> None:
    args = ["--badge", BADGE, "--name", "Grace Hopper", "--email", EMAIL,
            "--decision-on", "2026-12-01", *ASSESSORS, *EVIDENCE]  # fmt: skip
    result = invoke(cli_runner, site_tree, "award", *args, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert read_record(site_tree, RECORD)["issued_on"] == TODAY


def test_award_id_unique_across_badges(site_tree: Path, cli_runner: CliRunner) -> None:
    badges = site_tree / "content/badges"
    shutil.copytree(badges / BADGE, badges / "second-badge")
    shutil.copytree(
        site_tree / "assertions" / BADGE, site_tree / "assertions/second-badge"
    )
    (site_tree / "assertions/second-badge/2024-old.yml").rename(
        site_tree / "assertions/second-badge/2026-taken.yml"
    )
    (site_tree / "assertions/second-badge/2026-ada.yml").unlink()
    before = tree_snapshot(site_tree / "assertions")
    result = award(cli_runner, site_tree, "--id", "2026-taken")
    assert result.exit_code == 1
    assert (
        "--id, value '2026-taken': names the award id '2026-taken', which already "
        "exists in assertions/second-badge/2026-taken.yml."
    ) in result.output
    assert tree_snapshot(site_tree / "assertions") == before


REJECTIONS = [
    (["--id", "2026-ada"], "--id, value '2026-ada': names the award id '2026-ada', "
     "which already exists in assertions/demo-badge/2026-ada.yml."),
    (["--id", "Bad_Id"], "--id, value 'Bad_Id': is not a valid award id"),
    (["--badge", "no-such-badge"], "--badge, value 'no-such-badge': names an unknown "
     "badge. Use a folder name from content/badges/: demo-badge."),
    (["--issued-on", "30/11/2026"], "--issued-on, value '30/11/2026': is invalid"),
    (["--issued-on", "2027-01-05", "--decision-on", "2027-01-01"],
     "--issued-on, value '2027-01-05': is in the future (2027-01-05)."),
    (["--decision-on", "2026-11-10"], "--decision-on, value '2026-11-10': is before "
     "--evidence-received-on (2026-11-20). The panel decides after the evidence "
     "arrives: correct one of the two dates."),
    (["--decision-on", "2026-12-01"], "--issued-on, value '2026-11-30': is before "
     "--decision-on (2026-12-01). Award the badge on or after the panel's decision: "
     "correct one of the two dates."),
    (["--decision-on", "2026-13-01"], "--decision-on, value '2026-13-01': is not a "
     "real date: '2026-13-01' (month must be in 1..12). Use YYYY-MM-DD."),
    (["--expires", "2020-01-01"], "--expires, value '2020-01-01': is before the issue "
     "date --issued-on (2026-11-30)."),
    (["--expires", "2040-01-01"], "--expires, value '2040-01-01': is beyond the "
     "badge's 365-day validity from the issue date --issued-on (2026-11-30). Use "
     "2027-11-30 or earlier, or leave out --expires."),
    (["--evidence", "nope=https://example.org/x"], "--evidence, value "
     "'nope=https://example.org/x': names the unknown criterion 'nope'. Use one of: "
     "practice, reflection."),
    (["--evidence", "practice:video=https://example.org/x"], "names the unknown "
     "evidence kind 'video'. Use one of: documentation,"),
    (["--evidence", "https://example.org/x"], "--evidence, value "
     "'https://example.org/x': has no criterion or no value. Write it as "
     "CRITERION=VALUE"),
    (["--evidence", "practice=not a url"], "--evidence, value 'practice=not a url': is "
     "invalid: got 'not a url'. Use an absolute https:// link to the evidence."),
    (["--assessor", "Dee Dogwood"], "--assessor, value 'Ann Ash; Bo Birch; Cy Cedar; "
     "Dee Dogwood': must have exactly 3 entries, got 4."),
]  # fmt: skip


@pytest.mark.parametrize(("extra", "message"), REJECTIONS)
def test_award_rejects_input(
    site_tree: Path, cli_runner: CliRunner, extra: list[str], message: str
) -> None:
    before = tree_snapshot(site_tree / "assertions")
    result = award(cli_runner, site_tree, *extra)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Error: award failed with" in result.output
    assert "nothing was written" in result.output
    assert tree_snapshot(site_tree / "assertions") == before


def test_award_future_decision_names_option(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    args = ["--badge", BADGE, "--name", "Grace Hopper", "--email", EMAIL,
            "--decision-on", "2027-01-01", *ASSESSORS, *EVIDENCE]  # fmt: skip
    result = invoke(cli_runner, site_tree, "award", *args, "--today", TODAY)
    assert result.exit_code == 1
    assert (
        "--decision-on, value '2027-01-01': is after the issue date 2026-12-04, "
        "issued today (no --issued-on given). Use the date of the panel's decision, "
        "2026-12-04 or earlier: a badge is awarded only after its decision."
    ) in result.output
    assert "--issued-on" not in result.output.replace("no --issued-on given", "")
    assert "award failed with 1 problem(s)" in result.output


def test_award_rejects_bad_email_hidden(site_tree: Path, cli_runner: CliRunner) -> None:
    result = award(cli_runner, site_tree, email="grace.hopper@@example")
    assert result.exit_code == 1
    assert (
        "--email: is not a valid email address. (The address is not shown.)"
        in result.output
    )
    assert "grace.hopper" not in result.output


def test_award_lists_every_problem_once(site_tree: Path, cli_runner: CliRunner) -> None:
    result = award(
        cli_runner,
        site_tree,
        "--id",
        "2026-ada",
        "--badge",
        "demo-badge",
        "--evidence",
        "practice:video=https://example.org/v",
        email="nobody",
    )
    assert result.exit_code == 1
    assert "award failed with 3 problem(s)" in result.output
    assert "--email:" in result.output
    assert "--id, value '2026-ada'" in result.output
    assert "unknown evidence kind 'video'" in result.output


def test_award_missing_required_option(site_tree: Path, cli_runner: CliRunner) -> None:
    result = invoke(cli_runner, site_tree, "award", "--badge", BADGE, "--name", "X")
    assert result.exit_code == 2
    assert "Missing option" in result.output


def test_award_warning_passes_unless_strict(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    args = ["--badge", BADGE, "--name", "Grace Hopper", "--email", EMAIL,
            "--issued-on", "2026-11-30", "--decision-on", "2026-11-28", *ASSESSORS,
            "--evidence", "practice=https://example.org/evidence/notes"]  # fmt: skip
    warning = ("--evidence: warning: has no item for criterion 'reflection'. Add the "
               "evidence the panel accepted for it.")  # fmt: skip
    strict = invoke(cli_runner, site_tree, "award", *args, "--today", TODAY, "--strict")
    assert strict.exit_code == 1
    assert warning in strict.output
    assert not (site_tree / RECORD).exists()
    relaxed = invoke(cli_runner, site_tree, "award", *args, "--today", TODAY)
    assert relaxed.exit_code == 0, relaxed.output
    assert warning in relaxed.output
    assert (site_tree / RECORD).is_file()


def test_award_decision_late_warning(site_tree: Path, cli_runner: CliRunner) -> None:
    result = award(
        cli_runner, site_tree, "--evidence-received-on", "2026-10-01", "--strict"
    )
    assert result.exit_code == 1
    assert (
        "--decision-on, value '2026-11-28': warning: is 58 days after the evidence "
        "was received, over the badge's 21-day limit."
    ) in result.output


def test_new_salt_has_128_bits() -> None:
    salts = {new_salt() for _ in range(50)}
    assert len(salts) == 50
    assert SALT_BYTES * 8 >= 128
    assert all(len(salt) == 22 for salt in salts)


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Maria Okafor", "maria-okafor"), ("José Álvarez Núñez", "jose-alvarez-nunez"),
     ("  O'Brien, Seán ", "o-brien-sean"), ("李", ""),
     ('Dana "D" O\'Neil <b>', "dana-d-o-neil-b"), ("Zoë Ní Bhriain", "zoe-ni-bhriain"),
     ("Łukasz Große", "lukasz-grosse"), ("Søren Ærø", "soren-aero"),
     ("Þóra Guðmundsdóttir", "thora-gudmundsdottir"), ("Œuvre Ħal", "oeuvre-hal")],
)  # fmt: skip
def test_slugify_names(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_award_name_without_slug_needs_id(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    result = award(cli_runner, site_tree, name="李")
    assert result.exit_code == 1
    assert (
        "--id, value '李': cannot be made from the recipient's name." in result.output
    )
    with_id = award(cli_runner, site_tree, "--id", "2026-li", name="李")
    assert with_id.exit_code == 0, with_id.output


@pytest.mark.validator
def test_awarded_badge_passes_validator(site_tree: Path, cli_runner: CliRunner) -> None:
    assert award(cli_runner, site_tree).exit_code == 0
    port = free_port()
    output = site_tree / "output"
    base_url = f"http://127.0.0.1:{port}/"
    build_site(site_tree, output, base_url=base_url, today=TODAY, environ={})
    with serve_directory(output, port):
        [result] = run_validator(
            [f"{base_url}assertions/2026-grace-hopper.json"], recipient=NORMALISED
        )
    assert result["errorCount"] == 0, result["messages"]
    assert result["valid"] is True
