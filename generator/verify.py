"""Verify a hosted Open Badges 2.0 badge from its JSON, a baked PNG or a baked SVG.

The embedded copy only gives the assertion URL, because every verdict rests
on the hosted documents, which come from a built site folder (offline) or
over HTTP(S).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from defusedxml import DefusedXmlException

from generator.awards import hash_email
from generator.baking import (
    ArtworkError,
    read_png_assertions,
    read_svg_assertions,
    sniff_format,
)
from generator.fetching import (
    MAX_BYTES,
    Fetcher,
    FetchError,
    GoneError,
    HttpFetcher,
    SiteFolder,
)
from generator.openbadges import OB2_CONTEXT, check_published
from generator.schema import is_email

CONTEXT_FILE = "ob-v2-context.json"
_SOURCE_HINT = "Give the assertion's .json URL or a baked image"
# An award page is served at assertions/<id>/, next to assertions/<id>.json.
_AWARD_PAGE = re.compile(r"^(.*/assertions/[^/]+)/(?:index\.html)?$")
_SHOWN_MESSAGES = 3


class Verdict(Enum):
    """The outcome `badgesite verify` prints, with its exit code."""

    VALID = "valid"
    UNREADABLE = "unreadable"
    EXPIRED = "expired"
    REVOKED = "revoked"
    NOT_ISSUED = "not issued to this address"
    TAMPERED = "tampered"
    INVALID = "invalid"

    @property
    def exit_code(self) -> int:
        """Return the process exit code; 2 is left to click for bad arguments."""
        return _EXIT_CODES[self]


_EXIT_CODES = {
    Verdict.VALID: 0, Verdict.UNREADABLE: 1, Verdict.EXPIRED: 3, Verdict.REVOKED: 4,
    Verdict.NOT_ISSUED: 5, Verdict.TAMPERED: 6, Verdict.INVALID: 7,
}  # fmt: skip


@dataclass
class Report:
    """A verdict, the sentence behind it, and the facts checked on the way."""

    verdict: Verdict
    reason: str
    details: list[tuple[str, str]] = field(default_factory=list)

    def format(self) -> str:
        """Return the report as text: the verdict line, then one line per fact."""
        lines = [f"{self.verdict.value}: {self.reason}"]
        lines += [f"  {label}: {value}" for label, value in self.details]
        return "\n".join(lines)


class _Stop(Exception):
    """Raised inside the checks to end verification with a verdict."""

    def __init__(self, verdict: Verdict, reason: str) -> None:
        super().__init__(reason)
        self.verdict = verdict
        self.reason = reason


@dataclass(frozen=True)
class _Source:
    """The input's assertion URL and, unless it held only the URL, its embedded copy."""

    assertion_url: str
    embedded: dict[str, Any] | None
    kind: str


def verify_badge(
    source: str,
    email: str | None = None,
    site: Path | None = None,
    now: datetime | None = None,
    timeout: float = 10.0,
) -> Report:
    """Verify a badge given as a file path or URL and return the verdict.

    With `site`, URLs under the base URL in site/badgesite.json are read from
    that folder and nothing is fetched over the network. `now` decides expiry
    (default: the clock). `timeout` is the seconds each HTTP request may take
    in total, from connecting to the last byte of the body. Raises
    SiteFolderError when `site` is not a folder built by badgesite.
    """
    fetcher: Fetcher = SiteFolder(site) if site is not None else HttpFetcher(timeout)
    report = Report(Verdict.VALID, "")
    try:
        _verify(source, email, fetcher, now or datetime.now(UTC), report)
    except _Stop as stop:
        report.verdict, report.reason = stop.verdict, stop.reason
    return report


def _verify(
    source: str, email: str | None, fetcher: Fetcher, now: datetime, report: Report
) -> None:
    found = read_source(source, fetcher)
    url = found.assertion_url
    report.details.append(("assertion", url))
    report.details.append(("read from", found.kind))
    hosted = _fetch_assertion(fetcher, url)
    if hosted.get("revoked") is True:
        raise _Stop(Verdict.REVOKED, _revoked_reason(hosted.get("revocationReason")))
    _check_document("Assertion", hosted)
    if found.embedded is not None and found.embedded != hosted:
        changed = ", ".join(_changed_keys(found.embedded, hosted))
        raise _Stop(
            Verdict.TAMPERED,
            f"the copy of the assertion in the {found.kind} differs from "
            f"the one the issuer hosts (changed: {changed}).",
        )

    badge = _fetch_linked(fetcher, hosted["badge"], "badge", "BadgeClass")
    report.details.append(("badge", f"{badge['name']} ({badge['id']})"))
    _check_image(fetcher, badge["image"])
    issuer = _fetch_linked(fetcher, badge["issuer"], "issuer", "Profile")
    report.details.append(("issuer", f"{issuer['name']} ({issuer['id']})"))
    _check_scope(url, issuer)
    _check_revocation_list(fetcher, url, issuer, report)

    expired = _check_dates(hosted, now, report)
    if email is not None:
        if not recipient_matches(hosted["recipient"], email):
            raise _Stop(
                Verdict.NOT_ISSUED,
                "the badge was not issued to the email address given.",
            )
        report.details.append(("recipient", "issued to the email address given"))
    if expired:
        raise _Stop(Verdict.EXPIRED, f"the badge expired on {hosted['expires']}.")
    report.reason = _valid_reason(found, issuer)


