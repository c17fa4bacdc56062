"""Planning and writing the valid rows of an import, in bulk.

Planning reads what exists (clients by personal number in the unit's municipality, their open
case in the unit, their certificate periods and latest SGI status, the care-unit registry) with
a few queries per thousand rows and decides, row by row, what to create or change. Writing then
inserts in batches inside the caller's transaction. The certificates app's services register
one certificate at a time with an audit event each, far too slow for 100,000 rows; the writer
creates the same rows directly and keeps their invariants:

- a client is unique per municipality and personal number (the planner matches on it);
- a certificate has a care unit from the shared registry, resolved as `care_unit_resolve`
  does it (HSA-id first, then the name case-insensitively, following merges), one period with
  a valid degree and end ≥ start, and at most three diagnoses in positions 1–3, validated by
  `rattvag.certificates.icd`; issued ≤ received;
- SGI status rows are only added, never changed (the newest row is the current status).

Idempotency: a row changes nothing when the client's names are the same, the client has an
open case in the unit (and the same responsible caseworker, when the file names one), a
certificate of the client already has a period with the same dates and degree, and the latest
SGI status is the same.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection, models
from django.utils import timezone

from rattvag.accounts.models import Unit
from rattvag.audit.services import ActingFor, audit_log_many
from rattvag.certificates.models import (
    CareUnit,
    Certificate,
    CertificatePeriod,
    Diagnosis,
    DiagnosisSystem,
    SgiSource,
    SgiStatus,
)
from rattvag.clients.models import Case, CaseStatus, Client
from rattvag.core.bulk import Inserter, column_of, update_rows

from .validation import ImportRow

if TYPE_CHECKING:
    from rattvag.accounts.models import User

T = TypeVar("T")
LOOKUP_CHUNK = 900  # ids per IN (…) list: below SQLite's historical limit of 999 parameters
WRITE_CHUNK = 2000  # rows per round of inserts


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(slots=True)
class RowPlan:
    row: ImportRow
    client_id: int | None = None  # an existing client
    client_created: bool = False
    changed_fields: tuple[str, ...] = ()
    case_id: int | None = None  # the open case in the unit, existing
    case_opened: bool = False
    responsible_changed: bool = False
    certificate_added: bool = False
    sgi_recorded: bool = False
    care_unit_key: str = ""
    outcome: str = ""  # created, updated or unchanged (set by the planner)

    def decide(self) -> str:
        if self.client_created:
            return "created"
        if (
            self.changed_fields
            or self.case_opened
            or self.responsible_changed
            or self.certificate_added
            or self.sgi_recorded
        ):
            return "updated"
        return "unchanged"

    def audit_data(self, job_id: int) -> tuple[tuple[str, Any], ...]:
        return (
            ("job_id", job_id),
            ("client_created", self.client_created),
            ("fields", self.changed_fields),
            ("case_opened", self.case_opened),
            ("responsible_changed", self.responsible_changed),
            ("certificate_added", self.certificate_added),
            ("sgi_recorded", self.sgi_recorded),
        )


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "skipped": self.skipped}


@dataclass
class CareUnitRegistry:
    """The care-unit registry in memory, resolving like certificates.services.care_unit_resolve."""

    by_id: dict[int, tuple[str, str, int | None]]  # id → (name, hsa_id, merged_into_id)
    by_hsa: dict[str, int]
    by_name: dict[str, int]
    new_units: dict[str, CareUnit] = field(default_factory=dict)  # key → unsaved unit
    new_by_hsa: dict[str, str] = field(default_factory=dict)
    new_by_name: dict[str, str] = field(default_factory=dict)
    hsa_assigned: dict[int, str] = field(default_factory=dict)  # existing id → HSA-id to set

    @classmethod
    def load(cls) -> CareUnitRegistry:
        by_id: dict[int, tuple[str, str, int | None]] = {}
        by_hsa: dict[str, int] = {}
        by_name: dict[str, int] = {}
        rows = CareUnit.objects.order_by("pk").values_list("pk", "name", "hsa_id", "merged_into_id")
        # For a name: the oldest entry not merged away, else the oldest entry (as care_unit_resolve).
        for pk, name, hsa_id, merged_into_id in rows:
            by_id[pk] = (name, hsa_id, merged_into_id)
            if hsa_id:
                by_hsa[hsa_id] = pk
            key = name.lower()
            current = by_name.get(key)
            if current is None or (by_id[current][2] is not None and merged_into_id is None):
                by_name[key] = pk
        return cls(by_id=by_id, by_hsa=by_hsa, by_name=by_name)

    def _follow(self, pk: int) -> int:
        seen = set()
        while (merged := self.by_id[pk][2]) is not None and pk not in seen:
            seen.add(pk)
            pk = merged
        return pk

    def resolve(self, name: str, hsa_id: str) -> str:
        """A key: "id:<pk>" for an existing entry, "new:<n>" for one to create."""
        found: int | None = self.by_hsa.get(hsa_id) if hsa_id else None
        if found is None and hsa_id and hsa_id in self.new_by_hsa:
            return self.new_by_hsa[hsa_id]
        if found is None:
            found = self.by_name.get(name.lower())
        if found is not None:
            found = self._follow(found)
            if (
                hsa_id
                and not self.by_id[found][1]
                and found not in self.hsa_assigned
                and hsa_id not in self.by_hsa
                and hsa_id not in self.new_by_hsa
            ):
                self.hsa_assigned[found] = hsa_id
                self.by_hsa[hsa_id] = found
            return f"id:{found}"
        new_key = self.new_by_name.get(name.lower())
        if new_key is None:
            new_key = f"new:{len(self.new_units)}"
            self.new_units[new_key] = CareUnit(name=name, hsa_id=hsa_id)
            self.new_by_name[name.lower()] = new_key
        if hsa_id and not self.new_units[new_key].hsa_id:
            self.new_units[new_key].hsa_id = hsa_id
        if hsa_id:
            self.new_by_hsa.setdefault(hsa_id, new_key)
        return new_key


@dataclass
class Plan:
    unit: Unit
    rows: list[RowPlan]
    care_units: CareUnitRegistry
    counts: Counts

    @property
    def changed_rows(self) -> list[RowPlan]:
        return [plan for plan in self.rows if plan.outcome != "unchanged"]


def _select_in(sql: str, fixed: Sequence[Any], values: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run `sql`, where `{in_values}` stands for "IN (the values)", for all the values.

    Plain SQL: the ORM prepares every value of an IN list through the field, which at 100,000
    personal numbers costs more than the queries themselves. PostgreSQL gets the values as one
    array (`= ANY(%s)`) in one query; SQLite gets IN lists of at most LOOKUP_CHUNK values.
    """
    found: list[tuple[Any, ...]] = []
    if not values:
        return found
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.format(in_values="= ANY(%s)"), [*fixed, list(values)])
            return list(cursor.fetchall())
        for part in chunked(values, LOOKUP_CHUNK):
            cursor.execute(sql.format(in_values=f"IN ({', '.join(['%s'] * len(part))})"), [*fixed, *part])
            found.extend(cursor.fetchall())
    return found


