"""dbt-project-evaluator's rules, without the package (dbt hub packages are out of reach here):
each rule is computed as the evaluator's model of the same name computes it, on the manifest of
a `dbt parse` into a temporary target path, and must find nothing.

Deliberate exceptions go in tests/dbt_project_evaluator_exceptions.csv, in the evaluator's own
format (fct_name, column_name, id_to_exclude, comment): a finding of rule `fct_name` whose column
`column_name` matches `id_to_exclude` (a SQL `like` pattern) is not reported, and `comment` says
why. It is not a dbt seed: seeds/ holds the raw history, which `wwc build` loads itself. As in
the evaluator, the coverage rules take no exceptions, and an exception that no longer matches a
finding fails too, so that the file stays true.

Rules (the evaluator's names; its default variables unless noted):
  governance     fct_exposures_dependent_on_private_models, fct_public_models_without_contract,
                 fct_undocumented_public_models
  performance    fct_exposure_parents_materializations, fct_chained_views_dependencies
  testing        fct_missing_primary_key_tests, fct_test_coverage, fct_sources_without_freshness
  documentation  fct_undocumented_models, fct_documentation_coverage, fct_undocumented_sources,
                 fct_undocumented_source_tables
  structure      fct_model_naming_conventions, fct_model_directories, fct_source_directories,
                 fct_test_directories
  modeling (DAG) fct_model_fanout, fct_root_models, fct_unused_sources, fct_source_fanout,
                 fct_direct_join_to_source, fct_marts_or_intermediate_dependent_on_source,
                 fct_staging_dependent_on_staging, fct_staging_dependent_on_marts_or_intermediate,
                 fct_multiple_sources_joined, fct_rejoining_of_upstream_concepts,
                 fct_too_many_joins, fct_duplicate_sources
Not ported: fct_hard_coded_references (the evaluator's regular expressions over raw SQL; the
project's SQL only reaches relations through ref() and source(), which the dbt templater of
tests/test_style.py compiles). The semantic models and metrics are checked by MetricFlow's own
validate-configs (tests/test_semantic_layer.py).
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from support.commands import PROJECT_ROOT

EXCEPTIONS_FILE = Path(__file__).with_name("dbt_project_evaluator_exceptions.csv")
EXCEPTION_COLUMNS = ["fct_name", "column_name", "id_to_exclude", "comment"]

# The evaluator's variables (its dbt_project.yml), and the project's settings of two of them.
PRIMARY_KEY_TEST_MACROS = [
    ["dbt.test_unique", "dbt.test_not_null"],
    ["dbt_utils.test_unique_combination_of_columns"],
    # The project's twin of dbt_utils' test (tests/generic/), as the evaluator is told of it
    # with var primary_key_test_macros.
    ["wwc.test_unique_combination_of_columns"],
]
MODELS_FANOUT_THRESHOLD = 3
TOO_MANY_JOINS_THRESHOLD = 7
CHAINED_VIEWS_THRESHOLD = 5
TEST_COVERAGE_TARGET = 100
DOCUMENTATION_COVERAGE_TARGET = 100
PREFIXES = {
    "base": ["base_"],
    "staging": ["stg_"],
    "intermediate": ["int_"],
    "marts": ["fct_", "dim_"],
    "other": ["rpt_"],
}
FOLDERS = {
    "base": "base",
    "staging": "staging",
    "intermediate": "intermediate",
    "marts": "marts",
    # The project's addition: the evaluator has no folder for `other` models; here rpt_ models
    # (the reports) live in models/reports/.
    "other": "reports",
}


@dataclass
class Resource:
    uid: str
    name: str  # the evaluator's resource_name: `source.table` for a source
    resource_type: str
    file_path: str
    node: dict
    parents: list[str] = field(default_factory=list)

    @property
    def directory_path(self) -> str:
        return self.file_path.rsplit("/", 1)[0] + "/" if "/" in self.file_path else ""

    @property
    def file_name(self) -> str:
        return self.file_path.rsplit("/", 1)[-1]

    @property
    def prefix(self) -> str:
        return self.name.split("_", 1)[0] + "_"

    @property
    def model_type_folder(self) -> str | None:
        """The evaluator's folder type: of the folder names in the path, the one nearest the
        file."""
        if self.resource_type != "model":
            return None
        found = [
            (self.directory_path.find(f"/{folder}/"), model_type)
            for model_type, folder in FOLDERS.items()
            if f"/{folder}/" in self.directory_path
        ]
        return max(found)[1] if found else None

    @property
    def model_type(self) -> str | None:
        """By prefix first, then by folder, else `other`, as the evaluator decides."""
        if self.resource_type != "model":
            return None
        by_prefix = [t for t, prefixes in PREFIXES.items() if self.prefix in prefixes]
        return by_prefix[0] if by_prefix else self.model_type_folder or "other"

    @property
    def materialized(self) -> str | None:
        return self.node.get("config", {}).get("materialized")

    @property
    def access(self) -> str | None:
        return self.node.get("access")

    @property
    def is_public(self) -> bool:
        return self.access == "public"

    @property
    def is_described(self) -> bool:
        return bool((self.node.get("description") or "").strip())

    @property
    def columns(self) -> dict:
        return self.node.get("columns") or {}

    @property
    def is_excluded(self) -> bool | None:
        """False, except for exposures and metrics: the evaluator leaves their is_excluded null,
        so a rule's `child_is_excluded = false` drops them."""
        return None if self.resource_type in ("exposure", "metric") else False


