from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "rattvag.consent"
    label = "consent"
    verbose_name = _("Consent and partners")

    def ready(self) -> None:
        from . import actions  # noqa: F401 - registers the audit action codes