def _table(model: type[models.Model], *fields: str) -> dict[str, str]:
    quote = connection.ops.quote_name
    names = {"table": quote(model._meta.db_table)}
    for name in fields:
        names[name] = quote(column_of(model, name))
    return names


def plan_rows(*, unit: Unit, rows: Sequence[ImportRow], skipped: int) -> Plan:
    """Decide what each valid row creates or changes. Reads only."""
    existing: dict[str, tuple[int, str, str]] = {}
    c = _table(Client, "id", "municipality", "personal_number", "first_name", "last_name")
    for pk, number, first, last in _select_in(
        f"SELECT {c['id']}, {c['personal_number']}, {c['first_name']}, {c['last_name']} FROM {c['table']} "  # noqa: S608
        f"WHERE {c['municipality']} = %s AND {c['personal_number']} {{in_values}}",
        [unit.municipality_id],
        [row.personal_number for row in rows],
    ):
        existing[number] = (pk, first, last)

    client_ids = [value[0] for value in existing.values()]
    known = set(client_ids)
    k = _table(Case, "id", "client", "unit", "status", "responsible", "opened_on")
    open_cases: dict[int, tuple[int, int | None]] = {}
    # All open cases of the unit in one query (the unit's caseload), not by client id: SQLite would
    # walk the (unit, status) index once per IN list.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {k['id']}, {k['client']}, {k['responsible']}, {k['opened_on']} FROM {k['table']} "  # noqa: S608
            f"WHERE {k['unit']} = %s AND {k['status']} = %s",
            [unit.pk, CaseStatus.OPEN.value],
        )
        unit_cases = [case for case in cursor.fetchall() if case[1] in known]
    for case_id, client_id, responsible_id, _opened_on in sorted(
        unit_cases, key=lambda case: (case[3], case[0]), reverse=True
    ):
        open_cases.setdefault(client_id, (case_id, responsible_id))  # the newest open case

    # Two plain lookups rather than a join: right after a large import the planner's statistics
    # can still describe empty tables, and a join planned for empty tables is a nested loop.
    cert = _table(Certificate, "id", "client")
    certificate_clients: dict[int, int] = dict(
        _select_in(
            f"SELECT {cert['id']}, {cert['client']} FROM {cert['table']} WHERE {cert['client']} {{in_values}}",  # noqa: S608
            [],
            client_ids,
        )
    )
    period = _table(CertificatePeriod, "certificate", "start", "end", "degree")
    periods: set[tuple[int, datetime.date, datetime.date, int]] = {
        (certificate_clients[certificate_id], start, end, degree)
        for certificate_id, start, end, degree in _select_in(
            f"SELECT {period['certificate']}, {period['start']}, {period['end']}, {period['degree']} "  # noqa: S608
            f"FROM {period['table']} WHERE {period['certificate']} {{in_values}}",
            [],
            list(certificate_clients),
        )
    }

    sgi = _table(SgiStatus, "id", "client", "status", "recorded_on")
    latest_sgi: dict[int, str] = {}
    for client_id, status, _recorded_on, _pk in sorted(
        _select_in(
            f"SELECT {sgi['client']}, {sgi['status']}, {sgi['recorded_on']}, {sgi['id']} "  # noqa: S608
            f"FROM {sgi['table']} WHERE {sgi['client']} {{in_values}}",
            [],
            client_ids,
        ),
        key=lambda status: (status[2], status[3]),
        reverse=True,
    ):
        latest_sgi.setdefault(client_id, status)  # the newest row is the current status

    registry = CareUnitRegistry.load()
    tally = {"created": 0, "updated": 0, "unchanged": 0}
    plans: list[RowPlan] = []
    resolve = registry.resolve
    for row in rows:
        found = existing.get(row.personal_number)
        if found is None:
            care_unit_key = resolve(row.care_unit_name, row.care_unit_hsa_id) if row.sick_listed else ""
            plan = RowPlan(
                row=row,
                client_created=True,
                case_opened=True,
                certificate_added=row.sick_listed,
                sgi_recorded=bool(row.sgi_status),
                care_unit_key=care_unit_key,
                outcome="created",
            )
        else:
            client_id, first, last = found
            changed = tuple(
                name
                for name, old, new in (("first_name", first, row.first_name), ("last_name", last, row.last_name))
                if old != new
            )
            case = open_cases.get(client_id)
            certificate_added = row.sick_listed and (client_id, row.start, row.end, row.degree) not in periods
            plan = RowPlan(
                row=row,
                client_id=client_id,
                changed_fields=changed,
                case_id=case[0] if case is not None else None,
                case_opened=case is None,
                responsible_changed=case is not None and row.caseworker_id is not None and case[1] != row.caseworker_id,
                certificate_added=certificate_added,
                sgi_recorded=bool(row.sgi_status) and latest_sgi.get(client_id) != row.sgi_status,
                care_unit_key=resolve(row.care_unit_name, row.care_unit_hsa_id) if certificate_added else "",
            )
            plan.outcome = plan.decide()
        tally[plan.outcome] += 1
        plans.append(plan)
    counts = Counts(skipped=skipped, **tally)
    return Plan(unit=unit, rows=plans, care_units=registry, counts=counts)


