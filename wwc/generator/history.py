"""Assessments and criterion results for 2017-2019, calibrated to the published figures.

Targets (see README, "Synthetic data"): 203 cities ever submitted; 139 cities with 209
assessments in 2018-2019 (so 70 cities assessed in both years); 115 assessments in 2017 (the
Smart Cities Dive count of applications; Quartz's ">180" conflicts with 203 in all); certified
cities 9 after 2017 (1 gold, 8 silver), 13 after 2018 and 24 after 2019, with 6 moves up to gold
and 2 to platinum; open data in a central location met by 74% of 2018-2019 assessments and the AI
policy by under 1%; repeat assessments up in every practice area except Repurposing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from wwc.generator.cities import City
from wwc.generator.criteria import AI_POLICY, OPEN_DATA_CENTRAL_LOCATION, Criterion
from wwc.vocabulary import GOLD, NONE, OPEN_DATA, PLATINUM, REPURPOSING, SILVER

# Participation pattern (assessed in 2017, 2018, 2019) -> number of cities. Derived from the
# published totals; the split between 2018 and 2019 (98 and 111) is not published.
PATTERNS: dict[tuple[bool, bool, bool], int] = {
    (True, False, False): 64,
    (True, True, False): 10,
    (True, False, True): 14,
    (True, True, True): 27,
    (False, True, False): 18,
    (False, False, True): 27,
    (False, True, True): 43,
}

# The certified cities' paths, level per assessed year, chosen to give the published counts:
# after 2017: 1 gold + 8 silver; after 2018: 13 (3 silver->gold, 4 new silver); after 2019: 24
# (3 more silver->gold, 2 gold->platinum, 3 new gold, 8 new silver; 8 gold cities in all).
CERTIFIED_PATHS: list[dict[int, str]] = [
    {2017: GOLD, 2018: GOLD, 2019: PLATINUM},
    {2017: SILVER, 2018: GOLD, 2019: PLATINUM},
    {2017: SILVER, 2018: GOLD, 2019: GOLD},
    {2017: SILVER, 2018: GOLD},
    {2017: SILVER, 2019: GOLD},
    {2017: SILVER, 2018: SILVER, 2019: GOLD},
    {2017: SILVER},
    {2017: SILVER, 2018: SILVER},
    {2017: SILVER, 2019: SILVER},
    {2017: NONE, 2018: SILVER},
    {2018: SILVER, 2019: GOLD},
    {2018: SILVER, 2019: SILVER},
    {2018: SILVER},
    {2019: GOLD},
    {2019: GOLD},
    {2018: NONE, 2019: GOLD},
    {2018: NONE, 2019: SILVER},
    {2018: NONE, 2019: SILVER},
    {2018: NONE, 2019: SILVER},
    {2017: NONE, 2018: NONE, 2019: SILVER},
    {2017: NONE, 2018: NONE, 2019: SILVER},
    {2017: NONE, 2019: SILVER},
    {2019: SILVER},
    {2019: SILVER},
]

# Criteria met out of 45 for each level of the 2018 standard. Levels follow the share met:
# silver from 51%, gold from 67%, platinum from 84% (assumed: the published platinum band was
# cut off; "above 83%" is the reading that leaves no gap).
BANDS_2018 = {NONE: (3, 22), SILVER: (23, 30), GOLD: (31, 37), PLATINUM: (38, 41)}
OD3_TARGET = 155  # 155 / 209 = 74.2%
AI_TARGET = 1  # 1 / 209 = 0.5%

# How readily cities meet each 2018 criterion (relative weights; illustrative).
WEIGHTS_2018 = {
    "DG1": 3.0,
    "DG2": 2.5,
    "DG3": 1.5,
    "DG4": 1.2,
    "DG5": 2.5,
    "DG6": 1.5,
    "OD1": 3.5,
    "OD2": 2.5,
    "OD3": 12.0,
    "OD4": 1.5,
    "OD5": 2.5,
    "OD6": 1.0,
    "PA1": 4.0,
    "PA2": 2.5,
    "PA3": 2.5,
    "PA4": 2.0,
    "PA5": 1.5,
    "PA6": 3.0,
    "PA7": 0.0,
    "EV1": 1.2,
    "EV2": 0.7,
    "EV3": 0.6,
    "EV4": 0.8,
    "EV5": 0.8,
    "RDC1": 1.5,
    "RDC2": 1.0,
    "RDC3": 1.2,
    "RDC4": 0.7,
    "RDC5": 1.5,
    "RDC6": 1.0,
    "RDC7": 1.8,
    "RP1": 0.8,
    "RP2": 0.6,
    "RP3": 0.6,
    "RP4": 0.5,
    "SE1": 2.0,
    "SE2": 2.2,
    "SE3": 1.3,
    "SE4": 1.8,
    "SE5": 1.5,
    "GM1": 3.0,
    "GM2": 3.5,
    "GM3": 2.0,
    "GM4": 2.0,
    "GM5": 2.2,
}
VOIDED_REPORT_RATE = 0.25  # share of dependants reported met although their prerequisite is not


@dataclass
class Assessment:
    city: City
    year: int
    level: str
    submitted: dt.date
    earned: set[str] = field(default_factory=set)  # criteria that score a point
    reported: set[str] = field(default_factory=set)  # criteria the city reported met
    assessment_id: str = ""

    @property
    def standard_version(self) -> int:
        return 2017 if self.year == 2017 else 2018


class Standard:
    """One standard's criteria with the lookups the sampler needs."""

    def __init__(self, criteria: list[Criterion], weights: dict[str, float]):
        self.criteria = criteria
        self.ids = [c.criterion_id for c in criteria]
        self.area = {c.criterion_id: c.practice_area for c in criteria}
        self.prereq = {c.criterion_id: c.prerequisite_criterion_id for c in criteria}
        self.weight = {c.criterion_id: weights.get(c.criterion_code, 1.0) for c in criteria}
        self.dependants: dict[str, set[str]] = defaultdict(set)
        for cid, p in self.prereq.items():
            if p:
                self.dependants[p].add(cid)

    def fill(self, rng: random.Random, earned: set[str], k: int, exclude: set[str]) -> set[str]:
        """Add criteria (weighted, prerequisites first) until k are met."""
        earned = set(earned)
        pool = [c for c in self.ids if c not in earned and c not in exclude and self.weight[c] > 0]
        order = sorted(pool, key=lambda c: rng.random() ** (1.0 / self.weight[c]), reverse=True)
        for cid in order:
            if len(earned) >= k:
                break
            need = {cid} | ({self.prereq[cid]} if self.prereq[cid] else set())
            need -= earned
            if need & exclude or len(earned) + len(need) > k:
                continue
            earned |= need
        if len(earned) != k:
            raise RuntimeError(f"could not reach {k} criteria met (got {len(earned)})")
        return earned

    def removable(self, earned: set[str], cid: str) -> bool:
        """True if dropping cid leaves no met criterion without its prerequisite."""
        return cid in earned and not (self.dependants[cid] & earned)


