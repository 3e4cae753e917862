"""The landing file format: one row per assessment x criterion, CSV.

Assessment attributes repeat on every row of the assessment. City attributes may be left empty
for a city the warehouse already knows; a city new to the warehouse must bring them.
"""

from __future__ import annotations

from wwc.raw_format import ENTITIES

ASSESSMENT_COLUMNS = list(ENTITIES["assessments"])
RESULT_COLUMNS = ["criterion_id", "status"]
CITY_ATTRIBUTES = [c for c in ENTITIES["cities"] if c != "city_id"]

LANDING_COLUMNS = ASSESSMENT_COLUMNS + RESULT_COLUMNS + CITY_ATTRIBUTES

# Names a writer uses while a file is still being copied in; such files wait for the next run.
TEMPORARY_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".swp", "~")


def shown(name: str) -> str:
    """A file or column name as it may be printed: control and other invisible characters
    (a newline in a file name could forge lines of a reason) written as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)
