"""Write the synthetic history as the four raw CSV files, after checking it hits its targets."""

from __future__ import annotations

import csv
import hashlib
import json
import random
from collections import defaultdict
from pathlib import Path

from wwc.generator.cities import generate_cities
from wwc.generator.criteria import AI_POLICY, OPEN_DATA_CENTRAL_LOCATION, Criterion, catalog
from wwc.generator.history import NONE, REPURPOSING, Assessment, generate_history
from wwc.raw_format import ENTITIES

DEFAULT_SEED = 2020
GENERATOR_VERSION = 1
CITY_COUNT = 203
MANIFEST = "synthetic_history.json"

COLUMNS = {entity: list(columns) for entity, columns in ENTITIES.items()}


class CalibrationError(RuntimeError):
    """The generated history misses a published figure it is meant to reproduce."""


def _certified_after(assessments: list[Assessment], year: int) -> dict[str, str]:
    latest: dict[str, str] = {}
    for a in sorted(assessments, key=lambda a: a.year):
        if a.year <= year:
            latest[a.city.city_id] = a.level
    return {city: level for city, level in latest.items() if level != NONE}


def check_targets(assessments: list[Assessment], criteria: list[Criterion]) -> dict[str, object]:
    """The published figures, recomputed from the generated rows; raises if one is missed."""
    current = [a for a in assessments if a.standard_version == 2018]
    met = defaultdict(int)
    for a in current:
        for cid in a.earned:
            met[cid] += 1
    top = max(met, key=met.get)
    share = {cid: met[cid] / len(current) for cid in met}

    by_city: dict[str, list[Assessment]] = defaultdict(list)
    for a in sorted(current, key=lambda a: a.submitted):
        by_city[a.city.city_id].append(a)
    area_of = {c.criterion_id: c.practice_area for c in criteria}
    change: dict[str, int] = defaultdict(int)
    for history in by_city.values():
        if len(history) > 1:
            for cid in history[1].earned:
                change[area_of[cid]] += 1
            for cid in history[0].earned:
                change[area_of[cid]] -= 1

    moved_to_gold = {a.city.city_id for a in assessments if a.level == "gold"} & {
        a.city.city_id for a in assessments if a.level == "silver"
    }
    figures = {
        "cities_ever": len({a.city.city_id for a in assessments}),
        "cities_2018_2019": len(by_city),
        "assessments_2018_2019": len(current),
        "assessments_2017": sum(a.year == 2017 for a in assessments),
        "certified_after": {y: len(_certified_after(assessments, y)) for y in (2017, 2018, 2019)},
        "levels_after_2017": sorted(_certified_after(assessments, 2017).values()),
        "moved_to_gold": len(moved_to_gold),
        "platinum": len({a.city.city_id for a in assessments if a.level == "platinum"}),
        "most_met": top,
        "most_met_share": round(share[top], 4),
        "ai_policy_share": round(met[AI_POLICY] / len(current), 4),
        "repeat_change_by_area": dict(sorted(change.items())),
    }
    expected = {
        "cities_ever": 203,
        "cities_2018_2019": 139,
        "assessments_2018_2019": 209,
        "certified_after": {2017: 9, 2018: 13, 2019: 24},
        "levels_after_2017": ["gold"] + ["silver"] * 8,
        "moved_to_gold": 6,
        "platinum": 2,
        "most_met": OPEN_DATA_CENTRAL_LOCATION,
    }
    problems = [
        f"{k}: expected {v!r}, got {figures[k]!r}" for k, v in expected.items() if figures[k] != v
    ]
    if round(100 * share[top]) != 74:
        problems.append(f"most met criterion share {share[top]:.3f} does not round to 74%")
    if not 0 < figures["ai_policy_share"] < 0.01:
        problems.append(f"AI policy share {figures['ai_policy_share']} is not under 1%")
    if sorted(met.values())[-2] >= met[top]:
        problems.append("open data in a central location is not the single most met criterion")
    for area, delta in change.items():
        if (area == REPURPOSING) != (delta < 0) or delta == 0:
            problems.append(f"repeat assessments change {delta:+d} in {area}")
    if problems:
        raise CalibrationError("; ".join(problems))
    return figures


def _rows(cities, criteria: list[Criterion], assessments: list[Assessment]) -> dict[str, list]:
    return {
        "cities": [
            [
                c.city_id,
                c.city_name,
                c.state_code,
                c.population,
                c.population_year,
                c.form_of_government,
            ]
            for c in sorted(cities, key=lambda c: c.city_id)
        ],
        "criteria": [
            [
                c.criterion_id,
                c.standard_version,
                c.practice_area,
                c.criterion_code,
                c.criterion_name,
                c.description,
                c.prerequisite_criterion_id or "",
                c.wording_source,
            ]
            for c in criteria
        ],
        "assessments": [
            [a.assessment_id, a.city.city_id, a.submitted.isoformat(), a.standard_version, a.level]
            for a in assessments
        ],
        "criterion_results": [
            [a.assessment_id, c.criterion_id, "met" if c.criterion_id in a.reported else "not met"]
            for a in assessments
            for c in criteria
            if c.standard_version == a.standard_version
        ],
    }


def generate(out_dir: Path, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write cities/criteria/assessments/criterion_results CSVs and a manifest; rows per file."""
    rng = random.Random(seed)
    criteria = catalog()
    cities = generate_cities(rng, CITY_COUNT)
    assessments = generate_history(rng, cities, criteria)
    figures = check_targets(assessments, criteria)

    out_dir.mkdir(parents=True, exist_ok=True)
    counts, checksums = {}, {}
    for name, rows in _rows(cities, criteria, assessments).items():
        path = out_dir / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(COLUMNS[name])
            writer.writerows(rows)
        counts[name] = len(rows)
        checksums[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest = {
        "generator": "wwc.generator",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "synthetic": True,
        "rows": counts,
        "sha256": checksums,
        "figures": {k: v for k, v in figures.items() if k != "certified_after"}
        | {"certified_after": {str(y): n for y, n in figures["certified_after"].items()}},
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return counts


def is_synthetic_history(seeds_dir: Path) -> bool:
    """True when seeds_dir holds the generator's files unchanged (so calibration tests apply)."""
    manifest_path = seeds_dir / MANIFEST
    if not manifest_path.is_file():
        return False
    manifest = json.loads(manifest_path.read_text())
    return all(
        (seeds_dir / name).is_file()
        and hashlib.sha256((seeds_dir / name).read_bytes()).hexdigest() == digest
        for name, digest in manifest.get("sha256", {}).items()
    ) and set(manifest.get("sha256", {})) == {f"{n}.csv" for n in COLUMNS}
