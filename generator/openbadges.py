"""Build Open Badges 2.0 JSON for profiles, badge classes, endorsements and assertions.

Key order is fixed by construction and serialisation is fixed by `dump_json`,
so the same input always gives the same bytes.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from generator import urls
from generator.config import SiteConfig
from generator.dates import format_instant
from generator.models import Award, BadgeClass, Endorsement, Evidence, Profile
from generator.schema import load_schema

OB2_CONTEXT = "https://w3id.org/openbadges/v2"

JsonObject = dict[str, Any]


def dump_json(value: JsonObject) -> str:
    """Serialise JSON with fixed separators, UTF-8 text and no trailing spaces."""
    return json.dumps(value, ensure_ascii=False, indent=2, separators=(",", ": "))


def dump_json_bytes(value: JsonObject) -> bytes:
    """Serialise JSON for a file: UTF-8 with a final newline."""
    return (dump_json(value) + "\n").encode("utf-8")


def compact_json(value: JsonObject) -> str:
    """Serialise JSON on one line, for baking into images."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def issuer_profile(
    config: SiteConfig, issuer: Profile, image_path: str | None
) -> JsonObject:
    """Build the issuer Profile, scoped so only this site's assertions verify."""
    profile = _profile(config, issuer, "Issuer", urls.ISSUER_JSON)
    if image_path:
        profile["image"] = config.url(image_path)
    profile["revocationList"] = config.url(urls.REVOCATION_LIST_JSON)
    # Everything else on the same host (other projects on user.github.io)
    # must not be able to host assertions in this issuer's name.
    profile["verification"] = {
        "type": "VerificationObject",
        "startsWith": config.url("assertions/"),
    }
    return profile


def endorser_profile(config: SiteConfig, endorser: Profile) -> JsonObject:
    """Build an endorser's Profile."""
    return _profile(config, endorser, "Profile", urls.endorser_json(endorser.slug))


def _profile(config: SiteConfig, profile: Profile, kind: str, path: str) -> JsonObject:
    result: JsonObject = {
        "@context": OB2_CONTEXT,
        "type": kind,
        "id": config.url(path),
        "name": profile.name,
        "url": profile.url,
        "email": profile.email,
    }
    if profile.description:
        result["description"] = profile.description
    return result


def badge_class(config: SiteConfig, badge: BadgeClass) -> JsonObject:
    """Build a BadgeClass with its criteria page, narrative and endorsements."""
    result: JsonObject = {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": config.url(urls.badge_json(badge.slug)),
        "name": badge.name,
        "description": badge.description,
        "image": config.url(urls.badge_image(badge.slug, "png")),
        "criteria": {
            "id": config.url(urls.criteria_page(badge.slug)),
            "narrative": badge.criteria_markdown,
        },
        "issuer": config.url(urls.ISSUER_JSON),
    }
    if badge.tags:
        result["tags"] = list(badge.tags)
    if badge.endorsements:
        result["endorsement"] = [
            config.url(urls.endorsement_json(badge.slug, item.endorser))
            for item in badge.endorsements
        ]
    return result


def endorsement(config: SiteConfig, badge: BadgeClass, item: Endorsement) -> JsonObject:
    """Build an endorser's Endorsement of a badge class."""
    claim: JsonObject = {"id": config.url(urls.badge_json(badge.slug))}
    if item.comment:
        claim["endorsementComment"] = item.comment
    return {
        "@context": OB2_CONTEXT,
        "type": "Endorsement",
        "id": config.url(urls.endorsement_json(badge.slug, item.endorser)),
        "claim": claim,
        "issuer": config.url(urls.endorser_json(item.endorser)),
        "issuedOn": format_instant(item.issued_on, config.zone),
        "verification": {"type": "hosted"},
    }


def assertion(config: SiteConfig, badge: BadgeClass, award: Award) -> JsonObject:
    """Build the hosted Assertion of one award."""
    result: JsonObject = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": config.url(urls.assertion_json(award.award_id)),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.recipient.salt,
            "identity": award.recipient.identity,
        },
        "badge": config.url(urls.badge_json(badge.slug)),
        "verification": {"type": "hosted"},
        "issuedOn": format_instant(award.issued_on, config.zone),
        "expires": format_instant(award.expires, config.zone),
        "image": config.url(urls.assertion_image(award.award_id, "png")),
    }
    evidence = [_evidence(badge, item) for item in award.evidence]
    if evidence:
        result["evidence"] = evidence
    return result


def revoked_assertion(config: SiteConfig, award: Award) -> JsonObject:
    """Build the stub served at a revoked award's URL, without recipient data.

    GitHub Pages cannot return 410 Gone, so the body carries the revocation.
    """
    result: JsonObject = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": config.url(urls.assertion_json(award.award_id)),
        "revoked": True,
    }
    if award.revocation_reason:
        result["revocationReason"] = award.revocation_reason
    return result


def revocation_list(config: SiteConfig, awards: list[Award]) -> JsonObject:
    """Build the issuer's RevocationList of every revoked award."""
    entries = []
    for award in awards:
        if award.revoked_on is None:
            continue
        entry: JsonObject = {"id": config.url(urls.assertion_json(award.award_id))}
        if award.revocation_reason:
            entry["revocationReason"] = award.revocation_reason
        entries.append(entry)
    return {
        "@context": OB2_CONTEXT,
        "type": "RevocationList",
        "id": config.url(urls.REVOCATION_LIST_JSON),
        "issuer": config.url(urls.ISSUER_JSON),
        "revokedAssertions": entries,
    }


def _evidence(badge: BadgeClass, item: Evidence) -> JsonObject:
    criterion = badge.criterion(item.criterion)
    criterion_title = criterion.title if criterion else item.criterion
    result: JsonObject = {"type": "Evidence"}
    if item.url:
        result["id"] = item.url
    result["name"] = item.title or criterion_title
    result["description"] = f"Evidence for the criterion: {criterion_title}"
    result["genre"] = item.kind
    if item.narrative:
        result["narrative"] = item.narrative
    return result


def check_published(kind: str, value: JsonObject) -> list[str]:
    """Validate generated JSON against the packaged Open Badges 2.0 schema for `kind`.

    Returns one message per violation; an empty list means the object is valid.
    """
    validator = _published_validator(kind)
    messages = []
    for failure in sorted(
        validator.iter_errors(value), key=lambda f: list(f.absolute_path)
    ):
        where = "/".join(str(part) for part in failure.absolute_path) or "(top level)"
        messages.append(f"{value.get('id', kind)}: {where}: {failure.message}")
    return messages


@cache
def _published_validator(kind: str) -> Draft202012Validator:
    schema = load_schema("openbadges-v2")
    return Draft202012Validator({"$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]})
