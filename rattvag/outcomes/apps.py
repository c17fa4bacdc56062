from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "rattvag.outcomes"
    label = "outcomes"
    verbose_name = _("Measuring the method")

    def ready(self) -> None:
        from . import actions  # noqa: F401 - registers the audit action codes
