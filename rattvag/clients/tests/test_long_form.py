"""`read_long_form`, the fast way imports and statistics read long-form numbers, never differs from the
library's reading (`parse_personal_number`)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from rattvag.clients.personal_numbers import luhn_check_digit, parse_personal_number, read_long_form

TODAY = datetime.date(2026, 11, 24)


def _library(text: str) -> str | None:
    try:
        return parse_personal_number(text, today=TODAY).normalised
    except ValidationError:
        return None


def _fast(text: str) -> str | None:
    read = read_long_form(text)
    return read.normalised if read is not None else None


def _with_check_digit(eleven: str) -> str:
    return eleven + str(luhn_check_digit(eleven[2:]))


@settings(max_examples=3000, deadline=None)
@given(digits=st.text(alphabet="0123456789", min_size=12, max_size=12), hyphen=st.booleans())
def test_the_long_form_check_never_accepts_what_the_library_refuses(digits, hyphen):
    text = f"{digits[:8]}-{digits[8:]}" if hyphen else digits
    fast = _fast(text)
    assert fast is None or fast == _library(text)


@settings(max_examples=3000, deadline=None)
@given(
    day=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2026, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
    coordination=st.booleans(),
    hyphen=st.booleans(),
    wrong_check=st.integers(min_value=0, max_value=9),
)
def test_the_long_form_check_agrees_with_the_library(day, serial, coordination, hyphen, wrong_check):
    day_part = day.day + 60 if coordination else day.day
    number = _with_check_digit(f"{day:%Y%m}{day_part:02d}{serial:03d}")
    for candidate in (number, number[:11] + str(wrong_check)):
        text = f"{candidate[:8]}-{candidate[8:]}" if hyphen else candidate
        assert _fast(text) == _library(text)


@pytest.mark.parametrize(
    "text",
    ["19900101-0017", "199001010017", "9001010017", "900101-0017", "19900230-0017", "19900101-0000", "1990-01-01"],
)
def test_the_long_form_check_leaves_other_forms_to_the_library(text):
    fast = _fast(text)
    assert fast is None or fast == _library(text)
    if len(text.replace("-", "")) != 12:
        assert fast is None
