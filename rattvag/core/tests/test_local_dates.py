"""`LocalDate`: the local calendar day of a stored instant, computed by the database, is the day
`timezone.localtime(instant).date()` gives, in any zone, around every change of the clocks, on both databases."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.db.models import DateTimeField, Max, Min, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rattvag.accounts.models import Municipality
from rattvag.core import local_dates
from rattvag.core.local_dates import FIRST_YEAR, LocalDate, offset_changes

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
ZONES = [
    "Europe/Stockholm",
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",  # summer time ended at midnight (the local day went back), abolished in 2019
    "America/St_Johns",  # -03:30
    "Asia/Kolkata",  # +05:30, no summer time
    "Asia/Kathmandu",  # +05:45
    "Australia/Lord_Howe",  # summer time of half an hour
    "Pacific/Chatham",  # +12:45 / +13:45
    "Pacific/Apia",  # skipped 30 December 2011 (the offset changed by a day)
    "Africa/Casablanca",  # summer time suspended every Ramadan
    "Asia/Tehran",
    "UTC",
]
FIXED = [datetime.timezone(datetime.timedelta(hours=-3)), datetime.timezone(datetime.timedelta(hours=5, minutes=30))]


def zone(name: str) -> datetime.tzinfo:
    return zoneinfo.ZoneInfo(name)


def local_days(instants: list[datetime.datetime], tz: datetime.tzinfo) -> list[datetime.date | None]:
    """The days the database gives for the instants (in one statement), in time zone `tz`."""
    with timezone.override(tz):
        query = Municipality.objects.all().query
        compiler = query.get_compiler(connection=connection)
        columns, params = [], []
        for instant in instants:
            expression = LocalDate(Value(instant, output_field=DateTimeField())).resolve_expression(query)
            sql, expression_params = compiler.compile(expression)
            columns.append(sql)
            params.extend(expression_params)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)}", params)
            row = cursor.fetchone()
    return [
        value if value is None or isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
        for value in row
    ]


def expected_days(instants: list[datetime.datetime], tz: datetime.tzinfo) -> list[datetime.date]:
    with timezone.override(tz):
        return [timezone.localtime(instant).date() for instant in instants]


def around(instant: datetime.datetime) -> list[datetime.datetime]:
    steps = (datetime.timedelta(microseconds=1), datetime.timedelta(seconds=1), datetime.timedelta(hours=1))
    return [instant, *(instant - step for step in steps), *(instant + step for step in steps)]


@pytest.mark.parametrize("name", ZONES)
def test_every_change_of_the_clocks_in_the_years_written_into_the_sql(name):
    """Every change of the zone's offset from FIRST_YEAR to ten years ahead, to the microsecond on either side,
    and the edges of those years (beyond them Django's own conversion answers)."""
    tz = zone(name)
    last_year = timezone.now().year + local_dates.YEARS_AHEAD
    _initial, changes = offset_changes(tz, FIRST_YEAR, last_year)
    instants = [moment for change, _offset in changes for moment in around(change)]
    for year in (FIRST_YEAR, last_year + 1):
        instants += around(datetime.datetime(year, 1, 1, tzinfo=UTC))
    instants += [datetime.datetime(1900, 6, 1, 12, tzinfo=UTC), datetime.datetime(2200, 6, 1, 23, 30, tzinfo=UTC)]
    for start in range(0, len(instants), 200):
        chunk = instants[start : start + 200]
        assert local_days(chunk, tz) == expected_days(chunk, tz)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tz=st.sampled_from([zone(name) for name in ZONES] + FIXED),
    instants=st.lists(
        st.datetimes(
            min_value=datetime.datetime(1990, 1, 1),
            max_value=datetime.datetime(2045, 12, 31),
            timezones=st.just(UTC),
        ),
        min_size=1,
        max_size=40,
    ),
    near_change=st.lists(st.tuples(st.integers(0, 10_000), st.integers(-7200, 7200)), max_size=20),
)
def test_the_local_day_is_the_day_of_localtime(tz, instants, near_change):
    """Any instant, and instants within two hours of a change of the clocks."""
    _initial, changes = offset_changes(tz, FIRST_YEAR, timezone.now().year + local_dates.YEARS_AHEAD)
    if changes:
        instants = instants + [
            changes[i % len(changes)][0] + datetime.timedelta(seconds=seconds) for i, seconds in near_change
        ]
    assert local_days(instants, tz) == expected_days(instants, tz)


