"""Where a case is in the method: the steps as a process map, each done / due / not yet.

Derived from the recorded facts and the unit's rules every time; nothing is typed by hand.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rattvag.clients.models import Case

from . import links
from .evaluation import RuleBook
from .rules import load_case_facts
from .rules.base import Outcome, State
from .rules.consent import CONSENT_BEFORE_HEALTHCARE
from .rules.facts import CaseFacts, loaded_case_row
from .rules.method import MAPPING_MEETING, SIP
from .rules.sick_leave import ACTIVE_PLAN, SGI_CHECKED


class StepState(StrEnum):
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_YET = "not_yet"
    NOT_NEEDED = "not_needed"


STATE_LABELS: dict[StepState, Promise] = {
    StepState.DONE: pgettext_lazy("process step", "Done"),
    StepState.DUE: pgettext_lazy("process step", "Due"),
    StepState.OVERDUE: pgettext_lazy("process step", "Overdue"),
    StepState.NOT_YET: pgettext_lazy("process step", "Not yet"),
    StepState.NOT_NEEDED: pgettext_lazy("process step", "Not needed"),
}


@dataclass(frozen=True)
class Step:
    code: str
    label: str | Promise
    state: StepState
    on: datetime.date | None = None  # done on, or due on
    url: str = ""
    note: str = ""  # e.g. which outcome the case closed with

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def is_done(self) -> bool:
        return self.state == StepState.DONE


STEP_LABELS: dict[str, Promise] = {
    "certificate": _("Medical certificate registered"),
    "sgi": _("SGI checked"),
    "consent": _("Consent recorded"),
    "healthcare": _("Healthcare contacted"),
    "mapping": _("Mapping meeting"),
    "plan": _("Active plan"),
    "sip": _("Coordinated individual plan (SIP)"),
    "activities": _("Activities"),
    "outcome": _("Outcome"),
}


def _from_outcome(code: str, outcome: Outcome | None, *, url: str, enabled: bool, absent: StepState) -> Step:
    label = STEP_LABELS[code]
    if outcome is None:
        return Step(code, label, absent, url=url)
    if outcome.state == State.FULFILLED:
        return Step(code, label, StepState.DONE, outcome.on)
    if not enabled:  # the unit does not use the rule: no deadline, only whether it is done
        return Step(code, label, StepState.NOT_YET, url=str(outcome.url) or url)
    state = StepState.OVERDUE if outcome.state == State.OVERDUE else StepState.DUE
    return Step(code, label, state, outcome.on, url=str(outcome.url) or url)


def process_map_from_facts(facts: CaseFacts, book: RuleBook, today: datetime.date) -> list[Step]:
    case = facts.case
    client_id = case.client_id

    def outcome(code: str) -> tuple[Outcome | None, bool]:
        config = book.by_code(code, case.unit_id)
        if config is None:
            return None, False
        return config.definition.evaluate(facts, config.params, today), config.enabled

    steps: list[Step] = []
    received = [c.received_on for c in facts.certificates]
    steps.append(
        Step("certificate", STEP_LABELS["certificate"], StepState.DONE, min(received))
        if received
        else Step(
            "certificate",
            STEP_LABELS["certificate"],
            StepState.NOT_YET,
            url=links.certificate_register(client_id),
        )
    )
    sgi, enabled = outcome(SGI_CHECKED)
    steps.append(
        _from_outcome(
            "sgi",
            sgi,
            url=links.sgi_record(client_id),
            enabled=enabled,
            absent=StepState.NOT_YET,
        )
    )
    valid = [c.given_on for c in facts.consents if c.is_valid_on(today)]
    breach, enabled = outcome(CONSENT_BEFORE_HEALTHCARE)
    consent_url = links.consents(client_id)
    if breach is not None and breach.pending and enabled:
        steps.append(Step("consent", STEP_LABELS["consent"], StepState.OVERDUE, breach.on, url=consent_url))
    elif valid:
        steps.append(Step("consent", STEP_LABELS["consent"], StepState.DONE, min(valid)))
    else:
        steps.append(Step("consent", STEP_LABELS["consent"], StepState.NOT_YET, url=consent_url))
    sent = [r.sent_on for r in facts.healthcare_requests if r.sent_on is not None]
    steps.append(
        Step("healthcare", STEP_LABELS["healthcare"], StepState.DONE, min(sent))
        if sent
        else Step(
            "healthcare",
            STEP_LABELS["healthcare"],
            StepState.NOT_YET,
            url=links.healthcare_new(client_id),
        )
    )
    mapping, enabled = outcome(MAPPING_MEETING)
    steps.append(
        _from_outcome(
            "mapping",
            mapping,
            url=links.meeting_new(client_id, "mapping"),
            enabled=enabled,
            absent=StepState.NOT_YET,
        )
    )
    plan, enabled = outcome(ACTIVE_PLAN)
    steps.append(
        _from_outcome(
            "plan",
            plan,
            url=links.plan_new(client_id, "active"),
            enabled=enabled,
            absent=StepState.NOT_YET,
        )
    )
    sip, enabled = outcome(SIP)
    steps.append(
        _from_outcome(
            "sip",
            sip,
            url=links.sip(client_id),
            enabled=enabled,
            absent=StepState.NOT_NEEDED,
        )
    )
    started = [a.started_on for a in facts.activities if a.started_on is not None]
    steps.append(
        Step("activities", STEP_LABELS["activities"], StepState.DONE, min(started))
        if started
        else Step(
            "activities",
            STEP_LABELS["activities"],
            StepState.NOT_YET,
            url=links.activity_new(client_id),
        )
    )
    steps.append(
        Step("outcome", STEP_LABELS["outcome"], StepState.DONE, case.closed_on, note=case.get_outcome_display())
        if case.is_closed
        else Step("outcome", STEP_LABELS["outcome"], StepState.NOT_YET)
    )
    return steps


def case_process_map(case: Case, today: datetime.date | None = None, facts: CaseFacts | None = None) -> list[Step]:
    """The steps of the method for one case (a fixed number of queries). Not audited: the caller logs the read.
    `facts`: the case's facts when built already (`case_facts_from`, the client page's); else they are read."""
    today = today or timezone.localdate()
    if facts is None:
        # A case read with its unit's certificate settings (the client page's cases) gives its own row.
        row = loaded_case_row(case)
        by_case = load_case_facts(Case.objects.filter(pk=case.pk), case_rows=None if row is None else [row])
        if case.pk not in by_case:
            return []
        facts = by_case[case.pk]
    return process_map_from_facts(facts, RuleBook([case.unit_id]), today)
