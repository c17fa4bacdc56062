from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "rattvag.meetings"
    label = "meetings"
    verbose_name = _("Meetings and SIP")

    def ready(self) -> None:
        from . import actions  # noqa: F401 - registers the audit action codes
