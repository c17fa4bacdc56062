"""The rows of one batch of synthetic clients, and the choice tables they are drawn from.

Rows are plain tuples. A row refers to its parent by the parent's position in the batch (a local
index); writing.BatchWriter inserts the tables parents first and swaps the local indexes for the
ids `Inserter` reserved. Each client has exactly one case, so a case's local index is its client's.
Days are whole numbers relative to --today (see reference.Calendar).
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from typing import Any

from rattvag.certificates.models import Basis, Measure, Prognosis, SgiSource, WorkCapacityActivity
from rattvag.clients.models import Outcome
from rattvag.outcomes.models import AssessedBy
from rattvag.plans.models import ActivityCode, ActivityResult, AgreementForm, ContactFrequency

from .organisation import MunicipalityInfo, UnitInfo
from .reference import DiagnosisRow

HISTORY_DAYS = 3 * 365  # cases opened over the last three years
CASE_MEDIAN_DAYS = 330  # median time from opening to closing
SPELL_MEDIAN_DAYS = 220  # median length of a client's sick-listing in the case
FIRST_LENGTHS = (14, 14, 21, 28, 30, 30)
LATER_LENGTHS = (28, 30, 30, 45, 60, 60, 90, 90)
STEP_DOWNS = ((75, 50, 25), (50, 25), (75, 50), (50,), (75, 50, 25))


def _cumulative(pairs: tuple[tuple[Any, float], ...]) -> tuple[list[Any], list[float]]:
    values, weights, total = [], [], 0.0
    for value, weight in pairs:
        total += weight
        values.append(value)
        weights.append(total)
    return values, weights


class Chooser:
    """rng-driven weighted choice from a fixed table (bisect on cumulative weights)."""

    __slots__ = ("total", "values", "weights")

    def __init__(self, *pairs: tuple[Any, float]) -> None:
        self.values, self.weights = _cumulative(pairs)
        self.total = self.weights[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.weights, rng.random() * self.total)]


OUTCOMES = Chooser(
    (Outcome.WORK, 14),
    (Outcome.STUDIES, 7),
    (Outcome.SICKNESS_BENEFIT, 10),
    (Outcome.SICKNESS_COMPENSATION, 12),
    (Outcome.ACTIVITY_COMPENSATION, 3),
    (Outcome.OTHER_SUPPORT, 20),
    (Outcome.MOVED, 18),
    (Outcome.OTHER, 16),
)
BASIS = Chooser(
    ([Basis.OWN_EXAMINATION], 78),
    ([Basis.OWN_EXAMINATION, Basis.JOURNAL_RECORDS], 10),
    ([Basis.PHONE_CONTACT], 5),
    ([Basis.JOURNAL_RECORDS], 2),
    ([], 5),
)
ACTIVITIES = Chooser(
    ([WorkCapacityActivity.JOB_SEEKING], 84),
    ([WorkCapacityActivity.STUDIES], 4),
    ([WorkCapacityActivity.CURRENT_WORK, WorkCapacityActivity.JOB_SEEKING], 4),
    ([], 8),
)
PROGNOSES = Chooser(
    (Prognosis.AFTER_30, 8),
    (Prognosis.AFTER_60, 12),
    (Prognosis.AFTER_90, 14),
    (Prognosis.AFTER_180, 14),
    (Prognosis.AFTER_365, 6),
    (Prognosis.RETURNS_FULLY, 6),
    (Prognosis.PROBABLY_NOT, 6),
    (Prognosis.UNCLEAR, 18),
    ("", 16),
)
MEASURES = Chooser(
    ([], 50),
    ([Measure.WORK_TRAINING], 20),
    ([Measure.NEW_WORK], 8),
    ([Measure.WORK_TRAINING, Measure.AIDS], 4),
    ([Measure.OCCUPATIONAL_HEALTH], 3),
    ([Measure.WORKPLACE_ADJUSTMENT], 5),
    ([Measure.OTHER], 2),
)
MEASURE_OTHER = "Kontakt med AME om arbetsträning."
CONTACT_FREQUENCIES = Chooser(
    (ContactFrequency.WEEKLY, 15),
    (ContactFrequency.EVERY_SECOND_WEEK, 45),
    (ContactFrequency.MONTHLY, 35),
    (ContactFrequency.OTHER, 5),
)
AGREEMENTS = Chooser((AgreementForm.SIGNED, 60), (AgreementForm.ORAL, 30), (AgreementForm.DIGITAL, 10))
ACTIVITY_TYPES = Chooser(
    (ActivityCode.PREPARATORY, 25),
    (ActivityCode.WORK_REHABILITATION, 14),
    (ActivityCode.DEEPER_MAPPING_AME, 16),
    (ActivityCode.MOTIVATIONAL_INTERVIEWING, 16),
    (ActivityCode.COORDINATED_REHABILITATION_FK, 8),
    (ActivityCode.WORK_CAPACITY_ASSESSMENT, 10),
    (ActivityCode.SICKNESS_BENEFIT_APPLICATION, 4),
    (ActivityCode.OTHER, 3),
)
ACTIVITY_RESULTS = Chooser(
    (ActivityResult.COMPLETED, 60),
    (ActivityResult.INTERRUPTED, 25),
    (ActivityResult.OTHER, 10),
    (ActivityResult.NOT_STARTED, 5),
)
SGI_SOURCES = Chooser((SgiSource.FK, 50), (SgiSource.CLIENT, 30), (SgiSource.DOCUMENTS, 20))
ASSESSED_BY = Chooser((AssessedBy.CASEWORKER, 80), (AssessedBy.CLIENT, 15), (AssessedBy.PARTNER, 5))
FIRST_STEP = Chooser((0, 40), (1, 40), (2, 20))
# Object types of audit events (model._meta.label_lower, as rattvag.audit.services writes them).
LABELS = {
    "client": "clients.client",
    "case": "clients.case",
    "certificate": "certificates.certificate",
    "sgi": "certificates.sgistatus",
    "consent": "consent.consent",
    "request": "consent.healthcarerequest",
    "meeting": "meetings.meeting",
    "sip": "meetings.sip",
    "sip_version": "meetings.sipversion",
    "plan": "plans.plan",
    "plan_version": "plans.planversion",
    "activity": "plans.activity",
    "assessment": "outcomes.ladderassessment",
    "response": "outcomes.questionnaireresponse",
}
# Partners run these activities (the rest are the municipality's own).
ACTIVITY_PARTNER = {
    ActivityCode.DEEPER_MAPPING_AME: "ame",
    ActivityCode.WORK_REHABILITATION: "ame",
    ActivityCode.WORK_CAPACITY_ASSESSMENT: "ame",
    ActivityCode.COORDINATED_REHABILITATION_FK: "fk",
}


@dataclass
class Batch:
    """The rows of one batch, by table, with local indexes where ids are not known yet."""

    clients: list[tuple[Any, ...]] = field(default_factory=list)
    cases: list[tuple[Any, ...]] = field(default_factory=list)
    case_nurses: list[tuple[int, int]] = field(default_factory=list)
    certificates: list[tuple[Any, ...]] = field(default_factory=list)
    periods: list[tuple[Any, ...]] = field(default_factory=list)
    diagnoses: list[tuple[Any, ...]] = field(default_factory=list)
    sgi: list[tuple[Any, ...]] = field(default_factory=list)
    consents: list[tuple[Any, ...]] = field(default_factory=list)
    grants: list[tuple[int, str]] = field(default_factory=list)
    requests: list[tuple[Any, ...]] = field(default_factory=list)
    request_items: list[tuple[Any, ...]] = field(default_factory=list)
    meetings: list[tuple[Any, ...]] = field(default_factory=list)
    participants: list[tuple[Any, ...]] = field(default_factory=list)
    actions: list[tuple[Any, ...]] = field(default_factory=list)
    sips: list[tuple[Any, ...]] = field(default_factory=list)
    sip_versions: list[tuple[Any, ...]] = field(default_factory=list)
    sip_partners: list[tuple[int, int]] = field(default_factory=list)
    plans: list[tuple[Any, ...]] = field(default_factory=list)
    plan_versions: list[tuple[Any, ...]] = field(default_factory=list)
    activities: list[tuple[Any, ...]] = field(default_factory=list)
    assessments: list[tuple[Any, ...]] = field(default_factory=list)
    responses: list[tuple[Any, ...]] = field(default_factory=list)
    answers: list[tuple[Any, ...]] = field(default_factory=list)
    # (moment, action, actor id, unit id, client local index, object kind, object local index, data)
    events: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class ClientSlot:
    """Decided before the batches: which unit the client belongs to and when the case opened."""

    unit_index: int
    opened: int  # day relative to --today


@dataclass
class Story:
    """What the later parts of a client's story need from the earlier ones."""

    li: int
    unit: UnitInfo
    municipality: MunicipalityInfo
    responsible: int
    nurse: int | None
    t_open: int
    t_close: int | None
    limit: int
    outcome: str
    care_partner: int | None
    main: DiagnosisRow
    sip_planned: bool = False
    care_consent_given: int | None = None
    fk_consent: bool = False
    af_consent: bool = False
    mapping_day: int | None = None
