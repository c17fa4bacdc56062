"""The method's records in a client's story: consents, questions to healthcare, meetings and the SIP,
plans, activities, ladder assessments and questionnaires (mixed into batches.BatchBuilder)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from rattvag.accounts.models import PartnerKind
from rattvag.clients.models import Outcome
from rattvag.consent.models import ConsentForm, ConsentPurpose, HealthcareRequestStatus, WithdrawalForm
from rattvag.meetings.models import MeetingKind, MeetingStatus, ParticipantKind, ResponsibleKind
from rattvag.outcomes.models import EnteredBy, Moment
from rattvag.plans.models import ActivityCode, ActivityResult, ContactFrequency, PlanKind

from . import content as c
from .reference import Calendar, Reference
from .rows import (
    ACTIVITY_PARTNER,
    ACTIVITY_RESULTS,
    ACTIVITY_TYPES,
    AGREEMENTS,
    ASSESSED_BY,
    CONTACT_FREQUENCIES,
    FIRST_STEP,
    Batch,
    Story,
)


class MethodRecords:
    """Draws the records that follow the certificates; `cal` and `ref` come from the builder."""

    cal: Calendar
    ref: Reference

    # --- consents and questions to healthcare -----------------------------------------------

    def _consent(
        self,
        batch: Batch,
        story: Story,
        rng: random.Random,
        *,
        partner: int | None,
        kind: str,
        purposes: Sequence[str],
        given: int,
    ) -> int:
        cal, rand, randint = self.cal, rng.random, rng.randint
        day = cal.day
        oral = rand() < 0.15
        until_case_closes = rand() < 0.3
        valid_until = None if until_case_closes else given + 364
        withdrawn = given + randint(10, 200) if rand() < 0.03 else None
        if withdrawn is not None and withdrawn > story.limit:
            withdrawn = None
        consent_li = len(batch.consents)
        batch.consents.append(
            (
                story.li,
                partner,
                "" if partner is not None else kind,
                ConsentForm.ORAL if oral else ConsentForm.WRITTEN,
                f"{rng.choice(c.FEMALE_NAMES)} {rng.choice(c.SURNAMES)}" if oral else "",
                day(given),
                day(valid_until) if valid_until is not None else None,
                until_case_closes,
                story.li if until_case_closes else None,
                story.responsible,
                day(withdrawn) if withdrawn is not None else None,
                rng.choice((WithdrawalForm.ORAL, WithdrawalForm.WRITTEN)) if withdrawn is not None else "",
                story.responsible if withdrawn is not None else None,
                cal.moment(given, randint(0, 35)),
            )
        )
        for purpose in purposes:
            batch.grants.append((consent_li, purpose))
        batch.events.append(
            (
                batch.consents[-1][-1],
                "consent.recorded",
                story.responsible,
                story.unit.id,
                story.li,
                "consent",
                consent_li,
                {
                    "partner_id": partner,
                    "partner_kind": "" if partner is not None else kind,
                    "purposes": purposes,
                    "form": "oral" if oral else "written",
                    "document": False,
                },
            )
        )
        if withdrawn is not None:
            batch.events.append(
                (
                    cal.moment(withdrawn, randint(0, 35)),
                    "consent.withdrawn",
                    story.responsible,
                    story.unit.id,
                    story.li,
                    "consent",
                    consent_li,
                    {},
                )
            )
        return consent_li

    def _consents_and_requests(self, batch: Batch, story: Story, rng: random.Random) -> None:
        rand, randint = rng.random, rng.randint
        limit = story.limit
        story.sip_planned = rand() < 0.18
        sip = [ConsentPurpose.SIP] if story.sip_planned else []
        if rand() < 0.8 and story.care_partner is not None:
            given = min(story.t_open + randint(0, 21), limit)
            purposes = [
                ConsentPurpose.CONTACT_HEALTHCARE,
                *([ConsentPurpose.OBTAIN_JOURNAL] if rand() < 0.7 else []),
                *sip,
            ]
            care_consent = self._consent(
                batch, story, rng, partner=story.care_partner, kind="", purposes=purposes, given=given
            )
            story.care_consent_given = given
            if rand() < 0.65:
                self._request(batch, story, rng, care_consent, given)
        if rand() < 0.55:
            given = min(story.t_open + randint(7, 60), limit)
            purposes = [ConsentPurpose.SHARE_FK, *([ConsentPurpose.FK_CONSULTATION] if rand() < 0.5 else []), *sip]
            self._consent(
                batch, story, rng, partner=story.municipality.fk_partner_id, kind="", purposes=purposes, given=given
            )
            story.fk_consent = True
        if rand() < 0.3:
            given = min(story.t_open + randint(20, 120), limit)
            purposes = [
                ConsentPurpose.SHARE_AF_AME,
                *([ConsentPurpose.WORK_CAPACITY_ASSESSMENT] if rand() < 0.4 else []),
                *sip,
            ]
            if rand() < 0.5:
                self._consent(
                    batch,
                    story,
                    rng,
                    partner=story.municipality.ame_partner_id,
                    kind="",
                    purposes=purposes,
                    given=given,
                )
            else:
                self._consent(batch, story, rng, partner=None, kind=PartnerKind.AF, purposes=purposes, given=given)
            story.af_consent = True

    def _request(self, batch: Batch, story: Story, rng: random.Random, consent_li: int, given: int) -> None:
        cal, rand, randint = self.cal, rng.random, rng.randint
        day = cal.day
        created = min(given + randint(0, 10), story.limit)
        request_li = len(batch.requests)
        sent = answered = None
        status = HealthcareRequestStatus.DRAFT
        if rand() < 0.95 or created < -30:
            sent = min(created + randint(0, 3), story.limit)
            status = HealthcareRequestStatus.SENT
            answer_day = sent + randint(7, 45)
            if rand() < 0.75 and answer_day <= story.limit:
                answered, status = answer_day, HealthcareRequestStatus.ANSWERED
        moment = cal.moment(created, randint(0, 35))
        batch.requests.append(
            (
                story.li,
                story.care_partner,
                consent_li,
                story.unit.id,
                "Vi undrar också hur kontakten med psykiatrin ser ut." if rand() < 0.15 else "",
                status,
                story.responsible,
                day(sent) if sent is not None else None,
                day(sent + 21) if sent is not None else None,
                day(answered) if answered is not None else None,
                rng.choice(c.HEALTHCARE_ANSWERS) if answered is not None else "",
                moment,
            )
        )
        questions = self.ref.healthcare_questions
        chosen = sorted(rng.sample(range(len(questions)), min(len(questions), randint(2, 4))))
        for position, index in enumerate(chosen, start=1):
            question_id, text = questions[index]
            batch.request_items.append((request_li, question_id, position, text))
        unit, li, who = story.unit.id, story.li, story.responsible
        batch.events.append(
            (
                moment,
                "healthcare_request.created",
                who,
                unit,
                li,
                "request",
                request_li,
                {"care_unit_id": story.care_partner, "questions": len(chosen)},
            )
        )
        if sent is not None:
            batch.events.append(
                (cal.moment(sent, randint(0, 35)), "healthcare_request.sent", who, unit, li, "request", request_li, {})
            )
        if answered is not None:
            batch.events.append(
                (
                    cal.moment(answered, randint(0, 35)),
                    "healthcare_request.answered",
                    who,
                    unit,
                    li,
                    "request",
                    request_li,
                    {},
                )
            )

    # --- meetings and the SIP ----------------------------------------------------------------

    def _meeting(
        self, batch: Batch, story: Story, rng: random.Random, kind: str, t: int, partners: list[int]
    ) -> int | None:
        """A meeting on day `t`: held or cancelled when past, planned when ahead (open cases only)."""
        cal, rand, randint = self.cal, rng.random, rng.randint
        if story.t_close is not None and t > story.t_close:
            return None
        if t > 0:
            if story.t_close is not None or t > 45:
                return None
            status = MeetingStatus.PLANNED
        else:
            status = MeetingStatus.CANCELLED if rand() < 0.07 else MeetingStatus.HELD
        slot = randint(1, 30)
        starts = cal.moment(t, slot, past=t <= 0)
        ends = cal.moment(t, slot + (6 if kind == MeetingKind.SIP else 4), past=t <= 0)
        video = rand() < 0.15
        held = status == MeetingStatus.HELD
        meeting_li = len(batch.meetings)
        batch.meetings.append(
            (
                story.li,
                kind,
                status,
                starts,
                ends,
                "" if video else rng.choice(c.MEETING_PLACES),
                video,
                "Länk skickas med kallelsen." if video else "",
                rng.choice(c.MEETING_DISCUSSED) if held else "",
                rng.choice(c.MEETING_DECISIONS) if held and rand() < 0.8 else "",
                story.responsible,
            )
        )
        participants = batch.participants
        participants.append((meeting_li, ParticipantKind.CLIENT, None, None))
        participants.append((meeting_li, ParticipantKind.STAFF, story.responsible, None))
        staff = [story.responsible]
        if story.nurse is not None and (kind == MeetingKind.MAPPING or rand() < 0.3):
            participants.append((meeting_li, ParticipantKind.STAFF, story.nurse, None))
            staff.append(story.nurse)
        for partner in partners:
            participants.append((meeting_li, ParticipantKind.PARTNER, None, partner))
        booked = max(story.t_open, min(t, 0) - randint(3, 14))
        batch.events.append(
            (
                cal.moment(booked, randint(0, 35)),
                "meeting.created",
                story.responsible,
                story.unit.id,
                story.li,
                "meeting",
                meeting_li,
                {"kind": kind, "staff_ids": staff, "partner_ids": partners},
            )
        )
        if held and (kind != MeetingKind.FOLLOW_UP or rand() < 0.5):
            for _ in range(randint(1, 3)):
                r = rand()
                responsible: tuple[str, int | None, int | None]
                if r < 0.5 or (r < 0.7 and not partners):
                    responsible = (ResponsibleKind.USER, story.responsible, None)
                elif r < 0.7:
                    responsible = (ResponsibleKind.PARTNER, None, rng.choice(partners))
                else:
                    responsible = (ResponsibleKind.CLIENT, None, None)
                due = t + randint(14, 60)
                done = due - randint(0, 10) if due <= story.limit and rand() < 0.8 else None
                batch.actions.append(
                    (
                        meeting_li,
                        rng.choice(c.AGREED_ACTIONS),
                        *responsible,
                        cal.day(due),
                        cal.day(max(done, t)) if done is not None else None,
                    )
                )
        return meeting_li if held else None

    def _meetings(self, batch: Batch, story: Story, rng: random.Random) -> None:
        rand, randint = rng.random, rng.randint
        t_open = story.t_open
        municipality = story.municipality
        if rand() < 0.8:
            t = t_open + randint(3, 40)
            story.mapping_day = t
            partners = (
                [story.care_partner]
                if story.care_partner is not None and rand() < 0.1 and story.care_consent_given is not None
                else []
            )
            self._meeting(batch, story, rng, MeetingKind.MAPPING, t, partners)
        if (story.fk_consent or story.care_consent_given is not None) and rand() < 0.4:
            partner = municipality.fk_partner_id if story.fk_consent else story.care_partner
            assert partner is not None
            self._meeting(batch, story, rng, MeetingKind.THREE_PARTY, t_open + randint(30, 150), [partner])
        if story.sip_planned and story.care_consent_given is not None and (story.fk_consent or story.af_consent):
            t = t_open + randint(60, 200)
            partners = [p for p in (story.care_partner,) if p is not None]
            partners.append(municipality.fk_partner_id if story.fk_consent else municipality.af_partner_id)
            meeting_li = self._meeting(batch, story, rng, MeetingKind.SIP, t, partners)
            if meeting_li is not None:
                self._sip(batch, story, rng, meeting_li, t, partners)
        for _ in range(randint(0, 2)):
            self._meeting(batch, story, rng, MeetingKind.FOLLOW_UP, t_open + randint(60, 400), [])
        if rand() < 0.04:
            self._meeting(batch, story, rng, MeetingKind.OTHER, t_open + randint(10, 300), [])

    def _sip(
        self, batch: Batch, story: Story, rng: random.Random, meeting_li: int, t: int, partners: list[int]
    ) -> None:
        cal, rand, randint, choice = self.cal, rng.random, rng.randint, rng.choice
        sip_li = len(batch.sips)
        batch.sips.append((story.li, story.responsible, cal.day(story.t_close) if story.t_close is not None else None))
        batch.events.append(
            (cal.moment(t, 33), "sip.created", story.responsible, story.unit.id, story.li, "sip", sip_li, {})
        )
        number, when = 1, t
        while when <= story.limit and number <= 3:
            version_li = len(batch.sip_versions)
            moment = cal.moment(when, 34)
            batch.sip_versions.append(
                (
                    sip_li,
                    number,
                    moment,
                    story.responsible,
                    meeting_li if number == 1 else None,
                    choice(c.SIP_NEEDS),
                    choice(c.SIP_MUNICIPALITY),
                    choice(c.SIP_REGION),
                    choice(c.SIP_OTHERS),
                    "Socialtjänsten (socialsekreteraren)",
                    cal.day(when + 90),
                    choice(c.SIP_FOLLOW_UP_HOW),
                    choice(c.SIP_GOALS),
                    cal.day(when) if rand() < 0.85 else None,
                    "" if number == 1 else "Uppföljning: insatserna justerade.",
                )
            )
            for partner in partners:
                batch.sip_partners.append((version_li, partner))
            batch.events.append(
                (
                    moment,
                    "sip.version_saved",
                    story.responsible,
                    story.unit.id,
                    story.li,
                    "sip_version",
                    version_li,
                    {"number": number, "partner_ids": partners},
                )
            )
            number, when = number + 1, when + randint(80, 120)

    # --- plans and activities ------------------------------------------------------------------

    def _plan(self, batch: Batch, story: Story, rng: random.Random, kind: str, t: int) -> int | None:
        cal, rand, randint, choice = self.cal, rng.random, rng.randint, rng.choice
        if t > story.limit:
            return None
        day = cal.day
        plan_li = len(batch.plans)
        created = cal.moment(t, randint(0, 35))
        batch.plans.append(
            (story.li, kind, story.responsible, day(story.t_close) if story.t_close is not None else None, created)
        )
        batch.events.append(
            (created, "plan.created", story.responsible, story.unit.id, story.li, "plan", plan_li, {"kind": kind})
        )
        active = kind == PlanKind.ACTIVE
        number, when = 1, t
        while when <= story.limit and number <= 4:
            agreed = rand() < 0.8
            frequency = "" if active else CONTACT_FREQUENCIES(rng)
            care = active and rand() < 0.3
            moment = created if number == 1 else cal.moment(when, randint(0, 35))
            batch.plan_versions.append(
                (
                    plan_li,
                    number,
                    moment,
                    story.responsible,
                    choice(c.PLAN_GOALS) if active else "",
                    choice(c.PLAN_STEPS) if active else "",
                    choice(c.PLAN_RESPONSIBLE) if active else "",
                    day(when) if active else None,
                    day(when + 180) if active else None,
                    day(when + randint(45, 90)) if active else None,
                    frequency,
                    choice(c.CONTACT_HOW)
                    if frequency == ContactFrequency.OTHER or (not active and rand() < 0.4)
                    else "",
                    choice(c.CARE_PLAN) if care else "",
                    day(when - randint(0, 30)) if care else None,
                    day(when) if agreed else None,
                    AGREEMENTS(rng) if agreed else "",
                    "" if number == 1 else "Uppföljning: planen reviderad.",
                )
            )
            batch.events.append(
                (
                    moment,
                    "plan.version_saved",
                    story.responsible,
                    story.unit.id,
                    story.li,
                    "plan_version",
                    len(batch.plan_versions) - 1,
                    {"kind": kind, "number": number, "agreed": agreed},
                )
            )
            if rand() < (0.5 if active else 0.15):
                number, when = number + 1, when + randint(60, 120)
            else:
                break
        return plan_li

    def _plans_and_activities(self, batch: Batch, story: Story, rng: random.Random) -> None:
        rand, randint = rng.random, rng.randint
        if rand() < 0.75:
            self._plan(batch, story, rng, PlanKind.CONTACT, story.t_open + randint(1, 20))
        active_plan = None
        if rand() < 0.72:
            active_plan = self._plan(batch, story, rng, PlanKind.ACTIVE, story.t_open + randint(20, 75))
        codes = [ACTIVITY_TYPES(rng) for _ in range(randint(0, 3))]
        if story.outcome in {Outcome.SICKNESS_COMPENSATION, Outcome.ACTIVITY_COMPENSATION}:
            codes += [ActivityCode.WORK_CAPACITY_ASSESSMENT, ActivityCode.DISABILITY_BENEFIT_APPLICATION]
        elif story.outcome == Outcome.SICKNESS_BENEFIT:
            codes.append(ActivityCode.SICKNESS_BENEFIT_APPLICATION)
        t = story.t_open + randint(20, 90)
        for code in codes:
            self._activity(batch, story, rng, code, t, active_plan)
            t += randint(20, 120)

    def _activity(
        self, batch: Batch, story: Story, rng: random.Random, code: str, planned: int, plan_li: int | None
    ) -> None:
        cal, rand, randint = self.cal, rng.random, rng.randint
        limit = story.limit
        if planned > limit + 30 or (story.t_close is not None and planned > limit):
            return
        start_day = planned + randint(0, 21)
        started: int | None = start_day if start_day <= limit and rand() < 0.9 else None
        ended: int | None = None
        result = ""
        if started is not None:
            end_day = started + randint(30, 180)
            if end_day <= limit or story.t_close is not None:
                ended, result = min(end_day, limit), ACTIVITY_RESULTS(rng)
                if result == ActivityResult.NOT_STARTED:
                    started = None
        elif story.t_close is not None:
            ended, result = limit, ActivityResult.NOT_STARTED
        partner_kind = ACTIVITY_PARTNER.get(code)
        if partner_kind == "fk":
            partner: int | None = story.municipality.fk_partner_id
        elif partner_kind == "ame":
            partner = story.municipality.ame_partner_id
        elif code == ActivityCode.PREPARATORY and rand() < 0.3:
            partner = story.municipality.af_partner_id
        else:
            partner = None
        activity_li = len(batch.activities)
        day = cal.day
        batch.activities.append(
            (
                story.li,
                self.ref.activity_types[code],
                plan_li,
                partner,
                day(planned),
                day(started) if started is not None else None,
                day(ended) if ended is not None else None,
                result or "",
                story.responsible,
                cal.moment(min(planned, limit), randint(0, 35)),
            )
        )
        status = "ended" if ended is not None else "ongoing" if started is not None else "planned"
        batch.events.append(
            (
                batch.activities[-1][-1],
                "activity.registered",
                story.responsible,
                story.unit.id,
                story.li,
                "activity",
                activity_li,
                {"type": code, "plan_id": None, "partner_id": partner, "status": status, "result": result or ""},
            )
        )

    # --- measuring: the ladder and the questionnaires --------------------------------------------

    def _ladder_and_questionnaires(self, batch: Batch, story: Story, rng: random.Random) -> None:
        rand, randint = rng.random, rng.randint
        steps = self.ref.ladder_steps
        if steps and rand() < 0.65:
            t = story.mapping_day if story.mapping_day is not None else story.t_open + randint(20, 60)
            step = FIRST_STEP(rng)
            mover = rand() < 0.5 or story.outcome in {Outcome.WORK, Outcome.STUDIES}
            count = 0
            while t <= story.limit and count < 6:
                self._assessment(batch, story, rng, t, steps[step])
                count += 1
                t += randint(60, 150)
                delta = rng.choice((0, 1, 1, 2)) if mover else rng.choice((-1, 0, 0, 0, 1))
                step = max(0, min(len(steps) - 2, step + delta))
            if story.outcome in {Outcome.WORK, Outcome.STUDIES} and story.t_close is not None:
                self._assessment(batch, story, rng, story.t_close, steps[-1 if rand() < 0.7 else -2])
        questionnaires = self.ref.questionnaires
        during = questionnaires.get(Moment.DURING)
        if during is not None and rand() < 0.3:
            t = story.t_open + randint(60, 200)
            if t <= story.limit:
                self._response(batch, story, rng, during, t)
        end = questionnaires.get(Moment.END)
        if end is not None and story.t_close is not None and rand() < 0.6:
            self._response(batch, story, rng, end, story.t_close)

    def _assessment(self, batch: Batch, story: Story, rng: random.Random, t: int, step_id: int) -> None:
        assessed_by = ASSESSED_BY(rng)
        batch.assessments.append((story.li, self.cal.day(t), step_id, assessed_by, story.responsible))
        batch.events.append(
            (
                self.cal.moment(t, rng.randint(0, 35)),
                "ladder.assessed",
                story.responsible,
                story.unit.id,
                story.li,
                "assessment",
                len(batch.assessments) - 1,
                {
                    "step": self.ref.ladder_steps.index(step_id) + 1,
                    "ladder_version": self.ref.ladder_version_id,
                    "assessed_by": str(assessed_by),
                },
            )
        )

    def _response(self, batch: Batch, story: Story, rng: random.Random, questionnaire: Any, t: int) -> None:
        rand, choice = rng.random, rng.choice
        response_li = len(batch.responses)
        tablet = rand() < 0.15
        batch.responses.append(
            (
                story.li,
                questionnaire.id,
                story.unit.id,
                self.cal.day(t),
                EnteredBy.TABLET if tablet else EnteredBy.WITH_CASEWORKER,
                story.responsible,
            )
        )
        for question in questionnaire.questions:
            if rand() < 0.03:
                value = None
            elif not question.not_meeting or rand() < question.share_meeting:
                value = choice(question.meeting)
            else:
                value = choice(question.not_meeting)
            batch.answers.append((response_li, question.id, value))
        batch.events.append(
            (
                self.cal.moment(t, rng.randint(0, 35)),
                "questionnaire.answered" if tablet else "questionnaire.recorded",
                None if tablet else story.responsible,
                story.unit.id,
                story.li,
                "response",
                response_li,
                {"questionnaire": questionnaire.code},
            )
        )
