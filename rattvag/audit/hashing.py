"""The hash of one audit event: what it covers is fixed here and used by writer and verifier."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from typing import Any


def event_digest(*, prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=_json_default)
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def chain_digests(*, prev_hash: str, rows: Iterable[dict[str, Any]]) -> list[str]:
    """event_digest for consecutive events, each linked to the one before; faster for large batches
    because a time shared by many events is rendered once (the same text _json_default gives)."""
    rendered: dict[datetime.datetime, str] = {}
    digests = []
    for fields in rows:
        moment = fields["occurred_at"]
        text = rendered.get(moment)
        if text is None:
            text = rendered[moment] = _json_default(moment)
        payload = json.dumps({**fields, "occurred_at": text}, sort_keys=True, separators=(",", ":"))
        prev_hash = hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()
        digests.append(prev_hash)
    return digests


def _json_default(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    raise TypeError(f"Cannot hash {type(value).__name__}")


HASHED_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_role",
    "acting_unit_id",
    "acting_partner_id",
    "client_id",
    "object_type",
    "object_id",
    "action",
    "purpose",
    "break_glass",
    "outside_units",
    "outside_hours",
    "data",
)


def hashed_fields_of(event: Any) -> dict[str, Any]:
    return {name: getattr(event, name) for name in HASHED_FIELDS}
