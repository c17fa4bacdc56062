"""Import jobs: one uploaded caseload file, its options, progress, errors and counts.

The uploaded file is kept under settings.PRIVATE_MEDIA_ROOT (never served by the web server)
while the job runs and removed when it finishes. Stored errors name a line, a column and a
reason; never a personal number or a name.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Unit
from rattvag.core.models import TimeStampedModel


class ImportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("import status", "Queued")
    VALIDATING = "validating", pgettext_lazy("import status", "Checking the rows")
    WRITING = "writing", pgettext_lazy("import status", "Writing")
    DONE = "done", pgettext_lazy("import status", "Done")
    FAILED = "failed", pgettext_lazy("import status", "Failed")


RUNNING_STATUSES = frozenset({ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.WRITING})


class ImportJob(TimeStampedModel):
    """One import of a caseload file into a unit (kartläggning of the current caseload)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("unit"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("started by")
    )
    stored_file = models.CharField(
        _("stored file"), max_length=200, blank=True, help_text=_("Path under PRIVATE_MEDIA_ROOT; empty once removed.")
    )
    # The uploaded file's name is not kept: it may name a person. Its format is.
    file_format = models.CharField(_("file format"), max_length=10, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    keep_valid = models.BooleanField(_("import the valid rows"), default=False)
    via = models.CharField(_("started from"), max_length=10, default="web")
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), null=True, blank=True)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(
        _("errors"), default=list, blank=True, help_text=_("Line, column and reason; never personal data.")
    )
    failure_sv = models.CharField(_("why the import failed (Swedish)"), max_length=500, blank=True)
    failure_en = models.CharField(_("why the import failed (English)"), max_length=500, blank=True)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    task_id = models.CharField(_("background task"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [
            models.Index(fields=["unit", "-created_at"], name="importjob_unit_created_idx"),
            models.Index(fields=["created_by", "-created_at"], name="importjob_creator_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="importjob_checked_not_above_total",
                condition=models.Q(rows_total__isnull=True) | models.Q(rows_checked__lte=models.F("rows_total")),
            ),
        ]

    def __str__(self) -> str:
        return f"Import job #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def is_finished(self) -> bool:
        return not self.is_running

    @property
    def failure(self) -> str:
        """Why the job failed, in the active language."""
        language = get_language() or "sv"
        return self.failure_en if language.startswith("en") and self.failure_en else self.failure_sv

    def errors_in_language(self, language: str | None = None) -> list[dict[str, Any]]:
        """The stored errors with `reason` in the active (or given) language."""
        language = language or get_language() or "sv"
        key = "reason_en" if language.startswith("en") else "reason_sv"
        return [
            {
                "line": e["line"],
                "column": e["column"],
                "field": e.get("field", ""),
                "reason": e.get(key) or e["reason_sv"],
            }
            for e in self.errors
        ]
