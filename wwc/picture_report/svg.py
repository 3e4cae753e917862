"""The building blocks of the charts: their colours and number formats, Vega-Lite specs drawn to
inline SVG, and the HTML figure around each chart, with its table of numbers."""

from __future__ import annotations

import contextlib
import html
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any

import vl_convert

from wwc.vocabulary import GOLD, PLATINUM, SILVER

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
FONT = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
FIRST, NEXT = "#9DB9D3", "#0B4F8A"
UP, DOWN = "#1B7F3B", "#B3261E"
LEVEL_COLOURS = {SILVER: "#A7A9AC", GOLD: "#D4A017", PLATINUM: "#4F6D8A"}


def escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def pct(share: float | None, digits: int = 0) -> str:
    """A share as a percentage. One met in 209 is not "0%": a share that rounds to 0% or 100%
    without being either gets one more decimal, and "<0.1%" (">99.9%") if that still does."""
    if share is None:
        return "n/a"
    shown = f"{share * 100:.{digits}f}"
    if 0 < share < 1 and float(shown) in (0, 100):
        shown = f"{share * 100:.{digits + 1}f}"
        if float(shown) == 0:
            return f"<{10 ** -(digits + 1):g}%"
        if float(shown) == 100:
            return f">{100 - 10 ** -(digits + 1):g}%"
    return f"{shown}%"


def points(change: float) -> str:
    return f"{change * 100:+.1f} pts"


def render_svg(spec: dict[str, Any]) -> str:
    """A Vega-Lite spec as inline SVG, drawn in this process by vl-convert (its Vega engine is
    bundled in the wheel: nothing is fetched): the page's font, no background, and no namespace
    URL but SVG's own (vl-convert declares xlink, which the marks never use). Marks a chart
    names ("bars", "points", "whiskers", "rings", or "bars_<panel>" where panels side by side
    need names of their own) carry that name in their SVG class, which the browser test
    counts."""
    config = {
        "font": FONT,
        "background": None,
        "view": {"stroke": None},
        "axis": {
            "labelFontSize": 11,
            "titleFontSize": 11,
            "grid": True,
            "gridColor": "#eaeef2",
            "labelLimit": 0,  # never cut a label off with an ellipsis
        },
        "header": {"labelFontSize": 12, "labelFontWeight": 600, "labelColor": "#57606a"},
        "legend": {
            "labelFontSize": 11,
            "titleFontSize": 11,
            "labelLimit": 0,
            "orient": "top",
            "columnPadding": 40,  # the browser's font may be wider than the one measured here
        },
        "range": {"category": list(PALETTE) + ["#6E7781"]},
    }
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "config": config,
        "padding": {"left": 5, "top": 5, "right": 40, "bottom": 5},
        **spec,
    }
    svg = vl_convert.vegalite_to_svg(spec)
    return re.sub(r'\s+xmlns:xlink="[^"]*"', "", svg, count=1)


def start_renderer() -> None:
    """Start vl-convert's JavaScript engine on a thread (its first chart takes 0.4-0.6 s, the
    next ones milliseconds), for a caller about to wait on something else: `wwc build` waits on
    dbt's process before the report is drawn (`pipeline.while_dbt_runs`). vl-convert keeps the
    interpreter's lock while it starts, so other threads of this process pause meanwhile. A
    failure is left to the report, which meets it again."""

    def start() -> None:
        with contextlib.suppress(Exception):
            vl_convert.vegalite_to_svg({"mark": "point"})

    threading.Thread(target=start, name="start-vl-convert", daemon=True).start()


def label_axis(field: str, width: int, **axis: Any) -> dict[str, Any]:
    """A band axis of text labels given `width` pixels at least: vl-convert measures text with
    its own fonts, which can be narrower than the browser's, so the room is set, not measured.
    A label's "\n" starts a new line."""
    return {
        "field": field,
        "type": "nominal",
        "title": None,
        "axis": {"minExtent": width, "labelExpr": "split(datum.label, '\\n')", **axis},
    }


def share_axis(title: str | None, field: str = "share", top: float = 1.0) -> dict[str, Any]:
    """A share encoding from 0 to `top`, labelled in percent."""
    return {
        "field": field,
        "type": "quantitative",
        "title": title,
        "scale": {"domain": [0, top]},
        "axis": {"format": "%", "tickCount": 5},
    }


def numbers_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<details><summary>Show the numbers</summary><table><tr>{head}</tr>{body}</table>"


def figure(chart: str, title: str, source: str, svg: str, caption: str, table: str) -> str:
    return (
        f'<figure data-chart="{chart}" id="{chart}"><h2>{escape(title)}</h2>{svg}'
        f"<figcaption>{caption} Source: <code>{escape(source)}</code>.</figcaption>"
        f"{table}</details></figure>"
    )


def empty_figure(chart: str, title: str, source: str) -> str:
    return (
        f'<figure data-chart="{chart}" id="{chart}" data-empty="true"><h2>{escape(title)}</h2>'
        f'<p class="note">No rows in <code>{escape(source)}</code> yet.</p></figure>'
    )
