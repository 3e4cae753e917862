"""The bar charts (practice-area change, criterion prevalence, certification levels), each one
<figure> drawn with Vega-Lite from its report's rows as they are; forest.py draws the two group
charts, mastery.py the characteristics of masters."""

from __future__ import annotations

import textwrap

from wwc.picture_report.data import Row
from wwc.picture_report.svg import (
    DOWN,
    FIRST,
    LEVEL_COLOURS,
    NEXT,
    PALETTE,
    UP,
    empty_figure,
    figure,
    label_axis,
    numbers_table,
    pct,
    points,
    render_svg,
    share_axis,
)
from wwc.vocabulary import CERTIFIED_LEVELS

LABEL_CHARS = 29  # a criterion label's line: the longest name (46 characters) takes two
STAGES = ("earlier assessment", "next assessment")

# Charts on the page, in order: the id is each <figure>'s data-chart attribute.
CHARTS = (
    "practice-area-change",
    "criterion-prevalence",
    "achievement-by-form-of-government",
    "achievement-by-population-band",
    "certification-levels-by-year",
)


def _interval(lo: float, hi: float) -> str:
    return f"{pct(lo, 1)} to {pct(hi, 1)}"


def _change_spec(rows: list[Row]) -> dict:
    values = []
    for r in rows:
        # Coloured only when the paired city-level test tells the change from noise.
        direction = r["change_direction"]
        clear = direction in ("up", "down")
        for stage, prefix in zip(STAGES, ("from", "to"), strict=True):
            share, lo, hi = (
                r[f"{prefix}_share_met{end}"] for end in ("", "_lower_95", "_upper_95")
            )
            values.append(
                {
                    "pair": f"assessment {r['from_assessment_number']} vs "
                    f"{r['to_assessment_number']}: {r['cities']} cities",
                    "order": r["from_assessment_number"],
                    "area": r["practice_area"],
                    "stage": stage,
                    "share": share,
                    "lo": lo,
                    "hi": hi,
                    "shown": pct(share, 1),
                    "interval": _interval(lo, hi),
                    "change": points(r["change_in_share_met"]) + ("" if clear else " ?"),
                    "direction": direction,
                }
            )
    areas = sorted({r["practice_area"] for r in rows})
    y = label_axis("area", 190) | {"sort": areas}
    offset = {"field": "stage", "type": "nominal", "sort": list(STAGES)}
    return {
        "data": {"values": values},
        "facet": {
            "row": {
                "field": "pair",
                "type": "nominal",
                "title": None,
                "sort": {"field": "order"},
                "header": {"labelAngle": 0, "labelAlign": "left", "labelOrient": "top"},
            }
        },
        "spec": {
            "width": 540,
            "height": 30 * len(areas),
            "layer": [
                {
                    "name": "bars",
                    "mark": {"type": "bar", "height": 11},
                    "encoding": {
                        "y": y,
                        "yOffset": offset,
                        "x": share_axis("share of criteria met"),
                        "color": {
                            "field": "stage",
                            "type": "nominal",
                            "title": None,
                            "scale": {"domain": list(STAGES), "range": [FIRST, NEXT]},
                        },
                        "tooltip": [
                            {"field": "area", "title": "practice area"},
                            {"field": "stage"},
                            {"field": "shown", "title": "share met"},
                            {"field": "interval", "title": "95% interval"},
                        ],
                    },
                },
                {
                    # Drawn as thin bars: a bar of set height sits at the middle of its band.
                    "name": "whiskers",
                    "mark": {"type": "bar", "height": 1.5, "color": "#1f2328"},
                    "encoding": {
                        "y": y,
                        "yOffset": offset,
                        "x": {"field": "lo", "type": "quantitative"},
                        "x2": {"field": "hi"},
                    },
                },
                {
                    "name": "changes",
                    "transform": [{"filter": f"datum.stage === '{STAGES[1]}'"}],
                    "mark": {
                        "type": "text",
                        "align": "left",
                        "baseline": "middle",
                        "x": 552,
                        "fontWeight": 600,
                    },
                    "encoding": {
                        "y": y,
                        "text": {"field": "change"},
                        "color": {
                            "condition": [
                                {"test": "datum.direction === 'up'", "value": UP},
                                {"test": "datum.direction === 'down'", "value": DOWN},
                            ],
                            "value": "#57606a",
                        },
                    },
                },
            ],
        },
    }


