"""The Evidence dashboard (dashboard/), as docs/dashboard.md says to build it: a copy of the
project gets `npm ci` from the npm registry, then `dashboard/build.sh` runs `npm run sources` and
`npm run build` on the session's published warehouse in a network namespace that has no network
at all. Every page of the static site is then served from 127.0.0.1 and opened in Debian's
chromium (playwright-core), still with no network: each chart must draw, show the warehouse's
figures (ECharts' aria description carries the plotted values), name a difference only where the
report's flag says so, and no request may leave the machine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from support.bi_tools import (
    CHROMIUM_FLAGS,
    CLIENTS,
    PLAYWRIGHT_CORE,
    chromium,
    npm_install,
    run,
    tool,
)
from support.commands import PROJECT_ROOT, Built

DASHBOARD = PROJECT_ROOT / "dashboard"
# Page path -> (title, number of charts).
PAGES = {
    "/": ("WWC Certification dashboard", 0),
    "/improvement": ("Improvement between assessments", 2),
    "/criteria": ("Most and least met criteria", 2),
    "/form-of-government": ("Form of government", 2),
    "/population-size": ("Population size", 2),
    "/certification": ("Certification by year", 1),
    "/masters": ("Characteristics of masters", 2),
    "/trends": ("Trend by year and cohort", 2),
}


WORDS = {"up": "clear rise", "down": "clear fall"}  # the page's words for change_direction


def offline() -> list[str]:
    """A prefix that runs a command in a new network namespace with only loopback, brought up:
    no route, no DNS, nothing outside the machine can be reached."""
    ip = tool("ip", "apt-get install -y iproute2")
    for unshare in (["unshare", "-n"], ["unshare", "-rn"]):  # as root, or in a user namespace
        if subprocess.run([*unshare, "true"], capture_output=True, check=False).returncode == 0:
            return [*unshare, "sh", "-c", f'{ip} link set lo up && exec "$@"', "offline"]
    pytest.fail("the dashboard tests need `unshare -n` (root) or `unshare -rn` to cut the network")


def pct1(share: float) -> str:
    """Evidence's pct1 format: the share times 100, rounded half up to one decimal."""
    rounded = Decimal(repr(share * 100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rounded}%"


def interval(lower: float, upper: float) -> str:
    """The pages' interval text, DuckDB's printf('%.1f%% to %.1f%%', ...) (C's rounding)."""
    return f"{100 * lower:.1f}% to {100 * upper:.1f}%"


def js_number(value: float) -> str:
    """How JavaScript prints a double (shortest round trip, as Python's repr, no trailing .0)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass
class Site:
    folder: Path
    seconds: float
    megabytes: float
    log: str


@pytest.fixture(scope="module")
def site(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The dashboard built offline from the session's warehouse, in a copy of dashboard/."""
    project = tmp_path_factory.mktemp("dashboard") / "dashboard"
    shutil.copytree(
        DASHBOARD,
        project,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            "node_modules", ".evidence", "build", "wwc.duckdb", ".svelte-kit"
        ),
    )
    npm = tool("npm", "install Node.js 20+ with npm")
    run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=project, timeout=900)

    started = time.monotonic()
    env = dict(os.environ, WWC_WAREHOUSE=str(built.path))
    done = run([*offline(), "bash", str(project / "build.sh")], env=env, timeout=900)
    seconds = time.monotonic() - started
    folder = project / "build"
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    print(f"dashboard: built offline in {seconds:.0f} s, {size / 2**20:.0f} MiB")  # noqa: T201
    return Site(folder, seconds, size / 2**20, done.stdout + done.stderr)


