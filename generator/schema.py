"""Check organiser YAML against the JSON Schemas shipped in generator/schemas/."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from generator import dates
from generator.errors import Problem, error
from generator.yamlfile import YamlDocument, format_field

_EMAIL = re.compile(
    r"^[^@\s]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)

# Values quoted in messages are cut to this many characters.
MAX_SHOWN = 80

formats = FormatChecker(formats=())


@formats.checks("email")
def is_email(value: object) -> bool:
    """Return whether a value looks like a deliverable email address."""
    return not isinstance(value, str) or bool(_EMAIL.match(value.strip()))


@formats.checks("http-url")
def is_http_url(value: object) -> bool:
    """Return whether a value is an absolute http(s) URL with a host."""
    if not isinstance(value, str):
        return True
    if any(ch.isspace() for ch in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@formats.checks("timezone")
def is_timezone(value: object) -> bool:
    """Return whether a value names a zone in the IANA time zone database."""
    if not isinstance(value, str):
        return True
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@formats.checks("language")
def is_language(value: object) -> bool:
    """Return whether a value has the shape of a BCP 47 language tag."""
    return not isinstance(value, str) or bool(_LANGUAGE.match(value))


@formats.checks("hostname")
def is_hostname(value: object) -> bool:
    """Return whether a value is a bare DNS host name."""
    return not isinstance(value, str) or bool(_HOSTNAME.match(value))


@formats.checks("instant")
def is_instant(value: object) -> bool:
    """Return whether a value has the shape of a date or a date-time."""
    return not isinstance(value, str) or dates.looks_like_instant(value)


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Return a packaged schema by file stem, like 'award'."""
    text = (
        resources.files("generator.schemas")
        .joinpath(f"{name}.schema.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name), format_checker=formats)


def check_document(document: YamlDocument, schema_name: str) -> list[Problem]:
    """Validate a parsed YAML file against a schema; return one problem per error."""
    validator = _validator(schema_name)
    problems = []
    for failure in sorted(validator.iter_errors(document.data), key=_error_order):
        if failure.validator == "additionalProperties":
            problems += _unknown_fields(document, failure)
        else:
            problems.append(_to_problem(document, failure))
    return problems


def _unknown_fields(document: YamlDocument, failure: ValidationError) -> list[Problem]:
    known = failure.schema.get("properties", {})
    hint = (
        "Remove it or correct its spelling; the known fields are: "
        f"{', '.join(sorted(known))}."
    )
    problems = []
    for extra in sorted(set(failure.instance) - set(known)):
        location = (*failure.absolute_path, extra)
        problems.append(
            error(
                document.path,
                format_field(location),
                "is not a known field.",
                hint,
                document.line_of(location),
            )
        )
    return problems


def _error_order(failure: ValidationError) -> tuple[str, str]:
    return (json.dumps(list(failure.absolute_path)), failure.validator)


def _to_problem(document: YamlDocument, failure: ValidationError) -> Problem:
    location = tuple(failure.absolute_path)
    # Emails and salts must not reach terminals or CI logs, even when invalid.
    show = _hidden if location[:1] == ("recipient",) else _show
    hint = failure.schema.get("x-hint", "") if isinstance(failure.schema, dict) else ""
    value = failure.instance
    keyword = failure.validator
    if keyword == "required":
        missing = _quoted_name(failure.message)
        location = (*location, missing)
        sub = failure.schema.get("properties", {}).get(missing, {})
        message, hint = "is missing.", sub.get("x-hint", "Add it.")
    elif keyword == "dependentRequired":
        needed = [n for n in _names_in(failure.message) if n not in value]
        trigger = next((n for n in failure.validator_value if n in value), "")
        location = (*location, needed[0] if needed else "")
        sub = failure.schema.get("properties", {}).get(location[-1], {})
        message = f"is missing; it is needed when '{trigger}' is given."
        hint = sub.get("x-hint", "Add it.")
    elif keyword == "type":
        fmt = failure.schema.get("format")
        message, hint = _type_message(
            value, failure.validator_value, location, hint, fmt, show
        )
    elif keyword in ("minItems", "maxItems"):
        message = f"must have {_count_phrase(failure)}, got {len(value)}."
    elif keyword == "uniqueItems":
        message = "lists the same entry more than once."
    elif keyword == "enum":
        message = f"has the value {show(value)}, which is not allowed."
    elif keyword == "oneOf" and {"email", "identity"} <= set(value):
        message = "gives both 'email' and 'identity'."
        hint = "Keep one: 'identity' alone keeps the plain address out of git."
    elif keyword in ("oneOf", "anyOf"):
        message = "does not have the fields it needs."
    elif keyword == "minLength" and value == "":
        message = "is empty."
    else:
        message = f"is invalid: got {show(value)}."
    line = document.line_of(location)
    return error(document.path, format_field(location), message, hint, line)


def _type_message(
    value: Any,
    expected: str | list[str],
    location: tuple,
    hint: str,
    fmt: str | None,
    show: Callable[[Any], str],
) -> tuple[str, str]:
    if value is None:
        return "is empty.", hint or "Give it a value or remove the field."
    if fmt == "instant" and isinstance(value, int | float):
        return f"must be a date, got the number {value}.", hint
    if expected == "string" and isinstance(value, bool | int | float):
        key = location[-1] if location and isinstance(location[-1], str) else "value"
        source = "true/false" if isinstance(value, bool) else "a number"
        if show is _hidden:
            return (
                f"must be text, got {source}.",
                f"YAML read it as {source}; quote it.",
            )
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        fix = f'YAML read it as {source}; quote it: {key}: "{shown}".'
        return f"must be text, got {shown}.", fix
    names = {
        "string": "text",
        "integer": "a whole number",
        "array": "a list",
        "object": "a mapping of fields",
        "boolean": "true or false",
        "number": "a number",
    }
    wanted = names.get(expected, expected) if isinstance(expected, str) else expected
    return f"must be {wanted}, got {show(value)}.", hint


def _count_phrase(failure: ValidationError) -> str:
    schema = failure.schema
    low, high = schema.get("minItems"), schema.get("maxItems")
    if low is not None and low == high:
        return f"exactly {low} entries"
    if failure.validator == "minItems":
        return f"at least {low} entries"
    return f"at most {high} entries"


def _names_in(message: str) -> list[str]:
    return re.findall(r"'([^']*)'", message)


def _quoted_name(message: str) -> str:
    match = re.match(r"^'([^']*)'", message)
    return match.group(1) if match else message


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    if len(text) > MAX_SHOWN:
        text = text[:MAX_SHOWN] + f"... ({len(text)} characters)"
    return text


def _hidden(_value: Any) -> str:
    return "a value that is not shown, because recipient data stays private"