@dataclass
class Relationship:
    parent: Resource
    child: Resource
    distance: int
    path: list[str]
    is_dependent_on_chain_of_views: bool | None


class Project:
    """The manifest as the evaluator's int_all_graph_resources and int_all_dag_relationships see
    it: the project's own resources, and every path of the DAG (tests are not in it; exposures
    are)."""

    def __init__(self, manifest: dict) -> None:
        self.manifest = manifest
        self.resources: dict[str, Resource] = {}
        for uid, node in {**manifest["nodes"], **manifest["sources"]}.items():
            if node.get("package_name") != "wwc" or not node.get("config", {}).get("enabled", True):
                continue
            name = node["name"]
            if node["resource_type"] == "source":
                name = f"{node['source_name']}.{node['name']}"
            parents = node.get("depends_on", {}).get("nodes", [])
            self.resources[uid] = Resource(
                uid, name, node["resource_type"], node["original_file_path"], node, parents
            )
        for uid, node in manifest["exposures"].items():
            parents = node.get("depends_on", {}).get("nodes", [])
            self.resources[uid] = Resource(
                uid, node["name"], "exposure", node["original_file_path"], node, parents
            )
        self.children: dict[str, list[str]] = defaultdict(list)
        for resource in self.resources.values():
            if resource.resource_type == "test":
                continue
            for parent in resource.parents:
                if parent in self.resources:
                    self.children[parent].append(resource.uid)
        self.relationships = [
            rel
            for resource in self.resources.values()
            if resource.resource_type != "test"
            for rel in self._paths_from(resource)
        ]

    def _paths_from(self, start: Resource) -> list[Relationship]:
        found = [Relationship(start, start, 0, [start.name], None)]
        stack = [found[0]]
        while stack:
            rel = stack.pop()
            # A path depends on a chain of views when every resource before its end is a view.
            chain = rel.child.materialized in ("view", "ephemeral") and (
                rel.is_dependent_on_chain_of_views is not False
            )
            for child_uid in self.children[rel.child.uid]:
                child = self.resources[child_uid]
                step = Relationship(start, child, rel.distance + 1, [*rel.path, child.name], chain)
                found.append(step)
                stack.append(step)
        return found

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources.values() if r.resource_type in types]

    def dag(
        self, distance: int | None = None, parent: bool = True, child: bool = True
    ) -> list[Relationship]:
        """int_all_dag_relationships as a rule filters it: `parent_is_excluded = false` (with
        parent) and `child_is_excluded = false` (with child), and the distance if given."""
        return [
            rel
            for rel in self.relationships
            if (distance is None or rel.distance == distance)
            and (not parent or rel.parent.is_excluded is False)
            and (not child or rel.child.is_excluded is False)
        ]

    def primary_tests(self, model: Resource) -> list[Resource]:
        """Tests whose primary relationship is this model: the node a test is attached to, else
        (a singular test) its last parent, as the evaluator reads them."""
        tests = []
        for test in self.of_type("test"):
            attached = test.node.get("attached_node") or (test.parents or [None])[-1]
            if attached == model.uid:
                tests.append(test)
        return tests


