"""Forms of the meeting and SIP pages. They parse input; the services validate and decide the rest."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Partner, User
from rattvag.core.concurrency import VersionField
from rattvag.core.validation import TEXT_MAX_LENGTH

from .models import Meeting, MeetingKind, MeetingStatus, ParticipantKind, ResponsibleKind
from .services import MeetingData, SipData

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%H:%M:%S"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=DateInput(), input_formats=DATE_INPUT_FORMATS
    )


def time_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.TimeField:
    return forms.TimeField(
        label=label, required=required, help_text=help_text, widget=TimeInput(), input_formats=TIME_INPUT_FORMATS
    )


def text_area(label: Any, *, required: bool = False, help_text: Any = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea({"rows": rows}),
    )


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.get_role_display()})"


class StaffField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.get_role_display()})"


class MeetingField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{timezone.localtime(obj.starts_at):%Y-%m-%d %H:%M} {obj.get_kind_display()}"


class PartnerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _aware(day: datetime.date | None, time: datetime.time | None) -> datetime.datetime | None:
    if day is None or time is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, time))


# Errors of the services name model fields; these are the form fields that show them.
MEETING_ERROR_FIELDS = {"starts_at": "date", "ends_at": "end_time"}
# Changed model fields, and the form fields that show their values (for the conflict panel).
MEETING_CONFLICT_FIELDS = {"starts_at": ("date", "start_time"), "ends_at": ("end_time",)}


class MeetingForm(forms.Form):
    """Book a meeting (with the first invitations) or change one (`edit=True`: status and minutes too)."""

    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices, widget=forms.RadioSelect)
    date = date_field(_("Date"))
    start_time = time_field(_("Starts at"), help_text=_("For example 09:30"))
    end_time = time_field(_("Ends at"), required=False)
    location = forms.CharField(
        label=_("Place"), required=False, max_length=200, help_text=_("Address and room. Leave empty for video.")
    )
    is_video = forms.BooleanField(label=_("Video meeting"), required=False)
    video_details = forms.CharField(
        label=_("How to join the video meeting"),
        required=False,
        max_length=300,
        help_text=_("A link or instructions for the participants."),
    )

    def __init__(
        self,
        *args: Any,
        staff_queryset: Any = None,
        partner_queryset: Any = None,
        edit: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.edit = edit
        if edit:
            # The version the page was loaded at: saving over someone else's newer save is refused.
            self.fields["version"] = VersionField()
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"), choices=MeetingStatus.choices, widget=forms.RadioSelect
            )
            self.fields["discussed"] = text_area(_("What was discussed"), rows=6)
            self.fields["decisions"] = text_area(_("Decisions"), rows=4)
        else:
            self.fields["invite_client"] = forms.BooleanField(
                label=_("Invite the client"), required=False, initial=True
            )
            self.fields["staff"] = StaffChoiceField(
                label=_("Staff to invite"),
                queryset=staff_queryset if staff_queryset is not None else User.objects.none(),
                required=False,
            )
            self.fields["partners"] = PartnerChoiceField(
                label=_("Partner organisations to invite"),
                queryset=partner_queryset if partner_queryset is not None else Partner.objects.none(),
                required=False,
                help_text=_("Only with the client's consent. Add contact persons and relatives on the next page."),
            )

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        start = timezone.localtime(meeting.starts_at)
        end = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
        return {
            "kind": meeting.kind,
            "status": meeting.status,
            "date": start.date(),
            "start_time": start.time().replace(second=0, microsecond=0),
            "end_time": end.time().replace(second=0, microsecond=0) if end else None,
            "location": meeting.location,
            "is_video": meeting.is_video,
            "video_details": meeting.video_details,
            "discussed": meeting.discussed,
            "decisions": meeting.decisions,
            "version": meeting.version,
        }

    def to_data(self) -> MeetingData:
        data = self.cleaned_data
        starts_at = _aware(data["date"], data["start_time"])
        return MeetingData(
            kind=data["kind"],
            starts_at=starts_at,
            ends_at=_aware(data["date"], data.get("end_time")),
            location=data.get("location", ""),
            is_video=data.get("is_video", False),
            video_details=data.get("video_details", ""),
            status=data.get("status", MeetingStatus.PLANNED),
            discussed=data.get("discussed", ""),
            decisions=data.get("decisions", ""),
        )


class ParticipantForm(forms.Form):
    """Invite one more person. The fields used depend on who is invited."""

    kind = forms.ChoiceField(label=_("Who do you invite?"), choices=ParticipantKind.choices, widget=forms.RadioSelect)
    user = StaffField(label=_("Staff member"), queryset=User.objects.none(), required=False)
    partner = forms.ModelChoiceField(label=_("Partner organisation"), queryset=Partner.objects.none(), required=False)
    person_name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        help_text=_("The contact person at the partner organisation, or the relative's name."),
    )
    relation = forms.CharField(
        label=_("Role or relation"), required=False, max_length=200, help_text=_("For example: mother, interpreter.")
    )

    def __init__(self, *args: Any, staff_queryset: Any = None, partner_queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = staff_queryset if staff_queryset is not None else User.objects.none()
        partner_field = self.fields["partner"]
        assert isinstance(partner_field, forms.ModelChoiceField)
        partner_field.queryset = partner_queryset if partner_queryset is not None else Partner.objects.none()


def responsible_choices(staff: Any, partners: Any) -> list[tuple[str, Any]]:
    return [
        ("", _("Choose who is responsible")),
        ("client", _("The client")),
        (str(_("Staff")), [(f"u:{u.pk}", u.get_full_name() or u.username) for u in staff]),
        (str(_("Partner organisations")), [(f"p:{p.pk}", p.name) for p in partners]),
    ]


class AgreedActionForm(forms.Form):
    description = text_area(_("What is to be done"), required=True, rows=3)
    responsible = forms.ChoiceField(label=_("Who is responsible"), choices=[])
    due_on = date_field(_("Due date"), required=False)

    def __init__(self, *args: Any, staff_queryset: Any = None, partner_queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = {u.pk: u for u in (staff_queryset if staff_queryset is not None else User.objects.none())}
        self.partners = {
            p.pk: p for p in (partner_queryset if partner_queryset is not None else Partner.objects.none())
        }
        field = self.fields["responsible"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = responsible_choices(self.staff.values(), self.partners.values())

    def responsible_parts(self) -> tuple[str, User | None, Partner | None]:
        value = self.cleaned_data["responsible"]
        if value.startswith("u:"):
            return ResponsibleKind.USER, self.staff.get(int(value[2:])), None
        if value.startswith("p:"):
            return ResponsibleKind.PARTNER, None, self.partners.get(int(value[2:]))
        return ResponsibleKind.CLIENT, None, None


class DoneForm(forms.Form):
    done_on = date_field(_("Done on"), required=False, help_text=_("Today if left empty."))


class SipForm(forms.Form):
    """The content the law asks of a SIP; saved as a new version."""

    # The number of the version the page was loaded with (0: no SIP yet): refused when a newer one exists.
    based_on = VersionField(min_value=0)

    client_goal = text_area(_("The client's own goal, in their words"), required=True, rows=3)
    interventions_needed = text_area(_("Interventions needed"), required=True, rows=5)
    municipality_interventions = text_area(_("The municipality's interventions"))
    region_interventions = text_area(
        _("The region's interventions"), help_text=_("Healthcare: the care unit, psychiatry, rehabilitation.")
    )
    other_interventions = text_area(
        _("What others do"), help_text=_("Försäkringskassan, Arbetsförmedlingen, AME and others.")
    )
    overall_responsibility = forms.CharField(
        label=_("Who has overall responsibility"), max_length=300, help_text=_("Organisation and person.")
    )
    follow_up_on = date_field(_("Follow-up date"))
    follow_up_how = text_area(_("How the SIP is followed up"), required=True, rows=3)
    partners = PartnerChoiceField(
        label=_("Agencies taking part"),
        queryset=Partner.objects.none(),
        required=False,
        help_text=_("Each needs the client's valid consent to a SIP."),
    )
    meeting = MeetingField(
        label=_("SIP meeting"), queryset=Meeting.objects.none(), required=False, empty_label=_("No meeting")
    )
    client_agreed_on = date_field(_("The client agreed on"), required=False)
    change_note = forms.CharField(
        label=_("What changed"), required=False, max_length=300, help_text=_("A short note for the version history.")
    )

    def __init__(self, *args: Any, partner_queryset: Any = None, meeting_queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = self.fields["partners"]
        assert isinstance(partners, forms.ModelMultipleChoiceField)
        partners.queryset = partner_queryset if partner_queryset is not None else Partner.objects.none()
        meeting = self.fields["meeting"]
        assert isinstance(meeting, forms.ModelChoiceField)
        meeting.queryset = meeting_queryset if meeting_queryset is not None else Meeting.objects.none()

    def to_data(self) -> SipData:
        d = self.cleaned_data
        return SipData(
            interventions_needed=d["interventions_needed"],
            municipality_interventions=d["municipality_interventions"],
            region_interventions=d["region_interventions"],
            other_interventions=d["other_interventions"],
            overall_responsibility=d["overall_responsibility"],
            follow_up_on=d["follow_up_on"],
            follow_up_how=d["follow_up_how"],
            client_goal=d["client_goal"],
            partners=list(d["partners"]),
            meeting=d["meeting"],
            client_agreed_on=d["client_agreed_on"],
            change_note=d["change_note"],
        )
