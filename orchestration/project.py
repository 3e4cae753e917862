"""The dbt project as Dagster sees it. Its manifest is prepared ahead: `wwc dagster` runs
`dbt parse` before starting anything, so loading the definitions never parses."""

from __future__ import annotations

from dagster_dbt import DbtProject

from wwc.settings import PROJECT_ROOT, Settings


def dbt_project(settings: Settings) -> DbtProject:
    """The project, with the manifest in the settings' dbt target folder."""
    return DbtProject(
        project_dir=PROJECT_ROOT, profiles_dir=PROJECT_ROOT, target_path=settings.dbt_target
    )
