"""Tests of the sharing links: LinkedIn's add-certification URL."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest

from generator.sharing import Certification, certification, linkedin_add_url

LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")
PAGE = "https://demo.example.org/badges/assertions/2026-ada/"


def make_certification(**changes: object) -> Certification:
    """Return a certification for Ada's award, with some fields changed."""
    fields: dict[str, object] = {
        "name": "Demo Badge",
        "organization": "Demo Issuer",
        "issue_year": 2026,
        "issue_month": 5,
        "expiration_year": 2027,
        "expiration_month": 5,
        "url": PAGE,
        "cert_id": "2026-ada",
    }
    fields.update(changes)
    return Certification(**fields)  # type: ignore[arg-type]


def test_linkedin_url_exact_text() -> None:
    url = linkedin_add_url(make_certification())
    assert url == (
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"
        "&name=Demo%20Badge&organizationName=Demo%20Issuer&issueYear=2026"
        "&issueMonth=5&expirationYear=2027&expirationMonth=5"
        "&certUrl=https%3A%2F%2Fdemo.example.org%2Fbadges%2Fassertions%2F2026-ada%2F"
        "&certId=2026-ada"
    )


def test_linkedin_url_parameter_order() -> None:
    query = urlsplit(linkedin_add_url(make_certification())).query
    names = [name for name, _value in parse_qsl(query)]
    assert names == [
        "startTask",
        "name",
        "organizationName",
        "issueYear",
        "issueMonth",
        "expirationYear",
        "expirationMonth",
        "certUrl",
        "certId",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "R&D = Research + Development",
        "Café crème 100%",
        'Dana "D" O\'Neil <b>',
        "a/b?c#d",
    ],
)
def test_linkedin_url_encodes_special_characters(name: str) -> None:
    url = linkedin_add_url(make_certification(name=name, organization=name))
    query = urlsplit(url).query
    assert dict(parse_qsl(query, strict_parsing=True))["name"] == name
    assert dict(parse_qsl(query))["organizationName"] == name
    pairs = query.split("&")
    assert len(pairs) == 9
    assert all(pair.count("=") == 1 for pair in pairs)
    for character in " +#?\"'<>":
        assert character not in query


def test_linkedin_url_without_expiry() -> None:
    url = linkedin_add_url(
        make_certification(expiration_year=None, expiration_month=None)
    )
    assert "expirationYear" not in url
    assert "expirationMonth" not in url


def test_certification_months_are_one_based() -> None:
    item = certification(
        "Demo Badge",
        "Demo Issuer",
        issued_on=datetime(2026, 1, 15, 12, tzinfo=UTC),
        expires=datetime(2026, 12, 15, 12, tzinfo=UTC),
        url=PAGE,
        cert_id="2026-ada",
        zone=LONDON,
    )
    assert (item.issue_year, item.issue_month) == (2026, 1)
    assert (item.expiration_year, item.expiration_month) == (2026, 12)


def test_certification_uses_site_time_zone() -> None:
    # Tokyo (UTC+9) moves 23:30 UTC on 31 December into the next year, and
    # London summer time (UTC+1) moves 23:30 UTC on 31 May into June.
    new_year = certification(
        "Demo Badge",
        "Demo Issuer",
        issued_on=datetime(2025, 12, 31, 23, 30, tzinfo=UTC),
        expires=datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
        url=PAGE,
        cert_id="x",
        zone=TOKYO,
    )
    assert (new_year.issue_year, new_year.issue_month) == (2026, 1)
    assert (new_year.expiration_year, new_year.expiration_month) == (2027, 1)
    summer = certification(
        "Demo Badge",
        "Demo Issuer",
        issued_on=datetime(2026, 5, 31, 23, 30, tzinfo=UTC),
        expires=None,
        url=PAGE,
        cert_id="x",
        zone=LONDON,
    )
    assert (summer.issue_year, summer.issue_month) == (2026, 6)
    assert summer.expiration_year is None
    assert summer.expiration_month is None
