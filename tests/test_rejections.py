"""A table of bad inputs: each fails the build naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY

from generator.build import build_site
from generator.errors import BuildFailed

ADA = "assertions/demo-badge/2026-ada.yml"
OLD = "assertions/demo-badge/2024-old.yml"
BADGE = "content/badges/demo-badge/badge.yml"
SITE = "content/site.yml"
ISSUER = "content/issuer.yml"

# (case id, file, text to replace, replacement, expected field, expected fragments)
CASES = [
    (
        "unknown key",
        ADA,
        "name: Ada Lovelace",
        "name: Ada Lovelace\nnmae: typo",
        "nmae",
        ["is not a known field", "known fields are"],
    ),
    ("missing field", ADA, "name: Ada Lovelace\n", "", "name", ["is missing"]),
    (
        "name read as boolean",
        ADA,
        "name: Ada Lovelace",
        "name: true",
        "name",
        ["must be text", 'quote it: name: "true"'],
    ),
    (
        "name read as number",
        ADA,
        "name: Ada Lovelace",
        "name: 1234",
        "name",
        ["must be text, got 1234", "quote it"],
    ),
    (
        "language read as number",
        SITE,
        "language: en",
        "language: 12",
        "language",
        ["must be text", "quote it"],
    ),
    (
        "bad date",
        ADA,
        "issued_on: 2026-05-14",
        "issued_on: 14/05/26",
        "issued_on",
        ["got '14/05/26'", "2026-05-14"],
    ),
    (
        "impossible date",
        ADA,
        "issued_on: 2026-05-14",
        "issued_on: 2026-02-30",
        "issued_on",
        ["is not a real date", "2026-02-30"],
    ),
    (
        "integer date",
        ADA,
        "issued_on: 2026-05-14",
        "issued_on: 20260514",
        "issued_on",
        ["must be a date, got the number 20260514"],
    ),
    (
        "future issue",
        ADA,
        "issued_on: 2026-05-14",
        "issued_on: 2027-01-01",
        "issued_on",
        ["is in the future", "2027-01-01"],
    ),
    (
        "expires before issue",
        ADA,
        "issued_on: 2026-05-14",
        "issued_on: 2026-05-14\nexpires: 2026-05-01",
        "expires",
        ["is before issued_on"],
    ),
    (
        "expires beyond validity",
        ADA,
        "issued_on: 2026-05-14",
        "issued_on: 2026-05-14\nexpires: 2027-06-01",
        "expires",
        ["beyond the badge's 365-day validity", "2027-05-14 or earlier"],
    ),
    (
        "bad email",
        ADA,
        "email: ada@example.org",
        "email: ada-at-example.org",
        "recipient.email",
        ["is invalid: got a value that is not shown", "name@example.org"],
    ),
    (
        "email and identity both given",
        ADA,
        "  email: ada@example.org\n",
        "  email: ada@example.org\n  identity: sha256$" + "a" * 64 + "\n",
        "recipient",
        ["gives both 'email' and 'identity'", "Keep one"],
    ),
    (
        "bad url",
        ADA,
        "url: https://example.org/notes",
        "url: example.org/notes",
        "evidence[0].url",
        ["got 'example.org/notes'", "https://"],
    ),
    (
        "javascript url",
        ADA,
        "url: https://example.org/notes",
        "url: javascript:alert(1)",
        "evidence[0].url",
        ["got 'javascript:alert(1)'"],
    ),
    (
        "narrative over word limit",
        ADA,
        "narrative: It went well, and I learned a lot about engines.",
        "narrative: " + "word " * 51,
        "evidence[1].narrative",
        ["has 51 words, over the limit of 50", "Shorten it"],
    ),
    (
        "panel of two",
        ADA,
        "assessors: [Grace Hopper, Alan Turing, Katherine Johnson]",
        "assessors: [Grace Hopper, Alan Turing]",
        "assessors",
        ["must have exactly 3 entries, got 2"],
    ),
    (
        "panel repeats a person",
        ADA,
        "assessors: [Grace Hopper, Alan Turing, Katherine Johnson]",
        "assessors: [Grace Hopper, Alan Turing, Grace Hopper]",
        "assessors",
        ["same entry more than once"],
    ),
    ("null salt", ADA, "salt: k3Yp9dQz", "salt: null", "recipient.salt", ["is empty"]),
    ("empty salt", ADA, "salt: k3Yp9dQz", 'salt: ""', "recipient.salt", ["is empty"]),
    (
        "email and no identity",
        ADA,
        "  email: ada@example.org\n",
        "",
        "recipient",
        ["either 'email' or 'identity'"],
    ),
    (
        "bad identity hash",
        OLD,
        "identity: sha256$4f72",
        "identity: md5$4f72",
        "recipient.identity",
        ["sha256$"],
    ),
    (
        "unknown criterion",
        ADA,
        "criterion: practice",
        "criterion: practise",
        "evidence[0].criterion",
        ["unknown criterion 'practise'", "practice, reflection"],
    ),
    (
        "unknown evidence kind",
        ADA,
        "kind: documentation",
        "kind: essay",
        "evidence[0].kind",
        ["'essay'", "documentation, photographs"],
    ),
    (
        "decision before evidence",
        ADA,
        "decision_on: 2026-05-12",
        "decision_on: 2026-04-12",
        "decision_on",
        ["is before evidence_received_on"],
    ),
    (
        "zone-less date-time without site zone",
        SITE,
        "timezone: Europe/London\n",
        "",
        None,
        [],
    ),
    (
        "bad base url",
        SITE,
        "base_url: https://demo.example.org/badges/",
        "base_url: demo.example.org",
        "base_url",
        ["ending in '/'"],
    ),
    (
        "bad time zone",
        SITE,
        "timezone: Europe/London",
        "timezone: Mars/Olympus",
        "timezone",
        ["got 'Mars/Olympus'", "IANA"],
    ),
    (
        "issuer email",
        ISSUER,
        "email: badges@demo.example.org",
        "email: nobody",
        "email",
        ["got 'nobody'"],
    ),
    (
        "validity as text",
        BADGE,
        "validity_days: 365",
        "validity_days: a year",
        "validity_days",
        ["must be a whole number, got 'a year'"],
    ),
    (
        "unknown endorser",
        BADGE,
        "endorser: demo-endorser",
        "endorser: nobody",
        "endorsements[0].endorser",
        ["'nobody'", "content/endorsers/nobody.yml"],
    ),
    (
        "duplicate yaml key",
        ADA,
        "name: Ada Lovelace",
        "name: Ada Lovelace\nname: Ada",
        "name",
        ["is given twice"],
    ),
    ("yaml syntax", ADA, "name: Ada Lovelace", "name: [Ada", "", ["is not valid YAML"]),
]


def _apply(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("relative", "old", "new", "field", "fragments"),
    [case[1:] for case in CASES if case[4] is not None],
    ids=[case[0] for case in CASES if case[4] is not None],
)
def test_build_rejects_bad_input(site_tree, relative, old, new, field, fragments):
    _apply(site_tree, relative, old, new)
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    matching = [
        p for p in caught.value.problems if p.path == relative and p.field == field
    ]
    assert matching, [p.format() for p in caught.value.problems]
    text = matching[0].format()
    assert text.startswith(relative + ":")
    for fragment in fragments:
        assert fragment in text


def test_recipient_values_never_printed(site_tree):
    _apply(site_tree, ADA, "email: ada@example.org", "email: [ada@example.org]")
    _apply(site_tree, ADA, "salt: k3Yp9dQz", "salt: 12345678")
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    text = str(caught.value)
    assert "recipient.email" in text
    assert "recipient.salt" in text
    assert "ada@example.org" not in text
    assert "12345678" not in text


def test_zoneless_datetime_needs_site_zone(site_tree):
    _apply(site_tree, ADA, "issued_on: 2026-05-14", "issued_on: 2026-05-14T10:00:00")
    first = build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    assert first.current == 1
    _apply(site_tree, SITE, "timezone: Europe/London\n", "")
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    (problem,) = caught.value.problems
    assert problem.field == "issued_on"
    assert "has no time zone" in problem.message
    assert "set 'timezone' in content/site.yml" in problem.fix


def test_build_reports_every_problem_at_once(site_tree):
    _apply(site_tree, ADA, "name: Ada Lovelace", "name: 12")
    _apply(site_tree, ADA, "kind: documentation", "kind: essay")
    _apply(site_tree, OLD, "issued_on: 2024-03-01", "issued_on: 2024-13-01")
    _apply(site_tree, BADGE, "validity_days: 365", "validity_days: -1")
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    fields = {(p.path, p.field) for p in caught.value.problems}
    assert (BADGE, "validity_days") in fields
    # Awards are not checked against a badge that failed, so fix it and rerun.
    _apply(site_tree, BADGE, "validity_days: -1", "validity_days: 365")
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    fields = {(p.path, p.field) for p in caught.value.problems}
    assert fields == {(ADA, "name"), (ADA, "evidence[0].kind"), (OLD, "issued_on")}


def test_unknown_badge_folder_rejected(site_tree):
    folder = site_tree / "assertions" / "no-such-badge"
    folder.mkdir()
    (folder / "x.yml").write_text("name: X\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    (problem,) = caught.value.problems
    assert problem.path == "assertions/no-such-badge"
    assert "unknown badge 'no-such-badge'" in problem.message
    assert "demo-badge" in problem.fix


def test_duplicate_award_id_rejected(site_tree):
    second = site_tree / "content" / "badges" / "second-badge"
    second.mkdir()
    badge_dir = site_tree / "content" / "badges" / "demo-badge"
    for name in ("badge.yml", "criteria.md"):
        (second / name).write_bytes((badge_dir / name).read_bytes())
    other = site_tree / "assertions" / "second-badge"
    other.mkdir()
    (other / "2026-ada.yml").write_bytes((site_tree / ADA).read_bytes())
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    (problem,) = caught.value.problems
    assert problem.path == "assertions/second-badge/2026-ada.yml"
    assert "repeats the award id '2026-ada'" in problem.message


def test_bad_award_file_name_rejected(site_tree):
    (site_tree / ADA).rename(site_tree / "assertions/demo-badge/Ada Lovelace.yaml")
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    (problem,) = caught.value.problems
    assert "is not a valid award file name" in problem.message


def test_late_decision_warns_until_explained(site_tree):
    _apply(
        site_tree,
        ADA,
        "evidence_received_on: 2026-05-01",
        "evidence_received_on: 2026-03-01",
    )
    result = build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    (late,) = [w for w in result.warnings if w.field == "decision_on"]
    assert "72 days after the evidence was received" in late.message
    assert "decision_delay_reason" in late.fix
    with pytest.raises(BuildFailed):
        build_site(site_tree, site_tree / "out2", today=TODAY, strict=True, environ={})
    _append_line = "decision_delay_reason: The panel met after the summer break.\n"
    path = site_tree / ADA
    path.write_text(path.read_text() + _append_line)
    strict = build_site(
        site_tree, site_tree / "out3", today=TODAY, strict=True, environ={}
    )
    assert strict.current == 1


def test_bad_site_yml_still_reports_records(site_tree):
    _apply(site_tree, SITE, "timezone: Europe/London", "timezone: Mars/Olympus")
    _apply(site_tree, ADA, "kind: documentation", "kind: essay")
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    fields = {(p.path, p.field) for p in caught.value.problems}
    assert fields == {(SITE, "timezone"), (ADA, "evidence[0].kind")}


def test_out_of_range_offset_message(site_tree):
    _apply(
        site_tree, ADA, "issued_on: 2026-05-14", "issued_on: 2026-05-14T10:00:00+25:00"
    )
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    (problem,) = caught.value.problems
    assert "is not a real date-time: '2026-05-14T10:00:00+25:00'" in problem.message
    assert "timedelta" not in problem.format()
    assert "offset between -23:59 and +23:59" in problem.fix


def test_unknown_fields_each_reported(site_tree):
    _apply(
        site_tree, ADA, "name: Ada Lovelace", "name: Ada Lovelace\ncolour: red\nshoe: 9"
    )
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    assert [p.field for p in caught.value.problems] == ["colour", "shoe"]
    assert [p.line for p in caught.value.problems] == [2, 3]


def test_record_checks_run_past_schema_problems(site_tree):
    _apply(site_tree, ADA, "kind: documentation", "kind: documentaton")
    _apply(site_tree, ADA, "criterion: practice", "criterion: practise")
    _apply(site_tree, ADA, "criterion: reflection", "criterion: reflexion")
    _apply(
        site_tree,
        ADA,
        "evidence_received_on: 2026-05-01",
        "evidence_received_on: 2026-03-01",
    )
    _apply(
        site_tree,
        ADA,
        "assessors: [Grace Hopper, Alan Turing, Katherine Johnson]",
        "assessors: [Grace Hopper, Alan Turing]",
    )
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    fields = [p.field for p in caught.value.problems]
    assert "evidence[0].kind" in fields
    assert "assessors" in fields
    assert "evidence[0].criterion" in fields  # same item as the bad kind
    assert "evidence[1].criterion" in fields  # a semantic check, not the schema's
    assert "decision_on" in fields  # the late-decision warning