def test_a_column_in_filters_and_aggregates_gives_the_local_days():
    """On a real column: annotated, compared with a date and aggregated, as the reports use it."""
    tz = zone("Europe/Stockholm")
    moments = {
        "a": datetime.datetime(2025, 3, 30, 0, 59, 59, tzinfo=UTC),  # 01:59:59 local, the 30th
        "b": datetime.datetime(2025, 10, 25, 22, 30, tzinfo=UTC),  # 00:30 local, the 26th (summer time)
        "c": datetime.datetime(2025, 10, 26, 23, 0, tzinfo=UTC),  # 00:00 local, the 27th (winter time)
        "d": datetime.datetime(2025, 12, 31, 23, 0, tzinfo=UTC),  # 00:00 local, new year's day
    }
    for code, moment in moments.items():
        Municipality.objects.filter(pk=Municipality.objects.create(code=f"LD-{code}", name=code).pk).update(
            created_at=moment
        )
    mine = Municipality.objects.filter(code__startswith="LD-")
    with timezone.override(tz):
        days = dict(mine.annotate(day=LocalDate("created_at")).values_list("code", "day"))
        assert days == {f"LD-{code}": timezone.localtime(moment).date() for code, moment in moments.items()}
        assert days == dict(mine.annotate(day=TruncDate("created_at")).values_list("code", "day"))
        later = mine.annotate(day=LocalDate("created_at")).filter(day__gte=datetime.date(2025, 10, 27))
        assert sorted(later.values_list("code", flat=True)) == ["LD-c", "LD-d"]
        assert mine.aggregate(first=Min(LocalDate("created_at")), last=Max(LocalDate("created_at"))) == {
            "first": datetime.date(2025, 3, 30),
            "last": datetime.date(2026, 1, 1),
        }


@pytest.mark.parametrize("name", ["Europe/Stockholm", "Africa/Casablanca", "Australia/Lord_Howe", "Pacific/Apia"])
def test_the_changes_found_day_by_day_are_those_found_hour_by_hour(name):
    """The search steps a day at a time: no change of offset hides between two steps (checked hourly)."""
    tz = zone(name)
    _initial, changes = offset_changes(tz, 2009, 2012)
    hourly = []
    moment = datetime.datetime(2009, 1, 1, tzinfo=UTC)
    previous = moment.astimezone(tz).utcoffset()
    while moment < datetime.datetime(2013, 1, 1, tzinfo=UTC):
        moment += datetime.timedelta(hours=1)
        offset = moment.astimezone(tz).utcoffset()
        if offset != previous:
            hourly.append(moment)
            previous = offset
    # Each change lies in the hour before the hourly step that saw it.
    assert len(changes) == len(hourly)
    for (change, _offset), seen in zip(changes, hourly, strict=True):
        assert seen - datetime.timedelta(hours=1) < change <= seen
        assert (change - datetime.timedelta(seconds=1)).astimezone(tz).utcoffset() != change.astimezone(tz).utcoffset()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite writes the offsets into the SQL")
def test_on_sqlite_the_offsets_are_in_the_sql_and_python_only_outside_the_years():
    query = Municipality.objects.all().query
    compiler = query.get_compiler(connection=connection)
    with timezone.override(zone("Europe/Stockholm")):
        sql, _params = compiler.compile(LocalDate("created_at").resolve_expression(query))
    assert "'+7200 seconds'" in sql
    assert "'+3600 seconds'" in sql
    assert sql.count("django_datetime_cast_date") == 1  # the fallback, outside the years written in


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite writes the offsets into the SQL")
def test_a_zone_changing_too_often_falls_back_to_truncdate(monkeypatch):
    monkeypatch.setattr(local_dates, "MAX_CHANGES", 3)
    local_dates._sqlite_template.cache_clear()
    try:
        tz = zone("Europe/Stockholm")
        query = Municipality.objects.all().query
        compiler = query.get_compiler(connection=connection)
        with timezone.override(tz):
            sql, _params = compiler.compile(LocalDate("created_at").resolve_expression(query))
            truncated, _ = compiler.compile(TruncDate("created_at").resolve_expression(query))
        assert sql == truncated
        instants = [datetime.datetime(2025, 10, 25, 22, 30, tzinfo=UTC), datetime.datetime(2025, 3, 30, 1, tzinfo=UTC)]
        assert local_days(instants, tz) == expected_days(instants, tz)
    finally:
        local_dates._sqlite_template.cache_clear()


def test_without_time_zones_it_is_truncdate(settings):
    settings.USE_TZ = False
    query = Municipality.objects.all().query
    compiler = query.get_compiler(connection=connection)
    assert compiler.compile(LocalDate("created_at").resolve_expression(query)) == compiler.compile(
        TruncDate("created_at").resolve_expression(query)
    )
