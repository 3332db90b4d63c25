"""Turn an organiser's award request into a checked award record and write it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import dates
from generator.awards import hash_email
from generator.errors import BuildFailed, Problem, Severity
from generator.models import award_status
from generator.records import (
    NewRecord,
    OrganiserSite,
    check_record,
    id_problem,
    new_salt,
    open_site,
    render_yaml,
    slugify,
    write_new_records,
)
from generator.requestdates import check_request_dates
from generator.schema import is_email, load_schema

DEFAULT_KIND = "documentation"
HIDDEN = object()
_SHOWN_CHARACTERS = 60
_YEAR_PREFIX = re.compile(r"^(\d{4})-")
_PLACEHOLDER_ID = "new-award"
_PLACEHOLDER_RECIPIENT = {"identity": "sha256$" + "0" * 64, "salt": "placeholder"}


@dataclass(frozen=True, eq=True)
class InputProblem(Problem):
    """A problem with one command-line option, or one cell of a CSV roster.

    `line` is the roster row (the header is row 1) and `field` the option or
    column. `value` is the text given; recipient emails are never kept here.
    """

    # NOTE: the ordering dataclass generates for Problem compares only objects
    # of one class, so a BuildFailed must not mix InputProblem with Problem.

    value: str | None = None

    def format(self) -> str:
        """Return the problem as one line: where, the value, what is wrong, the fix."""
        if self.line is None:
            where = self.field or self.path
        elif self.field:
            where = f"{self.path} row {self.line}, column '{self.field}'"
        else:
            where = f"{self.path} row {self.line}"
        if self.value is not None:
            where += f", value {_shorten(self.value)!r}"
        label = "warning: " if self.severity is Severity.WARNING else ""
        return f"{where}: {label}{self.message} {self.fix}".rstrip()


def _shorten(text: str) -> str:
    if len(text) <= _SHOWN_CHARACTERS:
        return text
    return text[: _SHOWN_CHARACTERS - 1] + "…"


@dataclass(frozen=True)
class EvidenceInput:
    """One evidence item as the organiser gave it, with where it came from."""

    criterion: str
    kind: str
    url: str | None = None
    narrative: str | None = None
    title: str | None = None
    label: str = "--evidence"
    value: str | None = None


@dataclass(frozen=True)
class Origin:
    """Source of a request's values: command-line options, or one CSV roster row.

    `labels` maps record fields to the option or column that gives them.
    `filled` maps each record field the command filled in itself to the reason,
    like "no issued_on column", which messages about that value show.
    """

    path: str = ""
    row: int | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    filled: Mapping[str, str] = field(default_factory=dict)

    def problem(
        self,
        key: str,
        message: str,
        fix: str,
        value: Any = None,
        severity: Severity = Severity.ERROR,
    ) -> InputProblem:
        """Build a problem about the input that fills record field `key`."""
        label = self.labels.get(key, key) or "record"
        shown = None if value is None or value is HIDDEN else str(value)
        if value is HIDDEN:
            message = f"{message} (The address is not shown.)"
        return InputProblem(self.path, self.row, label, message, fix, severity, shown)


OPTION_LABELS = {
    "badge": "--badge", "name": "--name", "email": "--email", "id": "--id",
    "issued_on": "--issued-on", "decision_on": "--decision-on",
    "evidence_received_on": "--evidence-received-on", "expires": "--expires",
    "assessors": "--assessor", "evidence": "--evidence", "listed": "--listed",
    "previous_award": "AWARD_ID", "recipient": "--email",
}  # fmt: skip


@dataclass(frozen=True)
class AwardRequest:
    """Everything needed to write one award record.

    A request has either `email`, hashed with `salt` or else a fresh salt, or
    a stored `identity` hash with its `salt`, which a renewal reuses.
    """

    badge: str
    name: str
    decision_on: str | None
    assessors: tuple[str, ...]
    evidence: tuple[EvidenceInput, ...]
    email: str | None = None
    identity: str | None = None
    salt: str | None = None
    award_id: str | None = None
    issued_on: str | None = None
    evidence_received_on: str | None = None
    expires: str | None = None
    previous_award: str | None = None
    listed: bool = False
    keep_email: bool = False
    origin: Origin = field(default_factory=lambda: Origin(labels=OPTION_LABELS))
    input_problems: tuple[InputProblem, ...] = ()


@dataclass
class Outcome:
    """Files a command wrote, the lines it prints and the warnings it found."""

    lines: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


def evidence_kinds() -> list[str]:
    """Return the evidence kinds the award schema allows."""
    items = load_schema("award")["properties"]["evidence"]["items"]
    return list(items["properties"]["kind"]["enum"])


def parse_evidence(
    text: str, field_name: str, label: str, origin: Origin
) -> tuple[EvidenceInput | None, list[InputProblem]]:
    """Parse 'CRITERION[:KIND]=VALUE' into an evidence item with a URL or narrative."""
    head, separator, value = text.partition("=")
    if not separator or not head.strip() or not value.strip():
        fix = (
            "Write it as CRITERION=VALUE or CRITERION:KIND=VALUE, like "
            f"practice={_example(field_name)}."
        )
        return None, [
            _item_problem(origin, label, "has no criterion or no value.", fix, text)
        ]
    criterion, _colon, kind = head.strip().partition(":")
    return _evidence_item(
        criterion, kind or DEFAULT_KIND, field_name, value.strip(), label, text, origin
    )


def parse_evidence_options(
    urls: tuple[str, ...], narratives: tuple[str, ...]
) -> tuple[tuple[EvidenceInput, ...], tuple[InputProblem, ...]]:
    """Parse --evidence and --narrative values into items and problems with bad ones."""
    origin = Origin(labels=OPTION_LABELS)
    items: list[EvidenceInput] = []
    problems: list[InputProblem] = []
    for field_name, label, values in (
        ("url", "--evidence", urls),
        ("narrative", "--narrative", narratives),
    ):
        for text in values:
            item, item_problems = parse_evidence(text, field_name, label, origin)
            problems += item_problems
            if item is not None:
                items.append(item)
    return tuple(items), tuple(problems)


def evidence_from_column(
    column: str, cell: str, origin: Origin
) -> tuple[list[EvidenceInput], list[InputProblem]]:
    """Parse a roster cell under a 'url:CRITERION[:KIND]' or 'narrative:…' column."""
    field_name, _colon, rest = column.partition(":")
    criterion, _colon, kind = rest.partition(":")
    values = cell.split() if field_name == "url" else [cell.strip()]
    items, problems = [], []
    for value in values:
        item, item_problems = _evidence_item(
            criterion, kind or DEFAULT_KIND, field_name, value, column, cell, origin
        )
        problems += item_problems
        if item is not None:
            items.append(item)
    return items, problems


def _evidence_item(
    criterion: str,
    kind: str,
    field_name: str,
    value: str,
    label: str,
    shown: str,
    origin: Origin,
) -> tuple[EvidenceInput | None, list[InputProblem]]:
    kinds = evidence_kinds()
    if kind not in kinds:
        fix = f"Use one of: {', '.join(kinds)}."
        return None, [
            _item_problem(
                origin, label, f"names the unknown evidence kind {kind!r}.", fix, shown
            )
        ]
    if field_name == "url":
        item = EvidenceInput(criterion, kind, url=value, label=label, value=shown)
    else:
        item = EvidenceInput(criterion, kind, narrative=value, label=label, value=shown)
    return item, []


def _example(field_name: str) -> str:
    return (
        "https://example.org/evidence" if field_name == "url" else "'What I learned…'"
    )


def _item_problem(
    origin: Origin, label: str, message: str, fix: str, value: str
) -> InputProblem:
    return InputProblem(
        origin.path, origin.row, label, message, fix, Severity.ERROR, value
    )


def prepare_record(
    site: OrganiserSite, request: AwardRequest, taken: Mapping[str, str] | None = None
) -> tuple[NewRecord | None, list[InputProblem]]:
    """Build and check the record of one request; return it or the problems found.

    `taken` lists award ids that are already in use, by default the site's
    existing records.
    """
    origin = request.origin
    taken = site.existing if taken is None else taken
    badge = site.badges.get(request.badge)
    problems = list(request.input_problems)
    if badge is None:
        known = ", ".join(sorted(site.badges)) or "none"
        problems.append(
            origin.problem(
                "badge",
                "names an unknown badge.",
                f"Use a folder name from content/badges/: {known}.",
                request.badge,
            )
        )
    recipient, recipient_problems = _recipient(request)
    problems += recipient_problems
    issued_on = request.issued_on or today_text(site)
    date_problems, date_fields = check_request_dates(site, request, badge, issued_on)
    problems += date_problems
    award_id, id_problems = _award_id(site, request, taken)
    problems += id_problems
    if badge is None:
        return None, problems

    # The record is checked even when its id or email is unusable, so that
    # every problem shows at once; such a record is never returned.
    text = render_yaml(
        _record_data(request, recipient or _PLACEHOLDER_RECIPIENT, issued_on)
    )
    award, record_problems = check_record(
        site, badge, award_id or _PLACEHOLDER_ID, text
    )
    problems += [
        _translate(request, problem)
        for problem in record_problems
        if not _reported_already(problem, date_fields)
    ]
    if (
        award is None
        or award_id is None
        or recipient is None
        or any(p.severity is Severity.ERROR for p in problems)
    ):
        return None, problems
    relative = f"assertions/{badge.slug}/{award_id}.yml"
    return NewRecord(award_id, badge, relative, text, award), problems


def today_text(site: OrganiserSite) -> str:
    return dates.local_date(site.now, site.config.zone).isoformat()


def _reported_already(problem: Problem, date_fields: set[str]) -> bool:
    """Return whether the request's date check already reported this field."""
    top = problem.field.split(".")[0].split("[")[0]
    return problem.severity is Severity.ERROR and top in date_fields


