"""Run the 1EdTech Open Badges validator on badges served from 127.0.0.1.

Run it with the validator venv's Python (see setup_venv.sh), not the project's:

    python run_validator.py INPUT [INPUT ...] [--recipient EMAIL]

Each INPUT is an http(s) URL on host 127.0.0.1 or the path of a baked PNG or SVG.
The script prints one JSON list to stdout, one entry per input, with the keys
input, valid, errorCount, warningCount and messages (level, name, result).

Exit codes: 0 when every input was checked, whatever the verdicts; 2 for a URL
on another host or a file that does not exist. Nothing is verified in that case.

The validator fetches https://w3id.org/openbadges/v2 for every document that it
compacts. This script returns the local copy ob-v2-context.json for that URL and
routes requests to every host except 127.0.0.1 and localhost to a closed port.
"""

import argparse
import contextlib
import json
import os
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

OB2_CONTEXT_URL = "https://w3id.org/openbadges/v2"
CONTEXT_FILE = Path(__file__).resolve().with_name("ob-v2-context.json")
ALLOWED_HOST = "127.0.0.1"

# Port 9 (discard) normally has no listener, so a request sent through this proxy
# fails with "connection refused" instead of leaving the machine.
CLOSED_PROXY = "http://127.0.0.1:9"
PROXY_BYPASS = "127.0.0.1,localhost"


class BadgeInput(NamedTuple):
    """One command-line input: a URL on 127.0.0.1 or a baked image file."""

    text: str
    is_url: bool


def isolate_network() -> None:
    """Send HTTP(S) requests for every host except loopback to a closed proxy."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        os.environ[name] = CLOSED_PROXY
    for name in ("NO_PROXY", "no_proxy"):
        os.environ[name] = PROXY_BYPASS


def parse_input(text: str) -> BadgeInput:
    """Classify one argument and check its host or path.

    Raises ValueError with the reason when a URL is not on 127.0.0.1 or a file
    does not exist.
    """
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError as error:
        raise ValueError(f"invalid URL {text!r}: {error}") from error

    if "://" not in text and parts.scheme not in ("http", "https"):
        if not Path(text).is_file():
            raise ValueError(f"file not found: {text!r}")
        return BadgeInput(text, is_url=False)

    if parts.scheme not in ("http", "https"):
        raise ValueError(f"unsupported URL scheme in {text!r}: use http or https")
    if host != ALLOWED_HOST:
        raise ValueError(
            f"URL {text!r} has host {host!r}, but only {ALLOWED_HOST} is allowed, "
            f"so that no test reaches another machine. Serve the site on "
            f"{ALLOWED_HOST} and pass its URL."
        )
    return BadgeInput(text, is_url=True)


def serve_context_locally(verifier_utils: ModuleType) -> None:
    """Patch the validator's document loader to return the local v2 context."""
    context_text = CONTEXT_FILE.read_text(encoding="utf-8")
    # The stock loader records every context URL whose @context contains an
    # object, for extension checks. Record the local copy the same way.
    context_has_object = any(
        isinstance(entry, dict)
        for entry in _as_list(json.loads(context_text).get("@context"))
    )
    stock_call = verifier_utils.CachableDocumentLoader.__call__

    def load_document(loader: Any, url: str) -> dict[str, Any]:
        if url != OB2_CONTEXT_URL:
            return stock_call(loader, url)
        if context_has_object:
            loader.contexts.add(url)
        return {"contextUrl": None, "documentUrl": url, "document": context_text}

    verifier_utils.CachableDocumentLoader.__call__ = load_document


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def verify_input(
    verify: Any, badge_input: BadgeInput, recipient: str | None
) -> dict[str, Any]:
    """Verify one input and return its summary entry."""
    # verify() adds keys to the profile, so each call gets a fresh one.
    profile = {"email": recipient} if recipient else None
    try:
        if badge_input.is_url:
            result = verify(badge_input.text, profile)
        else:
            # NOTE: baked SVG input needs openbadges-bakery 2.0.0, as pinned. With
            # 1.2.4, which pip picks for openbadges==1.1.2 alone, unbake returns
            # bytes and the validator fails with NotImplementedError in
            # DETECT_INPUT_TYPE. Baked PNG input works with either version.
            with open(badge_input.text, "rb") as image_file:
                result = verify(image_file, profile)
    except Exception as error:
        # NOTE: openbadges 1.1.2 raises instead of reporting for some inputs.
        # A PNG without an openbadges chunk ends in AttributeError ('ValueError'
        # object has no attribute 'message'). Reporting it as an invalid input
        # keeps the results of the other inputs.
        traceback.print_exc(file=sys.stderr)
        return summarise_crash(badge_input.text, error)
    return summarise_report(badge_input.text, result["report"])


def summarise_report(text: str, report: dict[str, Any]) -> dict[str, Any]:
    """Reduce a validator report to the fields that tests check."""
    messages = [
        {
            "level": message.get("messageLevel", "ERROR"),
            "name": message.get("name"),
            "result": str(message.get("result", "")),
        }
        for message in report.get("messages", [])
    ]
    return {
        "input": text,
        "valid": bool(report.get("valid")),
        "errorCount": int(report.get("errorCount", 0)),
        "warningCount": int(report.get("warningCount", 0)),
        "messages": messages,
    }


def summarise_crash(text: str, error: Exception) -> dict[str, Any]:
    """Describe an exception raised by verify() as one failed check."""
    message = {
        "level": "ERROR",
        "name": "UNCAUGHT_EXCEPTION",
        "result": f"openbadges.verify raised {type(error).__name__}: {error}",
    }
    return {
        "input": text,
        "valid": False,
        "errorCount": 1,
        "warningCount": 0,
        "messages": [message],
    }


def build_parser() -> argparse.ArgumentParser:
    """Build the command-line parser."""
    parser = argparse.ArgumentParser(
        description="Run the Open Badges 2.0 validator on URLs served from "
        "127.0.0.1 and on baked PNG or SVG files, and print a JSON summary.",
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="http(s)://127.0.0.1 URL of an assertion, or path of a baked image",
    )
    parser.add_argument(
        "--recipient",
        metavar="EMAIL",
        help="email address to check against each assertion's recipient",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Check the arguments, verify each input and print the JSON summary."""
    parser = build_parser()
    args = parser.parse_args(argv)
    badge_inputs = []
    for text in args.inputs:
        try:
            badge_inputs.append(parse_input(text))
        except ValueError as error:
            parser.error(str(error))

    # requests reads the proxy variables, so set them before openbadges imports it.
    isolate_network()
    import openbadges
    from openbadges.verifier import utils as verifier_utils

    serve_context_locally(verifier_utils)

    # stdout carries only the JSON document, so anything the validator prints
    # goes to stderr.
    with contextlib.redirect_stdout(sys.stderr):
        summaries = [
            verify_input(openbadges.verify, badge_input, args.recipient)
            for badge_input in badge_inputs
        ]

    json.dump(summaries, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
