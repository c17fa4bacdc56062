"""The consent app's pages: consents, questions to healthcare, case consultations, the partner start page."""

from .consents import (
    client_consents,
    consent_document,
    consent_record,
    consent_replace,
    consent_withdraw,
    partner_home,
)
from .consultations import consultation_advice, consultation_detail, consultation_list, consultation_new
from .healthcare import healthcare_answer, healthcare_detail, healthcare_new, healthcare_pdf, healthcare_send

__all__ = [
    "client_consents",
    "consent_document",
    "consent_record",
    "consent_replace",
    "consent_withdraw",
    "consultation_advice",
    "consultation_detail",
    "consultation_list",
    "consultation_new",
    "healthcare_answer",
    "healthcare_detail",
    "healthcare_new",
    "healthcare_pdf",
    "healthcare_send",
    "partner_home",
]
