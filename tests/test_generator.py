"""The synthetic history: deterministic, and honest about what it borrows from real data."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

from support.commands import SEEDS_DIR, WWC
from wwc.generator.cities import _real_names, real_places


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


def test_cities_are_fictional_but_sized_and_placed_like_real_ones() -> None:
    cities = _cities()
    real = real_places()
    real_states = {state for state, _ in real}
    assert all(int(c["population"]) >= 30_000 for c in cities)
    assert {c["state_code"] for c in cities} <= real_states
    assert not {c["city_name"].lower() for c in cities} & _real_names()
    # Each population lies within 5% of some real place of 30,000+ in the same state.
    by_state: dict[str, list[int]] = {}
    for state, pop in real:
        by_state.setdefault(state, []).append(pop)
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
