from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "rattvag.retention"
    label = "retention"
    verbose_name = _("Retention (gallring)")

    def ready(self) -> None:
        from rattvag.audit.actions import register_actions

        register_actions({"retention.run": _("Removed records past their retention period (gallring)")})