@pytest.fixture(scope="module")
def pages(site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every page opened in chromium, offline; what dashboard_check.mjs saw on each."""
    root = tmp_path_factory.mktemp("dashboard-browser")
    modules = npm_install(root / "playwright", PLAYWRIGHT_CORE)
    shots = root / "screenshots"
    shots.mkdir()
    node = tool("node", "install Node.js 20+")
    done = run(
        [
            *offline(),
            node,
            str(CLIENTS / "dashboard_check.mjs"),
            str(modules),
            chromium(),
            str(root / "profile"),
            str(shots),
            json.dumps(CHROMIUM_FLAGS),
            str(site.folder),
            *PAGES,
        ],
        timeout=600,
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["screenshots"] = shots
    return out


@pytest.fixture(scope="module")
def warehouse(built: Built) -> dict[str, list[dict]]:
    return read_warehouse(built.path)


def read_warehouse(path: Path) -> dict[str, list[dict]]:
    """The report rows the pages show, as DuckDB's Python client reads them."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            "change": rows(
                con,
                "select * from reports.rpt_practice_area_change_between_assessments"
                " where from_assessment_number = 1 order by practice_area",
            ),
            "prevalence": rows(
                con,
                "select * from reports.rpt_criterion_prevalence"
                " where period = 'all years' order by rank_most_met",
            ),
            "form_of_government": rows(
                con,
                "select *, form_of_government as grp"
                " from reports.rpt_achievement_by_form_of_government",
            ),
            "population_band": rows(
                con,
                "select *, population_band as grp from reports.rpt_achievement_by_population_band",
            ),
            "levels": rows(
                con,
                "select * from reports.rpt_certification_levels_by_year"
                " order by certification_cohort",
            ),
            "mastery": rows(con, "select * from reports.rpt_mastery_characteristics"),
            "by_year": rows(con, "select * from marts.fct_practice_area_achievement_by_year"),
            "by_cohort": rows(con, "select * from marts.fct_practice_area_achievement_by_cohort"),
        }


def test_the_build_needs_no_network_and_telemetry_is_off(site: Site) -> None:
    assert "Build complete" in site.log
    assert "Dashboard (static site" in site.log and str(site.folder) in site.log
    settings = json.loads((DASHBOARD / "evidence.settings.json").read_text())
    assert settings["send_anonymous_usage_stats"] == "no"
    for path in [p for p in PAGES if p != "/"]:
        assert (site.folder / path.strip("/") / "index.html").is_file() or (
            site.folder / f"{path.strip('/')}.html"
        ).is_file(), path
    manifest = json.loads((site.folder / "data" / "manifest.json").read_text())
    assert len(manifest["renderedFiles"]["wwc"]) == 8  # one Parquet file per source query


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_offline_and_nothing_leaves_the_machine(path: str, pages: dict) -> None:
    seen, origin = pages["pages"][path], pages["origin"]
    title, charts = PAGES[path]
    assert seen["status"] == 200
    assert seen["title"] == title
    assert seen["external"] == [], "requests that would have left the machine"
    assert seen["requests"] and all(
        u.startswith(origin) or u.startswith("data:") for u in seen["requests"]
    )
    # Evidence cancels its own prerendered-result downloads once the page has its data.
    assert all(
        f["url"].startswith(origin) and f["error"] == "net::ERR_ABORTED" for f in seen["failed"]
    ), seen["failed"]
    assert seen["badStatus"] == []
    assert seen["consoleErrors"] == [] and seen["pageErrors"] == []
    assert seen["errorBoxes"] == []
    assert len(seen["charts"]) == charts
    for chart in seen["charts"]:
        assert chart["instance"] and chart["surface"] == "canvas"
        assert chart["width"] > 300 and chart["height"] > 150


def aria(pages: dict, path: str, index: int) -> str:
    return pages["pages"][path]["charts"][index]["aria"]


def text(pages: dict, path: str) -> str:
    """The page's text; Evidence's <Value> leaves a space before the punctuation that follows it."""
    return pages["pages"][path]["text"].replace(" )", ")").replace(" ,", ",")


