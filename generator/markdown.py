"""The one Markdown renderer: CommonMark with raw HTML off and unsafe links dropped."""

from __future__ import annotations

from markdown_it import MarkdownIt

_SAFE_SCHEMES = ("http:", "https:", "mailto:")


def _validate_link(url: str) -> bool:
    # Relative links and fragments are fine; any other scheme (javascript:,
    # data:, vbscript:, file:) is not.
    lowered = url.strip().lower()
    if ":" not in lowered.split("/", 1)[0]:
        return True
    return lowered.startswith(_SAFE_SCHEMES)


_renderer = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": False}
)
_renderer.validateLink = _validate_link


def render_markdown(text: str) -> str:
    """Render Markdown to HTML; raw HTML shows as text, unsafe links are dropped."""
    return _renderer.render(text)
