"""Renew an expired award: a new record linked to the old one by previous_award."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator import dates
from generator.awards import hash_email, load_award
from generator.errors import BuildFailed
from generator.issuing import (
    HIDDEN,
    OPTION_LABELS,
    AwardRequest,
    EvidenceInput,
    InputProblem,
    Origin,
    Outcome,
    issued_year,
    prepare_record,
    raise_if_failing,
    today_text,
    written_outcome,
)
from generator.models import Award, AwardStatus, award_status
from generator.records import OrganiserSite, open_site, write_new_records
from generator.yamlfile import read_yaml

_YEAR_PREFIX = re.compile(r"^\d{4}-")


@dataclass(frozen=True)
class RenewOptions:
    """Renewal choices; unset values are copied from the old award or defaulted."""

    award_id: str | None = None
    email: str | None = None
    issued_on: str | None = None
    decision_on: str | None = None
    evidence_received_on: str | None = None
    assessors: tuple[str, ...] = ()
    evidence: tuple[EvidenceInput, ...] = ()
    keep_email: bool = False
    force: bool = False
    input_problems: tuple[InputProblem, ...] = ()


def renew_award(
    root: Path,
    old_id: str,
    options: RenewOptions,
    today: str | None = None,
    strict: bool = False,
) -> Outcome:
    """Write an award that renews `old_id`, linked to it by previous_award.

    Name, evidence, assessors and listing are copied unless given. Without an
    email the stored identity hash and salt are reused. A given email must
    match the old award, and the renewal then gets a fresh salt. Raises BuildFailed
    when the old award is unknown, revoked, already renewed, or not expired
    yet (unless `force`).
    """
    site = open_site(root, today)
    origin = Origin(labels=OPTION_LABELS)
    old, problems = _load_renewable(site, old_id, origin, options.force)
    if old is None:
        raise BuildFailed(problems)
    award, data = old
    request = _renewal_request(site, award, data, options, origin)
    if (
        options.email is not None
        and hash_email(options.email, award.recipient.salt) != award.recipient.identity
    ):
        raise BuildFailed(
            [
                origin.problem(
                    "email",
                    f"is not the address award {old_id} was issued to.",
                    "Check the address, or leave --email "
                    "out to reuse the stored identity.",
                    HIDDEN,
                )
            ]
        )
    record, problems = prepare_record(site, request)
    if options.award_id is None:
        problems = [
            _explain_default_id(site, problem, request, origin) for problem in problems
        ]
    raise_if_failing(problems, strict)
    assert record is not None
    write_new_records(root, [record])
    outcome = written_outcome(site, [record], problems)
    outcome.lines.insert(-1, f"It renews award {old_id}.")
    return outcome


def _explain_default_id(
    site: OrganiserSite, problem: InputProblem, request: AwardRequest, origin: Origin
) -> InputProblem:
    """Reword a clash of the default renewal id, which no --id option gave."""
    new_id = request.award_id
    if problem.field != OPTION_LABELS["id"] or new_id not in site.existing:
        return problem
    return origin.problem(
        "previous_award",
        f"the default id {new_id} (issue year + old id without its year) "
        f"already exists in {site.existing[new_id]}.",
        "Pass --id NEW_ID to choose another id.",
        request.previous_award,
    )


def _load_renewable(
    site: OrganiserSite, old_id: str, origin: Origin, force: bool
) -> tuple[tuple[Award, dict[str, Any]] | None, list[InputProblem]]:
    relative = site.existing.get(old_id)
    if relative is None:
        return None, [
            origin.problem(
                "previous_award",
                "names no existing award.",
                "Use the file name of an award record without .yml.",
                old_id,
            )
        ]
    badge = site.badges.get(Path(relative).parent.name)
    if badge is None:
        return None, [
            origin.problem(
                "previous_award",
                f"is stored in {relative}, which is not in a badge folder.",
                "Run badgesite check.",
                old_id,
            )
        ]
    award, problems = load_award(
        site.config, badge, site.root / relative, relative, site.now
    )
    if award is None:
        return None, [
            origin.problem(
                "previous_award",
                f"has problems in {relative}: "
                + "; ".join(p.format() for p in problems),
                "Fix them first.",
                old_id,
            )
        ]
    reason = _renewal_rejection(site, award, force)
    if reason:
        return None, [origin.problem("previous_award", reason[0], reason[1], old_id)]
    document, _problems = read_yaml(site.root / relative, relative)
    assert document is not None
    return (award, document.data), []


def _renewal_rejection(
    site: OrganiserSite, award: Award, force: bool
) -> tuple[str, str] | None:
    status = award_status(award, site.now)
    if status is AwardStatus.REVOKED:
        return "is revoked, so it cannot be renewed.", "Award a new badge instead."
    if status is AwardStatus.VALID and not force:
        expires = dates.local_date(award.expires, site.config.zone).isoformat()
        return (
            f"has not expired yet (it expires on {expires}).",
            "Renew it after that date, or add --force to renew it early.",
        )
    for other, path in sorted(site.existing.items()):
        document, _problems = read_yaml(site.root / path, path)
        data = document.data if document is not None else None
        if isinstance(data, dict) and data.get("previous_award") == award.award_id:
            return (
                f"is already renewed by award {other} ({path}).",
                "Renew the newer award instead.",
            )
    return None


def _renewal_request(
    site: OrganiserSite,
    award: Award,
    data: dict[str, Any],
    options: RenewOptions,
    origin: Origin,
) -> AwardRequest:
    rest = _YEAR_PREFIX.sub("", award.award_id) or award.award_id
    new_id = options.award_id or f"{issued_year(site, options.issued_on)}-{rest}"
    if options.decision_on is None:
        # The record needs a decision date, and a renewal is decided when issued.
        decision_on = options.issued_on or today_text(site)
        origin = replace(
            origin,
            filled={**origin.filled, "decision_on": "no --decision-on given"},
        )
    else:
        decision_on = options.decision_on
    evidence = options.evidence or tuple(
        EvidenceInput(
            item["criterion"],
            item["kind"],
            item.get("url"),
            item.get("narrative"),
            item.get("title"),
            label=f"evidence copied from {award.source}",
        )
        for item in data["evidence"]
    )
    request = AwardRequest(
        badge=award.badge_slug,
        name=data["name"],
        decision_on=decision_on,
        assessors=options.assessors or tuple(data["assessors"]),
        evidence=evidence,
        award_id=new_id,
        issued_on=options.issued_on,
        evidence_received_on=options.evidence_received_on,
        previous_award=award.award_id,
        listed=bool(data.get("listed")),
        keep_email=options.keep_email,
        origin=origin,
        input_problems=options.input_problems,
    )
    stored_email = data["recipient"].get("email")
    if options.email is not None:
        return replace(request, email=options.email)
    if options.keep_email and stored_email:
        return replace(request, email=stored_email, salt=award.recipient.salt)
    return replace(
        request, identity=award.recipient.identity, salt=award.recipient.salt
    )
