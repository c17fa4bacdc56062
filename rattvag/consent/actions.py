"""Audit action codes written by the consent app (registered at start-up from apps.py)."""

from django.utils.translation import gettext_lazy as _

from rattvag.audit.actions import register_actions

register_actions(
    {
        "consent.recorded": _("Recorded a consent"),
        "consent.withdrawn": _("Recorded the withdrawal of a consent"),
        "consent.replaced": _("Replaced a consent with a new one"),
        "consent.viewed": _("Looked at the client's consents"),
        "consent.document_viewed": _("Opened the scanned consent document"),
        "consultation.created": _("Created a case consultation"),
        "consultation.viewed": _("Opened a case consultation"),
        "consultation.case_raised": _("Raised a case in a case consultation"),
        "consultation.advice_recorded": _("Recorded advice in a case consultation"),
        "healthcare_request.created": _("Wrote questions to healthcare"),
        "healthcare_request.viewed": _("Opened questions to healthcare"),
        "healthcare_request.sent": _("Sent questions to healthcare"),
        "healthcare_request.answered": _("Recorded healthcare's answer"),
    }
)
