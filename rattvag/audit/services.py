"""Writing audit events. Every read and write of client data calls audit_log (or audit_log_many)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rattvag.accounts.models import Partner, Unit
from rattvag.core.bulk import Inserter
from rattvag.core.errors import Conflict, PermissionRefused

from .actions import ACTIONS
from .hashing import HASHED_FIELDS, chain_digests, event_digest, uniform_chain_digests
from .models import AuditChainHead, AuditEvent, AuditReview
from .scope import events_in_review_scope

if TYPE_CHECKING:
    from rattvag.accounts.models import User


REVIEW_NOTE_MAX_LENGTH = 2000


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


def _locked_chain_head() -> AuditChainHead:
    """The chain head row, locked until the transaction ends. Created by a migration; recreated at
    the genesis hash if it is gone (a flushed test database). Were it removed by hand, the next event
    would link to the genesis hash and verify_chain reports the break there."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(pk=1)
        except IntegrityError:
            pass  # another writer created it first
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


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
    (event,) = _log(
        actor=actor,
        action=action,
        client_ids=[client_id],
        acting_for=acting_for,
        objects=[obj],
        purpose=purpose,
        data=data,
    )
    if not isinstance(event, AuditEvent):  # one event never takes the bulk path
        raise TypeError("audit_log wrote through the bulk path")
    return event


def audit_log_many(
    *,
    actor: User | None,
    action: str,
    client_ids: Sequence[int | None],
    acting_for: ActingFor | None = None,
    objects: Sequence[models.Model | None] | None = None,
    purpose: str = "",
    data: dict[str, Any] | None = None,
    object_refs: Sequence[tuple[str, str]] | None = None,
) -> int:
    """Append one event per client (e.g. every client shown in a list), in one locked step; how many.

    `object_refs` instead of `objects`: the (label_lower, str(pk)) of each object, for a caller that
    holds ids rather than model instances (an import of 100,000 clients)."""
    if objects is not None and object_refs is not None:
        raise ValueError("Give objects or object_refs, not both")
    return len(
        _log(
            actor=actor,
            action=action,
            client_ids=client_ids,
            acting_for=acting_for,
            objects=objects,
            purpose=purpose,
            data=data,
            object_refs=object_refs,
            instances=False,
        )
    )


def _log(
    *,
    actor: User | None,
    action: str,
    client_ids: Sequence[int | None],
    acting_for: ActingFor | None,
    objects: Sequence[models.Model | None] | None,
    purpose: str,
    data: dict[str, Any] | None,
    object_refs: Sequence[tuple[str, str]] | None = None,
    instances: bool = True,
) -> Sequence[AuditEvent | EventRow | int]:
    """The events written: model instances (from BULK_THRESHOLD events only their ids). Without `instances` (a
    caller that only counts them) none is built: the events are written as values, as many are."""
    if action not in ACTIONS:
        raise ValueError(f"Unregistered audit action {action!r}")
    if not client_ids:
        return []
    acting = acting_for or _default_acting_for(actor)
    if object_refs is not None:
        refs = [(str(object_type), str(object_id)) for object_type, object_id in object_refs]
    else:
        objs: Iterable[models.Model | None] = objects if objects is not None else [None] * len(client_ids)
        refs = [_object_ref(obj) for obj in objs]
    if len(refs) != len(client_ids):
        raise ValueError("objects and client_ids must be of the same length")

    def common_at(now: datetime.datetime) -> EventRow:
        """What every event of this call holds; the client and the object are set per event."""
        return EventRow(
            occurred_at=now,
            actor_id=actor.pk if actor is not None else None,
            actor_role=actor.role if actor is not None else "",
            acting_unit_id=acting.unit.pk if acting.unit is not None else None,
            acting_partner_id=acting.partner.pk if acting.partner is not None else None,
            action=action,
            purpose=purpose,
            break_glass=acting.break_glass,
            outside_units=acting.outside_units,
            outside_hours=is_outside_office_hours(now),
            data=data or {},
        )

    def rows_at(now: datetime.datetime) -> list[EventRow]:
        common = common_at(now)
        return [
            replace(common, client_id=client_id, object_type=object_type, object_id=object_id)
            for client_id, (object_type, object_id) in zip(client_ids, refs, strict=True)
        ]

    collected = _collected_reads()
    if collected is not None:
        rows = rows_at(timezone.now())
        collected.extend(rows)  # written, and timed anew, when audit_reads_together ends
        return [AuditEvent(**row.fields()) for row in rows] if instances else rows
    with transaction.atomic():
        # The lock serialises writers (PostgreSQL: row lock; SQLite: the IMMEDIATE transaction),
        # so the time is taken inside it and follows the order of the chain.
        head = _locked_chain_head()
        now = timezone.now()
        if not instances or len(client_ids) >= BULK_THRESHOLD:
            # Events alike but for the client and the object: written without an EventRow each.
            return _append_uniform(head, common_at(now), client_ids, refs)
        return _append(head, rows_at(now))


