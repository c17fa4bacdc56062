"""Admin for the method rules and the units' choices. Reminders sent are shown read-only.

Rules are created by a data migration (each code needs an implementation in rules/), so they
cannot be added or deleted here; names, descriptions, default parameters and default use can be
changed. Saves go through the services, which validate the parameters and write the audit event.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import services
from .models import MethodRule, ReminderSent, UnitRuleSetting


@admin.register(MethodRule)
class MethodRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name_sv", "name_en", "enabled_by_default", "parameters", "position")
    list_editable = ()
    ordering = ("position", "code")
    readonly_fields = ("code", "created_at", "updated_at")
    fields = (
        "code",
        "name_sv",
        "name_en",
        "description_sv",
        "description_en",
        "parameters",
        "enabled_by_default",
        "position",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: MethodRule, form: Any, change: bool) -> None:
        services.method_rule_save(actor=request.user, rule=obj)  # type: ignore[arg-type]


@admin.register(UnitRuleSetting)
class UnitRuleSettingAdmin(admin.ModelAdmin):
    list_display = ("unit", "rule", "enabled", "parameters", "updated_by", "updated_at")
    list_filter = ("enabled", "rule", "unit")
    readonly_fields = ("updated_by", "created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: UnitRuleSetting, form: Any, change: bool) -> None:
        saved = services.unit_rule_setting_set(
            actor=request.user,  # type: ignore[arg-type]
            unit=obj.unit,
            rule=obj.rule,
            enabled=obj.enabled,
            parameters=obj.parameters,
        )
        obj.pk = saved.pk
        obj.created_at, obj.updated_at = saved.created_at, saved.updated_at


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "user", "rule", "case_id", "due_on")
    list_filter = ("rule",)
    date_hierarchy = "sent_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
