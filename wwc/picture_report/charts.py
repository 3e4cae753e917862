"""The bar charts (practice-area change, criterion prevalence, certification levels), each one
<figure> drawn from its report's rows as they are; forest.py draws the two group charts."""

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
    Scale,
    empty_figure,
    escape,
    figure,
    legend,
    numbers_table,
    pct,
    points,
    svg_image,
    text,
    whisker,
)
from wwc.vocabulary import CERTIFIED_LEVELS

# Charts on the page, in order: the id is each <figure>'s data-chart attribute.
LABEL_CHARS = 29  # a criterion label's line, within its 230-pixel column

CHARTS = (
    "practice-area-change",
    "criterion-prevalence",
    "achievement-by-form-of-government",
    "achievement-by-population-band",
    "certification-levels-by-year",
)


def chart_practice_area_change(rows: list[Row]) -> str:
    """The article's chart: per practice area, the same cities at their nth and next assessment."""
    chart, source = CHARTS[0], "reports.rpt_practice_area_change_between_assessments"
    title = "Cities with more than one assessment: share of criteria met, first vs next"
    if not rows:
        return empty_figure(chart, title, source)
    label_w, plot_w, right_w, bar_h = 200, 560, 110, 11
    pairs = sorted({r["from_assessment_number"] for r in rows})
    group_h = 2 * bar_h + 14
    height = 40 + len(pairs) * 26 + len(rows) * group_h + 30
    x = Scale(label_w, plot_w)
    parts = legend(
        [("earlier assessment", FIRST, False), ("next assessment", NEXT, False)], label_w, 16
    )
    y = 34.0
    plot_top = y
    for pair in pairs:
        subset = [r for r in rows if r["from_assessment_number"] == pair]
        cities = subset[0]["cities"]
        y += 18
        parts.append(
            text(
                label_w,
                y,
                f"assessment {pair} vs {pair + 1}: {cities} cities",
                font_weight="600",
                fill="#57606a",
            )
        )
        y += 8
        for r in subset:
            parts.append(text(label_w - 8, y + bar_h + 4, r["practice_area"], "end"))
            for i, (stage, colour) in enumerate((("from", FIRST), ("to", NEXT))):
                share, lo, hi = (
                    r[f"{stage}_share_met{end}"] for end in ("", "_lower_95", "_upper_95")
                )
                top = y + i * (bar_h + 1)
                parts.append(
                    f'<rect class="bar" x="{x(0):.1f}" y="{top:.1f}" '
                    f'width="{x(share) - x(0):.1f}" height="{bar_h}" fill="{colour}">'
                    f"<title>{escape(r['practice_area'])}: {pct(share, 1)} "
                    f"(95% interval {pct(lo, 1)} to {pct(hi, 1)})</title></rect>"
                )
                parts.append(whisker(x(lo), x(hi), top + bar_h / 2))
            # Coloured only when the paired city-level test tells the change from noise.
            direction = r["change_direction"]
            parts.append(
                text(
                    label_w + plot_w + 10,
                    y + bar_h + 4,
                    points(r["change_in_share_met"])
                    + ("" if direction in ("up", "down") else " ?"),
                    fill=UP if direction == "up" else DOWN if direction == "down" else "#57606a",
                    font_weight="600" if direction in ("up", "down") else "400",
                )
            )
            y += group_h
    parts = x.axis(plot_top, y) + parts
    svg = svg_image(label_w + plot_w + right_w, height, title, parts)
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


