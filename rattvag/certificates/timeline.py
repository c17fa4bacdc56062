"""The sick-leave timeline as SVG geometry, computed on the server (no inline styles: CSP).

Each period is a bar whose height is its degree, so a step-down from 100 % to 50 % shows as a
step; bars of the current spell are blue, earlier spells grey. Days covered by two
certificates show the later-issued certificate on top, as the degree rule reads them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils import dateformat
from django.utils.translation import gettext as _

from .models import Certificate
from .spells import SickLeave

WIDTH = 1000
LANE_TOP = 24
LANE_HEIGHT = 80
AXIS_Y = LANE_TOP + LANE_HEIGHT
HEIGHT = AXIS_Y + 44
HISTORY_DAYS = 540  # spells that ended longer ago than this are left out of the picture (not the table)
CURRENT_FILL = "#1d70b8"
PAST_FILL = "#505a5f"
MARKER_STROKE = "#d4351c"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Marker:
    x: float
    label: str
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Timeline:
    start: datetime.date
    end: datetime.date
    bars: list[Bar]
    ticks: list[Tick]
    markers: list[Marker]
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    lane_top: int = LANE_TOP
    lane_height: int = LANE_HEIGHT
    axis_y: int = AXIS_Y
    half_y: float = AXIS_Y - LANE_HEIGHT / 2  # the 50 % guide line


def build_timeline(sick_leave: SickLeave, certificates: Sequence[Certificate], today: datetime.date) -> Timeline | None:
    horizon = today - datetime.timedelta(days=HISTORY_DAYS)
    spells = [s for s in sick_leave.spells if s.end >= horizon] or list(sick_leave.spells[-1:])
    if not spells:
        return None
    start = min(s.start for s in spells)
    end = max(max(s.end for s in spells), today)
    span_days = (end - start).days + 1
    margin = max(2, span_days // 40)
    start -= datetime.timedelta(days=margin)
    end += datetime.timedelta(days=margin)
    total = (end - start).days + 1

    def x_of(day: datetime.date) -> float:
        return round((day - start).days / total * WIDTH, 2)

    current_ids = set(sick_leave.current.certificate_ids) if sick_leave.current else set()
    shown_ids = {cid for s in spells for cid in s.certificate_ids}
    bars = []
    for certificate in sorted(certificates, key=lambda c: (c.issued_on, c.pk)):
        if certificate.pk not in shown_ids:
            continue
        for period in certificate.periods.all():
            height = LANE_HEIGHT * period.degree / 100
            bars.append(
                Bar(
                    x=x_of(period.start),
                    y=AXIS_Y - height,
                    width=max(round(x_of(period.end + datetime.timedelta(days=1)) - x_of(period.start), 2), 1.5),
                    height=height,
                    fill=CURRENT_FILL if certificate.pk in current_ids else PAST_FILL,
                    title=_("%(degree)s %% from %(start)s to %(end)s (certificate issued %(issued)s)")
                    % {
                        "degree": period.degree,
                        "start": period.start.isoformat(),
                        "end": period.end.isoformat(),
                        "issued": certificate.issued_on.isoformat(),
                    },
                )
            )
    return Timeline(
        start=start,
        end=end,
        bars=bars,
        ticks=_month_ticks(start, end, x_of),
        markers=_markers(sick_leave, today, start, end, x_of),
        description=_(
            "Sick-leave timeline from %(start)s to %(end)s with %(count)d spells; bar height is the degree. "
            "The numbers are in the text and the table."
        )
        % {"start": spells[0].start.isoformat(), "end": spells[-1].end.isoformat(), "count": len(spells)},
    )


def _month_ticks(start: datetime.date, end: datetime.date, x_of: Callable[[datetime.date], float]) -> list[Tick]:
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = 1 if months <= 8 else 2 if months <= 14 else 3 if months <= 24 else 6
    ticks = []
    day = datetime.date(start.year, start.month, 1)
    index = 0
    while day <= end:
        if day >= start and index % step == 0:
            ticks.append(Tick(x_of(day), dateformat.format(day, "M Y")))
        index += 1
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return ticks


def _marker(x: float, label: str, label_y: float) -> Marker:
    near_right = x > WIDTH - 120
    return Marker(
        x=x,
        label=label,
        label_x=x - 4 if near_right else x + 4,
        label_y=label_y,
        anchor="end" if near_right else "start",
    )


def _markers(
    sick_leave: SickLeave,
    today: datetime.date,
    start: datetime.date,
    end: datetime.date,
    x_of: Callable[[datetime.date], float],
) -> list[Marker]:
    markers = []
    if start <= today <= end:
        markers.append(_marker(x_of(today), _("Today"), LANE_TOP - 8))
    day60 = sick_leave.reaches_60_days_on
    if day60 is not None and start <= day60 <= end and day60 != today:
        crowded = any(abs(m.x - x_of(day60)) < 90 for m in markers)
        markers.append(_marker(x_of(day60), _("60 days"), HEIGHT - 4 if crowded else LANE_TOP - 8))
    return markers