def test_improvement_shows_each_area_change_interval_and_finding(pages: dict, warehouse: dict):
    page = text(pages, "/improvement")
    shares_chart, change_chart = aria(pages, "/improvement", 0), aria(pages, "/improvement", 1)
    for r in warehouse["change"]:
        words = WORDS.get(r["change_direction"], "no clear change")
        line = (
            f"{r['practice_area']} ({r['cities']} cities): {pct1(r['from_share_met'])} → "
            f"{pct1(r['to_share_met'])}, change {pct1(r['change_in_share_met'])} "
            f"(95% interval {pct1(r['change_lower_95'])} to {pct1(r['change_upper_95'])}): "
            f"{words}."
        )
        assert line in page
        assert (
            "\t".join(
                [
                    r["practice_area"],
                    pct1(r["from_share_met"]),
                    pct1(r["from_share_met_lower_95"]),
                    pct1(r["from_share_met_upper_95"]),
                    pct1(r["to_share_met"]),
                    pct1(r["to_share_met_lower_95"]),
                    pct1(r["to_share_met_upper_95"]),
                ]
            )
            in page
        )
        for value in ("from_share_met", "to_share_met"):
            assert f"{r['practice_area']} is {js_number(r[value])}" in shares_chart
        # A box: its whiskers and box edges are the interval's bounds, its midpoint the change.
        bounds = (
            "change_lower_95",
            "change_lower_95",
            "change_in_share_met",
            "change_upper_95",
            "change_upper_95",
        )
        box = ", ".join(js_number(r[c]) for c in bounds)
        assert f"the data for {r['practice_area']} is " in change_chart
        assert box in change_chart


def test_criteria_show_the_most_and_least_met_with_intervals(pages: dict, warehouse: dict) -> None:
    page = text(pages, "/criteria")
    most = [r for r in warehouse["prevalence"] if r["rank_most_met"] <= 10]
    least = [r for r in warehouse["prevalence"] if r["rank_least_met"] <= 10]
    top, bottom = most[0], min(least, key=lambda r: (r["rank_least_met"], r["criterion_code"]))
    assert (
        f"{top['criterion_code']} ({top['criterion_name']}), is met in "
        f"{pct1(top['share_met'])} of assessments (95% interval "
        f"{pct1(top['share_met_lower_95'])} to {pct1(top['share_met_upper_95'])})"
    ) in page
    assert (
        f"the least met, {bottom['criterion_code']} ({bottom['criterion_name']}), in "
        f"{pct1(bottom['share_met'])} (95% interval {pct1(bottom['share_met_lower_95'])} to "
        f"{pct1(bottom['share_met_upper_95'])})"
    ) in page
    for chart, ranked in ((0, most), (1, least)):
        assert len(ranked) >= 10
        for r in ranked:
            assert f"the data for {r['criterion_code']} is " in aria(pages, "/criteria", chart)
            assert js_number(r["share_met"]) in aria(pages, "/criteria", chart)
            assert (
                "\t".join(
                    [
                        r["criterion_code"],
                        r["criterion_name"],
                        r["practice_area"],
                        pct1(r["share_met"]),
                        pct1(r["share_met_lower_95"]),
                        pct1(r["share_met_upper_95"]),
                    ]
                )
                in page
            )


@pytest.mark.parametrize(
    ("path", "report"),
    [("/form-of-government", "form_of_government"), ("/population-size", "population_band")],
)
def test_groups_show_intervals_and_flag_only_what_the_report_flags(
    path: str, report: str, pages: dict, warehouse: dict
) -> None:
    page, table = text(pages, path), warehouse[report]
    flagged = [r for r in table if r["differs_from_other_cities"]]
    for r in table:
        if r["is_small_group"]:
            finding = "too few to compare"
        elif r["differs_from_other_cities"]:
            side = "higher" if r["share_met"] > r["share_met_other_cities"] else "lower"
            finding = f"{side} than the other cities"
        else:
            finding = "no clear difference"
        cells = [
            r["grp"],
            r["practice_area"],
            pct1(r["share_met"]),
            interval(r["share_met_lower_95"], r["share_met_upper_95"]),
            pct1(r["share_met_other_cities"]),
        ]
        line = [row for row in page.splitlines() if row.startswith("\t".join(cells) + "\t")]
        assert len(line) == 1 and line[0].endswith(f"\t{finding}"), (cells, line)
        label = f"{r['grp']} · {r['practice_area']}"
        assert f"the data for {label} is " in aria(pages, path, 1)
        assert js_number(r["share_met_lower_95"]) in aria(pages, path, 1)
        assert js_number(r["share_met"]) in aria(pages, path, 0)
    # Differences are named where, and only where, the report's flag is set.
    assert page.count("than the other cities") == 2 * len(flagged)  # the finding list and the table
    assert ("No clear difference." in page) == (not flagged)
    for group, cities, small in {(r["grp"], r["cities"], r["is_small_group"]) for r in table}:
        clear = sum(r["differs_from_other_cities"] for r in table if r["grp"] == group)
        summary = (
            "too few to compare (not tested)"
            if small
            else f"clear differences in {clear} practice area(s)"
            if clear
            else "no clear difference in any practice area"
        )
        assert f"{group}: {cities} cities, {summary}." in page


