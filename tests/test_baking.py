"""Baking and artwork: one openbadges chunk, cleaning, format sniffing, size warning."""

from __future__ import annotations

import io
import json
import zlib

import pytest
from conftest import TODAY
from PIL import Image

from generator import baking
from generator.build import build_site
from generator.errors import BuildFailed, Severity

ARTWORK = "site_src/artwork/demo-badge.png"


def _png(size: int = 8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (10, 20, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _openbadges_chunks(data: bytes) -> list[baking.Chunk]:
    return [
        c
        for c in baking.read_chunks(data)
        if c.kind in (b"iTXt", b"tEXt") and c.data.startswith(b"openbadges\x00")
    ]


def test_bake_png_one_uncompressed_itxt_after_ihdr():
    baked = baking.bake_png(_png(), '{"id": "https://x.example/a.json", "name": "Zoë"}')
    chunks = baking.read_chunks(baked)
    assert chunks[1].kind == b"iTXt"
    assert chunks[1].data.startswith(b"openbadges\x00\x00\x00\x00\x00")
    assert len(_openbadges_chunks(baked)) == 1
    assert json.loads(baking.read_png_assertion(baked))["name"] == "Zoë"
    with Image.open(io.BytesIO(baked)) as image:
        image.load()  # still a valid PNG for an ordinary decoder


def test_clean_png_removes_earlier_bake():
    baked = baking.bake_png(_png(), '{"old": true}')
    clean, was_baked = baking.clean_png(baked)
    assert was_baked
    assert _openbadges_chunks(clean) == []
    rebaked = baking.bake_png(clean, '{"new": true}')
    assert len(_openbadges_chunks(rebaked)) == 1


def test_read_chunks_rejects_bad_crc():
    data = bytearray(_png())
    data[-5] ^= 0xFF  # flip a bit of the IEND CRC
    with pytest.raises(baking.ArtworkError, match="damaged PNG chunk"):
        baking.read_chunks(bytes(data))


def test_bake_svg_splits_cdata_terminator():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        b'<rect width="5" height="5"/></svg>'
    )
    text = json.dumps({"id": "https://x.example/a.json", "narrative": "a ]]> b"})
    baked = baking.bake_svg(svg, "https://x.example/a.json", text)
    assert baked.startswith(b"<svg")
    verify, body = baking.read_svg_assertion(baked)
    assert verify == "https://x.example/a.json"
    assert json.loads(body)["narrative"] == "a ]]> b"
    document, was_baked = baking.clean_svg(baked)
    assert was_baked
    rebaked = baking.bake_svg(
        baking.serialize_svg(document), "https://x.example/b.json", "{}"
    )
    assert rebaked.count(b"openbadges:assertion verify") == 1


SVG_OPEN = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<script>alert(1)</script>", "the element <script>"),
        (b"<foreignObject/>", "the element <foreignObject>"),
        (b'<rect onclick="alert(1)"/>', "the event handler 'onclick' on <rect>"),
        (b'<a xlink:href="javascript:alert(3)"><rect/></a>', "javascript: URL"),
        (b'<a href=" JaVa&#9;ScRiPt:alert(4)"><rect/></a>', "javascript: URL"),
        (b'<set attributeName="href" to="javascript:alert(5)"/>', "javascript: URL"),
        (b"<style>@import url(https://evil.example/x.css);</style>", "CSS @import"),
        (
            b'<use href="https://evil.example/s.svg#a"/>',
            "'https://evil.example/s.svg#a'",
        ),
        (b'<image href="https://tracker.example/p.png"/>', "external reference"),
        (b'<rect fill="url(https://evil.example/p.svg#g)"/>', "external reference"),
        (b"<rect style=\"fill: url('//evil.example/g')\"/>", "external reference"),
    ],
)
def test_parse_svg_rejects_unsafe_svg(body, fragment):
    with pytest.raises(baking.ArtworkError) as caught:
        baking.parse_svg(SVG_OPEN + body + b"</svg>")
    assert fragment in caught.value.message


def test_parse_svg_lists_every_unsafe_part():
    body = b'<script/><rect onload="x"/><use href="https://e.example/a"/>'
    with pytest.raises(baking.ArtworkError) as caught:
        baking.parse_svg(SVG_OPEN + body + b"</svg>")
    assert caught.value.message.count(";") == 2


def test_parse_svg_allows_local_references():
    body = (
        b'<defs><linearGradient id="g"/></defs><rect fill="url(#g)"/>'
        b'<use xlink:href="#g"/><image href="data:image/png;base64,iVBORw0KGgo="/>'
    )
    document = baking.parse_svg(SVG_OPEN + body + b"</svg>")
    assert document.documentElement.localName == "svg"


def test_parse_svg_rejects_entities():
    data = b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    with pytest.raises(baking.ArtworkError, match="not a safe SVG"):
        baking.parse_svg(data)


def test_jpeg_named_png_is_rejected(site_tree):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="JPEG")
    (site_tree / ARTWORK).write_bytes(buffer.getvalue())
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    (problem,) = caught.value.problems
    assert problem.path == ARTWORK
    assert problem.message == "is named .png but its bytes are JPEG."


