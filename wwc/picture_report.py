"""The picture report: one self-contained HTML page of charts, written beside the warehouse.

Every chart is drawn from a published `reports.rpt_*` table, read from the published file
read-only after the publish: nothing is recomputed here, so the page shows exactly what an
analyst's SQL against the warehouse shows. The charts are hand-written inline SVG with inline
CSS and no script, font or image from anywhere else, so the page opens offline and makes no
network request.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

Row = dict[str, Any]

# Charts on the page, in order: the id is each <figure>'s data-chart attribute.
CHARTS = (
    "practice-area-change",
    "criterion-prevalence",
    "achievement-by-form-of-government",
    "achievement-by-population-band",
    "certification-levels-by-year",
)

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
FIRST, NEXT = "#9DB9D3", "#0B4F8A"
UP, DOWN = "#1B7F3B", "#B3261E"
LEVEL_COLOURS = {"silver": "#A7A9AC", "gold": "#D4A017", "platinum": "#4F6D8A"}

FONT = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
STYLE = f"""
body{{font-family:{FONT};color:#1f2328;margin:0;background:#f6f7f9;line-height:1.45}}
main{{max-width:1040px;margin:0 auto;padding:1.5rem 1.25rem 3rem}}
h1{{font-size:1.6rem;margin:.2rem 0}}h2{{font-size:1.2rem;margin:0 0 .3rem}}
.meta,.note,figcaption{{color:#57606a;font-size:.9rem}}
figure{{background:#fff;border:1px solid #d0d7de;border-radius:8px;margin:1.25rem 0;
padding:1rem 1.25rem}}
svg{{display:block;max-width:100%;height:auto;font-family:{FONT}}}
.banner{{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:.5rem .75rem;
font-size:.9rem}}
table{{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}}
td,th{{border-bottom:1px solid #d8dee4;padding:.2rem .6rem;text-align:right}}
td:first-child,th:first-child{{text-align:left}}th{{background:#f6f8fa}}
details summary{{cursor:pointer;color:#0969da;font-size:.9rem;margin-top:.4rem}}
code{{font-size:.85em;background:#eff1f3;padding:.05rem .25rem;border-radius:3px}}
"""


def report_path(published: Path) -> Path:
    """`data/wwc.duckdb` -> `data/wwc_report.html`."""
    return published.with_name(f"{published.stem}_report.html")


# --- reading the published reports -------------------------------------------------------------


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[Row]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_reports(published: Path) -> dict[str, list[Row]]:
    """The rows each chart draws, straight from the published reports (read-only)."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        return {
            "change": _rows(
                con,
                "select * from reports.rpt_practice_area_change_between_assessments "
                "order by from_assessment_number, to_share_met desc, practice_area",
            ),
            "prevalence": _rows(
                con,
                "select * from reports.rpt_criterion_prevalence where is_all_years "
                "order by rank_most_met, criterion_id",
            ),
            "government": _rows(
                con,
                "select * from reports.rpt_achievement_by_form_of_government "
                "order by practice_area, cities desc, form_of_government",
            ),
            "population": _rows(
                con,
                "select * from reports.rpt_achievement_by_population_band "
                "order by practice_area, population_band_order",
            ),
            "levels": _rows(
                con,
                "select * from reports.rpt_certification_levels_by_year "
                "order by certification_cohort",
            ),
            "mastery": _rows(
                con,
                "select * from reports.rpt_mastery_characteristics "
                "where not is_mastery_component and p_value is not null "
                "order by p_value_adjusted, rank_among_city_traits limit 8",
            ),
        }
    finally:
        con.close()


# --- SVG helpers -------------------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _pct(share: float | None, digits: int = 0) -> str:
    return "n/a" if share is None else f"{share * 100:.{digits}f}%"


def _points(change: float) -> str:
    return f"{change * 100:+.1f} pts"


def _text(x: float, y: float, text: str, anchor: str = "start", **attrs: object) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{_e(v)}"' for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="12"{extra}>'
        f"{_e(text)}</text>"
    )


def _svg(width: float, height: float, title: str, body: Iterable[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{_e(title)}">'
        f"<title>{_e(title)}</title>{''.join(body)}</svg>"
    )


class Scale:
    """Shares in [0, 1] onto x pixels."""

    def __init__(self, left: float, width: float, top: float = 1.0) -> None:
        self.left, self.width, self.top = left, width, top

    def __call__(self, share: float) -> float:
        return self.left + self.width * max(0.0, min(share, self.top)) / self.top

    def axis(self, y_top: float, y_bottom: float, step: float = 0.2) -> list[str]:
        parts = []
        ticks = round(self.top / step)
        for i in range(ticks + 1):
            share = i * step
            x = self(share)
            parts.append(
                f'<line x1="{x:.1f}" y1="{y_top:.1f}" x2="{x:.1f}" y2="{y_bottom:.1f}" '
                'stroke="#d8dee4" stroke-width="1"/>'
            )
            parts.append(_text(x, y_bottom + 14, _pct(share), "middle", fill="#57606a"))
        return parts


def _whisker(x_lo: float, x_hi: float, y: float, colour: str = "#1f2328") -> str:
    return (
        f'<g class="whisker" stroke="{colour}" stroke-width="1.3">'
        f'<line x1="{x_lo:.1f}" y1="{y:.1f}" x2="{x_hi:.1f}" y2="{y:.1f}"/>'
        f'<line x1="{x_lo:.1f}" y1="{y - 4:.1f}" x2="{x_lo:.1f}" y2="{y + 4:.1f}"/>'
        f'<line x1="{x_hi:.1f}" y1="{y - 4:.1f}" x2="{x_hi:.1f}" y2="{y + 4:.1f}"/></g>'
    )


def _legend(items: Sequence[tuple[str, str, bool]], x: float, y: float) -> list[str]:
    """A row of swatches: (label, colour, hollow)."""
    parts, cursor = [], x
    for label, colour, hollow in items:
        fill = "#fff" if hollow else colour
        parts.append(
            f'<rect x="{cursor:.1f}" y="{y - 9:.1f}" width="11" height="11" rx="2" '
            f'fill="{fill}" stroke="{colour}" stroke-width="1.5"/>'
        )
        parts.append(_text(cursor + 16, y, label))
        cursor += 26 + 6.6 * len(label)
    return parts


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<details><summary>Show the numbers</summary><table><tr>{head}</tr>{body}</table>"


def _figure(chart: str, title: str, source: str, svg: str, caption: str, table: str) -> str:
    return (
        f'<figure data-chart="{chart}" id="{chart}"><h2>{_e(title)}</h2>{svg}'
        f"<figcaption>{caption} Source: <code>{_e(source)}</code>.</figcaption>"
        f"{table}</details></figure>"
    )


def _empty(chart: str, title: str, source: str) -> str:
    return (
        f'<figure data-chart="{chart}" id="{chart}" data-empty="true"><h2>{_e(title)}</h2>'
        f'<p class="note">No rows in <code>{_e(source)}</code> yet.</p></figure>'
    )


# --- the charts --------------------------------------------------------------------------------


def chart_practice_area_change(rows: list[Row]) -> str:
    """The article's chart: per practice area, the same cities at their nth and next assessment."""
    chart, source = CHARTS[0], "reports.rpt_practice_area_change_between_assessments"
    title = "Cities with more than one assessment: share of criteria met, first vs next"
    if not rows:
        return _empty(chart, title, source)
    label_w, plot_w, right_w, bar_h = 200, 560, 110, 11
    pairs = sorted({r["from_assessment_number"] for r in rows})
    group_h = 2 * bar_h + 14
    height = 40 + len(pairs) * 26 + len(rows) * group_h + 30
    x = Scale(label_w, plot_w)
    parts = _legend(
        [("earlier assessment", FIRST, False), ("next assessment", NEXT, False)], label_w, 16
    )
    y = 34.0
    plot_top = y
    for pair in pairs:
        subset = [r for r in rows if r["from_assessment_number"] == pair]
        cities = subset[0]["cities"]
        y += 18
        parts.append(
            _text(
                label_w,
                y,
                f"assessment {pair} vs {pair + 1}: {cities} cities",
                font_weight="600",
                fill="#57606a",
            )
        )
        y += 8
        for r in subset:
            parts.append(_text(label_w - 8, y + bar_h + 4, r["practice_area"], "end"))
            for i, (share, lo, hi, colour) in enumerate(
                [
                    (r["from_share_met"], r["from_share_met_lower_95"],
                     r["from_share_met_upper_95"], FIRST),
                    (r["to_share_met"], r["to_share_met_lower_95"],
                     r["to_share_met_upper_95"], NEXT),
                ]
            ):  # fmt: skip
                top = y + i * (bar_h + 1)
                parts.append(
                    f'<rect class="bar" x="{x(0):.1f}" y="{top:.1f}" '
                    f'width="{x(share) - x(0):.1f}" height="{bar_h}" fill="{colour}">'
                    f"<title>{_e(r['practice_area'])}: {_pct(share, 1)} "
                    f"(95% interval {_pct(lo, 1)} to {_pct(hi, 1)})</title></rect>"
                )
                parts.append(_whisker(x(lo), x(hi), top + bar_h / 2))
            # Coloured only when the paired city-level test tells the change from noise.
            direction = r["change_direction"]
            parts.append(
                _text(
                    label_w + plot_w + 10,
                    y + bar_h + 4,
                    _points(r["change_in_share_met"])
                    + ("" if direction in ("up", "down") else " ?"),
                    fill=UP if direction == "up" else DOWN if direction == "down" else "#57606a",
                    font_weight="600" if direction in ("up", "down") else "400",
                )
            )
            y += group_h
    parts = x.axis(plot_top, y) + parts
    svg = _svg(label_w + plot_w + right_w, height, title, parts)
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
    table = _table(
        ["practice area", "pair", "cities", "earlier", "next", "change", "paired 95% interval",
         "finding"],
        [
            (r["practice_area"], f"{r['from_assessment_number']} → {r['to_assessment_number']}",
             r["cities"], _pct(r["from_share_met"], 1), _pct(r["to_share_met"], 1),
             _points(r["change_in_share_met"]),
             f"{_points(r['change_lower_95'])} to {_points(r['change_upper_95'])}",
             r["change_direction"])
            for r in rows
        ],
    )  # fmt: skip
    return _figure(chart, title, source, svg, caption, table)


def _prevalence_panel(rows: list[Row], x0: float, y0: float, heading: str) -> list[str]:
    label_w, plot_w, bar_h, step = 230, 200, 12, 20
    x = Scale(x0 + label_w, plot_w)
    parts = [_text(x0, y0, heading, font_weight="600")]
    top = y0 + 10
    parts += x.axis(top, top + len(rows) * step + 4, step=0.25)
    for i, r in enumerate(rows):
        y = top + 4 + i * step
        label = f"{r['criterion_code']} {r['criterion_name']}"
        if len(label) > 29:
            label = label[:28] + "…"
        parts.append(_text(x0 + label_w - 8, y + bar_h - 2, label, "end"))
        colour = PALETTE[0] if r["wording_source"] == "published" else "#7FA7C9"
        parts.append(
            f'<rect class="bar" x="{x(0):.1f}" y="{y:.1f}" width="{x(r["share_met"]) - x(0):.1f}" '
            f'height="{bar_h}" fill="{colour}"><title>{_e(r["criterion_id"])} '
            f"{_e(r['criterion_name'])}: met in {r['criteria_met']} of {r['assessments']} "
            f"assessments ({_pct(r['share_met'], 1)})</title></rect>"
        )
        parts.append(_whisker(x(r["share_met_lower_95"]), x(r["share_met_upper_95"]), y + 6))
        parts.append(_text(x(1) + 6, y + bar_h - 2, _pct(r["share_met"]), fill="#57606a"))
    return parts


def chart_criterion_prevalence(rows: list[Row], shown: int = 10) -> str:
    chart, source = CHARTS[1], "reports.rpt_criterion_prevalence"
    title = "Most and least met criteria"
    if not rows:
        return _empty(chart, title, source)
    most = sorted(rows, key=lambda r: (r["rank_most_met"], r["criterion_id"]))[:shown]
    least = sorted(rows, key=lambda r: (r["rank_least_met"], r["criterion_id"]))[:shown]
    panel_w = 500
    height = 60 + shown * 20 + 40
    parts = _prevalence_panel(most, 0, 16, f"{len(most)} most met")
    parts += _prevalence_panel(least, panel_w, 16, f"{len(least)} least met")
    parts += _legend(
        [("published wording", PALETTE[0], False), ("illustrative wording", "#7FA7C9", False)],
        0,
        height - 8,
    )
    svg = _svg(2 * panel_w, height, title, parts)
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
    table = _table(
        ["rank (most met)", "criterion", "practice area", "met", "assessments", "share"],
        [
            (r["rank_most_met"], f"{r['criterion_code']} {r['criterion_name']}",
             r["practice_area"], r["criteria_met"], r["assessments"], _pct(r["share_met"], 1))
            for r in rows
        ],
    )  # fmt: skip
    return _figure(chart, title, source, svg, caption, table)


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
        return _empty(chart, title, source)
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
        parts += _legend(
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
        body.append(_text(label_w - 10, y + block / 2 + 4, area, "end"))
        overall = subset[0]["share_met_all_groups"]
        body.append(
            f'<line class="overall" x1="{x(overall):.1f}" y1="{y:.1f}" x2="{x(overall):.1f}" '
            f'y2="{y + block:.1f}" stroke="#57606a" stroke-dasharray="3 2"/>'
        )
        for i, r in enumerate(sorted(subset, key=lambda r: groups.index(r[group]))):
            cy = y + i * line_h + line_h / 2
            c = colour[r[group]]
            body.append(_whisker(x(r["share_met_lower_95"]), x(r["share_met_upper_95"]), cy, c))
            fill = "#fff" if r["is_small_group"] else c
            finding = _group_finding(r)
            if r["differs_from_other_cities"]:  # a ring marks a difference the test supports
                body.append(
                    f'<circle class="differs" cx="{x(r["share_met"]):.1f}" cy="{cy:.1f}" r="7" '
                    'fill="none" stroke="#1f2328" stroke-width="1.5"/>'
                )
            body.append(
                f'<circle class="point" cx="{x(r["share_met"]):.1f}" cy="{cy:.1f}" r="4" '
                f'fill="{fill}" stroke="{c}" stroke-width="1.5"><title>{_e(r[group])}, {_e(area)}: '
                f"{_pct(r['share_met'], 1)} (95% interval {_pct(r['share_met_lower_95'], 1)} to "
                f"{_pct(r['share_met_upper_95'], 1)}; {r['criteria_met']} of "
                f"{r['criterion_results']} criterion results; {_e(finding)})</title></circle>"
            )
        y += block + gap
    parts += x.axis(plot_top - 4, y - gap + 4) + body
    height = y + 20
    svg = _svg(label_w + plot_w + right_w, height, title, parts)
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
    table = _table(
        [noun, "practice area", "cities", "assessments", "share met", "95% interval",
         "other cities", "finding"],
        [
            (r[group], r["practice_area"], r["cities"], r["assessments"],
             _pct(r["share_met"], 1),
             f"{_pct(r['share_met_lower_95'], 1)} to {_pct(r['share_met_upper_95'], 1)}",
             _pct(r["share_met_other_cities"], 1), _group_finding(r))
            for r in rows
        ],
    )  # fmt: skip
    return _figure(chart, title, source, svg, caption, table)


def chart_certification_levels(rows: list[Row]) -> str:
    chart, source = CHARTS[4], "reports.rpt_certification_levels_by_year"
    title = "Certified cities by certification year"
    if not rows:
        return _empty(chart, title, source)
    levels = ("silver", "gold", "platinum")
    left, bar_w, step, plot_h = 50, 90, 170, 260
    peak = max(max(r["total_certified"] for r in rows), 1)
    unit = 10 ** max(0, len(str(peak)) - 1)
    top = unit * (peak // unit + 1)
    width = left + step * len(rows) + 20
    height = plot_h + 90
    base = 30 + plot_h

    def y_of(n: float) -> float:
        return base - plot_h * n / top

    parts = _legend([(lv, LEVEL_COLOURS[lv], False) for lv in levels], left, 14)
    ticks = 5
    for i in range(ticks + 1):
        n = top * i / ticks
        parts.append(
            f'<line x1="{left}" y1="{y_of(n):.1f}" x2="{width - 10}" y2="{y_of(n):.1f}" '
            'stroke="#d8dee4"/>'
        )
        parts.append(_text(left - 6, y_of(n) + 4, f"{n:g}", "end", fill="#57606a"))
    for i, r in enumerate(rows):
        bx = left + 40 + i * step
        stacked = 0
        for level in levels:
            n = r[level]
            if n:
                parts.append(
                    f'<rect class="bar" x="{bx}" y="{y_of(stacked + n):.1f}" width="{bar_w}" '
                    f'height="{y_of(stacked) - y_of(stacked + n):.1f}" '
                    f'fill="{LEVEL_COLOURS[level]}"><title>{r["certification_cohort"]}: {n} '
                    f"{level}</title></rect>"
                )
                if y_of(stacked) - y_of(stacked + n) >= 14:
                    parts.append(
                        _text(bx + bar_w / 2, y_of(stacked + n / 2) + 4, str(n), "middle",
                              fill="#fff", font_weight="600")
                    )  # fmt: skip
            stacked += n
        parts.append(
            _text(bx + bar_w / 2, y_of(stacked) - 6, f"{r['total_certified']} certified",
                  "middle", font_weight="600")
        )  # fmt: skip
        parts.append(_text(bx + bar_w / 2, base + 18, str(r["certification_cohort"]), "middle",
                           font_weight="600"))  # fmt: skip
        parts.append(
            _text(bx + bar_w / 2, base + 34, f"{r['assessment_year']} assessments", "middle",
                  fill="#57606a")
        )  # fmt: skip
        parts.append(
            _text(bx + bar_w / 2, base + 50, f"{r['newly_certified']} new, {r['moved_up']} up",
                  "middle", fill="#57606a")
        )  # fmt: skip
    svg = _svg(width, height, title, parts)
    caption = (
        "Cities holding each level in each certification year (the announcement year, "
        "assessment year + 1, as WWC counts it); a city keeps the level of its latest "
        "assessment. Below each bar: cities certified for the first time and cities that moved "
        "up a level."
    )
    table = _table(
        ["certification year", "assessments", "silver", "gold", "platinum", "certified",
         "new", "moved up", "moved down"],
        [
            (r["certification_cohort"], r["assessments"], r["silver"], r["gold"], r["platinum"],
             r["total_certified"], r["newly_certified"], r["moved_up"], r["moved_down"])
            for r in rows
        ],
    )  # fmt: skip
    return _figure(chart, title, source, svg, caption, table)


def mastery_table(rows: list[Row]) -> str:
    if not rows:
        return ""
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{_e(cell)}</td>"
            for cell in (
                r["characteristic"],
                r["statistic"],
                _fmt(r["masters_value"]),
                _fmt(r["others_value"]),
                _fmt(r["effect_size"], 2),
                _fmt(r["p_value_adjusted"], 3),
                r["effect_magnitude"],
            )
        )
        + "</tr>"
        for r in rows
    )
    first = rows[0]
    differing = [r for r in rows if r["differs_from_others"]]
    verdict = (
        "Characteristics that differ between masters and the other cities: "
        + ", ".join(_e(r["characteristic"]) for r in differing)
        + "."
        if differing
        else f"<strong>No characteristic distinguishes masters from the other cities at this "
        f"sample size</strong>: with {first['masters_cities']} masters, none of the differences "
        "below is larger than chance would produce."
    )
    return (
        '<section id="mastery"><h2>What distinguishes cities certified gold or platinum</h2>'
        f'<p class="note">Masters: cities whose latest assessment under the current standard was '
        f"certified gold or platinum ({first['masters_cities']} cities, against "
        f"{first['others_cities']} others). Each characteristic is tested with Fisher's exact "
        "test (numeric ones: above or below the median of all cities), Holm-adjusted across the "
        f"characteristics; an effect size is labelled only when its test is significant. "
        f"{verdict} Source: "
        "<code>reports.rpt_mastery_characteristics</code>.</p><table><tr><th>characteristic"
        "</th><th>statistic</th><th>masters</th><th>others</th><th>effect size</th>"
        f"<th>adjusted p</th><th>finding</th></tr>{body}</table></section>"
    )


def _fmt(value: object, digits: int = 3) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.{digits}f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


# --- the page ----------------------------------------------------------------------------------


def render(data: dict[str, list[Row]], published: Path, when: datetime | None = None) -> str:
    when = when or datetime.now(UTC)
    figures = [
        chart_practice_area_change(data["change"]),
        chart_criterion_prevalence(data["prevalence"]),
        chart_achievement_by_group(
            data["government"],
            "form_of_government",
            CHARTS[2],
            "Achievement by form of government",
            "reports.rpt_achievement_by_form_of_government",
            "form of government",
        ),
        chart_achievement_by_group(
            data["population"],
            "population_band",
            CHARTS[3],
            "Achievement by population band",
            "reports.rpt_achievement_by_population_band",
            "population band",
        ),
        chart_certification_levels(data["levels"]),
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        "<title>WWC Certification: the picture report</title>"
        f"<style>{STYLE}</style></head><body><main>"
        "<h1>What Works Cities Certification: the picture report</h1>"
        f'<p class="meta">Drawn from the <code>reports</code> schema of <code>{_e(published)}'
        f"</code>, published {when:%Y-%m-%d %H:%M} UTC. Query the same tables read-only: "
        f"<code>duckdb -readonly {_e(published)}</code>.</p>"
        '<p class="banner">The committed history is <strong>synthetic</strong>: fictional cities, '
        "calibrated to the figures WWC has published. Load real assessments to analyse them."
        "</p>" + "".join(figures) + mastery_table(data["mastery"]) + "</main></body></html>\n"
    )


def write_picture_report(published: Path) -> Path:
    """Read the published reports read-only and (re)write `<stem>_report.html` atomically."""
    page = render(read_reports(published), published)
    target = report_path(published)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, target)
    return target
