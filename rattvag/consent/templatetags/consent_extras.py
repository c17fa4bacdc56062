"""Template helpers of the consent pages: a GOV.UK checkbox group for a multiple-choice field."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms.boundfield import BoundField

register = template.Library()


@register.inclusion_tag("consent/_checkboxes.html")
def govuk_checkboxes(field: BoundField, small: bool = False) -> dict[str, Any]:
    """A fieldset of checkboxes with legend, hint and inline errors (GOV.UK pattern)."""
    values = field.value() or []
    current = {str(v) for v in (values if isinstance(values, list | tuple) else [values])}
    hint_id = f"{field.html_name}-hint" if field.help_text else ""
    error_id = f"{field.html_name}-error" if field.errors else ""
    options = [
        {"id": f"{field.auto_id}_{index}", "value": str(value), "label": label, "checked": str(value) in current}
        for index, (value, label) in enumerate(field.field.choices)  # type: ignore[attr-defined]
        if str(value) != ""
    ]
    return {
        "field": field,
        "options": options,
        "hint_id": hint_id,
        "error_id": error_id,
        "describedby": " ".join(p for p in (hint_id, error_id) if p),
        "small": small,
    }
