"""The quality check on plain values."""

from __future__ import annotations

import datetime

from django.utils import translation

from rattvag.certificates.quality import QualityInput, check, overlapping_periods, period_gaps
from rattvag.certificates.spells import Period

D = datetime.date
GOOD_TEXT = "Nedstämd, trött och har svårt att koncentrera sig i mer än korta stunder."


def make(**overrides):
    values = {
        "issued_on": D(2025, 3, 10),
        "diagnosis_codes": ["F321"],
        "functional_impairment": GOOD_TEXT,
        "activity_limitation": GOOD_TEXT,
        "basis": ["own_examination"],
        "prognosis": "after_90",
        "periods": [Period(D(2025, 3, 10), D(2025, 4, 9), 100)],
    }
    values.update(overrides)
    return QualityInput(**values)


def codes(data):
    return [f.code for f in check(data)]


def test_a_complete_certificate_has_no_findings():
    assert check(make()) == []


def test_everything_missing():
    empty = make(
        diagnosis_codes=[],
        functional_impairment="",
        activity_limitation="  ",
        basis=[],
        prognosis="",
        periods=[],
    )
    assert codes(empty) == [
        "diagnosis_missing",
        "basis_missing",
        "impairment_missing",
        "activity_limitation_missing",
        "periods_missing",
        "prognosis_missing",
    ]


def test_a_diagnosis_text_without_code_counts_as_missing_code():
    assert "diagnosis_missing" in codes(make(diagnosis_codes=[""]))


def test_short_dfa_texts_are_weak():
    assert codes(make(functional_impairment="Trött.", activity_limitation="Kan ej arbeta.")) == [
        "impairment_short",
        "activity_limitation_short",
    ]
    assert codes(make(functional_impairment="x" * 30)) == []


def test_period_starting_more_than_seven_days_before_issue():
    assert codes(make(periods=[Period(D(2025, 3, 3), D(2025, 4, 1), 100)])) == []  # exactly 7 days
    assert codes(make(periods=[Period(D(2025, 3, 2), D(2025, 4, 1), 100)])) == ["period_backdated"]


def test_periods_that_end_before_the_issue_date_do_not_cover_the_claim():
    assert "periods_end_before_issue" in codes(make(periods=[Period(D(2025, 3, 5), D(2025, 3, 9), 100)]))


def test_gap_between_periods_is_a_finding_with_the_dates():
    data = make(periods=[Period(D(2025, 3, 10), D(2025, 3, 20), 100), Period(D(2025, 3, 25), D(2025, 4, 9), 50)])
    with translation.override("en"):
        [finding] = check(data)
    assert finding.code == "period_gap"
    assert "2025-03-21" in finding.message
    assert "2025-03-24" in finding.message
    assert period_gaps(data.periods) == [(D(2025, 3, 21), D(2025, 3, 24))]


def test_adjoining_periods_have_no_gap_and_overlaps_are_found():
    adjoining = [Period(D(2025, 3, 10), D(2025, 3, 20), 100), Period(D(2025, 3, 21), D(2025, 4, 9), 50)]
    assert period_gaps(adjoining) == []
    assert overlapping_periods(adjoining) == []
    overlapping = [Period(D(2025, 3, 10), D(2025, 3, 21), 100), Period(D(2025, 3, 21), D(2025, 4, 9), 50)]
    assert len(overlapping_periods(overlapping)) == 1


def test_messages_are_swedish_by_default():
    with translation.override("sv"):
        messages = [f.message for f in check(make(prognosis=""))]
    assert messages == ["Prognos saknas: fråga när klienten kan förväntas återgå."]


def test_findings_link_to_form_fields():
    findings = {f.code: f for f in check(make(basis=[], prognosis="", diagnosis_codes=[]))}
    assert findings["basis_missing"].anchor == "id_basis_0"
    assert findings["prognosis_missing"].anchor == "id_prognosis_0"
    assert findings["diagnosis_missing"].anchor == "id_diagnoses-0-code"
