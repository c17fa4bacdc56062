"""Server-rendered SVG charts drawn by matplotlib.

Every chart is served as its own ``image/svg+xml`` response (see ``svg_response`` and ``svg_chart_view``) and
embedded with ``<img src=... alt=...>``; the numbers are always in an accessible table beside the chart, so the
chart is a visual aid and never the only carrier of a figure.

* matplotlib's object-oriented API (``Figure`` + the Agg/SVG canvas) — no ``pyplot`` and its global state, so
  rendering is safe in threads.
* Text stays text (``svg.fonttype: none``), so it is sharp, small and readable by a screen reader that opens the
  SVG directly; a ``<title>`` and ``<desc>`` name the chart.
* Colours: the Okabe–Ito palette (safe for the common colour-vision deficiencies); stacked bars also carry hatch
  patterns so that series do not depend on colour alone.
* Output is deterministic (fixed hash salt, no date metadata), which keeps responses comparable in tests.
* A chart is drawn once per process for what it shows: drawing is deterministic and takes 40-50 ms of CPU (in one
  draw, see ``_to_svg``), so the last charts drawn are remembered by their arguments (``_drawn_once``): figures,
  dates and labels, never a name.

matplotlib writes ``style="..."`` attributes into the SVG. Our Content-Security-Policy forbids inline styles
(``style-src 'self'``), so the chart views relax ``style-src`` to ``'unsafe-inline'`` for the SVG response only
(``svg_chart_view``). That is safe: an SVG loaded through ``<img>`` is an image document without scripts or
network access, and the policy of the HTML pages is untouched.
"""

from __future__ import annotations

import functools
import io
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import HttpResponse
from django.utils.functional import Promise
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

__all__ = [
    "OKABE_ITO",
    "bar_chart_svg",
    "line_chart_svg",
    "stacked_bar_chart_svg",
    "svg_chart_view",
    "svg_response",
]

#: Okabe & Ito (2008), ordered so that neighbouring series contrast well; yellow last (weak on white).
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#000000",  # black
    "#F0E442",  # yellow
]
HATCHES = ["", "//", "..", "xx", "\\\\", "++", "oo", "--"]
TEXT_COLOUR = "#0b0c0c"  # GOV.UK text colour

_RC: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "rattvag",
    "font.family": "sans-serif",
    "font.sans-serif": ["Arial", "Helvetica", "DejaVu Sans"],
    "font.size": 14,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "axes.titleweight": "bold",
    "axes.edgecolor": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "text.color": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.8,
}

Number = int | float
XValue = int | float | date | datetime


def _colour(index: int) -> str:
    return OKABE_ITO[index % len(OKABE_ITO)]


def _new_figure(width: float, height: float) -> tuple[Figure, Any]:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    return figure, axes


def _to_svg(figure: Figure, *, title: str, description: str) -> str:
    buffer = io.StringIO()
    # The SVG canvas writes the figure in one draw, laying it out (constrained layout) as it draws. ``savefig`` would
    # draw it twice for the same bytes: once only to lay it out, then again to write it, measuring every text anew.
    canvas = figure.canvas
    assert isinstance(canvas, FigureCanvasSVG)
    canvas.print_svg(buffer, metadata={"Date": None, "Title": title})
    svg = buffer.getvalue()
    # matplotlib writes <title> from the metadata; add role and a description for assistive technology that
    # opens the SVG itself.
    start = svg.find("<svg ")
    end = svg.find(">", start)
    if start != -1 and end != -1 and "role=" not in svg[start:end]:
        svg = svg[:end] + ' role="img"' + svg[end:]
    title_end = svg.find("</title>")
    if title_end != -1:
        title_end += len("</title>")
        svg = svg[:title_end] + f"\n <desc>{escape(description)}</desc>" + svg[title_end:]
    return svg


def _label_values(axes: Any, bars: Any, annotations: Sequence[str], *, horizontal: bool) -> None:
    axes.bar_label(bars, labels=list(annotations), padding=3, fontsize=13, color=TEXT_COLOUR)
    if horizontal:
        axes.margins(x=0.12)
    else:
        axes.margins(y=0.12)


def _numeric(values: Sequence[Number | None]) -> list[float]:
    return [0.0 if v is None else float(v) for v in values]


def _annotations(values: Sequence[Number | None], annotations: Sequence[str] | None) -> list[str]:
    if annotations is not None:
        if len(annotations) != len(values):
            raise ValueError("annotations must match values.")
        return list(annotations)
    return ["" if v is None else _format_number(v) for v in values]


