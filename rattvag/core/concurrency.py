"""No lost updates: optimistic locking for every record edited in place.

How it works (docs/concurrency.md has the whole picture):
- the record has `version = version_field()`, 1 when created, one more on every save;
- the edit page (or API call) carries the version it was loaded at (`VersionField`, a required hidden field);
- the service saves with `save_if_version`, one `UPDATE … WHERE pk = … AND version = <expected>`: if another
  person saved in between, no row matches, nothing is written and `StaleVersion` is raised with the record
  as it is now and the fields the other person changed (from the audit log, whose `*.updated` events carry
  `{"fields": [...], "version": n}`);
- the page shows what changed (`conflict_context`) and keeps what this person typed, with the hidden version
  moved on to the current one (`with_version`), so a second submit overwrites on purpose.

Versioned content (plans, the SIP) needs no version column: each save adds a numbered version, and a new
version names the number it was written from; the service refuses it when a newer one exists.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import StaleVersion

if TYPE_CHECKING:
    from rattvag.audit.models import AuditEvent

# The largest value a PositiveIntegerField holds on every database we support.
MAX_VERSION = 2_147_483_647
# How many of an object's update events are read to find what changed since a version.
_EVENTS_READ = 200

__all__ = [
    "MAX_VERSION",
    "StaleVersion",
    "VersionField",
    "changes_since",
    "conflict_context",
    "save_if_version",
    "version_field",
    "with_version",
]


def version_field() -> models.PositiveIntegerField[int, int]:
    """The model field: 1 when the row is created, one more on every save through `save_if_version`."""
    return models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Counts the saves; an edit based on an older version is refused."),
    )


def _update_actions(model: type[models.Model], actions: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(actions) if actions is not None else (f"{model._meta.model_name}.updated",)


def save_if_version(
    *,
    instance: models.Model,
    expected_version: int,
    changed_fields: Sequence[str],
    audit_actions: Iterable[str] | None = None,
) -> None:
    """Write `changed_fields` of `instance` if the row still has `expected_version`; raise StaleVersion if not.

    One atomic `UPDATE … WHERE pk = … AND version = expected` that also adds one to the version (and sets
    `updated_at`). Call it inside the service's transaction, before the writes that depend on it, so that a
    refusal rolls everything back. On success `instance.version` is the new version. `audit_actions` are
    the events that record changes of this kind of object (default `<model>.updated`); they tell the
    refusal who changed what.
    """
    model = type(instance)
    values: dict[str, Any] = {name: getattr(instance, name) for name in dict.fromkeys(changed_fields)}
    now = timezone.now()
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        values["updated_at"] = now
    rows = model._base_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if rows == 0:
        current = model._base_manager.filter(pk=instance.pk).first()
        if current is None:
            missing: type[ObjectDoesNotExist] = getattr(model, "DoesNotExist", ObjectDoesNotExist)
            raise missing(f"{model.__name__} {instance.pk} no longer exists")
        fields, last = changes_since(
            obj=current, version=expected_version, actions=_update_actions(model, audit_actions)
        )
        raise StaleVersion(
            current=current,
            changed_fields=fields,
            changed_by=last.actor if last is not None else None,
            changed_at=last.occurred_at if last is not None else None,
        )
    instance.version = expected_version + 1  # type: ignore[attr-defined]
    if "updated_at" in values:
        instance.updated_at = now  # type: ignore[attr-defined]


def changes_since(*, obj: models.Model, version: int, actions: Iterable[str]) -> tuple[list[str], AuditEvent | None]:
    """The fields changed after `version` of `obj`, and the newest event that changed it, from the audit log.

    Reads the object's update events; those whose `data["version"]` is newer than `version` count. Their
    field lists (`data["fields"]`, or `data["changed"]`) are joined. Events from before versions were
    recorded carry no version: then only the newest event is returned, with no fields.
    """
    from rattvag.audit.models import AuditEvent  # the audit app builds on core, not the other way round

    events = list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk), action__in=list(actions)
        ).select_related("actor")[:_EVENTS_READ]
    )  # newest first (the model's ordering)
    fields: dict[str, None] = {}
    newest: AuditEvent | None = None
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        event_version = data.get("version")
        if not isinstance(event_version, int) or event_version <= version:
            continue
        names = data.get("fields", data.get("changed", []))
        if not names:
            continue
        newest = newest or event
        fields.update(dict.fromkeys(str(name) for name in names))
    if newest is None and events:
        newest = events[0]
    return list(fields), newest


# --- forms and pages ----------------------------------------------------------------------------


class VersionField(forms.IntegerField):
    """The version the page was loaded at, in a hidden field. Required: a post without it is refused."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_VERSION)
        kwargs.setdefault("required", True)
        message = _("The form is missing its version. Reload the page and make your changes again.")
        # A missing, garbled or out-of-range version is one problem for the user.
        kwargs.setdefault(
            "error_messages", {"required": message, "invalid": message, "min_value": message, "max_value": message}
        )
        super().__init__(**kwargs)


