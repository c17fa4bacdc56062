"""Forms of the plan and activity pages. They parse input; the services validate and decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Partner
from rattvag.core.concurrency import VersionField
from rattvag.meetings.forms import date_field, text_area

from .models import (
    Activity,
    ActivityResult,
    ActivityType,
    AgreementForm,
    ContactFrequency,
    Plan,
    PlanKind,
    PlanVersion,
)
from .services import ActivityData, PlanData

CARE_PLAN_HELP = _("The care and treatment plan from healthcare: which plan and who wrote it.")


class PlanFormBase(forms.Form):
    care_plan_reference = forms.CharField(
        label=_("Care and treatment plan"), required=False, max_length=300, help_text=CARE_PLAN_HELP
    )
    care_plan_dated = date_field(_("Date of the care and treatment plan"), required=False)
    agreed_on = date_field(_("The client agreed on"), required=False)
    agreed_how = forms.ChoiceField(
        label=_("How the client agreed"),
        required=False,
        choices=[("", _("Not yet agreed")), *AgreementForm.choices],
    )
    change_note = forms.CharField(
        label=_("What changed"), required=False, max_length=300, help_text=_("A short note for the version history.")
    )

    kind: str = ""
    content_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, revision: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if revision:
            # The number of the version the page was loaded with: refused when a newer one exists.
            self.fields["based_on"] = VersionField()

    @classmethod
    def initial_from(cls, version: PlanVersion | None) -> dict[str, Any]:
        if version is None:
            return {}
        names = (*cls.content_fields, "care_plan_reference", "care_plan_dated", "agreed_on", "agreed_how")
        return {**{name: getattr(version, name) for name in names}, "based_on": version.number}

    def to_data(self) -> PlanData:
        d = self.cleaned_data
        return PlanData(**{name: d.get(name) or _empty(name) for name in (*self.content_fields, *_COMMON)})


_COMMON = ("care_plan_reference", "care_plan_dated", "agreed_on", "agreed_how", "change_note")
_DATE_FIELDS = {"starts_on", "ends_on", "follow_up_on", "care_plan_dated", "agreed_on"}


def _empty(name: str) -> Any:
    return None if name in _DATE_FIELDS else ""


class ActivePlanForm(PlanFormBase):
    kind = PlanKind.ACTIVE
    content_fields = ("goals", "steps", "responsible", "starts_on", "ends_on", "follow_up_on")

    goals = text_area(_("Goals"), required=True, help_text=_("The fastest way to self-support, in steps."))
    steps = text_area(_("Activities and steps"), help_text=_("What is done, by whom, in which order."))
    responsible = forms.CharField(label=_("Who is responsible"), required=False, max_length=300)
    starts_on = date_field(_("Starts on"), required=False)
    ends_on = date_field(_("Ends on"), required=False)
    follow_up_on = date_field(_("Follow-up date"))

    field_order = ["goals", "steps", "responsible", "starts_on", "ends_on", "follow_up_on"]


class ContactPlanForm(PlanFormBase):
    kind = PlanKind.CONTACT
    content_fields = ("contact_frequency", "contact_how")

    contact_frequency = forms.ChoiceField(
        label=_("How often do you meet?"), choices=ContactFrequency.choices, widget=forms.RadioSelect
    )
    contact_how = text_area(
        _("How do you meet?"),
        help_text=_(
            "For example: at the office, by phone, home visits; who books; what happens if a meeting is missed."
        ),
    )

    field_order = ["contact_frequency", "contact_how"]


PLAN_FORMS: dict[str, type[PlanFormBase]] = {PlanKind.ACTIVE: ActivePlanForm, PlanKind.CONTACT: ContactPlanForm}


class EndPlanForm(forms.Form):
    ended_on = date_field(_("Ended on"), required=False, help_text=_("Today if left empty."))


class ActivityTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PlanField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_kind_display())


class PartnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ActivityForm(forms.Form):
    type = ActivityTypeField(label=_("Activity"), queryset=ActivityType.objects.none(), empty_label=_("Choose"))
    plan = PlanField(label=_("Part of plan"), queryset=Plan.objects.none(), required=False, empty_label=_("No plan"))
    partner = PartnerField(
        label=_("Run by"), queryset=Partner.objects.none(), required=False, empty_label=_("The municipality")
    )
    planned_on = date_field(_("Planned start"), required=False)
    started_on = date_field(_("Started on"), required=False)
    ended_on = date_field(_("Ended on"), required=False)
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", _("Not ended")), *ActivityResult.choices]
    )
    result_note = text_area(_("About the result"), rows=3)
    note = text_area(_("Note"), rows=3)

    def __init__(
        self,
        *args: Any,
        type_queryset: Any = None,
        plan_queryset: Any = None,
        partner_queryset: Any = None,
        edit: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if edit:
            # The version the page was loaded at: saving over someone else's newer save is refused.
            self.fields["version"] = VersionField()
        for name, queryset in (("type", type_queryset), ("plan", plan_queryset), ("partner", partner_queryset)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            if queryset is not None:
                field.queryset = queryset

    @staticmethod
    def initial_from(activity: Activity) -> dict[str, Any]:
        return {
            "type": activity.type_id,
            "plan": activity.plan_id,
            "partner": activity.partner_id,
            "planned_on": activity.planned_on,
            "started_on": activity.started_on,
            "ended_on": activity.ended_on,
            "result": activity.result,
            "result_note": activity.result_note,
            "note": activity.note,
            "version": activity.version,
        }

    def to_data(self) -> ActivityData:
        d = self.cleaned_data
        return ActivityData(
            type=d["type"],
            plan=d["plan"],
            partner=d["partner"],
            planned_on=d["planned_on"],
            started_on=d["started_on"],
            ended_on=d["ended_on"],
            result=d["result"],
            result_note=d["result_note"],
            note=d["note"],
        )
