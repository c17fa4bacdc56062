"""Writing audit events. Every read and write of client data calls audit_log (or audit_log_many)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from rattvag.accounts.models import Partner, Unit

from .actions import ACTIONS
from .hashing import event_digest, hashed_fields_of
from .models import AuditChainHead, AuditEvent, AuditReview

if TYPE_CHECKING:
    from rattvag.accounts.models import User


@dataclass(frozen=True)
class ActingFor:
    """On whose behalf a user acts, and how they reached the client."""

    unit: Unit | None = None
    partner: Partner | None = None
    break_glass: bool = False
    outside_units: bool = False


def is_outside_office_hours(moment: datetime.datetime) -> bool:
    start, end = settings.RATTVAG_OFFICE_HOURS
    local = timezone.localtime(moment)
    return local.weekday() >= 5 or not (start <= local.hour < end)


def _default_acting_for(actor: User | None) -> ActingFor:
    if actor is None:
        return ActingFor()
    if actor.partner_id is not None:
        return ActingFor(partner=actor.partner)
    return ActingFor(unit=actor.units.order_by("pk").first())


def _object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def audit_log(
    *,
    actor: User | None,
    action: str,
    client_id: int | None = None,
    acting_for: ActingFor | None = None,
    obj: models.Model | None = None,
    purpose: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `data` must hold no personal data (ids and counts, never names or numbers)."""
    return audit_log_many(
        actor=actor,
        action=action,
        client_ids=[client_id],
        acting_for=acting_for,
        objects=[obj],
        purpose=purpose,
        data=data,
    )[0]


def audit_log_many(
    *,
    actor: User | None,
    action: str,
    client_ids: Sequence[int | None],
    acting_for: ActingFor | None = None,
    objects: Sequence[models.Model | None] | None = None,
    purpose: str = "",
    data: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """Append one event per client (e.g. every client shown in a list), in one locked step."""
    if action not in ACTIONS:
        raise ValueError(f"Unregistered audit action {action!r}")
    if not client_ids:
        return []
    acting = acting_for or _default_acting_for(actor)
    now = timezone.now()
    objs: Iterable[models.Model | None] = objects if objects is not None else [None] * len(client_ids)
    events = []
    for client_id, obj in zip(client_ids, objs, strict=True):
        object_type, object_id = _object_ref(obj)
        events.append(
            AuditEvent(
                occurred_at=now,
                actor=actor,
                actor_role=actor.role if actor is not None else "",
                acting_unit=acting.unit,
                acting_partner=acting.partner,
                client_id=client_id,
                object_type=object_type,
                object_id=object_id,
                action=action,
                purpose=purpose,
                break_glass=acting.break_glass,
                outside_units=acting.outside_units,
                outside_hours=is_outside_office_hours(now),
                data=data or {},
            )
        )
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        prev = head.last_hash
        for event in events:
            event.prev_hash = prev
            event.hash = prev = event_digest(prev_hash=prev, fields=hashed_fields_of(event))
        created = AuditEvent.objects.bulk_create(events)
        head.last_hash = prev
        head.last_event_id = created[-1].pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return created


def audit_review(*, reviewer: User, event: AuditEvent, note: str) -> AuditReview:
    """Mark an access as reviewed; the review itself is an audited action."""
    with transaction.atomic():
        review = AuditReview.objects.create(event=event, reviewed_by=reviewer, note=note)
        audit_log(actor=reviewer, action="audit.reviewed", client_id=event.client_id, obj=event)
    return review
