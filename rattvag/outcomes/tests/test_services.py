"""Writes: ladder assessments, questionnaires entered with the caseworker, and the one-time tablet code."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.clients.models import AccessGrant
from rattvag.outcomes import services
from rattvag.outcomes.models import (
    Answer,
    LadderAssessment,
    LadderStep,
    LadderVersion,
    Questionnaire,
    QuestionnaireResponse,
    TabletCode,
)
from rattvag.outcomes.selectors import current_ladder_version

DAY = datetime.timedelta(days=1)


def test_the_default_ladder_and_questionnaires_exist():
    version = current_ladder_version(None)
    assert version is not None
    assert version.published
    assert version.steps.count() == 7
    assert version.steps.get(number=7).label_en == "In work or studies"
    end = Questionnaire.objects.get(code="end")
    targets = {q.indicator: q.target_percent for q in end.questions.all()}
    assert targets == {"ready_for_work_or_studies": 70, "support_useful": 90, "plan_afterwards": 90}


def test_a_municipality_ladder_wins_over_the_default(world, today):
    from rattvag.outcomes.models import Ladder

    ladder = Ladder.objects.create(code="halmstad", municipality=world.municipality_a, name_sv="H", name_en="H")
    draft = LadderVersion.objects.create(ladder=ladder, number=1)
    assert current_ladder_version(world.municipality_a).ladder.code == "default"  # not published yet
    draft.published, draft.published_on = True, today
    draft.save()
    assert current_ladder_version(world.municipality_a) == draft
    assert current_ladder_version(world.municipality_b).ladder.code == "default"


def test_record_an_assessment(world, step, today):
    assessment = services.ladder_assessment_record(
        actor=world.caseworker,
        client=world.client_a,
        step=step(3),
        assessed_on=today,
        assessed_by="client",
        comment="Vill börja arbetsträna.",
    )
    assert assessment.case == world.case_a
    assert assessment.assessor == world.caseworker
    event = AuditEvent.objects.get(action="ladder.assessed")
    assert event.client_id == world.client_a.pk
    assert event.acting_unit == world.unit_a
    assert event.data == {"step": 3, "ladder_version": step(3).version_id, "assessed_by": "client"}
    assert "arbetsträna" not in str(event.data)  # the comment stays out of the log


def test_assessment_validation(world, step, today):
    with pytest.raises(ValidationError) as error:
        services.ladder_assessment_record(
            actor=world.caseworker,
            client=world.client_a,
            step=step(3),
            assessed_on=today + DAY,
            assessed_by="neighbour",
            comment="x" * 3000,
        )
    assert set(error.value.message_dict) == {"assessed_on", "assessed_by", "comment"}
    draft = LadderVersion.objects.create(ladder=step(1).version.ladder, number=9)
    draft_step = LadderStep.objects.create(version=draft, number=1, label_sv="a", label_en="a")
    with pytest.raises(ValidationError):
        services.ladder_assessment_record(
            actor=world.caseworker, client=world.client_a, step=draft_step, assessed_on=today, assessed_by="caseworker"
        )
    assert not LadderAssessment.objects.exists()


@pytest.mark.parametrize("actor", ["caseworker_other_unit", "analyst", "partner_officer", "aggregate_viewer", "admin"])
def test_only_unit_staff_of_the_client_record(world, step, today, actor):
    with pytest.raises(Http404):
        services.ladder_assessment_record(
            actor=getattr(world, actor),
            client=world.client_a,
            step=step(2),
            assessed_on=today,
            assessed_by="caseworker",
        )
    with pytest.raises(Http404):
        services.questionnaire_response_record(
            actor=getattr(world, actor),
            client=world.client_a,
            questionnaire=Questionnaire.objects.get(code="end"),
            answers={"ready": 4},
        )


def test_nurse_and_manager_record_but_not_under_temporary_access(world, step, today):
    for actor in (world.nurse, world.manager):
        services.ladder_assessment_record(
            actor=actor, client=world.client_a, step=step(2), assessed_on=today, assessed_by="caseworker"
        )
    AccessGrant.objects.create(
        user=world.caseworker, client=world.client_b, reason="Akut", expires_at=timezone.now() + DAY
    )
    with pytest.raises(Http404):
        services.ladder_assessment_record(
            actor=world.caseworker, client=world.client_b, step=step(2), assessed_on=today, assessed_by="caseworker"
        )


def test_enter_a_questionnaire_with_the_client(world, today):
    end = Questionnaire.objects.get(code="end")
    response = services.questionnaire_response_record(
        actor=world.caseworker, client=world.client_a, questionnaire=end, answers={"ready": 3, "useful": None}
    )
    assert response.unit == world.unit_a
    assert response.entered_by == "with_caseworker"
    values = {a.question.code: a.value for a in response.answers.all()}
    assert values == {"ready": 3, "useful": None, "plan": None}
    event = AuditEvent.objects.get(action="questionnaire.recorded")
    assert event.data == {"questionnaire": "end"}


def test_questionnaire_validation(world):
    end = Questionnaire.objects.get(code="end")
    with pytest.raises(ValidationError) as error:
        services.questionnaire_response_record(
            actor=world.caseworker, client=world.client_a, questionnaire=end, answers={"ready": 9, "mood": 1}
        )
    assert set(error.value.message_dict) == {"ready", "mood"}
    with pytest.raises(ValidationError):
        services.questionnaire_response_record(
            actor=world.caseworker, client=world.client_a, questionnaire=end, answers={"ready": None}
        )
    end.active = False
    end.save()
    with pytest.raises(ValidationError):
        services.questionnaire_response_record(
            actor=world.caseworker, client=world.client_a, questionnaire=end, answers={"ready": 4}
        )
    assert not QuestionnaireResponse.objects.exists()


def test_tablet_code_is_one_time(world):
    end = Questionnaire.objects.get(code="end")
    created = services.tablet_code_create(actor=world.caseworker, client=world.client_a, questionnaire=end)
    assert len(created.code) == services.CODE_LENGTH
    stored = TabletCode.objects.get()
    assert stored.digest != created.code
    assert created.code not in stored.digest
    assert AuditEvent.objects.filter(action="questionnaire.code_created", client_id=world.client_a.pk).exists()
    # Typed in lower case with the dash shown on screen: still the same code.
    assert services.tablet_code_usable(created.display.lower()) == stored
    response = services.tablet_response_submit(code=created.code, answers={"ready": 4, "useful": 4, "plan": 1})
    assert response.entered_by == "tablet"
    assert response.recorded_by == world.caseworker
    assert response.client == world.client_a
    assert Answer.objects.filter(response=response).count() == 3
    event = AuditEvent.objects.get(action="questionnaire.answered")
    assert event.actor is None
    assert event.client_id == world.client_a.pk
    assert event.acting_unit == world.unit_a
    with pytest.raises(Http404):
        services.tablet_response_submit(code=created.code, answers={"ready": 1})
    assert QuestionnaireResponse.objects.count() == 1


def test_tablet_code_expires(world):
    end = Questionnaire.objects.get(code="end")
    created = services.tablet_code_create(actor=world.caseworker, client=world.client_a, questionnaire=end)
    later = timezone.now() + datetime.timedelta(minutes=services.TABLET_CODE_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        assert services.tablet_code_usable(created.code) is None
        with pytest.raises(Http404):
            services.tablet_response_submit(code=created.code, answers={"ready": 4})
    assert services.tablet_code_usable("WRONGCODE1") is None
    assert services.tablet_code_usable("") is None


def test_tablet_code_only_for_unit_staff(world):
    end = Questionnaire.objects.get(code="end")
    with pytest.raises(Http404):
        services.tablet_code_create(actor=world.partner_officer, client=world.client_a, questionnaire=end)
