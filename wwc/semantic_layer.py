"""`wwc mf ...`: MetricFlow's command line on the published warehouse, offline and read-only.

The semantic models, metrics and saved queries are dbt YAML (models/semantic/); every build
writes them to semantic_manifest.json in dbt's target folder, which MetricFlow reads. `mf` itself
is run in a child process of this environment with three differences from running it bare:

- it never asks PyPI for a newer version (dbt-metricflow's CLI does on every command, which
  waits on the network or fails without it; nothing at run time may reach the internet);
- it reads the semantic manifest from the settings' dbt target folder (MetricFlow's own loader
  looks only in <project>/target);
- it finds the project and its profile from any folder, and the profile opens the published
  file read-only (profiles.yml: no build var), so a query never locks out a publish or leaves a
  `.wal` beside the published file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from wwc.settings import PROJECT_ROOT, Settings


class SemanticLayerError(Exception):
    """What `wwc mf` needs is missing; the message says what to run."""


def run_mf(args: list[str], settings: Settings) -> int:
    """Run `mf <args>` on the published warehouse; return its exit code."""
    if not settings.warehouse.is_file():
        raise SemanticLayerError(f"no published warehouse at {settings.warehouse}; run `wwc build`")
    manifest = settings.dbt_target / "semantic_manifest.json"
    if not manifest.is_file():
        raise SemanticLayerError(f"no semantic manifest in {settings.dbt_target}; run `wwc build`")
    # DuckDB names a database after its file, and the manifest names the tables with it: one
    # prepared for another file (a `dbt parse` by hand) would query tables that are not there.
    databases = {
        model["node_relation"]["database"]
        for model in json.loads(manifest.read_text())["semantic_models"]
    }
    if databases != {settings.warehouse.stem}:
        raise SemanticLayerError(
            f"{manifest} describes database {', '.join(sorted(databases))}, not "
            f"{settings.warehouse}; run `wwc build` to write it for the published file"
        )
    env = dict(os.environ) | settings.dbt_environment()
    env |= {"DBT_PROJECT_DIR": str(PROJECT_ROOT), "DBT_PROFILES_DIR": str(PROJECT_ROOT)}
    env.setdefault("DO_NOT_TRACK", "1")
    command = [sys.executable, "-m", "wwc.semantic_layer", *args]
    return subprocess.run(command, env=env, check=False).returncode


def _mf_in_this_project() -> None:
    from dbt_metricflow.cli import main as mf_main
    from dbt_metricflow.cli.dbt_connectors.dbt_config_accessor import dbtArtifacts
    from metricflow_semantic_interfaces.protocols.semantic_manifest import SemanticManifest
    from metricflow_semantics.model.dbt_manifest_parser import (
        parse_manifest_from_dbt_generated_manifest,
    )

    manifest = Settings.from_env().dbt_target / "semantic_manifest.json"

    def from_the_target_folder(project_root: Path) -> SemanticManifest:
        return parse_manifest_from_dbt_generated_manifest(manifest.read_text())

    class NoUpdateCheck:
        """Stands in for update_checker.UpdateChecker: reports that no update was looked for."""

        def check(self, package_name: str, package_version: str) -> None:
            return None

    mf_main.UpdateChecker = NoUpdateCheck
    dbtArtifacts.build_semantic_manifest_from_dbt_project_root = staticmethod(
        from_the_target_folder
    )
    mf_main.cli(prog_name="wwc mf")


if __name__ == "__main__":
    _mf_in_this_project()
