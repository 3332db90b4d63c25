"""Award record files: find, render, check and write assertions/<badge>/<id>.yml."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from generator.awards import ASSERTIONS_DIR, AWARD_ID_PATTERN, load_award
from generator.config import SiteConfig, load_site_config, resolve_build_time
from generator.content import load_content
from generator.dates import DateError
from generator.errors import BuildFailed, Problem, error
from generator.models import Award, BadgeClass

logger = logging.getLogger(__name__)

# 16 random bytes are 128 bits; token_urlsafe turns them into 22 characters.
SALT_BYTES = 16
_MAX_SLUG = 70
# Latin letters without a Unicode decomposition into a base letter and accents.
_SPELLED_OUT = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe",
        "Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d",
        "Ð": "D", "ð": "d", "Þ": "TH", "þ": "th", "ı": "i", "Ħ": "H", "ħ": "h",
    }
)  # fmt: skip


@dataclass(frozen=True)
class OrganiserSite:
    """Settings, badges, build time and existing award ids for organiser commands."""

    config: SiteConfig
    badges: dict[str, BadgeClass]
    now: datetime
    existing: dict[str, str]

    @property
    def root(self) -> Path:
        """Return the project folder."""
        return self.config.root


@dataclass(frozen=True)
class NewRecord:
    """A checked award record that is ready to be written."""

    award_id: str
    badge: BadgeClass
    relative: str
    text: str
    award: Award


def open_site(root: Path, today: str | None = None) -> OrganiserSite:
    """Load the site settings and badges; raise BuildFailed when they have errors.

    `today` is a date or date-time as for `badgesite build --today`; None means
    SOURCE_DATE_EPOCH if set, else the clock.
    """
    config, problems = load_site_config(root)
    if config is None:
        raise BuildFailed(problems)
    try:
        now = resolve_build_time(today, config.zone)
    except DateError as exc:
        raise BuildFailed([error("--today", "", exc.message, exc.fix)]) from exc
    content, problems = load_content(config)
    if content is None:
        raise BuildFailed(problems)
    return OrganiserSite(config, content.badges, now, existing_award_ids(root))


def existing_award_ids(root: Path) -> dict[str, str]:
    """Return every award id under assertions/, across all badges, with its file."""
    found: dict[str, str] = {}
    folder = root / ASSERTIONS_DIR
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*/*")):
        if path.is_file() and not path.name.startswith("."):
            found.setdefault(path.stem, path.relative_to(root).as_posix())
    return found


def new_salt() -> str:
    """Return a fresh random salt of 128 bits as URL-safe text."""
    return secrets.token_urlsafe(SALT_BYTES)


def slugify(text: str) -> str:
    """Turn a display name into lower-case ASCII words joined by hyphens.

    Accents are dropped (Zoë gives zoe), and letters that Unicode does not
    decompose are spelled out (ß gives ss, Ø gives o). Other non-Latin letters
    are dropped.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPELLED_OUT))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:_MAX_SLUG].rstrip("-")


def id_problem(award_id: str, existing: dict[str, str]) -> str | None:
    """Return why an award id cannot be used for a new record, or None."""
    if not AWARD_ID_PATTERN.match(award_id):
        return (
            f"is not a valid award id: {award_id!r}. Use 1 to 80 lower-case "
            "letters, digits and hyphens, starting with a letter or digit, like "
            "2026-maria-okafor."
        )
    if award_id in existing:
        return (
            f"names the award id {award_id!r}, which already exists in "
            f"{existing[award_id]}. Award ids are unique across all badges, so choose "
            "another id."
        )
    return None


class _RecordDumper(yaml.SafeDumper):
    """Dumper for award records: dates stay unquoted, long text uses block style."""


# The project reads YAML with 1.2-style typing, where 2026-05-14 is text, so
# dates need no quotes. Booleans like "yes" keep their quotes for 1.1 readers.
_RecordDumper.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")
    ]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_RecordDumper.add_representer(str, _represent_text)


def render_yaml(data: dict[str, Any]) -> str:
    """Serialise record fields as block YAML in the given key order."""
    return yaml.dump(
        data,
        Dumper=_RecordDumper,
        sort_keys=False,
        allow_unicode=True,
        width=80,
        default_flow_style=False,
    )


def check_record(
    site: OrganiserSite, badge: BadgeClass, award_id: str, text: str
) -> tuple[Award | None, list[Problem]]:
    """Check record text with the build's schema and rules, outside the project.

    The text is written to a scratch copy of its future path, because
    `load_award` reads records from disk.
    """
    relative = record_path(badge.slug, award_id)
    with tempfile.TemporaryDirectory(prefix="badgesite-record-") as scratch:
        path = Path(scratch) / relative
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        scratch_config = dataclasses.replace(site.config, root=Path(scratch))
        return load_award(scratch_config, badge, path, relative, site.now)


def record_path(badge_slug: str, award_id: str) -> str:
    """Return the project-relative path of an award record."""
    return f"{ASSERTIONS_DIR}/{badge_slug}/{award_id}.yml"


def write_new_records(root: Path, records: list[NewRecord]) -> None:
    """Create every record file, or none of them.

    Raises FileExistsError when a file appeared since the records were checked;
    files created by this call are removed again on any error.
    """
    # NOTE: each file is written in place, so a process killed mid-write can
    # leave a truncated record; `badgesite check` reports it.
    created: list[Path] = []
    try:
        for record in records:
            path = root / record.relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                created.append(path)
                handle.write(record.text)
            logger.info("wrote award %s", record.award_id)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise


def replace_text(path: Path, text: str) -> None:
    """Replace a file's text atomically, keeping its permission bits."""
    mode = path.stat().st_mode & 0o777
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
