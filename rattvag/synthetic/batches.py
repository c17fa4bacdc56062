"""One batch of synthetic clients: every row of every table, as plain tuples, then inserted in bulk.

`BatchBuilder.build` draws the clients' stories with one `random.Random` per batch (same seed, same
batch number: the same rows). Rows refer to their parents by the parent's position in the batch
(a local index); writing.BatchWriter inserts the tables parents first and swaps the local indexes for
the ids `Inserter` reserved. Each client has exactly one case, so a case's local index is its
client's. Days are whole numbers relative to --today (see reference.Calendar).

The story of one client (docs/synthetic-data.md has the figures): an application with ill-health
as the obstacle opens the case; certificates follow each other in sick-leave spells (some gaps,
step-downs towards the end); SGI is checked; consents let the caseworker contact healthcare,
Försäkringskassan and the labour-market partners; questions go to healthcare; a mapping
meeting, plans, three-party and SIP meetings, activities and ladder assessments follow; a closed
case has an outcome and often an end-of-support questionnaire.
"""

from __future__ import annotations

import bisect
import math
import random
from typing import Any

from rattvag.certificates.models import Measure, SgiSource, SgiStatusValue, WorkCapacityActivity
from rattvag.clients.models import CaseStatus, Outcome
from rattvag.core.demo import fictional_personal_number

from . import content as c
from .method import MethodRecords
from .organisation import MunicipalityInfo, Org, UnitInfo
from .reference import Calendar, DiagnosisRow, Reference
from .rows import (
    ACTIVITIES,
    BASIS,
    CASE_MEDIAN_DAYS,
    FIRST_LENGTHS,
    LATER_LENGTHS,
    MEASURE_OTHER,
    MEASURES,
    OUTCOMES,
    PROGNOSES,
    SGI_SOURCES,
    SPELL_MEDIAN_DAYS,
    STEP_DOWNS,
    Batch,
    ClientSlot,
    Story,
)


