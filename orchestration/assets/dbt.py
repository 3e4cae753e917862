"""Stage 3 as assets: one `dbt build` per run against the run's build copy, with the pipeline's
arguments (the build copy is one of them) and its verdict on the exit code. dagster-dbt starts
it as its `dbt` command, which hands it to the dbt process the run started ahead."""

import json
import time
from graphlib import TopologicalSorter

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.resources import Writer
from wwc.pipeline import (
    UNCHANGED_BY_LANDING,
    build_every_model,
    dbt_args,
    dbt_finished,
    quarantine_on_failure,
    while_dbt_runs,
)


class WwcTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props) -> str:
        # staging / intermediate / marts / reports, as in models/
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


def dbt_models(project: DbtProject) -> dg.AssetsDefinition:
    """Every dbt model and test, from the manifest `wwc dagster` prepared in the project's target
    folder (the settings' dbt target folder). Runs write to its `dagster` subfolder."""
    translator = WwcTranslator()
    manifest = json.loads(project.manifest_path.read_text(encoding="utf-8"))
    # The models a refresh may leave as they are (wwc/pipeline.py `dbt_args`), parents first:
    # dbt reports no materialization for them, and an asset with none would skip the publish
    # step after it.
    unchanged = {
        unique_id: node["depends_on"]["nodes"]
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and UNCHANGED_BY_LANDING in node["tags"]
    }
    unchanged_keys = [
        translator.get_asset_spec(manifest, unique_id, project).key
        for unique_id in TopologicalSorter(unchanged).static_order()
        if unique_id in unchanged
    ]

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=translator,
    )
    def wwc_dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, writer: dg.ResourceParam[Writer]
    ):
        run = writer.run(context.log.info)
        if context.is_subset:
            build_every_model(run)
        # (A worker of the project's run launcher has Great Expectations loaded already.)
        while_dbt_runs()
        if run.keeps_unchanged_models:
            # In the build copy as they were. Yielded first: Dagster refuses a multi-asset's
            # output whose parent comes later, and dbt's events name their children.
            for key in unchanged_keys:
                yield dg.Output(
                    None,
                    output_name=key.to_python_identifier(),
                    metadata={"dbt": "left as it was: no landing file feeds it"},
                )
        with quarantine_on_failure(run):
            started = time.perf_counter()
            # The pipeline judges the exit code (and quarantines), as on the command line. The
            # build runs in the dbt process the run started ahead, which parsed during the
            # landing step, under the target folder's lock (runs take turns) until it exits:
            # dagster-dbt runs `wwc-dbt` through the link `serving` gives, as its dbt.
            with writer.dbt().serving(run.build_file) as executable:
                served = dbt.model_copy(update={"dbt_executable": str(executable)})
                invocation = served.cli(
                    dbt_args(run),
                    context=context,
                    raise_on_error=False,
                    target_path=writer.settings.dagster_dbt_target,
                )
                yield from invocation.stream()
                code = invocation.wait().process.returncode
            dbt_finished(run, code, time.perf_counter() - started, invocation.target_path)

    return wwc_dbt_models
