"""Check a landing frame against the warehouse's reference data with the `landing_file` suite."""

from __future__ import annotations

import duckdb
import pandas as pd

from wwc.landing.format import CITY_ATTRIBUTES
from wwc.quality.suites import LANDING_SUITE
from wwc.quality.validate import Failure, Suites


def _per_group_variants(frame: pd.DataFrame, key: str, columns: list[str]) -> pd.Series:
    # Missing cells as "" first: pandas 3's astype(str) keeps them as NaN, which join refuses.
    signature = frame[columns].fillna("").astype(str).agg("|".join, axis=1)
    return signature.groupby(frame[key], dropna=False).transform("nunique")


def enrich(frame: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Add the derived `_` columns the suite checks beside the parsed ones (parse.typed): facts
    from the warehouse (known criteria, cities and assessments, the standard in effect) and from
    the file itself (counts, variants)."""
    criteria = dict(
        con.execute("select criterion_id, standard_version from raw.criteria").fetchall()
    )
    expected = dict(
        con.execute("select standard_version, count(*) from raw.criteria group by 1").fetchall()
    )
    # Only the file's own cities and assessments are looked up, so the check costs what the
    # file holds, not what the warehouse holds (fetching them all took 0.29 s per file at x1000
    # and grew with the warehouse).
    cities = frame["city_id"].dropna().unique().tolist()
    assessments = frame["assessment_id"].dropna().unique().tolist()
    known_cities = {
        r[0]
        for r in con.execute(
            "select city_id from raw.cities where city_id in (select unnest(?::varchar[]))",
            [cities],
        ).fetchall()
    }
    assessment_city = dict(
        con.execute(
            "select assessment_id, city_id from raw.assessments"
            " where assessment_id in (select unnest(?::varchar[]))",
            [assessments],
        ).fetchall()
    )

    out = frame.copy()
    # The standard in effect on the submission date: the latest known one that took effect in
    # or before that year (2017 submissions: the 2017 standard; from 2018 on: the 2018 one).
    standards = sorted(expected)
    year = out["_submitted_date"].dt.year
    out["_standard_in_effect"] = pd.to_numeric(
        year.map(lambda y: max((s for s in standards if s <= y), default=None)),
        errors="coerce",
    )
    out["_criterion_standard"] = pd.to_numeric(out["criterion_id"].map(criteria), errors="coerce")
    out["_criteria_expected"] = pd.to_numeric(
        out["_standard_version"].map(expected), errors="coerce"
    )
    out["_criteria_in_assessment"] = out.groupby("assessment_id", dropna=False)[
        "criterion_id"
    ].transform("size")
    out["_status_variants"] = out.groupby(["assessment_id", "criterion_id"], dropna=False)[
        "status"
    ].transform("nunique")
    out["_assessment_variants"] = _per_group_variants(
        out,
        "assessment_id",
        ["city_id", "submitted_date", "standard_version", "certification_level"],
    )
    out["_city_attributes_given"] = out[CITY_ATTRIBUTES].notna().sum(axis=1)
    has_attributes = out[CITY_ATTRIBUTES].notna().any(axis=1)
    complete = out[CITY_ATTRIBUTES].notna().all(axis=1)
    out["_city_variants"] = 1
    out.loc[has_attributes, "_city_variants"] = _per_group_variants(
        out[has_attributes], "city_id", CITY_ATTRIBUTES
    )
    introduced = set(out.loc[complete, "city_id"])
    out["_city_defined"] = out["city_id"].isin(known_cities | introduced)
    out["_known_city_of_assessment"] = out["assessment_id"].map(assessment_city)
    return out


def check_landing_frame(
    suites: Suites, frame: pd.DataFrame, con: duckdb.DuckDBPyConnection
) -> list[Failure]:
    return suites.run(LANDING_SUITE, enrich(frame, con))
