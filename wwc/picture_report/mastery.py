"""What distinguishes masters (cities whose latest assessment was certified gold or platinum) from
the other cities: per city trait, the share of masters and of the others that have it, with the
counts behind each share, and in words how little a handful of masters can show."""

from __future__ import annotations

from wwc.picture_report.data import Row
from wwc.picture_report.svg import (
    NEXT,
    empty_figure,
    escape,
    figure,
    label_axis,
    numbers_table,
    pct,
    render_svg,
    share_axis,
)
from wwc.vocabulary import POPULATION_BAND_LABELS

CHART = "mastery-characteristics"
SOURCE = "reports.rpt_mastery_characteristics"
GROUPS = ("masters", "other cities")


def _fmt(value: object, digits: int = 3) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.{digits}f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def _order(r: Row) -> tuple:
    """Traits by group, population bands from small to large, the rest by name."""
    band = r["characteristic"].removeprefix("population band ")
    rank = POPULATION_BAND_LABELS.index(band) if band in POPULATION_BAND_LABELS else -1
    return (r["characteristic_group"], rank, r["characteristic"])


def _counted(r: Row) -> list[dict]:
    """A share-of-cities row as two points, each with the count it is made of."""
    out = []
    for who, prefix in zip(GROUPS, ("masters", "others"), strict=True):
        share, cities = r[f"{prefix}_value"], r[f"{prefix}_cities"]
        having = round(share * cities)
        out.append(
            {
                "trait": r["characteristic"],
                "who": who,
                "share": share,
                "count": f"{having} of {cities}",
                "finding": r["effect_magnitude"] or "",
            }
        )
    return out


def _spec(traits: list[Row]) -> dict:
    values = [point for r in traits for point in _counted(r)]
    y = label_axis("trait", 250) | {"sort": [r["characteristic"] for r in traits]}
    who = {
        "field": "who",
        "type": "nominal",
        "title": None,
        "scale": {"domain": list(GROUPS), "range": ["#D4A017", NEXT]},
    }
    return {
        "width": 420,
        "height": 34 * len(traits),
        "data": {"values": values},
        "encoding": {"y": y, "yOffset": {"field": "who", "sort": list(GROUPS)}},
        "layer": [
            {
                "name": "points",
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {
                    "x": share_axis("share of the group's cities with the trait"),
                    "color": who,
                    "tooltip": [
                        {"field": "trait"},
                        {"field": "who", "title": "group"},
                        {"field": "count", "title": "cities"},
                        {"field": "finding"},
                    ],
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 8, "fontSize": 10},
                "encoding": {
                    "x": {"field": "share", "type": "quantitative"},
                    "text": {"field": "count"},
                    "color": who,
                },
            },
        ],
    }


def chart_mastery(rows: list[Row]) -> str:
    """rows: every row of the report that describes a city trait (not a mastery component)."""
    title = "What distinguishes cities certified gold or platinum"
    if not rows:
        return empty_figure(CHART, title, SOURCE)
    first = rows[0]
    masters, others = first["masters_cities"], first["others_cities"]
    traits = sorted((r for r in rows if r["statistic"] == "share of cities"), key=_order)
    differing = [r for r in rows if r["differs_from_others"]]
    verdict = (
        "Traits that differ between masters and the other cities, by that test: "
        + ", ".join(escape(r["characteristic"]) for r in differing)
        + "."
        if differing
        else f"<strong>No characteristic distinguishes masters from the other cities at this "
        f"sample size</strong>: with {masters} masters, none of the differences is larger than "
        "chance would produce, so the gaps in the chart are not findings."
    )
    caption = (
        f"Masters: cities whose latest assessment under the current standard was certified gold "
        f"or platinum ({masters} cities, against {others} others). Each dot is the share of the "
        "group's cities with the trait, labelled with the count it is made of. With so few "
        "masters a single city moves their share by "
        f"{pct(1 / masters if masters else None)}, and only a large difference can be told "
        "from chance: each trait is tested with Fisher's exact test (numeric ones: above or "
        "below the median of all cities), Holm-adjusted across the traits, and an effect size "
        f"is labelled only when its test is significant. {verdict} Shares of criteria met are "
        "left out: mastery is defined by them, so masters differ there by construction."
    )
    table = numbers_table(
        ["characteristic", "statistic", "masters", "others", "effect size", "adjusted p"]
        + ["finding"],
        (
            (
                r["characteristic"],
                r["statistic"],
                _fmt(r["masters_value"]),
                _fmt(r["others_value"]),
                _fmt(r["effect_size"], 2),
                _fmt(r["p_value_adjusted"], 3),
                r["effect_magnitude"] or "",
            )
            for r in rows
        ),
    )
    svg = render_svg(_spec(traits)) if traits else ""
    return figure(CHART, title, SOURCE, svg, caption, table)
