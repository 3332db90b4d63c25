"""Template context for each human page of the site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from generator import dates, urls
from generator.config import SiteConfig
from generator.models import Award, AwardStatus, BadgeClass, Profile


@dataclass(frozen=True)
class PageSite:
    """What every page needs to know about the site."""

    config: SiteConfig
    issuer: Profile
    endorsers: dict[str, Profile]
    badges: dict[str, BadgeClass]
    now: datetime
    issuer_image: str | None = None

    def base_context(self, path: str, title: str) -> dict[str, Any]:
        """Return the variables shared by all templates."""
        return {
            "site_title": self.config.title,
            "language": self.config.language,
            "base_url": self.config.base_url,
            "page_url": self.config.url(path),
            "page_title": title,
            "url": self.config.url,
            "issuer": self.issuer,
            "issuer_page": self.config.url(urls.ISSUER_PAGE),
            "issuer_json": self.config.url(urls.ISSUER_JSON),
            "css_url": self.config.url("static/site.css"),
            "issuer_image": self.issuer_image,
            "preview": self.config.preview,
            "noindex": False,
        }

    def day(self, value: datetime) -> str:
        """Format an instant as a calendar day in the site's zone, like 14 May 2026."""
        local = dates.local_date(value, self.config.zone)
        return f"{local.day} {local.strftime('%B %Y')}"


def badge_summary(site: PageSite, badge: BadgeClass) -> dict[str, Any]:
    """Return the fields a template shows for a badge."""
    return {
        "slug": badge.slug,
        "name": badge.name,
        "description": badge.description,
        "tags": badge.tags,
        "validity_days": badge.validity_days,
        "decision_days": badge.decision_days,
        "criteria": badge.criteria,
        "criteria_markdown": badge.criteria_markdown,
        "page": site.config.url(urls.criteria_page(badge.slug)),
        "json": site.config.url(urls.badge_json(badge.slug)),
        "image": site.config.url(urls.badge_image(badge.slug, "png")),
        "svg": site.config.url(urls.badge_image(badge.slug, "svg"))
        if badge.artwork.svg
        else None,
        "width": badge.artwork.width,
        "height": badge.artwork.height,
        "endorsements": [
            {
                "endorser": site.endorsers[item.endorser],
                "comment": item.comment,
                "json": site.config.url(
                    urls.endorsement_json(badge.slug, item.endorser)
                ),
                "endorser_json": site.config.url(urls.endorser_json(item.endorser)),
                "date": site.day(item.issued_on),
            }
            for item in badge.endorsements
        ],
    }


def award_context(
    site: PageSite, badge: BadgeClass, award: Award, status: AwardStatus
) -> dict[str, Any]:
    """Return the template context of one award page."""
    path = urls.award_page(award.award_id)
    title = f"{award.name}: {badge.name}"
    context = site.base_context(path, title)
    criteria_titles = {c.id: c.title for c in badge.criteria}
    context.update(
        {
            "award_id": award.award_id,
            "recipient_name": award.name,
            "badge": badge_summary(site, badge),
            "status": status.value,
            "issued": site.day(award.issued_on),
            "expires": site.day(award.expires),
            "assertion_json": site.config.url(urls.assertion_json(award.award_id)),
            "baked_png": site.config.url(urls.assertion_image(award.award_id, "png")),
            "baked_svg": (
                site.config.url(urls.assertion_image(award.award_id, "svg"))
                if badge.artwork.svg
                else None
            ),
            "evidence": [
                {
                    "criterion": criteria_titles.get(item.criterion, item.criterion),
                    "kind": item.kind.replace("-", " "),
                    "title": item.title,
                    "url": item.url,
                    "narrative": item.narrative,
                }
                for item in award.evidence
            ],
            "assessor_count": len(award.assessors),
            "decision": site.day(award.decision_on),
            "revoked_on": site.day(award.revoked_on) if award.revoked_on else None,
            "revocation_reason": award.revocation_reason,
            "noindex": status is AwardStatus.REVOKED,
        }
    )
    return context
