"""Read-only admin for the audit log: nothing can be added, changed or deleted here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from .actions import action_label
from .models import AuditEvent, AuditReview
from .selectors import role_label
from .services import audit_log


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewing only. Every field is read-only and the add/change/delete permissions are refused."""

    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def _log_view(self, request: HttpRequest, view: str) -> None:
        if request.method == "GET" and request.user.is_authenticated:
            audit_log(actor=request.user, action="audit.viewed", data={"view": view})

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            self._log_view(request, f"admin.{self.model._meta.model_name}.list")
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            self._log_view(request, f"admin.{self.model._meta.model_name}.detail")
        return response


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "occurred_at",
        "actor",
        "role",
        "action_display",
        "client_id",
        "break_glass",
        "outside_units",
        "outside_hours",
    ]
    list_display_links = ["occurred_at"]
    list_filter = ["action", "actor_role", "break_glass", "outside_units", "outside_hours", "acting_unit"]
    list_select_related = ["actor"]
    search_fields = ["actor__username", "actor__first_name", "actor__last_name"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    @admin.display(description=_("role"), ordering="actor_role")
    def role(self, event: AuditEvent) -> str:
        return role_label(event.actor_role)

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, event: AuditEvent) -> str:
        return action_label(event.action)


@admin.register(AuditReview)
class AuditReviewAdmin(ReadOnlyAdmin):
    list_display = ["reviewed_at", "reviewed_by", "event"]
    list_select_related = ["reviewed_by", "event"]
    search_fields = ["reviewed_by__username", "reviewed_by__first_name", "reviewed_by__last_name"]
    date_hierarchy = "reviewed_at"
