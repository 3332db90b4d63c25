"""Read badge artwork, clean it, and bake Open Badges 2.0 assertions into it.

PNG: one uncompressed iTXt chunk with keyword `openbadges`, right after IHDR.
SVG: an `<openbadges:assertion verify=URL>` first child holding the JSON in CDATA.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from dataclasses import dataclass
from xml.dom.minidom import Document, Element

import defusedxml.minidom
from defusedxml import DefusedXmlException
from PIL import Image, UnidentifiedImageError

from generator.errors import InputError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OPENBADGES_KEYWORD = b"openbadges"
OPENBADGES_NAMESPACE = "http://openbadges.org"
_TEXT_CHUNKS = {b"iTXt", b"tEXt", b"zTXt"}
_SVG_START = re.compile(rb"<svg[\s>]")
_CDATA_END = "]]>"
# A few kilobytes of zlib data can inflate to gigabytes, so reading baked text
# stops at this size, the same limit verify puts on a downloaded file.
MAX_TEXT_BYTES = 10 * 1024 * 1024


class ArtworkError(InputError):
    """Raised when artwork bytes cannot be used, with the reason and the fix."""


@dataclass(frozen=True)
class Chunk:
    """One PNG chunk: its four-letter type and its data."""

    kind: bytes
    data: bytes


def sniff_format(data: bytes) -> str:
    """Return 'png', 'svg', 'jpeg', 'gif', 'webp' or 'unknown' from the bytes."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if _SVG_START.search(data[:1024]):
        return "svg"
    return "unknown"


def read_chunks(data: bytes) -> list[Chunk]:
    """Split a PNG into chunks, checking the signature and every CRC."""
    if not data.startswith(PNG_SIGNATURE):
        raise ArtworkError("is not a PNG file.", "Export the artwork as PNG.")
    chunks = []
    offset = len(PNG_SIGNATURE)
    while offset < len(data):
        if offset + 8 > len(data):
            raise ArtworkError("is a truncated PNG.", "Export the artwork again.")
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        crc_bytes = data[offset + 8 + length : offset + 12 + length]
        if len(body) != length or len(crc_bytes) != 4:
            raise ArtworkError("is a truncated PNG.", "Export the artwork again.")
        if struct.unpack(">I", crc_bytes)[0] != zlib.crc32(kind + body):
            raise ArtworkError(
                f"has a damaged PNG chunk ({kind.decode('latin-1')}).",
                "Export the artwork again.",
            )
        chunks.append(Chunk(kind, body))
        offset += 12 + length
        if kind == b"IEND":
            break
    if not chunks or chunks[0].kind != b"IHDR" or chunks[-1].kind != b"IEND":
        raise ArtworkError("is not a complete PNG.", "Export the artwork again.")
    return chunks


def write_chunks(chunks: list[Chunk]) -> bytes:
    """Join chunks into PNG bytes."""
    out = io.BytesIO()
    out.write(PNG_SIGNATURE)
    for chunk in chunks:
        out.write(struct.pack(">I", len(chunk.data)))
        out.write(chunk.kind)
        out.write(chunk.data)
        out.write(struct.pack(">I", zlib.crc32(chunk.kind + chunk.data)))
    return out.getvalue()


def _is_openbadges_chunk(chunk: Chunk) -> bool:
    return chunk.kind in _TEXT_CHUNKS and chunk.data.startswith(
        OPENBADGES_KEYWORD + b"\x00"
    )


def clean_png(data: bytes) -> tuple[bytes, bool]:
    """Drop baked `openbadges` chunks and tIME chunks; return (bytes, was_baked)."""
    chunks = read_chunks(data)
    kept = [c for c in chunks if not _is_openbadges_chunk(c) and c.kind != b"tIME"]
    was_baked = any(_is_openbadges_chunk(c) for c in chunks)
    return write_chunks(kept), was_baked


