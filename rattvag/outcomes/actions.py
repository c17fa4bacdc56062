"""Audit action codes written by the outcomes app (registered at start-up from apps.py)."""

from django.utils.translation import gettext_lazy as _

from rattvag.audit.actions import register_actions

register_actions(
    {
        "ladder.assessed": _("Recorded a progression-ladder assessment"),
        "ladder.viewed": _("Looked at the client's progression ladder and questionnaires"),
        "questionnaire.recorded": _("Entered a questionnaire with the client"),
        "questionnaire.code_created": _("Created a tablet code for a questionnaire"),
        "questionnaire.answered": _("The client answered a questionnaire on a tablet"),
        "questionnaire.viewed": _("Opened the questionnaire for entry"),
        "report.viewed": _("Looked at an aggregated report"),
        "report.exported": _("Exported an aggregated report"),
    }
)
