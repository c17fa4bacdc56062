"""Audit action codes written by the plans app (registered at start-up from apps.py)."""

from django.utils.translation import gettext_lazy as _

from rattvag.audit.actions import register_actions

register_actions(
    {
        "plan.created": _("Wrote a plan"),
        "plan.version_saved": _("Saved a new version of a plan"),
        "plan.ended": _("Ended a plan"),
        "plan.viewed": _("Looked at the client's plans"),
        "activity.registered": _("Registered an activity"),
        "activity.updated": _("Changed an activity"),
        "activity.viewed": _("Looked at the client's activities"),
    }
)
