"""The certificate quality check: what is missing or weak, so the caseworker knows what to ask.

Pure functions on plain values (a saved certificate, the form's cleaned data or the API input
all become a `QualityInput`). Each finding has a stable code (for statistics and the API) and a
translated message. Overlapping periods are not a finding: the services reject them.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .spells import Period

MIN_DFA_TEXT = 30  # characters; shorter impairment or limitation texts rarely describe anything
MAX_DAYS_BACKDATED = 7


@dataclass(frozen=True)
class QualityInput:
    issued_on: datetime.date | None
    diagnosis_codes: Sequence[str]
    functional_impairment: str
    activity_limitation: str
    basis: Sequence[str]
    prognosis: str
    periods: Sequence[Period]


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    field: str  # the form field it concerns, for the link from the quality panel

    @property
    def anchor(self) -> str:
        """The id of the input the finding links to on the form page (radios and checkboxes: the first)."""
        return f"id_{self.field}_0" if self.field in {"basis", "prognosis"} else f"id_{self.field}"

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "field": self.field}


def period_gaps(periods: Sequence[Period]) -> list[tuple[datetime.date, datetime.date]]:
    """Uncovered stretches (first, last day) between the periods of one certificate."""
    gaps = []
    ordered = sorted(periods, key=lambda p: (p.start, p.end))
    covered_to: datetime.date | None = None
    for period in ordered:
        if covered_to is not None and period.start > covered_to + datetime.timedelta(days=1):
            gaps.append((covered_to + datetime.timedelta(days=1), period.start - datetime.timedelta(days=1)))
        covered_to = period.end if covered_to is None else max(covered_to, period.end)
    return gaps


def overlapping_periods(periods: Sequence[Period]) -> list[tuple[Period, Period]]:
    ordered = sorted(periods, key=lambda p: (p.start, p.end))
    return [(a, b) for a, b in itertools.pairwise(ordered) if b.start <= a.end]


# Each finding's message (built only when the finding is shown: statistics count thousands of certificates)
# and the form field it concerns.
_FINDINGS: dict[str, tuple[Callable[[], str], str]] = {
    "diagnosis_missing": (lambda: _("No diagnosis code: ask for the code (ICD-10-SE)."), "diagnoses-0-code"),
    "basis_missing": (
        lambda: _("The certificate does not say what it is based on (own examination, phone, records)."),
        "basis",
    ),
    "impairment_missing": (
        lambda: _("Impairment (funktionsnedsättning) is not described."),
        "functional_impairment",
    ),
    "impairment_short": (
        lambda: _("The impairment text is very short: ask how the illness affects body and mind."),
        "functional_impairment",
    ),
    "activity_limitation_missing": (
        lambda: _("Activity limitation (aktivitetsbegränsning) is not described."),
        "activity_limitation",
    ),
    "activity_limitation_short": (
        lambda: _("The activity-limitation text is very short: ask what the client cannot do because of it."),
        "activity_limitation",
    ),
    "periods_missing": (lambda: _("No sick-leave period with degree and dates."), "periods-0-degree"),
    "period_backdated": (
        lambda: _("A period starts more than 7 days before the certificate was issued."),
        "periods-0-start",
    ),
    "periods_end_before_issue": (
        lambda: _("No period covers the issue date or later: the sick leave claimed now is not covered."),
        "periods-0-end",
    ),
    "period_gap": (lambda: _("The periods leave days uncovered (from %(first)s to %(last)s)."), "periods-0-start"),
    "prognosis_missing": (lambda: _("No prognosis: ask when the client may return."), "prognosis"),
}


def _text_finding(value: str, *, missing: str, short: str) -> list[str]:
    text = " ".join((value or "").split())
    if not text:
        return [missing]
    if len(text) < MIN_DFA_TEXT:
        return [short]
    return []


def _finding_codes(data: QualityInput) -> list[tuple[str, dict[str, str]]]:
    """The codes of the findings, in the order of the form, with the values their messages name."""
    found: list[tuple[str, dict[str, str]]] = []
    if not [code for code in data.diagnosis_codes if code]:
        found.append(("diagnosis_missing", {}))
    if not data.basis:
        found.append(("basis_missing", {}))
    found += [
        (code, {})
        for code in _text_finding(data.functional_impairment, missing="impairment_missing", short="impairment_short")
    ]
    found += [
        (code, {})
        for code in _text_finding(
            data.activity_limitation, missing="activity_limitation_missing", short="activity_limitation_short"
        )
    ]
    if not data.periods:
        found.append(("periods_missing", {}))
    else:
        if data.issued_on is not None:
            earliest_allowed = data.issued_on - datetime.timedelta(days=MAX_DAYS_BACKDATED)
            if min(p.start for p in data.periods) < earliest_allowed:
                found.append(("period_backdated", {}))
            if max(p.end for p in data.periods) < data.issued_on:
                found.append(("periods_end_before_issue", {}))
        gaps = period_gaps(data.periods)
        if gaps:
            found.append(("period_gap", {"first": gaps[0][0].isoformat(), "last": gaps[0][1].isoformat()}))
    if not data.prognosis:
        found.append(("prognosis_missing", {}))
    return found


def check(data: QualityInput) -> list[Finding]:
    """Every finding for one certificate, in the order of the form."""
    findings = []
    for code, values in _finding_codes(data):
        message, field = _FINDINGS[code]
        findings.append(Finding(code, message() % values if values else message(), field))
    return findings


def finding_count(data: QualityInput) -> int:
    """How many findings `check` makes (without writing their messages)."""
    return len(_finding_codes(data))


FINDING_CODES = (
    "diagnosis_missing",
    "basis_missing",
    "impairment_missing",
    "impairment_short",
    "activity_limitation_missing",
    "activity_limitation_short",
    "periods_missing",
    "period_backdated",
    "periods_end_before_issue",
    "period_gap",
    "prognosis_missing",
)
