"""Full builds: output files, determinism, safety of output/, expiry and privacy."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, TODAY

from generator.build import build_site
from generator.errors import BuildFailed

ADA = "assertions/demo-badge/2026-ada.yml"


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _record_emails(root: Path) -> list[str]:
    emails = []
    for path in sorted((root / "assertions").rglob("*.yml")):
        recipient = yaml.safe_load(path.read_text(encoding="utf-8"))["recipient"]
        if "email" in recipient:
            emails.append(recipient["email"])
    return emails


def test_build_writes_expected_files(build_output):
    output, result = build_output
    files = set(_tree_bytes(output))
    for expected in (
        ".nojekyll",
        "index.html",
        "404.html",
        "issuer.json",
        "issuer/index.html",
        "badges/demo-badge.json",
        "badges/demo-badge.png",
        "badges/demo-badge/criteria/index.html",
        "endorsers/demo-endorser.json",
        "endorsements/demo-badge--demo-endorser.json",
        "assertions/2026-ada.json",
        "assertions/2026-ada.png",
        "assertions/2026-ada/index.html",
        "static/site.css",
    ):
        assert expected in files
    assert "assertions/2026-ada.svg" not in files  # PNG artwork: no baked SVG
    assert result.current == 1
    assert result.expired == 1
    assert result.files == len(files)


def test_build_json_ids_are_absolute_urls(build_output):
    output, _ = build_output
    base = "https://demo.example.org/badges/"
    for path in output.rglob("*.json"):
        if path.name == "badgesite.json":
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        relative = path.relative_to(output).as_posix()
        assert document["@context"] == "https://w3id.org/openbadges/v2"
        assert isinstance(document["type"], str)
        assert document["id"] == base + relative


def test_assertion_fields(build_output):
    output, _ = build_output
    document = json.loads((output / "assertions/2026-ada.json").read_text())
    assert document["recipient"] == {
        "type": "email",
        "hashed": True,
        "salt": "k3Yp9dQz",
        # sha256("ada@example.org" + "k3Yp9dQz"), computed independently
        "identity": "sha256$"
        + __import__("hashlib").sha256(b"ada@example.orgk3Yp9dQz").hexdigest(),
    }
    # 2026-05-14 is midnight in Europe/London, written with the site's offset.
    assert document["issuedOn"] == "2026-05-14T00:00:00+01:00"
    assert document["expires"] == "2027-05-14T00:00:00+01:00"
    assert document["verification"] == {"type": "hosted"}
    assert (
        document["image"] == "https://demo.example.org/badges/assertions/2026-ada.png"
    )
    assert document["evidence"][0]["id"] == "https://example.org/notes"
    assert document["evidence"][1]["narrative"].startswith("It went well")


def test_badge_class_links_criteria_and_endorsement(build_output):
    output, _ = build_output
    badge = json.loads((output / "badges/demo-badge.json").read_text())
    criteria_md = (
        REPO / "tests/data/minimal/content/badges/demo-badge/criteria.md"
    ).read_text()
    assert (
        badge["criteria"]["id"]
        == "https://demo.example.org/badges/badges/demo-badge/criteria/"
    )
    assert badge["criteria"]["narrative"] == criteria_md
    assert badge["endorsement"] == [
        "https://demo.example.org/badges/endorsements/demo-badge--demo-endorser.json"
    ]
    endorsement = json.loads(
        (output / "endorsements/demo-badge--demo-endorser.json").read_text()
    )
    assert endorsement["claim"]["id"] == badge["id"]
    assert (
        endorsement["issuer"]
        == "https://demo.example.org/badges/endorsers/demo-endorser.json"
    )
    issuer = json.loads((output / "issuer.json").read_text())
    assert (
        issuer["verification"]["startsWith"]
        == "https://demo.example.org/badges/assertions/"
    )


def test_award_page_links_json_and_shows_state(build_output):
    output, _ = build_output
    page = (output / "assertions/2026-ada/index.html").read_text()
    assert (
        '<link rel="alternate" type="application/ld+json" '
        'href="https://demo.example.org/badges/assertions/2026-ada.json">'
    ) in page
    expired = (output / "assertions/2024-old/index.html").read_text()
    assert "Expired on 1 March 2025" in expired
    assert "Expired on" not in page


def test_build_twice_is_byte_identical(site_tree, tmp_path):
    first = build_site(site_tree, tmp_path / "one", today=TODAY, environ={})
    second = build_site(site_tree, tmp_path / "two", today=TODAY, environ={})
    assert first.files == second.files
    assert _tree_bytes(tmp_path / "one") == _tree_bytes(tmp_path / "two")


def test_shipped_site_builds_identically_in_subprocesses(shipped_tree, tmp_path):
    # Separate processes with different TZ and hash seeds catch hidden state.
    trees = []
    for index, zone in enumerate(("UTC", "America/Los_Angeles")):
        output = tmp_path / f"out{index}"
        env = {**os.environ, "TZ": zone, "PYTHONHASHSEED": str(index + 1)}
        env.pop("SOURCE_DATE_EPOCH", None)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "generator.cli",
                "build",
                "--project",
                str(shipped_tree),
                "--output",
                str(output),
                "--today",
                TODAY,
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        trees.append(_tree_bytes(output))
    assert trees[0] == trees[1]


def test_failed_build_leaves_output_untouched(build_output, site_tree):
    output, _ = build_output
    before = _tree_bytes(output)
    path = site_tree / ADA
    path.write_text(path.read_text().replace("kind: documentation", "kind: essay"))
    with pytest.raises(BuildFailed):
        build_site(site_tree, output, today=TODAY, environ={})
    assert _tree_bytes(output) == before
    leftovers = [p.name for p in site_tree.iterdir() if p.name.startswith(".output.")]
    assert leftovers == []


def test_build_refuses_foreign_output_folder(site_tree):
    foreign = site_tree / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, foreign, today=TODAY, environ={})
    assert "was not written by badgesite" in caught.value.problems[0].message
    assert (foreign / "notes.txt").read_text() == "keep me"
    with pytest.raises(BuildFailed):
        build_site(site_tree, site_tree, today=TODAY, environ={})
    assert (site_tree / "content").is_dir()


def test_no_recipient_email_in_output(shipped_tree, tmp_path):
    output = tmp_path / "out"
    build_site(shipped_tree, output, today=TODAY, environ={})
    emails = _record_emails(shipped_tree)
    assert len(emails) >= 5
    for path, data in _tree_bytes(output).items():
        text = data.decode("utf-8", errors="replace").lower()
        for email in emails:
            assert email.lower() not in text, (path, email)


def test_shipped_site_summary(shipped_tree, tmp_path):
    result = build_site(shipped_tree, tmp_path / "out", today=TODAY, environ={})
    assert result.badges == 1
    assert result.current >= 3
    assert result.expired >= 2
    assert re.match(
        r"^Built 1 badge, \d+ awards \(\d+ current, \d+ expired\), "
        r"\d+ files in [\d.]+ s into ",
        result.summary(),
    )


def test_today_decides_expiry(site_tree, tmp_path):
    before = build_site(site_tree, tmp_path / "a", today="2027-05-12", environ={})
    after = build_site(site_tree, tmp_path / "b", today="2027-05-14", environ={})
    assert (before.current, before.expired) == (1, 1)
    assert (after.current, after.expired) == (0, 2)


def test_source_date_epoch_sets_build_time(site_tree, tmp_path):
    # 2024-06-01T00:00:00Z: the 2026 award does not exist yet, so it is "future".
    with pytest.raises(BuildFailed) as caught:
        build_site(
            site_tree, tmp_path / "a", environ={"SOURCE_DATE_EPOCH": "1717200000"}
        )
    assert [p.field for p in caught.value.problems] == ["issued_on"]


def test_markup_in_names_and_markdown_is_escaped(site_tree, tmp_path):
    path = site_tree / ADA
    text = path.read_text()
    text = text.replace("name: Ada Lovelace", "name: 'Dana \"D\" O''Neil <b>'")
    text = text.replace(
        "narrative: It went well, and I learned a lot about engines.",
        "narrative: '<script>alert(1)</script> [x](javascript:alert(1)) done'",
    )
    path.write_text(text)
    criteria = site_tree / "content/badges/demo-badge/criteria.md"
    criteria.write_text(criteria.read_text() + "\n<img src=x onerror=alert(1)>\n")
    output = tmp_path / "out"
    build_site(site_tree, output, today=TODAY, environ={})
    page = (output / "assertions/2026-ada/index.html").read_text()
    assert "<b>" not in page
    assert "Dana &#34;D&#34; O&#39;Neil &lt;b&gt;" in page
    assert "<script>alert" not in page
    assert 'href="javascript:' not in page
    assert "[x](javascript:alert(1))" in page  # shown as text, not a link
    criteria_page = (output / "badges/demo-badge/criteria/index.html").read_text()
    assert "<img src=x" not in criteria_page
    assert "&lt;img src=x onerror=alert(1)&gt;" in criteria_page
    document = json.loads((output / "assertions/2026-ada.json").read_text())
    assert "name" not in document  # recipient names stay out of the JSON


def test_date_only_uses_site_zone_not_machine_zone(site_tree, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    __import__("time").tzset()
    try:
        build_site(site_tree, tmp_path / "out", today=TODAY, environ={})
    finally:
        monkeypatch.delenv("TZ")
        __import__("time").tzset()
    document = json.loads((tmp_path / "out/assertions/2026-ada.json").read_text())
    assert document["issuedOn"] == "2026-05-14T00:00:00+01:00"


def test_yaml_norway_values_build_as_text(site_tree, tmp_path):
    path = site_tree / ADA
    path.write_text(path.read_text().replace("name: Ada Lovelace", "name: No"))
    site_yml = site_tree / "content/site.yml"
    site_yml.write_text(site_yml.read_text().replace("language: en", "language: no"))
    output = tmp_path / "out"
    build_site(site_tree, output, today=TODAY, environ={})
    page = (output / "assertions/2026-ada/index.html").read_text()
    assert '<html lang="no">' in page
    assert '<h1 id="award-heading">No</h1>' in page


@pytest.mark.parametrize("inside", ["content/sub", "assertions/demo-badge/x", ".git/x"])
def test_build_refuses_output_inside_sources(site_tree, inside):
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / inside, today=TODAY, environ={})
    assert "lies inside the site's sources" in caught.value.problems[0].message
    assert not (site_tree / inside).exists()
