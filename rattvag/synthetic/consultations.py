"""Case consultations with Försäkringskassan (metodhandledning), after the clients exist.

Every unit meets its county's FK officer once a month (a unit with fewer than 500 clients once a
quarter) over the three years; 2–5 cases are raised each time. A case is identified when a client
of the unit has a case-consultation consent to that FK office valid on the day (as
consent.services.consultation_case_raise requires), otherwise it is a pseudonymous summary (age
band, diagnosis chapter, sick-leave length). Göteborg's 2014 figures (88 discussions of 70 cases in
eight months) set the pace.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from rattvag.audit.services import EventRow, audit_append_events
from rattvag.consent.models import (
    AgeBand,
    ConsentPurpose,
    ConsentPurposeGrant,
    Consultation,
    ConsultationCase,
)
from rattvag.core.bulk import Inserter

from .organisation import Org
from .reference import Calendar
from .rows import HISTORY_DAYS, Chooser

QUESTIONS = (
    "Hur går vi vidare när intyget saknar aktivitetsbegränsning?",
    "Kan klienten ha rätt till sjukpenning trots kort tid i arbete?",
    "När är det rimligt att ansöka om sjukersättning?",
    "Hur får vi till ett avstämningsmöte med vården?",
    "Vilket underlag behövs för en arbetsförmågebedömning?",
)
ADVICE = (
    "Begär ett kompletterande intyg med aktivitetsbegränsning.",
    "Ansök om sjukpenning; Försäkringskassan utreder SGI.",
    "Gör först en arbetsförmågebedömning via AMC.",
    "Boka ett trepartsmöte med vården.",
)
FOLLOW_UP = ("Handläggaren kontaktar vården.", "Tas upp igen vid nästa tillfälle.", "")
AGE_BANDS = Chooser(
    (AgeBand.UNDER_25, 12),
    (AgeBand.FROM_25, 14),
    (AgeBand.FROM_30, 26),
    (AgeBand.FROM_40, 24),
    (AgeBand.FROM_50, 18),
    (AgeBand.FROM_60, 6),
)
CHAPTERS = Chooser(("V", 60), ("XIII", 25), ("XVIII", 5), ("VI", 5), ("", 5))
MONTHLY_FROM = 500  # clients of a unit; smaller units meet once a quarter


def _eligible_consents() -> dict[tuple[int, int], list[tuple[int, int, datetime.date, datetime.date | None]]]:
    """Case-consultation consents by (unit, FK partner): (consent, client, first day, last day or None)."""
    found: dict[tuple[int, int], list[tuple[int, int, datetime.date, datetime.date | None]]] = {}
    rows = (
        ConsentPurposeGrant.objects.filter(purpose=ConsentPurpose.FK_CONSULTATION, consent__partner__isnull=False)
        .order_by("consent_id")
        .values_list(
            "consent_id",
            "consent__client_id",
            "consent__partner_id",
            "consent__given_on",
            "consent__valid_until",
            "consent__withdrawn_on",
            "consent__client__cases__unit_id",
            "consent__client__cases__closed_on",
        )
    )
    one_day = datetime.timedelta(days=1)
    for consent_id, client_id, partner_id, given_on, valid_until, withdrawn_on, unit_id, closed_on in rows:
        ends = [day for day in (valid_until, withdrawn_on and withdrawn_on - one_day) if day is not None]
        if valid_until is None and closed_on is not None:
            ends.append(closed_on - one_day)  # "until the case closes"
        last = min(ends) if ends else None
        found.setdefault((unit_id, partner_id), []).append((consent_id, client_id, given_on, last))
    return found


def write_consultations(org: Org, *, calendar: Calendar, seed: int, now: datetime.datetime) -> dict[str, int]:
    """Insert the consultations, the caseworkers present, the cases raised and their audit events."""
    rng = random.Random(f"consultations-{seed}")  # noqa: S311 - synthetic data, not security
    eligible = _eligible_consents()
    consultations: list[tuple[Any, ...]] = []
    present: list[tuple[int, int]] = []  # (consultation local index, user id)
    cases: list[tuple[Any, ...]] = []
    # (moment, action, actor, unit, partner, client, consultation local index, case local index or None, data)
    events: list[tuple[Any, ...]] = []
    for unit, clients in zip(org.units, org.unit_clients, strict=True):
        municipality = org.municipalities[unit.municipality_index]
        if not unit.caseworker_ids or not municipality.fk_officer_ids:
            continue
        step = 30 if clients >= MONTHLY_FROM else 91
        candidates = eligible.get((unit.id, municipality.fk_partner_id), [])
        for t in range(-HISTORY_DAYS + rng.randint(0, step), 0, step):
            day = calendar.day(calendar.workday[t + calendar.base])
            officer = rng.choice(municipality.fk_officer_ids)
            staff = rng.sample(unit.caseworker_ids, min(len(unit.caseworker_ids), rng.randint(2, 4)))
            li = len(consultations)
            moment = calendar.moment(t, 4)
            consultations.append((unit.id, day, officer, staff[0], moment))
            present.extend((li, user) for user in staff)
            events.append((moment, "consultation.created", staff[0], unit.id, None, None, li, None, {}))
            raised: set[int] = set()
            for _ in range(rng.randint(2, 5)):
                item = len(cases)
                consent = None
                for _try in range(6 if candidates else 0):
                    consent_id, client_id, first, last = rng.choice(candidates)
                    if first <= day and (last is None or day <= last) and client_id not in raised:
                        consent = (consent_id, client_id)
                        raised.add(client_id)
                        break
                raiser = rng.choice(staff)
                advised = rng.random() < 0.85
                follow_up = rng.choice(FOLLOW_UP) if advised else ""
                cases.append(
                    (
                        li,
                        consent[1] if consent else None,
                        consent[0] if consent else None,
                        "" if consent else AGE_BANDS(rng),
                        CHAPTERS(rng),
                        rng.randint(30, 900),
                        rng.choice(QUESTIONS),
                        rng.choice(ADVICE) if advised else "",
                        follow_up,
                        raiser,
                        2 if advised else 1,
                        moment,
                    )
                )
                client = consent[1] if consent else None
                events.append(
                    (moment, "consultation.case_raised", raiser, unit.id, None, client, li, item,
                     {"identified": consent is not None})
                )  # fmt: skip
                if advised:
                    fields = ["advice", "follow_up"] if follow_up else ["advice"]
                    events.append(
                        (calendar.moment(t, 6), "consultation.advice_recorded", officer, None,
                         municipality.fk_partner_id, client, li, item, {"fields": fields, "version": 2})
                    )  # fmt: skip
    with transaction.atomic():
        ids = Inserter(
            Consultation, ["unit_id", "held_on", "fk_officer_id", "created_by_id", "created_at"], now=now
        ).insert(consultations)
        Inserter(Consultation.caseworkers.through, ["consultation_id", "user_id"], now=now).insert(
            [(ids[li], user) for li, user in present]
        )
        case_ids = Inserter(
            ConsultationCase,
            ["consultation_id", "client_id", "consent_id", "age_band", "diagnosis_chapter", "sick_leave_days",
             "question", "advice", "follow_up", "raised_by_id", "version", "created_at"],
            now=now,
        ).insert([(ids[row[0]], *row[1:]) for row in cases])  # fmt: skip
        _audit(events, org, consultation_ids=ids, case_ids=case_ids)
    return {
        "case consultations": len(consultations),
        "consultation attendees": len(present),
        "consultation cases": len(cases),
        "audit events (consultations)": len(events),
    }


def _audit(events: Sequence[tuple[Any, ...]], org: Org, *, consultation_ids: list[int], case_ids: list[int]) -> None:
    ordered = sorted(events, key=lambda event: event[0])
    roles = org.user_roles
    rows = []
    for moment, action, actor, unit, partner, client, consultation_li, case_li, data in ordered:
        if case_li is None:
            object_type, object_id = "consent.consultation", consultation_ids[consultation_li]
        else:
            object_type, object_id = "consent.consultationcase", case_ids[case_li]
            data = {"consultation_id": consultation_ids[consultation_li], **data}
        rows.append(
            EventRow(
                occurred_at=moment,
                action=action,
                actor_id=actor,
                actor_role=roles.get(actor, ""),
                acting_unit_id=unit,
                acting_partner_id=partner,
                client_id=client,
                object_type=object_type,
                object_id=str(object_id),
                data=data,
            )
        )
    audit_append_events(rows)
