"""A project-site build served under /repo/, crawled link by link as a visitor would."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import TODAY
from validator_harness import LOOPBACK, free_port

from generator.build import build_site
from generator.sitecheck import check_output, list_files

PREFIX = "/repo/"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".css": "text/css; charset=utf-8",
}
# Files a visitor never reaches by following links: they are for the host or tools.
UNLINKED = {".nojekyll", "404.html", "badgesite.json"}


def _project_site_handler(root: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """Serve `root` under /repo/ as Pages does: 301 for folders, else 404.html."""

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if not path.startswith(PREFIX):
                self._send_not_found()
                return
            relative = unquote(path[len(PREFIX) :])
            if ".." in PurePosixPath(relative).parts:
                self._send_not_found()
                return
            target = root / (
                relative + "index.html"
                if relative in ("",) or relative.endswith("/")
                else relative
            )
            if target.is_dir():
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
            elif target.is_file():
                self._send(200, target.read_bytes(), target.suffix)
            else:
                self._send_not_found()

        def _send_not_found(self) -> None:
            self._send(404, (root / "404.html").read_bytes(), ".html")

        def _send(self, status: int, body: bytes, suffix: str) -> None:
            self.send_response(status)
            self.send_header(
                "Content-Type", CONTENT_TYPES.get(suffix, "application/octet-stream")
            )
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Drop the per-request log line."""

    return Handler


@contextlib.contextmanager
def _serve_project_site(root: Path, port: int) -> Iterator[str]:
    server = ThreadingHTTPServer((LOOPBACK, port), _project_site_handler(root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{port}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a badge URL that redirects is as bad as a broken one


_OPENER = urllib.request.build_opener(_NoRedirect)


def _fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with _OPENER.open(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as failure:
        return failure.code, failure.headers.get("Content-Type", ""), failure.read()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.urls.append(values[name])
        if tag == "meta" and values.get("property") in ("og:url", "og:image"):
            self.urls.append(values.get("content") or "")


def _json_urls(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, child in value.items():
            # verification.startsWith is a URL prefix, not a document.
            if key != "startsWith":
                yield from _json_urls(child)
    elif isinstance(value, list):
        for child in value:
            yield from _json_urls(child)
    elif isinstance(value, str) and value.startswith(("http://", "https://")):
        yield value


def _links_in(url: str, content_type: str, body: bytes) -> list[str]:
    if content_type.startswith("text/html"):
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        return [urljoin(url, link) for link in parser.urls]
    if content_type.startswith("application/json"):
        return list(_json_urls(json.loads(body)))
    return []


def _crawl(seeds: list[str], base: str) -> tuple[dict[str, int], list[str]]:
    """Fetch every URL under `base` reachable from the seeds; list the broken ones."""
    statuses: dict[str, int] = {}
    broken: list[str] = []
    queue = deque((seed, "seed") for seed in seeds)
    while queue:
        url, referrer = queue.popleft()
        url = url.split("#", 1)[0]
        if not url.startswith(base) or url in statuses:
            continue
        status, content_type, body = _fetch(url)
        statuses[url] = status
        if status != 200:
            broken.append(f"{url} answered {status} (linked from {referrer})")
            continue
        for link in _links_in(url, content_type, body):
            queue.append((link, url))
    return statuses, broken


def _seeds(base: str, site: Path) -> list[str]:
    seeds = [base, base + "issuer/", base + "issuer.json"]
    for badge in sorted((site / "content" / "badges").iterdir()):
        seeds += [
            base + f"badges/{badge.name}.json",
            base + f"badges/{badge.name}/criteria/",
        ]
    for record in sorted((site / "assertions").glob("*/*.yml")):
        award = record.stem
        seeds += [base + f"assertions/{award}/", base + f"assertions/{award}.json"]
    return seeds


# The shipped case looks shipped_tree up by name, so the conftest hook cannot see it.
@pytest.mark.parametrize(
    "tree", ["site_tree", pytest.param("shipped_tree", marks=pytest.mark.shipped)]
)
def test_project_site_has_no_broken_links(tree: str, request: pytest.FixtureRequest):
    site: Path = request.getfixturevalue(tree)
    port = free_port()
    base = f"http://{LOOPBACK}:{port}{PREFIX}"
    output = site / "output"
    build_site(site, output, base_url=base, today=TODAY, environ={})
    assert check_output(output).problems == []

    with _serve_project_site(output, port) as served:
        assert served == base
        statuses, broken = _crawl(_seeds(base, site), base)

    assert broken == []
    reached = {url[len(base) :] or "index.html" for url in statuses}
    reached = {path + "index.html" if path.endswith("/") else path for path in reached}
    unreached = set(list_files(output)) - reached
    # No page links a badge's unbaked SVG artwork yet; baked SVGs are linked.
    artwork = {path for path in unreached if PurePosixPath(path).match("badges/*.svg")}
    assert unreached - artwork == UNLINKED
    records = (site / "assertions").glob("*/*.yml")
    # A revoked award publishes no baked image.
    awards = sum(
        "revoked_on:" not in path.read_text(encoding="utf-8") for path in records
    )
    assert (
        sum(url.endswith(".png") and "/assertions/" in url for url in statuses)
        == awards
    )


def test_project_site_server_mimics_pages(site_tree: Path):
    port = free_port()
    base = f"http://{LOOPBACK}:{port}{PREFIX}"
    output = site_tree / "output"
    build_site(site_tree, output, base_url=base, today=TODAY, environ={})
    with _serve_project_site(output, port):
        outside = _fetch(f"http://{LOOPBACK}:{port}/issuer.json")
        missing = _fetch(base + "badges/nope.json")
        folder = _fetch(base + "issuer")
        json_file = _fetch(base + "issuer.json")
    assert outside[0] == 404
    assert b"Page not found" in outside[2]
    assert missing[0] == 404
    assert folder[0] == 301
    assert json_file[0] == 200
    assert json_file[1] == "application/json; charset=utf-8"
    assert json.loads(json_file[2])["id"] == base + "issuer.json"


def test_crawl_reports_missing_badge_json(site_tree: Path):
    port = free_port()
    base = f"http://{LOOPBACK}:{port}{PREFIX}"
    output = site_tree / "output"
    build_site(site_tree, output, base_url=base, today=TODAY, environ={})
    (output / "badges" / "demo-badge.json").unlink()
    with _serve_project_site(output, port):
        _, broken = _crawl([base], base)
    assert broken
    assert all(
        line.startswith(base + "badges/demo-badge.json answered 404") for line in broken
    )
