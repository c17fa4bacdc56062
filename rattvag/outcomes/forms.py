"""Forms of the outcomes pages. They only parse input; the services and report functions decide the rest."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AssessedBy, LadderStep, Moment, Questionnaire
from .reports.movement import assessed_by_choices
from .reports.time_to_outcome import COMPARISONS, ORIGINS, route_choices
from .scope import Group, Period, make_period

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
NO_ANSWER = "none"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=DateInput(), input_formats=DATE_INPUT_FORMATS
    )


class LadderAssessmentForm(forms.Form):
    assessed_on = date_field(_("Date of the assessment"))
    step = forms.TypedChoiceField(
        label=_("Step on the ladder"),
        coerce=int,
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a step."), "invalid_choice": _("Choose a step.")},
    )
    assessed_by = forms.ChoiceField(
        label=_("Whose assessment is it?"),
        choices=AssessedBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who made the assessment.")},
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, steps: list[LadderStep], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"assessed_on": timezone.localdate(), "assessed_by": AssessedBy.CASEWORKER})
        super().__init__(*args, **kwargs)
        self.steps = steps
        self.fields["step"].choices = [(s.number, f"{s.number}. {s.label}") for s in steps]  # type: ignore[attr-defined]


class QuestionnaireForm(forms.Form):
    """One radio group per question; "don't know / skip" is its own choice so the page needs no script."""

    def __init__(self, *args: Any, questionnaire: Questionnaire, with_date: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.questions = list(questionnaire.questions.order_by("position", "pk"))
        if with_date:
            self.fields["answered_on"] = date_field(_("Answered on"))
            self.initial.setdefault("answered_on", timezone.localdate())
        for question in self.questions:
            options = [(str(o.value), o.label) for o in question.scale.options.order_by("position", "pk")]
            self.fields[f"q_{question.code}"] = forms.ChoiceField(
                label=question.text,
                choices=[*options, (NO_ANSWER, _("Don't know, or I prefer not to answer"))],
                widget=forms.RadioSelect,
                required=False,
            )

    def question_fields(self) -> list[tuple[Any, forms.BoundField, list[tuple[str, str]]]]:
        """(question, bound field, choices) for the template, which draws large radios."""
        result = []
        for question in self.questions:
            bound = self[f"q_{question.code}"]
            result.append((question, bound, list(bound.field.choices)))  # type: ignore[attr-defined]
        return result

    def answers(self) -> dict[str, int | None]:
        values: dict[str, int | None] = {}
        for question in self.questions:
            raw = self.cleaned_data.get(f"q_{question.code}") or NO_ANSWER
            values[question.code] = None if raw == NO_ANSWER else int(raw)
        return values

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and all(value is None for value in self.answers().values()):
            raise forms.ValidationError(_("Answer at least one question."))
        return cleaned


class TabletCodeForm(forms.Form):
    questionnaire = forms.ChoiceField(label=_("Questionnaire"), choices=())

    def __init__(self, *args: Any, questionnaires: list[Questionnaire], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].choices = [(q.code, q.name) for q in questionnaires]  # type: ignore[attr-defined]


class TabletStartForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The code you got from your caseworker, for example ABCDE-FGH23."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": _("Enter the code.")},
    )


class ReportFilterForm(forms.Form):
    """The group and period of a report (GET). `from` and `to` are the API's names too."""

    group = forms.ChoiceField(label=_("Clients of"), choices=())

    def __init__(self, *args: Any, groups: list[Group], extra: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {g.key: g for g in groups}
        self.fields["group"].choices = [(g.key, _group_label(g)) for g in groups]  # type: ignore[attr-defined]
        self.fields["from"] = date_field(_("From"), required=False)
        self.fields["to"] = date_field(_("To"), required=False)
        if extra == "movement":
            self.fields["assessed_by"] = forms.ChoiceField(
                label=_("Assessed by"), choices=assessed_by_choices(), required=False
            )
        elif extra == "indicators":
            self.fields["moment"] = forms.ChoiceField(
                label=_("When"), choices=[("", _("Both moments")), *Moment.choices], required=False
            )
        elif extra == "time_to_outcome":
            self.fields["origin"] = forms.ChoiceField(
                label=_("Time counted from"), choices=[(k, str(v)) for k, v in ORIGINS.items()], required=False
            )
            self.fields["by"] = forms.ChoiceField(
                label=_("Compare"), choices=[(k, str(v)) for k, v in COMPARISONS.items()], required=False
            )
            self.fields["route"] = forms.ChoiceField(label=_("Outcome"), choices=route_choices(), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start: datetime.date | None = cleaned.get("from")
        end: datetime.date | None = cleaned.get("to")
        if "from" in self.errors or "to" in self.errors:
            return cleaned
        try:
            cleaned["period"] = make_period(start, end)
        except ValueError:
            if start and end and end < start:
                self.add_error("to", _("The end date must be on or after the start date."))
            else:
                self.add_error("from", _("The period can be at most ten years."))
        return cleaned

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"]

    @property
    def selected_group(self) -> Group:
        return self.groups[self.cleaned_data["group"]]


def _group_label(group: Group) -> str:
    if group.kind == "municipality":
        return str(_("%(name)s (municipality)") % {"name": group.name})
    return group.name
