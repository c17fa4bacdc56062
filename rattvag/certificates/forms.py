"""The certificate form: one main form, three diagnosis rows and four period rows (blank rows are ignored).

The rows are plain prefixed forms, not formsets: the page works without JavaScript and there is
no management form to get wrong. Service errors come back with dotted field names
("diagnoses.1.code", "care_unit.name") and are placed on the matching field here.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rattvag.core.concurrency import VersionField
from rattvag.core.validation import TEXT_MAX_LENGTH

from .models import (
    Basis,
    CareUnit,
    Certificate,
    Degree,
    DiagnosisSystem,
    Measure,
    Prognosis,
    SgiSource,
    SgiStatusValue,
    WorkCapacityActivity,
)
from .services import CareUnitData, CertificateData, DiagnosisData, PeriodData

DIAGNOSIS_ROWS = 3
PERIOD_ROWS = 4
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y"]


class DateInput(forms.DateInput):
    """A native date picker that also accepts typed dates; the value is always ISO (YYYY-MM-DD)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
        input_formats=DATE_INPUT_FORMATS,
        error_messages={
            "required": _("Enter a date."),
            "invalid": _("Enter a real date, for example 2025-03-14."),
        },
    )


def _checkboxes(choices: Any, label: Any, help_text: Any = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class CertificateForm(forms.Form):
    issued_on = date_field(_("Issued on"), help_text=_("The date the physician signed the certificate."))
    received_on = date_field(_("Received on"), help_text=_("The date the certificate reached the social services."))
    care_unit_name = forms.CharField(
        label=_("Care unit"),
        max_length=200,
        help_text=_("The vårdcentral or clinic that issued the certificate, as in the registry."),
        error_messages={"required": _("Enter the care unit that issued the certificate.")},
    )
    care_unit_hsa_id = forms.CharField(label=_("HSA-id of the care unit"), max_length=64, required=False)
    physician_name = forms.CharField(label=_("Physician"), max_length=200, required=False)
    basis = _checkboxes(Basis.choices, _("The certificate is based on"), _("Select all that apply."))
    basis_other = forms.CharField(label=_("Describe the other basis"), max_length=500, required=False)
    work_capacity_activities = _checkboxes(
        WorkCapacityActivity.choices, _("Work capacity is judged against"), _("Select all that apply.")
    )
    current_work_description = forms.CharField(label=_("Current work (describe)"), max_length=500, required=False)
    functional_impairment = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Impairment (funktionsnedsättning)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How the illness affects body and mind, as the physician describes it."),
    )
    activity_limitation = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Activity limitation (aktivitetsbegränsning)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the client cannot do because of the impairment."),
    )
    treatment = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Ongoing and planned treatment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    prognosis = forms.ChoiceField(
        label=_("Prognosis"),
        choices=[("", _("Not stated on the certificate")), *Prognosis.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    recommended_measures = _checkboxes(Measure.choices, _("Recommended measures"), _("Select all that apply."))
    measures_other = forms.CharField(label=_("Describe the other measure"), max_length=500, required=False)
    other_information = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Other information"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    wants_fk_contact = forms.BooleanField(
        label=_("The physician wants Försäkringskassan to contact them"), required=False
    )
    read_with_client_on = date_field(
        _("Read together with the client on"),
        required=False,
        help_text=_("The method: read the certificate with the client at once."),
    )
    caseworker_note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Your note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example what to ask healthcare about."),
    )

    def __init__(self, *args: Any, edit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if edit:
            # The version the page was loaded at: saving over someone else's newer save is refused.
            self.fields["version"] = VersionField()
        # Care-unit names from the registry as you type (a native datalist; the registry is not personal data).
        self.fields["care_unit_name"].widget.attrs.update(
            {
                "list": "care-unit-names",
                "autocomplete": "off",
                "hx-get": reverse("certificates:care_unit_lookup"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#care-unit-lookup",
                "hx-sync": "this:replace",
            }
        )


class DiagnosisForm(forms.Form):
    """One diagnosis row. The code field asks for suggestions as it is typed (HTMX, a native datalist)."""

    code = forms.CharField(
        label=_("Diagnosis code"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    system = forms.ChoiceField(label=_("Code system"), choices=DiagnosisSystem.choices, initial=DiagnosisSystem.ICD10SE)
    text = forms.CharField(label=_("Diagnosis as written"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        row = self.prefix or "diagnoses-0"
        self.fields["code"].widget.attrs.update(
            {
                "list": f"{row}-codes",
                "hx-get": reverse("certificates:diagnosis_lookup"),
                "hx-trigger": "input changed delay:300ms, change",
                "hx-target": f"#{row}-lookup",
                "hx-include": f"#id_{row}-system",
                "hx-sync": "this:replace",
            }
        )

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("code") or "").strip() and not (data.get("text") or "").strip()


class PeriodForm(forms.Form):
    degree = forms.TypedChoiceField(
        label=_("Degree"),
        choices=[("", _("Choose")), *Degree.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    start = date_field(_("From"), required=False)
    end = date_field(_("To"), required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(name) for name in ("degree", "start", "end")) and not self.errors


# The page shows the main form's fields around the diagnosis and period rows, in this order.
_HEAD_FIELDS = ["issued_on", "received_on", "care_unit_name", "care_unit_hsa_id", "physician_name"]
_MIDDLE_FIELDS = [
    "basis",
    "basis_other",
    "work_capacity_activities",
    "current_work_description",
    "functional_impairment",
    "activity_limitation",
    "treatment",
]


class CertificateFormSet:
    """The main form and its rows, validated and turned into CertificateData together."""

    def __init__(self, data: Any = None, *, initial: dict[str, Any] | None = None, edit: bool = False) -> None:
        initial = initial or {}
        self.main = CertificateForm(data, initial=initial.get("main"), edit=edit)
        diagnoses = initial.get("diagnoses", [])
        periods = initial.get("periods", [])
        self.diagnoses = [
            DiagnosisForm(data, prefix=f"diagnoses-{i}", initial=diagnoses[i] if i < len(diagnoses) else None)
            for i in range(DIAGNOSIS_ROWS)
        ]
        self.periods = [
            PeriodForm(data, prefix=f"periods-{i}", initial=periods[i] if i < len(periods) else None)
            for i in range(max(PERIOD_ROWS, len(periods)))
        ]
        self.row_errors: list[str] = []  # errors about the periods as a whole (overlaps)

    @property
    def all_forms(self) -> list[forms.Form]:
        return [self.main, *self.diagnoses, *self.periods]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.all_forms])  # noqa: C419 - validate every form

    def data(self) -> CertificateData:
        """The typed values (call after is_valid(); on invalid input, what could be read)."""
        main = getattr(self.main, "cleaned_data", {})
        diagnoses = [
            DiagnosisData(
                code=f.cleaned_data.get("code", ""),
                system=f.cleaned_data.get("system", ""),
                text=f.cleaned_data.get("text", ""),
            )
            for f in self.diagnoses
            if hasattr(f, "cleaned_data") and not f.is_blank()
        ]
        periods = [
            PeriodData(
                degree=f.cleaned_data.get("degree"), start=f.cleaned_data.get("start"), end=f.cleaned_data.get("end")
            )
            for f in self.periods
            if hasattr(f, "cleaned_data") and not f.is_blank()
        ]
        return CertificateData(
            issued_on=main.get("issued_on"),
            received_on=main.get("received_on"),
            care_unit=CareUnitData(name=main.get("care_unit_name", ""), hsa_id=main.get("care_unit_hsa_id", "")),
            diagnoses=diagnoses,
            periods=periods,
            physician_name=main.get("physician_name", ""),
            basis=main.get("basis", []),
            basis_other=main.get("basis_other", ""),
            work_capacity_activities=main.get("work_capacity_activities", []),
            current_work_description=main.get("current_work_description", ""),
            functional_impairment=main.get("functional_impairment", ""),
            activity_limitation=main.get("activity_limitation", ""),
            treatment=main.get("treatment", ""),
            prognosis=main.get("prognosis", ""),
            recommended_measures=main.get("recommended_measures", []),
            measures_other=main.get("measures_other", ""),
            other_information=main.get("other_information", ""),
            wants_fk_contact=bool(main.get("wants_fk_contact")),
            read_with_client_on=main.get("read_with_client_on"),
            caseworker_note=main.get("caseworker_note", ""),
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's errors ("diagnoses.0.code", "periods", "care_unit.name") on the fields."""
        messages = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        # The service numbers non-blank rows; map them back to the form rows they came from.
        diagnosis_rows = [f for f in self.diagnoses if hasattr(f, "cleaned_data") and not f.is_blank()]
        period_rows = [f for f in self.periods if hasattr(f, "cleaned_data") and not f.is_blank()]
        for key, texts in messages.items():
            parts = key.split(".")
            for text in texts:
                if parts[0] == "diagnoses" and len(parts) == 3 and int(parts[1]) < len(diagnosis_rows):
                    diagnosis_rows[int(parts[1])].add_error(parts[2], text)
                elif parts[0] == "periods" and len(parts) == 3 and int(parts[1]) < len(period_rows):
                    period_rows[int(parts[1])].add_error(parts[2], text)
                elif parts[0] in {"periods", "diagnoses"}:
                    self.row_errors.append(text)
                elif key == "care_unit.name":
                    self.main.add_error("care_unit_name", text)
                elif key in self.main.fields:
                    self.main.add_error(key, text)
                else:
                    self.main.add_error(None, text)

    def error_summary(self) -> list[dict[str, str]]:
        """Every error in page order, each linking to its field (GOV.UK error summary)."""
        main = self.main
        items = [{"text": str(m), "href": ""} for m in main.non_field_errors()]
        items += self._field_items(main, _HEAD_FIELDS)
        for diagnosis in self.diagnoses:
            items += self._field_items(diagnosis, list(diagnosis.fields))
        items += self._field_items(main, _MIDDLE_FIELDS)
        items += [{"text": text, "href": "#periods"} for text in self.row_errors]
        for period in self.periods:
            items += self._field_items(period, list(period.fields))
        items += self._field_items(main, [n for n in main.fields if n not in _HEAD_FIELDS + _MIDDLE_FIELDS])
        return items

    @staticmethod
    def _field_items(form: forms.Form, names: list[str]) -> list[dict[str, str]]:
        items = []
        for name in names:
            bound = form[name]
            anchor = bound.auto_id
            if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                anchor = f"{bound.auto_id}_0"
            href = "" if bound.is_hidden else f"#{anchor}"  # a hidden field (the version) has nothing to jump to
            items += [{"text": str(m), "href": href} for m in bound.errors]
        return items

    @property
    def has_errors(self) -> bool:
        return bool(self.row_errors) or any(form.errors for form in self.all_forms if form.is_bound)


def initial_from(certificate: Certificate) -> dict[str, Any]:
    """The form's initial values for editing a saved certificate."""
    return {
        "main": {
            "issued_on": certificate.issued_on,
            "received_on": certificate.received_on,
            "care_unit_name": certificate.care_unit.name,
            "care_unit_hsa_id": certificate.care_unit.hsa_id,
            "physician_name": certificate.physician_name,
            "basis": certificate.basis,
            "basis_other": certificate.basis_other,
            "work_capacity_activities": certificate.work_capacity_activities,
            "current_work_description": certificate.current_work_description,
            "functional_impairment": certificate.functional_impairment,
            "activity_limitation": certificate.activity_limitation,
            "treatment": certificate.treatment,
            "prognosis": certificate.prognosis,
            "recommended_measures": certificate.recommended_measures,
            "measures_other": certificate.measures_other,
            "other_information": certificate.other_information,
            "wants_fk_contact": certificate.wants_fk_contact,
            "read_with_client_on": certificate.read_with_client_on,
            "caseworker_note": certificate.caseworker_note,
            "version": certificate.version,
        },
        "diagnoses": [
            {"code": d.code_display, "system": d.system, "text": d.text} for d in certificate.diagnoses.all()
        ],
        "periods": [{"degree": p.degree, "start": p.start, "end": p.end} for p in certificate.periods.all()],
    }


def blank_initial(today: datetime.date) -> dict[str, Any]:
    return {"main": {"received_on": today, "read_with_client_on": today}}


class SgiStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("SGI status"),
        choices=SgiStatusValue.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the SGI status.")},
    )
    recorded_on = date_field(_("Date"))
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[("", _("Choose")), *SgiSource.choices],
        error_messages={"required": _("Choose where the information comes from.")},
    )


class CareUnitMergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        label=_("Care unit to keep"),
        queryset=CareUnit.objects.none(),
        empty_label=_("Choose"),
        error_messages={"required": _("Choose the care unit to keep.")},
    )
    merge = forms.ModelChoiceField(
        label=_("Duplicate to merge into it"),
        queryset=CareUnit.objects.none(),
        empty_label=_("Choose"),
        error_messages={"required": _("Choose the duplicate.")},
    )

    def __init__(self, *args: Any, queryset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = queryset  # type: ignore[attr-defined]
        self.fields["merge"].queryset = queryset  # type: ignore[attr-defined]
