from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rattvag.core"
    label = "core"
