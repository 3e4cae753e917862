"""The criteria of the 2017 and 2018 WWC standards, read from criteria_catalogue.csv beside this
file (its header says which parts are published and which illustrative)."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from wwc.vocabulary import PRACTICE_AREAS

CATALOGUE = Path(__file__).with_name("criteria_catalogue.csv")
PUBLISHED = "published"
ILLUSTRATIVE = "illustrative"

# Codes the generator treats specially: the article's most and least achieved criteria.
OPEN_DATA_CENTRAL_LOCATION = "2018-OD3"
AI_POLICY = "2018-PA7"


@dataclass(frozen=True)
class Criterion:
    criterion_id: str
    standard_version: int
    practice_area: str
    criterion_code: str
    criterion_name: str
    description: str
    prerequisite_code: str | None
    wording_source: str  # PUBLISHED or ILLUSTRATIVE

    @property
    def prerequisite_criterion_id(self) -> str | None:
        if self.prerequisite_code is None:
            return None
        return f"{self.standard_version}-{self.prerequisite_code}"


@functools.cache
def _read_catalogue() -> tuple[Criterion, ...]:
    with CATALOGUE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    criteria = tuple(
        Criterion(
            criterion_id=f"{row['standard_version']}-{row['criterion_code']}",
            standard_version=int(row["standard_version"]),
            practice_area=row["practice_area"],
            criterion_code=row["criterion_code"],
            criterion_name=row["criterion_name"],
            description=row["description"],
            prerequisite_code=row["prerequisite_code"] or None,
            wording_source=row["wording_source"],
        )
        for row in rows
    )
    ids = [c.criterion_id for c in criteria]
    for c in criteria:
        problem = _problem(c, ids)
        if problem:
            raise ValueError(f"{CATALOGUE.name}: {c.criterion_id}: {problem}")
    return criteria


def _problem(c: Criterion, ids: list[str]) -> str | None:
    """What is wrong with a row of the catalogue, if anything."""
    if ids.count(c.criterion_id) > 1:
        return "the criterion appears more than once"
    if c.practice_area not in PRACTICE_AREAS.get(c.standard_version, ()):
        return f"{c.practice_area!r} is not a practice area of its standard"
    if c.wording_source not in (PUBLISHED, ILLUSTRATIVE):
        return f"unknown wording source {c.wording_source!r}"
    if c.prerequisite_code is not None and c.prerequisite_criterion_id not in ids:
        return "the prerequisite is not a criterion of the same standard"
    return None


def catalog() -> list[Criterion]:
    """All criteria, 2017 standard first, in a stable order (the file's)."""
    return list(_read_catalogue())
