"""Tests of `badgesite verify` against a built test site: PNG, SVG and JSON inputs."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import time
import tracemalloc
import urllib.request
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import MINIMAL, REPO, SVG_ARTWORK, TODAY, copy_site
from validator_harness import free_port, serve_directory

from generator.baking import (
    Chunk,
    bake_png,
    bake_svg,
    clean_png,
    clean_svg,
    read_chunks,
    read_png_assertion,
    read_svg_assertion,
    read_svg_assertions,
    serialize_svg,
    write_chunks,
)
from generator.build import build_site
from generator.cli import main
from generator.openbadges import compact_json, dump_json_bytes
from generator.verify import Verdict, context_terms, recipient_matches, verify_badge

BASE = "https://demo.example.org/badges/"
NOW = datetime(2026, 12, 4, 23, 59, 59, tzinfo=UTC)
ADA = "ada@example.org"


def make_site(root: Path, base_url: str | None = None) -> Path:
    """Copy the minimal site with SVG artwork, build it for TODAY and return output/."""
    copy_site(MINIMAL, root)
    # Test data, not the shipped artwork, which an organiser's copy replaces.
    shutil.copy(SVG_ARTWORK, root / "site_src/artwork/demo-badge.svg")
    badge = root / "content/badges/demo-badge/badge.yml"
    badge.write_text(badge.read_text().replace("demo-badge.png", "demo-badge.svg"))
    output = root / "output"
    build_site(root, output, base_url=base_url, today=TODAY, environ={})
    return output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the output folder of a site built once for this module."""
    return make_site(tmp_path_factory.mktemp("verify") / "site")


@pytest.fixture
def site(built: Path, tmp_path: Path) -> Path:
    """Return a writable copy of the built output, for tests that alter it."""
    return Path(shutil.copytree(built, tmp_path / "output"))


def verify(source: Path | str, site: Path, **options: Any):
    return verify_badge(str(source), site=site, now=NOW, **options)


def cli(runner: CliRunner, *args: str):
    return runner.invoke(main, ["verify", *args, "--today", TODAY])


@pytest.mark.parametrize(
    "source",
    ["assertions/2026-ada.png", "assertions/2026-ada.svg", "assertions/2026-ada.json"],
)
def test_verify_local_file_valid(built: Path, source: str) -> None:
    report = verify(built / source, built)
    kind = {"png": "baked PNG", "svg": "baked SVG", "json": "JSON"}
    assert report.verdict is Verdict.VALID, report.format()
    assert report.reason == (
        f"the hosted assertion at {BASE}assertions/2026-ada.json matches the "
        f"{kind[source.rsplit('.', 1)[1]]}, is current and is not revoked. "
        f"It is issued by Demo Issuer ({BASE}issuer.json)."
    )
    assert ("badge", f"Demo Badge ({BASE}badges/demo-badge.json)") in report.details
    assert ("issuer", f"Demo Issuer ({BASE}issuer.json)") in report.details


def test_verify_url_under_site_valid(built: Path, cli_runner: CliRunner) -> None:
    result = cli(cli_runner, f"{BASE}assertions/2026-ada.svg", "--site", str(built))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"valid: the hosted assertion at {BASE}assertions/2026-ada.json matches "
        "the baked SVG,"
    )
    assert "  read from: baked SVG" in result.output


def test_verify_cli_prints_details(built: Path, cli_runner: CliRunner) -> None:
    result = cli(
        cli_runner, str(built / "assertions/2026-ada.png"), "--site", str(built)
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"valid: the hosted assertion at {BASE}assertions/2026-ada.json matches "
        "the baked PNG, is current and is not revoked. It is issued by Demo Issuer "
        f"({BASE}issuer.json).",
        f"  assertion: {BASE}assertions/2026-ada.json",
        "  read from: baked PNG",
        f"  badge: Demo Badge ({BASE}badges/demo-badge.json)",
        f"  issuer: Demo Issuer ({BASE}issuer.json)",
        f"  revocation list: {BASE}revocations.json does not list it",
        "  issued on: 2026-05-14T00:00:00+01:00",
        "  expires: 2027-05-14T00:00:00+01:00",
    ]


