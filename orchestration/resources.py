"""Resources: dbt, and the warehouse writer that holds one build for the length of a run."""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from pydantic import PrivateAttr

from orchestration.project import wwc_dbt_project
from wwc.dbt_runner import dbt_executable
from wwc.pipeline import Prepared, remove_build_copy
from wwc.publish import writer_lock
from wwc.settings import SEEDS_DIR, warehouse_path


class WarehouseWriter(dg.ConfigurableResource):
    """Holds the writer lock and the build copy from the first step of a run to the last.

    Jobs that use it run in one process (in_process_executor), so the lock taken here also keeps
    `wwc build`/`wwc refresh` from the command line out while Dagster writes.
    """

    seeds_dir: str = str(SEEDS_DIR)
    _prepared: Prepared | None = PrivateAttr(default=None)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseWriter"]:
        published = warehouse_path()
        published.parent.mkdir(parents=True, exist_ok=True)
        with ExitStack() as stack:
            stack.enter_context(writer_lock(published))
            stack.callback(remove_build_copy, published)
            yield self

    @property
    def seeds_dir_path(self) -> Path:
        return Path(self.seeds_dir)

    @property
    def prepared(self) -> Prepared | None:
        return self._prepared

    def remember(self, prepared: Prepared) -> None:
        self._prepared = prepared


def dbt_resource() -> DbtCliResource:
    # The dbt of this environment, found whether or not the venv is on PATH.
    return DbtCliResource(project_dir=wwc_dbt_project, dbt_executable=dbt_executable())
