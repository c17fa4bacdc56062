from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "rattvag.stats"
    label = "stats"
