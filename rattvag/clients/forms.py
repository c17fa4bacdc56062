"""Forms for the client pages. They validate input; the services decide and write."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Unit
from rattvag.core.concurrency import VersionField

from .models import Outcome
from .personal_numbers import PersonalNumber, parse_personal_number
from .services import ACCESS_REASON_MAX_LENGTH, CLIENT_EDITABLE_FIELDS

if TYPE_CHECKING:
    from rattvag.accounts.models import User

# Typed dates: the browser's date picker sends ISO; people typing may use these too.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y"]


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the fields it names (anything else on the whole form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def _text(label: Any, *, required: bool = True, max_length: int = 100, **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs=attrs or None)
    )


class PersonalNumberField(forms.CharField):
    """Accepts the forms people type (10 or 12 digits, with or without the hyphen); cleans to
    the parsed number."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Personal identity number"))
        kwargs.setdefault("help_text", _("12 digits, for example 19800101-1234. Coordination numbers work too."))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", {"required": _("Enter the personal identity number.")})
        super().__init__(**kwargs)

    def clean(self, value: Any) -> PersonalNumber:
        text = super().clean(value)
        return parse_personal_number(text)


class ClientDetailsForm(forms.Form):
    """The fields a caseworker types about a client: shared by the create and edit forms."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages={"required": _("Enter the client's first name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        error_messages={"required": _("Enter the client's last name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    protected_identity = forms.BooleanField(
        label=_("Protected personal data (skyddade personuppgifter)"),
        required=False,
        help_text=_(
            "Name, address and contact details are then shown only to the responsible caseworker and the unit manager."
        ),
    )
    phone = _text(_("Phone"), required=False, max_length=40, autocomplete="off", type="tel")
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        error_messages={"invalid": _("Enter an email address like name@example.se.")},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    street_address = _text(_("Street address"), required=False, max_length=200, autocomplete="off")
    postal_code = _text(_("Postal code"), required=False, max_length=10, autocomplete="off")
    city = _text(_("City"), required=False, max_length=100, autocomplete="off")

    def client_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CLIENT_EDITABLE_FIELDS}


class ClientCreateForm(ClientDetailsForm):
    # Rendered by clients/_personal_number_field.html, which adds the inline check.
    personal_number = PersonalNumberField()
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        empty_label=_("Choose a unit"),
        error_messages={
            "required": _("Choose the unit that owns the case."),
            "invalid_choice": _("Choose one of your units."),
        },
    )

    field_order = [
        "personal_number",
        "first_name",
        "last_name",
        "unit",
        "phone",
        "email",
        "street_address",
        "postal_code",
        "city",
        "protected_identity",
    ]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = user.units.order_by("name")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk


class ClientEditForm(ClientDetailsForm):
    # The version the page was loaded at: saving over someone else's newer save is refused.
    version = VersionField()

    field_order = [name for name in CLIENT_EDITABLE_FIELDS if name != "protected_identity"] + ["protected_identity"]


class PersonalNumberForm(forms.Form):
    """The number alone, for the inline check while the create form is filled in."""

    personal_number = PersonalNumberField()


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or personal identity number"),
        help_text=_("A name, or at least four digits of the number."),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "type": "search"}),
    )


class CaseCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an outcome."), "invalid_choice": _("Choose an outcome.")},
    )
    closed_on = forms.DateField(
        label=_("Closing date"),
        help_text=_("For example 2025-03-31."),
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the closing date."), "invalid": _("Enter a real date, like 2025-03-31.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate


class TemporaryAccessForm(forms.Form):
    personal_number = forms.CharField(widget=forms.HiddenInput, max_length=20)
    reason = forms.CharField(
        label=_("Why do you need access?"),
        help_text=_("For example: the client is at the office and their caseworker is away. At least 10 characters."),
        min_length=10,
        max_length=ACCESS_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("State the reason for the access."),
            "min_length": _("State the reason for the access (at least 10 characters)."),
        },
    )
