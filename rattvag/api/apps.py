from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rattvag.api"
    label = "api"
