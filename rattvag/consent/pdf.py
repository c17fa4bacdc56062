"""The letter to healthcare as PDF, rendered with WeasyPrint from the same markup as the preview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import translation

if TYPE_CHECKING:
    from .models import HealthcareRequest


def letter_context(request_obj: HealthcareRequest) -> dict[str, Any]:
    return {
        "hr": request_obj,
        "client": request_obj.client,
        "items": list(request_obj.items.order_by("position")),
        "consent": request_obj.consent,
    }


def letter_pdf(request_obj: HealthcareRequest) -> bytes:
    """The PDF bytes. The letter is always in Swedish: it goes to a Swedish care unit."""
    from weasyprint import HTML

    with translation.override("sv"):
        html = render_to_string("consent/healthcare_letter_pdf.html", letter_context(request_obj))
    # No base_url: the letter loads nothing from outside itself.
    return bytes(HTML(string=html).write_pdf())
