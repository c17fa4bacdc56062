from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import REVIEW_NOTE_MAX_LENGTH


class ReviewFilterForm(forms.Form):
    STATUS_ALL = "all"
    STATUS_UNREVIEWED = "unreviewed"

    status = forms.ChoiceField(
        label=_("Show"),
        choices=[(STATUS_ALL, _("All flagged accesses")), (STATUS_UNREVIEWED, _("Not yet reviewed"))],
        required=False,
    )

    def unreviewed_only(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("status") == self.STATUS_UNREVIEWED


class ClientLookupForm(forms.Form):
    """Sent by POST: a personal identity number never goes into a URL."""

    personal_number = forms.CharField(
        label=_("Personal identity number"),
        help_text=_("For example 19800101-1234."),
        max_length=20,
        error_messages={"required": _("Enter the client's personal identity number.")},
    )


class StaffPickForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Staff member"), coerce=int)

    def __init__(self, *args: object, staff: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["user"].choices = staff  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        help_text=_("What you checked, and what you found. Do not write more about the client than needed."),
        max_length=REVIEW_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a note about what you checked.")},
    )
