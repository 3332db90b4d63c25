"""Revoke an award by appending revoked_on and revocation_reason to its record."""

from __future__ import annotations

import logging
from pathlib import Path

from generator import dates
from generator.errors import BuildFailed, Problem, Severity
from generator.issuing import InputProblem, Origin, Outcome
from generator.records import check_record, open_site, render_yaml, replace_text
from generator.yamlfile import read_yaml

logger = logging.getLogger(__name__)

_LABELS = {"award": "AWARD_ID", "revoked_on": "--date", "revocation_reason": "--reason"}


def revoke_award(
    root: Path,
    award_id: str,
    reason: str,
    date: str | None = None,
    today: str | None = None,
) -> Outcome:
    """Append revoked_on and revocation_reason to a record, keeping its other text.

    The record is checked with the build's rules before it is replaced.
    Raises BuildFailed for an unknown or already revoked award, an empty
    reason, or a date that is invalid, in the future or before issued_on.
    """
    site = open_site(root, today)
    origin = Origin(labels=_LABELS)
    relative = site.existing.get(award_id)
    if relative is None:
        raise BuildFailed(
            [
                origin.problem(
                    "award",
                    "names no existing award.",
                    "Use the file name of an award record without .yml.",
                    award_id,
                )
            ]
        )
    badge = site.badges.get(Path(relative).parent.name)
    path = root / relative
    document, problems = read_yaml(path, relative)
    if badge is None or document is None or not isinstance(document.data, dict):
        raise BuildFailed(
            [
                origin.problem(
                    "award",
                    f"is stored in {relative}, which does not load.",
                    "Run badgesite check and fix it first.",
                    award_id,
                )
            ]
        )
    data = document.data
    if "revoked_on" in data:
        raise BuildFailed(
            [
                origin.problem(
                    "award",
                    f"was already revoked on {data['revoked_on']} ({relative}).",
                    "Nothing to do.",
                    award_id,
                )
            ]
        )
    if not reason.strip():
        raise BuildFailed(
            [
                origin.problem(
                    "revocation_reason",
                    "is empty.",
                    "Say briefly why the award is revoked; it is published.",
                    reason,
                )
            ]
        )
    revoked_on = date or dates.local_date(site.now, site.config.zone).isoformat()
    original = path.read_text(encoding="utf-8")
    text = _append_fields(original, revoked_on, reason.strip())
    # The build's own rules check revoked_on against issued_on and today.
    _award, record_problems = check_record(site, badge, award_id, text)
    problems = [
        _readdress(origin, p, revoked_on, reason)
        for p in record_problems
        if p.severity is Severity.ERROR
    ]
    if problems:
        raise BuildFailed(problems)
    replace_text(path, text)
    logger.info("revoked award %s", award_id)
    return Outcome(
        lines=[
            f"Revoked award {award_id}: added revoked_on {revoked_on} and "
            f"revocation_reason to {relative}.",
            f"Next: commit {relative}, then build.",
        ],
        written=[relative],
    )


def _append_fields(original: str, revoked_on: str, reason: str) -> str:
    # Appending rather than re-dumping keeps the organiser's comments and layout.
    text = original if original.endswith("\n") or not original else original + "\n"
    return text + render_yaml({"revoked_on": revoked_on, "revocation_reason": reason})


def _readdress(
    origin: Origin, problem: Problem, revoked_on: str, reason: str
) -> InputProblem:
    top = problem.field.split(".")[0]
    if top == "revoked_on":
        return origin.problem(top, problem.message, problem.fix, revoked_on)
    if top == "revocation_reason":
        return origin.problem(top, problem.message, problem.fix, reason)
    return origin.problem(
        "award", f"cannot be revoked until its record is fixed: {problem.format()}", ""
    )
