"""The upload form: the file, the unit it belongs to, dry run and keep-valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Unit

from .services import max_upload_bytes, too_large_message

ACCEPT = ".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the unit."), "invalid_choice": _("Choose one of your units.")},
    )
    file = forms.FileField(
        label=_("Caseload file"),
        help_text=_("CSV (separated by ; or ,) in UTF-8 or Windows-1252, or an Excel file (.xlsx)."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": _("Choose the file to import."), "empty": _("The file is empty.")},
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and count, write nothing"),
        required=False,
        initial=True,
    )
    keep_valid = forms.BooleanField(
        label=_("Import the valid rows even if other rows have errors"),
        help_text=_("Without this, nothing is imported when any row has an error."),
        required=False,
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(too_large_message())
        return upload