def _write_care_units(plan: Plan, *, actor: User, acting: ActingFor) -> dict[str, int]:
    registry = plan.care_units
    ids = {f"id:{pk}": pk for pk in registry.by_id}
    now = timezone.now()
    for pk, hsa_id in registry.hsa_assigned.items():
        CareUnit.objects.filter(pk=pk, hsa_id="").update(hsa_id=hsa_id, updated_at=now)
    if registry.new_units:
        keys = list(registry.new_units)
        created = CareUnit.objects.bulk_create([registry.new_units[key] for key in keys])
        for key, unit in zip(keys, created, strict=True):
            ids[key] = unit.pk
        audit_log_many(
            actor=actor,
            action="care_unit.created",
            client_ids=[None] * len(created),
            acting_for=acting,
            objects=created,
            data={"via": "import"},
        )
    return ids


def write_plan(
    plan: Plan,
    *,
    actor: User,
    job_id: int,
    after_chunk: Callable[[int], None] | None = None,
) -> None:
    """Write every changed row. Call inside a transaction: a failure must leave nothing behind."""
    if not connection.in_atomic_block:
        raise RuntimeError("write_plan must run inside a transaction")
    unit = plan.unit
    acting = ActingFor(unit=unit)
    today = timezone.localdate()
    now = timezone.now()
    care_unit_ids = _write_care_units(plan, actor=actor, acting=acting)
    # In personal-number order, so that new clients go into the unique (municipality, number)
    # index in order instead of at random places; cases, certificates and the rest follow the
    # clients' new ids and so are in order too.
    changed = sorted(plan.changed_rows, key=lambda p: p.row.personal_number)
    clients = Inserter(
        Client,
        ["personal_number", "first_name", "last_name"],
        constants={"municipality_id": unit.municipality_id},
        now=now,
    )
    cases = Inserter(Case, ["client_id", "opened_on", "responsible_id"], constants={"unit_id": unit.pk}, now=now)
    certificates = Inserter(
        Certificate,
        ["client_id", "case_id", "issued_on", "received_on", "care_unit_id"],
        constants={"registered_by_id": actor.pk},
        now=now,
    )
    periods = Inserter(CertificatePeriod, ["certificate_id", "degree", "start", "end"], now=now)
    diagnoses = Inserter(
        Diagnosis, ["certificate_id", "position", "code", "system", "chapter", "block", "known_to_who"], now=now
    )
    sgi_statuses = Inserter(
        SgiStatus,
        ["client_id", "status"],
        constants={"recorded_on": today, "source": SgiSource.OTHER, "recorded_by_id": actor.pk},
        now=now,
    )
    client_ids: list[int] = []  # per changed row, for the audit events
    written = 0
    for part in chunked(changed, WRITE_CHUNK):
        new_ids = iter(
            clients.insert(
                [(p.row.personal_number, p.row.first_name, p.row.last_name) for p in part if p.client_created]
            )
        )
        part_client_ids = [next(new_ids) if p.client_created else p.client_id for p in part]
        update_rows(
            Client,
            ["first_name", "last_name", "updated_at"],
            [(p.client_id, p.row.first_name, p.row.last_name, now) for p in part if p.changed_fields],
        )
        new_case_ids = iter(
            cases.insert(
                [
                    (client_id, p.row.opened_on, p.row.caseworker_id)
                    for p, client_id in zip(part, part_client_ids, strict=True)
                    if p.case_opened
                ]
            )
        )
        part_case_ids = [next(new_case_ids) if p.case_opened else p.case_id for p in part]
        update_rows(
            Case,
            ["responsible", "updated_at"],
            [(p.case_id, p.row.caseworker_id, now) for p in part if p.responsible_changed],
        )
        with_certificate = [
            (p, client_id, case_id)
            for p, client_id, case_id in zip(part, part_client_ids, part_case_ids, strict=True)
            if p.certificate_added
        ]
        certificate_ids = certificates.insert(
            [
                (client_id, case_id, min(p.row.start, today), min(p.row.start, today), care_unit_ids[p.care_unit_key])
                for p, client_id, case_id in with_certificate
                if p.row.start is not None
            ]
        )
        periods.insert(
            [
                (certificate_id, p.row.degree, p.row.start, p.row.end)
                for certificate_id, (p, _client, _case) in zip(certificate_ids, with_certificate, strict=True)
            ]
        )
        diagnoses.insert(
            [
                (
                    certificate_id,
                    position,
                    info.code,
                    info.system,
                    info.chapter,
                    info.block,
                    info.known_to_who or info.system == DiagnosisSystem.KSH97P,
                )
                for certificate_id, (p, _client, _case) in zip(certificate_ids, with_certificate, strict=True)
                for position, info in enumerate(p.row.diagnoses, start=1)
            ]
        )
        sgi_statuses.insert(
            [
                (client_id, p.row.sgi_status)
                for p, client_id in zip(part, part_client_ids, strict=True)
                if p.sgi_recorded
            ]
        )
        client_ids.extend(int(client_id) for client_id in part_client_ids if client_id is not None)
        written += len(part)
        if after_chunk is not None:
            after_chunk(written)

    _audit_clients(changed, client_ids, actor=actor, acting=acting, job_id=job_id)


