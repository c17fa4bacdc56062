"""Diagnosis code validation and mapping to ICD-10 chapter and block."""

from __future__ import annotations

import pytest
from django.utils import translation

from rattvag.certificates.icd import (
    CHAPTERS,
    CodeError,
    chapter_for,
    chapter_name,
    display_code,
    suggest_codes,
    validate_code,
)


@pytest.mark.parametrize(
    ("raw", "code", "chapter", "block"),
    [
        ("F32.1", "F321", "V", "F30-F39"),
        ("F321", "F321", "V", "F30-F39"),
        ("f32.1", "F321", "V", "F30-F39"),
        (" F32.1 ", "F321", "V", "F30-F39"),
        ("Z73.0", "Z730", "XXI", "Z70-Z76"),
        ("J06.9", "J069", "X", "J00-J06"),
        ("M54.5", "M545", "XIII", "M50-M54"),
        ("m545", "M545", "XIII", "M50-M54"),
        ("J06", "J06", "X", "J00-J06"),  # three characters are enough outside F and Z73
        ("D50.0", "D500", "III", "D50-D53"),  # D splits between chapters II and III
        ("H65.9", "H659", "VIII", "H65-H75"),  # H splits between chapters VII and VIII
        ("U07.1", "U071", "XXII", "U00-U49"),
    ],
)
def test_valid_icd10se_codes_are_normalised_and_mapped(raw, code, chapter, block):
    info = validate_code(raw)
    assert (info.code, info.chapter, info.block, info.known_to_who) == (code, chapter, block, True)
    assert info.who_description


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("F32", "fourth character"),
        ("f32", "fourth character"),
        ("Z73", "fourth character"),
        ("", "Enter a diagnosis code"),
        ("F3", "at least three characters"),
        ("garbage", "letter, two digits"),
        ("123", "letter, two digits"),
        ("F3.21", "letter, two digits"),
        ("F32..1", "letter, two digits"),
        ("F32.", "letter, two digits"),
        ("F32.1234", "letter, two digits"),
        ("F32-1", "letter, two digits"),
    ],
)
def test_invalid_codes_are_refused_with_a_message(raw, message):
    with translation.override("en"), pytest.raises(CodeError, match=message):
        validate_code(raw)


def test_icd10se_extension_is_accepted_but_unknown_to_who_and_mapped_by_its_ancestor():
    info = validate_code("F43.8A")  # utmattningssyndrom, a Swedish code
    assert info.code == "F438A"
    assert info.known_to_who is False
    assert (info.chapter, info.block) == ("V", "F40-F48")
    info = validate_code("S72.00")
    assert (info.known_to_who, info.chapter, info.block) == (False, "XIX", "S70-S79")


def test_unknown_category_of_valid_form_maps_chapter_by_letter():
    info = validate_code("U99.9")
    assert info.known_to_who is False
    assert info.chapter == "XXII"


@pytest.mark.parametrize(("raw", "chapter"), [("F41-P", "V"), ("R52P", "XVIII"), ("J06-", "X"), ("M54", "XIII")])
def test_ksh97p_codes_are_checked_for_form_and_mapped(raw, chapter):
    info = validate_code(raw, "ksh97p")
    assert info.chapter == chapter
    assert info.system == "ksh97p"


def test_ksh97p_f_code_still_needs_a_fourth_character():
    with pytest.raises(CodeError):
        validate_code("F32", "ksh97p")


def test_unknown_system_is_refused():
    with pytest.raises(CodeError):
        validate_code("F32.1", "icd9")


def test_display_puts_the_dot_after_the_third_character():
    assert display_code("F321") == "F32.1"
    assert display_code("F438A") == "F43.8A"
    assert display_code("J06") == "J06"
    assert display_code("F41-P") == "F41-P"


def test_twenty_two_chapters_with_swedish_names_and_english_from_who():
    assert len(CHAPTERS) == 22
    assert chapter_name("V", "sv") == "Psykiska sjukdomar och syndrom samt beteendestörningar"
    assert chapter_name("V", "en") == "Mental and behavioural disorders"
    assert chapter_for("T98") == "XIX"
    assert chapter_for("Y98") == "XX"
    assert chapter_for("?") == ""


def test_suggestions_follow_the_typed_prefix():
    codes = [s.code for s in suggest_codes("f32")]
    assert codes[0] == "F32"
    assert "F32.1" in codes
    assert all(code.startswith("F32") for code in codes)
    assert [s.code for s in suggest_codes("M54.")][:2] == ["M54", "M54.0"]
    assert suggest_codes("??") == []
    assert len(suggest_codes("F", limit=5)) == 5
