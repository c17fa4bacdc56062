from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "rattvag.certificates"
    label = "certificates"
    verbose_name = _("Medical certificates")

    def ready(self) -> None:
        from rattvag.audit.actions import register_actions

        register_actions(
            {
                "certificate.registered": _("Registered a medical certificate"),
                "certificate.updated": _("Changed a medical certificate"),
                "certificate.viewed": _("Opened a medical certificate"),
                "certificate.listed": _("Saw the client's medical certificates in a list"),
                "certificate.completeness_viewed": _("Looked at certificate completeness per care unit"),
                "certificate.settings_changed": _("Changed the unit's certificate settings"),
                "sick_leave.viewed": _("Looked at the client's sick-leave timeline"),
                "sgi.recorded": _("Recorded the client's SGI status"),
                "care_unit.created": _("Added a care unit to the registry"),
                "care_unit.merged": _("Merged two care units"),
            }
        )
