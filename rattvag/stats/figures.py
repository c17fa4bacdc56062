"""The figures of the unit mapping and of the aggregates, as raw counts per group.

One computation feeds the mapping page, the aggregate page, the charts, the exports and the API. The status tables
(who is in the method on the reference date, with what sick leave, SGI, diagnosis, care unit, age and sex) are
counted per group in Python from two statements read once for all of them (each open case with the client's SGI and
number; each open case of a sick-listed client with the certificate periods covering the reference date);
sick-leave spells and the certificate quality check are counted in the database, by the certificates app's
statements that follow its spell and quality rules (``spell_summaries``, ``completeness_of_client_certificates``; tested
against the rules in Python).
Definitions of every figure are in docs/statistics.md; the short version:

* reference date D = the end of the period (at most today); the period runs from its start to D;
* **in the method** on D: clients with a case in the unit(s) open on D (opened on or before D, not closed on or
  before D), narrowed by the filters (responsible caseworker; with a degree filter, sick-listed at that degree);
* **sick-listed** on D: a certificate period covers D; the *current certificate* is the covering certificate
  issued last (the rule of ``rattvag.certificates.spells.degree_on``); its degree, first coded diagnosis (main
  diagnosis) and care unit describe the client's sick leave;
* **spell length**: the total number of sick-listed days of the current spell (certificates at most the unit's
  maximum gap apart merge), in the buckets of Inera's Intygsstatistik;
* **new sick-listed per month**: clients whose spell started that month, among clients with a case open at some
  time during the period;
* **completeness**: certificates issued in the period, of the clients in the method, without findings in the
  certificates app's quality check.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from personnummer import personnummer as pnr_lib

from rattvag.accounts.models import Municipality, Unit
from rattvag.certificates.icd import CHAPTERS, chapter_name, display_code
from rattvag.certificates.models import (
    CertificatePeriod,
    Degree,
    Diagnosis,
    SgiStatus,
    SgiStatusValue,
    UnitCertificateSettings,
)
from rattvag.certificates.selectors import (
    CertificateCompleteness,
    SpellSummary,
    completeness_of_client_certificates,
    spell_summaries,
)
from rattvag.certificates.spells import DEFAULT_MAX_GAP
from rattvag.clients.models import Case
from rattvag.clients.personal_numbers import read_long_form

# --- what is counted -------------------------------------------------------------------------------------------

IN_METHOD = "in_method"
SICK_LISTED = "sick_listed"
NEW_SPELLS = "new_spells"
CERTIFICATES = "certificates"

HEADLINE = "headline"
SGI = "sgi"
DEGREE = "degree"
CHAPTERS_TABLE = "chapters"
CODES = "codes"
CARE_UNITS = "care_units"
SPELL_LENGTH = "spell_length"
AGE = "age"
SEX = "sex"
NEW_SPELLS_TABLE = "new_spells"
COMPLETENESS = "completeness"
CARE_UNIT_COMPLETENESS = "care_unit_completeness"

TOTAL = "total"
NONE = "none"
OTHER = "other"
UNKNOWN = "unknown"
TOP_CODES = 10
TOP_CARE_UNITS = 10

# Inera's Intygsstatistik: length of sick-leave spells (days).
SPELL_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-14", 0, 14),
    ("15-30", 15, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("181-364", 181, 364),
    ("365-730", 365, 730),
    ("731+", 731, None),
)
# Five-year age bands as Intygsstatistik groups them: under 21, 21-25, ..., 56-60, over 60.
AGE_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("-20", None, 20),
    ("21-25", 21, 25),
    ("26-30", 26, 30),
    ("31-35", 31, 35),
    ("36-40", 36, 40),
    ("41-45", 41, 45),
    ("46-50", 46, 50),
    ("51-55", 51, 55),
    ("56-60", 56, 60),
    ("61+", 61, None),
)
FEMALE = "female"
MALE = "male"
COMPLETE = "complete"
WITH_FINDINGS = "with_findings"

GROUP_BY_UNIT = "unit"
GROUP_BY_MUNICIPALITY = "municipality"


@dataclass(frozen=True)
class Params:
    """The filters of a computation. ``start`` <= ``reference_date`` <= today is checked by the forms."""

    start: datetime.date
    reference_date: datetime.date
    caseworker_id: int | None = None
    degree: int | None = None


@dataclass(frozen=True)
class Category:
    key: str
    label: str


@dataclass
class RawTable:
    """Counts in ``rows`` x ``columns``. Rows are the groups, except for the care-unit completeness table."""

    key: str
    title: str
    population: str
    columns: list[Category]
    rows: list[Category]
    counts: list[list[int]]
    column_heading: str
    rows_are_groups: bool = True

    def count(self, row: str, column: str) -> int:
        i = [r.key for r in self.rows].index(row)
        j = [c.key for c in self.columns].index(column)
        return self.counts[i][j]


# --- labels ----------------------------------------------------------------------------------------------------


def _bucket_label(key: str) -> str:
    if key.endswith("+"):
        return _("%(days)s days or more") % {"days": key[:-1]}
    low, high = key.split("-")
    return _("%(low)s–%(high)s days") % {"low": low, "high": high}


def _age_label(key: str) -> str:
    if key.startswith("-"):
        return _("%(age)s or younger") % {"age": key[1:]}
    if key.endswith("+"):
        return _("%(age)s or older") % {"age": key[:-1]}
    low, high = key.split("-")
    return f"{low}–{high}"


def _month_label(month: datetime.date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def spell_bucket(days: int) -> str:
    for key, low, high in SPELL_BUCKETS:
        if days >= low and (high is None or days <= high):
            return key
    return SPELL_BUCKETS[-1][0]


def age_band(age: int) -> str:
    for key, low, high in AGE_BANDS:
        if (low is None or age >= low) and (high is None or age <= high):
            return key
    return AGE_BANDS[-1][0]


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birth_and_sex(personal_number: str) -> tuple[datetime.date | None, str]:
    """Birth date and legal sex from a personal identity or coordination number (via ``personnummer``).

    The sex is the one registered in the population register, read from the serial number's last digit
    (odd: male, even: female). Numbers the library cannot read give (None, "unknown").

    The twelve digits the register stores are read by ``read_long_form`` (the library's checks without its
    objects: the statistics classify thousands of clients); anything else goes to the library.
    """
    fast = read_long_form(personal_number)
    if fast is not None:
        return fast.birth_date, MALE if int(fast.normalised[10]) % 2 else FEMALE
    try:
        parsed = pnr_lib.Personnummer(personal_number)
    except pnr_lib.PersonnummerException:
        return None, UNKNOWN
    return parsed.get_date(), MALE if parsed.is_male() else FEMALE


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


# --- the computation -------------------------------------------------------------------------------------------


_NO_SPELLS = SpellSummary()


class InMethodRow(NamedTuple):
    """A client in the method on the reference date: what the tables of all of them need."""

    client_id: int
    sgi: str | None
    personal_number: str


class SickRow(NamedTuple):
    """A sick-listed client in the method: the current certificate and what the tables of the sick-listed need."""

    client_id: int
    certificate: int
    degree: int
    chapter: str | None
    code: str | None
    care_unit: int
    care_unit_name: str


# The status tables of the sick-listed clients (the others: of all clients in the method).
SICK_TABLES = frozenset({DEGREE, CHAPTERS_TABLE, CODES, CARE_UNITS})


def _age_sex_key(group: str, personal_number: str) -> tuple[str, str, str]:
    """Group, birth date digits and the serial digit that gives the sex: what age and sex are classified by."""
    return group, personal_number[:8], personal_number[10:11]


class FigureQuery:
    """Counts for the cases of ``units``, grouped by unit or municipality.

    Every figure is available as a ``RawTable`` (``tables()``) and, for the client lists of the mapping, as the
    set of client ids behind one cell (``members()``).
    """

    def __init__(
        self, *, units: Sequence[Unit], group_by: str, params: Params, one_unit_per_municipality: bool = False
    ) -> None:
        """``one_unit_per_municipality``: a client with cases in several units of one municipality counts only in
        the unit of the newest case, so that the units' figures add up to the municipality's (the aggregates)."""
        if group_by not in (GROUP_BY_UNIT, GROUP_BY_MUNICIPALITY):
            raise ValueError(f"Unknown grouping {group_by!r}")
        if one_unit_per_municipality and group_by != GROUP_BY_UNIT:
            raise ValueError("One unit per municipality needs grouping by unit.")
        self.units = list(units)
        self.unit_ids = [u.pk for u in self.units]
        self.group_by = group_by
        self.params = params
        self.one_unit_per_municipality = one_unit_per_municipality
        self._municipality_of_unit = {u.pk: u.municipality_id for u in self.units}

    # -- groups --

    @cached_property
    def groups(self) -> list[Category]:
        if self.group_by == GROUP_BY_UNIT:
            return [Category(u.code, u.name) for u in self.units]
        seen: dict[int, Municipality] = {}
        for unit in self.units:
            seen.setdefault(unit.municipality_id, unit.municipality)
        return [Category(m.code, m.name) for m in sorted(seen.values(), key=lambda m: (m.name, m.pk))]

    @cached_property
    def _group_key_of_id(self) -> dict[int, str]:
        if self.group_by == GROUP_BY_UNIT:
            return {u.pk: u.code for u in self.units}
        return {u.municipality_id: u.municipality.code for u in self.units}

    @cached_property
    def _unit_group(self) -> dict[int, str]:
        """unit id -> group key."""
        if self.group_by == GROUP_BY_UNIT:
            return {u.pk: u.code for u in self.units}
        return {u.pk: u.municipality.code for u in self.units}

    def _group_expression(self) -> F:
        return F("unit_id") if self.group_by == GROUP_BY_UNIT else F("unit__municipality_id")

    # -- the cases --

    def _cases(self) -> QuerySet[Case]:
        cases = Case.objects.filter(unit_id__in=self.unit_ids)
        if self.params.caseworker_id is not None:
            cases = cases.filter(responsible_id=self.params.caseworker_id)
        return cases

    def _open_on_reference(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        day = self.params.reference_date
        return cases.filter(opened_on__lte=day).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))

    @cached_property
    def status_cases(self) -> QuerySet[Any]:
        """Cases open on the reference date, annotated with the client's current certificate and degree."""
        day = self.params.reference_date
        covering = CertificatePeriod.objects.filter(
            certificate__client_id=OuterRef("client_id"), start__lte=day, end__gte=day
        ).order_by("-certificate__issued_on", "-certificate_id", "-degree")
        cases = (
            self._open_on_reference(self._cases())
            .annotate(
                group=self._group_expression(),
                current_certificate=Subquery(covering.values("certificate_id")[:1]),
                current_degree=Subquery(covering.values("degree")[:1]),
            )
            .order_by()
        )
        if self.one_unit_per_municipality:
            newer = (
                self._open_on_reference(self._cases())
                .filter(client_id=OuterRef("client_id"), unit__municipality_id=OuterRef("unit__municipality_id"))
                .filter(
                    Q(opened_on__gt=OuterRef("opened_on")) | Q(opened_on=OuterRef("opened_on"), pk__gt=OuterRef("pk"))
                )
            )
            cases = cases.filter(~Exists(newer))
        if self.params.degree is not None:
            cases = cases.filter(current_degree=self.params.degree)
        return cases

    def _with_sgi(self, cases: QuerySet[Any]) -> QuerySet[Any]:
        latest = (
            SgiStatus.objects.filter(client_id=OuterRef("client_id"), recorded_on__lte=self.params.reference_date)
            .order_by("-recorded_on", "-pk")
            .values("status")[:1]
        )
        return cases.annotate(sgi=Subquery(latest))

    # -- the status tables: rows read once, counted in Python --

    @cached_property
    def _in_method_rows(self) -> dict[str, dict[int, InMethodRow]]:
        """group key -> {client: its row} for the clients in the method (one statement, a row per case).

        Every value but the group belongs to the client, so a client with several cases in a group is one entry:
        the tables count distinct clients per group.
        """
        rows = self._with_sgi(self.status_cases).values_list("group", "client_id", "sgi", "client__personal_number")
        found: dict[str, dict[int, InMethodRow]] = {g.key: {} for g in self.groups}
        for group_id, client_id, sgi, personal_number in rows:
            group = self._group_key_of_id.get(group_id)
            if group is not None:
                found[group].setdefault(client_id, InMethodRow(client_id, sgi, personal_number))
        return found

    @cached_property
    def _sick_rows(self) -> dict[str, dict[int, SickRow]]:
        """group key -> {client: its current certificate} for the sick-listed clients in the method.

        One statement joins the cases of ``status_cases`` to the certificate periods covering the reference date
        (a row per case and covering period, with the certificate's main diagnosis and care unit); of a client's
        rows the first in the order of ``status_cases``'s ``covering`` (issued last, then the highest id, then the
        highest degree) is the current certificate and degree, as that subquery finds them. The certificate's
        values are read once per case, not once per table.
        """
        day = self.params.reference_date
        main = (
            Diagnosis.objects.filter(certificate_id=OuterRef("client__certificates__id"))
            .exclude(code="")
            .order_by("position")
        )
        rows = (
            self.status_cases.filter(
                client__certificates__periods__start__lte=day, client__certificates__periods__end__gte=day
            )
            .annotate(main_chapter=Subquery(main.values("chapter")[:1]), main_code=Subquery(main.values("code")[:1]))
            .values_list(
                "group",
                "client_id",
                "client__certificates__issued_on",
                "client__certificates__id",
                "client__certificates__periods__degree",
                "main_chapter",
                "main_code",
                "client__certificates__care_unit_id",
                "client__certificates__care_unit__name",
            )
        )
        first: dict[tuple[str, int], tuple[tuple[datetime.date, int, int], SickRow]] = {}
        for group_id, client_id, issued_on, certificate_id, degree, chapter, code, care_unit, name in rows:
            group = self._group_key_of_id.get(group_id)
            if group is None:
                continue
            order = (issued_on, certificate_id, degree)
            key = (group, client_id)
            if key not in first or order > first[key][0]:
                first[key] = (order, SickRow(client_id, certificate_id, degree, chapter, code, care_unit, name))
        found: dict[str, dict[int, SickRow]] = {g.key: {} for g in self.groups}
        for (group, client_id), (_order, row) in first.items():
            found[group][client_id] = row
        return found

    def _status_clients(self, table: str) -> Iterable[tuple[str, Any]]:
        """(group, row) of every client counted in a status table: ``SickRow`` or ``InMethodRow``."""
        source: dict[str, dict[int, Any]] = self._sick_rows if table in SICK_TABLES else self._in_method_rows
        for group, clients in source.items():
            for row in clients.values():
                yield group, row

    def _matrix(self, table: str, columns: Sequence[Category]) -> list[list[int]]:
        index = {c.key: j for j, c in enumerate(columns)}
        group_index = {g.key: i for i, g in enumerate(self.groups)}
        matrix = [[0] * len(columns) for _ in self.groups]
        for group, row in self._status_clients(table):
            column = self._status_column(table, group, row)
            if column in index:
                matrix[group_index[group]][index[column]] += 1
        return matrix

    def _status_column(self, table: str, group: str, row: Any) -> str:
        """The column of a status table a client (its ``SickRow`` or ``InMethodRow``) counts in."""
        if table == HEADLINE:
            return SICK_LISTED if row.client_id in self._sick_rows[group] else "not_sick_listed"
        if table == DEGREE:
            return str(row.degree)
        if table == SGI:
            return row.sgi or SgiStatusValue.UNKNOWN.value
        if table == CHAPTERS_TABLE:
            return row.chapter or NONE
        if table == CODES:
            return self._code_column(row.code)
        if table == CARE_UNITS:
            return self._care_unit_column(row.care_unit)
        age, sex = self._age_sex_classified[_age_sex_key(group, row.personal_number)]
        return age if table == AGE else sex

    def headline(self) -> RawTable:
        columns = [Category(SICK_LISTED, _("Sick-listed")), Category("not_sick_listed", _("Not sick-listed"))]
        counts = self._matrix(HEADLINE, columns)
        return RawTable(HEADLINE, _("Clients in the method"), IN_METHOD, columns, self.groups, counts, _("Sick leave"))

    def degree(self) -> RawTable:
        columns = [Category(str(d.value), str(d.label)) for d in Degree]
        counts = self._matrix(DEGREE, columns)
        return RawTable(DEGREE, _("Sick-leave degree"), SICK_LISTED, columns, self.groups, counts, _("Degree"))

    def sgi(self) -> RawTable:
        columns = [
            Category(SgiStatusValue.UNKNOWN.value, _("Unknown or not recorded")),
            Category(SgiStatusValue.NONE.value, str(SgiStatusValue.NONE.label)),
            Category(SgiStatusValue.HAS.value, str(SgiStatusValue.HAS.label)),
        ]
        counts = self._matrix(SGI, columns)
        return RawTable(SGI, _("SGI status"), IN_METHOD, columns, self.groups, counts, _("SGI status"))

    def chapters(self) -> RawTable:
        totals: dict[str, int] = defaultdict(int)
        for _group, row in self._status_clients(CHAPTERS_TABLE):
            totals[row.chapter or NONE] += 1
        columns = [
            Category(chapter, f"{chapter} {chapter_name(chapter)}")
            for chapter, _first, _last, _name in CHAPTERS
            if totals.get(chapter)
        ]
        if totals.get(NONE):
            columns.append(Category(NONE, _("No diagnosis code")))
        counts = self._matrix(CHAPTERS_TABLE, columns)
        return RawTable(
            CHAPTERS_TABLE,
            _("Diagnoses by ICD-10 chapter"),
            SICK_LISTED,
            columns,
            self.groups,
            counts,
            _("ICD-10 chapter"),
        )

    @cached_property
    def top_codes(self) -> list[str]:
        totals: dict[str, int] = defaultdict(int)
        for _group, row in self._status_clients(CODES):
            if row.code:
                totals[row.code] += 1
        return [code for code, _n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CODES]]

    def _code_column(self, code: str | None) -> str:
        if not code:
            return NONE
        return code if code in self.top_codes else OTHER

    def codes(self) -> RawTable:
        columns = [Category(code, display_code(code)) for code in self.top_codes]
        columns += [Category(OTHER, _("Other codes")), Category(NONE, _("No diagnosis code"))]
        counts = self._matrix(CODES, columns)
        return RawTable(
            CODES,
            _("Most common diagnosis codes"),
            SICK_LISTED,
            columns,
            self.groups,
            counts,
            _("Main diagnosis"),
        )

    @cached_property
    def top_care_units(self) -> list[Category]:
        totals: dict[int, int] = defaultdict(int)
        names: dict[int, str] = {}
        for _group, row in self._status_clients(CARE_UNITS):
            totals[row.care_unit] += 1
            names[row.care_unit] = row.care_unit_name
        ranked = sorted(totals, key=lambda pk: (-totals[pk], names[pk], pk))[:TOP_CARE_UNITS]
        return [Category(str(pk), names[pk]) for pk in ranked]

    @cached_property
    def _top_care_unit_keys(self) -> set[str]:
        return {c.key for c in self.top_care_units}

    def _care_unit_column(self, care_unit_id: int | None) -> str:
        key = str(care_unit_id)
        return key if key in self._top_care_unit_keys else OTHER

    def care_units(self) -> RawTable:
        columns = [*self.top_care_units, Category(OTHER, _("Other care units"))]
        counts = self._matrix(CARE_UNITS, columns)
        return RawTable(
            CARE_UNITS,
            _("Care units by number of sick-listed clients"),
            SICK_LISTED,
            columns,
            self.groups,
            counts,
            _("Care unit"),
        )

    @cached_property
    def _age_sex_classified(self) -> dict[tuple[str, str, str], tuple[str, str]]:
        """(group, birth date digits, serial digit of the sex) -> (age band, sex).

        Clients of a group with the same birth date and sex digit are classified once, from the smallest of their
        numbers (as the grouped statement did before: ``Min`` of the numbers per group, birth date and digit).
        """
        samples: dict[tuple[str, str, str], str] = {}
        for group, row in self._status_clients(AGE):
            key = _age_sex_key(group, row.personal_number)
            if key not in samples or row.personal_number < samples[key]:
                samples[key] = row.personal_number
        classified = {}
        for key, sample in samples.items():
            birth, sex = birth_and_sex(sample)
            age = age_band(age_on(birth, self.params.reference_date)) if birth else UNKNOWN
            classified[key] = (age, sex)
        return classified

    def age(self) -> RawTable:
        columns = [Category(key, _age_label(key)) for key, _low, _high in AGE_BANDS]
        if any(age == UNKNOWN for age, _sex in self._age_sex_classified.values()):
            columns.append(Category(UNKNOWN, _("Unknown")))
        counts = self._matrix(AGE, columns)
        return RawTable(AGE, _("Age"), IN_METHOD, columns, self.groups, counts, _("Age (years)"))

    def sex(self) -> RawTable:
        columns = [Category(FEMALE, _("Women")), Category(MALE, _("Men"))]
        if any(sex == UNKNOWN for _age, sex in self._age_sex_classified.values()):
            columns.append(Category(UNKNOWN, _("Unknown")))
        counts = self._matrix(SEX, columns)
        return RawTable(SEX, _("Sex"), IN_METHOD, columns, self.groups, counts, _("Sex"))

    # -- tables from the sick-leave spells (counted in the database, one statement) --

    @cached_property
    def _period_case_rows(self) -> list[tuple[int, int, datetime.date, datetime.date | None, int]]:
        """(client, unit, opened, closed, case) for every case open at some time during the period."""
        return list(
            self._cases_in_period()
            .order_by("client_id", "pk")
            .values_list("client_id", "unit_id", "opened_on", "closed_on", "pk")
        )

    def _one_per_municipality(
        self, rows: Iterable[tuple[int, int, datetime.date, datetime.date | None, int]]
    ) -> list[tuple[int, int]]:
        """(client, unit) pairs; with ``one_unit_per_municipality`` only the newest case's unit per municipality
        (the same rule as ``status_cases``)."""
        rows = list(rows)
        if not self.one_unit_per_municipality:
            return [(client_id, unit_id) for client_id, unit_id, *_rest in rows]
        newest: dict[tuple[int, int], tuple[datetime.date, int, int]] = {}
        for client_id, unit_id, opened_on, _closed, pk in rows:
            key = (client_id, self._municipality_of_unit[unit_id])
            if key not in newest or (opened_on, pk) > newest[key][:2]:
                newest[key] = (opened_on, pk, unit_id)
        return [(client_id, unit_id) for (client_id, _m), (_o, _pk, unit_id) in sorted(newest.items())]

    @cached_property
    def _max_gaps(self) -> dict[int, int]:
        rows = UnitCertificateSettings.objects.filter(unit_id__in=self.unit_ids).values_list("unit_id", "max_gap")
        return dict(rows)

    def _cases_in_period(self) -> QuerySet[Case]:
        return (
            self._cases()
            .filter(opened_on__lte=self.params.reference_date)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=self.params.start))
        )

    @cached_property
    def _spell_summaries(self) -> dict[tuple[int, int], SpellSummary]:
        """The current and new spells of every client with a case in the period, with the maximum gap of each case's
        unit, counted in the database (``certificates.selectors.spell_summaries``)."""
        gap = UnitCertificateSettings.objects.filter(unit_id=OuterRef("unit_id")).values("max_gap")[:1]
        pairs = (
            self._cases_in_period()
            .annotate(gap=Coalesce(Subquery(gap), Value(DEFAULT_MAX_GAP)))
            .values("client_id", "gap")
            .distinct()
            .order_by()
        )
        return spell_summaries(
            pairs, start=self.params.start, on=self.params.reference_date, with_degrees=self.params.degree is not None
        )

    def _spell_summary(self, client_id: int, unit_id: int) -> SpellSummary:
        return self._spell_summaries.get((client_id, self._max_gaps.get(unit_id, DEFAULT_MAX_GAP)), _NO_SPELLS)

    @cached_property
    def _status_members(self) -> dict[str, dict[int, int]]:
        """group -> {client: unit of the case} for the clients in the method (the same rule as ``status_cases``)."""
        day = self.params.reference_date
        members: dict[str, dict[int, int]] = defaultdict(dict)
        open_on_day = [row for row in self._period_case_rows if row[2] <= day and (row[3] is None or row[3] > day)]
        for client_id, unit_id in self._one_per_municipality(open_on_day):
            if (
                self.params.degree is not None
                and self._spell_summary(client_id, unit_id).current_degree != self.params.degree
            ):
                continue
            members[self._unit_group[unit_id]].setdefault(client_id, unit_id)
        return members

    @cached_property
    def _period_members(self) -> dict[str, dict[int, int]]:
        members: dict[str, dict[int, int]] = defaultdict(dict)
        for client_id, unit_id in self._one_per_municipality(self._period_case_rows):
            members[self._unit_group[unit_id]].setdefault(client_id, unit_id)
        return members

    def _spell_bucket_of(self, client_id: int, unit_id: int) -> str | None:
        days = self._spell_summary(client_id, unit_id).current_days
        return spell_bucket(days) if days is not None else None

    def spell_length(self) -> RawTable:
        columns = [Category(key, _bucket_label(key)) for key, _low, _high in SPELL_BUCKETS]
        index = {c.key: j for j, c in enumerate(columns)}
        counts = [[0] * len(columns) for _ in self.groups]
        for i, group in enumerate(self.groups):
            for client_id, unit_id in self._status_members.get(group.key, {}).items():
                bucket = self._spell_bucket_of(client_id, unit_id)
                if bucket is not None:
                    counts[i][index[bucket]] += 1
        return RawTable(
            SPELL_LENGTH,
            _("Length of current sick-leave spells"),
            SICK_LISTED,
            columns,
            self.groups,
            counts,
            _("Length of the spell"),
        )

    def _new_spell_months(self, client_id: int, unit_id: int) -> set[datetime.date]:
        """The months in the period in which a spell of the client started (at the degree filtered on)."""
        return {
            first_day.replace(day=1)
            for first_day, degree in self._spell_summary(client_id, unit_id).starts
            if self.params.degree is None or degree == self.params.degree
        }

    def new_spells(self) -> RawTable:
        months = months_between(self.params.start, self.params.reference_date)
        columns = [Category(m.strftime("%Y-%m"), _month_label(m)) for m in months]
        index = {m: j for j, m in enumerate(months)}
        counts = [[0] * len(columns) for _ in self.groups]
        for i, group in enumerate(self.groups):
            for client_id, unit_id in self._period_members.get(group.key, {}).items():
                for month in self._new_spell_months(client_id, unit_id):
                    counts[i][index[month]] += 1
        return RawTable(
            NEW_SPELLS_TABLE,
            _("New sick-listed clients per month"),
            NEW_SPELLS,
            columns,
            self.groups,
            counts,
            _("Month"),
        )

    # -- certificate completeness (the certificates app's quality check) --

    @cached_property
    def _period_certificates(self) -> list[CertificateCompleteness]:
        """The certificates issued in the period of the clients in the method, each with whether the quality check
        finds nothing (decided in the database, one statement: at national scale these are hundreds of thousands)."""
        return completeness_of_client_certificates(
            self.status_cases.values("client_id"), issued_from=self.params.start, issued_to=self.params.reference_date
        )

    def _client_groups(self) -> dict[int, list[str]]:
        groups: dict[int, list[str]] = defaultdict(list)
        for group, members in self._status_members.items():
            for client_id in members:
                groups[client_id].append(group)
        return groups

    def completeness(self) -> RawTable:
        columns = [Category(COMPLETE, _("Without findings")), Category(WITH_FINDINGS, _("With findings"))]
        group_index = {g.key: i for i, g in enumerate(self.groups)}
        client_groups = self._client_groups()
        counts = [[0, 0] for _ in self.groups]
        for certificate in self._period_certificates:
            for group in client_groups.get(certificate.client_id, []):
                counts[group_index[group]][0 if certificate.complete else 1] += 1
        return RawTable(
            COMPLETENESS,
            _("Certificate completeness"),
            CERTIFICATES,
            columns,
            self.groups,
            counts,
            _("Certificates issued in the period"),
        )

    def care_unit_completeness(self) -> RawTable:
        """Rows: the ranked care units (and the others); only for one group (the mapping of a unit)."""
        columns = [Category(COMPLETE, _("Without findings")), Category(WITH_FINDINGS, _("With findings"))]
        rows = [*self.top_care_units, Category(OTHER, _("Other care units"))]
        row_index = {r.key: i for i, r in enumerate(rows)}
        in_method = set(self._client_groups())
        counts = [[0, 0] for _ in rows]
        for certificate in self._period_certificates:
            if certificate.client_id not in in_method:
                continue
            row = self._care_unit_column(certificate.care_unit_id)
            counts[row_index[row]][0 if certificate.complete else 1] += 1
        return RawTable(
            CARE_UNIT_COMPLETENESS,
            _("Certificate completeness by care unit"),
            CERTIFICATES,
            columns,
            rows,
            counts,
            _("Certificates issued in the period"),
            rows_are_groups=False,
        )

    # -- everything --

    def tables(self, *, with_care_unit_completeness: bool = False) -> list[RawTable]:
        tables = [
            self.headline(),
            self.sgi(),
            self.chapters(),
            self.codes(),
            self.care_units(),
            self.degree(),
            self.spell_length(),
            self.age(),
            self.sex(),
            self.new_spells(),
        ]
        tables.append(self.care_unit_completeness() if with_care_unit_completeness else self.completeness())
        return tables

    def table(self, key: str) -> RawTable | None:
        """One table alone (a chart of the mapping needs no other), or None for an unknown key."""
        compute = {
            HEADLINE: self.headline,
            SGI: self.sgi,
            CHAPTERS_TABLE: self.chapters,
            CODES: self.codes,
            CARE_UNITS: self.care_units,
            DEGREE: self.degree,
            SPELL_LENGTH: self.spell_length,
            AGE: self.age,
            SEX: self.sex,
            NEW_SPELLS_TABLE: self.new_spells,
            COMPLETENESS: self.completeness,
            CARE_UNIT_COMPLETENESS: self.care_unit_completeness,
        }.get(key)
        return compute() if compute is not None else None

    # -- the clients behind one cell (for the client lists of the mapping) --

    def members(self, table: str, column: str, *, row: str = "") -> set[int]:
        """Client ids behind one figure; ``column`` "total" means the whole population of the table."""
        if table in {HEADLINE, SGI, DEGREE, CHAPTERS_TABLE, CODES, CARE_UNITS, AGE, SEX, SPELL_LENGTH}:
            return self._status_member_ids(table, column)
        if table == NEW_SPELLS_TABLE:
            return {
                client_id
                for members in self._period_members.values()
                for client_id, unit_id in members.items()
                if _month_matches(self._new_spell_months(client_id, unit_id), column)
            }
        if table in {COMPLETENESS, CARE_UNIT_COMPLETENESS}:
            return self._certificate_member_ids(table, column, row)
        raise KeyError(table)

    def _status_member_ids(self, table: str, column: str) -> set[int]:
        """The clients behind one cell of a status table, from the same rows and columns as the table; the total of
        a table of the sick-listed (and of the spell lengths) is every sick-listed client in the method."""
        if column == TOTAL or (table == HEADLINE and column == SICK_LISTED):
            sick = table in SICK_TABLES or table == SPELL_LENGTH or column == SICK_LISTED
            return {row.client_id for _group, row in self._status_clients(DEGREE if sick else table)}
        if table == SPELL_LENGTH:
            return {
                client_id
                for members in self._status_members.values()
                for client_id, unit_id in members.items()
                if self._spell_bucket_of(client_id, unit_id) == column
            }
        clients = self._status_clients(table)
        return {row.client_id for group, row in clients if self._status_column(table, group, row) == column}

    def _certificate_member_ids(self, table: str, column: str, row: str) -> set[int]:
        in_method = set(self._client_groups())
        found = set()
        for certificate in self._period_certificates:
            if certificate.client_id not in in_method:
                continue
            if column != TOTAL and column != (COMPLETE if certificate.complete else WITH_FINDINGS):
                continue
            if (
                table == CARE_UNIT_COMPLETENESS
                and row not in ("", TOTAL)
                and self._care_unit_column(certificate.care_unit_id) != row
            ):
                continue
            found.add(certificate.client_id)
        return found


def _month_matches(months: set[datetime.date], column: str) -> bool:
    if column == TOTAL:
        return bool(months)
    return column in {m.strftime("%Y-%m") for m in months}
