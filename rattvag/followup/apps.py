from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "rattvag.followup"
    label = "followup"
    verbose_name = _("Method rules and worklist")

    def ready(self) -> None:
        from . import actions  # noqa: F401 - registers the audit action codes
