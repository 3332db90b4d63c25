"""Parse organiser dates in the site's time zone and format Open Badges DateTimes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from generator.errors import InputError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?"
    r"(?P<zone>Z|z|[+-]\d{2}:?\d{2})?$"
)


class DateError(InputError):
    """Raised with a message and a fix when a date value cannot be used."""


def looks_like_instant(text: str) -> bool:
    """Return whether text has the shape of a date or a date-time."""
    return bool(_DATE.match(text) or _DATETIME.match(text))


def parse_instant(text: str, zone: tzinfo | None) -> datetime:
    """Parse a date or date-time into an aware datetime.

    A date means midnight at the start of that day in `zone` (UTC when the site
    sets no time zone). A date-time without an offset is read in `zone`, and
    raises DateError when the site sets no zone.
    """
    if _DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise DateError(
                f"is not a real date: {text!r} ({exc}).", "Use YYYY-MM-DD."
            ) from exc
        return datetime.combine(day, time(0), tzinfo=zone or UTC)
    match = _DATETIME.match(text)
    if not match:
        raise DateError(
            f"is not a date: {text!r}.",
            "Use YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with a zone like Z or +01:00.",
        )
    try:
        value = datetime.fromisoformat(text.replace("z", "Z").replace(" ", "T", 1))
    except ValueError as exc:
        raise DateError(
            f"is not a real date-time: {text!r}.",
            "Check the numbers: months 01-12, days in range, hours 00-23, minutes "
            "00-59, and an offset between -23:59 and +23:59.",
        ) from exc
    if value.tzinfo is None:
        if zone is None:
            raise DateError(
                f"has no time zone: {text!r}.",
                "Add an offset like Z or +01:00, "
                "or set 'timezone' in content/site.yml.",
            )
        value = value.replace(tzinfo=zone)
    return value


def format_instant(value: datetime, zone: tzinfo = UTC) -> str:
    """Format an instant as ISO 8601 with the offset it has in `zone`.

    Whole seconds are written without a fraction, and UTC as Z. Writing the
    site's offset keeps the calendar day that the award page shows, so a
    date-only award in Europe/London reads 2026-05-14T00:00:00+01:00.
    """
    local = value.astimezone(zone)
    spec = "%Y-%m-%dT%H:%M:%S.%f" if local.microsecond else "%Y-%m-%dT%H:%M:%S"
    offset = local.utcoffset()
    if offset is None or not offset:
        return local.strftime(spec) + "Z"
    return (
        local.strftime(spec) + local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]
    )


def end_of_day(day: date, zone: tzinfo) -> datetime:
    """Return the last whole second of a day in a zone."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone) - timedelta(
        seconds=1
    )


def local_date(value: datetime, zone: tzinfo) -> date:
    """Return the calendar date of an instant in a zone."""
    return value.astimezone(zone).date()