def _append(head: AuditChainHead, rows: Sequence[EventRow]) -> Sequence[AuditEvent | int]:
    """Chain `rows` after the head and write them: a few as model instances (returned), many in bulk (their
    ids). Inside the transaction holding the head's lock."""
    if len(rows) >= BULK_THRESHOLD:
        return _append_rows(head, rows)
    events = []
    prev = head.last_hash
    for row in rows:
        event = AuditEvent(**row.fields())
        event.prev_hash = prev
        event.hash = prev = event_digest(prev_hash=prev, fields=row.fields())
        events.append(event)
    created = AuditEvent.objects.bulk_create(events)
    head.last_hash = prev
    head.last_event_id = created[-1].pk
    head.save(update_fields=["last_hash", "last_event_id"])
    return created


# Reads collected by audit_reads_together: the events, and the transaction depth the collection began at.
_reads: ContextVar[tuple[list[EventRow], int] | None] = ContextVar("audit_reads", default=None)


@contextmanager
def audit_reads_together() -> Iterator[None]:
    """Collect the events of the reads within and write them in one locked step at the end.

    A page that shows several records (the client page and its panels) would otherwise take the chain's
    lock once per record. Only events logged outside any transaction opened within are collected: an
    event logged in a transaction (a write and its event) is written at once, with the write. The
    events get the time of the end of the block, when they are chained; they are written even when
    the block raises, as the reads took place.
    """
    token = _reads.set(([], len(connection.atomic_blocks)))
    try:
        yield
    finally:
        pending = _reads.get()
        _reads.reset(token)
        if pending and pending[0]:
            with transaction.atomic():
                head = _locked_chain_head()
                now = timezone.now()
                outside_hours = is_outside_office_hours(now)
                _append(head, [replace(row, occurred_at=now, outside_hours=outside_hours) for row in pending[0]])


def _collected_reads() -> list[EventRow] | None:
    """The list to add read events to, when audit_reads_together collects and no transaction began within."""
    pending = _reads.get()
    if pending is None or len(connection.atomic_blocks) != pending[1]:
        return None
    return pending[0]


# From this many events, audit_log_many inserts without building model instances (an import of
# 100,000 clients writes 100,000 events: ~40 µs each through bulk_create, a few µs this way).
BULK_THRESHOLD = 200


@dataclass(frozen=True, slots=True)
class EventRow:
    """One audit event as plain values: what audit_append_events takes (ids, not model instances)."""

    occurred_at: datetime.datetime
    action: str
    actor_id: int | None = None
    actor_role: str = ""
    acting_unit_id: int | None = None
    acting_partner_id: int | None = None
    client_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    purpose: str = ""
    break_glass: bool = False
    outside_units: bool = False
    outside_hours: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        """The hashed fields, in HASHED_FIELDS order."""
        return {name: getattr(self, name) for name in HASHED_FIELDS}


def audit_append_events(rows: Iterable[EventRow], *, batch_size: int = 5000) -> int:
    """Append events with their own times (synthetic or migrated history) to the chain, in the order
    given, in batches; returns how many. The same chain, hash and head as audit_log: audit_verify
    checks them alike. Actions must be registered."""
    written = 0
    batch: list[EventRow] = []
    with transaction.atomic():
        head = _locked_chain_head()
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                written += len(_append_rows(head, batch))
                batch = []
        if batch:
            written += len(_append_rows(head, batch))
    return written


def _append_rows(head: AuditChainHead, rows: Sequence[EventRow]) -> list[int]:
    """Hash-link `rows` after the chain head, insert them in one statement, move the head. Inside the
    transaction holding the head's lock."""
    unknown = {row.action for row in rows} - ACTIONS.keys()
    if unknown:
        raise ValueError(f"Unregistered audit actions {sorted(unknown)!r}")
    fields = [row.fields() for row in rows]
    digests = chain_digests(prev_hash=head.last_hash, rows=fields)
    links = [head.last_hash, *digests[:-1]]
    values = [[*row.values(), prev, digest] for row, prev, digest in zip(fields, links, digests, strict=True)]
    ids = _event_inserter().insert(values)
    head.last_hash = digests[-1]
    head.last_event_id = ids[-1]
    head.save(update_fields=["last_hash", "last_event_id"])
    return ids


def _event_inserter() -> Inserter:
    return Inserter(AuditEvent, [*HASHED_FIELDS, "prev_hash", "hash"])


