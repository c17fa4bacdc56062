"""Inserting a built batch: parents first, local indexes swapped for the ids `Inserter` reserved."""

from __future__ import annotations

import datetime
import time
from collections.abc import Sequence
from typing import Any

from django.db import models

from rattvag.audit.services import EventRow, audit_append_events
from rattvag.certificates.models import Certificate, CertificatePeriod, Diagnosis, SgiStatus
from rattvag.clients.models import Case, Client
from rattvag.consent.models import Consent, ConsentPurposeGrant, HealthcareRequest, HealthcareRequestQuestion
from rattvag.core.bulk import Inserter
from rattvag.meetings.models import AgreedAction, Meeting, MeetingParticipant, Sip, SipVersion
from rattvag.outcomes.models import Answer, LadderAssessment, QuestionnaireResponse
from rattvag.plans.models import Activity, Plan, PlanVersion

from .rows import LABELS, Batch

# (label in the summary, model, the fields each row gives, in order)
TABLES: tuple[tuple[str, type[models.Model], tuple[str, ...]], ...] = (
    ("clients", Client, ("municipality_id", "personal_number", "first_name", "last_name", "protected_identity",
                         "phone", "street_address", "postal_code", "city", "created_at")),
    ("cases", Case, ("client_id", "unit_id", "opened_on", "responsible_id", "status", "outcome", "closed_on",
                     "created_at")),
    ("case nurses", Case.nurses.through, ("case_id", "user_id")),
    ("certificates", Certificate, ("client_id", "case_id", "received_on", "issued_on", "care_unit_id",
                                   "physician_name", "basis", "work_capacity_activities", "current_work_description",
                                   "functional_impairment", "activity_limitation", "treatment", "prognosis",
                                   "recommended_measures", "measures_other", "wants_fk_contact", "read_with_client_on",
                                   "registered_by_id", "created_at")),
    ("certificate periods", CertificatePeriod, ("certificate_id", "degree", "start", "end")),
    ("diagnoses", Diagnosis, ("certificate_id", "position", "code", "system", "text", "chapter", "block",
                              "known_to_who")),
    ("SGI statuses", SgiStatus, ("client_id", "status", "recorded_on", "source", "recorded_by_id")),
    ("consents", Consent, ("client_id", "partner_id", "partner_kind", "form", "witnessed_by", "given_on",
                           "valid_until", "until_case_closes", "case_id", "recorded_by_id", "withdrawn_on",
                           "withdrawn_how", "withdrawn_by_id", "created_at")),
    ("consent purposes", ConsentPurposeGrant, ("consent_id", "purpose")),
    ("healthcare requests", HealthcareRequest, ("client_id", "care_unit_id", "consent_id", "unit_id", "free_text",
                                                "status", "created_by_id", "sent_on", "remind_on", "answered_on",
                                                "answer_summary", "created_at")),
    ("healthcare questions asked", HealthcareRequestQuestion, ("request_id", "question_id", "position", "text")),
    ("meetings", Meeting, ("client_id", "case_id", "kind", "status", "starts_at", "ends_at", "location", "is_video",
                           "video_details", "discussed", "decisions", "organiser_id")),
    ("meeting participants", MeetingParticipant, ("meeting_id", "kind", "user_id", "partner_id")),
    ("agreed actions", AgreedAction, ("meeting_id", "description", "responsible_kind", "responsible_user_id",
                                      "responsible_partner_id", "due_on", "done_on")),
    ("SIPs", Sip, ("client_id", "case_id", "created_by_id", "ended_on")),
    ("SIP versions", SipVersion, ("sip_id", "number", "created_at", "created_by_id", "meeting_id",
                                  "interventions_needed", "municipality_interventions", "region_interventions",
                                  "other_interventions", "overall_responsibility", "follow_up_on", "follow_up_how",
                                  "client_goal", "client_agreed_on", "change_note")),
    ("SIP partners", SipVersion.partners.through, ("sipversion_id", "partner_id")),
    ("plans", Plan, ("client_id", "case_id", "kind", "created_by_id", "ended_on", "created_at")),
    ("plan versions", PlanVersion, ("plan_id", "number", "created_at", "created_by_id", "goals", "steps",
                                    "responsible", "starts_on", "ends_on", "follow_up_on", "contact_frequency",
                                    "contact_how", "care_plan_reference", "care_plan_dated", "agreed_on", "agreed_how",
                                    "change_note")),
    ("activities", Activity, ("client_id", "case_id", "type_id", "plan_id", "partner_id", "planned_on", "started_on",
                              "ended_on", "result", "created_by_id", "created_at")),
    ("ladder assessments", LadderAssessment, ("client_id", "case_id", "assessed_on", "step_id", "assessed_by",
                                              "assessor_id")),
    ("questionnaire responses", QuestionnaireResponse, ("client_id", "case_id", "questionnaire_id", "unit_id",
                                                        "answered_on", "entered_by", "recorded_by_id")),
    ("answers", Answer, ("response_id", "question_id", "value")),
)  # fmt: skip
AUDIT_LABEL = "audit events"


