"""The page: every chart in one self-contained HTML file, written atomically
beside the published warehouse."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from wwc.picture_report.charts import (
    CHARTS,
    chart_certification_levels,
    chart_criterion_prevalence,
    chart_practice_area_change,
)
from wwc.picture_report.data import Row, read_reports
from wwc.picture_report.forest import chart_achievement_by_group
from wwc.picture_report.mastery import chart_mastery
from wwc.picture_report.svg import FONT, escape
from wwc.picture_report.trends import chart_trend_by_cohort, chart_trend_by_year

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
        chart_trend_by_year(data.get("trend_year", [])),
        chart_trend_by_cohort(data.get("trend_cohort", [])),
        chart_mastery(data["mastery"]),
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        "<title>WWC Certification: the picture report</title>"
        f"<style>{STYLE}</style></head><body><main>"
        "<h1>What Works Cities Certification: the picture report</h1>"
        f'<p class="meta">Drawn from the <code>reports</code> schema of <code>{escape(published)}'
        f"</code>, published {when:%Y-%m-%d %H:%M} UTC. Query the same tables read-only: "
        f"<code>python3 -m uv run --frozen duckdb -readonly {escape(published)}</code>.</p>"
        + provenance(data.get("built_from", []))
        + "".join(figures)
        + "</main></body></html>\n"
    )


def provenance(built_from: list[Row]) -> str:
    """Say what the figures come from: the synthetic history only when the seeds were the
    generator's unchanged files (raw.build_info), and the landing files loaded on top."""
    info = built_from[0] if built_from else {}
    files = info.get("landing_files", 0)
    on_top = f" and {files} landing file(s) loaded on top of it" if files else ""
    if info.get("is_synthetic_history", True):
        return (
            '<p class="banner">Built from the committed history, which is <strong>synthetic'
            "</strong>: fictional cities, calibrated to the figures WWC has published"
            f"{on_top}. Load real assessments to analyse them.</p>"
        )
    folder = escape(str(info.get("seeds_folder", "")))
    return f'<p class="meta">Built from the seed files in <code>{folder}</code>{on_top}.</p>'


def write_picture_report(published: Path) -> Path:
    """Read the published reports read-only and (re)write `<stem>_report.html` atomically."""
    page = render(read_reports(published), published)
    target = report_path(published)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, target)
    return target
