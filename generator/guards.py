"""Checks that keep published URLs working: missing, born-expired and moved awards."""

from __future__ import annotations

from datetime import datetime

from generator import dates
from generator.config import SiteConfig
from generator.errors import Problem, error
from generator.ledger import Ledger
from generator.models import Award
from generator.origin import BaseUrlKind, BaseUrlRejected, classify_base_url


def check_missing_awards(ledger: Ledger, present: set[str]) -> list[Problem]:
    """Report each published award id whose record file is gone."""
    problems = []
    for award_id in sorted(set(ledger.published) - present):
        path, _when = ledger.published[award_id]
        problems.append(
            error(
                path,
                "",
                f"is missing, but award '{award_id}' was published from it "
                f"(found in {ledger.source}); its URL would start returning 404.",
                "Restore the file under its original name (git checkout "
                f'"$(git rev-list -n 1 HEAD -- {path})^" -- {path}), and revoke the '
                "award if it should no longer count.",
            )
        )
    return problems


# TODO: compare each published record with its first committed version. An edit
# that changes an issued assertion breaks earlier baked images, and only
# deletion, renaming and base URL moves are caught today.


def check_born_expired(
    config: SiteConfig, ledger: Ledger, awards: list[Award], now: datetime
) -> list[Problem]:
    """Reject awards already expired when first committed, unless back-filled."""
    problems = []
    for award in awards:
        if award.backfilled:
            continue
        first_seen = ledger.first_recorded(award.award_id, now)
        if first_seen is not None and award.expires <= first_seen:
            expired = dates.local_date(award.expires, config.zone).isoformat()
            seen = dates.local_date(first_seen, config.zone).isoformat()
            problems.append(
                error(
                    award.source,
                    "issued_on",
                    f"gives an award that expired on {expired}, before it was first "
                    f"recorded on {seen}; this is usually a mistyped date.",
                    "Correct issued_on, or add 'backfilled: true' if this is a "
                    "historical award entered after it expired.",
                )
            )
    return problems


def check_base_url_move(
    config: SiteConfig, ledger: Ledger, accepted: tuple[str, ...], force: bool
) -> list[Problem]:
    """Reject a base URL change once awards have been published under another URL."""
    if config.preview or force:
        return []
    moved = sorted(url for url in ledger.base_urls - {config.base_url} - set(accepted))
    moved = [url for url in moved if not _is_preview_url(url)]
    if not moved:
        return []
    return [
        error(
            "content/site.yml",
            "base_url",
            f"is {config.base_url!r}, but awards were already published under "
            f"{', '.join(repr(u) for u in moved)} (found in {ledger.source}). "
            "Every issued badge embeds its URL, so those badges would stop verifying.",
            "Put the old base_url back, or, if the move is deliberate and the old "
            "address keeps serving, list it under previous_base_urls in "
            "content/site.yml (or build once with --force-base-url).",
        )
    ]


def _is_preview_url(url: str) -> bool:
    try:
        return classify_base_url(url) is BaseUrlKind.PREVIEW
    except BaseUrlRejected:
        return True  # never publishable, so nothing was published there
