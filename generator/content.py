"""Load the issuer, endorsers and badge definitions from content/."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator import dates
from generator.artwork import load_artwork
from generator.config import SiteConfig
from generator.errors import Problem, error, has_errors
from generator.models import Artwork, BadgeClass, Criterion, Endorsement, Profile
from generator.schema import check_document
from generator.yamlfile import YamlDocument, read_yaml

ISSUER_FILE = "content/issuer.yml"
ENDORSERS_DIR = "content/endorsers"
BADGES_DIR = "content/badges"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


@dataclass(frozen=True)
class SiteContent:
    """Everything under content/ except site.yml."""

    issuer: Profile
    issuer_image: Artwork | None
    endorsers: dict[str, Profile]
    badges: dict[str, BadgeClass]
    # Badge folders that exist but failed to load: their awards are skipped
    # instead of being reported as records of an unknown badge.
    failed_badges: frozenset[str] = frozenset()


def load_content(config: SiteConfig) -> tuple[SiteContent, list[Problem]]:
    """Load and check the issuer, endorsers and badges; return all problems found.

    The content contains whatever loaded, and callers must check the problems before
    publishing it.
    """
    root = config.root
    issuer, issuer_image, problems = _load_issuer(root)
    endorsers, endorser_problems = _load_endorsers(root)
    problems += endorser_problems
    badges: dict[str, BadgeClass] = {}
    failed: set[str] = set()
    badge_dirs = _badge_dirs(root)
    for badge_dir in badge_dirs:
        badge, badge_problems = _load_badge(config, badge_dir, endorsers)
        problems += badge_problems
        if badge is not None:
            badges[badge.slug] = badge
        else:
            failed.add(badge_dir.name)
    if not badge_dirs:
        problems.append(
            error(
                BADGES_DIR,
                "",
                "contains no badge.",
                "Add content/badges/<slug>/badge.yml and criteria.md.",
            )
        )
    placeholder = Profile("issuer", "", "", "", None, None)
    content = SiteContent(
        issuer or placeholder, issuer_image, endorsers, badges, frozenset(failed)
    )
    return content, problems


def read_checked(
    root: Path, display: str, schema: str
) -> tuple[YamlDocument | None, list[Problem]]:
    """Read a YAML file and check it against a schema; no document on any problem."""
    document, problems = read_with_schema(root, display, schema)
    return (document if not problems else None), problems


def read_with_schema(
    root: Path, display: str, schema: str
) -> tuple[YamlDocument | None, list[Problem]]:
    """Read a YAML mapping and check it against a schema.

    The document is returned even when the schema check found problems, so
    callers can go on to check the fields that passed. It is None only when
    the file cannot be read as a mapping.
    """
    path = root / display
    if not path.is_file():
        return None, [error(display, "", "is missing.", "Create it (see README).")]
    document, problems = read_yaml(path, display)
    if document is None:
        return None, problems
    if not isinstance(document.data, dict):
        return None, [
            error(
                display,
                "",
                "must be a mapping of fields.",
                "Write `name: value` lines.",
            )
        ]
    problems += check_document(document, schema)
    return document, problems


def _load_profile(
    root: Path, display: str, slug: str
) -> tuple[Profile | None, list[Problem]]:
    document, problems = read_checked(root, display, "profile")
    if document is None:
        return None, problems
    data = document.data
    profile = Profile(
        slug=slug,
        name=data["name"],
        url=data["url"],
        email=data["email"],
        description=data.get("description"),
        image=data.get("image"),
    )
    return profile, problems


def _load_issuer(root: Path) -> tuple[Profile | None, Artwork | None, list[Problem]]:
    issuer, problems = _load_profile(root, ISSUER_FILE, "issuer")
    if issuer is None or issuer.image is None:
        return issuer, None, problems
    image, image_problems = load_artwork(root, issuer.image, ISSUER_FILE, "image")
    return issuer, image, problems + image_problems


def _load_endorsers(root: Path) -> tuple[dict[str, Profile], list[Problem]]:
    endorsers: dict[str, Profile] = {}
    problems: list[Problem] = []
    folder = root / ENDORSERS_DIR
    if not folder.is_dir():
        return endorsers, problems
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        display = f"{ENDORSERS_DIR}/{path.name}"
        if path.suffix != ".yml" or not _is_slug(path.stem):
            problems.append(
                error(
                    display,
                    "",
                    "is not a valid endorser file name.",
                    "Name it <slug>.yml with lower-case letters, digits and hyphens.",
                )
            )
            continue
        profile, profile_problems = _load_profile(root, display, path.stem)
        problems += profile_problems
        if profile is not None:
            endorsers[profile.slug] = profile
    return endorsers, problems


def _badge_dirs(root: Path) -> list[Path]:
    folder = root / BADGES_DIR
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
    )


def _load_badge(
    config: SiteConfig, badge_dir: Path, endorsers: dict[str, Profile]
) -> tuple[BadgeClass | None, list[Problem]]:
    root = config.root
    slug = badge_dir.name
    display = f"{BADGES_DIR}/{slug}/badge.yml"
    if not _is_slug(slug):
        return None, [
            error(
                f"{BADGES_DIR}/{slug}",
                "",
                "is not a valid badge folder name.",
                "Use lower-case letters, digits and hyphens, like my-badge.",
            )
        ]

    document, problems = read_checked(root, display, "badge")
    criteria_display = f"{BADGES_DIR}/{slug}/criteria.md"
    criteria_path = root / criteria_display
    if not criteria_path.is_file():
        problems.append(
            error(
                criteria_display,
                "",
                "is missing.",
                "Write the badge's criteria in Markdown in this file.",
            )
        )

    if document is None:
        return None, problems
    data = document.data
    artwork, artwork_problems = load_artwork(root, data["artwork"], display, "artwork")
    problems += artwork_problems
    criteria, criteria_problems = _criteria(document)
    problems += criteria_problems
    endorsements, endorsement_problems = _endorsements(config, document, endorsers)
    problems += endorsement_problems

    if artwork is None or not criteria_path.is_file() or has_errors(problems):
        return None, problems
    badge = BadgeClass(
        slug=slug,
        name=data["name"],
        description=data["description"],
        artwork=artwork,
        tags=tuple(data.get("tags", [])),
        validity_days=data["validity_days"],
        decision_days=data.get("decision_days"),
        criteria=criteria,
        criteria_markdown=criteria_path.read_text(encoding="utf-8"),
        endorsements=endorsements,
    )
    return badge, problems


def _criteria(document: YamlDocument) -> tuple[tuple[Criterion, ...], list[Problem]]:
    items = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, item in enumerate(document.data["criteria"]):
        if item["id"] in seen:
            location = ("criteria", index, "id")
            problems.append(
                error(
                    document.path,
                    f"criteria[{index}].id",
                    f"repeats the criterion id {item['id']!r}.",
                    "Give each criterion its own id.",
                    document.line_of(location),
                )
            )
        seen.add(item["id"])
        items.append(
            Criterion(item["id"], item["title"], item["summary"], item.get("max_words"))
        )
    return tuple(items), problems


def _endorsements(
    config: SiteConfig, document: YamlDocument, endorsers: dict[str, Profile]
) -> tuple[tuple[Endorsement, ...], list[Problem]]:
    items = []
    problems: list[Problem] = []
    for index, item in enumerate(document.data.get("endorsements", [])):
        field = f"endorsements[{index}]"
        if item["endorser"] not in endorsers:
            known = ", ".join(sorted(endorsers)) or "none"
            problems.append(
                error(
                    document.path,
                    f"{field}.endorser",
                    f"names {item['endorser']!r}, which is not in {ENDORSERS_DIR}/.",
                    f"Add {ENDORSERS_DIR}/{item['endorser']}.yml "
                    f"or use one of: {known}.",
                    document.line_of(("endorsements", index, "endorser")),
                )
            )
            continue
        try:
            issued = dates.parse_instant(item["issued_on"], config.input_zone)
        except dates.DateError as exc:
            problems.append(
                error(
                    document.path,
                    f"{field}.issued_on",
                    exc.message,
                    exc.fix,
                    document.line_of(("endorsements", index, "issued_on")),
                )
            )
            continue
        items.append(Endorsement(item["endorser"], issued, item.get("comment")))
    return tuple(items), problems


def _is_slug(name: str) -> bool:
    return bool(re.match(SLUG_PATTERN, name))
