"""Tests of the human pages' HTML: states, holders, previews, escaping, privacy."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import TODAY
from page_records import (
    ADA_EMAIL,
    DANA_EMAIL,
    MARKUP_NAME,
    MARKUP_NARRATIVE,
    REVOCATION_REASON,
    SALT,
    add_page_records,
)
from PIL import Image

from generator.awards import hash_email
from generator.build import build_site
from generator.models import Award, Recipient
from generator.pages import award_state

BASE_URL = "http://127.0.0.1:8123/"
NOW = datetime(2026, 12, 4, 23, 59, 59, tzinfo=UTC)
META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')


@pytest.fixture
def pages_output(site_tree: Path) -> Path:
    """Build the minimal site plus one award in every state for BASE_URL."""
    add_page_records(site_tree)
    output = site_tree / "output"
    build_site(site_tree, output, base_url=BASE_URL, today=TODAY, environ={})
    return output


def read_page(output: Path, path: str) -> str:
    """Return the HTML of a page by its URL path."""
    return (output / path / "index.html").read_text(encoding="utf-8")


def meta_tags(page: str) -> dict[str, str]:
    """Return the content of each <meta property|name> tag, unescaped."""
    return {name: html.unescape(content) for name, content in META.findall(page)}


def make_award(expires: datetime, revoked_on: datetime | None = None) -> Award:
    """Return an award issued in 2026 with the given expiry and revocation."""
    return Award(
        award_id="2026-test",
        badge_slug="demo-badge",
        source="assertions/demo-badge/2026-test.yml",
        name="Test Holder",
        recipient=Recipient(hash_email(ADA_EMAIL, SALT), SALT),
        issued_on=datetime(2026, 1, 1, tzinfo=UTC),
        expires=expires,
        evidence=(),
        assessors=("A", "B", "C"),
        evidence_received_on=None,
        decision_on=datetime(2026, 1, 1, tzinfo=UTC),
        revoked_on=revoked_on,
        revocation_reason="Reason." if revoked_on else None,
    )


@pytest.mark.parametrize(
    ("expires", "revoked", "state"),
    [
        (NOW + timedelta(days=31), False, "valid"),
        (NOW + timedelta(days=30), False, "expires-soon"),
        (NOW + timedelta(seconds=1), False, "expires-soon"),
        (NOW, False, "expired"),
        (NOW - timedelta(days=400), False, "expired"),
        (NOW + timedelta(days=200), True, "revoked"),
        (NOW - timedelta(days=1), True, "revoked"),
    ],
)
def test_award_state_boundaries(expires: datetime, revoked: bool, state: str) -> None:
    revoked_on = NOW - timedelta(days=2) if revoked else None
    assert award_state(make_award(expires, revoked_on), NOW) == state


def test_award_page_states_shown(pages_output: Path) -> None:
    expected = {
        "2026-ada": "Valid",
        "2026-dana": "Valid, expires soon",
        "2024-old": "Expired on 1 March 2025.",
        "2026-revoked": "Revoked on 2 November 2026.",
    }
    for award_id, label in expected.items():
        page = read_page(pages_output, f"assertions/{award_id}")
        assert f'<strong class="state-label">{label}</strong>' in page, award_id


def test_holders_list_only_valid_opt_ins(pages_output: Path) -> None:
    page = read_page(pages_output, "badges/demo-badge/criteria")
    holders = re.findall(r'<ul class="holders">(.*?)</ul>', page, re.DOTALL)
    assert len(holders) == 1
    links = re.findall(r'<a href="([^"]+)">', holders[0])
    assert links == [BASE_URL + "assertions/2026-dana/"]
    assert "Expired Listed Holder" not in page
    assert "Revoked Listed Holder" not in page
    assert "Ada Lovelace" not in page


def test_holders_section_absent_without_opt_ins(site_tree: Path) -> None:
    output = site_tree / "output"
    build_site(site_tree, output, base_url=BASE_URL, today=TODAY, environ={})
    page = read_page(output, "badges/demo-badge/criteria")
    assert "Current holders" not in page


def test_markup_name_escaped_in_source(pages_output: Path) -> None:
    page = read_page(pages_output, "assertions/2026-dana")
    escaped_name = "Dana &#34;D&#34; O&#39;Neil &lt;b&gt;"
    assert f"<title>{escaped_name}: Demo Badge | Demo Badges</title>" in page
    assert f'<meta property="og:title" content="{escaped_name}: Demo Badge">' in page
    assert f'<meta name="twitter:title" content="{escaped_name}: Demo Badge">' in page
    assert f'<h1 id="award-heading">{escaped_name}</h1>' in page
    assert "<b>" not in page
    assert "<script>alert" not in page
    assert html.escape(MARKUP_NARRATIVE, quote=False) in page
    tags = meta_tags(page)
    assert tags["og:title"] == f"{MARKUP_NAME}: Demo Badge"
    assert tags["og:description"].startswith(f"{MARKUP_NAME} earned the Demo Badge")
    criteria = read_page(pages_output, "badges/demo-badge/criteria")
    assert f">{escaped_name}</a>" in criteria


def test_revocation_reason_escaped(pages_output: Path) -> None:
    page = read_page(pages_output, "assertions/2026-revoked")
    assert html.escape(REVOCATION_REASON) in page
    assert "<from another holder>" not in page


@pytest.mark.parametrize(
    "path",
    [
        "",
        "badges/demo-badge/criteria/",
        "issuer/",
        "assertions/2026-ada/",
        "assertions/2024-old/",
        "assertions/2026-revoked/",
    ],
)
def test_preview_tags_absolute(pages_output: Path, path: str) -> None:
    tags = meta_tags(read_page(pages_output, path))
    assert tags["og:url"] == BASE_URL + path
    assert tags["og:image"] == BASE_URL + "badges/demo-badge.png"
    assert tags["twitter:card"] == "summary"
    assert tags["twitter:image"] == tags["og:image"]
    assert tags["og:image:alt"] == "Demo Badge badge artwork"
    assert tags["og:title"]
    assert tags["og:description"]
    with Image.open(pages_output / "badges" / "demo-badge.png") as image:
        assert tags["og:image:width"] == str(image.width)
        assert tags["og:image:height"] == str(image.height)


def test_recipient_check_data_attributes(pages_output: Path) -> None:
    page = read_page(pages_output, "assertions/2026-ada")
    identity = hash_email(ADA_EMAIL, SALT)
    assert f'data-salt="{SALT}" data-identity="{identity}"' in page
    assert f'<script src="{BASE_URL}static/award.js" defer></script>' in page
    assert (pages_output / "static" / "award.js").is_file()


def test_revoked_page_offers_nothing_to_share(pages_output: Path) -> None:
    page = read_page(pages_output, "assertions/2026-revoked")
    assert '<meta name="robots" content="noindex">' in page
    assert "linkedin.com" not in page
    assert "data-identity" not in page
    assert "assertions/2026-revoked.png" not in page
    assert f'<img class="award-image" src="{BASE_URL}badges/demo-badge.png"' in page


def test_only_revoked_and_404_are_noindex(pages_output: Path) -> None:
    noindex = '<meta name="robots" content="noindex">'
    assert noindex in (pages_output / "404.html").read_text(encoding="utf-8")
    for path in ("", "issuer", "assertions/2026-ada", "assertions/2024-old"):
        assert noindex not in read_page(pages_output, path), path


def test_no_plain_email_in_output(pages_output: Path) -> None:
    emails = [ADA_EMAIL, DANA_EMAIL, "expired@example.org", "revoked@example.org"]
    for path in pages_output.rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            for email in emails:
                assert email.encode() not in data, f"{email} in {path}"


def test_shipped_award_page_offers_svg(shipped_tree: Path) -> None:
    output = shipped_tree / "output"
    build_site(shipped_tree, output, base_url=BASE_URL, today=TODAY, environ={})
    page = read_page(output, "assertions/2026-maria-okafor")
    assert f'href="{BASE_URL}assertions/2026-maria-okafor.svg" download=' in page
    assert f'href="{BASE_URL}assertions/2026-maria-okafor.png" download=' in page
    tags = meta_tags(page)
    assert tags["og:image"] == BASE_URL + "badges/he-industry-dialogue.png"
    with Image.open(output / "badges" / "he-industry-dialogue.png") as image:
        assert (tags["og:image:width"], tags["og:image:height"]) == (
            str(image.width),
            str(image.height),
        )


def test_pages_build_deterministic(site_tree: Path, tmp_path: Path) -> None:
    add_page_records(site_tree)
    first = tmp_path / "first"
    second = tmp_path / "second"
    build_site(site_tree, first, base_url=BASE_URL, today=TODAY, environ={})
    build_site(site_tree, second, base_url=BASE_URL, today=TODAY, environ={})
    for path in sorted(first.rglob("*.html")):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()


def test_renewal_links_both_pages(site_tree, tmp_path):
    from generator.build import build_site

    record = site_tree / "assertions/demo-badge/2024-old.yml"
    renewal = site_tree / "assertions/demo-badge/2026-old-renewed.yml"
    text = record.read_text().replace("issued_on: 2024-03-01", "issued_on: 2026-03-02")
    text = text.replace("decision_on: 2024-02-20", "decision_on: 2026-03-01")
    renewal.write_text(
        text.replace("backfilled: true\n", "") + "previous_award: 2024-old\n"
    )
    output = tmp_path / "out"
    build_site(site_tree, output, today=TODAY, environ={})
    new_page = (output / "assertions/2026-old-renewed/index.html").read_text()
    old_page = (output / "assertions/2024-old/index.html").read_text()
    assert (
        '<dt>Renews</dt><dd><a href="https://demo.example.org/badges/assertions/2024-old/">'
        in new_page
    )
    assert (
        '<dt>Renewed by</dt><dd><a href="https://demo.example.org/badges/assertions/2026-old-renewed/">'
        in old_page
    )


def test_renewal_of_unknown_award_rejected(site_tree):
    from generator.build import build_site
    from generator.errors import BuildFailed

    record = site_tree / "assertions/demo-badge/2026-ada.yml"
    record.write_text(record.read_text() + "previous_award: 2020-nobody\n")
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    (problem,) = caught.value.problems
    assert problem.field == "previous_award"
    assert "'2020-nobody', which is not another award" in problem.message
