"""Audit action codes written by the meetings app (registered at start-up from apps.py)."""

from django.utils.translation import gettext_lazy as _

from rattvag.audit.actions import register_actions

register_actions(
    {
        "meeting.created": _("Booked a meeting"),
        "meeting.updated": _("Changed a meeting"),
        "meeting.viewed": _("Looked at the client's meetings"),
        "meeting.participant_added": _("Invited someone to a meeting"),
        "meeting.participant_removed": _("Removed someone from a meeting"),
        "meeting.action_added": _("Recorded an agreed action"),
        "meeting.action_done": _("Marked an agreed action as done"),
        "sip.created": _("Started a SIP"),
        "sip.version_saved": _("Saved a new version of the SIP"),
        "sip.viewed": _("Looked at the SIP"),
        "sip.ended": _("Ended the SIP"),
    }
)
