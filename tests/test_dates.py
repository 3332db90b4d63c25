"""Dates: parsing in the site's zone and formatting with its offset."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from generator import dates

LONDON = ZoneInfo("Europe/London")


def test_format_instant_uses_zone_offset():
    value = datetime(2026, 5, 13, 23, 0, tzinfo=UTC)
    assert dates.format_instant(value, LONDON) == "2026-05-14T00:00:00+01:00"
    assert dates.format_instant(value) == "2026-05-13T23:00:00Z"
    winter = datetime(2026, 1, 10, 9, 30, tzinfo=UTC)
    assert dates.format_instant(winter, LONDON) == "2026-01-10T09:30:00Z"
    assert dates.format_instant(winter, ZoneInfo("Asia/Kolkata")) == (
        "2026-01-10T15:00:00+05:30"
    )


def test_parse_date_only_is_midnight_in_zone():
    value = dates.parse_instant("2026-05-14", LONDON)
    assert value == datetime(2026, 5, 13, 23, 0, tzinfo=UTC)


def test_parse_zoneless_datetime_needs_zone():
    with pytest.raises(dates.DateError, match="has no time zone"):
        dates.parse_instant("2026-05-14T10:00:00", None)
    assert (
        dates.parse_instant("2026-05-14T10:00:00", LONDON).utcoffset().seconds == 3600
    )
