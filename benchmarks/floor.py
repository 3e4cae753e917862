"""The floors: the same marts computed from the same raw CSVs by plain DuckDB in one process,
with no dbt, no tests, no gates and no publish step (`compute_floor`), and the refresh floor:
one landing file applied to that database by hand-written delta SQL (`compute_refresh_floor`).
The runner compares the build and the refresh with them.

Usage: python benchmarks/floor.py SEEDS_DIR OUT.duckdb [LANDING.csv]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb

from wwc.raw_format import ENTITIES


# Scoring and sequencing, shared by the full floor and the delta: `results` and `assessments`
# name the rows to score or sequence (every row, or the refresh's scope).
def _scored(results: str) -> str:
    return f"""
with r as (select * from {results})
select r.assessment_id, r.criterion_id, c.standard_version, c.practice_area,
       r.status = 'met' and (c.prerequisite_criterion_id is null
                             or coalesce(p.status = 'met', false)) as is_met
from r
join criteria c on c.criterion_id = r.criterion_id
left join r p on p.assessment_id = r.assessment_id and p.criterion_id = c.prerequisite_criterion_id;
"""


def _sequenced(assessments: str) -> str:
    return f"""
with a as (
  select *, year(submitted_date) as assessment_year,
         standard_version = (select max(standard_version) from assessments)
             as is_current_standard
  from {assessments})
select *, assessment_year + 1 as certification_cohort,
       row_number() over (partition by city_id, standard_version
                          order by submitted_date, assessment_id) as assessment_number,
       min(case when is_current_standard then assessment_year end)
           over (partition by city_id) as entry_cohort
from a;
"""


MARTS_SQL = f"""
create table scored as {_scored("criterion_results")}
create table sequenced as {_sequenced("assessments")}
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
select r.practice_area, d.entry_cohort, r.assessment_number,
       count(distinct r.assessment_id) as assessments, count(*) as criterion_results,
       sum(r.is_met::int) as criteria_met, avg(r.is_met::int) as share_met
from fct_criterion_results r join dim_cities d using (city_id)
where r.is_current_standard group by all;
"""

# One landing file (the `landing` table) applied by delta: its rows replace its assessments in
# raw; every assessment of its cities is sequenced and scored again (a new assessment can
# renumber the city's others and move its entry cohort); the facts and dim_cities are rewritten
# for those cities only; the two achievement marts are updated by subtracting the cities' old
# contributions and adding their new ones. Assumes the file brings no new standard version.
DELTA_SQL = f"""
create temp table scope_cities as select distinct city_id from landing;

create temp table old_year as
select practice_area, assessment_year, count(distinct assessment_id) as assessments,
       count(*) as criterion_results, sum(is_met::int) as criteria_met
from fct_criterion_results
where is_current_standard and city_id in (select city_id from scope_cities) group by all;

create temp table old_cohort as
select r.practice_area, d.entry_cohort, r.assessment_number,
       count(distinct r.assessment_id) as assessments, count(*) as criterion_results,
       sum(r.is_met::int) as criteria_met
from fct_criterion_results r join dim_cities d using (city_id)
where r.is_current_standard and r.city_id in (select city_id from scope_cities) group by all;

delete from criterion_results where assessment_id in (select assessment_id from landing);
delete from assessments where assessment_id in (select assessment_id from landing);
insert into cities
select distinct city_id, city_name, state_code, population::int, population_year::int,
       form_of_government
from landing where city_name <> '' and city_id not in (select city_id from cities);
insert into assessments
select distinct assessment_id, city_id, submitted_date::date, standard_version::int,
       certification_level
from landing;
insert into criterion_results select assessment_id, criterion_id, status from landing;

delete from sequenced where city_id in (select city_id from scope_cities);
insert into sequenced {
    _sequenced("assessments where city_id in (select city_id from scope_cities)")
}

create temp table scope as
select assessment_id from sequenced where city_id in (select city_id from scope_cities);

delete from scored where assessment_id in (select assessment_id from scope);
insert into scored {
    _scored("criterion_results where assessment_id in (select assessment_id from scope)")
}

