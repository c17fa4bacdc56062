"""Forms of the consent pages. They only parse input; the services decide and validate the rest."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Partner, PartnerKind, Unit, User
from rattvag.clients.models import Client
from rattvag.core.concurrency import VersionField
from rattvag.core.validation import TEXT_MAX_LENGTH

from .models import AgeBand, ConsentForm, ConsentPurpose, HealthcareQuestion, WithdrawalForm
from .services import SHORT_TEXT_MAX_LENGTH

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=DateInput(), input_formats=DATE_INPUT_FORMATS
    )


def partner_choices() -> list[tuple[str, Any]]:
    """Organisations first, grouped by kind; then "any organisation of this kind"."""
    groups: list[tuple[str, Any]] = [("", _("Choose a partner"))]
    partners = list(Partner.objects.order_by("kind", "name").values_list("pk", "kind", "name"))
    for kind, label in PartnerKind.choices:
        options = [(f"p:{pk}", name) for pk, partner_kind, name in partners if partner_kind == kind]
        if options:
            groups.append((str(label), options))
    groups.append(
        (
            str(_("Any organisation of a kind")),
            [(f"k:{kind}", _("Any: %(kind)s") % {"kind": label}) for kind, label in PartnerKind.choices],
        )
    )
    return groups


class ConsentRecordForm(forms.Form):
    partner = forms.ChoiceField(label=_("Partner"), choices=())
    purposes = forms.MultipleChoiceField(
        label=_("Purposes"),
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one purpose.")},
    )
    form = forms.ChoiceField(
        label=_("How was the consent given?"), choices=ConsentForm.choices, widget=forms.RadioSelect
    )
    witnessed_by = forms.CharField(
        label=_("Witnessed by"),
        required=False,
        max_length=200,
        help_text=_("For an oral consent: who heard it besides you."),
    )
    given_on = date_field(_("Given on"))
    valid_until = date_field(
        _("Valid until"), required=False, help_text=_("Leave empty for one year from the day it was given.")
    )
    until_case_closes = forms.BooleanField(label=_("Valid until the case closes instead"), required=False)
    document = forms.FileField(
        label=_("Scanned consent"), required=False, help_text=_("PDF, PNG or JPEG, at most 10 MB.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("given_on", timezone.localdate())
        kwargs["initial"].setdefault("form", ConsentForm.WRITTEN)
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["partner"]).choices = partner_choices()

    def recipient(self) -> tuple[Partner | None, str]:
        """(partner, partner_kind) from the chosen option."""
        value = self.cleaned_data["partner"]
        prefix, _sep, rest = value.partition(":")
        if prefix == "p":
            return Partner.objects.get(pk=int(rest)), ""
        return None, rest


class ConsentReplaceForm(ConsentRecordForm):
    # The version of the consent being replaced, as the page was loaded: refused if it changed since.
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["partner"]


class ConsentWithdrawForm(forms.Form):
    # The version of the consent as the page was loaded: refused if it changed since.
    version = VersionField()
    withdrawn_on = date_field(_("Withdrawn on"))
    how = forms.ChoiceField(
        label=_("How was the consent withdrawn?"),
        choices=[
            (WithdrawalForm.ORAL, WithdrawalForm.ORAL.label),
            (WithdrawalForm.WRITTEN, WithdrawalForm.WRITTEN.label),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("withdrawn_on", timezone.localdate())
        kwargs["initial"].setdefault("how", WithdrawalForm.ORAL)
        super().__init__(*args, **kwargs)


class QuestionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.text)


class HealthcareRequestForm(forms.Form):
    care_unit = forms.ModelChoiceField(
        label=_("Care unit"), queryset=Partner.objects.none(), empty_label=_("Choose a care unit")
    )
    questions = QuestionChoiceField(
        label=_("Questions"),
        queryset=HealthcareQuestion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    free_text = forms.CharField(
        label=_("Other questions or information"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reminder_after_days = forms.IntegerField(label=_("Remind me after (days)"), min_value=1, max_value=180, initial=21)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .selectors import active_healthcare_questions, care_units

        super().__init__(*args, **kwargs)
        self.fields["care_unit"].queryset = care_units()  # type: ignore[attr-defined]
        self.fields["questions"].queryset = active_healthcare_questions()  # type: ignore[attr-defined]


class HealthcareAnswerForm(forms.Form):
    answered_on = date_field(_("Answered on"))
    answer_summary = forms.CharField(
        label=_("Summary of the answer"), widget=forms.Textarea(attrs={"rows": 5}), max_length=SHORT_TEXT_MAX_LENGTH
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"answered_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class HealthcareSendForm(forms.Form):
    sent_on = date_field(_("Sent on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"sent_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name} ({obj.partner})" if getattr(obj, "partner_id", None) else name


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class ConsultationForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), empty_label=None
    )
    held_on = date_field(_("Date"))
    fk_officer = UserChoiceField(
        label=_("Försäkringskassan officer"), queryset=User.objects.none(), empty_label=_("Choose an officer")
    )
    caseworkers = UsersChoiceField(
        label=_("Caseworkers present"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from .selectors import fk_officers, unit_staff

        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        units = user.units.all()
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["fk_officer"].queryset = fk_officers()  # type: ignore[attr-defined]
        self.fields["caseworkers"].queryset = unit_staff(units)  # type: ignore[attr-defined]


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.personal_number_display})"


class ConsultationCaseForm(forms.Form):
    client = ClientChoiceField(
        label=_("Client (only with consent to case consultation)"),
        queryset=Client.objects.none(),
        required=False,
        empty_label=_("None: raise the case pseudonymously"),
        help_text=_("Only clients whose consent covers case consultation with this office on the day are listed."),
    )
    age_band = forms.ChoiceField(
        label=_("Age band"), choices=[("", _("Choose an age band")), *AgeBand.choices], required=False
    )
    diagnosis_chapter = forms.CharField(
        label=_("Diagnosis chapter"),
        required=False,
        max_length=60,
        help_text=_("ICD-10 chapter or letter, e.g. F or V."),
    )
    sick_leave_days = forms.IntegerField(label=_("Sick-leave length in days"), required=False, min_value=0)
    question = forms.CharField(
        label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=SHORT_TEXT_MAX_LENGTH
    )
    pseudonym_key = forms.CharField(
        label=_("Pseudonym key"),
        required=False,
        max_length=40,
        help_text=_("Optional: the same key when the same person is raised again, so that the case counts once."),
    )

    def __init__(self, *args: Any, clients: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]


class AdviceForm(forms.Form):
    # The version the page was loaded at: saving over someone else's newer advice is refused.
    version = VersionField()
    advice = forms.CharField(
        label=_("Advice given"), widget=forms.Textarea(attrs={"rows": 4}), max_length=SHORT_TEXT_MAX_LENGTH
    )
    follow_up = forms.CharField(
        label=_("Follow-up actions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH,
    )


class PeriodForm(forms.Form):
    start = date_field(_("From"))
    end = date_field(_("To"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        return data
