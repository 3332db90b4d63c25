"""Headless Chromium for the browser tests: launch, request guard and axe-core.

The tests drive Debian's /usr/bin/chromium through Playwright (never a
browser that Playwright downloads). axe-core comes from the npm registry and
is cached in .cache/ at the repository root, which git ignores. `make test`
fetches it before the tests start, so the tests themselves stay offline.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ALLOWED_HOST = "127.0.0.1"
AXE_VERSION = "4.14.1"
AXE_CACHE = REPO_ROOT / ".cache" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
# WCAG 2.0 to 2.2 A and AA rules, plus axe's best practices (landmarks, one
# h1, region), which the site also meets.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def chromium_missing_reason() -> str | None:
    """Return why the browser tests cannot run, or None when Chromium is installed."""
    if CHROMIUM.is_file():
        return None
    if os.environ.get("BADGESITE_REQUIRE_BROWSER") == "1":
        # CI installs Chromium, so a missing browser there is a failure.
        raise RuntimeError(f"{CHROMIUM} is missing but BADGESITE_REQUIRE_BROWSER=1")
    return (
        f"{CHROMIUM} is missing: install Debian's package with "
        "'apt-get install -y chromium' to run the browser tests"
    )


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch the system Chromium headless, with its network features off."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@dataclass
class RequestGuard:
    """Route handler that lets requests to 127.0.0.1 through and aborts all others.

    `blocked` lists every aborted URL and `allowed` every URL let through, in order.
    """

    blocked: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def install(self, context: BrowserContext) -> None:
        """Route every request of a browser context through this guard."""
        context.route("**/*", self._handle)

    def _handle(self, route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.hostname == ALLOWED_HOST:
            self.allowed.append(url)
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


def axe_source() -> str:
    """Return the text of axe.min.js, packing axe-core with npm on first use.

    $AXE_CORE_JS names a local copy to use instead. Raises RuntimeError with
    npm's output when npm is missing or the pack fails.
    """
    override = os.environ.get("AXE_CORE_JS")
    if override:
        return Path(override).read_text(encoding="utf-8")
    if not AXE_CACHE.is_file():
        _pack_axe(AXE_CACHE)
    return AXE_CACHE.read_text(encoding="utf-8")


def _pack_axe(target: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm is not on PATH, so axe-core cannot be fetched: install Node.js "
            "and npm, or set AXE_CORE_JS to a copy of axe.min.js"
        )
    with tempfile.TemporaryDirectory() as folder:
        completed = subprocess.run(
            [
                npm,
                "pack",
                f"axe-core@{AXE_VERSION}",
                "--pack-destination",
                folder,
                "--silent",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if completed.returncode != 0:
            raise RuntimeError(
                f"npm pack axe-core@{AXE_VERSION} failed with exit code "
                f"{completed.returncode}:\n{completed.stderr}"
            )
        archive = Path(folder) / f"axe-core-{AXE_VERSION}.tgz"
        with tarfile.open(archive) as tar:
            member = tar.extractfile("package/axe.min.js")
            if member is None:
                raise RuntimeError(f"{archive.name} has no package/axe.min.js")
            data = member.read()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(target)


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the loaded page and return its violations.

    The script is evaluated through the DevTools protocol rather than added as
    a <script> element, so the page's own scripts and policies are unchanged.
    """
    page.evaluate(axe_source())
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    return page.evaluate(
        "async (options) => (await axe.run(document, options)).violations", options
    )


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """Format axe violations as one line per rule with the offending selectors."""
    lines = []
    for violation in violations:
        targets = [json.dumps(node["target"]) for node in violation["nodes"]]
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"at {', '.join(targets)}"
        )
    return "\n".join(lines)
