"""Helpers shared by the organiser command tests: run badgesite, read records."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from generator.cli import main
from generator.yamlfile import read_yaml

BADGE = "demo-badge"
ASSESSORS = [
    "--assessor",
    "Ann Ash",
    "--assessor",
    "Bo Birch",
    "--assessor",
    "Cy Cedar",
]
EVIDENCE = [
    "--evidence", "practice=https://example.org/evidence/notes",
    "--narrative", "reflection:self-assessment=It changed how I teach.",
]  # fmt: skip


def badgesite_executable() -> str:
    """Return the badgesite console script of the running virtual environment."""
    beside_python = Path(sys.executable).parent / "badgesite"
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which("badgesite")
    assert found, "badgesite is not installed: run pip install -e '.[test]'"
    return found


def invoke(runner: CliRunner, project: Path, *args: str) -> Result:
    """Run a badgesite subcommand in-process against `project`."""
    command, *rest = args
    return runner.invoke(main, [command, "--project", str(project), *rest])


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed badgesite console script in a real subprocess."""
    environment = {
        **os.environ,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1",
    }
    environment.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run(
        [badgesite_executable(), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
        check=False,
    )


def award_args(name: str, email: str, *extra: str) -> list[str]:
    """Return the options of a complete, valid award for the minimal site."""
    return [
        "--badge", BADGE, "--name", name, "--email", email,
        "--issued-on", "2026-11-30", "--evidence-received-on", "2026-11-20",
        "--decision-on", "2026-11-28", *ASSESSORS, *EVIDENCE, *extra,
    ]  # fmt: skip


def read_record(project: Path, relative: str) -> dict[str, Any]:
    """Parse an award record with the project's YAML reader."""
    document, problems = read_yaml(project / relative, relative)
    assert document is not None, problems
    return document.data


def tree_snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under `folder` with its bytes, keyed by relative path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def text_under(folder: Path) -> str:
    """Return the text of every file under `folder`, joined, for searching."""
    return "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    )
