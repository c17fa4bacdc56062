"""Rules on sick leave: the active plan by day N of the spell, SGI checked, certificates running out."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from rattvag.certificates.models import SgiStatusValue

from .. import links
from .base import Outcome, fulfilled, lazy_link, lazy_text, pending
from .facts import CaseFacts, local_date

ACTIVE_PLAN = "active_plan"
SGI_CHECKED = "sgi_checked"
CERTIFICATE_EXPIRY = "certificate_expiry"


def active_plan(facts: CaseFacts, params: dict[str, int], today: datetime.date) -> Outcome | None:
    """An active plan at the latest on the day the current spell reaches `days` sick-listed days.

    Spell days as the certificates module counts them (each sick-listed day once, gaps not counted,
    the unit's max_gap). No current spell, or a spell whose certified periods never reach the
    number of days: nothing is due yet.
    """
    plan = facts.active_plan
    if plan is not None:
        return fulfilled(local_date(plan.first_version.created_at))
    spell = facts.current_spell(today)
    if spell is None:
        return None
    due_on = spell.reaches_days_on(params["days"])
    if due_on is None:
        return None
    return pending(
        due_on,
        today,
        url=lazy_link(links.plan_new, facts.case.client_id, "active"),
        title=lazy_text(
            _("Write the active plan: the sick-leave spell reaches %(days)d days on %(date)s."),
            {"days": params["days"], "date": due_on.isoformat()},
        ),
        action=_("Write the active plan"),
    )


def sgi_checked(facts: CaseFacts, params: dict[str, int], today: datetime.date) -> Outcome | None:
    """Every sick-listed client's SGI is checked: status "no SGI" or "has SGI" recorded.

    Applies while the client is sick-listed today. Due `days` days after the first certificate of
    the current spell reached the unit (its received date).
    """
    checked = facts.sgi is not None and facts.sgi.status in {SgiStatusValue.NONE, SgiStatusValue.HAS}
    if checked:
        assert facts.sgi is not None
        return fulfilled(facts.sgi.recorded_on)
    spell = facts.current_spell(today)
    if spell is None:
        return None
    in_spell = set(spell.certificate_ids)
    received = min(c.received_on for c in facts.certificates if c.pk in in_spell)
    due_on = received + datetime.timedelta(days=params["days"])
    return pending(
        due_on,
        today,
        url=lazy_link(links.sgi_record, facts.case.client_id),
        title=_("Apply for sjukpenning / check SGI: the client is sick-listed and the SGI status is unknown."),
        action=_("Record the SGI status"),
    )


def certificate_expiry(facts: CaseFacts, params: dict[str, int], today: datetime.date) -> Outcome | None:
    """The last certified day is within `days` days (due on it), or has passed (overdue): a new certificate
    is needed if the sick leave goes on. As the certificates module counts: over all the client's periods."""
    last_days = [p.end for c in facts.certificates for p in c.periods]
    if not last_days:
        return None
    last_day = max(last_days)
    if last_day > today + datetime.timedelta(days=params["days"]):
        return fulfilled(None)
    if last_day >= today:
        title = _("The certificate ends on %(date)s: ask for a new certificate if the sick leave goes on.")
    else:
        title = _("The last certificate ended on %(date)s and no newer certificate is registered.")
    return pending(
        last_day,
        today,
        url=lazy_link(links.certificate_register, facts.case.client_id),
        title=lazy_text(title, {"date": last_day.isoformat()}),
        action=_("Register a new certificate"),
    )
