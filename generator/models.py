"""Frozen value objects for everything a build publishes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


@dataclass(frozen=True)
class Profile:
    """An issuer or endorser organisation."""

    slug: str
    name: str
    url: str
    email: str
    description: str | None
    image: str | None


@dataclass(frozen=True)
class Criterion:
    """One criterion of a badge, referenced by evidence items."""

    id: str
    title: str
    summary: str
    max_words: int | None


@dataclass(frozen=True)
class Endorsement:
    """A claim by an endorser about one badge class."""

    endorser: str
    issued_on: datetime
    comment: str | None


@dataclass(frozen=True)
class Artwork:
    """Badge artwork, cleaned of any earlier baked assertion.

    `png` is always set: the artwork itself, or a rendering of the SVG.
    """

    filename: str
    png: bytes
    svg: bytes | None
    width: int
    height: int


@dataclass(frozen=True)
class BadgeClass:
    """A badge definition from content/badges/<slug>/."""

    slug: str
    name: str
    description: str
    artwork: Artwork
    tags: tuple[str, ...]
    validity_days: int
    decision_days: int | None
    criteria: tuple[Criterion, ...]
    criteria_markdown: str
    endorsements: tuple[Endorsement, ...]

    def criterion(self, criterion_id: str) -> Criterion | None:
        """Return the criterion with this id, or None."""
        for item in self.criteria:
            if item.id == criterion_id:
                return item
        return None


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for one criterion."""

    criterion: str
    kind: str
    title: str | None
    url: str | None
    narrative: str | None


@dataclass(frozen=True)
class Recipient:
    """A hashed recipient email; the plain address never enters a model."""

    identity: str
    salt: str


@dataclass(frozen=True)
class Award:
    """One award record from assertions/<badge>/<award-id>.yml."""

    award_id: str
    badge_slug: str
    source: str
    name: str
    recipient: Recipient
    issued_on: datetime
    expires: datetime
    evidence: tuple[Evidence, ...]
    assessors: tuple[str, ...]
    evidence_received_on: datetime | None
    decision_on: datetime
    revoked_on: datetime | None = None
    revocation_reason: str | None = None
    previous_award: str | None = None
    backfilled: bool = False
    listed: bool = False


class AwardStatus(Enum):
    """Verdict a verifier should reach about an award on the build date."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


def award_status(award: Award, now: datetime) -> AwardStatus:
    """Return whether the award is revoked, expired or valid at `now`."""
    if award.revoked_on is not None:
        return AwardStatus.REVOKED
    return AwardStatus.EXPIRED if award.expires <= now else AwardStatus.VALID