def test_certification_by_year_shows_the_levels(pages: dict, warehouse: dict) -> None:
    page = text(pages, "/certification")
    for r in warehouse["levels"]:
        cells = [
            r[c]
            for c in (
                "certification_cohort",
                "assessment_year",
                "assessments",
                "silver",
                "gold",
                "platinum",
                "total_certified",
                "newly_certified",
            )
        ]
        assert "\t".join(map(str, cells)) in page
    latest = warehouse["levels"][-1]
    assert (
        f"In the {latest['certification_cohort']} cohort, {latest['total_certified']} cities "
        f"are certified: {latest['silver']} silver, {latest['gold']} gold and "
        f"{latest['platinum']} platinum"
    ) in page
    # One stacked series per level; ECharts describes each bar as "x index, value, ...".
    series = aria(pages, "/certification", 0).split(" series is a Bar chart representing ")[1:]
    assert [s.split(".", 1)[0] for s in series] == ["silver", "gold", "platinum"]
    for level, described in zip(("silver", "gold", "platinum"), series, strict=True):
        for i, r in enumerate(warehouse["levels"]):
            assert f"the data for {r['certification_cohort']} is {i}, {r[level]}," in described


def test_masters_name_an_effect_only_where_the_test_supports_it(pages: dict, warehouse: dict):
    page = text(pages, "/masters")
    traits = [
        r
        for r in warehouse["mastery"]
        if not r["is_mastery_component"] and r["statistic"] != "median"
    ]
    clear = [r for r in traits if r["differs_from_others"]]
    masters = traits[0]["masters_cities"]
    assert f"Compared: {masters} masters and {traits[0]['others_cities']} other cities" in page
    assert ("No clear difference." in page) == (not clear)
    for r in traits:
        finding = "no clear difference" if not r["differs_from_others"] else r["effect_magnitude"]
        assert f"{r['characteristic']}\t{r['statistic']}\t" in page
        assert f"{r['effect_size']:.3f}\t{r['p_value_adjusted']:.3f}\t{finding}" in page
        assert f"the data for {r['characteristic']} is {js_number(r['effect_size'])}" in aria(
            pages, "/masters", 0
        )
    for r in (r for r in warehouse["mastery"] if r["is_mastery_component"]):
        cells = [r["characteristic"], pct1(r["masters_value"]), pct1(r["others_value"])]
        assert "\t".join(cells) in page
        assert js_number(r["masters_value"]) in aria(pages, "/masters", 1)


def test_trends_by_year_and_cohort(pages: dict, warehouse: dict) -> None:
    page = text(pages, "/trends")
    for r in warehouse["by_year"]:
        assert (
            f"{r['practice_area']}\t{r['assessment_year']}\t{r['assessments']}\t"
            f"{r['criteria_met']}\t{r['criterion_results']}\t{pct1(r['share_met'])}"
        ) in page
        assert js_number(r["share_met"]) in aria(pages, "/trends", 0)
    for r in warehouse["by_cohort"]:
        assert (
            f"{r['practice_area']}\t{r['entry_cohort']}\t{r['assessment_number']}\t"
            f"{r['assessments']}\t{pct1(r['share_met'])}"
        ) in page
        assert js_number(r["share_met"]) in aria(pages, "/trends", 1)


def test_home_headline_figures(pages: dict, warehouse: dict) -> None:
    page = text(pages, "/")
    clear = sum(r["change_direction"] != "no clear change" for r in warehouse["change"])
    masters = warehouse["mastery"][0]["masters_cities"]
    certified = warehouse["levels"][-1]["total_certified"]
    for title, value in (
        ("Cities assessed twice", max(r["cities"] for r in warehouse["change"])),
        ("Practice areas with a clear change", clear),
        ("Certified cities, latest cohort", certified),
        ("Masters (gold or platinum)", masters),
    ):
        assert f"{title}\n\n{value}\n" in page
    for target in [p for p in PAGES if p != "/"]:
        assert PAGES[target][0] in page