@pytest.mark.parametrize("extension", ["png", "svg", "json"])
def test_verify_expired_badge(
    built: Path, cli_runner: CliRunner, extension: str
) -> None:
    result = cli(
        cli_runner,
        str(built / f"assertions/2024-old.{extension}"),
        "--site",
        str(built),
    )
    assert result.exit_code == 3
    assert result.output.startswith(
        "expired: the badge expired on 2025-03-01T00:00:00Z."
    )


def test_verify_expired_after_today(built: Path) -> None:
    later = datetime(2027, 5, 14, tzinfo=UTC)
    report = verify_badge(str(built / "assertions/2026-ada.png"), site=built, now=later)
    assert report.verdict is Verdict.EXPIRED


@pytest.mark.parametrize("email", [ADA, "  Ada@Example.ORG ", "ADA@EXAMPLE.ORG"])
def test_verify_email_matches(built: Path, cli_runner: CliRunner, email: str) -> None:
    png = str(built / "assertions/2026-ada.png")
    result = cli(cli_runner, png, "--site", str(built), "--email", email)
    assert result.exit_code == 0, result.output
    assert "  recipient: issued to the email address given" in result.output
    assert ADA not in result.output.lower()


@pytest.mark.parametrize("extension", ["png", "svg", "json"])
def test_verify_wrong_email(built: Path, cli_runner: CliRunner, extension: str) -> None:
    source = str(built / f"assertions/2026-ada.{extension}")
    result = cli(cli_runner, source, "--site", str(built), "--email", "eve@example.org")
    assert result.exit_code == 5
    assert result.output.startswith(
        "not issued to this address: "
        "the badge was not issued to the email address given."
    )
    assert "eve@" not in result.output


def test_verify_expired_and_wrong_email(built: Path) -> None:
    report = verify(built / "assertions/2024-old.png", built, email="eve@example.org")
    assert report.verdict is Verdict.NOT_ISSUED


def tampered_png(data: bytes, **changes: Any) -> bytes:
    assertion = json.loads(read_png_assertion(data) or "")
    assertion.update(changes)
    clean, _was_baked = clean_png(data)
    return bake_png(clean, compact_json(assertion))


def tampered_svg(data: bytes, verify_url: str | None = None, **changes: Any) -> bytes:
    url, text = read_svg_assertion(data)
    assertion = json.loads(text or "")
    assertion.update(changes)
    document, _was_baked = clean_svg(data)
    return bake_svg(
        serialize_svg(document), verify_url or url or "", compact_json(assertion)
    )


def test_verify_tampered_png(
    built: Path, tmp_path: Path, cli_runner: CliRunner
) -> None:
    forged = tmp_path / "forged.png"
    data = (built / "assertions/2026-ada.png").read_bytes()
    forged.write_bytes(tampered_png(data, expires="2099-01-01T00:00:00Z"))
    result = cli(cli_runner, str(forged), "--site", str(built))
    assert result.exit_code == 6
    assert result.output.startswith(
        "tampered: the copy of the assertion in the baked PNG differs from the one the "
        "issuer hosts (changed: expires)."
    )


def test_verify_tampered_recipient_svg(built: Path, tmp_path: Path) -> None:
    data = (built / "assertions/2026-ada.svg").read_bytes()
    salt = "k3Yp9dQz"
    identity = "sha256$" + hashlib.sha256(f"eve@example.org{salt}".encode()).hexdigest()
    recipient = {"type": "email", "hashed": True, "salt": salt, "identity": identity}
    forged = tmp_path / "forged.svg"
    forged.write_bytes(tampered_svg(data, recipient=recipient))
    report = verify(forged, built, email="eve@example.org")
    assert report.verdict is Verdict.TAMPERED
    assert "changed: recipient" in report.reason


def test_verify_svg_verify_attribute_mismatch(built: Path, tmp_path: Path) -> None:
    data = (built / "assertions/2026-ada.svg").read_bytes()
    forged = tmp_path / "forged.svg"
    forged.write_bytes(tampered_svg(data, verify_url=f"{BASE}assertions/2024-old.json"))
    report = verify(forged, built)
    assert report.verdict is Verdict.TAMPERED
    assert "name different assertions" in report.reason


