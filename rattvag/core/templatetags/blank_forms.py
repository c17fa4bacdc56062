"""Blank forms rendered once per process for what they show (the client page's panels draw several).

    {% load blank_forms %}
    <form method="post" action="…">{% csrf_token %}
      {% blank_form_fields "consent/_record_fields.html" form=record_form full=False %}
      <button …>…</button>
    </form>

renders the template with only the values given (an isolated context: no request, user or csrf_token, which stay
outside in the page's own template). A blank form (not bound: nothing typed, no errors) draws the same HTML
whenever the template, the language and what the form shows are the same, so that HTML is kept and reused: the key
holds the template, the active language, the values given and, of every field, its name and id, label, hint,
requiredness, field and widget classes, the widget's attributes, the choices and the initial value. Nothing can go
stale: anything that changes the HTML changes the key. A bound form (typed values, errors) is always rendered, and
so is a form whose values cannot be compared (a model choice field reads its choices lazily, for example).
"""

from __future__ import annotations

import datetime
import decimal
import threading
from collections import OrderedDict
from typing import Any

from django import forms, template
from django.db.models import Model
from django.template.loader import get_template
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Blank forms differ by language, day (initial dates) and choices: a few dozen at most in a running process
# (a form with a long list of choices draws some 20 kB).
KEPT_MAX = 128

_kept: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()
_lock = threading.Lock()

_SCALARS = (str, int, float, bool, datetime.date, datetime.time, datetime.timedelta, decimal.Decimal)


class NotComparable(Exception):
    """A value whose HTML cannot be told from a key: render the form each time."""


def plain(value: Any) -> Any:
    """A hashable stand-in for `value` that differs whenever the value would be drawn differently."""
    kind = type(value)
    if kind is str or value is None:  # most values (a str equals nothing but the same str)
        return value
    if kind is list or kind is tuple:
        return (kind, tuple([plain(v) for v in value]))
    if isinstance(value, _SCALARS):
        # The type as well: True and 1 are equal (and hash the same) but are drawn differently.
        return (kind, value)
    if isinstance(value, Promise):  # a lazy translation: as the active language has it
        return str(value)
    if isinstance(value, list | tuple):
        return (kind, tuple([plain(v) for v in value]))
    if isinstance(value, dict):
        return (dict, tuple(sorted((str(k), plain(v)) for k, v in value.items())))
    if isinstance(value, Model):
        return (type(value), tuple(plain(getattr(value, f.attname)) for f in value._meta.concrete_fields))
    if isinstance(value, forms.BaseForm):
        return form_key(value)
    raise NotComparable(type(value).__name__)


def form_key(form: forms.BaseForm) -> tuple[Any, ...]:
    """Everything of a blank form that its fields' HTML can show."""
    if form.is_bound:
        raise NotComparable("bound form")
    fields = []
    for bound in form:
        field, widget = bound.field, bound.field.widget
        choices = getattr(field, "choices", None)
        if choices is not None and not isinstance(choices, list | tuple):
            raise NotComparable("lazy choices")
        fields.append(
            (
                bound.html_name,
                bound.auto_id,
                type(field),
                type(widget),
                getattr(widget, "template_name", None),
                plain(bound.label),
                plain(bound.help_text),
                field.required,
                field.disabled,
                field.show_hidden_initial,
                field.localize,
                plain(widget.attrs),
                plain(getattr(widget, "input_type", None)),
                plain(getattr(widget, "format", None)),
                plain(choices),
                plain(bound.value()),
            )
        )
    return (type(form), form.prefix, plain(form.auto_id), plain(form.label_suffix), type(form.renderer), tuple(fields))


def render_fields(template_name: str, values: dict[str, Any]) -> SafeString:
    """The template drawn with `values` only; kept when every value is comparable (blank forms)."""
    try:
        key: tuple[Any, ...] | None = (template_name, get_language(), plain(values))
    except NotComparable:
        key = None
    if key is not None:
        with _lock:
            html = _kept.get(key)
            if html is not None:
                _kept.move_to_end(key)
                return html
    html = mark_safe(get_template(template_name).render(values))  # noqa: S308 - a rendered template
    if key is not None:
        with _lock:
            _kept[key] = html
            while len(_kept) > KEPT_MAX:
                _kept.popitem(last=False)
    return html


def forget_kept() -> None:
    """Empty what is kept (tests)."""
    with _lock:
        _kept.clear()


@register.simple_tag
def blank_form_fields(template_name: str, **values: Any) -> SafeString:
    """`template_name` drawn with the values given only, kept for blank forms (see the module's text)."""
    return render_fields(template_name, values)
