from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rattvag.audit"
    label = "audit"
