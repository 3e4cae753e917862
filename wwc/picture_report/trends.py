"""Trend by assessment year and by entry cohort: the achievement marts' pooled shares as they
are, one line per practice area or entry cohort."""

from __future__ import annotations

from typing import Any

from wwc.picture_report.data import Row
from wwc.picture_report.svg import empty_figure, figure, numbers_table, pct, render_svg

TRENDS = ("trend-by-year", "trend-by-cohort")
NOT_TESTED = (
    "Shares pooled over the cities assessed in each group, without intervals: these movements "
    "are not tested against chance here, so read them as description. For the same cities "
    "from one assessment to the next, with intervals and tests, see the first chart."
)


def _share_axis(title: str) -> dict[str, Any]:
    return {"field": "share_met", "type": "quantitative", "title": title, "axis": {"format": "%"}}


def chart_trend_by_year(rows: list[Row]) -> str:
    chart, source = TRENDS[0], "marts.fct_practice_area_achievement_by_year"
    title = "Trend by year: share of criteria met in each practice area"
    if not rows:
        return empty_figure(chart, title, source)
    spec = {
        "width": 520,
        "height": 260,
        "data": {"values": rows},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "assessment_year", "type": "ordinal", "title": "year of assessment"},
            "y": _share_axis("share of criteria met"),
            "color": {"field": "practice_area", "type": "nominal", "title": "practice area"},
        },
    }
    years = sorted({r["assessment_year"] for r in rows})
    assessed = {r["assessment_year"]: r["assessments"] for r in rows}
    caption = (
        "Assessments under the current standard by year of submission ("
        + ", ".join(f"{year}: {assessed[year]} assessments" for year in years)
        + f"). {NOT_TESTED}"
    )
    table = numbers_table(
        ["practice area", "year", "assessments", "criteria met", "criterion results", "share"],
        (
            (
                r["practice_area"],
                r["assessment_year"],
                r["assessments"],
                r["criteria_met"],
                r["criterion_results"],
                pct(r["share_met"], 1),
            )
            for r in rows
        ),
    )
    return figure(chart, title, source, render_svg(spec), caption, table)


def chart_trend_by_cohort(rows: list[Row]) -> str:
    chart, source = TRENDS[1], "marts.fct_practice_area_achievement_by_cohort"
    title = "Trend by entry cohort: share of all criteria met, first assessment and after"
    if not rows:
        return empty_figure(chart, title, source)
    spec = {
        "width": 520,
        "height": 240,
        "data": {"values": rows},
        "layer": [
            {"mark": {"type": "line", "point": True}},
            {
                "mark": {"type": "text", "dy": -10, "fontSize": 10, "color": "#57606a"},
                "encoding": {"text": {"field": "assessments", "format": "d"}},
            },
        ],
        "encoding": {
            "x": {
                "field": "assessment_number",
                "type": "ordinal",
                "title": "the city's nth assessment under the current standard",
                "axis": {"labelAngle": 0},
            },
            "y": _share_axis("share of all criteria met"),
            "color": {"field": "entry_cohort", "type": "nominal", "title": "entry cohort"},
        },
    }
    caption = (
        "Cities grouped by the year of their first assessment under the current standard; each "
        "point pools every criterion of that cohort's nth assessments, labelled with the number "
        f"of assessments. {NOT_TESTED}"
    )
    table = numbers_table(
        ["entry cohort", "assessment", "assessments", "criteria met", "criterion results", "share"],
        (
            (
                r["entry_cohort"],
                r["assessment_number"],
                r["assessments"],
                r["criteria_met"],
                r["criterion_results"],
                pct(r["share_met"], 1),
            )
            for r in rows
        ),
    )
    return figure(chart, title, source, render_svg(spec), caption, table)
