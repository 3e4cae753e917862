"""Landing files for the tests: valid ones by default, broken on purpose by the caller."""

from __future__ import annotations

import csv
from pathlib import Path

from support.commands import SEEDS_DIR

LANDING_COLUMNS = [
    "assessment_id", "city_id", "submitted_date", "standard_version", "certification_level",
    "criterion_id", "status", "city_name", "state_code", "population", "population_year",
    "form_of_government",
]  # fmt: skip


def criteria_2018() -> list[str]:
    with (SEEDS_DIR / "criteria.csv").open() as f:
        return [line.split(",")[0] for line in f if line.startswith("2018-")]


def landing_rows(
    assessment_id: str = "A2020-900",
    city_id: str = "C9900",
    submitted: str = "2020-04-01",
    met: int = 12,
    new_city: bool = True,
) -> list[list[str]]:
    """Rows of a valid landing file: one 2018-standard assessment, `met` criteria met."""
    city = ["Test Hollowmere", "OR", "45210", "2019", "mayor-council"]
    rows = []
    for i, criterion in enumerate(criteria_2018()):
        attributes = city if new_city and i == 0 else [""] * 5
        status = "met" if i < met else "not met"
        rows.append(
            [assessment_id, city_id, submitted, "2018", "none", criterion, status, *attributes]
        )
    return rows


def write_landing(path: Path, rows: list[list[str]], header: list[str] = LANDING_COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_large_landing(path: Path, assessments: int) -> int:
    """A valid landing file with `assessments` new 2020 assessments of new cities; rows written."""
    criteria = criteria_2018()
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(LANDING_COLUMNS)
        for n in range(assessments):
            city = ["Bulk Fernholm", "TX", str(40_000 + n), "2019", "council-manager"]
            for i, criterion in enumerate(criteria):
                writer.writerow(
                    [
                        f"B2020-{n:06d}",
                        f"CB{n:06d}",
                        "2020-06-01",
                        "2018",
                        "none",
                        criterion,
                        "met" if (i + n) % 4 == 0 else "not met",
                        *(city if i == 0 else [""] * 5),
                    ]
                )
    return assessments * len(criteria)
