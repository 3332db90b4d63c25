"""Shared fixtures: a copy of the minimal test site, a built copy, a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import BuildResult, build_site

REPO = Path(__file__).resolve().parent.parent
MINIMAL = REPO / "tests" / "data" / "minimal"
# SVG badge artwork for tests, a copy of the shipped badge's artwork.
SVG_ARTWORK = REPO / "tests" / "data" / "artwork" / "demo-badge.svg"
# A fixed build date keeps expiry-dependent output stable whatever day the tests run.
TODAY = "2026-12-04"


def copy_site(source: Path, target: Path) -> Path:
    """Copy a site's content/, assertions/ and the repository's site_src/ to target."""
    for name in ("content", "assertions"):
        shutil.copytree(source / name, target / name)
    shutil.copytree(REPO / "site_src", target / "site_src")
    artwork = source / "site_src" / "artwork"
    if artwork.is_dir():
        shutil.copytree(artwork, target / "site_src" / "artwork", dirs_exist_ok=True)
    return target


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the shipped_tree fixture as `shipped`.

    The workflows deselect these tests, because an organiser's repository
    replaces content/ and assertions/ with its own records.
    """
    for item in items:
        if "shipped_tree" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shipped)


@pytest.fixture
def site_tree(tmp_path: Path) -> Path:
    """Return a writable copy of tests/data/minimal with the real templates."""
    return copy_site(MINIMAL, tmp_path / "site")


@pytest.fixture
def shipped_tree(tmp_path: Path) -> Path:
    """Return a writable copy of the shipped HE Industry Dialogue site."""
    return copy_site(REPO, tmp_path / "shipped")


@pytest.fixture
def build_output(site_tree: Path) -> tuple[Path, BuildResult]:
    """Build the minimal site into site_tree/output and return (output, result)."""
    output = site_tree / "output"
    result = build_site(site_tree, output, today=TODAY, environ={})
    return output, result


@pytest.fixture
def cli_runner() -> CliRunner:
    """Return a click runner."""
    return CliRunner()
