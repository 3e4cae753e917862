"""Write the synthetic history as the four raw CSV files, after checking it hits its targets."""

from __future__ import annotations

import csv
import hashlib
import json
import random
from pathlib import Path

from wwc.generator.cities import generate_cities
from wwc.generator.criteria import Criterion, catalog
from wwc.generator.history import Assessment, generate_history
from wwc.generator.targets import CalibrationError, check_targets
from wwc.raw_format import ENTITIES
from wwc.seeds_manifest import MANIFEST
from wwc.vocabulary import MET, NOT_MET

DEFAULT_SEED = 2020
GENERATOR_VERSION = 2  # 2: cities borrow municipalities only (excluded_places.csv)
CITY_COUNT = 203

COLUMNS = {entity: list(columns) for entity, columns in ENTITIES.items()}

__all__ = ["CalibrationError", "DEFAULT_SEED", "generate"]


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
            [a.assessment_id, c.criterion_id, MET if c.criterion_id in a.reported else NOT_MET]
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
    figures = check_targets(cities, assessments, criteria)

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
        "figures": figures,
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return counts
