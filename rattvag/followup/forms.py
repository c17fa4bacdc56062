"""Forms of the worklist and rule-setting pages. They parse input; the services validate the rest."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import User

from .models import MethodRule
from .rules import RuleDefinition

NOT_ASSIGNED = "0"


class WorklistFilterForm(forms.Form):
    """GET filters: which rule, and (for a manager) whose cases. Codes and user ids only, never personal data."""

    rule = forms.ChoiceField(label=_("Which items"), required=False, choices=())
    caseworker = forms.ChoiceField(label=_("Caseworker"), required=False, choices=())

    def __init__(self, *args: Any, rules: list[MethodRule], caseworkers: list[User] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["rule"]).choices = [
            ("", _("All items")),
            *((r.code, r.name) for r in rules),
        ]
        if caseworkers is None:
            del self.fields["caseworker"]
        else:
            cast("forms.ChoiceField", self.fields["caseworker"]).choices = [
                ("", _("Everyone")),
                *((str(u.pk), u.get_full_name() or u.username) for u in caseworkers),
                (NOT_ASSIGNED, _("Cases without a responsible caseworker")),
            ]

    def rule_code(self) -> str:
        if not self.is_valid():
            return ""
        return str(self.cleaned_data.get("rule") or "")

    def responsible_id(self) -> int | None:
        if not self.is_valid() or not self.cleaned_data.get("caseworker"):
            return None
        return int(self.cleaned_data["caseworker"])


class RuleSettingForm(forms.Form):
    """Whether a unit uses a rule, and its parameters (whole numbers within the rule's limits)."""

    enabled = forms.BooleanField(label=_("The unit uses this rule"), required=False)

    def __init__(self, *args: Any, definition: RuleDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        for spec in definition.parameters:
            limits = _("A whole number from %(minimum)d to %(maximum)d.") % {
                "minimum": spec.minimum,
                "maximum": spec.maximum,
            }
            self.fields[f"param_{spec.name}"] = forms.IntegerField(
                label=str(spec.label),
                min_value=spec.minimum,
                max_value=spec.maximum,
                help_text=f"{spec.help_text} {limits}".strip(),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def parameters(self) -> dict[str, int]:
        return {spec.name: self.cleaned_data[f"param_{spec.name}"] for spec in self.definition.parameters}