WRITTEN_TABLES = (Client, Case, Certificate, CertificatePeriod, Diagnosis, SgiStatus, CareUnit)
ANALYZE_FROM_ROWS = 10_000


def refresh_statistics(rows_written: int) -> None:
    """PostgreSQL: after a large import, update the planner's statistics of the tables written, so
    that the next queries (a re-import, the unit mapping) are not planned for near-empty tables.
    Autovacuum would do it too, later. SQLite keeps no such statistics unless asked."""
    if connection.vendor != "postgresql" or rows_written < ANALYZE_FROM_ROWS:
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in WRITTEN_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


CLIENT_LABEL = Client._meta.label_lower  # the audit event's object type for a client


def _audit_clients(
    changed: Sequence[RowPlan], client_ids: Sequence[int], *, actor: User, acting: ActingFor, job_id: int
) -> None:
    """One `client.imported` event per client created or updated; events with the same details in one call."""
    groups: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    for plan, client_id in zip(changed, client_ids, strict=True):
        groups.setdefault(plan.audit_data(job_id), []).append(client_id)
    for data, ids in groups.items():
        audit_log_many(
            actor=actor,
            action="client.imported",
            client_ids=ids,
            acting_for=acting,
            object_refs=[(CLIENT_LABEL, str(client_id)) for client_id in ids],
            data={key: list(value) if isinstance(value, tuple) else value for key, value in data},
        )