def test_verify_hosted_id_mismatch(site: Path) -> None:
    hosted = site / "assertions/2026-ada.json"
    document = json.loads(hosted.read_text())
    document["id"] = f"{BASE}assertions/2024-old.json"
    hosted.write_bytes(dump_json_bytes(document))
    report = verify(site / "assertions/2026-ada.png", site)
    assert report.verdict is Verdict.TAMPERED
    assert f"has the id '{BASE}assertions/2024-old.json'" in report.reason


def write_revoked_stub(site: Path, award_id: str, reason: str) -> None:
    stub = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": f"{BASE}assertions/{award_id}.json",
        "revoked": True,
        "revocationReason": reason,
    }
    (site / f"assertions/{award_id}.json").write_bytes(dump_json_bytes(stub))


@pytest.mark.parametrize("extension", ["png", "svg", "json"])
def test_verify_revoked_stub(site: Path, cli_runner: CliRunner, extension: str) -> None:
    source = site / f"assertions/2026-ada.{extension}"
    baked = source.read_bytes()
    write_revoked_stub(site, "2026-ada", "Evidence was not their own.")
    if extension == "json":
        source = site / "assertions/copy-of-2026-ada.json"
        source.write_bytes(baked)
    result = cli(cli_runner, str(source), "--site", str(site))
    assert result.exit_code == 4
    assert result.output.startswith(
        "revoked: the issuer revoked the badge: Evidence was not their own."
    )


def test_verify_revocation_list(site: Path) -> None:
    issuer_path = site / "issuer.json"
    issuer = json.loads(issuer_path.read_text())
    issuer["revocationList"] = f"{BASE}revocations.json"
    issuer_path.write_bytes(dump_json_bytes(issuer))
    revocations = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "RevocationList",
        "id": f"{BASE}revocations.json",
        "issuer": f"{BASE}issuer.json",
        "revokedAssertions": [
            {"id": f"{BASE}assertions/2026-ada.json", "revocationReason": "Withdrawn."}
        ],
    }
    (site / "revocations.json").write_bytes(dump_json_bytes(revocations))
    revoked = verify(site / "assertions/2026-ada.png", site)
    assert revoked.verdict is Verdict.REVOKED
    assert revoked.reason == "the issuer revoked the badge: Withdrawn."
    other = verify(site / "assertions/2024-old.png", site)
    assert other.verdict is Verdict.EXPIRED
    assert (
        "revocation list",
        f"{BASE}revocations.json does not list it",
    ) in other.details


def test_verify_revoked_by_build(tmp_path: Path) -> None:
    root = tmp_path / "site"
    copy_site(MINIMAL, root)
    output = root / "output"
    build_site(root, output, today=TODAY, environ={})
    # A recipient downloaded the baked images before the revocation.
    saved_png = tmp_path / "downloaded.png"
    saved_png.write_bytes((output / "assertions/2026-ada.png").read_bytes())
    record = root / "assertions/demo-badge/2026-ada.yml"
    record.write_text(
        record.read_text() + "revoked_on: 2026-11-01\nrevocation_reason: Withdrawn.\n"
    )
    build_site(root, output, today=TODAY, environ={})
    stub = json.loads((output / "assertions/2026-ada.json").read_text())
    assert stub["revoked"] is True
    report = verify(f"{BASE}assertions/2026-ada.json", output)
    assert report.verdict is Verdict.REVOKED
    assert report.reason == "the issuer revoked the badge: Withdrawn."
    old_image = verify(str(saved_png), output)
    assert old_image.verdict is Verdict.REVOKED
    issuer = json.loads((output / "issuer.json").read_text())
    assert issuer["revocationList"] == f"{BASE}revocations.json"


def test_verify_out_of_scope_invalid(site: Path, cli_runner: CliRunner) -> None:
    issuer_path = site / "issuer.json"
    issuer = json.loads(issuer_path.read_text())
    issuer["verification"]["startsWith"] = f"{BASE}other-assertions/"
    issuer_path.write_bytes(dump_json_bytes(issuer))
    result = cli(cli_runner, str(site / "assertions/2026-ada.png"), "--site", str(site))
    assert result.exit_code == 7
    assert result.output.startswith(
        f"invalid: the assertion is not under the issuer's verification prefix "
        f"{BASE}other-assertions/"
    )


