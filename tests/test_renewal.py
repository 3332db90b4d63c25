"""Tests of `badgesite renew`: a new award linked to an expired one."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from conftest import TODAY
from organiser_support import invoke, read_record, text_under, tree_snapshot

from generator.awards import hash_email
from generator.build import load_site
from generator.models import AwardStatus, award_status

OLD = "assertions/demo-badge/2024-old.yml"
NEW = "assertions/demo-badge/2026-old.yml"
# The minimal site's 2024-old record stores the hash of this address with salt k3Yp9dQz.
OLD_EMAIL = "alice@example.org"


def renew(runner: CliRunner, project: Path, *args: str):
    return invoke(runner, project, "renew", *args, "--today", TODAY)


def test_renew_links_and_reuses_identity(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    result = renew(cli_runner, site_tree, "2024-old")
    assert result.exit_code == 0, result.output
    old, new = read_record(site_tree, OLD), read_record(site_tree, NEW)
    assert new["previous_award"] == "2024-old"
    assert new["recipient"] == old["recipient"]
    assert new["name"] == old["name"]
    assert new["evidence"] == old["evidence"]
    assert new["assessors"] == old["assessors"]
    assert new["issued_on"] == TODAY
    assert new["decision_on"] == TODAY
    assert (
        f"Wrote {NEW}: award 2026-old of Demo Badge for Old Holder (valid)."
        in result.output
    )
    assert "It renews award 2024-old." in result.output
    assert f"Next: commit {NEW}, then build." in result.output
    assert old["recipient"]["salt"] not in result.output


def test_renew_result_loads_as_valid(site_tree: Path, cli_runner: CliRunner) -> None:
    assert renew(cli_runner, site_tree, "2024-old").exit_code == 0
    site = load_site(site_tree, today=TODAY, strict=True, environ={})
    renewed = {award.award_id: award for award in site.awards}["2026-old"]
    assert renewed.previous_award == "2024-old"
    assert award_status(renewed, site.now) is AwardStatus.VALID


def test_renew_email_gets_fresh_salt(site_tree: Path, cli_runner: CliRunner) -> None:
    result = renew(cli_runner, site_tree, "2024-old", "--email", "  ALICE@Example.org ")
    assert result.exit_code == 0, result.output
    recipient = read_record(site_tree, NEW)["recipient"]
    assert recipient["salt"] != "k3Yp9dQz"
    assert len(recipient["salt"]) >= 22
    assert recipient["identity"] == hash_email(OLD_EMAIL, recipient["salt"])
    assert OLD_EMAIL not in text_under(site_tree / "assertions").lower()
    assert OLD_EMAIL not in result.output.lower()


def test_renew_rejects_other_email(site_tree: Path, cli_runner: CliRunner) -> None:
    result = renew(cli_runner, site_tree, "2024-old", "--email", "mallory@example.org")
    assert result.exit_code == 1
    assert (
        "--email: is not the address award 2024-old was issued to. (The address is not "
        "shown.)"
    ) in result.output
    assert "mallory" not in result.output
    assert not (site_tree / NEW).exists()


def test_renew_rejects_current_award(site_tree: Path, cli_runner: CliRunner) -> None:
    result = renew(cli_runner, site_tree, "2026-ada")
    assert result.exit_code == 1
    assert (
        "AWARD_ID, value '2026-ada': has not expired yet (it expires on 2027-05-14). "
        "Renew it after that date, or add --force to renew it early."
    ) in result.output


def test_renew_force_needs_free_id(site_tree: Path, cli_runner: CliRunner) -> None:
    clash = renew(cli_runner, site_tree, "2026-ada", "--force")
    assert clash.exit_code == 1
    assert (
        "AWARD_ID, value '2026-ada': the default id 2026-ada (issue year + old id "
        "without its year) already exists in assertions/demo-badge/2026-ada.yml. "
        "Pass --id NEW_ID to choose another id."
    ) in clash.output
    assert "--id, value" not in clash.output
    result = renew(
        cli_runner, site_tree, "2026-ada", "--force", "--id", "2026-ada-renewed"
    )
    assert result.exit_code == 0, result.output
    record = read_record(site_tree, "assertions/demo-badge/2026-ada-renewed.yml")
    assert record["previous_award"] == "2026-ada"
    # 2026-ada keeps its email in the record; a renewal stores only the hash.
    assert "email" not in record["recipient"]
    assert record["recipient"]["identity"] == hash_email("ada@example.org", "k3Yp9dQz")


def test_renew_keep_email_copies_address(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    result = renew(
        cli_runner,
        site_tree,
        "2026-ada",
        "--force",
        "--id",
        "2026-ada-2",
        "--keep-email",
    )
    assert result.exit_code == 0, result.output
    record = read_record(site_tree, "assertions/demo-badge/2026-ada-2.yml")
    assert record["recipient"] == {"email": "ada@example.org", "salt": "k3Yp9dQz"}


def test_renew_rejects_revoked_award(site_tree: Path, cli_runner: CliRunner) -> None:
    path = site_tree / OLD
    path.write_text(
        path.read_text() + "revoked_on: 2024-06-01\nrevocation_reason: Withdrawn.\n"
    )
    before = tree_snapshot(site_tree / "assertions")
    result = renew(cli_runner, site_tree, "2024-old", "--force")
    assert result.exit_code == 1
    assert (
        "AWARD_ID, value '2024-old': is revoked, so it cannot be renewed."
        in result.output
    )
    assert tree_snapshot(site_tree / "assertions") == before


def test_renew_rejects_unknown_award(site_tree: Path, cli_runner: CliRunner) -> None:
    result = renew(cli_runner, site_tree, "2023-nobody")
    assert result.exit_code == 1
    assert "AWARD_ID, value '2023-nobody': names no existing award." in result.output


def test_renew_rejects_second_renewal(site_tree: Path, cli_runner: CliRunner) -> None:
    assert renew(cli_runner, site_tree, "2024-old").exit_code == 0
    again = renew(cli_runner, site_tree, "2024-old", "--id", "2026-old-again")
    assert again.exit_code == 1
    assert (
        f"AWARD_ID, value '2024-old': is already renewed by award 2026-old ({NEW})."
    ) in again.output


def test_renew_replaces_evidence_when_given(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    result = renew(
        cli_runner,
        site_tree,
        "2024-old",
        "--evidence",
        "practice:recordings=https://example.org/new-recording",
        "--narrative",
        "reflection=Another year of practice.",
        "--assessor",
        "Dee",
        "--assessor",
        "Eve",
        "--assessor",
        "Fay",
        "--decision-on",
        "2026-12-01",
    )
    assert result.exit_code == 0, result.output
    new = read_record(site_tree, NEW)
    assert new["assessors"] == ["Dee", "Eve", "Fay"]
    assert new["decision_on"] == "2026-12-01"
    assert new["evidence"][0] == {
        "criterion": "practice",
        "kind": "recordings",
        "url": "https://example.org/new-recording",
    }


def test_renew_shipped_record_hides_email(
    shipped_tree: Path, cli_runner: CliRunner
) -> None:
    result = renew(cli_runner, shipped_tree, "2024-hannah-lowe")
    assert result.exit_code == 0, result.output
    new = read_record(
        shipped_tree, "assertions/he-industry-dialogue/2026-hannah-lowe.yml"
    )
    assert new["previous_award"] == "2024-hannah-lowe"
    assert new["recipient"]["identity"] == hash_email(
        "hannah.lowe@example.ac.uk", "BixYygkE2zBk5_GkDe3Mfw"
    )
    text = (
        shipped_tree / "assertions/he-industry-dialogue/2026-hannah-lowe.yml"
    ).read_text()
    assert "hannah.lowe@" not in text


def test_renew_date_messages_name_options(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    future = renew(cli_runner, site_tree, "2024-old", "--decision-on", "2027-01-01")
    assert future.exit_code == 1
    assert (
        "--decision-on, value '2027-01-01': is after the issue date 2026-12-04, "
        "issued today (no --issued-on given)."
    ) in future.output
    late = renew(
        cli_runner, site_tree, "2024-old", "--evidence-received-on", "2026-12-10"
    )
    assert late.exit_code == 1
    assert (
        "--evidence-received-on, value '2026-12-10': is after the decision date "
        "2026-12-04 (no --decision-on given)."
    ) in late.output
    assert not (site_tree / NEW).exists()


def test_renew_given_id_clash_names_option(
    site_tree: Path, cli_runner: CliRunner
) -> None:
    result = renew(cli_runner, site_tree, "2024-old", "--id", "2026-ada")
    assert result.exit_code == 1
    assert (
        "--id, value '2026-ada': names the award id '2026-ada', which already exists"
    ) in result.output
    assert "default id" not in result.output
