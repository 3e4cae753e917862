"""The synthetic history: deterministic, and honest about what it borrows from real data."""

from __future__ import annotations

import csv
import dataclasses
import random
import subprocess
from pathlib import Path

import pytest

from support.commands import SEEDS_DIR, WWC
from wwc.generator.cities import (
    excluded_places,
    generate_cities,
    real_place_names,
    real_places,
    us_places,
)
from wwc.generator.criteria import catalog
from wwc.generator.history import generate_history
from wwc.generator.seeds import CITY_COUNT, DEFAULT_SEED
from wwc.generator.targets import CalibrationError, check_targets

# Sections of cities and unincorporated places that GeoNames lists among US places of 30,000+.
NOT_MUNICIPALITIES = {
    ("Brooklyn", "NY"),
    ("Queens", "NY"),
    ("Manhattan", "NY"),
    ("The Bronx", "NY"),
    ("Staten Island", "NY"),
    ("Harlem", "NY"),
    ("Paradise", "NV"),
    ("Sunrise Manor", "NV"),
    ("Spring Valley", "NV"),
    ("Metairie", "LA"),
    ("East Los Angeles", "CA"),
    ("Hollywood", "CA"),
    ("Dorchester", "MA"),
    ("Columbia", "MD"),
    ("Arlington", "VA"),
}
# Municipalities the exclusions must leave alone, including towns and townships whose core the
# Census maps as a census-designated place, and consolidated city-counties.
MUNICIPALITIES = {
    ("New York City", "NY"),
    ("Los Angeles", "CA"),
    ("Las Vegas", "NV"),
    ("Henderson", "NV"),
    ("Kenner", "LA"),
    ("Honolulu", "HI"),
    ("Nashville", "TN"),
    ("Brookline", "MA"),
    ("Cheektowaga", "NY"),
    ("Edison", "NJ"),
    ("Spring Valley", "NY"),
    ("Arlington", "TX"),
    ("Arlington", "MA"),
}


def test_regenerating_gives_the_committed_bytes(tmp_path: Path) -> None:
    done = subprocess.run(
        [WWC, "generate", "--out", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    committed = sorted(p.name for p in SEEDS_DIR.iterdir() if p.is_file())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (SEEDS_DIR / name).read_bytes(), name


def test_another_seed_still_meets_every_target(tmp_path: Path) -> None:
    done = subprocess.run(
        [WWC, "generate", "--seed", "7", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cities.csv").read_bytes() != (SEEDS_DIR / "cities.csv").read_bytes()


def _cities() -> list[dict[str, str]]:
    with (SEEDS_DIR / "cities.csv").open() as f:
        return list(csv.DictReader(f))


def test_the_pool_holds_municipalities_only() -> None:
    everything = {(p.name, p.state) for p in us_places()}
    pool = {(p.name, p.state) for p in real_places()}
    # The extract does list these; the pool keeps the municipalities and drops the rest.
    assert everything >= NOT_MUNICIPALITIES | MUNICIPALITIES
    assert not NOT_MUNICIPALITIES & pool
    assert pool >= MUNICIPALITIES
    # Sections go as sections, unincorporated places as CDPs; New York City itself stays, once.
    reasons = {(e.place.name, e.place.state): e.reason for e in excluded_places()}
    assert {reasons[p] for p in NOT_MUNICIPALITIES} == {"section", "cdp"}
    assert [p.name for p in real_places() if p.name == "New York City"] == ["New York City"]


def test_every_city_borrows_a_place_of_the_pool() -> None:
    # The committed cities are the first draw of the default seed; redraw them to see which
    # real place each one borrowed (the seeds do not say).
    redrawn = generate_cities(random.Random(DEFAULT_SEED), CITY_COUNT)
    committed = _cities()
    assert [c.city_name for c in redrawn] == [c["city_name"] for c in committed]
    excluded = {e.place.geonameid for e in excluded_places()}
    pool = {p.geonameid for p in real_places()}
    for city, row in zip(redrawn, committed, strict=True):
        assert city.place.geonameid in pool and city.place.geonameid not in excluded
        assert row["state_code"] == city.place.state
        assert (
            abs(int(row["population"]) - city.place.population)
            <= (0.05 * city.place.population + 10)
            or int(row["population"]) == 30_000
        )


def test_cities_are_fictional_but_sized_and_placed_like_real_ones() -> None:
    cities = _cities()
    real = real_places()
    assert all(int(c["population"]) >= 30_000 for c in cities)
    assert {c["state_code"] for c in cities} <= {p.state for p in real}
    assert not {c["city_name"].lower() for c in cities} & real_place_names()
    # Each population lies within 5% of some place of the pool in the same state.
    by_state: dict[str, list[int]] = {}
    for p in real:
        by_state.setdefault(p.state, []).append(p.population)
    for c in cities:
        p = int(c["population"])
        assert any(abs(p - r) <= 0.05 * r + 10 or p == 30_000 for r in by_state[c["state_code"]])


def test_forms_of_government_follow_published_national_shares() -> None:
    forms = [c["form_of_government"] for c in _cities()]
    shares = {f: forms.count(f) / len(forms) for f in set(forms)}
    assert set(shares) == {"council-manager", "mayor-council", "other"}
    assert abs(shares["council-manager"] - 0.489) < 0.005
    assert abs(shares["mayor-council"] - 0.435) < 0.005
    assert abs(shares["other"] - 0.075) < 0.005


@pytest.fixture(scope="module")
def history():
    rng = random.Random(DEFAULT_SEED)
    cities = generate_cities(rng, CITY_COUNT)
    criteria = catalog()
    return cities, generate_history(rng, cities, criteria), criteria


def test_self_check_refuses_a_city_that_borrows_an_excluded_place(history) -> None:
    cities, assessments, criteria = history
    check_targets(cities, assessments, criteria)
    brooklyn = next(e.place for e in excluded_places() if e.place.name == "Brooklyn")
    moved = [dataclasses.replace(cities[0], state_code="NY", place=brooklyn), *cities[1:]]
    with pytest.raises(CalibrationError, match="Brooklyn NY, not in the pool"):
        check_targets(moved, assessments, criteria)


def test_self_check_refuses_the_wrong_levels_for_the_24(history) -> None:
    cities, assessments, criteria = history
    latest = max((a for a in assessments if a.level == "silver"), key=lambda a: a.year)
    latest.level = "gold"
    try:
        with pytest.raises(CalibrationError, match="levels_after") as refused:
            check_targets(cities, assessments, criteria)
        # The level no longer follows the share of criteria met, either.
        assert "of criteria met" in str(refused.value)
    finally:
        latest.level = "silver"
