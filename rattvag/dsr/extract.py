"""The register extract (registerutdrag, GDPR art. 15): everything held about one client, and who read it.

Built generically from the retention registry (rattvag.retention.registry), so a record kind added
there is in the extract too. Field names are the models' translated verbose names; values are given
raw (for machines) and as text (for people). Secrets (token digests, pseudonym keys) are left out, and
a stored document is noted, not included: it is handed over separately.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from rattvag.audit.actions import action_label
from rattvag.audit.selectors import acting_for_label, client_events, role_label, user_display_name
from rattvag.clients.models import Client
from rattvag.retention.registry import HeldRecord, held_records


@dataclass(frozen=True)
class FieldValue:
    name: str
    label: str
    value: Any  # JSON-serialisable
    display: str


@dataclass(frozen=True)
class Record:
    id: Any
    fields: list[FieldValue]


@dataclass(frozen=True)
class Section:
    model: str  # app_label.ModelName
    title: str
    records: list[Record]


@dataclass(frozen=True)
class AccessRow:
    occurred_at: datetime.datetime
    user: str
    role: str
    acting_for: str
    action: str
    action_label: str
    purpose: str


@dataclass(frozen=True)
class RegisterExtract:
    client_id: int
    generated_at: datetime.datetime
    generated_by: str
    sections: list[Section] = field(default_factory=list)
    access_log: list[AccessRow] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "generated_at": self.generated_at.isoformat(),
            "generated_by": self.generated_by,
            "records": [
                {
                    "model": section.model,
                    "title": section.title,
                    "items": [
                        {
                            "id": record.id,
                            "fields": {
                                value.name: {"label": value.label, "value": value.value, "display": value.display}
                                for value in record.fields
                            },
                        }
                        for record in section.records
                    ],
                }
                for section in self.sections
            ],
            "access_log": [
                {
                    "time": row.occurred_at.isoformat(),
                    "user": row.user,
                    "role": row.role,
                    "acting_for": row.acting_for,
                    "action": row.action,
                    "action_label": row.action_label,
                    "purpose": row.purpose,
                }
                for row in self.access_log
            ],
        }


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _plain(value: Any, model_field: models.Field) -> tuple[Any, str]:
    """(JSON value, text) of a non-relation field."""
    if value is None or value == "":
        return value, ""
    choices = dict(model_field.flatchoices) if model_field.choices else {}
    if isinstance(value, bool):
        return value, _yes_no(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(), formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return value.isoformat(), formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, list | tuple):
        return list(value), ", ".join(str(choices.get(item, item)) for item in value)
    if isinstance(value, dict):
        return value, ", ".join(f"{key}: {item}" for key, item in value.items())
    if isinstance(value, int | float | str):
        return value, str(choices.get(value, value))
    return str(value), str(value)


def _field_value(obj: models.Model, model_field: models.Field) -> FieldValue:
    label = capfirst(str(model_field.verbose_name))
    if model_field.many_to_many:
        related = list(getattr(obj, model_field.name).all())
        return FieldValue(model_field.name, label, [r.pk for r in related], ", ".join(str(r) for r in related))
    if model_field.is_relation:
        target = getattr(obj, model_field.name)
        return FieldValue(
            model_field.name, label, target.pk if target is not None else None, str(target) if target else ""
        )
    if isinstance(model_field, models.FileField):
        stored = bool(getattr(obj, model_field.name))
        text = _("A document is stored (handed over separately)") if stored else _("No")
        return FieldValue(model_field.name, label, stored, text)
    value, display = _plain(model_field.value_from_object(obj), model_field)
    return FieldValue(model_field.name, label, value, display)


def _shown_fields(entry: HeldRecord) -> list[models.Field]:
    meta = entry.model._meta
    shown = []
    for model_field in [*meta.concrete_fields, *meta.many_to_many]:
        if model_field.name in entry.hidden or model_field.primary_key:
            continue
        if model_field.is_relation and model_field.related_model is Client:
            continue  # every record here is about this client
        shown.append(model_field)
    return shown


# Relations that a related object's __str__ reads (Question: "<questionnaire code>/<code>"), joined with it so
# that the text of every record costs no query of its own.
_STR_READS: dict[str, tuple[str, ...]] = {"outcomes.Question": ("questionnaire",)}


def _section(entry: HeldRecord, client: Client) -> Section:
    """One kind of record: its rows, their relations (joined) and many-to-many values (one query each)."""
    model = entry.model
    fields = _shown_fields(entry)
    related = []
    for f in fields:
        if f.is_relation and not f.many_to_many:
            related.append(f.name)
            target = f.related_model
            label = target._meta.label if isinstance(target, type) else ""
            related.extend(f"{f.name}__{path}" for path in _STR_READS.get(label, ()))
    many = [f.name for f in fields if f.many_to_many]
    objects = (
        model._default_manager.filter(**{entry.client_lookup: client.pk})
        .select_related(*related)
        .prefetch_related(*many)
        .order_by("pk")
    )
    records = [Record(obj.pk, [_field_value(obj, f) for f in fields]) for obj in objects]
    return Section(model._meta.label, capfirst(str(model._meta.verbose_name_plural)), records)


def _access_log(client: Client) -> list[AccessRow]:
    events = client_events(client_id=client.pk).order_by("occurred_at", "id")
    return [
        AccessRow(
            occurred_at=event.occurred_at,
            user=user_display_name(event.actor),
            role=role_label(event.actor_role),
            acting_for=acting_for_label(event),
            action=event.action,
            action_label=action_label(event.action),
            purpose=event.purpose,
        )
        for event in events.iterator(chunk_size=2000)
    ]


def build_register_extract(*, client: Client, generated_by: str) -> RegisterExtract:
    return RegisterExtract(
        client_id=client.pk,
        generated_at=timezone.now(),
        generated_by=generated_by,
        sections=[_section(entry, client) for entry in held_records()],
        access_log=_access_log(client),
    )
