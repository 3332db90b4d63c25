"""Trust over time: revocation, the published-award ledger and base URL rules."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import TODAY

from generator.build import build_site
from generator.errors import BuildFailed

ADA = "assertions/demo-badge/2026-ada.yml"
OLD = "assertions/demo-badge/2024-old.yml"
REVOCATION = (
    "revoked_on: 2026-11-02\nrevocation_reason: Evidence was found to be copied.\n"
)


def _build(root: Path, output: Path | None = None, **options):
    options.setdefault("today", TODAY)
    options.setdefault("environ", {})
    return build_site(root, output or root / "output", **options)


def _problems(root: Path, **options) -> list[str]:
    with pytest.raises(BuildFailed) as caught:
        _build(root, **options)
    return [problem.format() for problem in caught.value.problems]


def _append(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _git(root: Path, *args: str, date: str = "2026-06-01T12:00:00Z") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    subprocess.run(
        ["git", "-C", str(root), *args], check=True, env=env, capture_output=True
    )


def _commit_all(root: Path, message: str, date: str = "2026-06-01T12:00:00Z") -> None:
    _git(root, "add", "-A", date=date)
    _git(root, "commit", "-q", "-m", message, date=date)


PUBLIC_BASE = "https://badges.northgate.ac.uk/badges/"


def _set_base_url(root: Path, base_url: str) -> None:
    site_yml = root / "content/site.yml"
    text = site_yml.read_text()
    current = text.split("base_url: ", 1)[1].split("\n", 1)[0]
    site_yml.write_text(text.replace(current, base_url))


@pytest.fixture
def git_site(site_tree: Path) -> Path:
    """Return the minimal site, on a public base URL, with its records committed."""
    _set_base_url(site_tree, PUBLIC_BASE)
    (site_tree / ".gitignore").write_text("/output/\n")
    _git(site_tree, "init", "-q", "-b", "main")
    _commit_all(site_tree, "Add the demo site")
    return site_tree


def test_revoked_award_publishes_stub(site_tree):
    _append(site_tree, ADA, REVOCATION)
    result = _build(site_tree)
    output = site_tree / "output"
    assert result.revoked == 1
    assert "1 revoked" in result.summary()
    stub = json.loads((output / "assertions/2026-ada.json").read_text())
    assert stub == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://demo.example.org/badges/assertions/2026-ada.json",
        "revoked": True,
        "revocationReason": "Evidence was found to be copied.",
    }
    assert not (output / "assertions/2026-ada.png").exists()
    issuer = json.loads((output / "issuer.json").read_text())
    listing = json.loads((output / "revocations.json").read_text())
    assert issuer["revocationList"] == listing["id"]
    assert listing["revokedAssertions"] == [
        {"id": stub["id"], "revocationReason": "Evidence was found to be copied."}
    ]
    page = (output / "assertions/2026-ada/index.html").read_text()
    assert "Revoked on 2 November 2026." in page
    assert "Evidence was found to be copied." in page
    assert '<meta name="robots" content="noindex">' in page
    assert "2026-ada.png" not in page
    other = (output / "assertions/2024-old/index.html").read_text()
    assert "noindex" not in other


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("revoked_on: 2026-11-02\n", "'revocation_reason' is missing"),
        ("revoked_on: 2026-01-01\nrevocation_reason: x\n", "is before issued_on"),
        ("revoked_on: 2027-01-01\nrevocation_reason: x\n", "is in the future"),
    ],
)
def test_bad_revocation_rejected(site_tree, text, fragment):
    _append(site_tree, ADA, text)
    problems = _problems(site_tree)
    assert any(fragment in p for p in problems), problems


@pytest.mark.validator
def test_validator_rejects_revoked_url(site_tree, tmp_path):
    from validator_harness import free_port, run_validator, serve_directory

    _append(site_tree, ADA, REVOCATION)
    port = free_port()
    _build(site_tree, tmp_path / "out", base_url=f"http://127.0.0.1:{port}/")
    with serve_directory(tmp_path / "out", port=port) as url:
        (report,) = run_validator([f"{url}assertions/2026-ada.json"])
    assert not report["valid"]
    assert report["errorCount"] > 0


def test_deleted_record_fails_build(git_site):
    (git_site / ADA).unlink()
    _commit_all(git_site, "Delete a record")
    problems = _problems(git_site)
    assert len(problems) == 1
    assert problems[0].startswith(
        ADA + ": is missing, but award '2026-ada' was published"
    )
    assert "Restore the file" in problems[0]
    assert "revoke the award" in problems[0]


def test_renamed_record_fails_build(git_site):
    (git_site / ADA).rename(git_site / "assertions/demo-badge/2026-ada-lovelace.yml")
    problems = _problems(git_site)
    assert len(problems) == 1
    assert "award '2026-ada' was published" in problems[0]


def test_revoked_record_passes_ledger(git_site):
    _append(git_site, ADA, REVOCATION)
    _commit_all(git_site, "Revoke")
    assert _build(git_site).revoked == 1


def test_manifest_ledger_outside_git(site_tree):
    _build(site_tree)
    (site_tree / ADA).unlink()
    problems = _problems(site_tree)
    assert any("award '2026-ada' was published" in p for p in problems)
    assert any("previous build manifest" in p for p in problems)


BORN_EXPIRED = """\
name: Late Entry
recipient:
  email: late@example.org
  salt: abcdefgh12345678