def test_prebaked_artwork_is_cleaned_not_baked_twice(site_tree, tmp_path):
    artwork = site_tree / ARTWORK
    artwork.write_bytes(baking.bake_png(artwork.read_bytes(), '{"stale": true}'))
    result = build_site(site_tree, tmp_path / "out", today=TODAY, environ={})
    assert any(
        "already contains a baked assertion" in w.message for w in result.warnings
    )
    baked = (tmp_path / "out/assertions/2026-ada.png").read_bytes()
    assert len(_openbadges_chunks(baked)) == 1
    assert "stale" not in baking.read_png_assertion(baked)
    assert (
        _openbadges_chunks((tmp_path / "out/badges/demo-badge.png").read_bytes()) == []
    )


def test_large_artwork_warns(site_tree, tmp_path):
    image = Image.frombytes("RGB", (400, 400), bytes(range(256)) * 1875)
    image.save(site_tree / ARTWORK, format="PNG", compress_level=0)
    assert (site_tree / ARTWORK).stat().st_size > 256 * 1024
    result = build_site(site_tree, tmp_path / "out", today=TODAY, environ={})
    (warning,) = [w for w in result.warnings if w.path == ARTWORK]
    assert warning.severity is Severity.WARNING
    assert "over 256 KB" in warning.message
    with pytest.raises(BuildFailed):
        build_site(site_tree, tmp_path / "strict", today=TODAY, strict=True, environ={})


def test_svg_artwork_gets_png_and_baked_svg(shipped_tree, tmp_path):
    output = tmp_path / "out"
    build_site(shipped_tree, output, today=TODAY, environ={})
    png = (output / "badges/he-industry-dialogue.png").read_bytes()
    assert baking.sniff_format(png) == "png"
    baked_svg = (output / "assertions/2026-maria-okafor.svg").read_bytes()
    assert baked_svg.startswith(b"<svg")
    verify, body = baking.read_svg_assertion(baked_svg)
    hosted = json.loads((output / "assertions/2026-maria-okafor.json").read_text())
    assert verify == hosted["id"]
    assert json.loads(body) == hosted


def _with_text_chunks(data: bytes, *payloads: tuple[bytes, bytes]) -> bytes:
    """Insert (chunk type, chunk data) pairs right after IHDR."""
    chunks = baking.read_chunks(data)
    extra = [baking.Chunk(kind, body) for kind, body in payloads]
    return baking.write_chunks([chunks[0], *extra, *chunks[1:]])


def _compressed_itxt(text: bytes) -> tuple[bytes, bytes]:
    # keyword, NUL, compression flag 1, method 0, empty language and
    # translated keyword, each ended by NUL, then zlib data.
    return b"iTXt", b"openbadges\x00\x01\x00\x00\x00" + zlib.compress(text)


def test_read_png_assertions_all_kinds():
    png = _with_text_chunks(
        _png(),
        _compressed_itxt('{"name": "Zoë"}'.encode()),
        (b"tEXt", b"openbadges\x00plain"),
        (b"zTXt", b"openbadges\x00\x00" + zlib.compress(b"zipped")),
    )
    texts = baking.read_png_assertions(png)
    assert texts == ['{"name": "Zoë"}', "plain", "zipped"]
    assert baking.read_png_assertion(png) == '{"name": "Zoë"}'


def test_read_png_assertions_caps_total_inflated():
    one = _compressed_itxt(b"x" * 600)
    assert baking.read_png_assertions(_with_text_chunks(_png(), one), 1000) == [
        "x" * 600
    ]
    two = _with_text_chunks(_png(), one, one)
    with pytest.raises(baking.ArtworkError, match="inflates beyond"):
        baking.read_png_assertions(two, 1000)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"openbadges\x00\x01\x00\x00\x00not zlib", "damaged compressed"),
        (
            b"openbadges\x00\x01\x00\x00\x00" + zlib.compress(b"{}" * 100)[:-6],
            "truncated compressed",
        ),
        (b"openbadges\x00\x00\x00no-nul", "truncated openbadges iTXt"),
        (b"openbadges\x00\x00\x00\x00\x00\xff\xfe", "not UTF-8"),
    ],
)
def test_read_png_assertions_damaged_itxt(payload: bytes, message: str):
    png = _with_text_chunks(_png(), (b"iTXt", payload))
    with pytest.raises(baking.ArtworkError, match=message):
        baking.read_png_assertions(png)


def test_read_svg_assertions_finds_every_element():
    first = '{"id": "https://x.example/a.json"}'
    baked = baking.bake_svg(
        b'<svg xmlns="http://www.w3.org/2000/svg"/>', "https://x.example/a.json", first
    )
    second = (
        b'<openbadges:assertion verify="https://x.example/b.json">'
        b"</openbadges:assertion></svg>"
    )
    doubled = baked.replace(b"</svg>", second)
    assert baking.read_svg_assertions(doubled) == [
        ("https://x.example/a.json", first),
        ("https://x.example/b.json", None),
    ]
    assert baking.read_svg_assertion(doubled) == ("https://x.example/a.json", first)
