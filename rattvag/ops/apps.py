from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "rattvag.ops"
    label = "ops"