# --- the rules: each returns the rows the evaluator's model of the same name would hold ----


def fct_exposures_dependent_on_private_models(p: Project) -> list[dict]:
    return [
        {
            "exposure_name": rel.child.name,
            "parent_resource_name": rel.parent.name,
            "parent_access": rel.parent.access,
            "parent_resource_type": rel.parent.resource_type,
        }
        for rel in p.dag(1, child=False)
        if rel.child.resource_type == "exposure"
        and not (rel.parent.resource_type == "model" and rel.parent.is_public)
    ]


def fct_public_models_without_contract(p: Project) -> list[dict]:
    return [
        {"resource_name": r.name, "is_public": True, "is_contract_enforced": False}
        for r in p.of_type("model")
        if r.is_public and not (r.node.get("contract") or {}).get("enforced")
    ]


def fct_undocumented_public_models(p: Project) -> list[dict]:
    rows = []
    for r in p.of_type("model"):
        defined = len(r.columns)
        described = sum(1 for c in r.columns.values() if (c.get("description") or "").strip())
        if r.is_public and (not r.is_described or described < defined or defined == 0):
            rows.append(
                {
                    "resource_name": r.name,
                    "access": r.access,
                    "is_described": r.is_described,
                    "total_defined_columns": defined,
                    "total_described_columns": described,
                }
            )
    return rows


def fct_exposure_parents_materializations(p: Project) -> list[dict]:
    return [
        {
            "parent_resource_type": rel.parent.resource_type,
            "parent_resource_name": rel.parent.name,
            "exposure_name": rel.child.name,
            "parent_model_materialization": rel.parent.materialized,
        }
        for rel in p.dag(1, child=False)
        if rel.child.resource_type == "exposure"
        and (
            (
                rel.parent.resource_type == "model"
                and rel.parent.materialized in ("view", "ephemeral")
            )
            or rel.parent.resource_type == "source"
        )
    ]


def fct_chained_views_dependencies(p: Project) -> list[dict]:
    return [
        {
            "parent": rel.parent.name,
            "child": rel.child.name,
            "distance": rel.distance,
            "path": " > ".join(rel.path),
        }
        for rel in p.dag()
        if rel.distance > CHAINED_VIEWS_THRESHOLD
        and rel.is_dependent_on_chain_of_views
        and rel.child.resource_type == "model"
    ]


def model_test_summary(p: Project, model: Resource) -> dict:
    """int_model_test_summary: whether a primary-key method holds on one column (or, for tests
    on the model as a whole, on none), and how many tests the model has."""
    by_column: dict[str | None, list[Resource]] = defaultdict(list)
    for test in p.primary_tests(model):
        by_column[test.node.get("column_name") or None].append(test)

    def uses(test: Resource, macro: str) -> bool:
        return f"macro.{macro}" in json.dumps(test.node.get("depends_on", {}).get("macros", []))

    tested = False
    constraints = 0
    for column, tests in by_column.items():
        column_constraints = (model.columns.get(column) or {}).get("constraints", [])
        constraints += len(column_constraints)
        for method in PRIMARY_KEY_TEST_MACROS:
            if sum(1 for t in tests if any(uses(t, m) for m in method)) >= len(method):
                tested = True
        unique_tests = sum(1 for t in tests if uses(t, "dbt.test_unique"))
        not_null_constraint = any(c.get("type") == "not_null" for c in column_constraints)
        if column is not None and unique_tests + not_null_constraint >= 2:
            tested = True
    return {
        "resource_name": model.name,
        "resource_type": model.resource_type,
        "model_type": model.model_type,
        "is_primary_key_tested": tested,
        "number_of_tests_on_model": sum(len(tests) for tests in by_column.values()),
        "number_of_constraints_on_model": constraints,
    }


def fct_missing_primary_key_tests(p: Project) -> list[dict]:
    summaries = [model_test_summary(p, model) for model in p.of_type("model")]
    return [s for s in summaries if not s["is_primary_key_tested"]]


