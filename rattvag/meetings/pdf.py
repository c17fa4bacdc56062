"""PDFs of meeting invitations and SIP versions, rendered with WeasyPrint from the same markup as the
printable pages. Always in Swedish: they go to the client and to Swedish agencies."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    with translation.override("sv"):
        html = render_to_string(template, context)
    # No base_url: the document loads nothing from outside itself.
    return bytes(HTML(string=html).write_pdf())
