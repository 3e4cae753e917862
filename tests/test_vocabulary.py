"""dbt's YAML, its macros and the committed GX suites say what wwc/vocabulary.py says.

The YAML and SQL cannot import Python, so this reads them (never renders their Jinja) and compares
every list of allowed values over a level, practice area, status, form of government, state or
population band column with the vocabulary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import yaml

from support.commands import PROJECT_ROOT
from wwc import vocabulary as v

YAML_FILES = sorted((PROJECT_ROOT / "models").rglob("*.yml"))
SUITES = sorted((PROJECT_ROOT / "expectations" / "gx" / "expectations").glob("*.json"))
MACROS = PROJECT_ROOT / "macros"

# Column name -> the value lists it may allow (reports add `unknown` for a missing attribute).
ALLOWED: dict[str, list[tuple[str, ...]]] = {
    "certification_level": [v.LEVELS],
    "latest_certification_level": [v.LEVELS],
    "practice_area": [v.PRACTICE_AREAS[v.CURRENT_STANDARD], v.ALL_PRACTICE_AREAS],
    "status": [v.STATUSES],
    "reported_status": [v.STATUSES],
    "form_of_government": [v.FORMS_OF_GOVERNMENT, (*v.FORMS_OF_GOVERNMENT, v.UNKNOWN)],
    "state_code": [v.STATE_CODES],
    "population_band": [v.POPULATION_BAND_LABELS, (*v.POPULATION_BAND_LABELS, v.UNKNOWN)],
}


def _accepted_values(node: object, where: str) -> Iterator[tuple[str, str, list]]:
    """(where, column, values) for every accepted_values test on a named column in node."""
    if isinstance(node, list):
        for item in node:
            yield from _accepted_values(item, where)
    elif isinstance(node, dict):
        name = node.get("name")
        here = f"{where} > {name}" if isinstance(name, str) else where
        for test in node.get("data_tests") or node.get("tests") or []:
            if isinstance(test, dict) and "accepted_values" in test:
                config = test["accepted_values"]
                values = config.get("arguments", config)["values"]
                yield here, name, values
        for key, value in node.items():
            if key not in ("data_tests", "tests"):
                yield from _accepted_values(value, here)


def _yaml_lists() -> list[tuple[str, str, list]]:
    out = []
    for path in YAML_FILES:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(PROJECT_ROOT))
        out += [found for found in _accepted_values(document, where) if found[1] in ALLOWED]
    return out


def test_vocabulary_is_well_formed() -> None:
    for values in (v.LEVELS, v.STATUSES, v.FORMS_OF_GOVERNMENT, v.STATE_CODES):
        assert len(set(values)) == len(values)
    assert v.CERTIFIED_LEVELS == (v.SILVER, v.GOLD, v.PLATINUM)
    assert [len(v.PRACTICE_AREAS[s]) for s in (2017, 2018)] == [6, 8]
    assert set(v.ALL_PRACTICE_AREAS) == {a for areas in v.PRACTICE_AREAS.values() for a in areas}
    assert len(set(v.ALL_PRACTICE_AREAS)) == len(v.ALL_PRACTICE_AREAS)
    bounds = [band.lower_bound for band in v.POPULATION_BANDS]
    assert bounds[0] == 0 and bounds == sorted(set(bounds))
    for floors in v.LEVEL_FLOORS.values():
        assert [level for _, level in floors] == list(reversed(v.CERTIFIED_LEVELS))
        assert [floor for floor, _ in floors] == sorted((f for f, _ in floors), reverse=True)


def test_yaml_accepted_values_agree_with_the_vocabulary() -> None:
    found = _yaml_lists()
    wrong = [
        f"{where}: {values}"
        for where, column, values in found
        if tuple(values) not in ALLOWED[column]
    ]
    assert not wrong, "accepted_values differ from wwc/vocabulary.py:\n" + "\n".join(wrong)
    # The check is not vacuous: each kind of column is tested somewhere.
    assert {column for _, column, _ in found} == set(ALLOWED)


def _branches(macro: str) -> list[tuple[int | None, str]]:
    """(N, value) for each `when population < N then value` of a population macro, and
    (None, value) for its `else`."""
    sql = (MACROS / "population_band.sql").read_text()
    body = re.search(rf"macro {macro}\(.*?endmacro", sql, re.S)
    assert body, macro
    literal = r"('[^']*'|\d+)"
    branches = [
        (int(n), value.strip("'"))
        for n, value in re.findall(rf"<\s*(\d+)\s+then\s+{literal}", body.group(0))
    ]
    (last,) = re.findall(rf"else\s+{literal}", body.group(0))
    return [*branches, (None, last.strip("'"))]


def test_population_band_macros_agree_with_the_vocabulary() -> None:
    bands = _branches("population_band")
    assert [label for _, label in bands] == list(v.POPULATION_BAND_LABELS)
    # Each band's upper bound (`< N`) is the next band's lower bound.
    assert [n for n, _ in bands[:-1]] == [b.lower_bound for b in v.POPULATION_BANDS[1:]]
    order = _branches("population_band_order")
    assert [n for n, _ in order] == [n for n, _ in bands]
    assert [int(o) for _, o in order] == list(range(1, len(v.POPULATION_BANDS) + 1))


def test_level_macro_agrees_with_the_vocabulary() -> None:
    sql = (MACROS / "certification_level_for_share.sql").read_text()
    # One case block per standard with share thresholds: `when share >= F then 'level'`.
    blocks = re.findall(r"case\s+(when \{\{ share_met \}\} >=.*?)end", sql, re.S)
    assert len(blocks) == len(v.LEVEL_FLOORS)
    for block, floors in zip(blocks, v.LEVEL_FLOORS.values(), strict=True):
        branches = re.findall(r">=\s*([\d.]+)\s+then\s+'(\w+)'", block)
        assert [(float(f), level) for f, level in branches] == list(floors)
        assert re.search(r"else\s+'(\w+)'", block).group(1) == v.NONE
    # `< 2018` (no share rule yet), then `< 2022` (the 2018 rule's last year is 2021).
    starts = [int(n) for n in re.findall(r"standard_version \}\} <\s*(\d+)", sql)]
    assert starts == list(v.LEVEL_FLOORS)


@pytest.mark.parametrize("suite", SUITES, ids=lambda p: p.stem)
def test_gx_value_sets_agree_with_the_vocabulary(suite) -> None:
    expectations = json.loads(suite.read_text())["expectations"]
    for expectation in expectations:
        column = expectation["kwargs"].get("column")
        if expectation["type"] == "expect_column_values_to_be_in_set" and column in ALLOWED:
            assert tuple(expectation["kwargs"]["value_set"]) in ALLOWED[column], column


def test_the_landing_suite_checks_each_vocabulary_column() -> None:
    (landing,) = [s for s in SUITES if s.stem == "landing_file"]
    checked = {
        e["kwargs"]["column"]: tuple(e["kwargs"]["value_set"])
        for e in json.loads(landing.read_text())["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set"
    }
    assert checked["certification_level"] == v.LEVELS
    assert checked["status"] == v.STATUSES
    assert checked["form_of_government"] == v.FORMS_OF_GOVERNMENT
    assert checked["state_code"] == v.STATE_CODES