def _assign_paths(rng: random.Random, cities: list[City]) -> list[dict[int, str]]:
    """A path (level per assessed year) for every city, matching PATTERNS and CERTIFIED_PATHS."""
    slots = dict(PATTERNS)
    for path in CERTIFIED_PATHS:
        slots[tuple(y in path for y in (2017, 2018, 2019))] -= 1
    # The strongest cities take the certified paths, the top one the gold-to-platinum path.
    ranked = sorted(cities, key=lambda c: c.capacity + rng.gauss(0, 0.3), reverse=True)
    paths: dict[str, dict[int, str]] = {
        c.city_id: p for c, p in zip(ranked, CERTIFIED_PATHS, strict=False)
    }
    rest = [(pattern, n) for pattern, n in slots.items() for _ in range(n)]
    rng.shuffle(rest)
    for city, (pattern, _) in zip(ranked[len(CERTIFIED_PATHS) :], rest, strict=True):
        paths[city.city_id] = {
            y: NONE for y, on in zip((2017, 2018, 2019), pattern, strict=True) if on
        }
    return [paths[c.city_id] for c in cities]


def _target_2018(rng: random.Random, city: City, level: str, floor: int) -> int:
    low, high = BANDS_2018[level]
    if level == NONE:
        k = round(11 + 4.5 * city.capacity + rng.gauss(0, 2))
    else:
        k = rng.randint(low, high)
    return min(high, max(low, floor, k))


