"""Tests of the validator harness against a small handmade Open Badges 2.0 site."""

import hashlib
import io
import json
import socket
import struct
import subprocess
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from PIL import Image
from validator_harness import (
    RUN_SCRIPT,
    free_port,
    run_validator,
    serve_directory,
    unbake,
    validator_python,
)

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
RECIPIENT_EMAIL = "alice@example.org"
OTHER_EMAIL = "bob@example.org"
SALT = "k3Yp9dQz"
ISSUED_ON = "2024-05-14T00:00:00Z"
PAST_EXPIRY = "2024-06-14T00:00:00Z"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class BadgeSite(NamedTuple):
    """A served test site: its folder, base URL and valid assertion with its text."""

    root: Path
    base_url: str
    valid_assertion: dict[str, Any]
    valid_assertion_text: str


def hash_email(email: str, salt: str) -> str:
    """Return the Open Badges 2.0 identity hash of an email with its salt."""
    return "sha256$" + hashlib.sha256((email + salt).encode("utf-8")).hexdigest()


def make_artwork_png() -> bytes:
    """Draw a small PNG badge image with Pillow."""
    image = Image.new("RGB", (32, 32), (30, 110, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def bake_png(artwork: bytes, text: str) -> bytes:
    """Return the PNG with an uncompressed iTXt `openbadges` chunk after IHDR."""
    assert artwork[:8] == PNG_SIGNATURE
    assert artwork[12:16] == b"IHDR"
    (ihdr_length,) = struct.unpack(">I", artwork[8:12])
    ihdr_end = 8 + 4 + 4 + ihdr_length + 4  # signature, length, type, data, CRC

    # Keyword, NUL, compression flag 0, method 0, empty language tag and
    # translated keyword (each NUL-terminated), then the UTF-8 text.
    data = b"openbadges" + b"\x00" * 5 + text.encode("utf-8")
    crc = zlib.crc32(b"iTXt" + data)
    chunk = struct.pack(">I", len(data)) + b"iTXt" + data + struct.pack(">I", crc)
    return artwork[:ihdr_end] + chunk + artwork[ihdr_end:]


def bake_svg(assertion_id: str, text: str) -> str:
    """Return a small SVG badge with the assertion baked in as OB 2.0 requires."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:openbadges="http://openbadges.org" viewBox="0 0 32 32">'
        f'<openbadges:assertion verify="{assertion_id}"><![CDATA[{text}]]>'
        "</openbadges:assertion>"
        '<circle cx="16" cy="16" r="15" fill="#1e6ec8"/></svg>'
    )


def make_assertion(base_url: str, name: str, **extra: Any) -> dict[str, Any]:
    """Build a hosted assertion for the recipient email, with extra properties."""
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": f"{base_url}assertions/{name}.json",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": SALT,
            "identity": hash_email(RECIPIENT_EMAIL, SALT),
        },
        "badge": f"{base_url}badges/harness.json",
        "issuedOn": ISSUED_ON,
        "verification": {"type": "hosted"},
        **extra,
    }


def write_json(path: Path, document: dict[str, Any]) -> str:
    """Write a JSON document, creating folders, and return the text written."""
    text = json.dumps(document, indent=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


def write_site(root: Path, base_url: str) -> tuple[dict[str, Any], str]:
    """Write issuer, badge class, artwork and assertions under `root`."""
    write_json(
        root / "issuer.json",
        {
            "@context": OB2_CONTEXT,
            "type": "Issuer",
            "id": f"{base_url}issuer.json",
            "name": "Harness Test Issuer",
            "url": base_url,
            "email": "badges@example.org",
        },
    )
    write_json(
        root / "badges" / "harness.json",
        {
            "@context": OB2_CONTEXT,
            "type": "BadgeClass",
            "id": f"{base_url}badges/harness.json",
            "name": "Harness Test Badge",
            "description": "Awarded to the test recipient of the validator harness.",
            "image": f"{base_url}badges/harness.png",
            "criteria": {
                "id": f"{base_url}badges/harness/criteria/",
                "narrative": "Be the recipient of this test.",
            },
            "issuer": f"{base_url}issuer.json",
        },
    )
    artwork = make_artwork_png()
    (root / "badges" / "harness.png").write_bytes(artwork)

    valid = make_assertion(base_url, "valid", image=f"{base_url}assertions/valid.png")
    valid_text = write_json(root / "assertions" / "valid.json", valid)
    write_json(
        root / "assertions" / "expired.json",
        make_assertion(base_url, "expired", expires=PAST_EXPIRY),
    )
    (root / "assertions" / "valid.png").write_bytes(bake_png(artwork, valid_text))
    (root / "assertions" / "valid.svg").write_text(
        bake_svg(valid["id"], valid_text), encoding="utf-8"
    )
    (root / "assertions" / "unbaked.png").write_bytes(artwork)
    return valid, valid_text


@pytest.fixture(scope="module")
def badge_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BadgeSite]:
    """Write the test site for a free port, then serve it on that port."""
    root = tmp_path_factory.mktemp("site")
    port = free_port()
    valid, valid_text = write_site(root, f"http://127.0.0.1:{port}/")
    with serve_directory(root, port) as base_url:
        yield BadgeSite(root, base_url, valid, valid_text)


def error_messages(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the ERROR-level messages of one validator result."""
    return [message for message in result["messages"] if message["level"] == "ERROR"]


def fetch(url: str) -> tuple[int, str, bytes]:
    """GET a URL without any proxy and return status, content type and body."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_serve_directory_content_types(badge_site: BadgeSite) -> None:
    cases = {
        "issuer.json": "application/json; charset=utf-8",
        "badges/harness.png": "image/png",
        "assertions/valid.svg": "image/svg+xml",
    }
    for path, content_type in cases.items():
        status, served_type, body = fetch(badge_site.base_url + path)
        assert status == 200, path
        assert served_type == content_type, path
        assert body == (badge_site.root / path).read_bytes(), path


def test_serve_directory_html_index(tmp_path: Path) -> None:
    page = tmp_path / "criteria" / "index.html"
    page.parent.mkdir()
    page.write_text("<p>Criteria</p>", encoding="utf-8")
    with serve_directory(tmp_path) as base_url:
        status, content_type, body = fetch(base_url + "criteria/")
    assert status == 200
    assert content_type == "text/html; charset=utf-8"
    assert body == b"<p>Criteria</p>"


def test_serve_directory_missing_file_404(tmp_path: Path) -> None:
    with serve_directory(tmp_path) as base_url:
        with pytest.raises(urllib.error.HTTPError) as raised:
            fetch(base_url + "missing.json")
    assert raised.value.code == 404


def test_serve_directory_closes_port(tmp_path: Path) -> None:
    port = free_port()
    with serve_directory(tmp_path, port) as base_url:
        assert base_url == f"http://127.0.0.1:{port}/"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


def test_serve_directory_rejects_file(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    with pytest.raises(NotADirectoryError):
        with serve_directory(not_a_folder):
            pass


@pytest.mark.validator
def test_validator_hosted_assertion_valid(badge_site: BadgeSite) -> None:
    url = badge_site.valid_assertion["id"]
    [result] = run_validator([url])
    assert result["input"] == url
    assert result["errorCount"] == 0, result["messages"]
    assert result["warningCount"] == 0, result["messages"]
    assert result["valid"] is True


@pytest.mark.validator
def test_validator_expired_assertion_invalid(badge_site: BadgeSite) -> None:
    [result] = run_validator([badge_site.base_url + "assertions/expired.json"])
    errors = error_messages(result)
    assert result["valid"] is False
    assert result["errorCount"] == len(errors)
    assert [message["name"] for message in errors] == ["ASSERTION_TIMESTAMP_CHECKS"], (
        errors
    )
    assert f"expired on {PAST_EXPIRY}" in errors[0]["result"]


@pytest.mark.validator
def test_validator_baked_png_valid(badge_site: BadgeSite) -> None:
    path = badge_site.root / "assertions" / "valid.png"
    [result] = run_validator([path])
    assert result["input"] == str(path)
    assert result["errorCount"] == 0, result["messages"]
    assert result["valid"] is True


@pytest.mark.validator
def test_validator_baked_svg_valid(badge_site: BadgeSite) -> None:
    [result] = run_validator([badge_site.root / "assertions" / "valid.svg"])
    assert result["errorCount"] == 0, result["messages"]
    assert result["valid"] is True


@pytest.mark.validator
def test_validator_unbaked_png_invalid(badge_site: BadgeSite) -> None:
    [result] = run_validator([badge_site.root / "assertions" / "unbaked.png"])
    assert result["valid"] is False
    assert result["errorCount"] == 1
    assert result["messages"][0]["level"] == "ERROR"
    assert result["messages"][0]["name"] == "UNCAUGHT_EXCEPTION"


@pytest.mark.validator
def test_validator_several_inputs_in_order(badge_site: BadgeSite) -> None:
    inputs = [
        badge_site.base_url + "assertions/expired.json",
        badge_site.valid_assertion["id"],
    ]
    results = run_validator(inputs)
    assert [result["input"] for result in results] == inputs
    assert [result["valid"] for result in results] == [False, True]


@pytest.mark.validator
def test_unbake_png_returns_assertion(badge_site: BadgeSite) -> None:
    text = unbake(badge_site.root / "assertions" / "valid.png")
    assert text == badge_site.valid_assertion_text
    assert json.loads(text) == badge_site.valid_assertion


@pytest.mark.validator
def test_unbake_svg_returns_verify_url(badge_site: BadgeSite) -> None:
    text = unbake(badge_site.root / "assertions" / "valid.svg")
    assert text == badge_site.valid_assertion["id"]


@pytest.mark.validator
def test_unbake_unbaked_png_raises(badge_site: BadgeSite) -> None:
    with pytest.raises(RuntimeError, match="no Open Badges data"):
        unbake(badge_site.root / "assertions" / "unbaked.png")


@pytest.mark.validator
def test_validator_recipient_email_matches(badge_site: BadgeSite) -> None:
    url = badge_site.valid_assertion["id"]
    [result] = run_validator([url], recipient=RECIPIENT_EMAIL)
    assert result["errorCount"] == 0, result["messages"]
    assert result["valid"] is True


@pytest.mark.validator
def test_validator_recipient_email_mismatch(badge_site: BadgeSite) -> None:
    url = badge_site.valid_assertion["id"]
    [result] = run_validator([url], recipient=OTHER_EMAIL)
    errors = error_messages(result)
    assert result["valid"] is False
    assert [message["name"] for message in errors] == ["VERIFY_RECIPIENT_IDENTIFIER"], (
        errors
    )


@pytest.mark.validator
@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/assertions/valid.json",
        "https://localhost/assertions/valid.json",
        "http://127.0.0.1.example.org/assertions/valid.json",
        "http://127.0.0.1@example.org/assertions/valid.json",
        "http://[::1]:8000/assertions/valid.json",
        "ftp://127.0.0.1/assertions/valid.json",
    ],
)
def test_run_validator_script_rejects_url(url: str) -> None:
    completed = subprocess.run(
        [str(validator_python()), str(RUN_SCRIPT), url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert repr(url) in completed.stderr


@pytest.mark.validator
def test_run_validator_script_rejects_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.png"
    completed = subprocess.run(
        [str(validator_python()), str(RUN_SCRIPT), str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert "file not found" in completed.stderr


@pytest.mark.validator
def test_run_validator_raises_for_other_host(badge_site: BadgeSite) -> None:
    inputs = [badge_site.valid_assertion["id"], "http://example.org/a.json"]
    with pytest.raises(RuntimeError, match="only 127.0.0.1 is allowed"):
        run_validator(inputs)


def test_run_validator_rejects_empty_inputs() -> None:
    with pytest.raises(ValueError, match="inputs is empty"):
        run_validator([])