def chart_practice_area_change(rows: list[Row]) -> str:
    """The article's chart: per practice area, the same cities at their nth and next assessment."""
    chart, source = CHARTS[0], "reports.rpt_practice_area_change_between_assessments"
    title = "Cities with more than one assessment: share of criteria met, first vs next"
    if not rows:
        return empty_figure(chart, title, source)
    svg = render_svg(_change_spec(rows))
    first = [r for r in rows if r["from_assessment_number"] == 1]
    up = sum(1 for r in first if r["change_direction"] == "up")
    down = sum(1 for r in first if r["change_direction"] == "down")
    unclear = len(first) - up - down
    caption = (
        f"Share of criteria met in each practice area by the same cities at their earlier and "
        f"next assessment under the current standard. Between the first and second: {up} of "
        f"{len(first)} areas clearly up, {down} clearly down, {unclear} with no clear change "
        "(grey, marked ?), by a paired test with each city compared with itself, Holm-adjusted "
        "across the areas. Whiskers: 95% intervals with the city as the unit; right: change in "
        "percentage points."
    )
    table = numbers_table(
        [
            "practice area",
            "pair",
            "cities",
            "earlier",
            "next",
            "change",
            "paired 95% interval",
            "finding",
        ],
        [
            (
                r["practice_area"],
                f"{r['from_assessment_number']} → {r['to_assessment_number']}",
                r["cities"],
                pct(r["from_share_met"], 1),
                pct(r["to_share_met"], 1),
                points(r["change_in_share_met"]),
                f"{points(r['change_lower_95'])} to {points(r['change_upper_95'])}",
                r["change_direction"],
            )
            for r in rows
        ],
    )
    return figure(chart, title, source, svg, caption, table)


def _prevalence_panel(rows: list[Row], heading: str, panel: str) -> dict:
    # A criterion's full name, wrapped onto lines that the axis draws one under the other.
    values = [
        {
            "label": "\n".join(
                textwrap.wrap(f"{r['criterion_code']} {r['criterion_name']}", LABEL_CHARS)
            ),
            "criterion": f"{r['criterion_id']} {r['criterion_name']}",
            "share": r["share_met"],
            "lo": r["share_met_lower_95"],
            "hi": r["share_met_upper_95"],
            "shown": pct(r["share_met"]),
            "met": f"{r['criteria_met']} of {r['assessments']} assessments "
            f"({pct(r['share_met'], 1)})",
            "wording": f"{r['wording_source']} wording",
        }
        for r in rows
    ]
    y = label_axis("label", 210, grid=False) | {"sort": [v["label"] for v in values]}
    return {
        "title": {"text": heading, "anchor": "start", "fontSize": 12},
        "width": 200,
        "height": 32 * len(values),
        "data": {"values": values},
        "encoding": {"y": y},
        "layer": [
            {
                "name": f"bars_{panel}",  # names are unique across panels
                "mark": {"type": "bar", "height": 12},
                "encoding": {
                    "x": share_axis("share of assessments"),
                    "color": {
                        "field": "wording",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": ["published wording", "illustrative wording"],
                            "range": [PALETTE[0], "#7FA7C9"],
                        },
                    },
                    "tooltip": [{"field": "criterion"}, {"field": "met", "title": "met in"}],
                },
            },
            {
                "name": f"whiskers_{panel}",
                "mark": {"type": "bar", "height": 1.5, "color": "#1f2328"},
                "encoding": {"x": {"field": "lo", "type": "quantitative"}, "x2": {"field": "hi"}},
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "color": "#57606a"},
                "encoding": {
                    "x": {"field": "hi", "type": "quantitative"},
                    "text": {"field": "shown"},
                },
            },
        ],
    }


