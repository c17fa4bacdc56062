"""Append-only audit events, hash-chained.

Each event's hash covers its content and the previous event's hash; the chain head row holds
the last event's id and hash so that removing the newest events is detected too.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Partner, Unit

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only")


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
        db_index=False,  # audit_actor_time_idx starts with it
    )
    actor_role = models.CharField(_("role"), max_length=20, blank=True)
    acting_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("acting for unit")
    )
    acting_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acting for partner organisation"),
    )
    # A plain id, not a foreign key: the event must outlive the client record (retention).
    client_id = models.BigIntegerField(_("client"), null=True, blank=True)  # indexed by audit_client_time_idx
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    action = models.CharField(_("action"), max_length=60)
    purpose = models.CharField(_("purpose"), max_length=60, blank=True)
    break_glass = models.BooleanField(_("temporary access"), default=False)
    outside_units = models.BooleanField(_("outside own units"), default=False)
    outside_hours = models.BooleanField(_("outside office hours"), default=False)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)  # unique: audit_event_hash_unique

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time_idx"),
            models.Index(fields=["client_id", "occurred_at"], name="audit_client_time_idx"),
            # Who changed a record since it was opened for editing (rattvag.core.concurrency).
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # The log review lists flagged accesses newest first.
            models.Index(
                fields=["-occurred_at"],
                condition=models.Q(break_glass=True) | models.Q(outside_units=True) | models.Q(outside_hours=True),
                name="audit_flagged_time_idx",
            ),
        ]
        # A constraint rather than unique=True, which on PostgreSQL adds a second index for LIKE searches
        # that nothing makes; every event written maintains one index less.
        constraints = [models.UniqueConstraint(fields=["hash"], name="audit_event_hash_unique")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only")

    @property
    def is_flagged(self) -> bool:
        return self.break_glass or self.outside_units or self.outside_hours


class AuditChainHead(models.Model):
    """A single row: the newest event's id and hash. Locked while events are appended."""

    last_event_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"Audit chain head at event #{self.last_event_id}"


class AuditReview(models.Model):
    """A unit manager's review of one access, kept apart so that events stay untouched."""

    event = models.OneToOneField(
        AuditEvent, on_delete=models.PROTECT, related_name="review", verbose_name=_("audit event")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("log review")
        verbose_name_plural = _("log reviews")
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"Review of event #{self.event_id}"
