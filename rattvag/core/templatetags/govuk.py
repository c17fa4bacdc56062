"""GOV.UK Frontend form markup for Django forms: labels, hints, inline errors and the error summary.

    {% load govuk %}
    {% govuk_error_summary form %}
    {% govuk_field form.first_name width="govuk-!-width-one-half" %}

The widget decides the component: text-like inputs, select, textarea, a single checkbox or radios.
Attributes set on the widget (autocomplete, hx-*) are kept; classes and aria-describedby are added.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()


def _kind(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


_BASE_CLASS = {"input": "govuk-input", "select": "govuk-select", "textarea": "govuk-textarea"}
_ERROR_CLASS = {"input": "govuk-input--error", "select": "govuk-select--error", "textarea": "govuk-textarea--error"}


def field_anchor(field: BoundField) -> str:
    """The id the error summary links to: the input itself, or the first radio."""
    if _kind(field) == "radios":
        return f"{field.auto_id}_0"
    return str(field.auto_id)


@register.inclusion_tag("core/govuk/_field.html")
def govuk_field(field: BoundField, width: str = "", label_size: str = "", extra: str = "") -> dict[str, Any]:
    """One form group. `width` is a GOV.UK width class, `label_size` s/m/l for a page-heading label,
    `extra` more content ids for aria-describedby (for example a live message under the field)."""
    kind = _kind(field)
    hint_id = f"{field.html_name}-hint" if field.help_text else ""
    error_id = f"{field.html_name}-error" if field.errors else ""
    describedby = " ".join(part for part in (hint_id, error_id, extra) if part)
    context: dict[str, Any] = {
        "field": field,
        "kind": kind,
        "hint_id": hint_id,
        "error_id": error_id,
        "describedby": describedby,
        "label_size": label_size,
    }
    if kind in _BASE_CLASS:
        classes = [_BASE_CLASS[kind], width, field.field.widget.attrs.get("class", "")]
        if field.errors:
            classes.append(_ERROR_CLASS[kind])
        attrs: dict[str, str | bool] = {"class": " ".join(c for c in classes if c)}
        if describedby:
            attrs["aria-describedby"] = describedby
        context["widget"] = field.as_widget(attrs=attrs)
    elif kind == "radios":
        current = field.value()
        context["options"] = [
            {"id": f"{field.auto_id}_{index}", "value": value, "label": label, "checked": str(value) == str(current)}
            for index, (value, label) in enumerate(c for c in getattr(field.field, "choices", []) if c[0] != "")
        ]
    else:
        context["checked"] = bool(field.value())
    return context


@register.inclusion_tag("core/govuk/_error_summary.html")
def govuk_error_summary(*forms_: forms.BaseForm | None) -> dict[str, Any]:
    """The summary at the top of the page: every error, each linking to its field."""
    items: list[dict[str, str]] = []
    for form in forms_:
        if form is None or not form.errors:
            continue
        items.extend({"text": str(message), "href": ""} for message in form.non_field_errors())
        for bound in form:
            # A hidden field (the version) has nothing to jump to: its message stands alone.
            href = "" if bound.is_hidden else f"#{field_anchor(bound)}"
            items.extend({"text": str(message), "href": href} for message in bound.errors)
    return {"items": items}