def chart_criterion_prevalence(rows: list[Row], shown: int = 10) -> str:
    chart, source = CHARTS[1], "reports.rpt_criterion_prevalence"
    title = "Most and least met criteria"
    if not rows:
        return empty_figure(chart, title, source)
    most = sorted(rows, key=lambda r: (r["rank_most_met"], r["criterion_id"]))[:shown]
    least = sorted(rows, key=lambda r: (r["rank_least_met"], r["criterion_id"]))[:shown]
    spec = {
        "hconcat": [
            _prevalence_panel(most, f"{len(most)} most met", "most"),
            _prevalence_panel(least, f"{len(least)} least met", "least"),
        ],
        "spacing": 30,
        "resolve": {"scale": {"y": "independent"}},
    }
    svg = render_svg(spec)
    r0 = rows[0]
    years = (
        str(r0["period_start_year"])
        if r0["period_start_year"] == r0["period_end_year"]
        else f"{r0['period_start_year']}-{r0['period_end_year']}"
    )
    caption = (
        f"Share of the {r0['assessments']} assessments of {years} (current standard) that met "
        "each criterion, after the prerequisite rule. Whiskers: 95% Wilson intervals."
    )
    table = numbers_table(
        ["rank (most met)", "criterion", "practice area", "met", "assessments", "share"],
        [
            (
                r["rank_most_met"],
                f"{r['criterion_code']} {r['criterion_name']}",
                r["practice_area"],
                r["criteria_met"],
                r["assessments"],
                pct(r["share_met"], 1),
            )
            for r in rows
        ],
    )
    return figure(chart, title, source, svg, caption, table)


def chart_certification_levels(rows: list[Row]) -> str:
    chart, source = CHARTS[4], "reports.rpt_certification_levels_by_year"
    title = "Certified cities by certification year"
    if not rows:
        return empty_figure(chart, title, source)
    segments, totals, stacked = [], [], {}
    for r in rows:
        # Below each bar: the year, the assessments and the movements, one line each.
        year = "\n".join(
            [
                str(r["certification_cohort"]),
                f"{r['assessment_year']} assessments",
                f"{r['newly_certified']} new, {r['moved_up']} up",
            ]
        )
        base = 0
        for level in CERTIFIED_LEVELS:
            n = r[level]
            segments.append({"year": year, "level": level, "n": n, "base": base, "top": base + n})
            base += n
        stacked[year] = base
        totals.append({"year": year, "n": base, "label": f"{r['total_certified']} certified"})
    peak = max(stacked.values(), default=0) or 1
    x = label_axis("year", 0, labelAngle=0, grid=False) | {"sort": list(stacked)}
    count = {
        "type": "quantitative",
        "title": "certified cities",
        "scale": {"domain": [0, peak * 1.1]},
    }
    spec = {
        "width": {"step": 160},
        "height": 260,
        "encoding": {"x": x},
        "layer": [
            {
                "name": "bars",
                "data": {"values": [s for s in segments if s["n"]]},
                "mark": {"type": "bar", "width": 90},
                "encoding": {
                    "y": {"field": "base", **count},
                    "y2": {"field": "top"},
                    "color": {
                        "field": "level",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": list(CERTIFIED_LEVELS),
                            "range": [LEVEL_COLOURS[lv] for lv in CERTIFIED_LEVELS],
                        },
                    },
                    "tooltip": [{"field": "level"}, {"field": "n", "title": "cities"}],
                },
            },
            {
                # The count inside a segment tall enough to hold it.
                "data": {"values": [s for s in segments if s["n"] >= peak / 14]},
                "mark": {"type": "text", "color": "#fff", "fontWeight": 600, "baseline": "middle"},
                "encoding": {
                    "y": {"field": "mid", "type": "quantitative"},
                    "text": {"field": "n"},
                },
                "transform": [{"calculate": "(datum.base + datum.top) / 2", "as": "mid"}],
            },
            {
                "data": {"values": totals},
                "mark": {"type": "text", "dy": -8, "fontWeight": 600},
                "encoding": {
                    "y": {"field": "n", "type": "quantitative"},
                    "text": {"field": "label"},
                },
            },
        ],
    }
    svg = render_svg(spec)
    caption = (
        "Cities holding each level in each certification year (the announcement year, "
        "assessment year + 1, as WWC counts it); a city keeps the level of its latest "
        "assessment. Below each bar: cities certified for the first time and cities that moved "
        "up a level."
    )
    table = numbers_table(
        [
            "certification year",
            "assessments",
            *CERTIFIED_LEVELS,
            "certified",
            "new",
            "moved up",
            "moved down",
        ],
        [
            (
                r["certification_cohort"],
                r["assessments"],
                *(r[lv] for lv in CERTIFIED_LEVELS),
                r["total_certified"],
                r["newly_certified"],
                r["moved_up"],
                r["moved_down"],
            )
            for r in rows
        ],
    )
    return figure(chart, title, source, svg, caption, table)