def png_size(data: bytes) -> tuple[int, int]:
    """Decode a PNG fully and return (width, height); raise ArtworkError if broken."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return image.size
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ArtworkError(
            f"cannot be decoded as PNG ({exc}).", "Export it again."
        ) from exc


def bake_png(clean: bytes, assertion_json: str) -> bytes:
    """Return the PNG with one uncompressed iTXt `openbadges` chunk after IHDR."""
    chunks = read_chunks(clean)
    # keyword, NUL, compression flag 0, method 0, empty language, NUL,
    # empty translated keyword, NUL, then UTF-8 text.
    payload = (
        OPENBADGES_KEYWORD + b"\x00\x00\x00\x00\x00" + assertion_json.encode("utf-8")
    )
    return write_chunks([chunks[0], Chunk(b"iTXt", payload), *chunks[1:]])


def read_png_assertion(data: bytes, max_bytes: int = MAX_TEXT_BYTES) -> str | None:
    """Return the text of the first `openbadges` text chunk, or None."""
    texts = read_png_assertions(data, max_bytes)
    return texts[0] if texts else None


def read_png_assertions(data: bytes, max_bytes: int = MAX_TEXT_BYTES) -> list[str]:
    """Return the text of every `openbadges` iTXt, tEXt or zTXt chunk, in file order.

    Raises ArtworkError when the PNG or a chunk is damaged, or when compressed
    chunks inflate to more than `max_bytes` bytes in total.
    """
    texts = []
    budget = max_bytes
    for chunk in read_chunks(data):
        if not _is_openbadges_chunk(chunk):
            continue
        text, inflated = _chunk_text(chunk, budget, max_bytes)
        budget -= inflated
        texts.append(text)
    return texts


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _chunk_text(chunk: Chunk, budget: int, limit: int) -> tuple[str, int]:
    """Return a text chunk's text and how many bytes inflating it produced."""
    rest = chunk.data[len(OPENBADGES_KEYWORD) + 1 :]
    if chunk.kind == b"tEXt":
        return rest.decode("latin-1"), 0
    if chunk.kind == b"zTXt":
        inflated = _inflate(rest[1:], budget, limit)
        return inflated.decode("latin-1"), len(inflated)
    # iTXt: compression flag, method, language tag, NUL, translated keyword, NUL.
    language_end = rest.find(b"\x00", 2)
    keyword_end = rest.find(b"\x00", language_end + 1) if language_end >= 0 else -1
    if keyword_end < 0:
        raise ArtworkError(
            "has a truncated openbadges iTXt chunk.", "Bake the badge again."
        )
    compressed = rest[0] != 0
    body = rest[keyword_end + 1 :]
    if compressed:
        body = _inflate(body, budget, limit)
    try:
        return body.decode("utf-8"), len(body) if compressed else 0
    except UnicodeDecodeError as exc:
        raise ArtworkError(
            f"has an openbadges iTXt chunk that is not UTF-8 text ({exc.reason}).",
            "Bake the badge again.",
        ) from exc


def _inflate(data: bytes, max_bytes: int, limit: int) -> bytes:
    """Decompress zlib data, stopping once the output passes `max_bytes`.

    `limit` is the total over all chunks, which the error message names.
    """
    inflater = zlib.decompressobj()
    try:
        # max_length 0 would mean no limit, so the argument is always at least 1.
        inflated = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise ArtworkError(
            f"has a damaged compressed openbadges chunk ({exc}).",
            "Bake the badge again.",
        ) from exc
    if len(inflated) > max_bytes:
        raise ArtworkError(
            f"cannot be read: the baked data inflates beyond {_megabytes(limit)}.",
            "Bake the badge again without compression.",
        )
    if not inflater.eof:
        raise ArtworkError(
            "has a truncated compressed openbadges chunk.", "Bake the badge again."
        )
    return inflated


def parse_svg(data: bytes) -> Document:
    """Parse SVG bytes safely; raise ArtworkError when it is not usable artwork."""
    try:
        document = defusedxml.minidom.parseString(data)
    except (DefusedXmlException, ValueError) as exc:
        raise ArtworkError(
            f"is not a safe SVG file ({exc}).", "Remove DTDs and entities."
        ) from exc
    except Exception as exc:  # expat raises its own ExpatError type
        raise ArtworkError(f"is not well-formed SVG ({exc}).", "Fix the XML.") from exc
    root = document.documentElement
    if root.localName != "svg":
        raise ArtworkError("has no <svg> root element.", "Export the artwork as SVG.")
    findings = []
    for element in [root, *root.getElementsByTagName("*")]:
        findings += _unsafe_parts(element)
    if findings:
        raise ArtworkError(
            f"contains active or external content: {'; '.join(findings)}.",
            "Remove it: every recipient's badge page serves this SVG from the badge "
            "site, so it may hold only drawing and #fragment references.",
        )
    return document


# Elements that run code, embed other documents or navigate.
_FORBIDDEN_ELEMENTS = {"script", "foreignObject", "a", "iframe", "embed", "object"}
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
_SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);", re.IGNORECASE)


