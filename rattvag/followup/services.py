"""Writes of the followup module: a unit's choice of rules, and reminders about overdue items."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rattvag.accounts.models import Role, Unit
from rattvag.audit.services import ActingFor, audit_log
from rattvag.clients.models import Case, CaseStatus
from rattvag.core.errors import PermissionRefused

from .evaluation import CaseOutcome, RuleBook, pending_outcomes
from .links import client_page
from .models import MethodRule, ReminderSent, UnitRuleSetting
from .rules import RULES, load_case_facts, validate_parameters
from .rules.base import State

if TYPE_CHECKING:
    from rattvag.accounts.models import User


def _is_administrator(actor: User) -> bool:
    return actor.is_active and (actor.is_superuser or actor.role == Role.ADMIN)


def may_set_unit_rules(actor: User, unit: Unit) -> bool:
    """The unit's manager, or an administrator (through the admin site)."""
    if _is_administrator(actor):
        return True
    return actor.is_active and actor.role == Role.UNIT_MANAGER and actor.units.filter(pk=unit.pk).exists()


def method_rule_save(*, actor: User, rule: MethodRule) -> MethodRule:
    """Save an administrator's change to a rule's names, descriptions, default parameters or default use."""
    if not _is_administrator(actor):
        raise PermissionRefused(_("Only an administrator can change the method rules."))
    if rule.code not in RULES:
        raise ValidationError({"code": _("This rule has no implementation and cannot be used.")})
    rule.full_clean()
    with transaction.atomic():
        rule.save()
        audit_log(
            actor=actor,
            action="followup.rule_changed",
            obj=rule,
            data={"rule": rule.code, "enabled_by_default": rule.enabled_by_default, "parameters": rule.parameters},
        )
    return rule


def unit_rule_setting_set(
    *, actor: User, unit: Unit, rule: MethodRule, enabled: bool, parameters: dict[str, Any]
) -> UnitRuleSetting:
    """Whether the unit uses a rule, and with which parameters (left out: the rule's defaults).

    Only the unit's manager (or an administrator) may decide.
    """
    if not may_set_unit_rules(actor, unit):
        raise PermissionRefused(_("Only the unit's manager can change the unit's method rules."))
    if rule.code not in RULES:
        raise ValidationError(_("This rule has no implementation and cannot be used."))
    errors = validate_parameters(rule.code, parameters, partial=True)
    if errors:
        raise ValidationError({"parameters": errors})
    with transaction.atomic():
        setting = UnitRuleSetting.objects.select_for_update().filter(unit=unit, rule=rule).first()
        if setting is None:
            setting = UnitRuleSetting(unit=unit, rule=rule)
        setting.enabled = enabled
        setting.parameters = dict(parameters)
        setting.updated_by = actor
        setting.full_clean(validate_unique=False, validate_constraints=False)
        setting.save()
        audit_log(
            actor=actor,
            action="followup.rule_setting_changed",
            acting_for=ActingFor(unit=unit),
            obj=setting,
            data={"rule": rule.code, "enabled": enabled, "parameters": setting.parameters},
        )
    return setting


# --- reminders -------------------------------------------------------------------------------------


@dataclass
class ReminderReport:
    overdue: int = 0  # overdue items found
    sent: int = 0  # reminders sent now
    already_sent: int = 0  # overdue items reminded about before
    without_recipient: int = 0  # no active person with an email address to tell


def _recipients(case: Case, managers_by_unit: dict[int, list[User]]) -> list[User]:
    """The responsible caseworker; without one (or inactive), the unit's managers."""
    responsible = case.responsible
    if responsible is not None and responsible.is_active:
        return [responsible] if responsible.email else []
    return [m for m in managers_by_unit.get(case.unit_id, []) if m.email]


def reminder_text(*, rule: MethodRule, link: str) -> tuple[str, str]:
    """Subject and body of a reminder: the rule's name and a link with the client's id, never a name."""
    subject = _("Rätt väg: an item on your worklist is overdue")
    body = _(
        "Hello,\n\n"
        "An item on your worklist in Rätt väg is overdue: %(rule)s.\n"
        "It concerns a client in your caseload. Open the client to see what to do:\n"
        "%(link)s\n\n"
        "You get one reminder per overdue item. This message contains no personal data.\n"
    ) % {"rule": rule.name, "link": link}
    return subject, body


def reminders_send(
    *,
    today: datetime.date | None = None,
    base_url: str = "",
    send: Callable[[str, str, str], None] | None = None,
) -> ReminderReport:
    """Tell each person once about every overdue item of their open cases.

    A reminder is stored as (person, rule, case, due date) before the mail goes out, in the same
    transaction: a second run sends nothing for the same item; an item whose due date moves (e.g. a
    new certificate) and passes again is new. Runs without a user (from cron): the audit event has
    no actor and names the rule and the reminder only.
    """
    from rattvag.accounts.models import User

    today = today or timezone.localdate()
    send = send or _send_mail
    report = ReminderReport()
    cases = Case.objects.filter(status=CaseStatus.OPEN)
    facts = load_case_facts(cases)
    book = RuleBook(f.case.unit_id for f in facts.values())
    overdue: list[CaseOutcome] = [
        o for o in pending_outcomes(facts.values(), book, today) if o.outcome.state == State.OVERDUE
    ]
    report.overdue = len(overdue)
    if not overdue:
        return report
    case_of = Case.objects.select_related("responsible", "unit").in_bulk({o.case.pk for o in overdue})
    managers_by_unit: dict[int, list[User]] = {}
    for manager in (
        User.objects.filter(role=Role.UNIT_MANAGER, is_active=True, units__cases__status=CaseStatus.OPEN)
        .prefetch_related("units")
        .distinct()
    ):
        for unit in manager.units.all():
            managers_by_unit.setdefault(unit.pk, []).append(manager)
    sent_before = set(
        ReminderSent.objects.filter(Q(case__status=CaseStatus.OPEN)).values_list(
            "user_id", "rule_id", "case_id", "due_on"
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        for found in overdue:
            due_on = found.outcome.on
            assert due_on is not None
            case = case_of[found.case.pk]
            recipients = _recipients(case, managers_by_unit)
            if not recipients:
                report.without_recipient += 1
            for person in recipients:
                key = (person.pk, found.config.rule.pk, case.pk, due_on)
                if key in sent_before:
                    report.already_sent += 1
                    continue
                if _remind(person=person, case=case, found=found, due_on=due_on, base_url=base_url, send=send):
                    report.sent += 1
                    sent_before.add(key)
                else:
                    report.already_sent += 1
    return report


def _send_mail(subject: str, body: str, address: str) -> None:
    send_mail(subject, body, None, [address], fail_silently=False)


def _remind(
    *,
    person: User,
    case: Case,
    found: CaseOutcome,
    due_on: datetime.date,
    base_url: str,
    send: Callable[[str, str, str], None],
) -> bool:
    """Store and send one reminder about `found` (an outcome of `case`); False if another run stored it first."""
    link = f"{base_url.rstrip('/')}{client_page(case.client_id)}"
    subject, body = reminder_text(rule=found.config.rule, link=link)
    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(user=person, rule=found.config.rule, case=case, due_on=due_on)
            audit_log(
                actor=None,
                action="followup.reminder_sent",
                client_id=case.client_id,
                acting_for=ActingFor(unit=case.unit),
                obj=reminder,
                data={"rule": found.config.rule.code, "recipient_id": person.pk, "due_on": due_on.isoformat()},
            )
            send(subject, body, person.email)  # a failure rolls the reminder back: the next run tries again
    except IntegrityError:
        return False
    return True
