from django.apps import AppConfig


class ContributingAppConfig(AppConfig):
    name = "rattvag.api.tests.contributing_app"
    label = "api_tests_contributing_app"
