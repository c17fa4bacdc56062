from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "rattvag.accounts"
    label = "accounts"

    def ready(self) -> None:
        from rattvag.audit.actions import register_actions

        register_actions(
            {
                "accounts.provisioned": _("Provisioned organisations and users"),
                "api_token.issued": _("Issued an API token"),
                "api_token.revoked": _("Revoked an API token"),
            }
        )
