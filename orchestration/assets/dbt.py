"""Stage 3 as assets: one `dbt build` per run against the run's build copy, with the pipeline's
arguments (the build copy is one of them) and its verdict on the exit code. dagster-dbt starts
it as its `dbt` command, which hands it to the dbt process the run started ahead."""

import time

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.resources import Writer
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
                    target_path=writer.dbt_target,
                )
                yield from invocation.stream()
                code = invocation.wait().process.returncode
            dbt_finished(run, code, time.perf_counter() - started, invocation.target_path)

    return wwc_dbt_models