def rewrite_hosted(site: Path, award_id: str, **changes: Any) -> None:
    path = site / f"assertions/{award_id}.json"
    document = json.loads(path.read_text())
    document.update(changes)
    path.write_bytes(dump_json_bytes(document))


def test_verify_unknown_term_invalid(site: Path) -> None:
    rewrite_hosted(site, "2026-ada", grade="A+")
    report = verify(site / "assertions/2026-ada.json", site)
    assert report.verdict is Verdict.INVALID
    assert "uses terms the Open Badges 2.0 context does not define" in report.reason
    assert report.reason.endswith(": grade.")


def test_verify_structure_invalid(site: Path) -> None:
    rewrite_hosted(site, "2026-ada", issuedOn="2026-05-14")
    report = verify(site / "assertions/2026-ada.json", site)
    assert report.verdict is Verdict.INVALID
    assert "does not have the Open Badges 2.0 structure" in report.reason
    assert "issuedOn" in report.reason


def test_verify_issued_in_future_invalid(built: Path) -> None:
    before = datetime(2026, 5, 1, tzinfo=UTC)
    report = verify_badge(
        str(built / "assertions/2026-ada.png"), site=built, now=before
    )
    assert report.verdict is Verdict.INVALID
    assert report.reason == (
        "the badge is issued in the future (2026-05-14T00:00:00+01:00)."
    )


def test_verify_wrong_context_invalid(site: Path) -> None:
    path = site / "badges/demo-badge.json"
    badge = json.loads(path.read_text())
    badge["@context"] = "https://w3id.org/openbadges/v1"
    path.write_bytes(dump_json_bytes(badge))
    report = verify(site / "assertions/2026-ada.png", site)
    assert report.verdict is Verdict.INVALID
    assert "is not an Open Badges 2.0 document" in report.reason


def test_verify_unreadable_inputs(
    built: Path, tmp_path: Path, cli_runner: CliRunner
) -> None:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01binary")
    not_json = tmp_path / "note.txt"
    not_json.write_text("hello")
    cases = {
        str(
            built / "badges/demo-badge.png"
        ): "is a PNG without a baked Open Badges assertion.",
        str(
            built / "badges/demo-badge.svg"
        ): "is an SVG without a baked Open Badges assertion.",
        str(garbage): "is not JSON",
        str(not_json): "is not JSON",
        str(tmp_path / "missing.png"): "cannot be read (No such file or directory).",
        "https://elsewhere.example/assertions/x.json": "is outside the site's base URL "
        f"{BASE}, and verify never uses the network when --site is given.",
        f"{BASE}assertions/nobody.json": "is not in the site folder",
    }
    for source, message in cases.items():
        result = cli(cli_runner, source, "--site", str(built))
        assert result.exit_code == 1, (source, result.output)
        assert result.output.startswith("unreadable: "), source
        assert message in result.output, source


def test_verify_empty_inputs(site: Path, tmp_path: Path, cli_runner: CliRunner) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    result = cli(cli_runner, str(empty), "--site", str(site))
    assert result.exit_code == 1
    assert result.output.startswith(
        f"unreadable: {empty} is empty. Give the assertion's .json URL or a baked "
        "image."
    )
    blank = tmp_path / "blank.json"
    blank.write_text(" \n")
    result = cli(cli_runner, str(blank), "--site", str(site))
    assert result.exit_code == 1
    assert result.output.startswith(f"unreadable: {blank} contains only whitespace.")
    (site / "badges/demo-badge.json").write_bytes(b"")
    report = verify(site / "assertions/2026-ada.png", site)
    assert report.verdict is Verdict.UNREADABLE
    assert report.reason == f"the badge {BASE}badges/demo-badge.json is empty."


@pytest.mark.parametrize("email", ["", "   ", "maria okafor@example.ac.uk", "ada"])
def test_verify_rejects_malformed_email(
    built: Path, cli_runner: CliRunner, email: str
) -> None:
    png = str(built / "assertions/2026-ada.png")
    result = cli(cli_runner, png, "--site", str(built), "--email", email)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--email'" in result.output
    if email.strip():
        assert email not in result.output
        assert "is not a valid email address" in result.output
    else:
        assert "is empty" in result.output


