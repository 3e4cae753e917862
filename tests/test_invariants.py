"""The invariants (dbt tests in tests/invariants/, tag `invariant`) guard any data, not only the
synthetic history: they run on a real-looking variant of it, and a wrong but plausible mart
makes `wwc build` refuse to publish, naming the failing test, with the published file intact.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from support.commands import PROJECT_ROOT, WWC, Built, run_wwc
from support.landing import landing_rows, write_landing

INVARIANTS = sorted(p.stem for p in (PROJECT_ROOT / "tests" / "invariants").glob("*.sql"))
CALIBRATION = sorted(p.stem for p in (PROJECT_ROOT / "tests" / "calibration").glob("*.sql"))


@pytest.fixture(scope="module")
def real_looking_seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another generator seed with its manifest removed: a history the project did not publish
    figures for, as real data would be."""
    out = tmp_path_factory.mktemp("seed7")
    done = subprocess.run(
        [WWC, "generate", "--seed", "7", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (out / "synthetic_history.json").unlink()
    return out


def test_every_invariant_runs_on_a_real_looking_history(
    real_looking_seeds: Path, tmp_path: Path
) -> None:
    run = run_wwc("build", "--seeds", str(real_looking_seeds), warehouse=tmp_path / "wwc.duckdb")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "skipping calibration tests" in run.stdout
    assert len(INVARIANTS) >= 12
    for name in INVARIANTS:
        assert f"PASS {name} " in run.stdout, name
    for name in CALIBRATION:
        assert name not in run.stdout, name


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the project for the tests that mutate it, each in turn (a module runs on one
    worker), restoring its file after: the copy's dbt target folder keeps its partial parse, so
    each build after the first parses only the files that changed (the last mutation, undone,
    and this one)."""
    return _project_copy(tmp_path_factory.mktemp("project"))


@contextmanager
def _mutated(project: Path, relative: str, old: str, new: str) -> Iterator[None]:
    """`relative` of the project copy with its one `old` replaced by `new`, until the end."""
    model = project / relative
    original = model.read_bytes()
    text = original.decode()
    assert text.count(old) == 1, f"{relative} no longer contains the text this mutation replaces"
    model.write_text(text.replace(old, new))
    try:
        yield
    finally:
        model.write_bytes(original)


def _project_copy(dest: Path) -> Path:
    """The project's tracked and new files (not data/, target/ or the environment)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def _wwc_of_copy(project: Path, warehouse: Path, *args: str, **env: str) -> tuple[int, str]:
    """`wwc <args>` of a project copy on `warehouse`: the copy's own package, so that its dbt
    project (with a mutation) is the one built. Returns the exit code and the output."""
    done = subprocess.run(
        [sys.executable, "-m", "wwc.cli", *args],
        cwd=project,
        env=dict(os.environ, WWC_WAREHOUSE=str(warehouse), PYTHONPATH=str(project), **env),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# Each mutation: a file of the project, the text it replaces and its wrong-but-plausible
# replacement, the seeds it runs on, and the invariant that must refuse it.
MUTATIONS = {
    "cohort filed one year late": (
        "models/marts/fct_practice_area_achievement_by_cohort.sql",
        "    cities.entry_cohort,\n",
        "    cities.entry_cohort + 1 as entry_cohort,\n",
        "synthetic",
        "assert_achievement_by_cohort_recomputed_from_results",
    ),
    "year shares over one criterion too many": (
        "models/marts/fct_practice_area_achievement_by_year.sql",
        "as {{ type_double() }}) / sum(criterion_results) as share_met",
        "as {{ type_double() }}) / (sum(criterion_results) + count(*)) as share_met",
        "synthetic",
        "assert_achievement_by_year_recomputed_from_results",
    ),
    "silver awarded as gold on real-looking data": (
        "models/marts/fct_assessments.sql",
        "    certification_level,\n    {{ certification_level_for_share",
        "    case when certification_level = 'silver' then 'gold' else certification_level end\n"
        "        as certification_level,\n    {{ certification_level_for_share",
        "real-looking",
        "assert_certification_level_follows_share_met",
    ),
    "practice-area sums count voided results as met": (
        "models/marts/fct_practice_area_results.sql",
        "cast(sum(case when is_met then 1 else 0 end) as integer) as criteria_met",
        "cast(sum(case when is_met or is_voided_by_prerequisite then 1 else 0 end) as integer)"
        " as criteria_met",
        "synthetic",
        "assert_practice_area_results_sum_the_criterion_results",
    ),
    "city sums count practice areas, not assessments": (
        "models/intermediate/int_city_practice_area_results.sql",
        "cast(count(*) as integer) as assessments",
        "cast(count(distinct practice_area) as integer) as assessments",
        "synthetic",
        "assert_city_practice_area_results_sum_the_practice_area_results",
    ),
    "a report's share scaled": (
        "models/reports/rpt_criterion_prevalence.sql",
        "/ period_cities.assessments as share_met,",
        "/ period_cities.assessments * 0.95 as share_met,",
        "synthetic",
        "assert_report_shares_equal_their_counts",
    ),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_wrong_mart_is_refused_and_the_published_file_kept(
    mutation: str, built: Built, real_looking_seeds: Path, project_copy: Path, tmp_path: Path
) -> None:
    relative, old, new, seeds, failing_test = MUTATIONS[mutation]
    published = tmp_path / "data" / "wwc.duckdb"
    published.parent.mkdir()
    shutil.copy2(built.path, published)
    before = _sha256(published)

    seeds_dir = real_looking_seeds if seeds == "real-looking" else project_copy / "seeds"
    with _mutated(project_copy, relative, old, new):
        code, output = _wwc_of_copy(project_copy, published, "build", "--seeds", str(seeds_dir))
    assert code != 0, output[-3000:]
    assert re.search(rf"FAIL \d+ {failing_test} ", output), output[-3000:]
    assert "was not changed" in output
    assert _sha256(published) == before


def test_a_refresh_checks_the_grain_of_the_results_it_rewrote(
    built: Built, project_copy: Path, tmp_path: Path
) -> None:
    """A refresh tests the grain of the criterion results it wrote (the grain is a test, not a
    key): a join that fans out for the new assessment's results (and no row of the model's unit
    tests) is refused by the fact's grain test, the file is blamed and the published file
    kept."""
    old = "    on with_prerequisite.assessment_id = assessments.assessment_id\n"
    new = old + (
        "inner join (select 1 as copy union all select 2 as copy) as copies\n"
        "    on copies.copy = 1 or with_prerequisite.assessment_id = 'A2020-971'\n"
    )
    published = tmp_path / "data" / "wwc.duckdb"
    (published.parent / "landing").mkdir(parents=True)
    shutil.copy2(built.path, published)
    before = _sha256(published)
    write_landing(tmp_path / "data" / "landing" / "new.csv", landing_rows("A2020-971", "C9971"))
    with _mutated(project_copy, "models/marts/fct_criterion_results.sql", old, new):
        code, output = _wwc_of_copy(
            project_copy,
            published,
            "refresh",
            "--seeds",
            str(PROJECT_ROOT / "seeds"),
            WWC_LANDING_SETTLE_SECONDS="0.1",
        )
    assert code != 0, output[-3000:]
    assert "Refreshing incrementally" in output
    assert re.search(r"FAIL \d+ unique_combination_of_columns_fct_criterion_results", output), (
        output[-3000:]
    )
    assert "dbt test unique_combination_of_columns_fct_criterion_results" in output, output[-3000:]
    assert _sha256(published) == before
