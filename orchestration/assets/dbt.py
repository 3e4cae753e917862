"""The dbt project as assets: one `dbt build` per run, against the run's build copy."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.project import wwc_dbt_project
from orchestration.resources import WarehouseWriter
from wwc.pipeline import dbt_build_args


class WwcTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props) -> str:
        # staging / intermediate / marts / reports, as in models/
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


@contextmanager
def _build_file_env(build_file: Path) -> Iterator[None]:
    """dbt's profile reads WWC_BUILD_FILE; DbtCliResource passes this process's environment."""
    previous = os.environ.get("WWC_BUILD_FILE")
    os.environ["WWC_BUILD_FILE"] = str(build_file)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("WWC_BUILD_FILE", None)
        else:
            os.environ["WWC_BUILD_FILE"] = previous


@dbt_assets(manifest=wwc_dbt_project.manifest_path, project=wwc_dbt_project,
            dagster_dbt_translator=WwcTranslator())  # fmt: skip
def wwc_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                   writer: WarehouseWriter):  # fmt: skip
    prepared = writer.prepared
    if prepared is None:
        raise dg.Failure("the landing_ingest step did not prepare a build copy in this run")
    with _build_file_env(prepared.build_file):
        yield from dbt.cli(dbt_build_args(prepared, context.log.info), context=context).stream()
