"""Configuration in the admin: ladders (versioned steps) and questionnaires (questions, answer scales).

A published ladder version's steps are read-only: change a ladder by adding a new version, so that
older assessments keep the step they were given. Assessments and answers are client data and are
not shown here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AnswerScale, Ladder, LadderStep, LadderVersion, Question, Questionnaire, ScaleOption


class LadderVersionInline(admin.TabularInline):
    model = LadderVersion
    extra = 0
    fields = ("number", "published", "published_on")
    show_change_link = True


@admin.register(Ladder)
class LadderAdmin(admin.ModelAdmin):
    list_display = ("code", "name_sv", "name_en", "municipality")
    inlines = [LadderVersionInline]


class LadderStepInline(admin.TabularInline):
    model = LadderStep
    extra = 0
    fields = ("number", "label_sv", "label_en", "description_sv", "description_en")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.published

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.published

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.published


@admin.register(LadderVersion)
class LadderVersionAdmin(admin.ModelAdmin):
    list_display = ("ladder", "number", "published", "published_on")
    list_filter = ("published",)
    inlines = [LadderStepInline]


class ScaleOptionInline(admin.TabularInline):
    model = ScaleOption
    extra = 0
    fields = ("value", "label_sv", "label_en", "position")


@admin.register(AnswerScale)
class AnswerScaleAdmin(admin.ModelAdmin):
    list_display = ("code", "name_sv", "name_en")
    inlines = [ScaleOptionInline]


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = ("code", "position", "text_sv", "text_en", "scale", "indicator", "meets_from", "target_percent")


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("code", "name_sv", "moment", "active", "position")
    list_filter = ("moment", "active")
    inlines = [QuestionInline]