def _prevalence_panel(rows: list[Row], x0: float, y0: float, heading: str) -> list[str]:
    # Room for a criterion's full name on two lines (the longest is 46 characters).
    label_w, plot_w, bar_h, step = 230, 200, 12, 32
    x = Scale(x0 + label_w, plot_w)
    parts = [text(x0, y0, heading, font_weight="600")]
    top = y0 + 10
    parts += x.axis(top, top + len(rows) * step + 4, step=0.25)
    for i, r in enumerate(rows):
        y = top + 4 + i * step
        lines = textwrap.wrap(f"{r['criterion_code']} {r['criterion_name']}", LABEL_CHARS)
        first = y + bar_h - 2 - 7 * (len(lines) - 1)
        for n, line in enumerate(lines):
            parts.append(text(x0 + label_w - 8, first + 14 * n, line, "end"))
        colour = PALETTE[0] if r["wording_source"] == "published" else "#7FA7C9"
        parts.append(
            f'<rect class="bar" x="{x(0):.1f}" y="{y:.1f}" width="{x(r["share_met"]) - x(0):.1f}" '
            f'height="{bar_h}" fill="{colour}"><title>{escape(r["criterion_id"])} '
            f"{escape(r['criterion_name'])}: met in {r['criteria_met']} of {r['assessments']} "
            f"assessments ({pct(r['share_met'], 1)})</title></rect>"
        )
        parts.append(whisker(x(r["share_met_lower_95"]), x(r["share_met_upper_95"]), y + 6))
        parts.append(text(x(1) + 6, y + bar_h - 2, pct(r["share_met"]), fill="#57606a"))
    return parts


def chart_criterion_prevalence(rows: list[Row], shown: int = 10) -> str:
    chart, source = CHARTS[1], "reports.rpt_criterion_prevalence"
    title = "Most and least met criteria"
    if not rows:
        return empty_figure(chart, title, source)
    most = sorted(rows, key=lambda r: (r["rank_most_met"], r["criterion_id"]))[:shown]
    least = sorted(rows, key=lambda r: (r["rank_least_met"], r["criterion_id"]))[:shown]
    panel_w = 500
    height = 60 + shown * 32 + 40
    parts = _prevalence_panel(most, 0, 16, f"{len(most)} most met")
    parts += _prevalence_panel(least, panel_w, 16, f"{len(least)} least met")
    parts += legend(
        [("published wording", PALETTE[0], False), ("illustrative wording", "#7FA7C9", False)],
        0,
        height - 8,
    )
    svg = svg_image(2 * panel_w, height, title, parts)
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
    left, bar_w, step, plot_h = 50, 90, 170, 260
    peak = max(max(r["total_certified"] for r in rows), 1)
    unit = 10 ** max(0, len(str(peak)) - 1)
    top = unit * (peak // unit + 1)
    width = left + step * len(rows) + 20
    height = plot_h + 90
    base = 30 + plot_h

    def y_of(n: float) -> float:
        return base - plot_h * n / top

    parts = legend([(lv, LEVEL_COLOURS[lv], False) for lv in CERTIFIED_LEVELS], left, 14)
    ticks = 5
    for i in range(ticks + 1):
        n = top * i / ticks
        parts.append(
            f'<line x1="{left}" y1="{y_of(n):.1f}" x2="{width - 10}" y2="{y_of(n):.1f}" '
            'stroke="#d8dee4"/>'
        )
        parts.append(text(left - 6, y_of(n) + 4, f"{n:g}", "end", fill="#57606a"))
    for i, r in enumerate(rows):
        bx = left + 40 + i * step
        centre = bx + bar_w / 2
        stacked = 0
        for level in CERTIFIED_LEVELS:
            n = r[level]
            if n:
                parts.append(
                    f'<rect class="bar" x="{bx}" y="{y_of(stacked + n):.1f}" width="{bar_w}" '
                    f'height="{y_of(stacked) - y_of(stacked + n):.1f}" '
                    f'fill="{LEVEL_COLOURS[level]}"><title>{r["certification_cohort"]}: {n} '
                    f"{level}</title></rect>"
                )
                if y_of(stacked) - y_of(stacked + n) >= 14:
                    mid = y_of(stacked + n / 2) + 4
                    parts.append(
                        text(centre, mid, str(n), "middle", fill="#fff", font_weight="600")
                    )
            stacked += n
        # Above the bar its total; below it the year, the assessments and the movements.
        labels = [
            (y_of(stacked) - 6, f"{r['total_certified']} certified", {"font_weight": "600"}),
            (base + 18, str(r["certification_cohort"]), {"font_weight": "600"}),
            (base + 34, f"{r['assessment_year']} assessments", {"fill": "#57606a"}),
            (base + 50, f"{r['newly_certified']} new, {r['moved_up']} up", {"fill": "#57606a"}),
        ]
        parts += [text(centre, y, label, "middle", **style) for y, label, style in labels]
    svg = svg_image(width, height, title, parts)
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