def png_chunks_after_ihdr(data: bytes, *extra: Chunk) -> bytes:
    chunks = read_chunks(data)
    return write_chunks([chunks[0], *extra, *chunks[1:]])


def compressed_itxt(text: bytes) -> Chunk:
    """Return an openbadges iTXt chunk with compression flag 1, as PNG allows."""
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(text), compressor.flush()]
    return Chunk(b"iTXt", b"openbadges\x00\x01\x00\x00\x00" + b"".join(parts))


def test_verify_compressed_png_chunk_valid(built: Path, tmp_path: Path) -> None:
    baked = (built / "assertions/2026-ada.png").read_bytes()
    clean, _was_baked = clean_png(baked)
    text = (read_png_assertion(baked) or "").encode()
    recompressed = tmp_path / "compressed.png"
    recompressed.write_bytes(png_chunks_after_ihdr(clean, compressed_itxt(text)))
    report = verify(recompressed, built)
    assert report.verdict is Verdict.VALID, report.format()


def test_verify_png_inflate_bomb_bounded(built: Path, tmp_path: Path) -> None:
    clean, _was_baked = clean_png((built / "assertions/2026-ada.png").read_bytes())
    compressor = zlib.compressobj(9)
    block = b" " * (1024 * 1024)
    parts = [compressor.compress(block) for _ in range(50)]
    parts.append(compressor.flush())
    bomb = Chunk(b"iTXt", b"openbadges\x00\x01\x00\x00\x00" + b"".join(parts))
    source = tmp_path / "bomb.png"
    source.write_bytes(png_chunks_after_ihdr(clean, bomb))
    assert source.stat().st_size < 200 * 1024
    tracemalloc.start()
    try:
        report = verify(source, built)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.verdict is Verdict.UNREADABLE, report.format()
    assert report.reason == (
        f"{source} cannot be read: the baked data inflates beyond 10 MB."
    )
    assert peak < 30 * 1024 * 1024


def test_verify_damaged_compressed_chunk(built: Path, tmp_path: Path) -> None:
    clean, _was_baked = clean_png((built / "assertions/2026-ada.png").read_bytes())
    damaged = Chunk(b"iTXt", b"openbadges\x00\x01\x00\x00\x00not zlib data")
    source = tmp_path / "damaged.png"
    source.write_bytes(png_chunks_after_ihdr(clean, damaged))
    report = verify(source, built)
    assert report.verdict is Verdict.UNREADABLE
    assert report.reason.startswith(
        f"{source} has a damaged compressed openbadges chunk"
    )


def test_verify_png_two_assertions_tampered(built: Path, tmp_path: Path) -> None:
    ada = (built / "assertions/2026-ada.png").read_bytes()
    old_text = read_png_assertion((built / "assertions/2024-old.png").read_bytes())
    second = Chunk(b"iTXt", b"openbadges\x00\x00\x00\x00\x00" + old_text.encode())
    source = tmp_path / "two.png"
    source.write_bytes(png_chunks_after_ihdr(ada, second))
    report = verify(source, built)
    assert report.verdict is Verdict.TAMPERED, report.format()
    assert report.reason == (
        f"the image {source} holds 2 baked assertions that differ, but a baked "
        "badge holds exactly one."
    )


def test_verify_url_only_png_valid(built: Path, tmp_path: Path) -> None:
    clean, _was_baked = clean_png((built / "assertions/2026-ada.png").read_bytes())
    url = f"{BASE}assertions/2026-ada.json"
    source = tmp_path / "url-only.png"
    source.write_bytes(bake_png(clean, url))
    report = verify(source, built)
    assert report.verdict is Verdict.VALID, report.format()
    assert report.reason == (
        f"the hosted assertion at {url} is current and is not revoked. "
        f"It is issued by Demo Issuer ({BASE}issuer.json)."
    )


