"""Compare a mart or report built on another engine with the DuckDB build, row for row."""

from __future__ import annotations

import math

# Floats may differ in the last bits between engines (summation order, library functions).
TOLERANCE = 1e-9
# When each build loaded its rows: they record when, not what, and differ between builds.
LOAD_TIME_COLUMNS = {"loaded_at", "received_at", "received_date"}

# The same logical type as each engine names it in information_schema (DuckDB, PostgreSQL).
TYPE_FAMILIES = {
    "VARCHAR": "text",
    "character varying": "text",
    "text": "text",
    "INTEGER": "integer",
    "integer": "integer",
    "BIGINT": "bigint",
    "bigint": "bigint",
    "DOUBLE": "double",
    "double precision": "double",
    "BOOLEAN": "boolean",
    "boolean": "boolean",
    "DATE": "date",
    "date": "date",
    "TIMESTAMP": "timestamp",
    "timestamp without time zone": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
}


def same_type(left: str, right: str) -> bool:
    return TYPE_FAMILIES[left] == TYPE_FAMILIES[right]


def sort_key(row: tuple) -> tuple:
    key = []
    for value in row:
        if isinstance(value, float):
            value = round(value, 6)
        key.append((value is None, "" if value is None else value))
    return tuple(key)


def values_equal(left: object, right: object) -> bool:
    if isinstance(left, float) or isinstance(right, float):
        if left is None or right is None:
            return left is right
        return math.isclose(float(left), float(right), rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return left == right


def assert_same_relation(
    relation: str, columns: list[str], duckdb_rows: list[tuple], other_rows: list[tuple], other: str
) -> None:
    """Same number of rows, and after sorting, every value equal (floats within TOLERANCE)."""
    assert len(other_rows) == len(duckdb_rows), (
        f"{relation}: DuckDB {len(duckdb_rows)} rows, {other} {len(other_rows)}"
    )
    for duck_row, other_row in zip(
        sorted(duckdb_rows, key=sort_key), sorted(other_rows, key=sort_key), strict=True
    ):
        for column, left, right in zip(columns, duck_row, other_row, strict=True):
            if column in LOAD_TIME_COLUMNS:
                continue
            assert values_equal(left, right), (
                f"{relation}.{column}: DuckDB {left!r}, {other} {right!r} in {duck_row}"
            )
