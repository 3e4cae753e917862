"""The Great Expectations suites, defined here and written into the committed file context.

Run `python -m wwc.quality.suites` after changing a definition; it rewrites the suites,
validation definitions and checkpoints under expectations/gx (WWC_EXPECTATIONS_DIR moves it, as
it moves what validation reads), with ids derived from the names
(so rewriting unchanged definitions changes no file). Each expectation carries `meta.reason`, the
sentence a data steward reads when it fails. Allowed values come from wwc.vocabulary.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path

import yaml

from wwc.landing.format import CITY_ATTRIBUTES
from wwc.settings import Settings
from wwc.vocabulary import (
    EARLIEST_POPULATION_YEAR,
    FORMS_OF_GOVERNMENT,
    LEVELS,
    MAX_POPULATION,
    MIN_POPULATION,
    STATE_CODES,
    STATUSES,
)

LANDING_SUITE = "landing_file"
# Namespace of the ids written into the context (any fixed UUID would do).
ID_NAMESPACE = uuid.UUID("ddcab6d3-17a5-46e3-a3f9-eca82d4402da")

# Marts checked before publishing: suite name -> SQL giving the frame it validates. The mart
# suites check volumes and plausible distributions only: what a relational test can state (keys,
# allowed values, shares in [0, 1], totals that reconcile between facts and marts) is a dbt test
# (models/**/*.yml, tests/invariants/), checked once, there.
MART_FRAMES = {
    # The columns its expectations read: every row, none of the 14 other columns (converting
    # those to pandas took 0.7 s of each build's gates at x1000).
    "marts_fct_assessments": "select share_met from marts.fct_assessments",
    "marts_practice_area_achievement_by_year": (
        "select * from marts.fct_practice_area_achievement_by_year"
    ),
    # Assessments loaded twice under new ids pass every key test; only their volume shows it.
    "marts_assessments_per_city": """
        select count(*) / count(distinct city_id) as assessments_per_assessed_city
        from marts.fct_assessments
    """,
}


def reason(text: str, shows: str | None = None) -> dict:
    """An expectation's meta: the steward's sentence, and for a derived `_` column the file's
    own column (`shows`) to quote."""
    return {"reason": text} | ({"shows": shows} if shows else {})


def _landing(gxe) -> list:
    required = [
        "assessment_id",
        "city_id",
        "submitted_date",
        "standard_version",
        "certification_level",
        "criterion_id",
        "status",
    ]
    out = [
        gxe.ExpectColumnValuesToNotBeNull(column=c, meta=reason(f"{c} is empty")) for c in required
    ]
    out += [
        gxe.ExpectColumnValuesToNotBeNull(
            column="_submitted_date",
            row_condition="submitted_date.notnull()",
            condition_parser="pandas",
            meta=reason(
                "submitted_date must be a real date written YYYY-MM-DD", shows="submitted_date"
            ),
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="_submitted_date",
            min_value={"$PARAMETER": "earliest_date"},
            max_value={"$PARAMETER": "today"},
            meta=reason(
                "submitted_date must lie between 2017-01-01 (the first WWC assessments) and today",
                shows="submitted_date",
            ),
        ),
        gxe.ExpectColumnValuesToMatchRegex(
            column="standard_version",
            regex=r"^[0-9]{4}$",
            meta=reason("standard_version must be the year a standard took effect, e.g. 2018"),
        ),
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A="_standard_version",
            column_B="_standard_in_effect",
            ignore_row_if="either_value_is_missing",
            meta=reason(
                "standard_version must be the standard in effect on submitted_date (the 2017 "
                "standard for 2017 submissions, the 2018 standard from 2018 on)",
                shows="standard_version",
            ),
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="certification_level",
            value_set=list(LEVELS),
            meta=reason("certification_level must be one of: " + ", ".join(LEVELS)),
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="status",
            value_set=list(STATUSES),
            meta=reason("status must be " + " or ".join(f"'{s}'" for s in STATUSES)),
        ),
        gxe.ExpectColumnValuesToMatchRegex(
            column="population",
            regex=r"^[0-9]+$",
            meta=reason("population must be a whole number"),
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="_population",
            min_value=MIN_POPULATION,
            max_value=MAX_POPULATION,
            meta=reason(
                f"population must lie between {MIN_POPULATION:,} (WWC is open to cities of "
                f"{MIN_POPULATION:,} or more) and {MAX_POPULATION:,}",
                shows="population",
            ),
        ),
        gxe.ExpectColumnValuesToMatchRegex(
            column="population_year",
            regex=r"^[0-9]{4}$",
            meta=reason("population_year must be a year such as 2019"),
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="_population_year",
            min_value=EARLIEST_POPULATION_YEAR,
            max_value={"$PARAMETER": "this_year"},
            meta=reason(
                f"population_year must lie between {EARLIEST_POPULATION_YEAR} and this year",
                shows="population_year",
            ),
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="state_code",
            value_set=list(STATE_CODES),
            meta=reason("state_code must be a two-letter USPS code of a state, DC or PR"),
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="form_of_government",
            value_set=list(FORMS_OF_GOVERNMENT),
            meta=reason("form_of_government must be one of: " + ", ".join(FORMS_OF_GOVERNMENT)),
        ),
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["assessment_id", "criterion_id"],
            meta=reason("the same assessment and criterion appear on more than one row"),
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="_status_variants",
            max_value=1,
            meta=reason(
                "conflict: one criterion of an assessment has two different statuses",
                shows="status",
            ),
        ),
        gxe.ExpectColumnValuesToNotBeNull(
            column="_criterion_standard",
            row_condition="criterion_id.notnull()",
            condition_parser="pandas",
            meta=reason(
                "criterion_id is not a criterion of any known standard", shows="criterion_id"
            ),
        ),
        gxe.ExpectColumnValuesToNotBeNull(
            column="_criteria_expected",
            row_condition="_standard_version.notnull()",
            condition_parser="pandas",
            meta=reason(
                "standard_version is not a standard the warehouse knows", shows="standard_version"
            ),
        ),
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A="_standard_version",
            column_B="_criterion_standard",
            ignore_row_if="either_value_is_missing",
            meta=reason(
                "conflict: the criterion belongs to another standard version than the "
                "assessment declares",
                shows="criterion_id",
            ),
        ),
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A="_criteria_in_assessment",
            column_B="_criteria_expected",
            ignore_row_if="either_value_is_missing",
            meta=reason(
                "the assessment must list every criterion of its standard exactly once",
                shows="assessment_id",
            ),
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="_city_defined",
            value_set=[True],
            meta=reason(
                "the city is neither in the warehouse nor introduced by this file "
                "(a new city needs city_name, state_code, population, population_year "
                "and form_of_government)",
                shows="city_id",
            ),
        ),
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A="city_id",
            column_B="_known_city_of_assessment",
            ignore_row_if="either_value_is_missing",
            meta=reason(
                "conflict: this assessment id already belongs to another city",
                shows="assessment_id",
            ),
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="_assessment_variants",
            max_value=1,
            meta=reason(
                "conflict: rows of the same assessment disagree on its city, date, "
                "standard version or level",
                shows="assessment_id",
            ),
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="_city_attributes_given",
            value_set=[0, len(CITY_ATTRIBUTES)],
            meta=reason(
                "a row that describes its city must give all of "
                + ", ".join(CITY_ATTRIBUTES)
                + " (or none of them, for a city the warehouse knows)",
                shows="city_id",
            ),
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="_city_variants",
            max_value=1,
            meta=reason(
                "conflict: rows of the same city disagree on its attributes", shows="city_id"
            ),
        ),
    ]
    return out


def _marts(gxe) -> dict[str, list]:
    # Plausible bounds around the calibrated history (mean share met about 0.3).
    plausible_share = {"min_value": 0.05, "max_value": 0.9}
    return {
        "marts_fct_assessments": [
            gxe.ExpectTableRowCountToBeBetween(
                min_value=1, max_value=50_000_000, meta=reason("fct_assessments is empty")
            ),
            gxe.ExpectColumnMeanToBeBetween(
                column="share_met",
                **plausible_share,
                meta=reason("mean share met is implausible (expected 0.05-0.9)"),
            ),
        ],
        "marts_practice_area_achievement_by_year": [
            gxe.ExpectTableRowCountToBeBetween(
                min_value=1, meta=reason("fct_practice_area_achievement_by_year is empty")
            ),
            gxe.ExpectColumnMeanToBeBetween(
                column="share_met",
                **plausible_share,
                meta=reason(
                    "mean share met across practice areas and years is implausible "
                    "(expected 0.05-0.9)"
                ),
            ),
        ],
        "marts_assessments_per_city": [
            gxe.ExpectColumnValuesToBeBetween(
                column="assessments_per_assessed_city",
                min_value=1,
                max_value=10,
                meta=reason(
                    "assessments per assessed city are implausible (expected 1-10: a city is "
                    "assessed at most once a year); were assessments loaded twice under new ids?"
                ),
            ),
        ],
    }


def _reset_context_files(gx_dir: Path) -> None:
    """Remove what write_suites writes, so the committed context is rebuilt from scratch."""
    for folder in ("checkpoints", "validation_definitions"):
        shutil.rmtree(gx_dir / folder, ignore_errors=True)
    for suite in (gx_dir / "expectations").glob("*.json"):
        suite.unlink()
    config = gx_dir / "great_expectations.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.split("fluent_datasources:")[0], encoding="utf-8")


def write_suites(settings: Settings) -> list[str]:
    """Write every suite, its validation definition and checkpoint into the settings' context
    (the folder validation reads: a copy elsewhere is rewritten without touching the committed
    one, which builds running beside it read)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    from wwc.quality.validate import open_suites

    _reset_context_files(settings.expectations / "gx")
    context = open_suites(settings.expectations, settings.gx_runtime).context
    source = context.data_sources.add_pandas("frames")
    definitions = {LANDING_SUITE: _landing(gxe)} | _marts(gxe)
    for name, expectations in definitions.items():
        batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("frame")
        suite = context.suites.add(gx.ExpectationSuite(name=name))
        for expectation in expectations:
            suite.add_expectation(expectation)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        context.checkpoints.add(
            gx.Checkpoint(
                name=name,
                validation_definitions=[definition],
                # No Data Docs action: Suites.write_docs writes a run's pages at once.
                actions=[],
                result_format={"result_format": "COMPLETE"},
            )
        )
    _derive_ids(settings.expectations / "gx")
    return sorted(definitions)


