"""The SVG charts: accessible, colour-blind-safe, text as text, deterministic, no scripts."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest

from rattvag.stats.charts import OKABE_ITO, bar_chart_svg, line_chart_svg, stacked_bar_chart_svg, svg_response

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))  # noqa: S314 (our own output, in a test)


def _texts(root: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def test_a_bar_chart_names_itself_and_keeps_its_text_as_text() -> None:
    svg = bar_chart_svg(
        title="Sjukskrivningsgrad",
        labels=["25 %", "50 %", "75 %", "100 %"],
        values=[3, None, 0, 12],
        annotations=["3", "<5", "0", "12"],
        ylabel="Antal klienter",
        description="Antal klienter per grad.",
    )
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Sjukskrivningsgrad"
    assert root.find(f"{SVG}desc").text == "Antal klienter per grad."
    texts = _texts(root)
    for label in ("25 %", "100 %", "<5", "12", "Antal klienter"):
        assert label in texts
    assert OKABE_ITO[0].lower() in svg.lower()
    assert "<script" not in svg
    assert "<image" not in svg  # nothing loaded from elsewhere


def test_rendering_is_deterministic() -> None:
    def draw() -> str:
        return bar_chart_svg(title="T", labels=["a", "b"], values=[1, 2], horizontal=True)

    assert draw() == draw()


def test_a_stacked_chart_tells_series_apart_by_pattern_as_well_as_colour() -> None:
    svg = stacked_bar_chart_svg(
        title="Grad per kommun",
        labels=["Halmstad", "Laholm"],
        series={"25 %": [1, 2], "50 %": [3, None], "100 %": [5, 6]},
        horizontal=True,
    )
    root = _parse(svg)
    assert "<pattern" in svg  # hatches
    for name in ("Halmstad", "Laholm", "25 %", "50 %", "100 %"):
        assert name in _texts(root)
    for colour in OKABE_ITO[:3]:
        assert colour.lower() in svg.lower()


def test_a_step_chart_with_bands_for_kaplan_meier_curves() -> None:
    svg = line_chart_svg(
        title="Tid till plan",
        series={"Halmstad": [(0, 1.0), (10, 0.8), (30, 0.5)], "Laholm": [(0, 1.0), (5, 0.9), (40, 0.2)]},
        step=True,
        bands={"Halmstad": [(1.0, 1.0), (0.7, 0.9), (0.4, 0.6)]},
        xlabel="Dagar",
        ylabel="Andel utan plan",
        ylim=(0, 1),
    )
    root = _parse(svg)
    assert "Halmstad" in _texts(root)
    assert "Dagar" in _texts(root)


def test_a_line_chart_over_dates_and_an_empty_chart_with_a_note() -> None:
    svg = line_chart_svg(
        title="Per månad",
        series={"A": [(datetime.date(2025, 1, 1), None), (datetime.date(2025, 2, 1), 0)]},
        note="Alla antal är dolda eller noll.",
    )
    assert "Alla antal är dolda eller noll." in _texts(_parse(svg))


def test_mismatched_input_is_refused() -> None:
    with pytest.raises(ValueError, match="same length"):
        bar_chart_svg(title="T", labels=["a"], values=[1, 2])
    with pytest.raises(ValueError, match="one value per label"):
        stacked_bar_chart_svg(title="T", labels=["a"], series={"s": [1, 2]})
    with pytest.raises(ValueError, match="one \\(lower, upper\\) pair per point"):
        line_chart_svg(title="T", series={"s": [(0, 1)]}, bands={"s": []})


def test_the_response_is_an_uncached_svg_image() -> None:
    response = svg_response("<svg/>")
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Cache-Control"] == "no-store"


def test_a_chart_is_remembered_by_what_it_shows_and_in_which_language() -> None:
    from django.utils import translation
    from django.utils.translation import gettext, gettext_lazy

    with translation.override("sv"):
        swedish = bar_chart_svg(title=gettext("Total"), labels=[gettext_lazy("Total")], values=[1])
    with translation.override("en"):
        english = bar_chart_svg(title=gettext("Total"), labels=[gettext_lazy("Total")], values=[1])
    assert "Totalt" in swedish
    assert "Totalt" not in english
    assert "Total" in english
    values = [1, 2]
    first = bar_chart_svg(title="T", labels=["a", "b"], values=values)
    values[1] = 3  # the same list, other figures: another chart
    assert bar_chart_svg(title="T", labels=["a", "b"], values=values) != first
    assert bar_chart_svg(title="T", labels=["a", "b"], values=[1, 2]) == first


@pytest.mark.parametrize("kind", ["dates", "legend outside", "long labels"])
def test_one_draw_writes_the_bytes_savefig_writes(kind: str) -> None:
    """``_to_svg`` lays out and writes a figure in one draw; ``savefig`` draws twice (layout, then writing) and must
    give the same SVG. Should a matplotlib upgrade make them differ, this says so."""
    import io

    import matplotlib
    from matplotlib.figure import Figure

    from rattvag.stats.charts import _RC, _new_figure, _to_svg

    def build() -> Figure:
        figure, axes = _new_figure(7.0, 4.0)
        if kind == "dates":
            days = [datetime.date(2025, 1, 1) + datetime.timedelta(days=40 * i) for i in range(6)]
            axes.plot(days, [1, 3, 2, 5, 4, 6], marker="o", label="A")
            axes.plot(days, [2, 2, 3, 3, 5, 5], marker="s", label="B")
            figure.autofmt_xdate()
            axes.legend(frameon=False)
        elif kind == "legend outside":
            axes.barh([0, 1], [3, 4], label="25 %", hatch="//")
            axes.barh([0, 1], [1, 2], left=[3, 4], label="50 %", hatch="..")
            figure.legend(loc="outside lower center", ncols=2, frameon=False)
        else:
            axes.barh([0, 1, 2], [10, 50, 90])
            axes.set_yticks([0, 1, 2], labels=["A rather long label\nin two lines", "Short", "Another long label"])
        axes.set_title("T")
        return figure

    with matplotlib.rc_context(_RC):
        one_draw = _to_svg(build(), title="T", description="D")
        buffer = io.StringIO()
        build().savefig(buffer, format="svg", metadata={"Date": None, "Title": "T"})
    assert "<desc>D</desc>" in one_draw
    assert one_draw.replace(' role="img"', "").replace("\n <desc>D</desc>", "") == buffer.getvalue()
