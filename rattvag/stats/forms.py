"""The filters of the statistics pages. GET forms: the figures hold no personal data, so the filters may sit in
the address (and bookmarks); nothing identifies a client."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Unit, User
from rattvag.certificates.models import Degree
from rattvag.clients.forms import DATE_INPUT_FORMATS

from .figures import GROUP_BY_MUNICIPALITY, GROUP_BY_UNIT, Params
from .selectors import default_period

MAX_PERIOD_DAYS = 5 * 366  # the monthly table gets one column per month


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _date_field(label: Any, invalid: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=_DateInput(),
        help_text=help_text,
        error_messages={"invalid": invalid},
    )


class PeriodForm(forms.Form):
    """``from`` and ``to`` (named as in the address and the API); empty fields fall back to the twelve months up
    to today, or the twelve months up to ``to``."""

    field_order: list[str] = ["from", "to"]

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["from"] = _date_field(
            _("From"), _("Enter the start of the period as a date, for example 2025-01-31.")
        )
        self.fields["to"] = _date_field(_("To"), _("Enter the end of the period as a date, for example 2025-12-31."))
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "from" in self.errors or "to" in self.errors:
            return cleaned
        today = timezone.localdate()
        end: datetime.date = cleaned.get("to") or today
        if end > today:
            self.add_error("to", _("The end of the period cannot be in the future."))
            return cleaned
        start: datetime.date = cleaned.get("from") or default_period(end)[0]
        if start > end:
            self.add_error("from", _("The start of the period must be on or before its end."))
            return cleaned
        if (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("from", _("The period can be at most five years long."))
            return cleaned
        cleaned["from"], cleaned["to"] = start, end
        return cleaned

    def params(self, **extra: Any) -> Params:
        return Params(start=self.cleaned_data["from"], reference_date=self.cleaned_data["to"], **extra)


DEGREE_CHOICES = [("", _("All degrees")), *((str(d.value), d.label) for d in Degree)]


class MappingFilterForm(PeriodForm):
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    caseworker = forms.ChoiceField(label=_("Responsible caseworker"), required=False)
    degree = forms.ChoiceField(label=_("Sick-leave degree"), required=False, choices=DEGREE_CHOICES)

    field_order = ["unit", "from", "to", "caseworker", "degree"]

    def __init__(
        self, data: Any = None, *, units: list[Unit], caseworkers: list[User], narrowing: bool = True, **kwargs: Any
    ) -> None:
        """``narrowing``: whether the caseworker and degree filters are offered (not to analysts, whose figures
        must match the aggregates')."""
        super().__init__(data, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = [(u.code, u.name) for u in units]
        cast(forms.ChoiceField, self.fields["caseworker"]).choices = [("", _("All caseworkers"))] + [
            (str(u.pk), u.get_full_name() or u.username) for u in caseworkers
        ]
        self.fields["caseworker"].error_messages["invalid_choice"] = _("Choose a caseworker of the unit.")
        self.fields["degree"].error_messages["invalid_choice"] = _("Choose 25, 50, 75 or 100 %.")
        self.fields["unit"].error_messages["invalid_choice"] = _("Choose one of your units.")
        if not narrowing:
            del self.fields["caseworker"]
            del self.fields["degree"]

    def mapping_params(self) -> Params:
        caseworker = self.cleaned_data.get("caseworker")
        degree = self.cleaned_data.get("degree")
        return self.params(
            caseworker_id=int(caseworker) if caseworker else None,
            degree=int(degree) if degree else None,
        )


GROUP_BY_CHOICES = [(GROUP_BY_MUNICIPALITY, _("Municipality")), (GROUP_BY_UNIT, _("Unit"))]


class AggregateFilterForm(PeriodForm):
    group_by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=GROUP_BY_CHOICES,
        widget=forms.RadioSelect,
    )

    field_order = ["group_by", "from", "to"]

    def clean_group_by(self) -> str:
        return self.cleaned_data.get("group_by") or GROUP_BY_MUNICIPALITY
