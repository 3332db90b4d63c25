"""Paths of every published object, relative to the site root.

Every path here is part of the public contract: badges already issued embed
these URLs, so changing one breaks them.
"""

from __future__ import annotations

ISSUER_JSON = "issuer.json"
ISSUER_PAGE = "issuer/"
REVOCATION_LIST_JSON = "revocations.json"


def issuer_image(extension: str) -> str:
    """Return the path of the issuer's image."""
    return f"issuer.{extension}"


def endorser_json(slug: str) -> str:
    """Return the path of an endorser's Profile JSON."""
    return f"endorsers/{slug}.json"


def badge_json(slug: str) -> str:
    """Return the path of a BadgeClass JSON."""
    return f"badges/{slug}.json"


def badge_image(slug: str, extension: str) -> str:
    """Return the path of a badge's unbaked artwork."""
    return f"badges/{slug}.{extension}"


def criteria_page(slug: str) -> str:
    """Return the path of a badge's criteria page, a directory URL."""
    return f"badges/{slug}/criteria/"


def endorsement_json(badge_slug: str, endorser_slug: str) -> str:
    """Return the path of an endorser's Endorsement of a badge class."""
    return f"endorsements/{badge_slug}--{endorser_slug}.json"


def assertion_json(award_id: str) -> str:
    """Return the path of a hosted Assertion JSON."""
    return f"assertions/{award_id}.json"


def assertion_image(award_id: str, extension: str) -> str:
    """Return the path of a baked PNG or SVG."""
    return f"assertions/{award_id}.{extension}"


def award_page(award_id: str) -> str:
    """Return the path of a recipient's award page, a directory URL."""
    return f"assertions/{award_id}/"


def file_for(path: str) -> str:
    """Return the file a path is served from: directory URLs map to index.html."""
    return path + "index.html" if path.endswith("/") or path == "" else path
