"""The demo's ladder assessments and questionnaire answers: written once, through the services."""

from __future__ import annotations

import datetime

from django.core.management import call_command

from rattvag.audit.models import AuditEvent
from rattvag.core.demo import seed_demo
from rattvag.outcomes.demo import seed_demo_outcomes
from rattvag.outcomes.models import LadderAssessment, QuestionnaireResponse


def test_seed_demo_outcomes_once(db, capsys):
    today = datetime.date(2025, 6, 2)
    assert not seed_demo_outcomes(today=today).created  # no demo clients yet
    seed_demo(today=today)
    result = seed_demo_outcomes(today=today)
    assert result.created
    assert result.assessments == LadderAssessment.objects.count() > 100
    assert result.responses == QuestionnaireResponse.objects.count() > 10
    assert AuditEvent.objects.filter(action="ladder.assessed").count() == result.assessments
    assert not LadderAssessment.objects.filter(assessed_on__gt=today).exists()
    call_command("seed_demo_outcomes")
    assert LadderAssessment.objects.count() == result.assessments  # nothing added the second time
