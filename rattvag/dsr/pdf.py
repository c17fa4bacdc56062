"""The register extract as PDF, rendered with WeasyPrint from a template that loads nothing from outside."""

from __future__ import annotations

from django.template.loader import render_to_string

from .extract import RegisterExtract


def register_extract_pdf(extract: RegisterExtract) -> bytes:
    from weasyprint import HTML

    html = render_to_string("dsr/register_extract_pdf.html", {"extract": extract})
    return bytes(HTML(string=html).write_pdf())
