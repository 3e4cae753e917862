"""Stage 3 as assets: one `dbt build` per run against the run's build copy, with the pipeline's
arguments (the build copy is one of them) and its verdict on the exit code."""

import time

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.resources import Writer
from wwc.dbt_runner import linked_build_copy
from wwc.pipeline import dbt_args, dbt_finished, quarantine_on_failure, while_dbt_runs


class WwcTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props) -> str:
        # staging / intermediate / marts / reports, as in models/
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


def dbt_models(project: DbtProject) -> dg.AssetsDefinition:
    """Every dbt model and test, from the manifest `wwc dagster` prepared in the project's target
    folder (the settings' dbt target folder). Runs write to its `dagster` subfolder."""

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=WwcTranslator(),
    )
    def wwc_dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, writer: dg.ResourceParam[Writer]
    ):
        run = writer.run(context.log.info)
        # (A worker of the project's run launcher has Great Expectations loaded already.)
        while_dbt_runs()
        with quarantine_on_failure(run):
            started = time.perf_counter()
            # The pipeline judges the exit code (and quarantines), as on the command line.
            with linked_build_copy(run.build_file, run.settings):
                # One target folder for every run (runs take turns under the link's lock): dbt's
                # partial parse carries from run to run, and no run leaves a folder behind.
                invocation = dbt.cli(
                    dbt_args(run),
                    context=context,
                    raise_on_error=False,
                    target_path=run.settings.dbt_target / "dagster",
                )
                yield from invocation.stream()
                code = invocation.wait().process.returncode
            dbt_finished(run, code, time.perf_counter() - started, invocation.target_path)

    return wwc_dbt_models
