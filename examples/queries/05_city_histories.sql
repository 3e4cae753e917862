-- Every city assessed more than once: its assessments in order, share met and level.
select
    cities.city_name,
    cities.state_code,
    assessments.assessment_year,
    assessments.standard_version,
    assessments.assessment_number,
    round(100 * assessments.share_met, 1) as pct_met,
    assessments.certification_level
from marts.fct_assessments as assessments
inner join marts.dim_cities as cities
    on assessments.city_id = cities.city_id
where cities.assessments > 1
order by cities.city_name, assessments.assessment_year;
