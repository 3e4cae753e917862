"""The generator's self-check: every figure the README's "Synthetic data" section claims for the
history, recomputed from the generated rows. `check_targets` raises CalibrationError on a miss,
so `wwc generate` never writes a history that misses one, and returns the figures for the
manifest.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from wwc.generator.cities import (
    FORM_OF_GOVERNMENT_SHARES,
    City,
    excluded_places,
    real_place_names,
    real_places,
    us_places,
)
from wwc.generator.criteria import AI_POLICY, OPEN_DATA_CENTRAL_LOCATION, PUBLISHED, Criterion
from wwc.generator.history import Assessment
from wwc.vocabulary import (
    GOLD,
    LEVEL_FLOORS,
    MIN_POPULATION,
    NONE,
    PLATINUM,
    PRACTICE_AREAS,
    REPURPOSING,
    SILVER,
)

# Criteria whose wording the public record gives (README lists them).
PUBLISHED_WORDING = [
    "2018-DG1",
    "2018-DG2",
    "2018-DG3",
    "2018-OD1",
    "2018-OD2",
    "2018-OD3",
    "2018-PA1",
    "2018-PA7",
    "2018-RDC6",
    "2018-SE1",
    "2018-SE2",
    "2018-SE3",
    "2018-SE4",
]
# The figures that must come out exactly. Years are strings, as in the JSON manifest.
EXPECTED: dict[str, object] = {
    "standards": {
        "2017": {"criteria": 50, "practice_areas": 6},
        "2018": {"criteria": 45, "practice_areas": 8},
    },
    "published_wording": PUBLISHED_WORDING,
    # The pool of real places (README, "Cities"): excluded_places.csv by reason.
    "pool": {
        "us_places_30000": 1728,
        "excluded": {"section": 214, "cdp": 164, "unincorporated": 12, "duplicate": 4, "region": 1},
        "municipalities": 1333,
    },
    "cities": 203,
    "cities_ever": 203,
    "cities_2018_2019": 139,
    "assessments_2018_2019": 209,
    "cities_assessed_2018_and_2019": 70,
    # 2017: Smart Cities Dive's count of applications; 2018/2019: the unpublished split, assumed.
    "assessments_by_year": {"2017": 115, "2018": 98, "2019": 111},
    "certified_after": {"2017": 9, "2018": 13, "2019": 24},
    # 2017 and 2018 cohorts as published; after 2019: 8 gold and 2 platinum published, so 14
    # silver of the 24.
    "levels_after": {
        "2017": {GOLD: 1, SILVER: 8},
        "2018": {GOLD: 4, SILVER: 9},
        "2019": {PLATINUM: 2, GOLD: 8, SILVER: 14},
    },
    "moved_up_to_gold": {"2018": 3, "2019": 6},
    "moved_up_to_platinum": 2,
    "most_met": OPEN_DATA_CENTRAL_LOCATION,
    "ai_policy_met": 1,
}


class CalibrationError(RuntimeError):
    """The generated history misses a published figure it is meant to reproduce."""


def _points(reported: set[str], prereq: dict[str, str | None]) -> set[str]:
    """The criteria that score: reported met, with the prerequisite (if any) met too."""
    return {c for c in reported if prereq[c] is None or prereq[c] in reported}


def _level_from_share(share: float) -> str:
    return next((level for floor, level in LEVEL_FLOORS[2018] if share >= floor), NONE)


def _levels_after(assessments: list[Assessment], year: int) -> dict[str, str]:
    """Each certified city's level after that year's assessments (its latest level)."""
    latest: dict[str, str] = {}
    for a in sorted(assessments, key=lambda a: a.year):
        if a.year <= year:
            latest[a.city.city_id] = a.level
    return {city: level for city, level in latest.items() if level != NONE}


def _moved_up(assessments: list[Assessment], to: str, from_: set[str], year: int = 2019) -> int:
    """Cities that reached `to` by that year after holding one of the levels in from_."""
    held: dict[str, list[str]] = defaultdict(list)
    for a in sorted(assessments, key=lambda a: a.year):
        if a.year <= year:
            held[a.city.city_id].append(a.level)
    return sum(
        to in levels and bool(from_ & set(levels[: levels.index(to)])) for levels in held.values()
    )


def _shape(criteria: list[Criterion]) -> dict[str, dict[str, int]]:
    """Criteria and practice areas per standard."""
    shape = {}
    for version in sorted({c.standard_version for c in criteria}):
        rows = [c for c in criteria if c.standard_version == version]
        shape[str(version)] = {
            "criteria": len(rows),
            "practice_areas": len({c.practice_area for c in rows}),
        }
    return shape


def _standard_problems(criteria: list[Criterion]) -> list[str]:
    problems = []
    prereq = {c.criterion_id: c.prerequisite_criterion_id for c in criteria}
    version = {c.criterion_id: c.standard_version for c in criteria}
    for year, areas in PRACTICE_AREAS.items():
        found = {c.practice_area for c in criteria if c.standard_version == year}
        if found != set(areas):
            problems.append(f"{year} practice areas are {sorted(found)}")
    for cid, p in prereq.items():
        if p is not None and (version.get(p) != version[cid] or prereq[p] is not None):
            problems.append(f"{cid}: prerequisite {p} is not a top-level criterion of its standard")
    if not any(p for cid, p in prereq.items() if version[cid] == 2018):
        problems.append("the 2018 standard has no prerequisite criteria")
    return problems


def _scoring_problems(assessments: list[Assessment], criteria: list[Criterion]) -> list[str]:
    """Points follow the prerequisite rule; 2018-standard levels follow the share of points;
    the nine 2017 certificates are the nine best scores, with half of every practice area."""
    problems = []
    prereq = {c.criterion_id: c.prerequisite_criterion_id for c in criteria}
    area = {c.criterion_id: c.practice_area for c in criteria}
    size = Counter(c.standard_version for c in criteria)
    per_area = Counter((c.standard_version, c.practice_area) for c in criteria)
    for a in assessments:
        if _points(a.reported, prereq) != a.earned:
            problems.append(f"{a.assessment_id}: points do not follow the prerequisite rule")
        share = len(a.earned) / size[a.standard_version]
        if a.standard_version == 2018 and _level_from_share(share) != a.level:
            problems.append(f"{a.assessment_id}: {a.level} with {share:.0%} of criteria met")
    of_2017 = [a for a in assessments if a.year == 2017]
    certified = [a for a in of_2017 if a.level != NONE]
    others = [len(a.earned) for a in of_2017 if a.level == NONE]
    if certified and others and min(len(a.earned) for a in certified) <= max(others):
        problems.append("the 2017 certificates are not the best 2017 scores")
    for a in certified:
        met = Counter(area[c] for c in a.earned)
        for (version, name), n in per_area.items():
            if version == 2017 and met[name] < math.ceil(n / 2):
                problems.append(f"{a.assessment_id}: certified with {met[name]}/{n} in {name}")
    return problems


def _city_problems(cities: list[City]) -> list[str]:
    """Fictional names; each city takes a pool place's state and a population within 5% of it;
    forms of government in the published national shares."""
    problems = []
    pool = {p.geonameid for p in real_places()}
    real = real_place_names()
    for c in cities:
        if c.place.geonameid not in pool or c.state_code != c.place.state:
            problems.append(f"{c.city_id} borrows {c.place.name} {c.place.state}, not in the pool")
        near = abs(c.population - c.place.population) <= 0.05 * c.place.population + 10
        if c.population < MIN_POPULATION or not (near or c.population == MIN_POPULATION):
            problems.append(f"{c.city_id}: population {c.population} vs {c.place.population}")
        if c.city_name.lower() in real or c.city_name.split()[-1].lower() in real:
            problems.append(f"{c.city_id}: {c.city_name} is a real US place name")
    forms = Counter(c.form_of_government for c in cities)
    for form, share in FORM_OF_GOVERNMENT_SHARES.items():
        if abs(forms[form] / len(cities) - share) >= 0.005:
            problems.append(f"{form}: {forms[form]} of {len(cities)} cities, not {share:.1%}")
    return problems


def check_targets(
    cities: list[City], assessments: list[Assessment], criteria: list[Criterion]
) -> dict[str, object]:
    """The claimed figures, recomputed from the generated rows; raises if one is missed."""
    current = [a for a in assessments if a.standard_version == 2018]
    met: Counter[str] = Counter(cid for a in current for cid in a.earned)
    ids_2018 = [c.criterion_id for c in criteria if c.standard_version == 2018]
    top = max(ids_2018, key=lambda c: met[c])

    by_city: dict[str, list[Assessment]] = defaultdict(list)
    for a in sorted(current, key=lambda a: a.submitted):
        by_city[a.city.city_id].append(a)
    area_of = {c.criterion_id: c.practice_area for c in criteria}
    change: Counter[str] = Counter()
    for history in by_city.values():
        if len(history) > 1:
            change.update(area_of[cid] for cid in history[1].earned)
            change.subtract(area_of[cid] for cid in history[0].earned)

    years = {a.city.city_id: set() for a in assessments}
    for a in assessments:
        years[a.city.city_id].add(a.year)
    figures: dict[str, object] = {
        "standards": _shape(criteria),
        "published_wording": sorted(
            c.criterion_id for c in criteria if c.wording_source == PUBLISHED
        ),
        "pool": {
            "us_places_30000": len(us_places()),
            "excluded": dict(Counter(e.reason for e in excluded_places())),
            "municipalities": len(real_places()),
        },
        "cities": len(cities),
        "cities_ever": len(years),
        "cities_2018_2019": len(by_city),
        "assessments_2018_2019": len(current),
        "cities_assessed_2018_and_2019": sum({2018, 2019} <= y for y in years.values()),
        "assessments_by_year": {
            str(y): sum(a.year == y for a in assessments) for y in (2017, 2018, 2019)
        },
        "certified_after": {str(y): len(_levels_after(assessments, y)) for y in (2017, 2018, 2019)},
        "levels_after": {
            str(y): dict(Counter(_levels_after(assessments, y).values()).most_common())
            for y in (2017, 2018, 2019)
        },
        "moved_up_to_gold": {
            str(y): _moved_up(assessments, GOLD, {SILVER}, y) for y in (2018, 2019)
        },
        "moved_up_to_platinum": _moved_up(assessments, PLATINUM, {SILVER, GOLD}),
        "most_met": top,
        "most_met_share": round(met[top] / len(current), 4),
        "ai_policy_met": met[AI_POLICY],
        "ai_policy_share": round(met[AI_POLICY] / len(current), 4),
        "voided_reports": sum(len(a.reported - a.earned) for a in assessments),
        "repeat_change_by_area": dict(sorted(change.items())),
    }
    problems = [
        f"{k}: expected {v!r}, got {figures[k]!r}" for k, v in EXPECTED.items() if figures[k] != v
    ]
    problems += _standard_problems(criteria) + _scoring_problems(assessments, criteria)
    problems += _city_problems(cities)
    if round(100 * met[top] / len(current)) != 74:
        problems.append(f"most met criterion share {figures['most_met_share']} is not 74%")
    if sorted(met[c] for c in ids_2018)[-2] >= met[top]:
        problems.append("open data in a central location is not the single most met criterion")
    if any(met[c] <= met[AI_POLICY] for c in ids_2018 if c != AI_POLICY):
        problems.append("the AI policy is not the single least met criterion")
    if not 0 < met[AI_POLICY] / len(current) < 0.01:
        problems.append(f"AI policy share {figures['ai_policy_share']} is not under 1%")
    if not figures["voided_reports"]:
        problems.append("no reported criterion is voided by an unmet prerequisite")
    if set(change) != set(PRACTICE_AREAS[2018]):
        problems.append(f"repeat assessments change only {sorted(change)}")
    for area, delta in change.items():
        if (area == REPURPOSING) != (delta < 0) or delta == 0:
            problems.append(f"repeat assessments change {delta:+d} in {area}")
    if problems:
        raise CalibrationError("; ".join(problems))
    return figures
