"""Tests of the preview server: content types, 404 page, rebuild on change."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner
from conftest import TODAY
from validator_harness import free_port

from generator.cli import main
from generator.serve import create_server, snapshot_sources

STARTUP_SECONDS = 60.0
REBUILD_SECONDS = 30.0
ADA_RECORD = "assertions/demo-badge/2026-ada.yml"


class Response(NamedTuple):
    """Status, Content-Type and body of one HTTP response."""

    status: int
    content_type: str
    body: bytes


def fetch(url: str) -> Response:
    """GET a URL on 127.0.0.1 and return the response, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return Response(
                response.status, response.headers["Content-Type"], response.read()
            )
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers["Content-Type"], error.read())


def wait_for(condition: Callable[[], bool], seconds: float, description: str) -> None:
    """Poll `condition` every 0.2 s until it is true; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {seconds} s waiting for {description}")


class ServerProcess:
    """A `badgesite serve` subprocess whose output a thread collects line by line."""

    def __init__(self, project: Path, port: int) -> None:
        command = [
            sys.executable,
            "-c",
            "from generator.cli import main; main()",
            "serve",
            "--project",
            str(project),
            "--port",
            str(port),
            "--today",
            TODAY,
        ]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def output_contains(self, text: str) -> bool:
        """Return whether any output line so far contains `text`."""
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return any(text in line for line in self.seen)

    def stop(self) -> None:
        """Terminate the process and wait for it to exit."""
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def server(site_tree: Path) -> Iterator[tuple[ServerProcess, str]]:
    """Start `badgesite serve` on a free port and wait until it responds."""
    port = free_port()
    process = ServerProcess(site_tree, port)
    base_url = f"http://127.0.0.1:{port}/"

    def responds() -> bool:
        assert process.process.poll() is None, f"server exited: {process.seen}"
        try:
            return fetch(base_url).status == 200
        except OSError:
            return False

    try:
        wait_for(responds, STARTUP_SECONDS, f"{base_url} to respond")
        yield process, base_url
    finally:
        process.stop()


def test_serve_builds_for_loopback_url(server: tuple[ServerProcess, str]) -> None:
    process, base_url = server
    page = fetch(base_url + "assertions/2026-ada/")
    assert page.status == 200
    assert page.content_type == "text/html; charset=utf-8"
    assert (
        f'<link rel="canonical" href="{base_url}assertions/2026-ada/">'.encode()
        in page.body
    )
    assert process.output_contains("Serving ")
    assert process.output_contains(base_url)


def test_serve_content_types(server: tuple[ServerProcess, str]) -> None:
    _process, base_url = server
    assert (
        fetch(base_url + "assertions/2026-ada.json").content_type == "application/json"
    )
    assert fetch(base_url + "assertions/2026-ada.png").content_type == "image/png"
    assert fetch(base_url + "").content_type == "text/html; charset=utf-8"


def test_serve_missing_path_gets_404_page(server: tuple[ServerProcess, str]) -> None:
    _process, base_url = server
    missing = fetch(base_url + "assertions/no-such-award/")
    assert missing.status == 404
    assert missing.content_type == "text/html; charset=utf-8"
    assert b"<h1>Page not found</h1>" in missing.body
    listing = fetch(base_url + "static/")
    assert listing.status == 404


def test_serve_rebuilds_after_record_change(
    server: tuple[ServerProcess, str], site_tree: Path
) -> None:
    process, base_url = server
    record = site_tree / ADA_RECORD
    page_url = base_url + "assertions/2026-ada/"
    assert b"Ada Lovelace" in fetch(page_url).body

    record.write_text(record.read_text().replace("Ada Lovelace", "Ada King"))
    wait_for(
        lambda: b"Ada King" in fetch(page_url).body, REBUILD_SECONDS, "the rebuilt page"
    )
    assert b"Ada Lovelace" not in fetch(page_url).body
    assert process.output_contains("Change detected, rebuilding")


def test_serve_keeps_output_after_failed_build(
    server: tuple[ServerProcess, str], site_tree: Path
) -> None:
    process, base_url = server
    record = site_tree / ADA_RECORD
    record.write_text(
        record.read_text().replace("issued_on: 2026-05-14", "issued_on: 14/05/26")
    )
    wait_for(
        lambda: process.output_contains("Build failed"),
        REBUILD_SECONDS,
        "the failed rebuild",
    )
    assert process.output_contains(f"{ADA_RECORD}:")
    assert process.output_contains("issued_on")
    page = fetch(base_url + "assertions/2026-ada/")
    assert page.status == 200
    assert b"Ada Lovelace" in page.body
    assert process.process.poll() is None


def test_serve_port_in_use_fails(site_tree: Path, cli_runner: CliRunner) -> None:
    server = create_server(site_tree, 0)
    try:
        port = server.server_address[1]
        result = cli_runner.invoke(
            main, ["serve", "--project", str(site_tree), "--port", str(port)]
        )
    finally:
        server.server_close()
    assert result.exit_code == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.output


def test_server_serves_svg_type(tmp_path: Path) -> None:
    (tmp_path / "badge.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    server = create_server(tmp_path, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        response = fetch(f"http://127.0.0.1:{server.server_address[1]}/badge.svg")
        missing = fetch(f"http://127.0.0.1:{server.server_address[1]}/nothing")
    finally:
        server.shutdown()
        server.server_close()
    assert response.content_type == "image/svg+xml"
    assert missing.status == 404


def test_snapshot_changes_with_content(site_tree: Path) -> None:
    before = snapshot_sources(site_tree)
    (site_tree / "output").mkdir()
    (site_tree / "output" / "x.html").write_text("ignored")
    assert snapshot_sources(site_tree) == before
    (site_tree / "site_src" / "static" / "extra.css").write_text("p {}")
    after = snapshot_sources(site_tree)
    assert after != before
    assert "site_src/static/extra.css" in [entry[0] for entry in after]
