"""YAML typing: values organisers write stay what they mean."""

from __future__ import annotations

from generator.yamlfile import parse_yaml


def test_yaml_keeps_norway_and_leading_zeros_as_text():
    document, problems = parse_yaml(
        "name: No\nlanguage: no\nid: 0123\nflag: yes\n", "x.yml"
    )
    assert problems == []
    assert document.data == {
        "name": "No",
        "language": "no",
        "id": "0123",
        "flag": "yes",
    }


def test_yaml_resolves_core_types_only():
    document, _ = parse_yaml("a: 365\nb: true\nc: ~\nd: 2026-05-14\ne: 1.5\n", "x.yml")
    assert document.data == {
        "a": 365,
        "b": True,
        "c": None,
        "d": "2026-05-14",
        "e": 1.5,
    }


def test_yaml_quoted_values_stay_text():
    document, _ = parse_yaml("a: '365'\nb: \"true\"\n", "x.yml")
    assert document.data == {"a": "365", "b": "true"}


def test_yaml_records_lines():
    document, _ = parse_yaml("a: 1\nb:\n  - x\n  - y: 2\n", "x.yml")
    assert document.line_of(("b",)) == 2
    assert document.line_of(("b", 1, "y")) == 4
    assert document.line_of(("missing",)) == 1


def test_yaml_duplicate_key_is_a_problem():
    _, problems = parse_yaml("a: 1\na: 2\n", "x.yml")
    (problem,) = problems
    assert problem.line == 2
    assert problem.field == "a"
    assert "given twice" in problem.message


def test_yaml_syntax_error_has_line():
    document, problems = parse_yaml("a: 1\nb: [1, 2\n", "x.yml")
    assert document is None
    assert problems[0].line is not None
    assert "is not valid YAML" in problems[0].message


def test_yaml_alias_is_rejected():
    text = "a: &x [1, 2]\nb: *x\n"
    _, problems = parse_yaml(text, "x.yml")
    (problem,) = problems
    assert problem.field == "b"
    assert "uses a YAML alias" in problem.message


def test_yaml_alias_bomb_is_cheap():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [*{previous}, *{previous}, *{previous}]")
    lines.append("name: *h")
    _, problems = parse_yaml("\n".join(lines) + "\n", "x.yml")
    (problem,) = problems  # the first alias only, and nothing expanded
    assert problem.field == "b[0]"
    assert problem.line == 2
    assert "alias" in problem.message


def test_yaml_deep_nesting_is_a_problem():
    document, problems = parse_yaml("name: " + "[" * 1000 + "]" * 1000 + "\n", "x.yml")
    assert document is None
    assert "nests too deeply" in problems[0].message
    document, problems = parse_yaml("name: " + "[" * 40 + "]" * 40 + "\n", "x.yml")
    assert document is None
    assert "nests too deeply" in problems[0].message
