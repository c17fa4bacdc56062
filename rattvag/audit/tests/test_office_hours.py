"""Accesses outside office hours (07:00–18:00 local time, Monday to Friday) are flagged."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from rattvag.audit.services import is_outside_office_hours

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    ("moment", "outside"),
    [
        (datetime.datetime(2026, 11, 24, 6, 59, 59, tzinfo=STOCKHOLM), True),
        (datetime.datetime(2026, 11, 24, 7, 0, tzinfo=STOCKHOLM), False),
        (datetime.datetime(2026, 11, 24, 17, 59, 59, tzinfo=STOCKHOLM), False),
        (datetime.datetime(2026, 11, 24, 18, 0, tzinfo=STOCKHOLM), True),
        (datetime.datetime(2026, 11, 28, 10, 0, tzinfo=STOCKHOLM), True),  # Saturday
        (datetime.datetime(2026, 11, 29, 10, 0, tzinfo=STOCKHOLM), True),  # Sunday
        (datetime.datetime(2026, 11, 27, 17, 0, tzinfo=STOCKHOLM), False),  # Friday
        # Summer time: 07:00 in Stockholm is 05:00 UTC.
        (datetime.datetime(2026, 6, 15, 5, 0, tzinfo=datetime.UTC), False),
        (datetime.datetime(2026, 6, 15, 4, 59, tzinfo=datetime.UTC), True),
        # Winter time: 18:00 in Stockholm is 17:00 UTC.
        (datetime.datetime(2026, 11, 24, 16, 59, tzinfo=datetime.UTC), False),
        (datetime.datetime(2026, 11, 24, 17, 0, tzinfo=datetime.UTC), True),
    ],
)
def test_office_hours_boundaries(moment, outside):
    assert is_outside_office_hours(moment) is outside


def test_office_hours_follow_the_setting(settings):
    settings.RATTVAG_OFFICE_HOURS = (8, 16)
    assert is_outside_office_hours(datetime.datetime(2026, 11, 24, 7, 30, tzinfo=STOCKHOLM))
    assert is_outside_office_hours(datetime.datetime(2026, 11, 24, 16, 0, tzinfo=STOCKHOLM))
    assert not is_outside_office_hours(datetime.datetime(2026, 11, 24, 15, 59, tzinfo=STOCKHOLM))


@pytest.mark.django_db
def test_an_evening_access_is_flagged_when_written(world, log_event):
    assert log_event(world.caseworker, client_id=world.client_a.pk, evening=True).outside_hours
