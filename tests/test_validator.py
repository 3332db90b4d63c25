"""Run the 1EdTech validator and the bakery against the shipped site on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from validator_harness import free_port, run_validator, serve_directory, unbake

from generator.build import build_site
from generator.models import AwardStatus

# The fixture below builds a copy of this repository's own content and records.
pytestmark = [pytest.mark.validator, pytest.mark.shipped]

RECENT_AWARD = """\
name: Recent Holder
recipient:
  email: recent.holder@example.org
  salt: 9QwErTy1234567890ab
issued_on: {issued}
decision_on: {issued}
assessors: [Ann Assessor, Ben Assessor, Cat Assessor]
evidence:
  - criterion: industry-engagement
    kind: documentation
    url: https://example.org/evidence
  - criterion: skills-awareness
    kind: reference
    narrative: A reference from a studio.
  - criterion: self-assessment
    kind: self-assessment
    narrative: A short reflection.
"""


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory):
    """Build the shipped site, plus one award issued yesterday, and serve it."""
    from conftest import REPO, copy_site

    root = copy_site(REPO, tmp_path_factory.mktemp("validated") / "site")
    # Real time decides expiry for the validator, so one award is always current.
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    record = root / "assertions" / "he-industry-dialogue" / "recent-holder.yml"
    record.write_text(RECENT_AWARD.format(issued=yesterday), encoding="utf-8")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/industry-badges/"
    served = root / "served"
    output = served / "industry-badges"
    build_site(root, output, base_url=base_url, environ={})
    with serve_directory(served, port=port) as server_url:
        assert base_url.startswith(server_url)
        yield output, base_url


def _expected_status(output: Path, award_id: str) -> AwardStatus:
    document = json.loads((output / "assertions" / f"{award_id}.json").read_text())
    expires = datetime.fromisoformat(document["expires"])
    return AwardStatus.EXPIRED if expires <= datetime.now(UTC) else AwardStatus.VALID


def _award_ids(output: Path) -> list[str]:
    return sorted(p.stem for p in (output / "assertions").glob("*.json"))


def _errors(report: dict) -> list[str]:
    return [m["result"] for m in report["messages"] if m["level"] == "ERROR"]


def test_validator_assertion_urls(served_site):
    output, base_url = served_site
    ids = _award_ids(output)
    urls = [f"{base_url}assertions/{award_id}.json" for award_id in ids]
    reports = run_validator(urls)
    statuses = {award_id: _expected_status(output, award_id) for award_id in ids}
    assert AwardStatus.VALID in statuses.values()
    assert AwardStatus.EXPIRED in statuses.values()
    for award_id, report in zip(ids, reports, strict=True):
        if statuses[award_id] is AwardStatus.VALID:
            assert report["valid"], (award_id, _errors(report))
            assert report["errorCount"] == 0, (award_id, _errors(report))
        else:
            assert not report["valid"], award_id
            assert any("expire" in text.lower() for text in _errors(report)), (
                award_id,
                _errors(report),
            )


def test_validator_baked_images(served_site):
    output, _ = served_site
    ids = _award_ids(output)
    images = [
        str(output / "assertions" / f"{i}.{ext}") for i in ids for ext in ("png", "svg")
    ]
    reports = run_validator(images)
    for image, report in zip(images, reports, strict=True):
        award_id = Path(image).stem
        if _expected_status(output, award_id) is AwardStatus.VALID:
            assert report["valid"], (image, _errors(report))
            assert report["errorCount"] == 0, (image, _errors(report))
        else:
            assert not report["valid"], image


def test_validator_recipient_email(served_site):
    _, base_url = served_site
    url = f"{base_url}assertions/recent-holder.json"
    (right,) = run_validator([url], recipient="recent.holder@example.org")
    (wrong,) = run_validator([url], recipient="someone.else@example.org")
    assert right["valid"], _errors(right)
    assert not wrong["valid"]


def test_bakery_reads_hosted_assertion(served_site):
    output, _ = served_site
    for award_id in _award_ids(output):
        hosted = json.loads((output / "assertions" / f"{award_id}.json").read_text())
        baked_png = json.loads(unbake(output / "assertions" / f"{award_id}.png"))
        assert baked_png == hosted, award_id
        # bakery 2.0.0 returns an SVG's verify attribute, which is the assertion URL.
        assert unbake(output / "assertions" / f"{award_id}.svg") == hosted["id"]
