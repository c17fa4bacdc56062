"""`manage.py gallra [--dry-run]`: delete what is past its retention period (SoL 12 kap. 1 §).

Prints counts per kind of record, never names or numbers. Run it nightly; a dry run changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from rattvag.retention.rules import research_days
from rattvag.retention.services import RetentionReport, retention_run


def _model_name(label: str) -> str:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    if model._meta.auto_created:  # a many-to-many link table
        return label
    return f"{capfirst(model._meta.verbose_name_plural)} ({label})"


def report_lines(report: RetentionReport) -> list[str]:
    days = ", ".join(str(day) for day in sorted(research_days()))
    lines = [
        _("Dry run: nothing was deleted. A run now would delete:")
        if report.dry_run
        else _("Retention run done. Deleted:"),
        _("Clients, with all their records: %(count)d") % {"count": report.clients},
        _("Cases in all: %(count)d") % {"count": report.cases},
    ]
    if report.deleted:
        lines.append(_("Rows per kind of record:"))
        width = max(len(_model_name(label)) for label in report.deleted)
        lines.extend(f"  {_model_name(label).ljust(width)}  {count:>7}" for label, count in report.deleted.items())
    lines += [
        _("Audit events older than %(cutoff)s: %(events)d (and %(reviews)d reviews of them)")
        % {
            "cutoff": timezone.localtime(report.audit_cutoff).strftime("%Y-%m-%d"),
            "events": report.audit_events,
            "reviews": report.audit_reviews,
        },
        _("Past the retention period: files whose last entry was made before %(cutoff)s.")
        % {"cutoff": timezone.localtime(report.cutoff).strftime("%Y-%m-%d %H:%M")},
        _("Kept for research (born on day %(days)s of a month): %(count)d clients")
        % {"days": days, "count": report.kept_for_research},
    ]
    return lines


class Command(BaseCommand):
    help = "Delete client records and audit events past their retention period (gallring). See docs/retention.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; change nothing.")
        parser.add_argument("--language", choices=["sv", "en"], default="sv", help="language of the report")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            report = retention_run(dry_run=options["dry_run"])
            self.stdout.write("\n".join(report_lines(report)))
