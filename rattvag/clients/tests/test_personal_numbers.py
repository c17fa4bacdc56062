"""Personal identity numbers: the accepted forms, validation and normalisation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from rattvag.clients.personal_numbers import looks_like_personal_number_fragment, parse_personal_number
from tests.factories import luhn_check_digit, make_personal_number

TODAY = datetime.date(2026, 11, 24)


@pytest.mark.parametrize(
    "typed",
    ["19121212-1212", "191212121212", "121212+1212", " 121212+1212 "],
)
def test_a_person_over_100_in_every_form_is_the_same_number(typed):
    assert parse_personal_number(typed, today=TODAY).normalised == "191212121212"


def test_coordination_number_in_short_form_is_recognised():
    number = make_personal_number(datetime.date(1975, 8, 3), 241, coordination=True)
    assert parse_personal_number(f"{number[2:8]}-{number[8:]}", today=TODAY).normalised == number


def test_ten_digits_without_plus_mean_under_100():
    assert parse_personal_number("1212121212", today=TODAY).normalised == "201212121212"
    assert parse_personal_number("121212-1212", today=TODAY).normalised == "201212121212"


def test_coordination_number_has_day_plus_60():
    number = make_personal_number(datetime.date(1990, 5, 14), 123, coordination=True)
    assert number[6:8] == "74"
    parsed = parse_personal_number(number)
    assert parsed.is_coordination_number
    assert parsed.birth_date == datetime.date(1990, 5, 14)


@pytest.mark.parametrize(
    "typed",
    [
        "19900230-1234",  # 30 February does not exist
        "19901301-1234",  # month 13
        "19900592-1234",  # coordination day 92 = 32nd
        "",
        "abc",
        "1990-05-14-1234",
        "19121212+1212",  # a plus with a four-digit year is not an accepted form
        "121212 -1212x",
        "12121212121",  # eleven digits
    ],
)
def test_invalid_forms_and_dates_are_refused(typed):
    with pytest.raises(ValidationError):
        parse_personal_number(typed, today=TODAY)


def test_wrong_check_digit_is_refused():
    good = make_personal_number(datetime.date(1985, 3, 9), 456)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    parse_personal_number(good)
    with pytest.raises(ValidationError) as raised:
        parse_personal_number(bad)
    assert raised.value.code == "invalid"


def test_luhn_helper_matches_the_known_example():
    # 811218-9876 is the Swedish Tax Agency's documented example.
    assert luhn_check_digit("811218987") == 6


birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2025, 12, 31))


@given(birth=birth_dates, serial=st.integers(min_value=1, max_value=999), coordination=st.booleans())
def test_every_valid_number_normalises_to_itself_in_all_forms(birth, serial, coordination):
    number = make_personal_number(birth, serial, coordination=coordination)
    long_with_hyphen = f"{number[:8]}-{number[8:]}"
    assert parse_personal_number(number).normalised == number
    assert parse_personal_number(long_with_hyphen).normalised == number
    age = TODAY.year - birth.year - ((TODAY.month, TODAY.day) < (birth.month, birth.day))
    short = f"{number[2:8]}{'+' if age >= 100 else '-'}{number[8:]}"
    assert parse_personal_number(short, today=TODAY).normalised == number


@given(birth=birth_dates, serial=st.integers(min_value=1, max_value=999), wrong=st.integers(min_value=1, max_value=9))
def test_every_wrong_check_digit_is_refused(birth, serial, wrong):
    number = make_personal_number(birth, serial)
    bad = number[:-1] + str((int(number[-1]) + wrong) % 10)
    with pytest.raises(ValidationError):
        parse_personal_number(bad)


@given(st.text(max_size=20))
def test_arbitrary_text_never_crashes(text):
    try:
        result = parse_personal_number(text)
    except ValidationError:
        return
    assert len(result.normalised) == 12
    assert result.normalised.isdigit()


def test_search_fragment_detection():
    assert looks_like_personal_number_fragment("19800101") == "19800101"
    assert looks_like_personal_number_fragment("800101-12") == "80010112"
    assert looks_like_personal_number_fragment("Anna") is None
    assert looks_like_personal_number_fragment("123") is None


def test_century_is_judged_on_the_full_birth_date_not_the_year():
    # Born 1 December 1926: 99 years old on 24 November 2026, so "-" means 1926, not 2026.
    number = make_personal_number(datetime.date(1926, 12, 1), 1)
    assert parse_personal_number(f"{number[2:8]}-{number[8:]}", today=TODAY).normalised == number
    # A birthday already passed this year with "+" is a person who turned 100 or more.
    older = make_personal_number(datetime.date(1926, 11, 1), 1)
    assert parse_personal_number(f"{older[2:8]}+{older[8:]}", today=TODAY).normalised == older


def test_29_february_in_short_form_finds_the_leap_year():
    number = make_personal_number(datetime.date(2000, 2, 29), 17)
    assert parse_personal_number(f"{number[2:8]}-{number[8:]}", today=TODAY).normalised == number
