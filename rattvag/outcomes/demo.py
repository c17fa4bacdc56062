"""Fictional ladder assessments and questionnaire answers for the demo clients (after `seed_demo`).

Written through the services, as the demo caseworkers, so the demo's audit log shows them like any other
work. Deterministic (fixed seed) and idempotent: nothing is added when the demo clients already have
assessments.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from rattvag.clients.models import Case, CaseStatus, Outcome

from .models import AssessedBy, LadderAssessment, Questionnaire
from .selectors import current_ladder_version
from .services import ladder_assessment_record, questionnaire_response_record

DEMO_SEED = 20250601
DEMO_MUNICIPALITY_CODES = ("1380", "1381")  # the demo's Halmstad and Laholm (rattvag.core.demo)


@dataclass(frozen=True)
class DemoOutcomesResult:
    created: bool
    assessments: int
    responses: int


def _weighted(rng: random.Random, weights: dict[int, float]) -> int:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def seed_demo_outcomes(*, today: datetime.date | None = None) -> DemoOutcomesResult:
    today = today or timezone.localdate()
    cases = list(
        Case.objects.filter(client__municipality__code__in=DEMO_MUNICIPALITY_CODES, responsible__isnull=False)
        .select_related("client", "client__municipality", "responsible")
        .order_by("pk")
    )
    if not cases or LadderAssessment.objects.filter(client__in=[c.client for c in cases]).exists():
        return DemoOutcomesResult(created=False, assessments=0, responses=0)
    rng = random.Random(DEMO_SEED)  # noqa: S311 - fictional data, not security
    questionnaires = {q.code: q for q in Questionnaire.objects.filter(code__in=("during", "end"))}
    assessments = responses = 0
    with transaction.atomic():
        for case in cases:
            caseworker = case.responsible
            assert caseworker is not None
            version = current_ladder_version(case.client.municipality)
            if version is None:
                break
            steps = {s.number: s for s in version.steps.all()}
            last_day = case.closed_on if case.status == CaseStatus.CLOSED and case.closed_on else today
            day = case.opened_on + datetime.timedelta(days=rng.randint(5, 20))
            number = _weighted(rng, {1: 0.35, 2: 0.35, 3: 0.2, 4: 0.1})
            while day <= last_day:
                ladder_assessment_record(
                    actor=caseworker,
                    client=case.client,
                    step=steps[number],
                    assessed_on=day,
                    assessed_by=AssessedBy.CLIENT if rng.random() < 0.15 else AssessedBy.CASEWORKER,
                )
                assessments += 1
                day += datetime.timedelta(days=rng.randint(60, 120))
                number = min(7, max(1, number + _weighted(rng, {1: 0.45, 0: 0.4, -1: 0.15})))
            if case.outcome in {Outcome.WORK, Outcome.STUDIES} and case.closed_on:
                ladder_assessment_record(
                    actor=caseworker,
                    client=case.client,
                    step=steps[7],
                    assessed_on=case.closed_on,
                    assessed_by=AssessedBy.CASEWORKER,
                )
                assessments += 1
            moments = []
            if (today - case.opened_on).days > 90 and rng.random() < 0.7:
                moments.append(("during", case.opened_on + datetime.timedelta(days=90)))
            if case.closed_on and rng.random() < 0.8:
                moments.append(("end", case.closed_on))
            for code, answered_on in moments:
                if code not in questionnaires or answered_on > last_day:
                    continue
                questionnaire_response_record(
                    actor=caseworker,
                    client=case.client,
                    questionnaire=questionnaires[code],
                    answered_on=answered_on,
                    answers={
                        "ready": _weighted(rng, {4: 0.3, 3: 0.42, 2: 0.18, 1: 0.1}),
                        "useful": _weighted(rng, {4: 0.6, 3: 0.3, 2: 0.07, 1: 0.03}),
                        "plan": _weighted(rng, {1: 0.82, 0: 0.18}),
                    },
                )
                responses += 1
    return DemoOutcomesResult(created=True, assessments=assessments, responses=responses)