def _valid_reason(found: _Source, issuer: dict[str, Any]) -> str:
    """State what a valid verdict proves and whose site vouches for it.

    A copy of a whole site on another host verifies against itself, so the
    sentence names the issuer URL for the reader to check.
    """
    url = found.assertion_url
    matches = f" matches the {found.kind}," if found.embedded is not None else ""
    return (
        f"the hosted assertion at {url}{matches} is current and is not revoked. "
        f"It is issued by {issuer['name']} ({issuer['id']})."
    )


def read_source(source: str, fetcher: Fetcher) -> _Source:
    """Read the input and find the assertion URL and the embedded assertion, if any."""
    data = _read_input(source, fetcher)
    if not data.strip():
        raise _Stop(
            Verdict.UNREADABLE,
            f"{source} is empty. {_SOURCE_HINT}."
            if not data
            else f"{source} contains only whitespace. {_SOURCE_HINT}.",
        )
    kind = sniff_format(data)
    if kind == "png":
        return _from_png(source, data)
    if kind == "svg":
        return _from_svg(source, data)
    return _from_text(source, _decode(source, data), "JSON")


def _from_png(source: str, data: bytes) -> _Source:
    try:
        texts = read_png_assertions(data, MAX_BYTES)
    except ArtworkError as exc:
        raise _Stop(Verdict.UNREADABLE, f"{source} {exc.message}") from exc
    if not texts:
        raise _Stop(
            Verdict.UNREADABLE,
            f"{source} is a PNG without a baked Open Badges assertion.",
        )
    _check_one_baked(source, [text.strip() for text in texts])
    return _from_text(source, texts[0], "baked PNG")


def _check_one_baked(source: str, baked: list[Any]) -> None:
    """Stop with TAMPERED when an image contains baked assertions that differ.

    Verifiers that read the first copy and verifiers that read the last
    would otherwise reach different verdicts about one image.
    """
    if len(set(baked)) > 1:
        raise _Stop(
            Verdict.TAMPERED,
            f"the image {source} holds {len(baked)} baked assertions that "
            "differ, but a baked badge holds exactly one.",
        )


def _read_input(source: str, fetcher: Fetcher) -> bytes:
    if urlsplit(source).scheme in ("http", "https"):
        try:
            return fetcher.fetch(source)
        except GoneError as exc:
            raise _Stop(Verdict.REVOKED, f"{source} {exc}.") from exc
        except FetchError as exc:
            raise _Stop(Verdict.UNREADABLE, f"{source} {exc}.") from exc
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise _Stop(
            Verdict.UNREADABLE, f"{source} cannot be read ({exc.strerror})."
        ) from exc


def _from_svg(source: str, data: bytes) -> _Source:
    try:
        baked = read_svg_assertions(data)
    except (DefusedXmlException, ValueError) as exc:
        raise _Stop(
            Verdict.UNREADABLE, f"{source} is not a readable SVG ({exc})."
        ) from exc
    except Exception as exc:  # expat raises its own ExpatError type
        raise _Stop(
            Verdict.UNREADABLE, f"{source} is not well-formed SVG ({exc})."
        ) from exc
    if not any(verify_url or text for verify_url, text in baked):
        raise _Stop(
            Verdict.UNREADABLE,
            f"{source} is an SVG without a baked Open Badges assertion.",
        )
    _check_one_baked(source, baked)
    verify_url, text = baked[0]
    if text is None:
        return _from_text(source, verify_url or "", "baked SVG")
    found = _from_text(source, text, "baked SVG")
    if verify_url is not None and verify_url != found.assertion_url:
        raise _Stop(
            Verdict.TAMPERED,
            f"the SVG's verify attribute ({verify_url}) and its baked "
            f"assertion ({found.assertion_url}) name different assertions.",
        )
    return found