def _recipient(
    request: AwardRequest,
) -> tuple[dict[str, str] | None, list[InputProblem]]:
    origin = request.origin
    if request.email is not None:
        email = request.email.strip()
        if not email or not is_email(email):
            return None, [
                origin.problem(
                    "email",
                    "is not a valid email address.",
                    "Give an address like name@example.org.",
                    HIDDEN,
                )
            ]
        salt = request.salt or new_salt()
        if request.keep_email:
            return {"email": email, "salt": salt}, []
        return {"identity": hash_email(email, salt), "salt": salt}, []
    if request.identity and request.salt:
        return {"identity": request.identity, "salt": request.salt}, []
    return None, [
        origin.problem("email", "is missing.", "Give the recipient's email address.")
    ]


def _award_id(
    site: OrganiserSite, request: AwardRequest, taken: Mapping[str, str]
) -> tuple[str | None, list[InputProblem]]:
    origin = request.origin
    award_id = choose_award_id(site, request)
    if award_id is None:
        return None, [
            origin.problem(
                "id",
                "cannot be made from the recipient's name.",
                "Give an id like 2026-maria-okafor.",
                request.name,
            )
        ]
    reason = id_problem(award_id, taken)
    if reason:
        return None, [origin.problem("id", reason, "", award_id)]
    return award_id, []


