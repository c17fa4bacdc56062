"""Checking the audit chain: every event's hash, every link, and the chain head."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .hashing import event_digest, hashed_fields_of
from .models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    first_broken_event_id: int | None = None
    problem: str = ""
    # When the broken event still exists; None when it was removed.
    first_broken_event_time: datetime.datetime | None = None


def verify_chain(*, chunk_size: int = 5000) -> ChainReport:
    prev_hash = GENESIS_HASH
    last_id = 0
    checked = 0
    events = AuditEvent.objects.order_by("id")
    for event in events.iterator(chunk_size=chunk_size):
        if event.prev_hash != prev_hash:
            return ChainReport(
                False,
                checked,
                event.pk,
                "the link to the previous event is broken (an event before it was removed or changed)",
                event.occurred_at,
            )
        if event_digest(prev_hash=prev_hash, fields=hashed_fields_of(event)) != event.hash:
            return ChainReport(
                False, checked, event.pk, "the event's content does not match its hash (edited)", event.occurred_at
            )
        prev_hash = event.hash
        last_id = event.pk
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if checked == 0:
            return ChainReport(True, 0)  # nothing written yet
        return ChainReport(False, checked, None, "the chain head is missing (removed)")
    if head.last_event_id > last_id:
        return ChainReport(
            False, checked, head.last_event_id, "the newest events are missing (the chain head points past them)"
        )
    if head.last_event_id != last_id or head.last_hash != prev_hash:
        return ChainReport(
            False,
            checked,
            last_id or None,
            "the chain head does not match the newest event (events added outside the audit service, "
            "or the head was changed)",
        )
    return ChainReport(True, checked)
