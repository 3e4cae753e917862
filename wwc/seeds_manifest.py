"""What a build needs to know about its seed folder: is it the synthetic history exactly as the
generator wrote it? Only then do the calibration tests (the published figures) apply.

The generator writes `synthetic_history.json` beside the CSV files, with each file's sha256; this
module reads it without importing the generator, so no production code depends on it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from wwc.raw_format import ENTITIES

MANIFEST = "synthetic_history.json"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_synthetic_history(seeds_dir: Path) -> bool:
    """True when seeds_dir holds the generator's files unchanged: the manifest lists exactly the
    raw entities' CSV files and each one still has the checksum it was written with."""
    manifest_path = seeds_dir / MANIFEST
    if not manifest_path.is_file():
        return False
    try:
        checksums = json.loads(manifest_path.read_text()).get("sha256", {})
    except (ValueError, AttributeError):
        return False
    if set(checksums) != {f"{entity}.csv" for entity in ENTITIES}:
        return False
    return all(
        (seeds_dir / name).is_file() and _sha256(seeds_dir / name) == digest
        for name, digest in checksums.items()
    )


@dataclass(frozen=True)
class Seeds:
    """A seed folder and what the build needs to know about it, decided once by the caller."""

    folder: Path
    synthetic_history: bool  # the generator's unchanged files: calibration tests apply

    @classmethod
    def at(cls, folder: Path) -> Seeds:
        folder = folder.resolve()
        return cls(folder, is_synthetic_history(folder))