def choose_award_id(site: OrganiserSite, request: AwardRequest) -> str | None:
    """Return the request's id, else <year issued>-<name as a slug>.

    Returns None when the name has no letters or digits to make a slug from.
    """
    if request.award_id:
        return request.award_id
    slug = slugify(request.name)
    if not slug:
        return None
    return f"{issued_year(site, request.issued_on)}-{slug}"


def issued_year(site: OrganiserSite, issued_on: str | None) -> str:
    """Return the year of issued_on, or this year when it is unset or unreadable."""
    match = _YEAR_PREFIX.match(issued_on or today_text(site))
    return match.group(1) if match else str(site.now.year)


def _record_data(
    request: AwardRequest, recipient: dict[str, str], issued_on: str
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": request.name,
        "recipient": recipient,
        "issued_on": issued_on,
    }
    for key in ("expires", "evidence_received_on", "decision_on"):
        value = getattr(request, key)
        if value:
            data[key] = value
    data["assessors"] = list(request.assessors)
    data["evidence"] = [_evidence_data(item) for item in request.evidence]
    if request.previous_award:
        data["previous_award"] = request.previous_award
    if request.listed:
        data["listed"] = True
    return data


def _evidence_data(item: EvidenceInput) -> dict[str, str]:
    data = {"criterion": item.criterion, "kind": item.kind}
    for key in ("title", "url", "narrative"):
        value = getattr(item, key)
        if value is not None:
            data[key] = value
    return data


def _translate(request: AwardRequest, problem: Problem) -> InputProblem:
    """Re-address a record problem to the option or roster column it came from."""
    origin = request.origin
    top = problem.field.split(".")[0]
    item = re.match(r"^evidence\[(\d+)\]", top)
    if item and int(item.group(1)) < len(request.evidence):
        evidence = request.evidence[int(item.group(1))]
        return InputProblem(
            origin.path,
            origin.row,
            evidence.label,
            problem.message,
            problem.fix,
            problem.severity,
            evidence.value,
        )
    key = top.split("[")[0]
    value: Any = None
    if key == "recipient":
        key, value = "email", HIDDEN
    elif key == "assessors":
        value = "; ".join(request.assessors)
    elif hasattr(request, key) and isinstance(getattr(request, key), str):
        value = getattr(request, key)
    return origin.problem(key, problem.message, problem.fix, value, problem.severity)


def award_badge(
    root: Path, request: AwardRequest, today: str | None = None, strict: bool = False
) -> Outcome:
    """Write one new award record; on any problem raise BuildFailed, writing nothing."""
    site = open_site(root, today)
    record, problems = prepare_record(site, request)
    raise_if_failing(problems, strict)
    assert record is not None
    write_new_records(root, [record])
    return written_outcome(site, [record], problems)


def raise_if_failing(problems: list[InputProblem], strict: bool) -> None:
    if any(strict or p.severity is Severity.ERROR for p in problems):
        raise BuildFailed(list(problems))


def written_outcome(
    site: OrganiserSite, records: list[NewRecord], problems: list[InputProblem]
) -> Outcome:
    """Describe the records written and the next step, keeping the warnings to print."""
    outcome = Outcome(warnings=list(problems))
    for record in records:
        outcome.written.append(record.relative)
        status = award_status(record.award, site.now).value
        outcome.lines.append(
            f"Wrote {record.relative}: award {record.award_id} of "
            f"{record.badge.name} for {record.award.name} ({status})."
        )
    files = (
        " ".join(outcome.written)
        if len(records) <= 3
        else f"assertions/ ({len(records)} files)"
    )
    outcome.lines.append(f"Next: commit {files}, then build.")
    return outcome
