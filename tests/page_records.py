"""Extra award records that give the minimal test site one award in every page state.

The states below hold on the tests' build date, 2026-12-04. 2026-ada is
valid and not listed. 2026-dana is listed and valid but expires within 30
days, and has markup characters in its name and narrative.
2025-listed-expired is listed but expired, 2026-revoked is listed but
revoked, and 2024-old is expired.
"""

from __future__ import annotations

from pathlib import Path

BADGE_DIR = "assertions/demo-badge"
# The salt is the minimal site's; Ada's address is in 2026-ada.yml.
SALT = "k3Yp9dQz"
ADA_EMAIL = "ada@example.org"
DANA_EMAIL = "dana@example.org"
MARKUP_NAME = 'Dana "D" O\'Neil <b>'
MARKUP_NARRATIVE = "I wrote <script>alert('x')</script> & <b>bold</b> claims."
REVOCATION_REASON = "The evidence was found to be copied <from another holder>."

_EVIDENCE = """evidence:
  - criterion: practice
    kind: documentation
    url: https://example.org/notes
  - criterion: reflection
    kind: self-assessment
    narrative: {narrative}
"""

RECORDS = {
    "2026-dana": f"""name: '{MARKUP_NAME.replace("'", "''")}'
recipient:
  email: {DANA_EMAIL}
  salt: {SALT}
issued_on: 2026-01-10
expires: 2026-12-20
decision_on: 2026-01-05
assessors: [Grace Hopper, Alan Turing, Katherine Johnson]
listed: true
"""
    + _EVIDENCE.format(narrative="'" + MARKUP_NARRATIVE.replace("'", "''") + "'"),
    "2025-listed-expired": f"""name: Expired Listed Holder
recipient:
  email: expired@example.org
  salt: {SALT}
issued_on: 2025-01-10
decision_on: 2025-01-05
assessors: [Grace Hopper, Alan Turing, Katherine Johnson]
listed: true
"""
    + _EVIDENCE.format(narrative="Expired reflection."),
    "2026-revoked": f"""name: Revoked Listed Holder
recipient:
  email: revoked@example.org
  salt: {SALT}
issued_on: 2026-03-01
decision_on: 2026-02-20
revoked_on: 2026-11-02
revocation_reason: '{REVOCATION_REASON}'
assessors: [Grace Hopper, Alan Turing, Katherine Johnson]
listed: true
"""
    + _EVIDENCE.format(narrative="Revoked reflection."),
}


def add_page_records(site: Path) -> Path:
    """Write the extra award records into a copy of the minimal site and return it."""
    folder = site / BADGE_DIR
    for award_id, text in RECORDS.items():
        (folder / f"{award_id}.yml").write_text(text, encoding="utf-8")
    return site
