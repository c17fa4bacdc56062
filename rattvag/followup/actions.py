"""Audit action codes written by the followup module (registered at start-up from apps.py)."""

from django.utils.translation import gettext_lazy as _

from rattvag.audit.actions import register_actions

register_actions(
    {
        "followup.process_viewed": _("Looked at where the case is in the method"),
        "followup.reminder_sent": _("Sent a reminder about an overdue item"),
        "followup.rule_setting_changed": _("Changed how the unit uses a method rule"),
        "followup.rule_changed": _("Changed a method rule"),
    }
)
