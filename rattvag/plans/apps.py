from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "rattvag.plans"
    label = "plans"
    verbose_name = _("Plans and activities")

    def ready(self) -> None:
        from . import actions  # noqa: F401 - registers the audit action codes
