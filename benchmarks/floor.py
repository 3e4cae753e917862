"""The floor: the same marts computed from the same raw CSVs by plain DuckDB in one process,
with no dbt, no tests, no gates and no publish step. The runner compares the build with it.

Usage: python benchmarks/floor.py SEEDS_DIR OUT.duckdb
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb

from wwc.raw_format import ENTITIES

MARTS_SQL = """
create table scored as
select r.assessment_id, r.criterion_id, c.standard_version, c.practice_area,
       r.status = 'met' and (c.prerequisite_criterion_id is null
                             or coalesce(p.status = 'met', false)) as is_met
from criterion_results r
join criteria c on c.criterion_id = r.criterion_id
left join criterion_results p
  on p.assessment_id = r.assessment_id and p.criterion_id = c.prerequisite_criterion_id;

create table sequenced as
with a as (
  select *, year(submitted_date) as assessment_year,
         standard_version = max(standard_version) over () as is_current_standard
  from assessments)
select *, assessment_year + 1 as certification_cohort,
       row_number() over (partition by city_id, standard_version
                          order by submitted_date, assessment_id) as assessment_number,
       min(case when is_current_standard then assessment_year end)
           over (partition by city_id) as entry_cohort
from a;

create table fct_criterion_results as
select s.*, q.city_id, q.assessment_year, q.assessment_number, q.is_current_standard
from scored s join sequenced q using (assessment_id);

create table fct_assessments as
select q.*, sum(s.is_met::int) as criteria_met, count(*) as criteria_total,
       sum(s.is_met::int) / count(*) as share_met
from sequenced q join scored s using (assessment_id)
group by all;

create table dim_cities as
select c.*, min(q.entry_cohort) as entry_cohort, count(q.assessment_id) as assessments,
       arg_max(q.certification_level, q.submitted_date) as latest_certification_level
from cities c left join sequenced q using (city_id)
group by all;

create table by_year as
select practice_area, assessment_year, count(distinct assessment_id) as assessments,
       count(*) as criterion_results, sum(is_met::int) as criteria_met,
       avg(is_met::int) as share_met
from fct_criterion_results where is_current_standard group by all;

create table by_cohort as
select r.practice_area, d.entry_cohort, r.assessment_number, count(distinct r.assessment_id),
       count(*), sum(r.is_met::int), avg(r.is_met::int)
from fct_criterion_results r join dim_cities d using (city_id)
where r.is_current_standard group by all;
"""


def compute_floor(seeds_dir: Path, out: Path) -> dict[str, float]:
    """Seconds to load the raw CSVs and to compute the marts."""
    out.unlink(missing_ok=True)
    with duckdb.connect(str(out)) as con:
        started = time.perf_counter()
        for entity, columns in ENTITIES.items():
            typed = "{" + ", ".join(f"'{c}': '{t}'" for c, t in columns.items()) + "}"
            con.execute(
                f"create table {entity} as select * from read_csv(?, header = true, "
                f"auto_detect = false, columns = {typed})",
                [str(seeds_dir / f"{entity}.csv")],
            )
        loaded = time.perf_counter()
        con.execute(MARTS_SQL)
        con.execute("checkpoint")
        done = time.perf_counter()
    return {"load": loaded - started, "marts": done - loaded, "total": done - started}


if __name__ == "__main__":
    print(compute_floor(Path(sys.argv[1]), Path(sys.argv[2])))
