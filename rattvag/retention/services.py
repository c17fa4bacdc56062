"""Gallring: deleting what is past its retention period, leaving only counts in the audit log.

One run, in one transaction:
1. clients whose every case qualifies are deleted with everything about them (the registry's models
   follow through their foreign keys); closed cases of clients who stay go with their own records;
2. audit events older than the audit retention period are removed from the start of the chain;
3. one `retention.run` event records the counts per model (never content) and, when events were
   removed, the hash the kept chain now starts from (rattvag.audit.verification.CHAIN_ANCHOR_KEY).
A dry run counts the same things and changes nothing.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import QuerySet
from django.db.models.deletion import Collector
from django.utils import timezone

from rattvag.audit.models import AuditEvent, AuditReview
from rattvag.audit.services import audit_log
from rattvag.audit.verification import CHAIN_ANCHOR_KEY
from rattvag.clients.models import Case, Client

from .registry import held_records
from .selectors import RetentionPlan, case_records, chunks, retention_plan

RUN_ACTION = "retention.run"


@dataclass(frozen=True)
class RetentionReport:
    dry_run: bool
    cutoff: datetime.datetime
    audit_cutoff: datetime.datetime
    clients: int
    cases: int
    kept_for_research: int
    deleted: dict[str, int] = field(default_factory=dict)  # model label -> rows
    audit_events: int = 0
    audit_reviews: int = 0

    def event_data(self) -> dict[str, object]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "audit_cutoff": self.audit_cutoff.isoformat(),
            "clients": self.clients,
            "cases": self.cases,
            "kept_for_research": self.kept_for_research,
            "deleted": self.deleted,
            "audit_events": self.audit_events,
            "audit_reviews": self.audit_reviews,
        }


def _collected_counts(collector: Collector) -> Counter[str]:
    counts: Counter[str] = Counter()
    for model, instances in collector.data.items():
        counts[model._meta.label] += len(instances)
    for queryset in collector.fast_deletes:
        counts[queryset.model._meta.label] += queryset.count()
    return counts


def _delete(querysets: list[QuerySet], *, dry_run: bool) -> Counter[str]:
    """Delete the querysets together (so that RESTRICT links among them are allowed), or count them."""
    querysets = [qs for qs in querysets if qs.exists()]
    if not querysets:
        return Counter()
    collector = Collector(using=DEFAULT_DB_ALIAS, origin=None)
    *first, last = querysets
    # django-stubs want a sequence; a QuerySet is what QuerySet.delete() itself hands to collect().
    for queryset in first:
        collector.collect(queryset, fail_on_restricted=False)  # type: ignore[arg-type]
    collector.collect(last)  # type: ignore[arg-type]  # checks every RESTRICT link against everything collected
    if dry_run:
        return _collected_counts(collector)
    _total, counts = collector.delete()
    return Counter({label: count for label, count in counts.items() if count})


def _delete_records(plan: RetentionPlan, *, dry_run: bool) -> Counter[str]:
    deleted: Counter[str] = Counter()
    case_entries = [entry for entry in held_records() if entry.case is not None and entry.model is not Case]
    for case_ids in chunks(plan.case_ids):
        querysets = [case_records(entry, case_ids) for entry in case_entries]
        deleted += _delete([*querysets, Case.objects.filter(pk__in=case_ids)], dry_run=dry_run)
    for client_ids in chunks(plan.client_ids):
        deleted += _delete([Client.objects.filter(pk__in=client_ids)], dry_run=dry_run)
    return deleted


@dataclass(frozen=True)
class _AuditPrune:
    events: int = 0
    reviews: int = 0
    anchor: str | None = None


def _prune_audit_events(*, cutoff: datetime.datetime, dry_run: bool) -> _AuditPrune:
    """Remove the events before the first one at or after `cutoff`: always a prefix of the chain."""
    first_kept = AuditEvent.objects.filter(occurred_at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
    older = AuditEvent.objects.all() if first_kept is None else AuditEvent.objects.filter(id__lt=first_kept)
    newest_removed = older.order_by("-id").values_list("id", "hash").first()
    if newest_removed is None:
        return _AuditPrune()
    last_id, anchor = newest_removed
    events = AuditEvent.objects.filter(id__lte=last_id)
    reviews = AuditReview.objects.filter(event_id__lte=last_id)
    if dry_run:
        return _AuditPrune(events=events.count(), reviews=reviews.count(), anchor=anchor)
    review_count, _ = reviews.delete()
    # Audit events refuse QuerySet.delete() (append-only); retention is the one sanctioned removal.
    event_count = events._raw_delete(events.db)
    return _AuditPrune(events=event_count, reviews=review_count, anchor=anchor)


def retention_run(*, dry_run: bool = False, now: datetime.datetime | None = None) -> RetentionReport:
    """Delete (or with `dry_run` count) what is past its retention period; see the module docstring."""
    now = now or timezone.now()
    with transaction.atomic():
        plan = retention_plan(now=now)
        deleted = _delete_records(plan, dry_run=dry_run)
        pruned = _prune_audit_events(cutoff=plan.audit_cutoff, dry_run=dry_run)
        report = RetentionReport(
            dry_run=dry_run,
            cutoff=plan.cutoff,
            audit_cutoff=plan.audit_cutoff,
            clients=len(plan.client_ids),
            cases=deleted.get("clients.Case", 0),
            kept_for_research=plan.kept_for_research,
            deleted=dict(sorted(deleted.items())),
            audit_events=pruned.events,
            audit_reviews=pruned.reviews,
        )
        if not dry_run:
            data = report.event_data()
            if pruned.anchor is not None:
                data[CHAIN_ANCHOR_KEY] = pruned.anchor
            audit_log(actor=None, action=RUN_ACTION, data=data)
    return report
