"""Checking the audit chain: every event's hash, every link, and the chain head."""

from __future__ import annotations

from dataclasses import dataclass

from .hashing import event_digest, hashed_fields_of
from .models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    first_broken_event_id: int | None = None
    problem: str = ""


def verify_chain(*, chunk_size: int = 5000) -> ChainReport:
    prev_hash = GENESIS_HASH
    last_id = 0
    checked = 0
    events = AuditEvent.objects.order_by("id")
    for event in events.iterator(chunk_size=chunk_size):
        if event.prev_hash != prev_hash:
            return ChainReport(False, checked, event.pk, "the link to the previous event is broken (an event was removed)")
        if event_digest(prev_hash=prev_hash, fields=hashed_fields_of(event)) != event.hash:
            return ChainReport(False, checked, event.pk, "the event's content does not match its hash (edited)")
        prev_hash = event.hash
        last_id = event.pk
        checked += 1
    head = AuditChainHead.objects.get(pk=1)
    if head.last_event_id != last_id or head.last_hash != prev_hash:
        return ChainReport(
            False, checked, head.last_event_id, "the newest events are missing (the chain head points past them)"
        )
    return ChainReport(True, checked)
