"""The forest plot of achievement by a group of cities (form of government, population band), drawn
with Vega-Lite: per practice area, one dot and 95% whisker per group, with the differences the
tests support ringed."""

from __future__ import annotations

from wwc.picture_report.data import Row
from wwc.picture_report.svg import (
    PALETTE,
    empty_figure,
    figure,
    label_axis,
    numbers_table,
    pct,
    render_svg,
    share_axis,
)


def _group_finding(r: Row) -> str:
    if r["is_small_group"]:
        return "too few cities to compare"
    if r["differs_from_other_cities"]:
        return f"differs from the other cities (adjusted p = {r['p_value_adjusted']:.3f})"
    return "no clear difference"


def chart_achievement_by_group(
    rows: list[Row], group: str, chart: str, title: str, source: str, noun: str
) -> str:
    """A forest plot: per practice area, one dot and 95% whisker per group of cities."""
    if not rows:
        return empty_figure(chart, title, source)
    groups: list[str] = []
    for r in rows:  # rows arrive ordered by area, then by the group's natural order
        if r[group] not in groups:
            groups.append(r[group])
    small = {r[group] for r in rows if r["is_small_group"]}
    cities = {r[group]: r["cities"] for r in rows}
    label = {
        g: f"{g} ({cities[g]} cities{', too few to compare' if g in small else ''})" for g in groups
    }
    values = [
        {
            "area": r["practice_area"],
            "group": label[r[group]],
            "share": r["share_met"],
            "lo": r["share_met_lower_95"],
            "hi": r["share_met_upper_95"],
            "small": bool(r["is_small_group"]),
            "differs": bool(r["differs_from_other_cities"]),
            "shown": pct(r["share_met"], 1),
            "interval": f"{pct(r['share_met_lower_95'], 1)} to {pct(r['share_met_upper_95'], 1)}",
            "counts": f"{r['criteria_met']} of {r['criterion_results']} criterion results",
            "finding": _group_finding(r),
        }
        for r in rows
    ]
    overall = {r["practice_area"]: r["share_met_all_groups"] for r in rows}
    top = min(1.0, 0.2 * (int(max(r["share_met_upper_95"] for r in rows) / 0.2) + 1))
    areas = sorted(overall)
    area = label_axis("area", 190) | {"sort": areas}
    offset = {"field": "group", "type": "nominal", "sort": [label[g] for g in groups]}
    colour = {
        "field": "group",
        "type": "nominal",
        "title": None,
        "legend": {"columns": 3, "symbolType": "circle"},
        "scale": {
            "domain": [label[g] for g in groups],
            "range": [PALETTE[i % len(PALETTE)] for i in range(len(groups))],
        },
    }
    spec = {
        "width": 560,
        "height": (12 * len(groups) + 10) * len(areas),
        "layer": [
            {
                # The share of all cities in the area: a dashed line across its groups.
                "data": {"values": [{"area": a, "share": s} for a, s in overall.items()]},
                "mark": {
                    "type": "tick",
                    "color": "#57606a",
                    "strokeDash": [3, 2],
                    "thickness": 1,
                    "size": 12 * len(groups) + 4,
                },
                "encoding": {"y": area, "x": share_axis("share of criteria met", top=top)},
            },
            {
                "name": "whiskers",
                "data": {"values": values},
                "mark": {"type": "bar", "height": 1.5},
                "encoding": {
                    "y": area,
                    "yOffset": offset,
                    "x": {"field": "lo", "type": "quantitative"},
                    "x2": {"field": "hi"},
                    "color": colour,
                },
            },
            {
                "name": "points",
                "data": {"values": values},
                "mark": {"type": "point", "size": 40, "strokeWidth": 1.5, "opacity": 1},
                "encoding": {
                    "y": area,
                    "yOffset": offset,
                    "x": {"field": "share", "type": "quantitative"},
                    "color": colour,
                    # Hollow: a group too small to compare (never tested).
                    "fill": {"condition": {"test": "datum.small", "value": "#fff"}, **colour},
                    "tooltip": [
                        {"field": "group"},
                        {"field": "area", "title": "practice area"},
                        {"field": "shown", "title": "share met"},
                        {"field": "interval", "title": "95% interval"},
                        {"field": "counts", "title": "met"},
                        {"field": "finding"},
                    ],
                },
            },
            {
                # A ring marks a difference the test supports.
                "name": "rings",
                "data": {"values": [v for v in values if v["differs"]]},
                "mark": {"type": "point", "size": 190, "color": "#1f2328", "strokeWidth": 1.5},
                "encoding": {
                    "y": area,
                    "yOffset": offset,
                    "x": {"field": "share", "type": "quantitative"},
                },
            },
        ],
    }
    svg = render_svg(spec)
    flagged = [r for r in rows if r["differs_from_other_cities"]]
    verdict = (
        f"{len(flagged)} of {len(rows)} cells differ from the other cities (ringed): "
        + "; ".join(f"{r[group]} in {r['practice_area']}" for r in flagged)
        if flagged
        else f"No {noun} differs clearly from the other cities in any practice area"
    )
    caption = (
        f"Share of criteria met per practice area by {noun}, over every assessment under the "
        "current standard. Dot: share met; whiskers: 95% interval with the city as the unit; "
        "grey line: all cities. Each group is tested against the other cities, with city-level "
        f"variances and Holm's correction across the chart's comparisons. {verdict}. A hollow "
        "dot marks a group of fewer than 10 cities, too small to compare (never tested)."
    )
    table = numbers_table(
        [
            noun,
            "practice area",
            "cities",
            "assessments",
            "share met",
            "95% interval",
            "other cities",
            "finding",
        ],
        [
            (
                r[group],
                r["practice_area"],
                r["cities"],
                r["assessments"],
                pct(r["share_met"], 1),
                f"{pct(r['share_met_lower_95'], 1)} to {pct(r['share_met_upper_95'], 1)}",
                pct(r["share_met_other_cities"], 1),
                _group_finding(r),
            )
            for r in rows
        ],
    )
    return figure(chart, title, source, svg, caption, table)
