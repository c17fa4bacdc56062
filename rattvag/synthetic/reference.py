"""What the client batches need from the reference data the migrations seeded, and precomputed tables.

Loaded once per run. Choice tables are built here so that drawing one value per row costs a
bisect or an index, never a loop.
"""

from __future__ import annotations

import datetime
import itertools
import zoneinfo
from dataclasses import dataclass

from django.conf import settings

from rattvag.certificates.icd import validate_code
from rattvag.certificates.models import DiagnosisSystem
from rattvag.consent.models import HealthcareQuestion
from rattvag.outcomes.models import Indicator, LadderStep, Moment, Question, Questionnaire, ScaleOption
from rattvag.plans.models import ActivityType

from .content import DIAGNOSES, KSH97P_CODES


@dataclass(frozen=True)
class DiagnosisRow:
    code: str  # normalised (no dot)
    system: str
    text: str
    chapter: str
    block: str
    known_to_who: bool
    letter: str  # "F", "M" or "*": which DFA texts fit


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    meeting: tuple[int, ...]  # values that meet the indicator
    not_meeting: tuple[int, ...]
    share_meeting: float


@dataclass(frozen=True)
class QuestionnaireInfo:
    id: int
    code: str
    questions: tuple[QuestionInfo, ...]


# The share of answers that meet each indicator (Falköping's targets are 70/90/90 %; reached in part).
INDICATOR_SHARES = {
    Indicator.READY_FOR_WORK_OR_STUDIES: 0.68,
    Indicator.SUPPORT_USEFUL: 0.86,
    Indicator.PLAN_AFTERWARDS: 0.80,
}


def diagnosis_row(code: str, text: str, system: str = DiagnosisSystem.ICD10SE) -> DiagnosisRow:
    """Mapped as the certificates services map a typed code (rattvag.certificates.services._validate_diagnoses)."""
    info = validate_code(code, system)
    letter = info.code[0] if info.code[0] in "FM" else "*"
    return DiagnosisRow(
        code=info.code,
        system=info.system,
        text=text,
        chapter=info.chapter,
        block=info.block,
        known_to_who=info.known_to_who or info.system == DiagnosisSystem.KSH97P,
        letter=letter,
    )


@dataclass
class Reference:
    diagnoses: list[DiagnosisRow]
    diagnosis_weights: list[float]  # cumulative
    by_code: dict[str, DiagnosisRow]  # as written ("F41.1")
    ksh97p: list[DiagnosisRow]
    ladder_steps: list[int]  # step ids by number - 1 (the default ladder's published version)
    ladder_version_id: int
    activity_types: dict[str, int]
    questionnaires: dict[str, QuestionnaireInfo]  # by moment
    healthcare_questions: list[tuple[int, str]]  # (id, Swedish text)

    @classmethod
    def load(cls) -> Reference:
        rows = [diagnosis_row(code, text) for code, text, _weight in DIAGNOSES]
        weights = list(itertools.accumulate(float(weight) for _c, _t, weight in DIAGNOSES))
        steps = list(
            LadderStep.objects.filter(version__ladder__municipality__isnull=True, version__published=True).order_by(
                "-version__number", "number"
            )
        )
        version_id = steps[0].version_id if steps else 0
        steps = [step for step in steps if step.version_id == version_id]
        questionnaires: dict[str, QuestionnaireInfo] = {}
        options: dict[int, list[int]] = {}
        for option in ScaleOption.objects.order_by("scale_id", "value"):
            options.setdefault(option.scale_id, []).append(option.value)
        for questionnaire in Questionnaire.objects.filter(active=True).order_by("position", "pk"):
            if questionnaire.moment in questionnaires:
                continue
            infos = []
            for question in Question.objects.filter(questionnaire=questionnaire).order_by("position", "pk"):
                values = options.get(question.scale_id, [])
                if question.meets_from is None:
                    infos.append(QuestionInfo(question.pk, tuple(values), (), 1.0))
                    continue
                meeting = tuple(v for v in values if v >= question.meets_from)
                infos.append(
                    QuestionInfo(
                        question.pk,
                        meeting,
                        tuple(v for v in values if v < question.meets_from),
                        INDICATOR_SHARES.get(question.indicator, 0.75),  # type: ignore[call-overload]
                    )
                )
            questionnaires[questionnaire.moment] = QuestionnaireInfo(questionnaire.pk, questionnaire.code, tuple(infos))
        return cls(
            diagnoses=rows,
            diagnosis_weights=weights,
            by_code={code: row for (code, _t, _w), row in zip(DIAGNOSES, rows, strict=True)},
            ksh97p=[diagnosis_row(code, text, DiagnosisSystem.KSH97P) for code, text in KSH97P_CODES],
            ladder_steps=[step.pk for step in steps],
            ladder_version_id=version_id,
            activity_types=dict(ActivityType.objects.filter(is_active=True).values_list("code", "pk")),
            questionnaires={m: questionnaires[m] for m in (Moment.DURING, Moment.END) if m in questionnaires},
            healthcare_questions=list(
                HealthcareQuestion.objects.filter(active=True).order_by("position", "pk").values_list("pk", "text_sv")
            ),
        )


class Calendar:
    """Days as whole numbers relative to --today (0 today, negative in the past), and office-hour moments."""

    def __init__(self, today: datetime.date, *, past_days: int, future_days: int = 400) -> None:
        self.today = today
        self.base = past_days + 200
        ordinal = today.toordinal()
        self.days = [datetime.date.fromordinal(ordinal + t) for t in range(-self.base, future_days)]
        # The nearest working day on or before each day (meetings and events fall on weekdays).
        self.workday = [t - max(0, self.days[t + self.base].weekday() - 4) for t in range(-self.base, future_days)]
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self._moments: dict[tuple[int, int], datetime.datetime] = {}
        self.now = datetime.datetime.combine(today, datetime.time(0, 0), tzinfo=self.zone)

    def day(self, t: int) -> datetime.date:
        return self.days[t + self.base]

    def moment(self, t: int, slot: int, *, past: bool = True) -> datetime.datetime:
        """A moment on the working day of `t` in quarter-hour `slot` (0 = 08:00, 35 = 16:45); with `past`,
        never after yesterday (events and records happened before --today began)."""
        t = self.workday[(min(t, -1) if past else t) + self.base]
        key = (t, slot)
        found = self._moments.get(key)
        if found is None:
            found = self._moments[key] = datetime.datetime.combine(
                self.days[t + self.base], datetime.time(8 + slot // 4, (slot % 4) * 15), tzinfo=self.zone
            )
        return found
