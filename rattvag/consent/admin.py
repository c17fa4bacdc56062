"""Administration of the question catalogue for healthcare. Consents and requests are client data
and deliberately not here: they are read and written only through the audited pages and API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import HealthcareQuestion


@admin.register(HealthcareQuestion)
class HealthcareQuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "text_sv", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["active"]
    search_fields = ["code", "text_sv", "text_en"]
    ordering = ["position", "id"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A question that has been asked stays: retire it by unticking "in use".
        return False