def with_version(data: QueryDict, version: int, *, name: str = "version") -> QueryDict:
    """A copy of the posted data with the hidden version moved on to `version` (everything typed is kept)."""
    copy = data.copy()
    copy[name] = str(version)
    return copy


@dataclass(frozen=True)
class ConflictRow:
    label: str
    value: str


def _display(field: forms.Field, value: Any) -> str:
    """A value as the form would show it: choice labels, yes/no, ISO dates."""
    empty = gettext("(empty)")
    if isinstance(field, forms.ModelMultipleChoiceField | forms.ModelChoiceField):
        ids = list(value) if isinstance(field, forms.ModelMultipleChoiceField) and value is not None else [value]
        ids = [getattr(item, "pk", item) for item in ids if item not in (None, "")]
        if not ids:
            return empty
        queryset = field.queryset
        found = {obj.pk: obj for obj in queryset.filter(pk__in=ids)} if queryset is not None else {}
        return ", ".join(str(field.label_from_instance(found[pk])) for pk in ids if pk in found) or empty
    if isinstance(field, forms.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(field, forms.ChoiceField):
        labels: dict[str, str] = {}
        for key, label in list(field.choices):  # type: ignore[arg-type]
            if isinstance(label, list | tuple):
                labels.update({str(k): str(v) for k, v in label})
            else:
                labels[str(key)] = str(label)
        chosen = value if isinstance(value, list | tuple) else [value]
        shown = [labels.get(str(item), str(item)) for item in chosen if item not in (None, "")]
        return ", ".join(shown) or empty
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if value in (None, ""):
        return empty
    return str(value)


def conflict_context(
    *,
    error: StaleVersion,
    form: forms.BaseForm,
    current_values: Mapping[str, Any],
    field_map: Mapping[str, Sequence[str]] | None = None,
    user: Any = None,
) -> dict[str, Any]:
    """What the conflict panel (core/_conflict.html) shows: who saved, when, and what they changed.

    `current_values` are the record's current values keyed by form field name (the form's initial values
    for the current record); `field_map` maps model field names to the form fields that show them (by
    default the same name). Only fields on this form are listed: the form is what this user may see.
    """
    field_map = field_map or {}
    wanted: dict[str, None] = {}
    for name in error.changed_fields:
        for form_name in field_map.get(name, (name,)):
            if form_name in form.fields and not form.fields[form_name].widget.is_hidden:
                wanted[form_name] = None
    rows = [
        ConflictRow(
            label=str(form.fields[name].label or name), value=_display(form.fields[name], current_values.get(name))
        )
        for name in form.fields
        if name in wanted
    ]
    by = error.changed_by
    return {
        "conflict": {
            "message": error.message,
            "changed_by": (by.get_full_name() or by.username) if by is not None else "",
            "by_you": by is not None and user is not None and getattr(by, "pk", None) == getattr(user, "pk", 0),
            "changed_at": error.changed_at,
            "rows": rows,
        }
    }
