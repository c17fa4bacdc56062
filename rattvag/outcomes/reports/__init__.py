"""The aggregated reports. Each function takes a group and a period and returns a report object that
both the pages and the API render (`as_json()` is the API's body), so the numbers are the same."""

from .fidelity import FidelityReport, fidelity_report
from .indicators import IndicatorReport, indicator_report
from .movement import MovementReport, movement_report
from .summary import SummaryReport, summary_report
from .time_to_outcome import TimeToOutcomeReport, time_to_outcome_report

__all__ = [
    "FidelityReport",
    "IndicatorReport",
    "MovementReport",
    "SummaryReport",
    "TimeToOutcomeReport",
    "fidelity_report",
    "indicator_report",
    "movement_report",
    "summary_report",
    "time_to_outcome_report",
]
