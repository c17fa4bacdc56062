"""The participant indicators: per question with a target, the share whose answer meets it.

Answers come from responses dated in the period and recorded in one of the group's units. An
unanswered question ("don't know", skipped) is left out of that question's n. The 95 % Wilson
interval says how sure the share is; the target is met when the whole interval lies at or above it,
not met when it lies below, and otherwise not distinguishable with this many answers. A question
answered by fewer than the suppression threshold shows no share (the answers stay anonymous).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rattvag.stats.suppression import Cell

from ..models import Answer, Indicator, Moment, Question, QuestionnaireResponse
from ..scope import Group, Period
from ..statistics import Interval, Verdict, target_verdict, wilson_interval
from .common import cell_json, count_cell, round_or_none, rule, share_display

VERDICT_LABELS = {
    Verdict.MET: _("Target met"),
    Verdict.NOT_MET: _("Target not met"),
    Verdict.NOT_DISTINGUISHABLE: _("Cannot tell with this many answers"),
}


@dataclass(frozen=True)
class IndicatorRow:
    questionnaire_code: str
    questionnaire_name: str
    moment: str
    question_code: str
    question_text: str
    indicator: str
    target: float  # share, 0.7 for 70 %
    n: Cell
    meeting: int | None  # None while n is hidden
    interval: Interval | None
    verdict: Verdict | None

    @property
    def share(self) -> float | None:
        if self.meeting is None or not self.n.value:
            return None
        return self.meeting / self.n.value

    @property
    def indicator_label(self) -> str:
        return str(Indicator(self.indicator).label) if self.indicator in Indicator.values else self.indicator

    @property
    def moment_label(self) -> str:
        return str(Moment(self.moment).label)

    @property
    def share_display(self) -> str:
        return share_display(self.share)

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict]) if self.verdict is not None else "–"

    @property
    def target_display(self) -> str:
        return share_display(self.target)

    @property
    def interval_display(self) -> str:
        if self.interval is None:
            return "–"
        return f"{share_display(self.interval.low)} – {share_display(self.interval.high)}"

    def as_json(self) -> dict[str, Any]:
        return {
            "questionnaire": self.questionnaire_code,
            "moment": self.moment,
            "question": self.question_code,
            "indicator": self.indicator,
            "target": self.target,
            "n": cell_json(self.n),
            "meeting": self.meeting,
            "share": round_or_none(self.share),
            "interval": None
            if self.interval is None
            else {"low": round_or_none(self.interval.low), "high": round_or_none(self.interval.high)},
            "verdict": self.verdict.value if self.verdict is not None else None,
        }


@dataclass(frozen=True)
class IndicatorReport:
    group: Group
    period: Period
    moment: str  # "" for both moments
    responses: Cell
    rows: list[IndicatorRow]

    def rows_for(self, moment: str) -> list[IndicatorRow]:
        return [row for row in self.rows if row.moment == moment]

    def as_json(self) -> dict[str, Any]:
        return {
            "report": "indicators",
            "group": self.group.as_json(),
            "period": self.period.as_json(),
            "moment": self.moment or None,
            "suppression_threshold": rule().threshold,
            "confidence_level": 0.95,
            "responses": cell_json(self.responses),
            "indicators": [row.as_json() for row in self.rows],
        }


def responses_in(group: Group, period: Period, moment: str = "") -> QuerySet[QuestionnaireResponse]:
    responses = QuestionnaireResponse.objects.filter(
        unit_id__in=group.unit_ids, answered_on__gte=period.start, answered_on__lte=period.end
    )
    if moment:
        responses = responses.filter(questionnaire__moment=moment)
    return responses


def indicator_report(*, group: Group, period: Period, moment: str = "") -> IndicatorReport:
    """Per indicator question of the questionnaires (active or answered in the period) the share meeting it."""
    if moment and moment not in Moment.values:
        raise ValueError("Unknown moment.")
    responses = responses_in(group, period, moment)
    answers = list(
        Answer.objects.filter(response__in=responses.values("pk"), value__isnull=False).values_list(
            "question_id", "value"
        )
    )
    answered_ids = {question_id for question_id, _value in answers}
    questions = Question.objects.exclude(indicator="").select_related("questionnaire")
    if moment:
        questions = questions.filter(questionnaire__moment=moment)
    shown = [
        q
        for q in questions.order_by("questionnaire__position", "questionnaire__code", "position", "pk")
        if q.questionnaire.active or q.pk in answered_ids
    ]
    values: dict[int, list[int]] = {}
    for question_id, value in answers:
        if value is not None:
            values.setdefault(question_id, []).append(value)
    rows = []
    for question in shown:
        given = values.get(question.pk, [])
        assert question.meets_from is not None
        assert question.target_percent is not None
        n = count_cell(len(given))
        target = question.target_percent / 100
        meeting = interval = verdict = None
        if not n.suppressed and given:
            meeting = sum(1 for v in given if v >= question.meets_from)
            interval = wilson_interval(meeting, len(given))
            assert interval is not None
            verdict = target_verdict(interval, target)
        rows.append(
            IndicatorRow(
                questionnaire_code=question.questionnaire.code,
                questionnaire_name=question.questionnaire.name,
                moment=question.questionnaire.moment,
                question_code=question.code,
                question_text=question.text,
                indicator=question.indicator,
                target=target,
                n=n,
                meeting=meeting,
                interval=interval,
                verdict=verdict,
            )
        )
    return IndicatorReport(
        group=group, period=period, moment=moment, responses=count_cell(responses.count()), rows=rows
    )
