"""Checking the audit chain: every event's hash, every link, and the chain head.

Old events are removed after the retention period (rattvag.retention) from the start of the chain
only. The first kept event then links to a removed one; the run that removed them records that hash
under CHAIN_ANCHOR_KEY in the data of its own event, which the chain covers. The chain is verified
from the newest such anchor; removing more events from the start breaks it again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .hashing import event_digest, hashed_fields_of
from .models import GENESIS_HASH, AuditChainHead, AuditEvent

# The key, in an event's data, of the hash of the newest removed event (the start of the kept chain).
CHAIN_ANCHOR_KEY = "chain_anchor"


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    first_broken_event_id: int | None = None
    problem: str = ""
    # When the broken event still exists; None when it was removed.
    first_broken_event_time: datetime.datetime | None = None


def chain_start() -> str:
    """The hash the first kept event must link to: the genesis hash, or the recorded anchor."""
    first = AuditEvent.objects.order_by("id").only("prev_hash").first()
    if first is None or first.prev_hash == GENESIS_HASH:
        return GENESIS_HASH
    anchor = AuditEvent.objects.filter(data__has_key=CHAIN_ANCHOR_KEY).order_by("-id").only("data").first()
    if anchor is not None and anchor.data.get(CHAIN_ANCHOR_KEY) == first.prev_hash:
        return first.prev_hash
    return GENESIS_HASH


def verify_chain(*, chunk_size: int = 5000) -> ChainReport:
    prev_hash = chain_start()
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
