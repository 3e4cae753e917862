"""Asset checks: the marts' Great Expectations suites (blocking: a failure stops publishing).
dbt tests become checks through dagster-dbt; freshness is a policy on the published asset."""

import dagster as dg

from orchestration.resources import WarehouseWriter
from wwc.quality.marts import validate_mart_suite
from wwc.quality.suites import MART_FRAMES
from wwc.quality.validate import ValidationUnavailable, open_context

# suite -> the mart (dbt asset key) it guards
SUITE_ASSETS = {
    "marts_fct_assessments": ["marts", "fct_assessments"],
    "marts_practice_area_achievement_by_year": ["marts", "fct_practice_area_achievement_by_year"],
    "marts_reconciliation": ["marts", "fct_criterion_results"],
}


def _gx_check(suite: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=SUITE_ASSETS[suite], name=f"gx_{suite}", blocking=True,
                    description=f"Great Expectations suite {suite} on the build copy")  # fmt: skip
    def check(writer: WarehouseWriter) -> dg.AssetCheckResult:
        prepared = writer.prepared
        if prepared is None:
            return dg.AssetCheckResult(passed=False, metadata={"error": "no build copy in run"})
        try:
            problems = validate_mart_suite(open_context(), prepared.build_file, suite)
        except ValidationUnavailable as exc:  # fail closed
            return dg.AssetCheckResult(passed=False, metadata={"error": str(exc)})
        return dg.AssetCheckResult(passed=not problems, metadata={"problems": problems})

    return check


gx_mart_checks = [_gx_check(suite) for suite in MART_FRAMES]
