"""Check the dates of an award request, naming the options or columns they came from.

The build checks the same dates in the record, but its messages can only
name record fields. These checks name the option or roster column the
organiser gave, and say when a date was filled in for them.

NOTE: the order rules here repeat those of awards._check_date_order, so a
change to one must be made to the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from generator import dates
from generator.models import BadgeClass

if TYPE_CHECKING:
    from generator.issuing import AwardRequest, InputProblem
    from generator.records import OrganiserSite

DATE_FIELDS = ("issued_on", "evidence_received_on", "decision_on", "expires")


@dataclass(frozen=True)
class _Date:
    """One date of a request, parsed, with how to name it in a message."""

    key: str
    instant: datetime
    shown: str
    given: bool
    description: str


def check_request_dates(
    site: OrganiserSite,
    request: AwardRequest,
    badge: BadgeClass | None,
    issued_on: str,
) -> tuple[list[InputProblem], set[str]]:
    """Check each date of a request and the order of its dates.

    `issued_on` is the request's issue date, today when the request gives
    none. Returns the problems and the record fields they cover, so that the
    caller can drop the record check's reports about the same fields.
    """
    problems: list[InputProblem] = []
    covered: set[str] = set()
    values: dict[str, _Date] = {}
    for key in DATE_FIELDS:
        text = issued_on if key == "issued_on" else getattr(request, key)
        if text is None or not dates.looks_like_instant(text):
            # The record's schema check reports a value of the wrong shape.
            continue
        try:
            instant = dates.parse_instant(text, site.config.input_zone)
        except dates.DateError as exc:
            problems.append(request.origin.problem(key, exc.message, exc.fix, text))
            covered.add(key)
            continue
        values[key] = _describe(site, request, key, instant)

    for keys, problem in _order_problems(site, request, badge, values):
        problems.append(problem)
        covered.update(keys)
    return problems, covered


def _describe(
    site: OrganiserSite, request: AwardRequest, key: str, instant: datetime
) -> _Date:
    origin = request.origin
    label = origin.labels.get(key, key)
    shown = dates.local_date(instant, site.config.zone).isoformat()
    given = getattr(request, key) is not None and key not in origin.filled
    if given:
        return _Date(key, instant, shown, True, f"{label} ({shown})")
    note = origin.filled.get(key, f"no {label} given")
    if key == "issued_on":
        return _Date(key, instant, shown, False, f"{shown}, issued today ({note})")
    return _Date(key, instant, shown, False, f"{shown} ({note})")


def _order_problems(
    site: OrganiserSite,
    request: AwardRequest,
    badge: BadgeClass | None,
    values: dict[str, _Date],
) -> list[tuple[tuple[str, ...], InputProblem]]:
    origin = request.origin
    found: list[tuple[tuple[str, ...], InputProblem]] = []
    issued = values.get("issued_on")
    decided = values.get("decision_on")
    received = values.get("evidence_received_on")
    expires = values.get("expires")
    today = dates.local_date(site.now, site.config.zone).isoformat()

    def add(keys: tuple[str, ...], key: str, message: str, fix: str) -> None:
        value = getattr(request, key)
        found.append((keys, origin.problem(key, message, fix, value)))

    if issued and issued.given and issued.instant > site.now:
        add(
            ("issued_on",),
            "issued_on",
            f"is in the future ({issued.shown}).",
            f"Use the date the badge was awarded, {today} or earlier.",
        )
    if decided and received and decided.instant < received.instant:
        keys = ("decision_on", "evidence_received_on")
        if decided.given:
            add(
                keys,
                "decision_on",
                f"is before {received.description}.",
                "The panel decides after the evidence arrives: correct one of "
                "the two dates.",
            )
        else:
            add(
                keys,
                "evidence_received_on",
                f"is after the decision date {decided.description}.",
                "The panel decides after the evidence arrives: correct one of "
                "the two dates.",
            )
    if decided and issued and issued.instant < decided.instant:
        keys = ("issued_on", "decision_on")
        if issued.given:
            add(
                keys,
                "issued_on",
                f"is before {decided.description}.",
                "Award the badge on or after the panel's decision: correct one "
                "of the two dates.",
            )
        else:
            add(
                keys,
                "decision_on",
                f"is after the issue date {issued.description}.",
                f"Use the date of the panel's decision, {issued.shown} or "
                "earlier: a badge is awarded only after its decision.",
            )
    if expires and issued and badge is not None:
        found += [
            (("expires", "issued_on"), problem)
            for problem in _expiry_problems(site, request, badge, expires, issued)
        ]
    return found


def _expiry_problems(
    site: OrganiserSite,
    request: AwardRequest,
    badge: BadgeClass,
    expires: _Date,
    issued: _Date,
) -> list[InputProblem]:
    origin = request.origin
    label = origin.labels.get("expires", "expires")
    omit = (
        f"leave out {label}" if origin.row is None else f"leave the {label} cell empty"
    )
    latest = issued.instant + timedelta(days=badge.validity_days)
    latest_shown = dates.local_date(latest, site.config.zone).isoformat()
    if expires.instant < issued.instant:
        return [
            origin.problem(
                "expires",
                f"is before the issue date {issued.description}.",
                f"Use a date after it, or {omit} to expire after the "
                f"badge's {badge.validity_days}-day validity.",
                request.expires,
            )
        ]
    if expires.instant > latest:
        return [
            origin.problem(
                "expires",
                f"is beyond the badge's {badge.validity_days}-day validity from "
                f"the issue date {issued.description}.",
                f"Use {latest_shown} or earlier, or {omit}.",
                request.expires,
            )
        ]
    return []