def test_verify_png_repeated_assertion_valid(built: Path, tmp_path: Path) -> None:
    ada = (built / "assertions/2026-ada.png").read_bytes()
    text = read_png_assertion(ada) or ""
    again = Chunk(b"tEXt", b"openbadges\x00" + text.encode())
    source = tmp_path / "again.png"
    source.write_bytes(png_chunks_after_ihdr(ada, again))
    report = verify(source, built)
    assert report.verdict is Verdict.VALID, report.format()


def test_verify_svg_two_assertions_tampered(built: Path, tmp_path: Path) -> None:
    ada = (built / "assertions/2026-ada.svg").read_text()
    old = (built / "assertions/2024-old.svg").read_text()
    start = old.index("<openbadges:assertion")
    end = old.index("</openbadges:assertion>") + len("</openbadges:assertion>")
    source = tmp_path / "two.svg"
    source.write_text(ada.replace("</svg>", old[start:end] + "</svg>"))
    assert len(read_svg_assertions(source.read_bytes())) == 2
    report = verify(source, built)
    assert report.verdict is Verdict.TAMPERED, report.format()
    assert "holds 2 baked assertions that differ" in report.reason


def test_verify_award_page_gives_hint(built: Path, cli_runner: CliRunner) -> None:
    assert (built / "assertions/2026-ada/index.html").is_file()
    page = f"{BASE}assertions/2026-ada/"
    result = cli(cli_runner, page, "--site", str(built))
    assert result.exit_code == 1
    assert result.output.startswith(
        f"unreadable: {page} is an HTML page, not JSON. Give the assertion's .json "
        f"URL or a baked image, like {BASE}assertions/2026-ada.json."
    )


def test_verify_not_json_gives_hint(tmp_path: Path, cli_runner: CliRunner) -> None:
    note = tmp_path / "note.txt"
    note.write_text("hello")
    result = cli(cli_runner, str(note))
    assert result.exit_code == 1
    assert (
        "is not JSON (Expecting value). Give the assertion's .json URL or a baked "
        "image."
    ) in result.output


def test_verify_missing_linked_badge(site: Path) -> None:
    (site / "badges/demo-badge.json").unlink()
    report = verify(site / "assertions/2026-ada.png", site)
    assert report.verdict is Verdict.UNREADABLE
    assert report.reason.startswith(f"the badge {BASE}badges/demo-badge.json is not in")


def test_verify_site_needs_manifest(tmp_path: Path, cli_runner: CliRunner) -> None:
    result = cli(cli_runner, "x.png", "--site", str(tmp_path))
    assert result.exit_code == 2
    assert "has no badgesite.json" in result.output


