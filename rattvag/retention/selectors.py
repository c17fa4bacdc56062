"""What the retention rules reach: the last entry about each client, and which clients and cases go."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Max
from django.utils import timezone

from rattvag.clients.models import Case, CaseStatus, Client

from .registry import HeldRecord, held_records
from .rules import audit_retention_years, kept_for_research, retention_years, years_before

CHUNK = 500


def _as_moment(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """A date counts as the end of that day (local time)."""
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.max))


def _latest_per_client(entry: HeldRecord, field_name: str) -> Iterator[tuple[int, datetime.datetime]]:
    rows = (
        entry.model._default_manager.order_by()
        .values_list(entry.client_lookup)
        .annotate(latest=Max(field_name))
        .filter(latest__isnull=False)
    )
    for client_id, latest in rows.iterator(chunk_size=2000):
        if client_id is not None:
            yield client_id, _as_moment(latest)


def last_entries() -> dict[int, datetime.datetime]:
    """For every client, the time of the newest entry about them in any registered record."""
    latest: dict[int, datetime.datetime] = {}
    for entry in held_records():
        for field_name in entry.times():
            for client_id, moment in _latest_per_client(entry, field_name):
                if client_id not in latest or moment > latest[client_id]:
                    latest[client_id] = moment
    return latest


@dataclass
class RetentionPlan:
    now: datetime.datetime
    cutoff: datetime.datetime  # entries before this are past the retention period
    audit_cutoff: datetime.datetime
    client_ids: list[int] = field(default_factory=list)  # clients whose records all go
    case_ids: list[int] = field(default_factory=list)  # closed cases of clients who stay (another case is open)
    kept_for_research: int = 0  # clients who would go but are kept (born on a research day)


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def retention_plan(*, now: datetime.datetime | None = None) -> RetentionPlan:
    """Which clients and cases are past the retention period at `now`.

    A closed case qualifies when the last entry about its client is older than the retention period;
    the client goes with all their records when every case qualifies. Clients born on a research day
    are kept whole.
    """
    now = now or timezone.now()
    plan = RetentionPlan(
        now=now,
        cutoff=years_before(now, retention_years()),
        audit_cutoff=years_before(now, audit_retention_years()),
    )
    old = sorted(client_id for client_id, moment in last_entries().items() if moment < plan.cutoff)
    for ids in chunks(old):
        numbers = dict(Client.objects.filter(pk__in=ids).values_list("pk", "personal_number"))
        cases: dict[int, list[tuple[int, str]]] = {client_id: [] for client_id in numbers}
        for client_id, case_id, status in (
            Case.objects.filter(client_id__in=ids).order_by("pk").values_list("client_id", "pk", "status")
        ):
            cases[client_id].append((case_id, status))
        for client_id, personal_number in sorted(numbers.items()):
            closed = [case_id for case_id, status in cases[client_id] if status == CaseStatus.CLOSED]
            if not closed and cases[client_id]:
                continue  # only open cases: nothing of the file qualifies
            if kept_for_research(personal_number):
                plan.kept_for_research += 1
            elif len(closed) == len(cases[client_id]):
                plan.client_ids.append(client_id)
            else:
                plan.case_ids.extend(closed)
    return plan


def case_records(entry: HeldRecord, case_ids: list[int]) -> models.QuerySet[models.Model]:
    assert entry.case is not None
    return entry.model._default_manager.filter(**{f"{entry.case}__in": case_ids})