def _score_2017(rng: random.Random, std: Standard, a: Assessment) -> None:
    if a.level == NONE:
        k = min(27, max(3, round(15 + 5 * a.city.capacity + rng.gauss(0, 2))))
        a.earned = std.fill(rng, set(), k, set())
        return
    # Certified in 2017: the nine best scores, each with at least half of every practice area.
    k = 38 if a.level == GOLD else rng.randint(29, 34)
    base: set[str] = set()
    by_area: dict[str, list[str]] = defaultdict(list)
    for cid in std.ids:
        by_area[std.area[cid]].append(cid)
    for ids in by_area.values():
        base |= set(rng.sample(ids, math.ceil(len(ids) / 2)))
    a.earned = std.fill(rng, base, k, set())


def _score_2018(rng: random.Random, std: Standard, history: list[Assessment]) -> None:
    """Score a city's 2018-standard assessments; a repeat keeps what it had, but may lose
    a Repurposing criterion, and gains only outside Repurposing."""
    repurposing = {c for c in std.ids if std.area[c] == REPURPOSING}
    previous: set[str] | None = None
    for a in history:
        if previous is None:
            a.earned = std.fill(rng, set(), _target_2018(rng, a.city, a.level, 0), {AI_POLICY})
        else:
            kept = set(previous)
            if kept & repurposing and rng.random() < 0.35:
                kept.discard(rng.choice(sorted(kept & repurposing)))
            k = _target_2018(rng, a.city, a.level, len(previous) + rng.randint(0, 3))
            # Gains come from outside Repurposing and the AI policy, so they can run out.
            gainable = [c for c in std.ids if c not in kept | repurposing | {AI_POLICY}]
            k = min(k, len(kept) + sum(std.weight[c] > 0 for c in gainable))
            a.earned = std.fill(rng, kept, k, {AI_POLICY} | repurposing)
        previous = a.earned


def _swap_within_area(std: Standard, a: Assessment, out: str, into: str) -> None:
    a.earned = (a.earned - {out}) | {into}
    assert std.prereq[into] is None or std.prereq[into] in a.earned


def _calibrate_open_data(rng: random.Random, std: Standard, current: list[Assessment]) -> None:
    """Bring OD3 to its published prevalence by swaps inside Open Data, so that scores, levels
    and practice-area totals stay as they are."""
    od = [c for c in std.ids if std.area[c] == OPEN_DATA and c != OPEN_DATA_CENTRAL_LOCATION]
    with_od3 = [a for a in current if OPEN_DATA_CENTRAL_LOCATION in a.earned]
    excess = len(with_od3) - OD3_TARGET
    # Drop OD3 from the weakest assessments first; add it to the strongest.
    if excess > 0:
        for a in sorted(with_od3, key=lambda a: (len(a.earned), rng.random())):
            options = [
                c
                for c in od
                if c not in a.earned and (std.prereq[c] is None or std.prereq[c] in a.earned)
            ]
            if options and excess > 0:
                _swap_within_area(std, a, OPEN_DATA_CENTRAL_LOCATION, rng.choice(options))
                excess -= 1
    else:
        without = [a for a in current if OPEN_DATA_CENTRAL_LOCATION not in a.earned]
        for a in sorted(without, key=lambda a: (-len(a.earned), rng.random())):
            options = [c for c in od if std.removable(a.earned, c)]
            if options and excess < 0:
                _swap_within_area(std, a, rng.choice(options), OPEN_DATA_CENTRAL_LOCATION)
                excess += 1
    if excess:
        raise RuntimeError(f"open data calibration left {excess} assessments off target")


