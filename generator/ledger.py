"""The ledger of published awards and base URLs, from git or the last build.

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

from generator.origin import is_publishable_base_url

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
    # award id -> time of the commit that added its record, published or not
    first_added: dict[str, datetime] = field(default_factory=dict)
    base_urls: set[str] = field(default_factory=set)

    def first_recorded(self, award_id: str, now: datetime) -> datetime | None:
        """Return when an award was first recorded, `now` if new, None if unknown."""
        if award_id in self.first_added:
            return self.first_added[award_id]
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

    order = {
        commit: index
        for index, commit in enumerate((_git(root, "rev-list", "HEAD") or "").split())
    }
    periods = _base_url_periods(root, order)
    added = _added_records(root, prefix)
    for award_id, (path, when, commit) in added.items():
        ledger.first_added[award_id] = when
        if is_publishable_base_url(_base_url_for(periods, order.get(commit))):
            ledger.published[award_id] = (path, when)

    # Records that already existed when a sample site got its real address
    # were published by that change, even though they were added earlier.
    for newer, older in zip(periods, [*periods[1:], None], strict=True):
        if is_publishable_base_url(newer.base_url) and not (
            older and is_publishable_base_url(older.base_url)
        ):
            for path in _records_at(root, newer.commit, prefix):
                award_id = _RECORD.match(path).group(2)
                if award_id in added:
                    ledger.published[award_id] = (path, added[award_id][1])

    ledger.base_urls = {
        period.base_url
        for period in periods
        if is_publishable_base_url(period.base_url) and period.had_records
    }
    return ledger


@dataclass(frozen=True)
class _Period:
    """A site.yml commit and the base URL it set, until the next site.yml commit."""

    commit: str
    index: int
    base_url: str | None
    had_records: bool


def _base_url_periods(root: Path, order: dict[str, int]) -> list[_Period]:
    """Return the base URL periods, newest first."""
    commits = (_git(root, "log", "--format=%H", "--", "content/site.yml") or "").split()
    periods = []
    # Awards were published under a base URL if records existed at the end of
    # its period: just before the next site.yml change, or at HEAD.
    end_of_period = "HEAD"
    for commit in commits:
        had_records = bool(_records_at(root, end_of_period, ""))
        periods.append(
            _Period(
                commit, order.get(commit, 0), _base_url_at(root, commit), had_records
            )
        )
        end_of_period = f"{commit}^"
    return periods


def _base_url_for(periods: list[_Period], index: int | None) -> str | None:
    """Return the base URL in effect at the commit with this rev-list index."""
    if index is None:
        return None
    for period in periods:  # newest first; a larger index is an older commit
        if period.index >= index:
            return period.base_url
    return None


def _added_records(root: Path, prefix: str) -> dict[str, tuple[str, datetime, str]]:
    """Return, per award id, its record path and the time and commit that added it."""
    log = _git(
        root, "log", "--no-renames", "--diff-filter=A", "--name-only",
        "--format=%x00%ct %H", "--", "assertions/",
    )  # fmt: skip
    found: dict[str, tuple[str, datetime, str]] = {}
    when, commit = datetime.fromtimestamp(0, UTC), ""
    for line in (log or "").splitlines():
        if line.startswith("\x00"):
            stamp, commit = line[1:].split()
            when = datetime.fromtimestamp(int(stamp), UTC)
            continue
        path = line.removeprefix(prefix)
        match = _RECORD.match(path)
        if match:
            # git log lists newest first, so the last entry is the first commit.
            found[match.group(2)] = (path, when, commit)
    return found


def _records_at(root: Path, revision: str, prefix: str) -> list[str]:
    listing = _git(root, "ls-tree", "-r", "--name-only", revision, "--", "assertions/")
    paths = [name.removeprefix(prefix) for name in (listing or "").splitlines()]
    return [path for path in paths if _RECORD.match(path)]


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
