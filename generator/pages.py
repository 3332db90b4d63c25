"""Template context for each human page of the site."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from generator import dates, sharing, urls
from generator.config import SiteConfig
from generator.models import Award, AwardStatus, BadgeClass, Profile, award_status

# A valid award whose expiry is this close to the build date is shown as
# "expires soon", so visitors know to ask the holder about a renewal.
EXPIRES_SOON = timedelta(days=30)

STATE_VALID = "valid"
STATE_EXPIRES_SOON = "expires-soon"
STATE_EXPIRED = "expired"
STATE_REVOKED = "revoked"


@dataclass(frozen=True)
class PageSite:
    """Site-wide data that every page template uses."""

    config: SiteConfig
    issuer: Profile
    endorsers: dict[str, Profile]
    badges: dict[str, BadgeClass]
    now: datetime
    awards: tuple[Award, ...] = field(default=())
    issuer_image: str | None = None

    def base_context(
        self,
        path: str,
        title: str,
        description: str | None = None,
        preview: dict[str, Any] | None = None,
        noindex: bool = False,
    ) -> dict[str, Any]:
        """Return the variables shared by all templates.

        `description` and `preview` (an image with url, width, height and alt)
        fill the description and Open Graph tags. Without them, pages use the
        issuer's description and the first badge's PNG artwork.
        """
        if title == self.config.title:
            document_title = title
        else:
            document_title = f"{title} | {self.config.title}"
        return {
            "site_title": self.config.title,
            "language": self.config.language,
            "base_url": self.config.base_url,
            "page_url": self.config.url(path),
            "page_title": title,
            "document_title": document_title,
            "description": description or self.default_description(),
            "preview": preview if preview is not None else self.default_preview(),
            "noindex": noindex,
            "url": self.config.url,
            "issuer": self.issuer,
            "issuer_page": self.config.url(urls.ISSUER_PAGE),
            "issuer_json": self.config.url(urls.ISSUER_JSON),
            "css_url": self.config.url("static/site.css"),
            "issuer_image": self.issuer_image,
            "local_preview": self.config.preview,
        }

    def default_description(self) -> str:
        """Return the description of pages that have none of their own."""
        return self.issuer.description or f"Open Badges issued by {self.issuer.name}."

    def default_preview(self) -> dict[str, Any] | None:
        """Return the preview image of pages without one: the first badge by slug."""
        if not self.badges:
            return None
        badge = self.badges[min(self.badges)]
        return badge_preview(self, badge, f"{badge.name} badge artwork")

    def day(self, value: datetime) -> str:
        """Format an instant as a calendar day in the site's zone, like 14 May 2026."""
        local = dates.local_date(value, self.config.zone)
        return f"{local.day} {local.strftime('%B %Y')}"

    def iso_day(self, value: datetime) -> str:
        """Format an instant as YYYY-MM-DD in the site's zone, for <time datetime>."""
        return dates.local_date(value, self.config.zone).isoformat()


def badge_preview(site: PageSite, badge: BadgeClass, alt: str) -> dict[str, Any]:
    """Return the Open Graph image of a badge: its PNG artwork, size and alt text.

    The PNG exists for SVG artwork too, because the build rasterises it.
    """
    return {
        "url": site.config.url(urls.badge_image(badge.slug, "png")),
        "width": badge.artwork.width,
        "height": badge.artwork.height,
        "alt": alt,
    }


def badge_summary(site: PageSite, badge: BadgeClass) -> dict[str, Any]:
    """Return the fields a template shows for a badge."""
    svg = badge.artwork.svg
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
        "svg": site.config.url(urls.badge_image(badge.slug, "svg")) if svg else None,
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


def award_state(award: Award, now: datetime) -> str:
    """Return the state an award page shows: valid, expires-soon, expired or revoked."""
    status = award_status(award, now)
    if status is AwardStatus.REVOKED:
        return STATE_REVOKED
    if status is AwardStatus.EXPIRED:
        return STATE_EXPIRED
    if award.expires - now <= EXPIRES_SOON:
        return STATE_EXPIRES_SOON
    return STATE_VALID


def listed_holders(site: PageSite, badge: BadgeClass) -> list[dict[str, Any]]:
    """Return the holders shown on a badge page, oldest award first.

    Only awards whose record sets `listed: true` and that are valid at the
    build date appear: expired and revoked awards never do.
    """
    holders = [
        award
        for award in site.awards
        if award.badge_slug == badge.slug
        and award.listed
        and award_status(award, site.now) is AwardStatus.VALID
    ]
    holders.sort(key=lambda award: (award.issued_on, award.award_id))
    return [
        {
            "name": award.name,
            "page": site.config.url(urls.award_page(award.award_id)),
            "issued": site.day(award.issued_on),
            "issued_iso": site.iso_day(award.issued_on),
        }
        for award in holders
    ]