def fct_sources_without_freshness(p: Project) -> list[dict]:
    def has_freshness(source: Resource) -> bool:
        for freshness in (
            source.node.get("config", {}).get("freshness"),
            source.node.get("freshness"),
        ):
            if freshness and any(
                (freshness.get(after) or {}).get("count") for after in ("warn_after", "error_after")
            ):
                return True
        return False

    return [{"resource_name": s.name} for s in p.of_type("source") if not has_freshness(s)]


def fct_undocumented_models(p: Project) -> list[dict]:
    return [
        {"resource_name": r.name, "model_type": r.model_type}
        for r in p.of_type("model")
        if not r.is_described
    ]


def fct_undocumented_sources(p: Project) -> list[dict]:
    names = {
        s.node["source_name"]
        for s in p.of_type("source")
        if not (s.node.get("source_description") or "").strip()
    }
    return [{"source_name": name} for name in sorted(names)]


def fct_undocumented_source_tables(p: Project) -> list[dict]:
    return [{"resource_name": s.name} for s in p.of_type("source") if not s.is_described]


def fct_model_naming_conventions(p: Project) -> list[dict]:
    return [
        {
            "resource_name": r.name,
            "prefix": r.prefix,
            "model_type": r.model_type,
            "appropriate_prefixes": ", ".join(sorted(PREFIXES[r.model_type])),
        }
        for r in p.of_type("model")
        if r.prefix not in PREFIXES[r.model_type]
    ]


def fct_model_directories(p: Project) -> list[dict]:
    rows = []
    for rel in p.dag(1, parent=False):
        child = rel.child
        if (
            rel.parent.resource_type == "source"
            and child.resource_type == "model"
            and child.model_type == "staging"
            and rel.parent.node["source_name"] not in child.directory_path
        ):
            source = rel.parent.node["source_name"]
            row = {
                "resource_name": child.name,
                "resource_type": child.resource_type,
                "model_type": child.model_type,
                "current_file_path": child.file_path,
                "change_file_path_to": f"models/{FOLDERS['staging']}/{source}/{child.file_name}",
            }
            if row not in rows:
                rows.append(row)
    for r in p.of_type("model"):
        if r.model_type_folder is not None and r.model_type != r.model_type_folder:
            rows.append(
                {
                    "resource_name": r.name,
                    "resource_type": r.resource_type,
                    "model_type": r.model_type,
                    "current_file_path": r.file_path,
                    "change_file_path_to": f"models/.../{FOLDERS[r.model_type]}/.../{r.file_name}",
                }
            )
    return rows


def fct_source_directories(p: Project) -> list[dict]:
    return [
        {
            "resource_name": s.name,
            "resource_type": s.resource_type,
            "current_file_path": s.file_path,
            "change_file_path_to": (
                f"models/{FOLDERS['staging']}/{s.node['source_name']}/{s.file_name}"
            ),
        }
        for s in p.of_type("source")
        if s.node["source_name"] not in s.directory_path
    ]


def fct_test_directories(p: Project) -> list[dict]:
    rows = []
    for model in p.of_type("model"):
        for test in p.primary_tests(model):
            if test.node.get("test_metadata") and test.directory_path != model.directory_path:
                rows.append(
                    {
                        "test_name": test.name,
                        "model_name": model.name,
                        "current_test_directory": test.directory_path,
                        "change_test_directory_to": model.directory_path,
                    }
                )
    return rows


def fct_model_fanout(p: Project) -> list[dict]:
    """Parents with at least models_fanout_threshold direct children that are leaf models: models
    with no child in the DAG (tests are not in it, and exposures drop out with their null
    is_excluded)."""
    dag = p.dag()
    parents = {rel.parent.uid for rel in dag if rel.distance > 0}
    leaves = {m.uid for m in p.of_type("model") if m.uid not in parents}
    leaf_children: dict[str, set[str]] = defaultdict(set)
    for rel in (rel for rel in dag if rel.distance == 1):
        if rel.child.uid in leaves:
            leaf_children[rel.parent.uid].add(rel.child.name)
    return [
        {
            "parent": p.resources[parent].name,
            "parent_model_type": p.resources[parent].model_type,
            "leaf_children": ", ".join(sorted(children)),
        }
        for parent, children in leaf_children.items()
        if len(children) >= MODELS_FANOUT_THRESHOLD
    ]


