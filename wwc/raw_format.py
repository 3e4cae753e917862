"""The raw CSV format: the four entities, their columns and DuckDB types.

This is the format real data must arrive in (see README, "Loading real data"); the generator
writes it, the loader reads it with exactly these types, and dbt's sources describe it.
"""

from __future__ import annotations

RAW_SCHEMA = "raw"

ENTITIES: dict[str, dict[str, str]] = {
    "cities": {
        "city_id": "VARCHAR",
        "city_name": "VARCHAR",
        "state_code": "VARCHAR",
        "population": "INTEGER",
        "population_year": "INTEGER",
        "form_of_government": "VARCHAR",
    },
    "criteria": {
        "criterion_id": "VARCHAR",
        "standard_version": "INTEGER",
        "practice_area": "VARCHAR",
        "criterion_code": "VARCHAR",
        "criterion_name": "VARCHAR",
        "description": "VARCHAR",
        "prerequisite_criterion_id": "VARCHAR",
        "wording_source": "VARCHAR",
    },
    "assessments": {
        "assessment_id": "VARCHAR",
        "city_id": "VARCHAR",
        "submitted_date": "DATE",
        "standard_version": "INTEGER",
        "certification_level": "VARCHAR",
    },
    "criterion_results": {
        "assessment_id": "VARCHAR",
        "criterion_id": "VARCHAR",
        "status": "VARCHAR",
    },
}