def _format_number(value: Number) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))


def _note(axes: Any, note: str) -> None:
    """A short text in the middle of the plot (e.g. when every count is hidden)."""
    if note:
        axes.text(0.5, 0.5, note, transform=axes.transAxes, ha="center", va="center", wrap=True, color=TEXT_COLOUR)


def _start_at_zero(axes: Any, largest: float, *, horizontal: bool) -> None:
    """Counts start at zero; an empty chart (everything zero or hidden) still gets a sensible axis."""
    top = None if largest > 0 else 1
    if horizontal:
        axes.set_xlim(left=0, right=top)
    else:
        axes.set_ylim(bottom=0, top=top)


def _integer_axis(axes: Any, *, horizontal: bool) -> None:
    from matplotlib.ticker import MaxNLocator

    (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(integer=True))


_Draw = TypeVar("_Draw", bound=Callable[..., str])
_DRAWN_MAX = 128
_drawn: OrderedDict[str, str] = OrderedDict()
_drawn_lock = threading.Lock()


def _plain(value: Any) -> Any:
    """A value as its plain, comparable form: lazy translations as text, sequences and mappings as tuples."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Mapping):
        return tuple((_plain(k), _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    return value


def _drawn_once(draw: _Draw) -> _Draw:
    @functools.wraps(draw)
    def remembered(**kwargs: Any) -> str:
        key = repr((draw.__name__, _plain(tuple(sorted(kwargs.items())))))
        with _drawn_lock:
            svg = _drawn.get(key)
            if svg is not None:
                _drawn.move_to_end(key)
                return svg
        svg = draw(**kwargs)
        with _drawn_lock:
            _drawn[key] = svg
            while len(_drawn) > _DRAWN_MAX:
                _drawn.popitem(last=False)
        return svg

    return remembered  # type: ignore[return-value]


@_drawn_once
def bar_chart_svg(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[Number | None],
    xlabel: str = "",
    ylabel: str = "",
    horizontal: bool = False,
    annotations: Sequence[str] | None = None,
    description: str = "",
    note: str = "",
    width: float = 7.0,
    height: float | None = None,
) -> str:
    """A bar chart. ``None`` values (hidden counts) draw no bar; ``annotations`` (e.g. the published "<5")
    are written at the bars instead of the numbers."""
    if len(labels) != len(values):
        raise ValueError("labels and values must have the same length.")
    with matplotlib.rc_context(_RC):
        if height is None:
            height = max(3.0, 0.35 * len(labels) + 1.5) if horizontal else 4.0
        figure, axes = _new_figure(width, height)
        positions = list(range(len(labels)))
        numbers = _numeric(values)
        if horizontal:
            bars = axes.barh(positions, numbers, color=_colour(0), edgecolor=TEXT_COLOUR, linewidth=0.5)
            axes.set_yticks(positions, labels=list(labels))
            axes.invert_yaxis()
        else:
            bars = axes.bar(positions, numbers, color=_colour(0), edgecolor=TEXT_COLOUR, linewidth=0.5)
            axes.set_xticks(positions, labels=list(labels))
            if any(len(label) > 6 for label in labels) and len(labels) > 4:
                axes.tick_params(axis="x", labelrotation=45)
                for tick in axes.get_xticklabels():
                    tick.set_horizontalalignment("right")
        _label_values(axes, bars, _annotations(values, annotations), horizontal=horizontal)
        _integer_axis(axes, horizontal=horizontal)
        _start_at_zero(axes, max(numbers, default=0.0), horizontal=horizontal)
        axes.set_title(title)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        _note(axes, note)
        return _to_svg(figure, title=title, description=description or title)


@_drawn_once
def stacked_bar_chart_svg(
    *,
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[Number | None]],
    xlabel: str = "",
    ylabel: str = "",
    horizontal: bool = False,
    description: str = "",
    note: str = "",
    width: float = 7.0,
    height: float | None = None,
) -> str:
    """Bars stacked per label, one segment per series (colour + hatch pattern, legend below)."""
    for name, values in series.items():
        if len(values) != len(labels):
            raise ValueError(f"Series {name!r} must have one value per label.")
    longest = max((len(name) for name in series), default=0)
    legend_columns = max(1, min(len(series), 3 if longest <= 12 else 2 if longest <= 24 else 1))
    legend_rows = -(-len(series) // legend_columns)
    with matplotlib.rc_context(_RC):
        if height is None:
            height = (max(2.5, 0.5 * len(labels) + 1.5) if horizontal else 4.0) + 0.35 * legend_rows
        figure, axes = _new_figure(width, height)
        positions = list(range(len(labels)))
        base = [0.0] * len(labels)
        for index, (name, values) in enumerate(series.items()):
            numbers = _numeric(values)
            style = {
                "color": _colour(index),
                "edgecolor": TEXT_COLOUR,
                "linewidth": 0.5,
                "hatch": HATCHES[index % len(HATCHES)],
                "label": name,
            }
            if horizontal:
                axes.barh(positions, numbers, left=base, **style)
            else:
                axes.bar(positions, numbers, bottom=base, **style)
            base = [b + n for b, n in zip(base, numbers, strict=True)]
        if horizontal:
            axes.set_yticks(positions, labels=list(labels))
            axes.invert_yaxis()
        else:
            axes.set_xticks(positions, labels=list(labels))
        _integer_axis(axes, horizontal=horizontal)
        _start_at_zero(axes, max(base, default=0.0), horizontal=horizontal)
        axes.set_title(title)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        if series:
            figure.legend(loc="outside lower center", ncols=legend_columns, frameon=False)
        _note(axes, note)
        return _to_svg(figure, title=title, description=description or title)


@_drawn_once
def line_chart_svg(
    *,
    title: str,
    series: Mapping[str, Sequence[tuple[XValue, Number | None]]],
    step: bool = False,
    bands: Mapping[str, Sequence[tuple[Number | None, Number | None]]] | None = None,
    xlabel: str = "",
    ylabel: str = "",
    ylim: tuple[Number, Number] | None = None,
    description: str = "",
    note: str = "",
    width: float = 7.0,
    height: float = 4.0,
) -> str:
    """Lines, one per series of ``(x, y)`` points; ``None`` y values leave a gap.

    ``step=True`` draws a post-step function (Kaplan–Meier curves). ``bands[name]`` is a list of ``(lower,
    upper)`` pairs aligned with ``series[name]`` (a confidence band, drawn translucent in the series' colour).
    Series are told apart by colour, line style and marker.
    """
    line_styles = ["-", "--", "-.", ":"]
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    with matplotlib.rc_context(_RC):
        figure, axes = _new_figure(width, height)
        for index, (name, points) in enumerate(series.items()):
            xs = [x for x, _ in points]
            ys = [math.nan if y is None else float(y) for _, y in points]
            colour = _colour(index)
            style = {
                "color": colour,
                "linestyle": line_styles[index % len(line_styles)],
                "linewidth": 2,
                "label": name,
            }
            if step:
                axes.step(xs, ys, where="post", **style)
            else:
                axes.plot(xs, ys, marker=markers[index % len(markers)], markersize=4, **style)
            if bands and name in bands:
                band = bands[name]
                if len(band) != len(points):
                    raise ValueError(f"The band of {name!r} must have one (lower, upper) pair per point.")
                lower = [math.nan if lo is None else float(lo) for lo, _ in band]
                upper = [math.nan if hi is None else float(hi) for _, hi in band]
                axes.fill_between(xs, lower, upper, step="post" if step else None, color=colour, alpha=0.2, linewidth=0)
        if ylim is not None:
            axes.set_ylim(*ylim)
        else:
            finite = [y for points in series.values() for _x, y in points if y is not None]
            if not finite or max(finite) == 0:
                axes.set_ylim(0, 1)
            elif min(finite) >= 0:
                axes.set_ylim(bottom=0)
        if any(isinstance(x, date | datetime) for points in series.values() for x, _ in points):
            figure.autofmt_xdate()
        axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
        axes.set_title(title)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        if len(series) > 1:
            axes.legend(frameon=False)
        _note(axes, note)
        return _to_svg(figure, title=title, description=description or title)


# --------------------------------------------------------------------------------------------------------------
# Serving

#: The only relaxation of the Content-Security-Policy: inline styles inside the SVG image document.
SVG_CSP_UPDATE = {"style-src": [UNSAFE_INLINE]}

_View = TypeVar("_View", bound=Callable[..., Any])


def svg_chart_view(view: _View) -> _View:
    """Decorate a view that returns an SVG chart: relaxes ``style-src`` for that response only."""
    return csp_update(SVG_CSP_UPDATE)(view)  # type: ignore[return-value]


def svg_response(svg: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