def fct_root_models(p: Project) -> list[dict]:
    return [{"child": m.name} for m in p.of_type("model") if not m.parents]


def fct_unused_sources(p: Project) -> list[dict]:
    used = {rel.parent.uid for rel in p.dag() if rel.distance > 0}
    return [{"parent": s.name} for s in p.of_type("source") if s.uid not in used]


def fct_source_fanout(p: Project) -> list[dict]:
    children: dict[str, list[str]] = defaultdict(list)
    for rel in p.dag(1):
        if rel.parent.resource_type == "source" and rel.child.resource_type == "model":
            children[rel.parent.name].append(rel.child.name)
    return [
        {"parent": parent, "model_children": ", ".join(sorted(models))}
        for parent, models in children.items()
        if len(models) > 1
    ]


def fct_direct_join_to_source(p: Project) -> list[dict]:
    parents: dict[str, list[Relationship]] = defaultdict(list)
    for rel in p.dag(1):
        if rel.child.resource_type == "model":
            parents[rel.child.uid].append(rel)
    rows = []
    for rels in parents.values():
        types = {rel.parent.resource_type for rel in rels}
        if {"model", "source"} <= types:
            rows += [
                {
                    "parent": rel.parent.name,
                    "parent_resource_type": rel.parent.resource_type,
                    "child": rel.child.name,
                    "child_resource_type": rel.child.resource_type,
                    "distance": 1,
                }
                for rel in rels
            ]
    return rows


def fct_marts_or_intermediate_dependent_on_source(p: Project) -> list[dict]:
    return [
        {
            "parent": rel.parent.name,
            "parent_resource_type": rel.parent.resource_type,
            "child": rel.child.name,
            "child_model_type": rel.child.model_type,
        }
        for rel in p.dag(1)
        if rel.parent.resource_type == "source"
        and rel.child.model_type in ("marts", "intermediate")
    ]


def _model_edges(p: Project, parent_types: tuple[str, ...], child_types: tuple[str, ...]):
    return [
        {
            "parent": rel.parent.name,
            "parent_model_type": rel.parent.model_type,
            "child": rel.child.name,
            "child_model_type": rel.child.model_type,
        }
        for rel in p.dag(1)
        if rel.parent.resource_type in ("model", "snapshot")
        and rel.child.resource_type in ("model", "snapshot")
        and rel.parent.model_type in parent_types
        and rel.child.model_type in child_types
    ]


def fct_staging_dependent_on_staging(p: Project) -> list[dict]:
    return _model_edges(p, ("staging",), ("staging",))


def fct_staging_dependent_on_marts_or_intermediate(p: Project) -> list[dict]:
    return _model_edges(p, ("marts", "intermediate"), ("staging",))


def fct_multiple_sources_joined(p: Project) -> list[dict]:
    sources: dict[str, set[str]] = defaultdict(set)
    for rel in p.dag(1):
        if rel.parent.resource_type == "source":
            sources[rel.child.name].add(rel.parent.name)
    return [
        {"child": child, "source_parents": ", ".join(sorted(parents))}
        for child, parents in sources.items()
        if len(parents) > 1
    ]


def fct_rejoining_of_upstream_concepts(p: Project) -> list[dict]:
    """A parent joined to a child both directly and through a model whose only child is that
    child: the middle model could be folded into the child."""
    rels = [
        rel
        for rel in p.dag()
        if rel.parent.resource_type not in ("exposure", "metric")
        and rel.child.resource_type not in ("exposure", "metric")
    ]
    distances: dict[tuple[str, str], set[int]] = defaultdict(set)
    direct_children: dict[str, set[str]] = defaultdict(set)
    direct_count: dict[str, int] = defaultdict(int)
    for rel in rels:
        distances[(rel.parent.uid, rel.child.uid)].add(rel.distance)
        if rel.distance == 1:
            direct_children[rel.parent.uid].add(rel.child.uid)
            direct_count[rel.parent.uid] += 1
    rows = []
    for (parent, child), seen in distances.items():
        if {1, 2} <= seen:
            for middle in direct_children[parent]:
                if child in direct_children[middle] and direct_count[middle] == 1:
                    rows.append(
                        {
                            "parent": p.resources[parent].name,
                            "child": p.resources[child].name,
                            "parent_and_child": p.resources[middle].name,
                            "is_loop_independent": True,
                        }
                    )
    return rows