class BatchWriter:
    """Holds one Inserter per table for the whole run and counts rows and time per table."""

    def __init__(self, *, now: datetime.datetime, user_roles: dict[int, str]) -> None:
        self.inserters = {label: Inserter(model, list(fields), now=now) for label, model, fields in TABLES}
        self.user_roles = user_roles
        self.rows: dict[str, int] = {label: 0 for label, _m, _f in TABLES} | {AUDIT_LABEL: 0}
        self.seconds: dict[str, float] = dict.fromkeys(self.rows, 0.0)

    def _insert(self, label: str, rows: Sequence[Sequence[Any]]) -> list[int]:
        started = time.perf_counter()
        ids = self.inserters[label].insert(rows)
        self.seconds[label] += time.perf_counter() - started
        self.rows[label] += len(rows)
        return ids

    def write(self, batch: Batch) -> None:
        """Insert every row of the batch (inside the caller's transaction)."""
        insert = self._insert
        client = insert("clients", batch.clients)
        case = insert("cases", [(client[i], *r) for i, r in enumerate(batch.cases)])
        insert("case nurses", [(case[i], user) for i, user in batch.case_nurses])
        certificate = insert("certificates", [(client[r[0]], case[r[0]], *r[1:]) for r in batch.certificates])
        insert("certificate periods", [(certificate[r[0]], *r[1:]) for r in batch.periods])
        insert("diagnoses", [(certificate[r[0]], *r[1:]) for r in batch.diagnoses])
        sgi = insert("SGI statuses", [(client[r[0]], *r[1:]) for r in batch.sgi])
        consent = insert(
            "consents",
            [(client[r[0]], *r[1:8], None if r[8] is None else case[r[8]], *r[9:]) for r in batch.consents],
        )
        insert("consent purposes", [(consent[i], purpose) for i, purpose in batch.grants])
        request = insert("healthcare requests", [(client[r[0]], r[1], consent[r[2]], *r[3:]) for r in batch.requests])
        insert("healthcare questions asked", [(request[r[0]], *r[1:]) for r in batch.request_items])
        meeting = insert("meetings", [(client[r[0]], case[r[0]], *r[1:]) for r in batch.meetings])
        insert("meeting participants", [(meeting[r[0]], *r[1:]) for r in batch.participants])
        insert("agreed actions", [(meeting[r[0]], *r[1:]) for r in batch.actions])
        sip = insert("SIPs", [(client[r[0]], case[r[0]], *r[1:]) for r in batch.sips])
        sip_version = insert(
            "SIP versions",
            [(sip[r[0]], *r[1:4], None if r[4] is None else meeting[r[4]], *r[5:]) for r in batch.sip_versions],
        )
        insert("SIP partners", [(sip_version[i], partner) for i, partner in batch.sip_partners])
        plan = insert("plans", [(client[r[0]], case[r[0]], *r[1:]) for r in batch.plans])
        plan_version = insert("plan versions", [(plan[r[0]], *r[1:]) for r in batch.plan_versions])
        activity = insert(
            "activities",
            [(client[r[0]], case[r[0]], r[1], None if r[2] is None else plan[r[2]], *r[3:]) for r in batch.activities],
        )
        assessment = insert("ladder assessments", [(client[r[0]], case[r[0]], *r[1:]) for r in batch.assessments])
        response = insert("questionnaire responses", [(client[r[0]], case[r[0]], *r[1:]) for r in batch.responses])
        insert("answers", [(response[r[0]], *r[1:]) for r in batch.answers])

        ids = {
            "client": client,
            "case": case,
            "certificate": certificate,
            "sgi": sgi,
            "consent": consent,
            "request": request,
            "meeting": meeting,
            "sip": sip,
            "sip_version": sip_version,
            "plan": plan,
            "plan_version": plan_version,
            "activity": activity,
            "assessment": assessment,
            "response": response,
        }
        self._audit(batch, ids)

    def _audit(self, batch: Batch, ids: dict[str, list[int]]) -> None:
        started = time.perf_counter()
        roles = self.user_roles
        client = ids["client"]
        # In time order within the batch (batches follow each other in the order the cases opened).
        events = sorted(batch.events, key=lambda event: event[0])
        rows = [
            EventRow(
                occurred_at=moment,
                action=action,
                actor_id=actor,
                actor_role=roles.get(actor, "") if actor is not None else "",
                acting_unit_id=unit,
                client_id=client[client_li],
                object_type=LABELS[kind],
                object_id=str(ids[kind][object_li]),
                data=data,
            )
            for moment, action, actor, unit, client_li, kind, object_li, data in events
        ]
        written = audit_append_events(rows)
        self.rows[AUDIT_LABEL] += written
        self.seconds[AUDIT_LABEL] += time.perf_counter() - started

    def total_rows(self) -> int:
        return sum(self.rows.values())
