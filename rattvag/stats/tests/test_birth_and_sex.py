"""``birth_and_sex`` reads twelve-digit numbers itself: the same answers as the ``personnummer`` library."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from personnummer import personnummer as pnr_lib

from rattvag.clients.personal_numbers import luhn_check_digit
from rattvag.stats.figures import FEMALE, MALE, UNKNOWN, birth_and_sex


def _by_the_library(number: str) -> tuple[datetime.date | None, str]:
    try:
        parsed = pnr_lib.Personnummer(number)
    except pnr_lib.PersonnummerException:
        return None, UNKNOWN
    return parsed.get_date(), MALE if parsed.is_male() else FEMALE


@st.composite
def _numbers(draw: st.DrawFn) -> str:
    """Twelve digits, mostly with a plausible date (coordination numbers too) and often the right check digit."""
    if draw(st.booleans()):
        return draw(st.text(alphabet="0123456789", min_size=12, max_size=12))
    year = draw(st.integers(0, 2099))
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32)) + draw(st.sampled_from([0, 0, 60]))
    serial = draw(st.integers(0, 999))
    digits = f"{year:04d}{month:02d}{day:02d}{serial:03d}"
    check = luhn_check_digit(digits[2:]) if draw(st.integers(0, 3)) else draw(st.integers(0, 9))
    return f"{digits}{check}"


@settings(max_examples=3000, deadline=None)
@given(_numbers())
def test_twelve_digits_read_as_the_library_reads_them(number: str) -> None:
    assert birth_and_sex(number) == _by_the_library(number)


def test_other_forms_go_to_the_library() -> None:
    for number in ("19900310-1237", "900310-1237", "１９９００３１０１２３７", "not a number", "", "1990031012370"):
        assert birth_and_sex(number) == _by_the_library(number)
