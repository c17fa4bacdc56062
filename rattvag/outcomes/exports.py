"""The results summary as XLSX (openpyxl) and PDF (WeasyPrint, from the same figures as the page).

Hidden counts are written as their marker ("<5", ".."), never as numbers.
"""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .reports.common import rule
from .reports.summary import SummaryReport


def _cell_value(cell: Any) -> Any:
    return cell.display if cell.suppressed else cell.value


def suppression_note() -> str:
    threshold = rule().threshold
    return _(
        "Counts from 1 to %(last)d are shown as “<%(threshold)d”; “..” hides a count that would reveal another."
    ) % {
        "last": threshold - 1,
        "threshold": threshold,
    }


def summary_rows(report: SummaryReport) -> list[tuple[str, list[tuple[str, Any]]]]:
    """(section, [(label, value)]) — what both exports show, in the order of the page."""
    routes = [
        (_("Self-supporting through: %(route)s") % {"route": label}, _cell_value(cell))
        for _c, label, cell in report.self_supporting_routes
    ]
    movement = report.movement
    indicators = [
        (
            _("%(indicator)s (target %(target)s)") % {"indicator": row.indicator_label, "target": row.target_display},
            _("%(share)s (95 %% interval %(interval)s; n = %(n)s) – %(verdict)s")
            % {
                "share": row.share_display,
                "interval": row.interval_display,
                "n": row.n.display,
                "verdict": row.verdict_label,
            },
        )
        for row in report.indicators
    ]
    return [
        (
            _("Case consultations with Försäkringskassan"),
            [
                (_("Consultations held"), _cell_value(report.consultations)),
                (_("Case discussions"), _cell_value(report.discussions)),
                (_("Unique cases discussed"), _cell_value(report.unique_cases)),
                (_("Of those, self-supporting"), _cell_value(report.self_supporting)),
                *routes,
            ],
        ),
        (
            _("Clients in the method"),
            [
                (_("New in the period"), _cell_value(report.new_clients)),
                (_("Active at the end of the period"), _cell_value(report.active_clients)),
                (_("Closed in the period"), _cell_value(report.closed_clients)),
            ],
        ),
        (
            _("Progression ladder"),
            [
                (_("Clients with two or more assessments"), _cell_value(movement.compared)),
                (_("Moved up at least one step"), _cell_value(movement.up)),
                (_("Share moved up"), movement.up_display),
            ],
        ),
        (_("Participant indicators at the end of the support"), indicators),
    ]


def summary_xlsx(report: SummaryReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Summary")[:31]
    sheet.append([_("Results summary"), report.group.name])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Period"), f"{report.period.start.isoformat()} – {report.period.end.isoformat()}"])
    sheet.append([suppression_note()])
    for section, rows in summary_rows(report):
        sheet.append([])
        sheet.append([section])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for label, value in rows:
            sheet.append([label, value])
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def summary_pdf(report: SummaryReport) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "outcomes/summary_pdf.html",
        {"report": report, "sections": summary_rows(report), "suppression_note": suppression_note()},
    )
    # No base_url: the document loads nothing from outside itself.
    return bytes(HTML(string=html).write_pdf())
