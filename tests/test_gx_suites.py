"""The committed Great Expectations context is exactly what wwc/quality/suites.py writes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from support.commands import PROJECT_ROOT

EXPECTATIONS = PROJECT_ROOT / "expectations"


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "uncommitted" not in p.parts
    }


def test_rewriting_the_suites_changes_no_committed_file(tmp_path: Path) -> None:
    copy = tmp_path / "expectations"
    shutil.copytree(EXPECTATIONS, copy, ignore=shutil.ignore_patterns("uncommitted"))
    env = dict(os.environ, WWC_EXPECTATIONS_DIR=str(copy), WWC_WAREHOUSE=str(tmp_path / "w.db"))
    done = subprocess.run(
        [sys.executable, "-m", "wwc.quality.suites"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    committed, rewritten = _files(EXPECTATIONS), _files(copy)
    assert sorted(rewritten) == sorted(committed)
    changed = [name for name in committed if rewritten[name] != committed[name]]
    assert not changed, f"run `python -m wwc.quality.suites` and commit: {changed} differ"
