"""Rules on consent and questions to healthcare."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from rattvag.consent.models import ConsentPurpose, HealthcareRequestStatus

from .. import links
from .base import Outcome, State, fulfilled, lazy_link, lazy_text, pending
from .facts import CaseFacts, ConsentFact, HealthcareRequestFact

CONSENT_BEFORE_HEALTHCARE = "consent_before_healthcare"
HEALTHCARE_UNANSWERED = "healthcare_unanswered"
CONSENT_EXPIRING = "consent_expiring"


def _covers_care_unit(consent: ConsentFact, request: HealthcareRequestFact) -> bool:
    """The consent names the request's care unit, or every partner organisation of its kind, for contact."""
    names_it = consent.partner_id == request.care_unit_id or (
        consent.partner_id is None and consent.partner_kind == request.care_unit_kind
    )
    return names_it and ConsentPurpose.CONTACT_HEALTHCARE in consent.purposes


def _covered_on(facts: CaseFacts, request: HealthcareRequestFact, day: datetime.date) -> bool:
    return any(_covers_care_unit(c, request) and c.is_valid_on(day) for c in facts.consents)


def consent_before_healthcare(facts: CaseFacts, params: dict[str, int], today: datetime.date) -> Outcome | None:
    """Healthcare is contacted only under a valid consent to contact that care unit, given before.

    A question sent on a day no such consent was valid breaks the rule: overdue since the day it was
    sent, until a consent covering that care unit is recorded (the breach itself stays in the log).
    The consent module refuses to send without consent, so this catches imported or older records.
    """
    sent = [r for r in facts.healthcare_requests if r.sent_on is not None]
    if not sent:
        return None
    breaches = [r for r in sent if r.sent_on is not None and not _covered_on(facts, r, r.sent_on)]
    open_breaches = [r for r in breaches if not _covered_on(facts, r, today)]
    if not open_breaches:
        return fulfilled(min(r.sent_on for r in sent if r.sent_on is not None))
    first = min(open_breaches, key=lambda r: (r.sent_on, r.pk))
    assert first.sent_on is not None
    return Outcome(
        State.OVERDUE,
        first.sent_on,
        url=lazy_link(links.consents, facts.case.client_id),
        title=lazy_text(
            _("Healthcare was contacted on %(date)s without a consent covering it: record the client's consent."),
            {"date": first.sent_on.isoformat()},
        ),
        action=_("Record the consent"),
    )


def healthcare_unanswered(facts: CaseFacts, params: dict[str, int], today: datetime.date) -> Outcome | None:
    """Questions sent to healthcare are answered by their reminder date (set when sent, three weeks by default)."""
    sent = [r for r in facts.healthcare_requests if r.sent_on is not None]
    if not sent:
        return None
    waiting = [r for r in sent if r.status == HealthcareRequestStatus.SENT and r.remind_on is not None]
    if not waiting:
        return fulfilled(max((r.answered_on for r in sent if r.answered_on is not None), default=None))
    first = min(waiting, key=lambda r: (r.remind_on, r.pk))
    assert first.remind_on is not None
    assert first.sent_on is not None
    return pending(
        first.remind_on,
        today,
        url=lazy_link(links.healthcare_request, facts.case.client_id, first.pk),
        title=lazy_text(
            _("Healthcare has not answered the questions sent on %(date)s: remind the care unit or record the answer."),
            {"date": first.sent_on.isoformat()},
        ),
        action=_("Record the answer from healthcare"),
    )


def _renewed(consent: ConsentFact, others: list[ConsentFact]) -> bool:
    """Another consent to the same recipient covers each purpose beyond this consent's last day."""
    end = consent.ends_on()
    assert end is not None
    for purpose in consent.purposes:
        covered = False
        for other in others:
            if other.pk == consent.pk or other.withdrawn_on is not None:
                continue
            if (other.partner_id, other.partner_kind) != (consent.partner_id, consent.partner_kind):
                continue
            other_end = other.ends_on()
            if purpose in other.purposes and (other_end is None or other_end > end):
                covered = True
                break
        if not covered:
            return False
    return True


def consent_expiring(facts: CaseFacts, params: dict[str, int], today: datetime.date) -> Outcome | None:
    """A consent that runs out (its valid-until date, not a withdrawal) is renewed in time.

    Shown from `days` days before its last day (due on that day) until `days` days after it
    (overdue), unless a consent to the same recipient covering the same purposes lasts longer.
    """
    window = datetime.timedelta(days=params["days"])
    candidates = []
    for consent in facts.consents:
        if consent.withdrawn_on is not None or consent.given_on > today:
            continue
        end = consent.ends_on()
        if end is None or not (today - window <= end <= today + window):
            continue
        if not _renewed(consent, facts.consents):
            candidates.append((end, consent.pk, consent))
    if not candidates:
        return None
    end, _pk, consent = min(candidates)
    return pending(
        end,
        today,
        url=lazy_link(links.consent_replace, facts.case.client_id, consent.pk),
        title=lazy_text(
            _("A consent ends on %(date)s: renew it if it is still needed.")
            if end >= today
            else _("A consent ended on %(date)s: renew it if it is still needed."),
            {"date": end.isoformat()},
        ),
        action=_("Renew the consent"),
    )