class BatchBuilder(MethodRecords):
    """Draws the clients of one batch. Shared across batches: the organisation, reference data, calendar and
    the personal numbers already used (unique across the whole run)."""

    def __init__(self, org: Org, ref: Reference, calendar: Calendar, used_numbers: set[str]) -> None:
        self.org = org
        self.ref = ref
        self.cal = calendar
        self.used_numbers = used_numbers

    # --- the client and the case -------------------------------------------------------------

    def build(self, slots: list[ClientSlot], rng: random.Random) -> Batch:
        batch = Batch()
        for li, slot in enumerate(slots):
            self._client(batch, li, slot, rng)
        return batch

    def _personal_number(self, rng: random.Random, age: int, male: bool) -> tuple[str, int]:
        cal = self.cal
        coordination = rng.random() < 0.04
        while True:
            birth_t = -int(age * 365.25) - rng.randrange(365)
            birth = cal.today.fromordinal(cal.today.toordinal() + birth_t)
            serial = 900 + 2 * rng.randrange(50) + (1 if male else 0)  # the last digit of the serial: odd for men
            number = fictional_personal_number(birth, serial, coordination=coordination)
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number, birth_t

    def _client(self, batch: Batch, li: int, slot: ClientSlot, rng: random.Random) -> None:
        cal, ref, org = self.cal, self.ref, self.org
        rand, randint, choice = rng.random, rng.randint, rng.choice
        unit = org.units[slot.unit_index]
        municipality = org.municipalities[unit.municipality_index]
        day = cal.day
        t_open = slot.opened
        duration = int(rng.lognormvariate(math.log(CASE_MEDIAN_DAYS), 0.75)) + 14
        t_close: int | None = t_open + duration if t_open + duration <= -1 else None
        limit = t_close if t_close is not None else 0  # nothing is recorded after the case closed

        male = rand() < 0.45
        age = int(rng.triangular(19, 65, 38))
        number, _birth_t = self._personal_number(rng, age, male)
        first = choice(c.MALE_NAMES if male else c.FEMALE_NAMES)
        last = choice(c.SURNAMES)
        responsible = unit.caseworker(rng)
        created = cal.moment(t_open, randint(0, 35))
        postal = (municipality.postal_prefix + str(randint(10000, 99999)))[:5]
        batch.clients.append(
            (
                municipality.id,
                number,
                first,
                last,
                rand() < 0.005,
                f"{c.PHONE_PREFIX}{randint(*c.PHONE_RANGE):02d}" if rand() < 0.7 else "",
                f"{choice(c.STREETS)} {randint(1, 80)}",
                f"{postal[:3]} {postal[3:]}",
                municipality.name,
                created,
            )
        )
        acting = unit.id
        events = batch.events
        events.append((created, "client.created", responsible, acting, li, "client", li, {}))
        events.append((created, "case.opened", responsible, acting, li, "case", li, {}))

        # Diagnosis of the sick-listing and the care units that certify it.
        main = ref.diagnoses[bisect.bisect_right(ref.diagnosis_weights, rand() * ref.diagnosis_weights[-1])]
        if rand() < 0.03:
            main = choice(ref.ksh97p)
        second = ref.by_code[choice(c.COMORBID[main.letter])] if rand() < 0.2 else None
        if second is not None and second.code == main.code:
            second = None
        primary = municipality.primary_care_unit(rng)
        if main.letter == "F" and rand() < 0.3:
            home_care = choice(municipality.psychiatry_ids)
        elif main.letter != "F" and rand() < 0.12:
            home_care = choice(municipality.specialist_ids)
        else:
            home_care = primary
        care_partner = municipality.care_partner_of.get(primary)

        nurse = choice(unit.nurse_ids) if unit.nurse_ids and rand() < (0.35 if main.letter == "F" else 0.2) else None
        if nurse is not None:
            batch.case_nurses.append((li, nurse))

        certificates = self._certificates(
            batch, li, rng, unit, municipality, t_open, limit, main, second, home_care, responsible
        )

        sgi_has = False
        r = rand()
        first_received = certificates[0] if certificates else t_open
        if r < 0.06:
            batch.sgi.append((li, SgiStatusValue.UNKNOWN, day(t_open), SgiSource.CLIENT, responsible))
            events.append(
                (
                    created,
                    "sgi.recorded",
                    responsible,
                    acting,
                    li,
                    "sgi",
                    len(batch.sgi) - 1,
                    {"status": "unknown", "source": "client"},
                )
            )
        if r > 0.10:
            recorded = min(first_received + randint(0, 14), limit)
            sgi_has = rand() < 0.06
            status = SgiStatusValue.HAS if sgi_has else SgiStatusValue.NONE
            source = SGI_SOURCES(rng)
            batch.sgi.append((li, status, day(recorded), source, responsible))
            events.append(
                (
                    cal.moment(recorded, randint(0, 35)),
                    "sgi.recorded",
                    responsible,
                    acting,
                    li,
                    "sgi",
                    len(batch.sgi) - 1,
                    {"status": str(status), "source": str(source)},
                )
            )

        outcome = ""
        if t_close is not None:
            outcome = OUTCOMES(rng)
            if sgi_has and rand() < 0.7:
                outcome = Outcome.SICKNESS_BENEFIT
            elif outcome == Outcome.ACTIVITY_COMPENSATION and age >= 30:
                outcome = Outcome.SICKNESS_COMPENSATION
        batch.cases.append(
            (
                unit.id,
                day(t_open),
                responsible,
                CaseStatus.CLOSED if t_close is not None else CaseStatus.OPEN,
                outcome,
                day(t_close) if t_close is not None else None,
                created,
            )
        )

        story = Story(
            li=li,
            unit=unit,
            municipality=municipality,
            responsible=responsible,
            nurse=nurse,
            t_open=t_open,
            t_close=t_close,
            limit=limit,
            outcome=outcome,
            care_partner=care_partner,
            main=main,
        )
        self._consents_and_requests(batch, story, rng)
        self._meetings(batch, story, rng)
        self._plans_and_activities(batch, story, rng)
        self._ladder_and_questionnaires(batch, story, rng)
        for _ in range(randint(1, 3)):
            t = randint(t_open, limit)
            events.append(
                (cal.moment(t, randint(0, 35)), "client.viewed", responsible, acting, li, "client", li, {"via": "web"})
            )
        if t_close is not None:
            events.append(
                (cal.moment(t_close, 34), "case.closed", responsible, acting, li, "case", li, {"outcome": str(outcome)})
            )

    # --- certificates ----------------------------------------------------------------------------

    def _certificates(
        self,
        batch: Batch,
        li: int,
        rng: random.Random,
        unit: UnitInfo,
        municipality: MunicipalityInfo,
        t_open: int,
        limit: int,
        main: DiagnosisRow,
        second: DiagnosisRow | None,
        home_care: int,
        responsible: int,
    ) -> list[int]:
        """The client's certificates; returns the days they were received."""
        cal, rand, randint, choice = self.cal, rng.random, rng.randint, rng.choice
        day = cal.day
        if rand() < 0.04:
            return []  # ill-health stated, no certificate (yet)
        spell_days = rng.lognormvariate(math.log(SPELL_MEDIAN_DAYS), 0.8)
        start0 = t_open - randint(0, 30)
        cur = start0
        physician = f"{choice(c.FEMALE_NAMES + c.MALE_NAMES)} {choice(c.SURNAMES)}"
        diagnosis = main
        full = rand() < 0.88  # else the whole spell at a partial degree
        specs: list[list[Any]] = []  # [start, end, issued, received, diagnosis, care unit]
        first = True
        while True:
            length = choice(FIRST_LENGTHS) if first else choice(LATER_LENGTHS)
            start, end = cur, cur + length - 1
            issued = start if first else start - randint(0, 5)
            received = max(issued + choice((0, 0, 1, 2, 3, 5, 7, 10, 14)), t_open)
            if received > limit or issued > 0:
                break
            care = home_care if rand() < 0.85 else municipality.primary_care_unit(rng)
            specs.append([start, end, issued, received, diagnosis, care])
            first = False
            r = rand()
            gap = 0 if r < 0.82 else randint(1, 4) if r < 0.92 else randint(6, 60)
            if gap > 5 and rand() < 0.3:  # a new spell, sometimes for another diagnosis
                diagnosis = self.ref.diagnoses[
                    bisect.bisect_right(self.ref.diagnosis_weights, rand() * self.ref.diagnosis_weights[-1])
                ]
            cur = end + 1 + gap
            if cur - start0 > spell_days:
                break
        if not specs:
            return []
        degrees = [100 if full else choice((50, 75))] * len(specs)
        if rand() < 0.35 and len(specs) >= 2:
            tail = choice(STEP_DOWNS)[-min(len(specs) - 1, randint(1, 3)) :]
            degrees[len(degrees) - len(tail) :] = tail
        received_days = []
        for (start, end, issued, received, diagnosis, care), degree in zip(specs, degrees, strict=True):
            cert_li = len(batch.certificates)
            letter = diagnosis.letter
            activities = ACTIVITIES(rng)
            measures = MEASURES(rng)
            read = received + choice((0, 0, 0, 1, 2, 5, 10))
            batch.certificates.append(
                (
                    li,
                    day(received),
                    day(issued),
                    care,
                    physician if rand() < 0.8 else f"{choice(c.FEMALE_NAMES)} {choice(c.SURNAMES)}",
                    BASIS(rng),
                    activities,
                    choice(c.CURRENT_WORK) if WorkCapacityActivity.CURRENT_WORK in activities else "",
                    choice(c.IMPAIRMENT[letter]) if rand() < 0.8 else "",
                    choice(c.LIMITATION[letter]) if rand() < 0.7 else "",
                    choice(c.TREATMENT[letter]) if rand() < 0.85 else "",
                    PROGNOSES(rng),
                    measures,
                    MEASURE_OTHER if Measure.OTHER in measures else "",
                    rand() < 0.1,
                    day(read) if rand() < 0.75 and read <= limit else None,
                    responsible,
                    cal.moment(received, randint(0, 35)),
                )
            )
            if degree == 100 and end - start >= 27 and rand() < 0.08:
                middle = start + (end - start) // 2  # a step-down inside the certificate
                batch.periods.append((cert_li, 100, day(start), day(middle)))
                batch.periods.append((cert_li, 50, day(middle + 1), day(end)))
                periods = 2
            else:
                batch.periods.append((cert_li, degree, day(start), day(end)))
                periods = 1
            text = diagnosis.text if rand() < 0.85 else ""
            batch.diagnoses.append(
                (
                    cert_li,
                    1,
                    diagnosis.code,
                    diagnosis.system,
                    text,
                    diagnosis.chapter,
                    diagnosis.block,
                    diagnosis.known_to_who,
                )
            )
            count = 1
            if second is not None and diagnosis is main:
                batch.diagnoses.append(
                    (
                        cert_li,
                        2,
                        second.code,
                        second.system,
                        second.text,
                        second.chapter,
                        second.block,
                        second.known_to_who,
                    )
                )
                count = 2
            batch.events.append(
                (
                    batch.certificates[-1][-1],
                    "certificate.registered",
                    responsible,
                    unit.id,
                    li,
                    "certificate",
                    cert_li,
                    {"diagnoses": count, "periods": periods},
                )
            )
            received_days.append(received)
        return received_days
