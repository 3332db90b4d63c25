"""What the site has published before, read from git history or the last build.

A verifier may resolve an assertion URL years after issue, so once an award
id or a base URL has been published the build must not silently drop it.
In a git checkout the history of assertions/ and content/site.yml is the
ledger: a committed record counts as published, because pushing deploys it.
Outside git the manifest of the previous build in the output folder is the
only record, which misses awards published from another machine.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

logger = logging.getLogger(__name__)

_RECORD = re.compile(r"^assertions/([^/]+)/([a-z0-9][a-z0-9-]*)\.yml$")


@dataclass
class Ledger:
    """Award ids and base URLs published before this build."""

    source: str
    # Why the ledger is incomplete, for a build warning; None when it is whole.
    incomplete: str | None = None
    # Whether a record missing from `published` is known to be new in this
    # build; False when there is neither git history nor a previous build.
    tracks_new_records: bool = True
    # award id -> (record path, time of the first commit that added it)
    published: dict[str, tuple[str, datetime | None]] = field(default_factory=dict)
    base_urls: set[str] = field(default_factory=set)

    def first_seen(self, award_id: str) -> datetime | None:
        """Return when an award was first committed, or None if it never was."""
        entry = self.published.get(award_id)
        return entry[1] if entry else None

    def first_recorded(self, award_id: str, now: datetime) -> datetime | None:
        """Return when an award was first recorded, `now` if new, None if unknown."""
        if award_id in self.published:
            return self.published[award_id][1]
        return now if self.tracks_new_records else None


def read_ledger(root: Path, previous_output: Path) -> Ledger:
    """Read the ledger from git when root is in a work tree, else the last build."""
    prefix = _git_prefix(root)
    if prefix is not None:
        return _read_git_ledger(root, prefix)
    return _read_manifest_ledger(previous_output / "badgesite.json")


def _git(root: Path, *args: str) -> str | None:
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        return None
    if completed.returncode != 0:
        return None
    return completed.stdout


def _git_prefix(root: Path) -> str | None:
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside is None or inside.strip() != "true":
        return None
    if _git(root, "rev-parse", "--verify", "-q", "HEAD") is None:
        return ""  # a repository without commits has published nothing
    return (_git(root, "rev-parse", "--show-prefix") or "").strip()


def _read_git_ledger(root: Path, prefix: str) -> Ledger:
    ledger = Ledger(source="git history")
    if _git(root, "rev-parse", "--verify", "-q", "HEAD") is None:
        return ledger
    if (_git(root, "rev-parse", "--is-shallow-repository") or "").strip() == "true":
        # Only recent commits are present, so deleted records and first-commit
        # dates are unknown; guessing would reject awards that expired later.
        return Ledger(
            source="shallow git history",
            incomplete="the git clone is shallow, so the checks for deleted and "
            "born-expired awards were skipped",
            tracks_new_records=False,
        )
    log = _git(
        root,
        "log",
        "--no-renames",
        "--diff-filter=A",
        "--name-only",
        "--format=%x00%ct",
        "--",
        "assertions/",
    )
    when: datetime | None = None
    for line in (log or "").splitlines():
        if line.startswith("\x00"):
            when = datetime.fromtimestamp(int(line[1:]), UTC)
            continue
        match = _RECORD.match(line.removeprefix(prefix))
        if not match:
            continue
        award_id = match.group(2)
        earlier = ledger.first_seen(award_id)
        # git log lists newest first, so the last time seen is the first commit.
        if earlier is None or (when is not None and when <= earlier):
            ledger.published[award_id] = (line.removeprefix(prefix), when)
    ledger.base_urls = _git_base_urls(root)
    return ledger


def _git_base_urls(root: Path) -> set[str]:
    """Return each committed base_url under which award records were committed."""
    commits = (_git(root, "log", "--format=%H", "--", "content/site.yml") or "").split()
    urls = set()
    # Each site.yml commit sets a base URL that holds until the next (newer) one;
    # awards were published under it if records existed just before that change.
    end_of_period = "HEAD"
    for commit in commits:
        base_url = _base_url_at(root, commit)
        if base_url and _has_records(root, end_of_period):
            urls.add(base_url)
        end_of_period = f"{commit}^"
    return urls


def _base_url_at(root: Path, commit: str) -> str | None:
    text = _git(root, "show", f"{commit}:./content/site.yml")
    if text is None:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    value = data.get("base_url") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _has_records(root: Path, revision: str) -> bool:
    listing = _git(root, "ls-tree", "-r", "--name-only", revision, "--", "assertions/")
    return any(name.endswith(".yml") for name in (listing or "").splitlines())


def _read_manifest_ledger(manifest: Path) -> Ledger:
    ledger = Ledger(source="previous build manifest")
    if not manifest.is_file():
        # NOTE: with no git history and no earlier build nothing is known, so
        # the guards that need a ledger do not run.
        return Ledger(source="nothing", tracks_new_records=False)
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        logger.warning(
            "cannot read %s; award ids of the last build are unknown", manifest
        )
        return ledger
    if data.get("preview"):
        # Previews never reach verifiers, so they record nothing published.
        return Ledger(source="nothing", tracks_new_records=False)
    for award_id in data.get("award_ids", []):
        ledger.published[award_id] = ("the previous build", None)
    if data.get("award_ids") and data.get("base_url"):
        ledger.base_urls.add(data["base_url"])
    return ledger


def record_ids(root: Path) -> set[str]:
    """Return the award ids of every record file under assertions/."""
    folder = root / "assertions"
    if not folder.is_dir():
        return set()
    return {path.stem for path in folder.glob("*/*.yml")}
