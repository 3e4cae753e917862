"""The dbt project as Dagster sees it. Its manifest is prepared ahead: `wwc dagster` runs
`dbt parse` before starting anything, so loading the definitions never parses."""

from __future__ import annotations

from dagster_dbt import DbtProject

from wwc.settings import PROJECT_ROOT

wwc_dbt_project = DbtProject(project_dir=PROJECT_ROOT, profiles_dir=PROJECT_ROOT)