def _stable_id(*key: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(key)))


def _derive_ids(gx_dir: Path) -> None:
    """Replace the random ids GX gave what write_suites wrote with ids derived from names (for an
    expectation: its suite, type and arguments), in every file that refers to them."""
    ids: dict[str, str] = {}
    for path in sorted((gx_dir / "expectations").glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        ids[suite["id"]] = _stable_id("suite", suite["name"])
        for e in suite["expectations"]:
            arguments = json.dumps(e["kwargs"], sort_keys=True)
            ids[e["id"]] = _stable_id("expectation", suite["name"], e["type"], arguments)
    for folder in ("validation_definitions", "checkpoints"):
        for path in sorted((gx_dir / folder).glob("*.json")):
            item = json.loads(path.read_text(encoding="utf-8"))
            ids[item["id"]] = _stable_id(folder, item["name"])
    config = gx_dir / "great_expectations.yml"
    for source_name, source in yaml.safe_load(config.read_text(encoding="utf-8"))[
        "fluent_datasources"
    ].items():
        ids[source["id"]] = _stable_id("datasource", source_name)
        for asset_name, asset in source["assets"].items():
            ids[asset["id"]] = _stable_id("asset", source_name, asset_name)
            for batch_name, batch in asset["batch_definitions"].items():
                ids[batch["id"]] = _stable_id("batch", source_name, asset_name, batch_name)
    if len(set(ids.values())) != len(ids):
        raise ValueError("two expectations of a suite have the same type and arguments")
    random_id = re.compile("|".join(map(re.escape, ids)))
    folders = ("expectations", "validation_definitions", "checkpoints")
    for path in [config, *(p for f in folders for p in sorted((gx_dir / f).glob("*.json")))]:
        text = path.read_text(encoding="utf-8")
        path.write_text(random_id.sub(lambda m: ids[m.group(0)], text), encoding="utf-8")


if __name__ == "__main__":
    settings = Settings.from_env()
    written = write_suites(settings)
    print("\n".join(f"wrote suite {name} into {settings.expectations}" for name in written))
