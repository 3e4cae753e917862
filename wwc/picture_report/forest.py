"""The forest plot of achievement by a group of cities (form of government, population band): per
practice area, one dot and 95% whisker per group, with the differences the tests support ringed."""

from __future__ import annotations

from wwc.picture_report.data import Row
from wwc.picture_report.svg import (
    PALETTE,
    Scale,
    empty_figure,
    escape,
    figure,
    legend,
    numbers_table,
    pct,
    svg_image,
    text,
    whisker,
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
    colour = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    small = {r[group] for r in rows if r["is_small_group"]}
    sizes = {r[group]: (r["cities"], r["assessments"]) for r in rows}
    areas = sorted({r["practice_area"] for r in rows})
    label_w, plot_w, right_w, line_h, gap = 200, 600, 60, 12, 12
    top_axis = max(r["share_met_upper_95"] for r in rows)
    x = Scale(label_w, plot_w, top=min(1.0, 0.2 * (int(top_axis / 0.2) + 1)))
    legend_lines = [groups[i : i + 3] for i in range(0, len(groups), 3)]
    y = 14.0
    parts: list[str] = []
    for line in legend_lines:
        parts += legend(
            [
                (
                    f"{g} ({sizes[g][0]} cities{', too few to compare' if g in small else ''})",
                    colour[g],
                    g in small,
                )
                for g in line
            ],
            0,
            y,
        )
        y += 18
    plot_top = y
    body: list[str] = []
    for area in areas:
        subset = [r for r in rows if r["practice_area"] == area]
        block = len(subset) * line_h
        body.append(text(label_w - 10, y + block / 2 + 4, area, "end"))
        overall = subset[0]["share_met_all_groups"]
        body.append(
            f'<line class="overall" x1="{x(overall):.1f}" y1="{y:.1f}" x2="{x(overall):.1f}" '
            f'y2="{y + block:.1f}" stroke="#57606a" stroke-dasharray="3 2"/>'
        )
        for i, r in enumerate(sorted(subset, key=lambda r: groups.index(r[group]))):
            cy = y + i * line_h + line_h / 2
            c = colour[r[group]]
            body.append(whisker(x(r["share_met_lower_95"]), x(r["share_met_upper_95"]), cy, c))
            fill = "#fff" if r["is_small_group"] else c
            finding = _group_finding(r)
            if r["differs_from_other_cities"]:  # a ring marks a difference the test supports
                body.append(
                    f'<circle class="differs" cx="{x(r["share_met"]):.1f}" cy="{cy:.1f}" r="7" '
                    'fill="none" stroke="#1f2328" stroke-width="1.5"/>'
                )
            body.append(
                f'<circle class="point" cx="{x(r["share_met"]):.1f}" cy="{cy:.1f}" r="4" '
                f'fill="{fill}" stroke="{c}" stroke-width="1.5">'
                f"<title>{escape(r[group])}, {escape(area)}: "
                f"{pct(r['share_met'], 1)} (95% interval {pct(r['share_met_lower_95'], 1)} to "
                f"{pct(r['share_met_upper_95'], 1)}; {r['criteria_met']} of "
                f"{r['criterion_results']} criterion results; {escape(finding)})</title></circle>"
            )
        y += block + gap
    parts += x.axis(plot_top - 4, y - gap + 4) + body
    height = y + 20
    svg = svg_image(label_w + plot_w + right_w, height, title, parts)
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
        "dashed line: all cities. Each group is tested against the other cities, with city-level "
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
