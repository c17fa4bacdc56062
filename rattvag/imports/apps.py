from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "rattvag.imports"
    label = "imports"
    verbose_name = _("Caseload import")

    def ready(self) -> None:
        from rattvag.audit.actions import register_actions

        register_actions(
            {
                "client.imported": _("Created or updated the client by importing a caseload file"),
                "import.completed": _("Imported a caseload file (or checked it in a dry run)"),
                "import.failed": _("Tried to import a caseload file; nothing was written"),
            }
        )