delete from fct_criterion_results where city_id in (select city_id from scope_cities);
insert into fct_criterion_results
select s.*, q.city_id, q.assessment_year, q.assessment_number, q.is_current_standard
from scored s join sequenced q using (assessment_id)
where q.city_id in (select city_id from scope_cities);

delete from fct_assessments where city_id in (select city_id from scope_cities);
insert into fct_assessments
select q.*, sum(s.is_met::int) as criteria_met, count(*) as criteria_total,
       sum(s.is_met::int) / count(*) as share_met
from sequenced q join scored s using (assessment_id)
where q.city_id in (select city_id from scope_cities)
group by all;

delete from dim_cities where city_id in (select city_id from scope_cities);
insert into dim_cities
select c.*, min(q.entry_cohort) as entry_cohort, count(q.assessment_id) as assessments,
       arg_max(q.certification_level, q.submitted_date) as latest_certification_level
from cities c left join sequenced q using (city_id)
where c.city_id in (select city_id from scope_cities)
group by all;

create or replace table by_year as
select practice_area, assessment_year, sum(assessments) as assessments,
       sum(criterion_results) as criterion_results, sum(criteria_met) as criteria_met,
       sum(criteria_met) / sum(criterion_results) as share_met
from (
  select practice_area, assessment_year, assessments, criterion_results, criteria_met
  from by_year
  union all
  select practice_area, assessment_year, -assessments, -criterion_results, -criteria_met
  from old_year
  union all
  select practice_area, assessment_year, count(distinct assessment_id), count(*),
         sum(is_met::int)
  from fct_criterion_results
  where is_current_standard and city_id in (select city_id from scope_cities) group by all)
group by all having sum(criterion_results) > 0;

create or replace table by_cohort as
select practice_area, entry_cohort, assessment_number, sum(assessments) as assessments,
       sum(criterion_results) as criterion_results, sum(criteria_met) as criteria_met,
       sum(criteria_met) / sum(criterion_results) as share_met
from (
  select practice_area, entry_cohort, assessment_number, assessments, criterion_results,
         criteria_met
  from by_cohort
  union all
  select practice_area, entry_cohort, assessment_number, -assessments, -criterion_results,
         -criteria_met
  from old_cohort
  union all
  select r.practice_area, d.entry_cohort, r.assessment_number, count(distinct r.assessment_id),
         count(*), sum(r.is_met::int)
  from fct_criterion_results r join dim_cities d using (city_id)
  where r.is_current_standard and r.city_id in (select city_id from scope_cities)
  group by all)
group by all having sum(criterion_results) > 0;
"""

# The delta is checked (untimed) against the marts recomputed from the updated facts.
RECOMPUTED_BY_YEAR = """
select practice_area, assessment_year, count(distinct assessment_id), count(*), sum(is_met::int)
from fct_criterion_results where is_current_standard group by all
except
select practice_area, assessment_year, assessments, criterion_results, criteria_met from by_year
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


def compute_refresh_floor(database: Path, landing_file: Path) -> dict[str, float]:
    """Seconds to apply one landing file to a floor database by delta (`DELTA_SQL`), reading
    the file, writing and checkpointing included. Raises if the delta's by-year mart differs
    from the one recomputed from the updated fact."""
    with duckdb.connect(str(database)) as con:
        started = time.perf_counter()
        con.execute(
            "create temp table landing as select * from read_csv(?, header = true, "
            "all_varchar = true)",
            [str(landing_file)],
        )
        con.execute(DELTA_SQL)
        con.execute("checkpoint")
        seconds = time.perf_counter() - started
        differing = con.execute(RECOMPUTED_BY_YEAR).fetchall()
    if differing:
        raise RuntimeError(f"the delta's by-year mart differs from a recomputation: {differing}")
    return {"total": seconds}


if __name__ == "__main__":
    print(compute_floor(Path(sys.argv[1]), Path(sys.argv[2])))
    if len(sys.argv) > 3:
        print(compute_refresh_floor(Path(sys.argv[2]), Path(sys.argv[3])))
