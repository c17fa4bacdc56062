"""Helpers shared by the followup tests and the browser test."""

from __future__ import annotations

from importlib import import_module


def seed_rules() -> None:
    """The rows the data migrations create (transactional tests elsewhere flush them)."""
    from rattvag.audit.models import AuditChainHead
    from rattvag.followup.models import MethodRule
    from rattvag.plans.models import ActivityType

    AuditChainHead.objects.get_or_create(pk=1)
    seed = import_module("rattvag.followup.migrations.0002_seed_method_rules")
    for position, code, parameters, name_sv, name_en, description_sv, description_en in seed.RULES:
        MethodRule.objects.get_or_create(
            code=code,
            defaults={
                "position": position,
                "parameters": parameters,
                "name_sv": name_sv,
                "name_en": name_en,
                "description_sv": description_sv,
                "description_en": description_en,
            },
        )
    plans_seed = import_module("rattvag.plans.migrations.0002_seed_activity_types")
    for code, name_sv, name_en, order in plans_seed.ACTIVITY_TYPES:
        ActivityType.objects.get_or_create(code=code, defaults={"name_sv": name_sv, "name_en": name_en, "order": order})