def criteria_context(site: PageSite, badge: BadgeClass) -> dict[str, Any]:
    """Return the template context of a badge's criteria page."""
    context = site.base_context(
        urls.criteria_page(badge.slug),
        f"{badge.name}: criteria",
        description=badge.description,
        preview=badge_preview(site, badge, f"{badge.name} badge artwork"),
    )
    awards = [a for a in site.awards if a.badge_slug == badge.slug]
    context["badge"] = badge_summary(site, badge)
    context["award_count"] = len(awards)
    context["current_count"] = sum(
        1 for a in awards if award_status(a, site.now) is AwardStatus.VALID
    )
    context["holders"] = listed_holders(site, badge)
    return context


def award_context(
    site: PageSite, badge: BadgeClass, award: Award, status: AwardStatus
) -> dict[str, Any]:
    """Return the template context of one award page."""
    path = urls.award_page(award.award_id)
    state = award_state(award, site.now)
    revoked = status is AwardStatus.REVOKED
    context = site.base_context(
        path,
        f"{award.name}: {badge.name}",
        description=_award_description(site, badge, award, state),
        preview=badge_preview(site, badge, f"{badge.name} badge artwork"),
        noindex=revoked,
    )
    context.update(_award_facts(site, badge, award, state))
    context.update(_award_files(site, badge, award, revoked))
    context["share"] = None if revoked else _share_links(site, badge, award)
    context["renews"] = _award_link(site, award.previous_award)
    renewals = [a.award_id for a in site.awards if a.previous_award == award.award_id]
    context["renewed_by"] = _award_link(site, renewals[0] if renewals else None)
    # A revoked award's published Assertion is a stub without a recipient,
    # so its page offers no recipient check either.
    context["recipient"] = (
        None
        if revoked
        else {
            "salt": award.recipient.salt,
            "identity": award.recipient.identity,
        }
    )
    return context


def _award_link(site: PageSite, award_id: str | None) -> dict[str, str] | None:
    if award_id is None:
        return None
    return {"id": award_id, "page": site.config.url(urls.award_page(award_id))}


def _award_description(
    site: PageSite, badge: BadgeClass, award: Award, state: str
) -> str:
    issuer = site.issuer.name
    if state == STATE_REVOKED:
        return f"This award of the {badge.name} by {issuer} has been revoked."
    issued = site.day(award.issued_on)
    text = f"{award.name} earned the {badge.name} from {issuer} on {issued}."
    if state == STATE_EXPIRED:
        return f"{text} It expired on {site.day(award.expires)}."
    return f"{text} Valid until {site.day(award.expires)}."


def _award_facts(
    site: PageSite, badge: BadgeClass, award: Award, state: str
) -> dict[str, Any]:
    criteria_titles = {c.id: c.title for c in badge.criteria}
    days_left = (award.expires - site.now).days
    return {
        "award_id": award.award_id,
        "recipient_name": award.name,
        "badge": badge_summary(site, badge),
        "status": award_status(award, site.now).value,
        "state": state,
        "days_left": max(days_left, 0),
        "issued": site.day(award.issued_on),
        "issued_iso": site.iso_day(award.issued_on),
        "expires": site.day(award.expires),
        "expires_iso": site.iso_day(award.expires),
        "revoked_on": site.day(award.revoked_on) if award.revoked_on else None,
        "revocation_reason": award.revocation_reason,
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
    }


def _award_files(
    site: PageSite, badge: BadgeClass, award: Award, revoked: bool
) -> dict[str, Any]:
    url = site.config.url
    baked_png = url(urls.assertion_image(award.award_id, "png"))
    baked_svg = url(urls.assertion_image(award.award_id, "svg"))
    return {
        "assertion_json": url(urls.assertion_json(award.award_id)),
        # Revoked awards publish no baked images, so their page shows the
        # plain artwork and offers no download.
        "image": url(urls.badge_image(badge.slug, "png")) if revoked else baked_png,
        "baked_png": None if revoked else baked_png,
        "baked_svg": None if revoked or not badge.artwork.svg else baked_svg,
    }


def _share_links(site: PageSite, badge: BadgeClass, award: Award) -> dict[str, str]:
    page_url = site.config.url(urls.award_page(award.award_id))
    item = sharing.certification(
        name=badge.name,
        organization=site.issuer.name,
        issued_on=award.issued_on,
        expires=award.expires,
        url=page_url,
        cert_id=award.award_id,
        zone=site.config.zone,
    )
    return {"linkedin": sharing.linkedin_add_url(item), "page": page_url}
