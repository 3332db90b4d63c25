"""Write one award record per CSV roster row, checking every row before writing any."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from generator.errors import BuildFailed, Severity
from generator.issuing import (
    AwardRequest,
    EvidenceInput,
    InputProblem,
    Origin,
    Outcome,
    choose_award_id,
    evidence_from_column,
    evidence_kinds,
    prepare_record,
    written_outcome,
)
from generator.records import NewRecord, OrganiserSite, open_site, write_new_records

REQUIRED_COLUMNS = ("badge", "name", "email", "decision_on", "assessors")
OPTIONAL_COLUMNS = ("id", "issued_on", "evidence_received_on", "expires", "listed")
EVIDENCE_PREFIXES = ("url", "narrative")
ASSESSOR_SEPARATOR = ";"
_TRUE = {"yes", "true", "y", "1"}
_FALSE = {"", "no", "false", "n", "0"}


def award_roster(
    root: Path,
    roster: Path,
    keep_email: bool = False,
    today: str | None = None,
    strict: bool = False,
) -> Outcome:
    """Write one award record per roster row, or none when any row has a problem.

    Raises BuildFailed listing every problem of every row (row number,
    column, value and fix); nothing is written then.
    """
    site = open_site(root, today)
    display = roster.name
    rows, problems = read_roster(roster, display)
    requests = [_request(display, number, cells, keep_email) for number, cells in rows]
    if not rows and not problems:
        problems.append(
            InputProblem(
                display,
                1,
                "",
                "has no data rows.",
                "Add one row per recipient below the header.",
            )
        )
    problems += _duplicate_ids(site, requests)
    records: list[NewRecord] = []
    for request in requests:
        record, record_problems = prepare_record(site, request)
        problems += record_problems
        if record is not None:
            records.append(record)
    if any(strict or p.severity is Severity.ERROR for p in problems):
        raise BuildFailed(list(problems))
    write_new_records(root, records)
    return written_outcome(site, records, problems)


def read_roster(
    path: Path, display: str
) -> tuple[list[tuple[int, dict[str, str]]], list[InputProblem]]:
    """Read a roster into (row number, cells by column) pairs; the header is row 1."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [
            InputProblem(
                display,
                1,
                "",
                f"is not UTF-8 text ({exc.reason}).",
                "Save the roster as CSV UTF-8.",
            )
        ]
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return [], [
            InputProblem(
                display,
                1,
                "",
                f"is not valid CSV ({exc}).",
                "Save the roster from a spreadsheet as CSV.",
            )
        ]
    if not table:
        return [], [
            InputProblem(
                display,
                1,
                "",
                "is empty.",
                "Add a header row and one row per recipient "
                "(badgesite award-bulk --help lists the columns).",
            )
        ]
    header = [name.strip() for name in table[0]]
    problems = _header_problems(display, header)
    rows = []
    for index, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                InputProblem(
                    display,
                    index,
                    "",
                    f"has {len(cells)} cells but the header has {len(header)} columns.",
                    "Remove the extra cells or quote cells that contain commas.",
                )
            )
            continue
        rows.append(
            (index, {name: cell for name, cell in zip(header, cells, strict=False)})
        )
    return ([] if problems else rows), problems


def _header_problems(display: str, header: list[str]) -> list[InputProblem]:
    problems = []
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(
                InputProblem(
                    display,
                    1,
                    name,
                    "appears twice in the header.",
                    "Keep one of the two columns.",
                )
            )
        seen.add(name)
        prefix, colon, rest = name.partition(":")
        if colon and prefix in EVIDENCE_PREFIXES:
            problems += _evidence_column_problems(display, name, rest)
        elif name not in known:
            problems.append(
                InputProblem(
                    display,
                    1,
                    name,
                    "is not a known column.",
                    f"Use {', '.join(known)}, url:CRITERION or "
                    "narrative:CRITERION "
                    "(badgesite award-bulk --help lists the columns).",
                )
            )
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(
                InputProblem(
                    display,
                    1,
                    name,
                    "is missing from the header.",
                    "Add the column (badgesite award-bulk --help lists the columns).",
                )
            )
    if not any(
        name.partition(":")[0] in EVIDENCE_PREFIXES and ":" in name for name in seen
    ):
        problems.append(
            InputProblem(
                display,
                1,
                "url:CRITERION",
                "is missing: the roster has no evidence column.",
                "Add a url:CRITERION or "
                "narrative:CRITERION column for a criterion of the badge.",
            )
        )
    return problems


def _evidence_column_problems(display: str, name: str, rest: str) -> list[InputProblem]:
    criterion, _colon, kind = rest.partition(":")
    if not criterion:
        return [
            InputProblem(
                display,
                1,
                name,
                "names no criterion.",
                "Write it as url:CRITERION or url:CRITERION:KIND.",
            )
        ]
    if kind and kind not in evidence_kinds():
        return [
            InputProblem(
                display,
                1,
                name,
                f"names the unknown evidence kind {kind!r}.",
                f"Use one of: {', '.join(evidence_kinds())}.",
            )
        ]
    return []


def _request(
    display: str, row: int, cells: dict[str, str], keep_email: bool
) -> AwardRequest:
    labels = {key: key for key in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
    labels.update(recipient="email", evidence="evidence columns")
    if "issued_on" not in cells:
        filled = {"issued_on": "no issued_on column"}
    else:
        filled = {"issued_on": "the issued_on cell is empty"}
    origin = Origin(display, row, labels, filled)

    problems: list[InputProblem] = []
    evidence: list[EvidenceInput] = []
    for column, cell in cells.items():
        if ":" in column and cell.strip():
            items, item_problems = evidence_from_column(column, cell, origin)
            evidence += items
            problems += item_problems

    listed_text = cells.get("listed", "").strip().lower()
    if listed_text not in _TRUE | _FALSE:
        problems.append(
            origin.problem(
                "listed",
                "is not yes or no.",
                "Write yes to list the holder publicly, else leave it empty.",
                cells["listed"],
            )
        )

    assessors = cells["assessors"].split(ASSESSOR_SEPARATOR)
    return AwardRequest(
        badge=cells["badge"].strip(),
        name=cells["name"].strip(),
        decision_on=_optional(cells, "decision_on"),
        assessors=tuple(name.strip() for name in assessors if name.strip()),
        evidence=tuple(evidence),
        email=cells["email"] if cells["email"].strip() else None,
        award_id=_optional(cells, "id"),
        issued_on=_optional(cells, "issued_on"),
        evidence_received_on=_optional(cells, "evidence_received_on"),
        expires=_optional(cells, "expires"),
        listed=listed_text in _TRUE,
        keep_email=keep_email,
        origin=origin,
        input_problems=tuple(problems),
    )


def _optional(cells: dict[str, str], column: str) -> str | None:
    return cells.get(column, "").strip() or None


def _duplicate_ids(
    site: OrganiserSite, requests: list[AwardRequest]
) -> list[InputProblem]:
    first_row: dict[str, int | None] = {}
    problems = []
    for request in requests:
        award_id = choose_award_id(site, request)
        if award_id is None:
            continue
        if award_id in first_row:
            problems.append(
                request.origin.problem(
                    "id",
                    f"repeats the award id {award_id!r} of row {first_row[award_id]}.",
                    "Give one of the rows its own id in the id column.",
                    award_id,
                )
            )
        else:
            first_row[award_id] = request.origin.row
    return problems
