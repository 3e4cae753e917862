"""The rows each chart draws, read from the published `reports.rpt_*` tables and the two
achievement marts (read-only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

Row = dict[str, Any]


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
            "trend_year": _rows(
                con,
                "select * from marts.fct_practice_area_achievement_by_year "
                "order by practice_area, assessment_year",
            ),
            # The cohort trend pools the practice areas: every criterion of a cohort's nth
            # assessments (each area holds the same assessments).
            "trend_cohort": _rows(
                con,
                "select entry_cohort, assessment_number, max(assessments) as assessments, "
                "sum(criteria_met) as criteria_met, sum(criterion_results) as criterion_results, "
                "sum(criteria_met) / sum(criterion_results) as share_met "
                "from marts.fct_practice_area_achievement_by_cohort "
                "group by entry_cohort, assessment_number order by entry_cohort, assessment_number",
            ),
            # What the warehouse was built from (columns added over time: read them all).
            "built_from": _rows(
                con,
                "select *, (select count(*) from raw.load_log where outcome = 'accepted') "
                "as landing_files from raw.build_info",
            ),
            "mastery": _rows(
                con,
                "select * from reports.rpt_mastery_characteristics "
                "where not is_mastery_component and p_value is not null "
                "order by characteristic_group, characteristic, statistic",
            ),
        }
    finally:
        con.close()