def _compact(value: str) -> str:
    # Browsers ignore whitespace and control characters inside a URL scheme.
    return "".join(ch for ch in value if ch > " ").lower()


def _unsafe_parts(element: Element) -> list[str]:
    name = element.localName
    found = []
    if name in _FORBIDDEN_ELEMENTS:
        found.append(f"the element <{name}>")
    if name == "style":
        found += _unsafe_css(element.toxml(), "<style>")
    for attribute, value in element.attributes.items():
        local = attribute.split(":")[-1].lower()
        if local.startswith("on"):
            found.append(f"the event handler '{attribute}' on <{name}>")
        elif "javascript:" in _compact(value):
            found.append(f"a javascript: URL in '{attribute}' on <{name}>")
        elif local == "href" and not (
            value.startswith("#") or _SAFE_DATA_IMAGE.match(value)
        ):
            found.append(f"the external reference {value!r} on <{name}>")
        else:
            found += _unsafe_css(value, f"'{attribute}' on <{name}>")
    return found


def _unsafe_css(text: str, where: str) -> list[str]:
    found = []
    if "@import" in text.lower():
        found.append(f"a CSS @import in {where}")
    for target in _CSS_URL.findall(text):
        if not target.startswith("#"):
            found.append(f"the external reference {target!r} in {where}")
    return found


def clean_svg(data: bytes) -> tuple[Document, bool]:
    """Parse SVG artwork and remove baked assertions; return (document, was_baked)."""
    document = parse_svg(data)
    root = document.documentElement
    baked = [
        node for node in root.getElementsByTagNameNS(OPENBADGES_NAMESPACE, "assertion")
    ]
    for node in baked:
        node.parentNode.removeChild(node)
    for name in list(root.attributes.keys()):
        if (
            name.startswith("xmlns:")
            and root.getAttribute(name) == OPENBADGES_NAMESPACE
        ):
            root.removeAttribute(name)
    return document, bool(baked)


def serialize_svg(document: Document) -> bytes:
    """Serialise an SVG document as UTF-8 without an XML declaration."""
    return document.documentElement.toxml().encode("utf-8") + b"\n"


def svg_has_text(document: Document) -> bool:
    """Return whether the SVG draws text, which the PNG rendering leaves out."""
    return bool(document.getElementsByTagName("text"))


def bake_svg(clean: bytes, assertion_url: str, assertion_json: str) -> bytes:
    """Return the SVG with an `openbadges:assertion` element as the first child."""
    document = parse_svg(clean)
    root: Element = document.documentElement
    root.setAttribute("xmlns:openbadges", OPENBADGES_NAMESPACE)
    marker = "@@OPENBADGES-ASSERTION@@"
    element = document.createElementNS(OPENBADGES_NAMESPACE, "openbadges:assertion")
    element.setAttribute("verify", assertion_url)
    element.appendChild(document.createTextNode(marker))
    root.insertBefore(element, root.firstChild)
    # CDATA cannot contain "]]>", so that sequence is split across two sections.
    cdata = "<![CDATA[" + assertion_json.replace(_CDATA_END, "]]]]><![CDATA[>") + "]]>"
    return serialize_svg(document).replace(marker.encode(), cdata.encode("utf-8"), 1)


def read_svg_assertion(data: bytes) -> tuple[str | None, str | None]:
    """Return (verify attribute, CDATA text) of the first baked assertion, or Nones."""
    found = read_svg_assertions(data)
    return found[0] if found else (None, None)


def read_svg_assertions(data: bytes) -> list[tuple[str | None, str | None]]:
    """Return (verify attribute, CDATA text) of every baked assertion, in order.

    Raises what defusedxml raises for unsafe or malformed XML.
    """
    document = defusedxml.minidom.parseString(data)
    found = []
    for element in document.documentElement.getElementsByTagNameNS(
        OPENBADGES_NAMESPACE, "assertion"
    ):
        text = "".join(
            child.data for child in element.childNodes if child.nodeType in (3, 4)
        )
        found.append((element.getAttribute("verify") or None, text.strip() or None))
    return found


def render_svg_png(svg: bytes) -> bytes:
    """Rasterise SVG artwork to PNG without system fonts, so output is reproducible."""
    import resvg_py

    # NOTE: system fonts differ between machines, so they are skipped and <text>
    # is not drawn; the build warns when artwork has text.
    rendered = resvg_py.svg_to_bytes(
        svg_string=svg.decode("utf-8"), skip_system_fonts=True
    )
    return bytes(rendered)
