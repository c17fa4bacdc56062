"""Method rules as data, their settings per unit, and the reminders already sent.

The rules' logic lives in `rattvag.followup.rules` (one function per rule code); these rows hold
what a person may change without a deployment: the name and description in Swedish and English,
the default parameters, and per unit whether the rule is used and with which parameters.
Worklist items are never stored: they are derived from the recorded facts on every request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Unit
from rattvag.clients.models import Case
from rattvag.core.models import TimeStampedModel


def _english() -> bool:
    return (get_language() or "sv").startswith("en")


class MethodRule(TimeStampedModel):
    """One rule of the method (metodregel). `code` names its implementation and never changes."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    parameters = models.JSONField(
        _("default parameters"),
        default=dict,
        blank=True,
        help_text=_('Whole numbers by name, e.g. {"days": 60}. Units may set their own values.'),
    )
    enabled_by_default = models.BooleanField(
        _("used by default"), default=True, help_text=_("Whether units that have not decided use the rule.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("method rule")
        verbose_name_plural = _("method rules")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if _english() else self.name_sv

    @property
    def description(self) -> str:
        return self.description_en if _english() else self.description_sv

    def clean(self) -> None:
        from .rules import validate_parameters

        errors = validate_parameters(self.code, self.parameters, partial=False)
        if errors:
            raise ValidationError({"parameters": errors})


class UnitRuleSetting(TimeStampedModel):
    """A unit's choice for one rule: used or not, and its own parameter values (missing ones: the defaults)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="rule_settings", verbose_name=_("unit"))
    rule = models.ForeignKey(
        MethodRule, on_delete=models.CASCADE, related_name="unit_settings", verbose_name=_("method rule")
    )
    enabled = models.BooleanField(_("used by the unit"), default=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        ordering = ["unit", "rule"]
        verbose_name = _("method rule setting of a unit")
        verbose_name_plural = _("method rule settings of units")
        constraints = [models.UniqueConstraint(fields=["unit", "rule"], name="unitrulesetting_unique_unit_rule")]

    def __str__(self) -> str:
        return f"{self.rule.code} in unit #{self.unit_id}"

    def clean(self) -> None:
        from .rules import validate_parameters

        if self.rule_id is None:
            return
        errors = validate_parameters(self.rule.code, self.parameters, partial=True)
        if errors:
            raise ValidationError({"parameters": errors})

    def effective_parameters(self) -> dict[str, Any]:
        return {**self.rule.parameters, **self.parameters}


class ReminderSent(models.Model):
    """A reminder about one overdue item, sent once: the same (user, rule, case, due date) is never sent again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("sent to")
    )
    rule = models.ForeignKey(MethodRule, on_delete=models.CASCADE, related_name="+", verbose_name=_("method rule"))
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("case"))
    due_on = models.DateField(_("due on"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "rule", "case", "due_on"], name="remindersent_once_per_item"),
        ]

    def __str__(self) -> str:
        return f"Reminder #{self.pk}"
