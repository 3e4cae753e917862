"""Asset checks: stage 4 (`gates`), the marts' Great Expectations suites, one check per suite
(blocking: a failure stops publishing). The first check runs every suite once for the run and
a failure quarantines the batch, as on the command line; the others read the same verdict.
dbt tests become checks through dagster-dbt; freshness is a policy on the published asset."""

import dagster as dg

from orchestration.resources import Writer
from wwc.errors import BuildError
from wwc.pipeline import gates, quarantine_on_failure
from wwc.quality.suites import MART_FRAMES

# suite -> the mart (dbt asset key) it guards
SUITE_ASSETS = {
    "marts_fct_assessments": ["marts", "fct_assessments"],
    "marts_practice_area_achievement_by_year": ["marts", "fct_practice_area_achievement_by_year"],
    "marts_assessments_per_city": ["marts", "fct_assessments"],
}


def _gx_check(suite: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=SUITE_ASSETS[suite],
        name=f"gx_{suite}",
        blocking=True,
        description=f"Great Expectations suite {suite} on the build copy",
    )
    def check(
        context: dg.AssetCheckExecutionContext, writer: dg.ResourceParam[Writer]
    ) -> dg.AssetCheckResult:
        run = writer.run(context.log.info)
        try:
            with quarantine_on_failure(run):
                gates(run)
        except BuildError as exc:
            if run.gate_problems is None:  # the suites could not run: fail closed
                return dg.AssetCheckResult(passed=False, metadata={"error": str(exc)})
        problems = run.gate_problems[suite]
        return dg.AssetCheckResult(passed=not problems, metadata={"problems": problems})

    return check


gx_mart_checks = [_gx_check(suite) for suite in MART_FRAMES]