def fct_too_many_joins(p: Project) -> list[dict]:
    return [
        {"resource_name": m.name, "file_path": m.file_path, "join_count": len(set(m.parents))}
        for m in p.of_type("model")
        if len(set(m.parents)) >= TOO_MANY_JOINS_THRESHOLD
    ]


def fct_duplicate_sources(p: Project) -> list[dict]:
    locations: dict[str, list[str]] = defaultdict(list)
    for s in p.of_type("source"):
        parts = [s.node.get("database"), s.node.get("schema"), s.node.get("identifier")]
        locations[".".join(part for part in parts if part)].append(s.name)
    return [
        {"source_db_location": location, "source_names": ", ".join(sorted(names))}
        for location, names in locations.items()
        if len(names) > 1
    ]


RULES = {
    rule.__name__: rule
    for rule in [
        fct_exposures_dependent_on_private_models,
        fct_public_models_without_contract,
        fct_undocumented_public_models,
        fct_exposure_parents_materializations,
        fct_chained_views_dependencies,
        fct_missing_primary_key_tests,
        fct_sources_without_freshness,
        fct_undocumented_models,
        fct_undocumented_sources,
        fct_undocumented_source_tables,
        fct_model_naming_conventions,
        fct_model_directories,
        fct_source_directories,
        fct_test_directories,
        fct_model_fanout,
        fct_root_models,
        fct_unused_sources,
        fct_source_fanout,
        fct_direct_join_to_source,
        fct_marts_or_intermediate_dependent_on_source,
        fct_staging_dependent_on_staging,
        fct_staging_dependent_on_marts_or_intermediate,
        fct_multiple_sources_joined,
        fct_rejoining_of_upstream_concepts,
        fct_too_many_joins,
        fct_duplicate_sources,
    ]
}


# --- exceptions -------------------------------------------------------------------------------


def read_exceptions() -> list[dict]:
    with EXCEPTIONS_FILE.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == EXCEPTION_COLUMNS, (
            f"{EXCEPTIONS_FILE.name}: columns must be {EXCEPTION_COLUMNS}, not {reader.fieldnames}"
        )
        return list(reader)


def like(value: object, pattern: str) -> bool:
    """SQL `like`, as the evaluator's filter_exceptions applies id_to_exclude."""
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return value is not None and re.fullmatch(regex, str(value), re.DOTALL) is not None


def excluded(rule: str, row: dict, exceptions: list[dict]) -> bool:
    return any(
        e["fct_name"] == rule and like(row.get(e["column_name"]), e["id_to_exclude"])
        for e in exceptions
    )


# --- the tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The manifest of a `dbt parse` (about 10 s) into a temporary target path: nothing of the
    project's target/ or warehouse is touched."""
    target = tmp_path_factory.mktemp("dbt_parse")
    env = dict(os.environ)
    env["WWC_WAREHOUSE"] = str(target / "parse.duckdb")
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "parse",
            "--profiles-dir",
            str(PROJECT_ROOT),
            "--target-path",
            str(target),
            "--no-partial-parse",
            "--quiet",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return Project(json.loads((target / "manifest.json").read_text()))


@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule_finds_nothing_beyond_its_exceptions(project: Project, rule: str) -> None:
    exceptions = read_exceptions()
    findings = [row for row in RULES[rule](project) if not excluded(rule, row, exceptions)]
    assert not findings, (
        f"dbt-project-evaluator rule {rule} finds:\n"
        + "\n".join(f"  {row}" for row in findings)
        + f"\nFix them, or record a deliberate exception in {EXCEPTIONS_FILE.name}."
    )


def test_every_exception_names_a_rule_and_excludes_a_finding(project: Project) -> None:
    for e in read_exceptions():
        assert e["fct_name"] in RULES, f"{EXCEPTIONS_FILE.name}: no rule {e['fct_name']}"
        assert e["comment"].strip(), f"{EXCEPTIONS_FILE.name}: {e} gives no reason"
        rows = RULES[e["fct_name"]](project)
        matched = [row for row in rows if like(row.get(e["column_name"]), e["id_to_exclude"])]
        assert matched, f"{EXCEPTIONS_FILE.name}: {e} excludes nothing any more: remove it"