def _append_uniform(
    head: AuditChainHead, common: EventRow, client_ids: Sequence[int | None], refs: Sequence[tuple[str, str]]
) -> Sequence[AuditEvent | int]:
    """Like _append (_append_rows) for events equal but for client and object, without an EventRow or a model
    instance each: their hashes from hashing.uniform_chain_digests. The same events, hashes and head; what is
    returned only counts them (ids, or for a few events of several object types the instances)."""
    if common.action not in ACTIONS:
        raise ValueError(f"Unregistered audit actions {[common.action]!r}")
    if len({object_type for object_type, _object_id in refs}) != 1:
        rows = [
            replace(common, client_id=client_id, object_type=object_type, object_id=object_id)
            for client_id, (object_type, object_id) in zip(client_ids, refs, strict=True)
        ]
        return _append(head, rows)
    constants = {**common.fields(), "object_type": refs[0][0]}
    del constants["client_id"], constants["object_id"]
    pairs = [(client_id, object_id) for client_id, (_object_type, object_id) in zip(client_ids, refs, strict=True)]
    digests = uniform_chain_digests(prev_hash=head.last_hash, fields=constants, pairs=pairs)
    links = [head.last_hash, *digests[:-1]]
    values = [
        (client_id, object_id, prev, digest)
        for (client_id, object_id), prev, digest in zip(pairs, links, digests, strict=True)
    ]
    if len(values) >= BULK_THRESHOLD:
        ids = Inserter(AuditEvent, ["client_id", "object_id", "prev_hash", "hash"], constants=constants).insert(values)
    else:
        ids = _insert_few(constants, values)
    head.last_hash = digests[-1]
    head.last_event_id = ids[-1]
    head.save(update_fields=["last_hash", "last_event_id"])
    return ids


def _insert_few(constants: dict[str, Any], values: Sequence[tuple[int | None, str, str, str]]) -> list[int]:
    """Insert a few events equal but for (client_id, object_id, prev_hash, hash) in one INSERT returning their ids
    (in order), as bulk_create would but without a model instance each. The constants are prepared once by their
    fields and sent once, each event's four values in a VALUES list: with a parameter per column and event (480 for
    30 events) the driver took four times as long to put the statement together. (The Inserter's reserved ids and
    COPY would take a statement more.)"""
    meta = AuditEvent._meta
    by_attname = {field.attname: field for field in meta.concrete_fields}
    varying = ["client_id", "object_id", "prev_hash", "hash"]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(by_attname[name].column) for name in [*constants, *varying])
    prepared = [by_attname[name].get_db_prep_save(value, connection) for name, value in constants.items()]
    # VALUES names its columns column1, column2, … (PostgreSQL and SQLite alike); the client id is cast so that a
    # list of NULLs alone is not taken for text.
    client_type = by_attname["client_id"].db_type(connection)
    selected = ", ".join(
        [*(["%s"] * len(prepared)), f"CAST(column1 AS {client_type})", "column2", "column3", "column4"]
    )
    limit = connection.features.max_query_params
    batch = len(values) if limit is None else max(1, (limit - len(prepared)) // len(varying))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), batch):
            rows = values[start : start + batch]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {selected} "  # noqa: S608
                f"FROM (VALUES {', '.join(['(%s, %s, %s, %s)'] * len(rows))}) AS events "
                f"RETURNING {quote(meta.pk.column)}",
                [*prepared, *(value for row in rows for value in row)],
            )
            ids.extend(sorted(pk for (pk,) in cursor.fetchall()))
    return ids


def audit_review(*, reviewer: User, event: AuditEvent, note: str) -> AuditReview:
    """Mark an access as reviewed; the review itself is an audited action.

    Only a unit manager whose follow-up covers the event may review it, never their own access,
    and each event is reviewed once: a second review raises Conflict.
    """
    if not events_in_review_scope(reviewer).filter(pk=event.pk).exists():
        raise PermissionRefused(_("You cannot review this access."))
    if event.actor_id is not None and event.actor_id == reviewer.pk:
        raise PermissionRefused(_("You cannot review your own access. Another manager of the unit reviews it."))
    if AuditReview.objects.filter(event=event).exists():
        raise Conflict(_("This access has already been reviewed."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write a note about what you checked.")})
    if len(note) > REVIEW_NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("The note can be at most %(limit)d characters.") % {"limit": REVIEW_NOTE_MAX_LENGTH}}
        )
    review = AuditReview(event=event, reviewed_by=reviewer, note=note)
    review.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            review.save()
            # The note is free text and may be about a person: it stays in the review, not in the event.
            audit_log(
                actor=reviewer,
                action="audit.reviewed",
                client_id=event.client_id,
                acting_for=ActingFor(unit=reviewer.units.order_by("pk").first()),
                obj=event,
            )
    except IntegrityError:
        # Two reviews of the same event at the same moment: the unique event link decides.
        raise Conflict(_("This access has already been reviewed.")) from None
    return review
