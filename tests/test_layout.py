"""Rules of the code's layout that keep the pipeline composed once: settings are read in one
place and passed explicitly, and nothing that builds the warehouse depends on the generator."""

from __future__ import annotations

import re
import subprocess
import sys

from support.commands import PROJECT_ROOT

PRODUCTION = sorted(
    path
    for folder in ("wwc", "orchestration")
    for path in (PROJECT_ROOT / folder).rglob("*.py")
    if "generator" not in path.relative_to(PROJECT_ROOT).parts
)
WRITES_ENVIRON = re.compile(
    r"os\.environ\[[^\]]+\]\s*=|os\.environ\.(setdefault|update|pop)\(|os\.putenv|del os\.environ"
)
SETTING = r"(WWC_|PG|DBT_TARGET_PATH)"
READS_SETTING = re.compile(
    rf"""(os\.environ\.get|os\.getenv)\(\s*["']{SETTING}|os\.environ\[\s*["']{SETTING}"""
)


# Deliberate exceptions, with their reason.
MAY_WRITE_ENVIRON = {
    # A process of its own that runs the dbt command a `wwc-dbt` client hands it as that client
    # would have (wwc/dbt_client.py): its environment becomes the client's, as dbt reads it.
    "dbt_worker.py",
}


def test_no_production_module_writes_the_environment() -> None:
    offenders = [p.name for p in PRODUCTION if WRITES_ENVIRON.search(p.read_text())]
    assert set(offenders) <= MAY_WRITE_ENVIRON


def test_only_the_settings_read_wwc_pg_and_dbt_target_variables() -> None:
    readers = {
        path.relative_to(PROJECT_ROOT).as_posix()
        for path in PRODUCTION
        if READS_SETTING.search(path.read_text())
    }
    assert readers <= {"wwc/settings.py"}


def test_building_never_imports_the_generator(dbt_manifest) -> None:
    code = (
        "import sys, wwc.cli, wwc.pipeline, wwc.targets.postgres, orchestration.definitions\n"
        "print(sorted(m for m in sys.modules if m.startswith('wwc.generator')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
