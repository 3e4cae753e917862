"""The domain's vocabulary: the values each categorical fact of the warehouse may take.

One place for each: the Great Expectations suites, the generator, the picture report and the
tests import these. dbt's YAML and macros cannot import Python, so tests/test_vocabulary.py checks
that every `accepted_values` list, the population-band macros and the level macro agree with this
module (as do the committed GX suites).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

# --- certification levels, lowest first --------------------------------------------------------

NONE: Final = "none"  # assessed, not certified
SILVER: Final = "silver"
GOLD: Final = "gold"
PLATINUM: Final = "platinum"
LEVELS: Final = (NONE, SILVER, GOLD, PLATINUM)
CERTIFIED_LEVELS: Final = LEVELS[1:]

# The share of criteria met from which each level is awarded, highest level first, by standard
# (macros/certification_level_for_share.sql). 2018: silver from 51%, gold from 67% (published),
# platinum from 84% (assumed: the published band was cut off). 2022: 51%, 68%, 85% (published).
# The 2017 rules counted WWC Standard components, not shares.
LEVEL_FLOORS: Final[Mapping[int, tuple[tuple[float, str], ...]]] = MappingProxyType(
    {
        2018: ((0.84, PLATINUM), (0.67, GOLD), (0.51, SILVER)),
        2022: ((0.85, PLATINUM), (0.68, GOLD), (0.51, SILVER)),
    }
)

# --- practice areas of each standard, by the year it took effect (published names) -------------

# Practice areas the code names: the article's findings are about them.
OPEN_DATA: Final = "Open Data"
REPURPOSING: Final = "Repurposing"

CURRENT_STANDARD: Final = 2018
PRACTICE_AREAS: Final[Mapping[int, tuple[str, ...]]] = MappingProxyType(
    {
        # The 2017 launch standard's six foundational practices.
        2017: (
            OPEN_DATA,
            "Data Governance",
            "Performance Analytics",
            "Low-Cost Evaluations",
            "Results-Driven Contracting",
            "Repurposing for Results",
        ),
        # The eight of the 2018 standard (renamed on purpose: they are not the same practices).
        2018: (
            "Data Governance",
            "Evaluations",
            "General Management",
            OPEN_DATA,
            "Performance & Analytics",
            REPURPOSING,
            "Results-Driven Contracting",
            "Stakeholder Engagement",
        ),
    }
)
# Every practice area of any standard: the current ones, then the older names not among them.
ALL_PRACTICE_AREAS: Final = PRACTICE_AREAS[CURRENT_STANDARD] + tuple(
    area
    for areas in PRACTICE_AREAS.values()
    for area in areas
    if area not in PRACTICE_AREAS[CURRENT_STANDARD]
)

# --- criterion results, as reported ------------------------------------------------------------

MET: Final = "met"
NOT_MET: Final = "not met"
STATUSES: Final = (MET, NOT_MET)

# --- cities ------------------------------------------------------------------------------------

# Forms of municipal government the warehouse accepts (lower case). The synthetic history uses
# council-manager, mayor-council and other (commission and town-meeting forms fall under other).
COUNCIL_MANAGER: Final = "council-manager"
MAYOR_COUNCIL: Final = "mayor-council"
OTHER_FORM: Final = "other"
FORMS_OF_GOVERNMENT: Final = (
    COUNCIL_MANAGER,
    MAYOR_COUNCIL,
    "commission",
    "town meeting",
    "representative town meeting",
    OTHER_FORM,
)

# Two-letter USPS codes of the states, DC and PR.
STATE_CODES: Final = (
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL",
    "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE",
    "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX",
    "UT", "VA", "VT", "WA", "WI", "WV", "WY",
)  # fmt: skip


# Plausible populations of a city in the programme: WWC is open to US cities of 30,000 or more
# residents, and no US city has 10 million. Population years from the 1990 census on.
MIN_POPULATION: Final = 30_000
MAX_POPULATION: Final = 10_000_000
EARLIEST_POPULATION_YEAR: Final = 1990


@dataclass(frozen=True)
class PopulationBand:
    label: str
    lower_bound: int  # the smallest population in the band; the next band's is its upper bound


# Population bands, smallest first (macros/population_band.sql; its order macro counts from 1).
POPULATION_BANDS: Final = (
    PopulationBand("under 50k", 0),
    PopulationBand("50k-100k", 50_000),
    PopulationBand("100k-250k", 100_000),
    PopulationBand("250k-500k", 250_000),
    PopulationBand("500k and over", 500_000),
)
POPULATION_BAND_LABELS: Final = tuple(band.label for band in POPULATION_BANDS)

# What the reports show for a city without a recorded population or form of government.
UNKNOWN: Final = "unknown"
