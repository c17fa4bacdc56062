"""The hash of one audit event: what it covers is fixed here and used by writer and verifier."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


def uniform_chain_digests(
    *, prev_hash: str, fields: dict[str, Any], pairs: Sequence[tuple[int | None, str]]
) -> list[str]:
    """chain_digests for events equal but for their client id and object id (`fields` holds the rest, `pairs`
    each event's two): the hashed text is rendered once around markers for the two, and each event's text is
    that with its own values put in, without a dict and a json.dumps each (an import logs 100,000 events).
    The first event's digest is checked against chain_digests; should they ever differ, every event takes
    chain_digests. The same digests either way."""
    if not pairs:
        return []
    template = _uniform_template(fields)
    first = [{**fields, "client_id": pairs[0][0], "object_id": pairs[0][1]}]
    if (
        template is None
        or _digest(prev_hash, template.render(*pairs[0])) != chain_digests(prev_hash=prev_hash, rows=first)[0]
    ):  # pragma: no cover - a rendering the template does not foresee
        return chain_digests(
            prev_hash=prev_hash,
            rows=({**fields, "client_id": client_id, "object_id": object_id} for client_id, object_id in pairs),
        )
    render = template.render
    digests = []
    for client_id, object_id in pairs:
        prev_hash = _digest(prev_hash, render(client_id, object_id))
        digests.append(prev_hash)
    return digests


def _digest(prev_hash: str, payload: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class _UniformTemplate:
    """The hashed text of an event around its client id and object id (in this order: the keys are sorted)."""

    before_client: str
    between: str
    after_object: str

    def render(self, client_id: int | None, object_id: str) -> str:
        # As json.dumps renders them: an int as its digits, None as null, a string of digits in quotes.
        if client_id is None:
            client = "null"
        elif client_id.__class__ is int:
            client = str(client_id)
        else:
            client = json.dumps(client_id)
        obj = f'"{object_id}"' if object_id.isascii() and object_id.isdigit() else json.dumps(object_id)
        return f"{self.before_client}{client}{self.between}{obj}{self.after_object}"


def _uniform_template(fields: dict[str, Any]) -> _UniformTemplate | None:
    """The hashed text of `fields` split around the client id and the object id; None if it does not split as
    foreseen."""
    marker_client, marker_object = f"client-{uuid.uuid4().hex}", f"object-{uuid.uuid4().hex}"
    text = json.dumps(
        {**fields, "client_id": marker_client, "object_id": marker_object},
        sort_keys=True,
        separators=(",", ":"),
        default=_json_default,
    )
    quoted_client, quoted_object = json.dumps(marker_client), json.dumps(marker_object)
    if text.count(quoted_client) != 1 or text.count(quoted_object) != 1:
        return None  # pragma: no cover - the markers are random
    head, rest = text.split(quoted_client)
    if quoted_object not in rest:
        return None  # pragma: no cover - "client_id" sorts before "object_id"
    middle, tail = rest.split(quoted_object)
    return _UniformTemplate(head, middle, tail)


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
