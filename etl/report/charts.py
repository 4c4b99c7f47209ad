"""The report's charts: declared with Altair, rendered to SVG by vl-convert (no browser, no network).

Each function takes a frame the report's SQL returned, at the grain the chart draws, and
returns the SVG markup, or None when there is nothing to draw. Charts plot the figures as
SQL computed them: bars are stacked, never aggregated again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import altair as alt
import polars as pl
import vl_convert

# One palette for every chart and the page (html.py uses the first colour for accents).
PALETTE = (
    "#2f5d8a", "#e07b39", "#3d9970", "#c0392b", "#8e6bb8", "#8c6d31",
    "#d35d90", "#7f8c8d", "#b5a22c", "#1fa2b8", "#5b8fd1", "#f0a868",
    "#77c69c", "#e57368", "#b59bd6", "#c2a66d", "#eb9bbd", "#aab7b8",
)  # fmt: skip
FONT = "Helvetica, Arial, sans-serif"
WIDTH = 1060
# Counts are whole: label only the whole ticks (Vega may put ticks at halves for small counts).
COUNT_LABEL = "datum.value % 1 ? '' : format(datum.value, ',d')"
# Vega's SI prefix for 10^9 is G; money readers expect B.
MONEY_LABEL = "replace(replace(format(datum.value, '$~s'), 'G', 'B'), 'T', 'tn')"
BAR_LABEL = "replace(replace(format(datum.total_fines_usd, '$.3~s'), 'G', 'B'), 'T', 'tn')"


def _values(frame: pl.DataFrame) -> list[dict[str, object]]:
    """Rows as JSON-ready values (Vega-Lite data is JSON: decimals as numbers, dates as text)."""

    def plain(value: object) -> object:
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    return [{key: plain(value) for key, value in row.items()} for row in frame.iter_rows(named=True)]


def _render(chart: alt.TopLevelMixin) -> str:
    configured = (
        chart.configure(font=FONT, background="white")
        .configure_view(stroke=None)
        .configure_axis(
            labelColor="#333",
            titleColor="#333",
            gridColor="#e6e6e6",
            domainColor="#999",
            labelFontSize=12,
            titleFontSize=12,
            titleFontWeight="normal",
        )
        .configure_legend(
            labelLimit=260, labelFontSize=12, titleFontSize=12, titleFontWeight="bold", symbolType="square"
        )
        .configure_range(category=list(PALETTE))
    )
    return vl_convert.vegalite_to_svg(configured.to_dict())


def _money_axis(title: str) -> alt.Axis:
    return alt.Axis(title=title, labelExpr=MONEY_LABEL, tickCount=6)


def _labelled_bars(frame: pl.DataFrame, *, category: str, title: str | None, colour: str | None) -> str:
    """Horizontal money bars in the frame's order, each labelled with its value (small bars stay readable)."""
    base = alt.Chart(alt.Data(values=_values(frame))).encode(
        # bars end 80 px short of the plot's edge, so the label of the longest one fits
        x=alt.X(
            "total_fines_usd:Q",
            axis=_money_axis("Total fines (USD)"),
            scale=alt.Scale(range=[0, alt.ExprRef("width - 80")]),
        ),
        y=alt.Y(f"{category}:N", sort=frame[category].to_list(), title=title),  # the SQL's order
    )
    bars = base.mark_bar(color=PALETTE[0])
    if colour:
        bars = bars.encode(color=alt.Color(f"{colour}:N", title=colour.replace("_", " ").capitalize()))
    labels = (
        base.mark_text(align="left", dx=4, fontSize=11, color="#333")
        .encode(text=alt.Text("label:N"))
        .transform_calculate(label=BAR_LABEL)
    )
    return _render((bars + labels).properties(width=WIDTH - 320, height=alt.Step(22)))


def fines_by_platform(frame: pl.DataFrame) -> str | None:
    """Horizontal bars of total fines in USD per platform, coloured by parent company."""
    if frame.is_empty():
        return None
    return _labelled_bars(frame, category="platform", title=None, colour="parent_company")


def _stacked(frame: pl.DataFrame, *, x_title: str, y: str, y_axis: alt.Axis, colour: str, title: str) -> str:
    chart = (
        alt.Chart(alt.Data(values=_values(frame)))
        .mark_bar()
        .encode(
            x=alt.X("period:O", title=x_title, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y(f"{y}:Q", axis=y_axis, stack="zero"),
            color=alt.Color(f"{colour}:N", title=title),
            order=alt.Order(f"{colour}:N"),
        )
        .properties(width=WIDTH - 260, height=300)
    )
    return _render(chart)


def fines_by_year(frame: pl.DataFrame) -> str | None:
    """Fines in USD per decision year, stacked by platform."""
    if frame.is_empty():
        return None
    return _stacked(
        frame,
        x_title="Decision year",
        y="total_fines_usd",
        y_axis=_money_axis("Fines (USD)"),
        colour="platform",
        title="Platform",
    )


def fines_by_quarter(frame: pl.DataFrame) -> str | None:
    """Fines in USD per decision quarter, stacked by jurisdiction."""
    if frame.is_empty():
        return None
    return _stacked(
        frame,
        x_title="Decision quarter",
        y="total_fines_usd",
        y_axis=_money_axis("Fines (USD)"),
        colour="jurisdiction",
        title="Jurisdiction",
    )


def fines_by_jurisdiction(frame: pl.DataFrame) -> str | None:
    """Horizontal bars of total fines in USD per jurisdiction."""
    if frame.is_empty():
        return None
    return _labelled_bars(frame, category="jurisdiction", title="Jurisdiction", colour=None)


def non_monetary_by_year(frame: pl.DataFrame) -> str | None:
    """Non-monetary actions per decision year, stacked by action type."""
    if frame.is_empty():
        return None
    return _stacked(
        frame,
        x_title="Decision year",
        y="action_count",
        y_axis=alt.Axis(title="Actions", labelExpr=COUNT_LABEL),
        colour="action_type",
        title="Action type",
    )


def run_outcomes(frame: pl.DataFrame) -> str | None:
    """Rows of each recent run, stacked by outcome (loaded, duplicates, quarantined, held back)."""
    if frame.is_empty():
        return None
    chart = (
        alt.Chart(alt.Data(values=_values(frame)))
        .mark_bar()
        .encode(
            x=alt.X("run_id:N", title="Run", sort=None, axis=alt.Axis(labelAngle=-30, labelLimit=220)),
            y=alt.Y("row_count:Q", title="Rows", stack="zero", axis=alt.Axis(labelExpr=COUNT_LABEL)),
            color=alt.Color(
                "outcome:N",
                title="Outcome",
                sort=["loaded", "duplicates", "quarantined", "held_back"],
                scale=alt.Scale(
                    domain=["loaded", "duplicates", "quarantined", "held_back"],
                    range=[PALETTE[2], PALETTE[7], PALETTE[1], PALETTE[3]],
                ),
            ),
            order=alt.Order("outcome:N"),
        )
        # a few runs get narrow bars, not two bars as wide as the page
        .properties(width=min(WIDTH - 260, 90 * frame["run_id"].n_unique()), height=240)
    )
    return _render(chart)
