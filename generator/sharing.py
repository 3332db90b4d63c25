"""Links that let a recipient share an award, like LinkedIn's add-certification form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from urllib.parse import quote, urlencode

from generator import dates

LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add"


@dataclass(frozen=True)
class Certification:
    """The fields of LinkedIn's "Licenses & certifications" form for one award.

    Months are 1-based (January is 1) and already in the site's time zone.
    """

    name: str
    organization: str
    issue_year: int
    issue_month: int
    expiration_year: int | None
    expiration_month: int | None
    url: str
    cert_id: str


def certification(
    name: str,
    organization: str,
    issued_on: datetime,
    expires: datetime | None,
    url: str,
    cert_id: str,
    zone: tzinfo,
) -> Certification:
    """Build a Certification, taking the issue and expiry months in `zone`.

    An award issued at 23:30 UTC on 31 May counts as June in a zone one hour
    ahead, which is the month the award page shows.
    """
    issued = dates.local_date(issued_on, zone)
    expiry = dates.local_date(expires, zone) if expires is not None else None
    return Certification(
        name=name,
        organization=organization,
        issue_year=issued.year,
        issue_month=issued.month,
        expiration_year=expiry.year if expiry else None,
        expiration_month=expiry.month if expiry else None,
        url=url,
        cert_id=cert_id,
    )


def linkedin_add_url(item: Certification) -> str:
    """Return the LinkedIn URL that opens the add-certification form, pre-filled.

    Every value is percent-encoded (spaces as %20, '&' as %26), so names with
    punctuation or non-ASCII letters reach the form unchanged.
    """
    parameters: list[tuple[str, str]] = [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", item.name),
        ("organizationName", item.organization),
        ("issueYear", str(item.issue_year)),
        ("issueMonth", str(item.issue_month)),
    ]
    if item.expiration_year is not None and item.expiration_month is not None:
        parameters += [
            ("expirationYear", str(item.expiration_year)),
            ("expirationMonth", str(item.expiration_month)),
        ]
    parameters += [("certUrl", item.url), ("certId", item.cert_id)]
    return f"{LINKEDIN_ADD_URL}?{urlencode(parameters, quote_via=quote, safe='')}"
