"""Read organiser YAML with YAML 1.2-style typing and the line of every field.

PyYAML follows YAML 1.1, where a plain `No` is the boolean false and `0123`
is the octal number 83. Organisers write names, language codes and ids, so
this loader resolves only `true`/`false`, `null`/`~`, decimal integers and
decimal floats. Every other plain scalar, dates included, stays a string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import Problem, error

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")

FieldPath = tuple[str | int, ...]

# Organiser files nest a few levels; far deeper input is an error or an attack.
MAX_DEPTH = 20
_TOO_DEEP = "nests too deeply"
_ALIAS = "uses a YAML alias (*name), the first of this file."


@dataclass
class YamlDocument:
    """A parsed YAML file: its data and the 1-based line of each field."""

    path: str
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line_of(self, location: FieldPath) -> int | None:
        """Return the line of a field, or of its nearest parent that has one."""
        while location:
            if location in self.lines:
                return self.lines[location]
            location = location[:-1]
        return self.lines.get((), None)


def format_field(location: FieldPath) -> str:
    """Turn ('evidence', 2, 'url') into 'evidence[2].url'."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def read_yaml(
    path: Path, display_path: str
) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML file; return the document or the problems that stop it."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        fix = "Save the file as UTF-8."
        return None, [
            error(display_path, "", f"is not valid UTF-8 ({exc.reason}).", fix)
        ]
    return parse_yaml(text, display_path)


def parse_yaml(
    text: str, display_path: str
) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse YAML text; return the document or the problems that stop it."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        fix = f"Use at most {MAX_DEPTH} levels of nested lists and mappings."
        return None, [error(display_path, "", "nests too deeply to read.", fix)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        fix = "Fix the YAML syntax; quote values that contain ': '."
        return None, [
            error(display_path, "", f"is not valid YAML: {reason}.", fix, line)
        ]
    document = YamlDocument(display_path, None)
    problems: list[Problem] = []
    if node is None:
        document.data = {}
        return document, problems
    seen: set[int] = set()
    document.data = _convert(node, (), document, problems, seen)
    if any(p.message.startswith(_TOO_DEEP) for p in problems):
        return None, problems
    return document, problems


def _convert(
    node: yaml.Node,
    location: FieldPath,
    document: YamlDocument,
    problems: list[Problem],
    seen: set[int],
) -> Any:
    line = node.start_mark.line + 1
    # The composer returns the anchored node again for each alias, and a few
    # nested aliases can expand to billions of values, so aliases are rejected.
    if id(node) in seen:
        # One report per file is enough; a bomb may hold thousands of aliases.
        if not any(p.message.startswith(_ALIAS) for p in problems):
            fix = "Write values out in full; anchors and aliases are not supported."
            field = format_field(location)
            # An alias node carries the anchor's position, so use the key's line.
            key_line = document.line_of(location)
            problems.append(error(document.path, field, _ALIAS, fix, key_line))
        return None
    document.lines.setdefault(location, line)
    seen.add(id(node))
    if len(location) > MAX_DEPTH:
        fix = f"Use at most {MAX_DEPTH} levels of nested lists and mappings."
        field = format_field(location[:MAX_DEPTH])
        problems.append(error(document.path, field, _TOO_DEEP + ".", fix, line))
        return None
    if isinstance(node, yaml.MappingNode):
        return _convert_mapping(node, location, document, problems, seen)
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*location, index), document, problems, seen)
            for index, item in enumerate(node.value)
        ]
    return _convert_scalar(node)


def _convert_mapping(
    node: yaml.MappingNode,
    location: FieldPath,
    document: YamlDocument,
    problems: list[Problem],
    seen: set[int],
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        line = key_node.start_mark.line + 1
        if not isinstance(key, str) or key == "<<":
            problems.append(
                error(
                    document.path,
                    format_field(location),
                    "has a key that is not plain text.",
                    "Use simple `name: value` keys.",
                    line,
                )
            )
            continue
        if key in result:
            problems.append(
                error(
                    document.path,
                    format_field((*location, key)),
                    "is given twice.",
                    "Keep one of the two entries.",
                    line,
                )
            )
            continue
        child = (*location, key)
        document.lines[child] = line
        result[key] = _convert(value_node, child, document, problems, seen)
    return result


def _convert_scalar(node: yaml.ScalarNode) -> Any:
    value = node.value
    if node.style is not None and node.style != "":
        return value  # quoted or block scalars are always text
    if node.tag == "tag:yaml.org,2002:str":
        return value  # explicit !!str
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value