def _decode(source: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Stop(
            Verdict.UNREADABLE,
            f"{source} is neither a PNG, an SVG nor JSON text. {_SOURCE_HINT}.",
        ) from exc


def _not_json_reason(source: str, text: str, exc: json.JSONDecodeError) -> str:
    """Explain why a source is not an assertion, suggesting its .json URL if known."""
    page = _AWARD_PAGE.match(source)
    hint = f"{_SOURCE_HINT}, like {page.group(1)}.json" if page else _SOURCE_HINT
    if text.startswith("<"):
        return f"{source} is an HTML page, not JSON. {hint}."
    return f"{source} is not JSON ({exc.msg}). {hint}."


def _from_text(source: str, text: str, kind: str) -> _Source:
    stripped = text.strip()
    if urlsplit(stripped).scheme in ("http", "https") and not stripped.startswith("{"):
        return _Source(stripped, None, kind)
    try:
        embedded = json.loads(stripped)
    except json.JSONDecodeError as exc:
        if kind == "JSON":
            reason = _not_json_reason(source, stripped, exc)
        else:
            reason = f"the {kind} in {source} is not JSON ({exc.msg})."
        raise _Stop(Verdict.UNREADABLE, reason) from exc
    assertion_url = embedded.get("id") if isinstance(embedded, dict) else None
    if not isinstance(assertion_url, str) or urlsplit(assertion_url).scheme not in (
        "http",
        "https",
    ):
        raise _Stop(
            Verdict.UNREADABLE, f"the {kind} in {source} has no http(s) assertion id."
        )
    return _Source(assertion_url, embedded, kind)


def _fetch_json(fetcher: Fetcher, url: str, what: str) -> dict[str, Any]:
    try:
        data = fetcher.fetch(url)
    except FetchError as exc:
        raise _Stop(Verdict.UNREADABLE, f"the {what} {url} {exc}.") from exc
    if not data.strip():
        raise _Stop(Verdict.UNREADABLE, f"the {what} {url} is empty.")
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Stop(
            Verdict.UNREADABLE, f"the {what} {url} is not JSON ({exc})."
        ) from exc
    if not isinstance(value, dict):
        raise _Stop(Verdict.UNREADABLE, f"the {what} {url} is not a JSON object.")
    return value


def _fetch_assertion(fetcher: Fetcher, url: str) -> dict[str, Any]:
    try:
        hosted = _fetch_json(fetcher, url, "assertion")
    except _Stop as stop:
        if isinstance(stop.__cause__, GoneError):
            raise _Stop(
                Verdict.REVOKED, f"the assertion {url} returned HTTP 410 Gone."
            ) from stop
        raise
    if hosted.get("id") != url:
        raise _Stop(
            Verdict.TAMPERED,
            f"the document at {url} has the id {hosted.get('id')!r}, "
            "not the id the badge names.",
        )
    return hosted


def _fetch_linked(fetcher: Fetcher, url: Any, what: str, kind: str) -> dict[str, Any]:
    if not isinstance(url, str):
        raise _Stop(Verdict.INVALID, f"the {what} link is not a URL: {url!r}.")
    document = _fetch_json(fetcher, url, what)
    if document.get("id") != url:
        raise _Stop(
            Verdict.INVALID, f"the {what} at {url} has the id {document.get('id')!r}."
        )
    _check_document(kind, document)
    return document


def _check_document(kind: str, document: dict[str, Any]) -> None:
    context = document.get("@context")
    if context != OB2_CONTEXT and not (
        isinstance(context, list) and OB2_CONTEXT in context
    ):
        raise _Stop(
            Verdict.INVALID,
            f"{document.get('id')} is not an Open Badges 2.0 document "
            f"(its @context is {context!r}, not {OB2_CONTEXT!r}).",
        )
    # Checked before the schema so the message can explain why an unknown
    # property matters: JSON-LD processing drops terms the context lacks.
    unknown = sorted(set(_keys(document)) - context_terms())
    if unknown:
        raise _Stop(
            Verdict.INVALID,
            f"the {kind} {document.get('id')} uses terms the Open Badges 2.0 context "
            f"does not define, so verifiers ignore them: {', '.join(unknown)}.",
        )
    messages = check_published(kind, document)
    if messages:
        shown = "; ".join(messages[:_SHOWN_MESSAGES])
        more = len(messages) - _SHOWN_MESSAGES
        extra = f" (and {more} more)" if more > 0 else ""
        raise _Stop(
            Verdict.INVALID,
            f"the {kind} does not have the Open Badges 2.0 structure: {shown}{extra}.",
        )


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if not key.startswith("@"):
                yield key
                yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


@cache
def context_terms() -> frozenset[str]:
    """Return the terms of the bundled Open Badges 2.0 JSON-LD context."""
    text = (
        resources.files("generator").joinpath(CONTEXT_FILE).read_text(encoding="utf-8")
    )
    return frozenset(json.loads(text)["@context"])


def _check_image(fetcher: Fetcher, url: str) -> None:
    try:
        data = fetcher.fetch(url)
    except FetchError as exc:
        raise _Stop(Verdict.UNREADABLE, f"the badge image {url} {exc}.") from exc
    if sniff_format(data) not in ("png", "svg"):
        raise _Stop(Verdict.INVALID, f"the badge image {url} is not a PNG or SVG file.")


def _check_scope(url: str, issuer: dict[str, Any]) -> None:
    policy = issuer.get("verification") or {}
    starts = _as_list(policy.get("startsWith"))
    if starts and not any(url.startswith(prefix) for prefix in starts):
        raise _Stop(
            Verdict.INVALID,
            f"the assertion is not under the issuer's verification "
            f"prefix {' or '.join(starts)}, so the issuer does not vouch for it.",
        )
    origins = _as_list(policy.get("allowedOrigins")) or [urlsplit(issuer["id"]).netloc]
    if urlsplit(url).netloc not in origins:
        raise _Stop(
            Verdict.INVALID,
            f"the assertion is hosted on {urlsplit(url).netloc}, not on "
            f"the issuer's host {' or '.join(origins)}.",
        )


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return (
        [item for item in value if isinstance(item, str)]
        if isinstance(value, list)
        else []
    )


def _check_revocation_list(
    fetcher: Fetcher, url: str, issuer: dict[str, Any], report: Report
) -> None:
    list_url = issuer.get("revocationList")
    if not list_url:
        return
    revocations = _fetch_json(fetcher, list_url, "revocation list")
    _check_document("RevocationList", revocations)
    for entry in revocations["revokedAssertions"]:
        if entry.get("id") == url:
            raise _Stop(Verdict.REVOKED, _revoked_reason(entry.get("revocationReason")))
    report.details.append(("revocation list", f"{list_url} does not list it"))


def _revoked_reason(reason: Any) -> str:
    if isinstance(reason, str) and reason.strip():
        return f"the issuer revoked the badge: {reason.strip()}"
    return "the issuer revoked the badge."


def _check_dates(hosted: dict[str, Any], now: datetime, report: Report) -> bool:
    """Check issuedOn and expires; return whether the badge has expired at `now`."""
    issued = datetime.fromisoformat(hosted["issuedOn"])
    report.details.append(("issued on", hosted["issuedOn"]))
    if issued > now:
        raise _Stop(
            Verdict.INVALID,
            f"the badge is issued in the future ({hosted['issuedOn']}).",
        )
    if "expires" not in hosted:
        return False
    expires = datetime.fromisoformat(hosted["expires"])
    report.details.append(("expires", hosted["expires"]))
    if expires < issued:
        raise _Stop(Verdict.INVALID, "the badge expires before it was issued.")
    return expires <= now


def email_problem(email: str) -> str | None:
    """Return why `email` cannot be checked against a recipient, or None.

    The message leaves the address out, so it can be shown without leaking it.
    """
    if not email.strip():
        return "is empty. Give the address the badge was issued to."
    if not is_email(email):
        return (
            "is not a valid email address (the value is not shown). "
            "Give an address like name@example.org."
        )
    return None


def recipient_matches(recipient: dict[str, Any], email: str) -> bool:
    """Return whether an IdentityObject names this email, ignoring case and outer space.

    Hashed identities may use sha256 or md5, in upper- or lower-case hex.
    """
    if recipient.get("type") != "email":
        return False
    identity = str(recipient.get("identity", ""))
    salt = str(recipient.get("salt") or "")
    normalised = email.strip().lower()
    if not recipient.get("hashed"):
        return identity.strip().lower() == normalised
    algorithm, _dollar, digest = identity.partition("$")
    if algorithm.lower() == "sha256":
        return hash_email(normalised, salt) == f"sha256${digest.lower()}"
    if algorithm.lower() == "md5":
        expected = hashlib.md5(
            (normalised + salt).encode("utf-8"), usedforsecurity=False
        )
        return expected.hexdigest() == digest.lower()
    return False


def _changed_keys(embedded: dict[str, Any], hosted: dict[str, Any]) -> list[str]:
    keys = sorted(set(embedded) | set(hosted))
    return [key for key in keys if embedded.get(key) != hosted.get(key)]