def _cap_the_rest(rng: random.Random, std: Standard, current: list[Assessment]) -> None:
    """Keep every other criterion below OD3's count, so open data in a central location stays the
    single most met: swap the excess out for another criterion of the same practice area (scores,
    levels and practice-area totals stay as they are), from the weakest assessments first."""
    cap = OD3_TARGET - 1
    count = defaultdict(int)
    for a in current:
        for cid in a.earned:
            count[cid] += 1
    special = {OPEN_DATA_CENTRAL_LOCATION, AI_POLICY}
    for cid in sorted(c for c in std.ids if count[c] > cap and c not in special):
        area = [c for c in std.ids if std.area[c] == std.area[cid] and c not in special]
        for a in sorted(current, key=lambda a: (len(a.earned), a.city.city_id, a.year)):
            if count[cid] <= cap:
                break
            if not std.removable(a.earned, cid):
                continue
            options = [
                c
                for c in area
                if c not in a.earned
                and count[c] < cap
                and (std.prereq[c] is None or std.prereq[c] in a.earned - {cid})
            ]
            if options:
                into = rng.choice(options)
                _swap_within_area(std, a, cid, into)
                count[cid] -= 1
                count[into] += 1
        if count[cid] > cap:
            raise RuntimeError(f"{cid} is met by {count[cid]} assessments, more than OD3")


def _calibrate_ai_policy(rng: random.Random, std: Standard, current: list[Assessment]) -> None:
    """Only the strongest assessment documents an AI policy (swap inside its practice area)."""
    best = sorted(current, key=lambda a: (-len(a.earned), a.city.city_id))[:AI_TARGET]
    for a in best:
        area = std.area[AI_POLICY]
        options = [c for c in std.ids if std.area[c] == area and std.removable(a.earned, c)]
        _swap_within_area(std, a, rng.choice(options), AI_POLICY)


def _report(rng: random.Random, std: Standard, a: Assessment) -> None:
    """What the city reported: every earned criterion, plus some dependants whose prerequisite
    was not met (which the scoring voids)."""
    voided = {
        cid
        for cid in std.ids
        if std.prereq[cid] and std.prereq[cid] not in a.earned and rng.random() < VOIDED_REPORT_RATE
    }
    a.reported = a.earned | voided


def generate_history(
    rng: random.Random, cities: list[City], criteria: list[Criterion]
) -> list[Assessment]:
    std = {
        2017: Standard([c for c in criteria if c.standard_version == 2017], {}),
        2018: Standard([c for c in criteria if c.standard_version == 2018], WEIGHTS_2018),
    }
    assessments: list[Assessment] = []
    for city, path in zip(cities, _assign_paths(rng, cities), strict=True):
        history = [
            Assessment(city, year, level, dt.date(year, 3, 1) + dt.timedelta(rng.randint(0, 200)))
            for year, level in sorted(path.items())
        ]
        for a in history:
            if a.year == 2017:
                _score_2017(rng, std[2017], a)
        _score_2018(rng, std[2018], [a for a in history if a.year >= 2018])
        assessments.extend(history)

    current = [a for a in assessments if a.standard_version == 2018]
    _calibrate_open_data(rng, std[2018], current)
    _cap_the_rest(rng, std[2018], current)
    _calibrate_ai_policy(rng, std[2018], current)
    for a in assessments:
        _report(rng, std[a.standard_version], a)

    for year in (2017, 2018, 2019):
        in_year = sorted(
            (a for a in assessments if a.year == year), key=lambda a: (a.submitted, a.city.city_id)
        )
        for n, a in enumerate(in_year, start=1):
            a.assessment_id = f"A{year}-{n:03d}"
    return sorted(assessments, key=lambda a: a.assessment_id)
