"""Template helpers for the certificate pages."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def row_widget(field: BoundField, width: str = "", describedby: str = "") -> SafeString:
    """A row field's widget with GOV.UK classes, its error state and aria-describedby (attributes kept)."""
    is_select = isinstance(field.field.widget, forms.Select)
    base, error = ("govuk-select", "govuk-select--error") if is_select else ("govuk-input", "govuk-input--error")
    classes = " ".join(c for c in (base, width, error if field.errors else "") if c)
    ids = " ".join(i for i in (f"{field.html_name}-error" if field.errors else "", describedby) if i)
    attrs: dict[str, str | bool] = {"class": classes}
    if ids:
        attrs["aria-describedby"] = ids
    return field.as_widget(attrs=attrs)
