"""Load award records from assertions/<badge>/<award-id>.yml into Award models."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from generator import dates
from generator.config import SiteConfig
from generator.content import read_with_schema
from generator.errors import Problem, error, has_errors, warning
from generator.models import Award, BadgeClass, Evidence, Recipient
from generator.yamlfile import FieldPath, YamlDocument, format_field

ASSERTIONS_DIR = "assertions"
AWARD_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def hash_email(email: str, salt: str) -> str:
    """Return the Open Badges identity hash of an email: sha256$hex(email + salt).

    The address is trimmed and lower-cased first, so any capitalisation of
    the same address gives the same hash.
    """
    normalised = email.strip().lower()
    digest = hashlib.sha256((normalised + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def load_awards(
    config: SiteConfig,
    badges: dict[str, BadgeClass],
    now: datetime,
    skipped_badges: frozenset[str] = frozenset(),
) -> tuple[list[Award], list[Problem]]:
    """Load every award record; return the awards sorted by id and all problems.

    Records of `skipped_badges` (badges that failed to load) are not checked.
    """
    folder = config.root / ASSERTIONS_DIR
    awards: list[Award] = []
    problems: list[Problem] = []
    first_source: dict[str, str] = {}
    for badge_dir in _children(folder):
        display_dir = f"{ASSERTIONS_DIR}/{badge_dir.name}"
        if not badge_dir.is_dir():
            problems.append(
                error(
                    display_dir,
                    "",
                    "is not inside a badge folder.",
                    f"Move it to {ASSERTIONS_DIR}/<badge-slug>/.",
                )
            )
            continue
        badge = badges.get(badge_dir.name)
        if badge_dir.name in skipped_badges:
            continue
        if badge is None:
            known = ", ".join(sorted(badges)) or "none"
            problems.append(
                error(
                    display_dir,
                    "",
                    f"names the unknown badge {badge_dir.name!r}.",
                    f"Use a folder named after a badge in content/badges/: {known}.",
                )
            )
            continue
        for path in _children(badge_dir):
            display = f"{display_dir}/{path.name}"
            if path.suffix != ".yml" or not AWARD_ID_PATTERN.match(path.stem):
                problems.append(
                    error(
                        display,
                        "",
                        "is not a valid award file name.",
                        "Name it <award-id>.yml with lower-case letters, digits "
                        "and hyphens, like 2026-maria-okafor.yml.",
                    )
                )
                continue
            if path.stem in first_source:
                problems.append(
                    error(
                        display,
                        "",
                        f"repeats the award id {path.stem!r} of "
                        f"{first_source[path.stem]}.",
                        "Rename one file: award ids are unique across all badges.",
                    )
                )
                continue
            first_source[path.stem] = display
            award, award_problems = load_award(config, badge, path, display, now)
            problems += award_problems
            if award is not None:
                awards.append(award)
    problems += _check_renewal_links(awards, set(first_source))
    return sorted(awards, key=lambda a: a.award_id), problems


def _check_renewal_links(awards: list[Award], known_ids: set[str]) -> list[Problem]:
    problems = []
    for award in awards:
        previous = award.previous_award
        if previous is not None and (
            previous not in known_ids or previous == award.award_id
        ):
            problems.append(
                error(
                    award.source,
                    "previous_award",
                    f"names {previous!r}, which is not another award of this site.",
                    "Give the id (the file name without .yml) of the renewed award.",
                )
            )
    return problems


def _children(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def load_award(
    config: SiteConfig, badge: BadgeClass, path: Path, display: str, now: datetime
) -> tuple[Award | None, list[Problem]]:
    """Load and check one award record."""
    document, problems = read_with_schema(config.root, display, "award")
    if document is None:
        return None, problems
    data = document.data
    # Fields that failed the schema are left out of the checks below, which
    # still run on the rest so that one build lists every problem.
    failed = {problem.field for problem in problems}
    instants, date_problems = _read_dates(config, document, badge, now, failed)
    problems += date_problems
    evidence, evidence_problems = _read_evidence(document, badge, failed)
    problems += evidence_problems
    if has_errors(problems):
        return None, problems

    recipient_data = data["recipient"]
    if "email" in recipient_data:
        identity = hash_email(recipient_data["email"], recipient_data["salt"])
    else:
        identity = recipient_data["identity"].lower()
    issued = instants["issued_on"]
    award = Award(
        award_id=path.stem,
        badge_slug=badge.slug,
        source=display,
        name=data["name"],
        recipient=Recipient(identity, recipient_data["salt"]),
        issued_on=issued,
        expires=instants.get("expires") or issued + timedelta(days=badge.validity_days),
        evidence=evidence,
        assessors=tuple(data["assessors"]),
        evidence_received_on=instants.get("evidence_received_on"),
        decision_on=instants["decision_on"],
        revoked_on=instants.get("revoked_on"),
        revocation_reason=data.get("revocation_reason"),
        previous_award=data.get("previous_award"),
        backfilled=data.get("backfilled", False),
        listed=data.get("listed", False),
    )
    return award, problems


def _read_dates(
    config: SiteConfig,
    document: YamlDocument,
    badge: BadgeClass,
    now: datetime,
    failed: set[str],
) -> tuple[dict[str, datetime], list[Problem]]:
    values: dict[str, datetime] = {}
    problems: list[Problem] = []
    for field in (
        "issued_on",
        "expires",
        "evidence_received_on",
        "decision_on",
        "revoked_on",
    ):
        if field not in document.data or field in failed:
            continue
        try:
            values[field] = dates.parse_instant(document.data[field], config.input_zone)
        except dates.DateError as exc:
            problems.append(_problem(document, field, exc.message, exc.fix))
    problems += _check_date_order(config, document, badge, values, now)
    return values, problems


def _check_date_order(
    config: SiteConfig,
    document: YamlDocument,
    badge: BadgeClass,
    values: dict[str, datetime],
    now: datetime,
) -> list[Problem]:
    problems = []
    issued = values.get("issued_on")
    decided = values.get("decision_on")
    received = values.get("evidence_received_on")
    expires = values.get("expires")

    def shown(value: datetime) -> str:
        return dates.local_date(value, config.zone).isoformat()

    if issued and issued > now:
        problems.append(
            _problem(
                document,
                "issued_on",
                f"is in the future ({shown(issued)}).",
                "Use the date the badge was awarded, today or earlier.",
            )
        )
    if issued and expires:
        latest = issued + timedelta(days=badge.validity_days)
        if expires < issued:
            problems.append(
                _problem(
                    document,
                    "expires",
                    f"is before issued_on ({shown(expires)}).",
                    "Use a date after issued_on, or remove the field.",
                )
            )
        elif expires > latest:
            problems.append(
                _problem(
                    document,
                    "expires",
                    f"is beyond the badge's {badge.validity_days}-day validity "
                    f"({shown(expires)}).",
                    f"Use {shown(latest)} or earlier, or remove the field.",
                )
            )
    revoked = values.get("revoked_on")
    if revoked and issued and revoked < issued:
        problems.append(
            _problem(
                document,
                "revoked_on",
                "is before issued_on.",
                "Use the date the award was withdrawn, on or after issued_on.",
            )
        )
    if revoked and revoked > now:
        problems.append(
            _problem(
                document,
                "revoked_on",
                f"is in the future ({shown(revoked)}).",
                "Revoke with today's date or an earlier one.",
            )
        )
    if decided and received and decided < received:
        problems.append(
            _problem(
                document,
                "decision_on",
                "is before evidence_received_on.",
                "The panel decides after the evidence arrives; check both dates.",
            )
        )
    if decided and issued and issued < decided:
        problems.append(
            _problem(
                document,
                "issued_on",
                "is before decision_on.",
                "Award the badge on or after the panel's decision.",
            )
        )
    explained = "decision_delay_reason" in document.data
    if decided and received and badge.decision_days and not explained:
        if decided - received > timedelta(days=badge.decision_days):
            days = (decided - received).days
            problems.append(
                _problem(
                    document,
                    "decision_on",
                    f"is {days} days after the evidence was received, over the badge's "
                    f"{badge.decision_days}-day limit.",
                    "Check the dates, or give the reason in decision_delay_reason.",
                    level=warning,
                )
            )
    return problems


def _read_evidence(
    document: YamlDocument, badge: BadgeClass, failed: set[str]
) -> tuple[tuple[Evidence, ...], list[Problem]]:
    items: list[Evidence] = []
    problems: list[Problem] = []
    covered = set()
    skipped = False
    listed = document.data.get("evidence")
    if not isinstance(listed, list) or "evidence" in failed:
        return tuple(items), problems
    for index, item in enumerate(listed):
        location = ("evidence", index)
        prefix = format_field(location)
        item_failed = {
            field
            for field in failed
            if field == prefix or field.startswith(prefix + ".")
        }
        if item_failed:
            skipped = True
        if not isinstance(item, dict) or prefix in item_failed:
            continue
        # Each check below runs only if the fields it reads passed the schema.
        if f"{prefix}.criterion" in item_failed or "criterion" not in item:
            continue
        criterion = badge.criterion(item["criterion"])
        if criterion is None:
            known = ", ".join(c.id for c in badge.criteria)
            problems.append(
                _problem(
                    document,
                    (*location, "criterion"),
                    f"names the unknown criterion {item['criterion']!r}.",
                    f"Use one of: {known}.",
                )
            )
            continue
        covered.add(criterion.id)
        narrative = item.get("narrative")
        if f"{prefix}.narrative" in item_failed:
            narrative = None
        if narrative and criterion.max_words:
            words = len(narrative.split())
            if words > criterion.max_words:
                problems.append(
                    _problem(
                        document,
                        (*location, "narrative"),
                        f"has {words} words, over the limit of "
                        f"{criterion.max_words} for criterion {criterion.id!r}.",
                        f"Shorten it to {criterion.max_words} words or fewer.",
                    )
                )
        if not item_failed:
            items.append(
                Evidence(
                    criterion.id,
                    item["kind"],
                    item.get("title"),
                    item.get("url"),
                    narrative,
                )
            )
    for criterion in badge.criteria:
        if criterion.id not in covered and not problems and not skipped:
            problems.append(
                _problem(
                    document,
                    "evidence",
                    f"has no item for criterion {criterion.id!r}.",
                    "Add the evidence the panel accepted for it.",
                    level=warning,
                )
            )
    return tuple(items), problems


def _problem(
    document: YamlDocument,
    location: str | FieldPath,
    message: str,
    fix: str,
    level: Callable[..., Problem] = error,
) -> Problem:
    if isinstance(location, str):
        location = (location,)
    return level(
        document.path, format_field(location), message, fix, document.line_of(location)
    )
