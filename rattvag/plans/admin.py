"""The activity catalogue is maintained in the admin. Plans and activities are client data: they are written
through the services (audited), never here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import ActivityType


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_sv", "name_en", "is_active", "order")
    list_editable = ("is_active", "order")
    search_fields = ("code", "name_sv", "name_en")
    list_filter = ("is_active",)
    ordering = ("order", "code")

    def get_readonly_fields(self, request: HttpRequest, obj: ActivityType | None = None) -> tuple[str, ...]:
        # The code is what method rules refer to: fixed once the type exists.
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: ActivityType | None = None) -> bool:
        # A type in use is kept (switch it off instead); PROTECT would refuse the delete anyway.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.activities.exists())