def test_verify_bad_today_option(built: Path, cli_runner: CliRunner) -> None:
    result = cli_runner.invoke(
        main, ["verify", str(built / "assertions/2026-ada.png"), "--today", "soon"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--today'" in result.output


def test_verify_site_never_uses_network(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("verify --site opened a network connection")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    report = verify(built / "assertions/2026-ada.svg", built)
    assert report.verdict is Verdict.VALID


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """Build the site for a loopback base URL and serve it on that port."""
    port = free_port()
    output = make_site(
        tmp_path_factory.mktemp("served") / "site", f"http://127.0.0.1:{port}/"
    )
    with serve_directory(output, port) as base_url:
        yield output, base_url


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep requests to the test server away from any configured proxy."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


@pytest.mark.parametrize("extension", ["png", "svg", "json"])
def test_verify_over_http_valid(
    served: tuple[Path, str], no_proxy: None, extension: str
) -> None:
    _output, base_url = served
    report = verify_badge(
        f"{base_url}assertions/2026-ada.{extension}", now=NOW, timeout=5
    )
    assert report.verdict is Verdict.VALID, report.format()


def test_verify_local_png_fetches_http(
    served: tuple[Path, str], no_proxy: None
) -> None:
    output, _base_url = served
    report = verify_badge(str(output / "assertions/2024-old.png"), now=NOW, timeout=5)
    assert report.verdict is Verdict.EXPIRED


def test_verify_http_not_found(served: tuple[Path, str], no_proxy: None) -> None:
    _output, base_url = served
    report = verify_badge(f"{base_url}assertions/nobody.json", now=NOW, timeout=5)
    assert report.verdict is Verdict.UNREADABLE
    assert "returned HTTP 404" in report.reason


class _GoneHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - name fixed by http.server
        self.send_response(410)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Drop the per-request log line."""


def test_verify_http_gone_is_revoked(no_proxy: None) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GoneHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/assertions/x.json"
        report = verify_badge(url, now=NOW, timeout=5)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert report.verdict is Verdict.REVOKED
    assert "410 Gone" in report.reason


class _TrickleHandler(BaseHTTPRequestHandler):
    """Send a response one byte at a time, in the headers or in the body."""

    delay = 0.2
    steps = 40  # bytes sent before giving up, so a failing test ends in ~8 s

    def do_GET(self) -> None:  # noqa: N802 - name fixed by http.server
        body = b"{" + b" " * 1000 + b"}"
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        if self.path.endswith("/slow-head.json"):
            self._trickle(head)
        else:
            self.wfile.write(head)
            self.wfile.flush()
            self._trickle(body)
        self.close_connection = True

    def _trickle(self, data: bytes) -> None:
        for index in range(min(len(data), self.steps)):
            try:
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
            except OSError:
                return
            time.sleep(self.delay)

    def log_message(self, format: str, *args: Any) -> None:
        """Drop the per-request log line."""


@pytest.mark.parametrize("path", ["slow-body.json", "slow-head.json"])
def test_verify_timeout_bounds_slow_server(no_proxy: None, path: str) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TrickleHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/assertions/{path}"
        started = time.monotonic()
        report = verify_badge(url, now=NOW, timeout=1)
        elapsed = time.monotonic() - started
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert report.verdict is Verdict.UNREADABLE, report.format()
    assert report.reason == f"{url} timed out after 1 s."
    assert elapsed < 3


def test_verify_exit_codes_distinct() -> None:
    codes = {verdict: verdict.exit_code for verdict in Verdict}
    assert codes[Verdict.VALID] == 0
    assert 2 not in codes.values()
    assert len(set(codes.values())) == len(codes)


def test_recipient_matches_cases() -> None:
    salt = "k3Yp9dQz"
    digest = "4f7270ddbd61cba174b8ffde94aac6dd7ef965c0acf80eaf2ed957f29c3e21d9"
    hashed = {"type": "email", "hashed": True, "salt": salt}
    assert recipient_matches(
        {**hashed, "identity": f"sha256${digest}"}, " Alice@Example.org "
    )
    assert recipient_matches(
        {**hashed, "identity": f"sha256${digest.upper()}"}, "alice@example.org"
    )
    assert not recipient_matches(
        {**hashed, "identity": f"sha256${digest}"}, "bob@example.org"
    )
    md5 = hashlib.md5(b"alice@example.org" + salt.encode()).hexdigest()
    assert recipient_matches({**hashed, "identity": f"md5${md5}"}, "ALICE@example.org")
    plain = {"type": "email", "hashed": False, "identity": "alice@example.org"}
    assert recipient_matches(plain, "Alice@Example.org")
    assert not recipient_matches({**plain, "type": "url"}, "alice@example.org")


def test_verify_uppercase_stored_hash(tmp_path: Path) -> None:
    root = tmp_path / "site"
    copy_site(MINIMAL, root)
    record = root / "assertions/demo-badge/2024-old.yml"
    digest = "4f7270ddbd61cba174b8ffde94aac6dd7ef965c0acf80eaf2ed957f29c3e21d9"
    record.write_text(record.read_text().replace(digest, digest.upper()))
    output = root / "output"
    build_site(root, output, today=TODAY, environ={})
    published = json.loads((output / "assertions/2024-old.json").read_text())
    assert published["recipient"]["identity"] == f"sha256${digest}"
    then = datetime(2024, 6, 1, tzinfo=UTC)
    report = verify_badge(
        str(output / "assertions/2024-old.png"),
        email=" ALICE@example.org",
        site=output,
        now=then,
    )
    assert report.verdict is Verdict.VALID, report.format()


def test_context_bundled_in_package() -> None:
    bundled = resources.files("generator").joinpath("ob-v2-context.json").read_bytes()
    assert bundled == (REPO / "tests/validator/ob-v2-context.json").read_bytes()
    assert {"issuedOn", "recipient", "revocationList", "revoked"} <= context_terms()
