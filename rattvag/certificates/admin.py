"""Admin for the shared registries only. Certificates and SGI status are health data about people and
stay out of the admin: administrators see no individual clients (see rattvag.clients.access)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import CareUnit, UnitCertificateSettings


@admin.register(CareUnit)
class CareUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "hsa_id", "region", "municipality", "merged_into")
    list_filter = ("region",)
    search_fields = ("name", "hsa_id", "municipality")
    readonly_fields = ("merged_into", "created_at", "updated_at")
    actions = ["merge_into_oldest"]

    @admin.action(description=_("Merge the selected care units into the oldest of them"))
    def merge_into_oldest(self, request: HttpRequest, queryset: QuerySet[CareUnit]) -> None:
        units = list(queryset.filter(merged_into__isnull=True).order_by("created_at", "pk"))
        if len(units) < 2:
            self.message_user(request, _("Select at least two care units that are not merged."), messages.WARNING)
            return
        keep = units[0]
        try:
            for duplicate in units[1:]:
                keep = services.care_unit_merge(actor=request.user, keep=keep, merge=duplicate)  # type: ignore[arg-type]
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request, _("Merged %(count)d care units into %(name)s.") % {"count": len(units) - 1, "name": keep.name}
        )


@admin.register(UnitCertificateSettings)
class UnitCertificateSettingsAdmin(admin.ModelAdmin):
    list_display = ("unit", "max_gap")

    def save_model(self, request: HttpRequest, obj: UnitCertificateSettings, form: Any, change: bool) -> None:
        saved = services.unit_max_gap_set(actor=request.user, unit=obj.unit, max_gap=obj.max_gap)  # type: ignore[arg-type]
        obj.pk = saved.pk
        obj.created_at, obj.updated_at = saved.created_at, saved.updated_at