def test_coverage_of_tests_and_documentation(project: Project) -> None:
    """fct_test_coverage and fct_documentation_coverage, at the evaluator's default targets (100%):
    every model has a test and a description. No exceptions, as in the evaluator."""
    models = project.of_type("model")
    untested = [
        m.name for m in models if not model_test_summary(project, m)["number_of_tests_on_model"]
    ]
    undocumented = [m.name for m in models if not m.is_described]
    test_coverage = 100 * (len(models) - len(untested)) / len(models)
    documentation_coverage = 100 * (len(models) - len(undocumented)) / len(models)
    assert test_coverage >= TEST_COVERAGE_TARGET, f"untested models: {untested}"
    assert documentation_coverage >= DOCUMENTATION_COVERAGE_TARGET, (
        f"undocumented models: {undocumented}"
    )


# The raw tables no landing file writes (wwc/raw_loader.py `_apply_landing_rows` writes the
# assessments, criterion results, cities and restatements, `record_load_log` the load log,
# `mark_refresh` the build info): the criteria, loaded from the seeds alone.
LANDING_FREE_SOURCES = {"wwc.criteria"}


def test_the_project_fingerprint_covers_every_folder_dbt_builds_from() -> None:
    """A refresh trusts the fingerprint to change with any file dbt builds from
    (wwc/dbt_runner.py `project_fingerprint`): it must read every folder dbt_project.yml names."""
    import yaml

    from wwc.dbt_runner import PROJECT_FOLDERS

    config = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text(encoding="utf-8"))
    keys = ("model-paths", "macro-paths", "test-paths", "docs-paths", "snapshot-paths")
    named = {folder for key in keys for folder in config.get(key) or []}
    assert named and named <= set(PROJECT_FOLDERS), (sorted(named), PROJECT_FOLDERS)


def test_a_refresh_leaves_alone_exactly_the_models_no_landing_file_feeds(project: Project) -> None:
    """A refresh by the project that built the published file skips the models tagged
    `unchanged_by_landing` (wwc/pipeline.py `dbt_args`): each must read no table a landing file
    writes, or a refresh would leave it stale; and each model that reads none carries the tag."""
    sources = {
        model.uid: {
            rel.parent.name
            for rel in project.dag()
            if rel.child.uid == model.uid
            if rel.parent.resource_type == "source"
        }
        for model in project.of_type("model")
    }
    tagged = {m.name for m in project.of_type("model") if "unchanged_by_landing" in m.node["tags"]}
    free = {m.name for m in project.of_type("model") if sources[m.uid] <= LANDING_FREE_SOURCES}
    assert tagged == free, f"tagged: {sorted(tagged)}; reading no landing table: {sorted(free)}"
    assert {"dim_criteria", "metricflow_time_spine"} <= tagged


def test_the_rules_see_the_project(project: Project) -> None:
    """Guards the port itself: the manifest has every kind of model, the tests and the
    exposures; a model whose key has lost its unique test is no longer primary-key tested; and
    id_to_exclude matches as SQL `like` does."""
    models = {m.name: m for m in project.of_type("model")}
    assert {m.prefix for m in models.values()} == {
        "stg_",
        "int_",
        "fct_",
        "dim_",
        "rpt_",
        "metricflow_",
    }
    assert len(project.of_type("exposure")) == 6 and project.of_type("test")
    assert model_test_summary(project, models["dim_cities"])["is_primary_key_tested"]
    manifest = project.manifest
    without_unique = Project(
        {
            **manifest,
            "nodes": {
                uid: node
                for uid, node in manifest["nodes"].items()
                if (node.get("test_metadata") or {}).get("name") != "unique"
            },
        }
    )
    assert "dim_cities" in [
        row["resource_name"] for row in fct_missing_primary_key_tests(without_unique)
    ]
    assert like("stg_wwc__cities", "stg_%") and like("dim_cities", "dim_cities")
    assert not like("dim_cities", "fct_%") and not like("xdim_cities", "dim_cities")
