"""Preview server: build for a 127.0.0.1 URL, serve output/, rebuild on changes."""

from __future__ import annotations

import functools
import logging
import os
import stat
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from generator.build import build_site
from generator.errors import BuildFailed

logger = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
WATCHED_DIRS = ("content", "assertions", "site_src")
POLL_SECONDS = 0.5
NOT_FOUND_PAGE = "404.html"

Snapshot = tuple[tuple[str, int, int], ...]
Report = Callable[[str], None]


class SiteRequestHandler(SimpleHTTPRequestHandler):
    """Serve a built site: fixed content types, 404.html, no directory listings."""

    # Fixed here so the Content-Type does not depend on the host's mime.types.
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".json": "application/json",
        ".png": "image/png",
        ".svg": "image/svg+xml",
    }

    def end_headers(self) -> None:
        """Forbid caching, so a reload after a rebuild shows the new files."""
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """Send 404 for a folder without index.html, as static hosts do."""
        self.send_error(404)
        return None

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None
    ) -> None:
        """Send the site's 404.html for a missing path, else the standard error page."""
        page = Path(self.directory) / NOT_FOUND_PAGE
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", self.extensions_map[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Log each request at DEBUG level instead of printing it to stderr."""
        logger.debug("%s %s", self.address_string(), format % args)


def snapshot_sources(root: Path) -> Snapshot:
    """Return (path, mtime in ns, size) of every file under the watched folders."""
    entries = []
    for name in WATCHED_DIRS:
        folder = root / name
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            try:
                status = path.stat()
            except FileNotFoundError:
                # Deleted after rglob listed it: the next poll records the deletion.
                continue
            if stat.S_ISREG(status.st_mode):
                relative = path.relative_to(root).as_posix()
                entries.append((relative, status.st_mtime_ns, status.st_size))
    return tuple(entries)


def rebuild(
    root: Path, output: Path, base_url: str, today: str | None, report: Report
) -> bool:
    """Build the site once; report the summary or every problem, return success.

    A failed build leaves `output` as it was, so the server keeps serving it.
    """
    try:
        result = build_site(root, output, base_url=base_url, today=today)
    except BuildFailed as exc:
        for problem in exc.problems:
            report(problem.format())
        report(
            f"Build failed with {len(exc.problems)} problem(s); still serving the "
            "previous output. Waiting for changes."
        )
        return False
    for problem in result.warnings:
        report(problem.format())
    report(result.summary())
    return True


def create_server(output: Path, port: int) -> ThreadingHTTPServer:
    """Bind a server for `output` on 127.0.0.1:`port`; port 0 picks a free port."""
    handler = functools.partial(SiteRequestHandler, directory=os.fspath(output))
    return ThreadingHTTPServer((LOOPBACK, port), handler)


def serve_site(
    root: Path,
    port: int,
    today: str | None = None,
    report: Report = logger.info,
    stop: threading.Event | None = None,
    poll_seconds: float = POLL_SECONDS,
) -> None:
    """Build `root` for http://127.0.0.1:PORT/, serve output/, rebuild on changes.

    Runs until `stop` is set or the process is interrupted. A failed build,
    the first one included, reports its problems and keeps serving whatever
    output/ holds. Raises OSError when the port cannot be bound.
    """
    output = root / "output"
    server = create_server(output, port)
    base_url = f"http://{LOOPBACK}:{server.server_address[1]}/"
    stop = stop or threading.Event()
    thread = threading.Thread(
        target=server.serve_forever, name="preview server", daemon=True
    )
    try:
        snapshot = snapshot_sources(root)
        rebuild(root, output, base_url, today, report)
        thread.start()
        report(f"Serving {output} at {base_url} (press Ctrl+C to stop)")
        while not stop.wait(poll_seconds):
            current = snapshot_sources(root)
            if current != snapshot:
                snapshot = current
                report("Change detected, rebuilding")
                rebuild(root, output, base_url, today, report)
    except KeyboardInterrupt:
        report("Stopped")
    finally:
        if thread.is_alive():
            server.shutdown()
        server.server_close()
