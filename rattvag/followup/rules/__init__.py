"""The method rules' implementations, by code. The rows in `MethodRule` name, describe and configure them.

Each rule is a plain function `(facts, params, today) -> Outcome | None` (see base.py) over one
case's preloaded facts (facts.py), so a whole caseload is evaluated in Python after a fixed number
of queries. docs/method-rules.md describes every rule, its parameters and its boundaries.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import consent, method, sick_leave
from .base import Outcome, ParameterSpec, RuleDefinition, State, fulfilled, pending
from .facts import CaseFacts, load_case_facts

__all__ = [
    "RULES",
    "CaseFacts",
    "Outcome",
    "ParameterSpec",
    "RuleDefinition",
    "State",
    "fulfilled",
    "load_case_facts",
    "pending",
    "validate_parameters",
]


def _days(default: int, minimum: int, maximum: int, help_text: Any = "") -> ParameterSpec:
    return ParameterSpec("days", _("Days"), default, minimum, maximum, help_text)


RULES: dict[str, RuleDefinition] = {
    rule.code: rule
    for rule in (
        RuleDefinition(
            sick_leave.ACTIVE_PLAN,
            sick_leave.active_plan,
            (_days(60, 1, 730, _("The active plan is due when the sick-leave spell reaches this many days.")),),
        ),
        RuleDefinition(
            sick_leave.SGI_CHECKED,
            sick_leave.sgi_checked,
            (_days(7, 0, 90, _("Days after the first certificate of the spell was received.")),),
        ),
        RuleDefinition(consent.CONSENT_BEFORE_HEALTHCARE, consent.consent_before_healthcare),
        RuleDefinition(
            method.MAPPING_MEETING,
            method.mapping_meeting,
            (_days(30, 1, 365, _("Days after ill-health was recorded as the obstacle.")),),
        ),
        RuleDefinition(
            method.CONTACT_PLAN,
            method.contact_plan,
            (_days(14, 1, 365, _("Days after the case was opened.")),),
        ),
        RuleDefinition(
            method.SIP,
            method.sip_when_agencies,
            (_days(30, 0, 365, _("Days after the second agency's intervention began.")),),
        ),
        RuleDefinition(method.WORK_CAPACITY_FIRST, method.work_capacity_before_application),
        RuleDefinition(
            sick_leave.CERTIFICATE_EXPIRY,
            sick_leave.certificate_expiry,
            (_days(14, 0, 90, _("Shown this many days before the last certified day.")),),
        ),
        RuleDefinition(consent.HEALTHCARE_UNANSWERED, consent.healthcare_unanswered),
        RuleDefinition(
            method.PLAN_FOLLOW_UP,
            method.plan_follow_up,
            (
                ParameterSpec(
                    "notice_days",
                    _("Days of notice"),
                    14,
                    0,
                    90,
                    _("Shown this many days before the follow-up date; a follow-up meeting from then counts."),
                ),
            ),
        ),
        RuleDefinition(
            consent.CONSENT_EXPIRING,
            consent.consent_expiring,
            (_days(14, 1, 90, _("Shown this many days before and after the consent's last day.")),),
        ),
    )
}


def validate_parameters(code: str, values: Any, *, partial: bool) -> list[str]:
    """Problems with a parameter object for the rule `code` (empty: valid).

    `partial`: a unit's setting may leave parameters out (the rule's defaults apply).
    """
    rule = RULES.get(code)
    if not isinstance(values, dict):
        return [gettext("Give the parameters as an object of names and whole numbers.")]
    if rule is None:
        return [] if not values else [gettext("This rule has no implementation, so it takes no parameters.")]
    errors = []
    known = {spec.name: spec for spec in rule.parameters}
    for name in sorted(set(values) - set(known)):
        errors.append(gettext("Unknown parameter “%(name)s”.") % {"name": name})
    for name, spec in known.items():
        if name not in values:
            if not partial:
                errors.append(gettext("The parameter “%(name)s” is missing.") % {"name": name})
            continue
        value = values[name]
        if not isinstance(value, int) or isinstance(value, bool) or not spec.minimum <= value <= spec.maximum:
            errors.append(
                gettext("“%(name)s” must be a whole number from %(minimum)d to %(maximum)d.")
                % {"name": name, "minimum": spec.minimum, "maximum": spec.maximum}
            )
    return errors
