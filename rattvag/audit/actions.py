"""The registry of audit action codes and their display texts.

Codes are dotted: <entity>.<what happened>. Every code written must be registered here.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {
    "client.created": _("Created the client"),
    "client.updated": _("Changed the client's details"),
    "client.viewed": _("Opened the client"),
    "client.listed": _("Saw the client in a list"),
    "client.exported": _("Exported the client's data"),
    "client.printed": _("Printed the client's data"),
    "case.opened": _("Opened a case"),
    "case.updated": _("Changed the case"),
    "case.closed": _("Closed the case"),
    "access.break_glass": _("Took temporary access to a client of another unit"),
    "audit.client_log_exported": _("Exported the client's access log"),
    "audit.reviewed": _("Reviewed an access in the log"),
    "audit.viewed": _("Looked at the access log"),
}


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def register_actions(actions: dict[str, Promise]) -> None:
    """Apps that write their own events register their codes at import time."""
    ACTIONS.update(actions)