issued_on: 2025-01-10
decision_on: 2025-01-05
assessors: [A One, B Two, C Three]
evidence:
  - criterion: practice
    kind: documentation
    url: https://example.org/late
  - criterion: reflection
    kind: self-assessment
    narrative: Short.
"""


def test_born_expired_award_rejected(git_site):
    (git_site / "assertions/demo-badge/2025-late.yml").write_text(BORN_EXPIRED)
    problems = _problems(git_site)
    assert len(problems) == 1
    assert (
        "expired on 2026-01-10, before it was first recorded on 2026-12-04"
        in problems[0]
    )
    assert "backfilled: true" in problems[0]


def test_born_expired_backfilled_accepted(git_site):
    text = BORN_EXPIRED.replace(
        "name: Late Entry", "name: Late Entry\nbackfilled: true"
    )
    (git_site / "assertions/demo-badge/2025-late.yml").write_text(text)
    result = _build(git_site)
    assert result.expired == 2


def test_award_committed_in_time_may_expire_later(git_site):
    (git_site / "assertions/demo-badge/2025-late.yml").write_text(BORN_EXPIRED)
    _commit_all(git_site, "Record on time", date="2025-01-20T10:00:00Z")
    result = _build(git_site)
    assert result.expired == 2


@pytest.mark.parametrize(
    ("base_url", "fragment"),
    [
        ("http://badges.example.org/", "uses plain http://"),
        ("https://10.1.2.3/", "private-network address 10.1.2.3"),
        ("https://172.20.0.5/badges/", "private-network address 172.20.0.5"),
        ("https://192.168.1.10/", "private-network address 192.168.1.10"),
        ("http://192.168.1.10/", "private-network address"),
        ("https://0x0a000001/", "private-network address 0x0a000001"),
        ("https://10.1/", "private-network address 10.1"),
        ("https://012.0.0.1/", "private-network address 012.0.0.1"),
        ("https://167772161/", "private-network address 167772161"),
    ],
)
def test_base_url_refused(site_tree, base_url, fragment):
    problems = _problems(site_tree, base_url=base_url)
    assert len(problems) == 1
    assert problems[0].startswith("--base-url: ")
    assert fragment in problems[0]
    site_yml = site_tree / "content/site.yml"
    site_yml.write_text(
        site_yml.read_text().replace("https://demo.example.org/badges/", base_url)
    )
    problems = _problems(site_tree)
    assert problems[0].startswith("content/site.yml:2: field 'base_url'")


@pytest.mark.parametrize("host", ["127.0.0.1:8123", "localhost:9000", "[::1]:8000"])
def test_loopback_base_url_is_preview(site_tree, tmp_path, host):
    output = tmp_path / "preview"
    _build(site_tree, output, base_url=f"http://{host}/")
    manifest = json.loads((output / "badgesite.json").read_text())
    assert manifest["preview"] is True
    for page in output.rglob("*.html"):
        assert "Local preview." in page.read_text(), page


def test_public_build_has_no_preview_banner(build_output):
    output, _ = build_output
    assert json.loads((output / "badgesite.json").read_text())["preview"] is False
    assert "Local preview." not in (output / "index.html").read_text()


def _move_base_url(root: Path) -> None:
    _set_base_url(root, "https://badges.northgate-new.ac.uk/")


def test_base_url_change_refused_after_publishing(git_site):
    _move_base_url(git_site)
    problems = _problems(git_site)
    assert len(problems) == 1
    assert f"awards were already published under '{PUBLIC_BASE}'" in problems[0]
    _commit_all(git_site, "Move the site")
    assert len(_problems(git_site)) == 1  # committing the move does not hide it
    assert _build(git_site, force_base_url=True).current == 1
    _append(
        git_site,
        "content/site.yml",
        f"previous_base_urls: ['{PUBLIC_BASE}']\n",
    )
    assert _build(git_site).current == 1


def test_base_url_change_allowed_before_publishing(site_tree):
    _git(site_tree, "init", "-q", "-b", "main")
    for record in (site_tree / "assertions/demo-badge").glob("*.yml"):
        record.unlink()
    _commit_all(site_tree, "Site without awards")
    _move_base_url(site_tree)
    assert _build(site_tree).badges == 1


def test_preview_build_skips_base_url_guard(git_site, tmp_path):
    result = _build(git_site, tmp_path / "preview", base_url="http://127.0.0.1:8000/")
    assert result.current == 1


def test_shallow_clone_skips_ledger_with_warning(git_site, tmp_path):
    _append(git_site, "content/site.yml", "# second commit\n")
    _commit_all(git_site, "Touch", date="2027-09-01T12:00:00Z")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{git_site}", str(clone)],
        check=True,
        capture_output=True,
    )
    result = _build(clone, today="2027-09-02")
    assert result.expired == 2
    (warning,) = [w for w in result.warnings if w.path == "assertions"]
    assert "the git clone is shallow" in warning.message
    assert "fetch-depth: 0" in warning.fix


@pytest.mark.parametrize(
    ("base_url", "fragment"),
    [
        ("https://example.github.io/badges/?x=1#f/", "query or fragment"),
        ("https://user:secret@example.github.io/badges/", "user name or password"),
    ],
)
def test_base_url_parts_refused(site_tree, base_url, fragment):
    problems = _problems(site_tree, base_url=base_url)
    assert fragment in problems[0]


def test_cli_base_url_refusal_exits_two(site_tree, cli_runner):
    from generator.cli import main

    result = cli_runner.invoke(
        main, ["build", "--project", str(site_tree), "--base-url", "http://10.0.0.1/"]
    )
    assert result.exit_code == 2
    assert "private-network address 10.0.0.1" in result.stderr


@pytest.fixture
def sample_site(site_tree: Path) -> Path:
    """Return the minimal site with its records committed under its example URL."""
    (site_tree / ".gitignore").write_text("/output/\n")
    _git(site_tree, "init", "-q", "-b", "main")
    _commit_all(site_tree, "Sample content")
    return site_tree


def test_fork_replaces_samples_in_one_commit(sample_site):
    for record in (sample_site / "assertions/demo-badge").glob("*.yml"):
        record.unlink()
    _set_base_url(sample_site, PUBLIC_BASE)
    _commit_all(sample_site, "Make the site ours")
    assert _build(sample_site).badges == 1


def test_fork_deletes_samples_then_moves(sample_site):
    (sample_site / ADA).unlink()
    _commit_all(sample_site, "Drop a sample")
    _set_base_url(sample_site, PUBLIC_BASE)
    _commit_all(sample_site, "Make the site ours")
    result = _build(sample_site)
    assert result.expired == 1  # the sample that stayed is now published


def test_sample_kept_through_move_is_published(sample_site):
    _set_base_url(sample_site, PUBLIC_BASE)
    _commit_all(sample_site, "Make the site ours")
    (sample_site / ADA).unlink()
    problems = _problems(sample_site)
    assert len(problems) == 1
    assert "award '2026-ada' was published" in problems[0]


def test_sample_award_expiring_later_is_not_born_expired(sample_site):
    result = _build(sample_site, today="2027-09-01")
    assert result.expired == 2
