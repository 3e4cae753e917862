"""What a publish writes for readers beside the warehouse, and the docs: the picture report (also
in a real headless chromium), the Parquet export and its manifest, `wwc docs`, and the example
analyst queries."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

import duckdb
import pytest

from support.bi_tools import (
    CHROMIUM_FLAGS,
    CLIENTS,
    PLAYWRIGHT_CORE,
    chromium,
    node_json,
    npm_install,
)
from support.commands import PROJECT_ROOT, WWC, Built
from wwc import parquet_export
from wwc.parquet_export import export_parquet, read_manifest
from wwc.picture_report import CHARTS, render, write_picture_report

SVG = "{http://www.w3.org/2000/svg}"
QUERIES = sorted((PROJECT_ROOT / "examples" / "queries").glob("*.sql"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows_not_in_export(con: duckdb.DuckDBPyConnection, relation: str, export: Path) -> int:
    """Rows of the relation and of its Parquet files (a partitioned one's read as one table,
    with the column its folders are named by) that the other lacks, duplicates counted."""
    pattern = "/*/*" if relation in parquet_export.PARTITIONED else ""
    files = f"read_parquet('{export}/{relation}{pattern}.parquet', hive_partitioning = true)"
    names = ", ".join(row[0] for row in con.execute(f"describe {relation}").fetchall())
    return con.execute(
        f"select count(*) from ((select {names} from {files} except all "
        f"select {names} from {relation}) union all (select {names} from {relation} "
        f"except all select {names} from {files}))"
    ).fetchone()[0]


def _figure(page: str, chart: str) -> str:
    match = re.search(rf'<figure data-chart="{chart}".*?</figure>', page, re.S)
    assert match, chart
    return match.group(0)


# --- the picture report ------------------------------------------------------------------------


def test_build_prints_the_report_and_parquet_paths(built: Built) -> None:
    out = built.run.stdout
    report = built.path.parent / "wwc_report.html"
    assert f"Picture report (HTML, opens offline): {report}" in out
    assert (
        "Parquet export (a file per mart and report, the two facts a file per assessment year; "
        "manifest.json): "
    ) in out
    assert f"{built.path.parent / 'parquet'}\n" in out
    assert report.is_file()


def test_picture_report_is_self_contained(built: Built) -> None:
    page = (built.path.parent / "wwc_report.html").read_text()
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, re.I)
    assert "@import" not in page and "url(" not in page
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace, never fetched
    for chart in CHARTS:
        assert "<svg" in _figure(page, chart)


def test_picture_report_shows_the_published_report_figures(built: Built) -> None:
    page = (built.path.parent / "wwc_report.html").read_text()
    with duckdb.connect(str(built.path), read_only=True) as con:
        changes = con.execute(
            "select practice_area, change_in_share_met "
            "from reports.rpt_practice_area_change_between_assessments"
        ).fetchall()
        most, least = con.execute(
            "select arg_min(criterion_code, rank_most_met), arg_min(criterion_code, rank_least_met)"
            " from reports.rpt_criterion_prevalence where is_all_years"
        ).fetchone()
        totals = con.execute(
            "select certification_cohort, total_certified "
            "from reports.rpt_certification_levels_by_year"
        ).fetchall()
        small_bands = con.execute(
            "select distinct population_band from reports.rpt_achievement_by_population_band "
            "where is_small_group"
        ).fetchall()
    change = _figure(page, "practice-area-change")
    for area, delta in changes:
        assert f"{area.replace('&', '&amp;')}</td>" in change
        assert f"{delta * 100:+.1f} pts" in change
    prevalence = _figure(page, "criterion-prevalence")
    assert f"{most} " in prevalence and f"{least} " in prevalence
    levels = _figure(page, "certification-levels-by-year")
    for cohort, total in totals:
        assert f">{cohort}<" in levels and f">{total} certified<" in levels
    population = _figure(page, "achievement-by-population-band")
    for (band,) in small_bands:
        assert f"{band} (" in population and "too few to compare" in population


def test_picture_report_marks_only_the_findings_the_tests_support(built: Built) -> None:
    page = (built.path.parent / "wwc_report.html").read_text()
    with duckdb.connect(str(built.path), read_only=True) as con:
        directions = con.execute(
            "select practice_area, change_in_share_met, change_direction "
            "from reports.rpt_practice_area_change_between_assessments"
        ).fetchall()
        flagged = {
            report: con.execute(
                f"select count(*) from reports.{report} where differs_from_other_cities"
            ).fetchone()[0]
            for report in (
                "rpt_achievement_by_form_of_government",
                "rpt_achievement_by_population_band",
            )
        }
        masters_differ = con.execute(
            "select count(*) from reports.rpt_mastery_characteristics "
            "where differs_from_others and not is_mastery_component"
        ).fetchone()[0]
    change = _figure(page, "practice-area-change")
    for _area, delta, direction in directions:
        marked = f"{delta * 100:+.1f} pts ?<" in change
        assert marked == (direction == "no clear change"), (_area, direction)
    for chart, report in (
        ("achievement-by-form-of-government", "rpt_achievement_by_form_of_government"),
        ("achievement-by-population-band", "rpt_achievement_by_population_band"),
    ):
        figure = _figure(page, chart)
        assert len(_marks(figure, "rings")) == flagged[report], chart
        assert ("differs clearly from the other cities in any" in figure) == (not flagged[report])
    mastery = _figure(page, "mastery-characteristics")
    assert ("No characteristic distinguishes masters" in mastery) == (masters_differ == 0)
    assert "certified gold or platinum</h2>" in mastery


def test_picture_report_draws_what_the_report_tables_hold(built: Built, tmp_path: Path) -> None:
    """Change a published report table: the chart follows it (nothing is recomputed)."""
    copy = tmp_path / "wwc.duckdb"
    shutil.copyfile(built.path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "update reports.rpt_certification_levels_by_year set total_certified = 999 "
            "where certification_cohort = (select max(certification_cohort) "
            "from reports.rpt_certification_levels_by_year)"
        )
        con.execute(
            "update reports.rpt_achievement_by_form_of_government "
            "set differs_from_other_cities = true, p_value_adjusted = 0.01 "
            "where (form_of_government, practice_area) = ('council-manager', 'Open Data')"
        )
    page = write_picture_report(copy).read_text()
    assert ">999 certified<" in _figure(page, "certification-levels-by-year")
    government = _figure(page, "achievement-by-form-of-government")
    assert len(_marks(government, "rings")) == 1
    assert "1 of 24 cells differ from the other cities (ringed): council-manager in Open Data" in (
        government
    )


def test_picture_report_shows_masters_with_their_counts_and_the_caveat(built: Built) -> None:
    """Each city trait is drawn for masters and the other cities with the count behind each
    share (the report's share times its cities), and the caption says how little so few
    masters can show."""
    page = (built.path.parent / "wwc_report.html").read_text()
    with duckdb.connect(str(built.path), read_only=True) as con:
        traits = con.execute(
            "select characteristic, masters_value, masters_cities, others_value, others_cities "
            "from reports.rpt_mastery_characteristics where not is_mastery_component "
            "and statistic = 'share of cities' and p_value is not null"
        ).fetchall()
    mastery = _figure(page, "mastery-characteristics")
    points = [dict(f.split(": ", 1) for f in m.split("; ")) for m in _marks(mastery, "points")]
    drawn = {(p["trait"], p["group"]): p["cities"] for p in points}
    assert len(traits) >= 5
    assert drawn == {
        key: f"{round(share * cities)} of {cities}"
        for trait, m_share, m_cities, o_share, o_cities in traits
        for key, share, cities in (
            ((trait, "masters"), m_share, m_cities),
            ((trait, "other cities"), o_share, o_cities),
        )
    }
    masters = traits[0][2]
    assert f"({masters} cities, against {traits[0][4]} others)" in mastery
    assert f"a single city moves their share by {100 / masters:.0f}%" in mastery
    assert "mastery is defined by them" in mastery


def test_picture_report_shows_full_criterion_names_and_small_shares(
    built: Built, tmp_path: Path
) -> None:
    """A criterion met once in 209 assessments reads "0.5%", not "0%", and a long criterion
    name is shown whole (wrapped), not cut off."""
    copy = tmp_path / "wwc.duckdb"
    shutil.copyfile(built.path, copy)
    name = "Open data in a central location that residents can find and use"
    with duckdb.connect(str(copy)) as con:
        least = con.execute(
            "select criterion_id from reports.rpt_criterion_prevalence where is_all_years "
            "order by rank_least_met, criterion_id limit 1"
        ).fetchone()[0]
        con.execute(
            "update reports.rpt_criterion_prevalence set criterion_name = ?, criteria_met = 1, "
            "assessments = 209, share_met = 1 / 209 where criterion_id = ? and is_all_years",
            [name, least],
        )
    figure = _figure(write_picture_report(copy).read_text(), CHARTS[1])
    assert ">0.5%<" in figure
    assert "…" not in figure
    texts = re.findall(r"<text\b[^>]*>(.*?)</text>", figure, re.S)
    labels = " ".join(re.sub(r"<[^>]+>", " ", t).strip() for t in texts)
    assert name in " ".join(labels.split())


def _marks(figure: str, name: str) -> list[str]:
    """The aria labels of the marks Vega drew for the layer named `name` (none: an empty
    layer), read from the figure's SVG as XML."""
    svg = ElementTree.fromstring(re.search(r"<svg\b.*</svg>", figure, re.S).group(0))
    groups = [g for g in svg.iter(f"{SVG}g") if f"{name}_marks" in g.get("class", "").split()]
    assert groups, name
    return [path.get("aria-label", "") for g in groups for path in g.findall(f"{SVG}path")]


def _plotted(figure: str, x: str, y: str, group: str) -> set[tuple[str, float, str]]:
    """The (x, share, group) of every mark Vega drew, read from the marks' aria labels."""
    pattern = rf"{re.escape(x)}: ([^;]+); {re.escape(y)}: ([0-9.]+)%; {re.escape(group)}: ([^;\"]+)"
    return {
        (a, round(float(share) / 100, 4), g)
        for a, share, g in re.findall(pattern, html.unescape(figure))
    }


def test_picture_report_trends_plot_the_achievement_marts(built: Built) -> None:
    """Trend by year plots each practice area's pooled share per year, and trend by cohort each
    entry cohort's share of all criteria per assessment number, labelled with its assessments:
    recomputed here from the marts' counts."""
    page = (built.path.parent / "wwc_report.html").read_text()
    with duckdb.connect(str(built.path), read_only=True) as con:
        by_year = con.execute(
            "select assessment_year::varchar, round(criteria_met / criterion_results, 4), "
            "practice_area from marts.fct_practice_area_achievement_by_year"
        ).fetchall()
        by_cohort = con.execute(
            "select assessment_number::varchar, round(sum(criteria_met) / "
            "sum(criterion_results), 4), entry_cohort::varchar, max(assessments) "
            "from marts.fct_practice_area_achievement_by_cohort group by all"
        ).fetchall()
    assert len(by_year) >= 8 and len(by_cohort) >= 2
    year = _figure(page, "trend-by-year")
    assert _plotted(year, "year of assessment", "share of criteria met", "practice area") == set(
        by_year
    )
    cohort = _figure(page, "trend-by-cohort")
    nth = "the city's nth assessment under the current standard"
    assert _plotted(cohort, nth, "share of all criteria met", "entry cohort") == {
        row[:3] for row in by_cohort
    }
    labels = re.findall(r"entry cohort: ([^;]+); assessments: (\d+)", html.unescape(cohort))
    assert sorted(labels) == sorted((c, str(n)) for _, _, c, n in by_cohort)
    for chart in (year, cohort):
        assert "not tested against chance" in chart


def test_picture_report_with_empty_reports_still_renders_every_chart() -> None:
    empty = {
        k: [] for k in ("change", "prevalence", "government", "population", "levels", "mastery")
    }
    page = render(empty, Path("/data/wwc.duckdb"))
    for chart in CHARTS:
        assert 'data-empty="true"' in _figure(page, chart)


# --- the Parquet export ------------------------------------------------------------------------


def test_parquet_export_has_every_mart_and_report_with_counts_and_checksums(built: Built) -> None:
    folder = built.path.parent / "parquet"
    assert folder.is_symlink() and folder.resolve().parent == built.path.parent
    manifest = read_manifest(folder)
    files = manifest["files"]
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*.parquet")) == sorted(
        f["file"] for f in files
    )
    with duckdb.connect(str(built.path), read_only=True) as con:
        relations = {
            f"{s}.{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema in ('marts', 'reports')"
            ).fetchall()
        }
        assert {f["relation"] for f in files} == relations
        for entry in files:
            relation, path = entry["relation"], folder / entry["file"]
            assert _sha256(path) == entry["sha256"]
            assert path.stat().st_size == entry["bytes"]
            where = " and ".join(
                f"{column} = {value}" for column, value in (entry["partition"] or {}).items()
            )
            rows = con.execute(
                f"select count(*) from {relation} {'where ' + where if where else ''}"
            ).fetchone()[0]
            assert entry["rows"] == rows
            assert con.execute(f"select count(*) from '{path}'").fetchone()[0] == rows
            assert entry["comment"] and all(c["comment"] for c in entry["columns"])
        # The two facts, one file per assessment year: read as one table, with the year taken
        # back from the folder names, they are the relation, row for row.
        for relation, column in parquet_export.PARTITIONED.items():
            written = [f for f in files if f["relation"] == relation]
            assert written and all(
                f["file"] == f"{relation}/{column}={f['partition'][column]}/data.parquet"
                for f in written
            )
            assert _rows_not_in_export(con, relation, folder) == 0, relation
    assert manifest["warehouse"] == str(built.path)


def test_parquet_export_swaps_whole_exports_and_keeps_the_previous_one(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "wwc.duckdb"
    shutil.copyfile(built.path, warehouse)
    link = export_parquet(warehouse)
    first = link.resolve()
    second = export_parquet(warehouse).resolve()
    assert second != first and first.is_dir()  # readers still in the old one can finish it
    assert read_manifest(first)["files"] == read_manifest(second)["files"]

    def broken(published: Path, target: Path, previous: Path | None) -> dict:
        (target / "marts.dim_cities.parquet").write_bytes(b"PAR1 half")
        raise OSError("disk full")

    monkeypatch.setattr(parquet_export, "_write_export", broken)
    with pytest.raises(OSError, match="disk full"):
        export_parquet(warehouse)
    assert link.resolve() == second  # a failed export is never visible
    monkeypatch.undo()

    third = export_parquet(warehouse).resolve()
    assert not first.exists() and second.is_dir()
    hidden = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".parquet"))
    assert hidden == sorted([second.name, third.name])


def test_parquet_export_writes_again_only_the_files_whose_rows_changed(
    built: Built, tmp_path: Path
) -> None:
    warehouse = tmp_path / "wwc.duckdb"
    shutil.copyfile(built.path, warehouse)
    before = export_parquet(warehouse).resolve()
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update marts.fct_criterion_results set is_met = not is_met where assessment_id = "
            "(select min(assessment_id) from marts.fct_assessments where assessment_year = 2018)"
        )
        con.execute("update reports.rpt_criterion_prevalence set share_met = share_met / 2")
    tampered = before / "marts.dim_cities.parquet"  # not what the manifest says any more
    tampered.chmod(0o644)  # exported read-only
    tampered.write_bytes(tampered.read_bytes()[:-1] + b"!")
    after = export_parquet(warehouse).resolve()

    rewritten = {
        f["file"]
        for f in read_manifest(after)["files"]
        if (after / f["file"]).stat().st_ino != (before / f["file"]).stat().st_ino
    }
    assert rewritten == {
        "marts.fct_criterion_results/assessment_year=2018/data.parquet",
        "reports.rpt_criterion_prevalence.parquet",
        "marts.dim_cities.parquet",
    }
    # What was linked, not written, is what the warehouse holds.
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for relation in ("marts.fct_criterion_results", "marts.dim_cities", "marts.dim_criteria"):
            assert _rows_not_in_export(con, relation, after) == 0, relation

    # A previous export without fingerprints (an older wwc's) lends nothing.
    manifest = read_manifest(after)
    for entry in manifest["files"]:
        del entry["content"]
    (after / "manifest.json").write_text(json.dumps(manifest))
    again = export_parquet(warehouse).resolve()
    assert all(
        (again / f["file"]).stat().st_ino != (after / f["file"]).stat().st_ino
        for f in read_manifest(again)["files"]
    )


# --- wwc docs ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docs(built: Built, tmp_path_factory: pytest.TempPathFactory):
    """`wwc docs --serve --port 0` on a copy of the published warehouse; yields (folder, url)."""
    warehouse = tmp_path_factory.mktemp("docs") / "wwc.duckdb"
    shutil.copyfile(built.path, warehouse)
    before = _sha256(warehouse)
    server = subprocess.Popen(
        [WWC, "docs", "--serve", "--port", "0"],
        env=dict(os.environ, WWC_WAREHOUSE=str(warehouse)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    try:
        for line in server.stdout:
            lines.append(line)
            match = re.search(r"Serving the docs at (http://127\.0\.0\.1:\d+/)", line)
            if match:
                break
        else:
            pytest.fail("wwc docs did not serve:\n" + "".join(lines[-40:]))
        assert _sha256(warehouse) == before  # documented a copy, not the published file
        folder = warehouse.parent / "docs"
        assert f"dbt docs (one self-contained page, opens offline): {folder / 'index.html'}" in (
            "".join(lines)
        )
        yield folder, match.group(1)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_docs_are_served_locally_and_describe_every_mart_and_report_column(docs) -> None:
    folder, url = docs
    with urllib.request.urlopen(url, timeout=10) as response:
        page = response.read().decode()
    assert response.status == 200 and "dbt" in page
    assert page == (folder / "index.html").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    catalog = json.loads((folder / "catalog.json").read_text())
    assert manifest["metadata"]["send_anonymous_usage_stats"] is False  # no tracking request
    public = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["schema"] in ("marts", "reports")
    }
    assert len(public) == 14  # 8 marts, 6 reports
    for uid, node in public.items():
        assert node["description"].strip(), uid
        in_database = set(catalog["nodes"][uid]["columns"])
        described = {name for name, c in node["columns"].items() if c["description"].strip()}
        assert in_database and in_database <= described, (uid, in_database - described)


# --- in a real browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(built: Built, docs, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The picture report and a docs page in Debian's chromium, headless and offline."""
    root = tmp_path_factory.mktemp("browser")
    modules = npm_install(root / "playwright", PLAYWRIGHT_CORE)
    report = str(built.path.parent / "wwc_report.html")
    docs_page = (docs[0] / "index.html").as_uri() + "#!/model/model.wwc.dim_cities"
    return node_json(
        str(CLIENTS / "browser_check.mjs"),
        str(modules),
        chromium(),
        str(root / "profile"),
        str(root),
        json.dumps(CHROMIUM_FLAGS),
        report,
        docs_page,
        timeout=180,
    ) | {"report": report, "docs": docs_page}


def test_report_loads_in_chromium_offline_with_every_chart(browser: dict, built: Built) -> None:
    seen = browser[browser["report"]]
    assert seen["requests"] == []
    assert seen["consoleErrors"] == [] and seen["pageErrors"] == []
    assert seen["title"] == "WWC Certification: the picture report"
    charts = {c["chart"]: c for c in seen["charts"]}
    assert list(charts) == list(CHARTS)
    with duckdb.connect(str(built.path), read_only=True) as con:
        n = {
            t: con.execute(f"select count(*) from reports.{t}").fetchone()[0]
            for t in (
                "rpt_practice_area_change_between_assessments",
                "rpt_achievement_by_form_of_government",
                "rpt_achievement_by_population_band",
            )
        }
    for chart in charts.values():
        assert not chart["empty"] and chart["svgs"] == 1
        assert chart["width"] > 400 and chart["height"] > 150, chart
    # One bar or dot per figure of the report, each with its 95% whiskers.
    assert (
        charts["practice-area-change"]["marks"]
        == 2 * n["rpt_practice_area_change_between_assessments"]
    )
    assert charts["practice-area-change"]["whiskers"] == charts["practice-area-change"]["marks"]
    assert charts["criterion-prevalence"]["marks"] == 20
    government = charts["achievement-by-form-of-government"]
    assert (
        government["marks"] == government["whiskers"] == n["rpt_achievement_by_form_of_government"]
    )
    population = charts["achievement-by-population-band"]
    assert population["marks"] == population["whiskers"] == n["rpt_achievement_by_population_band"]
    assert charts["certification-levels-by-year"]["marks"] >= 3
    assert "What distinguishes cities certified gold or platinum" in seen["text"]


def test_docs_open_offline_in_chromium_with_column_descriptions(browser: dict) -> None:
    """dbt's docs page needs nothing from the network. Its own quirks stay: unrendered icon
    templates (`{{ getIcon(...) }}`) and a favicon it asks for as relative files, which the
    browser refuses or does not find; both are local and harmless."""
    seen = browser[browser["docs"]]
    assert all(u.startswith("file://") for u in seen["requests"]), seen["requests"][:5]
    quirks = ("getIcon", "favicon")
    assert not [u for u in seen["requests"] if not any(q in u for q in quirks)]
    assert seen["pageErrors"] == []
    unexpected = [
        e
        for e in seen["consoleErrors"]
        if not any(q in e for q in quirks) and "ERR_FILE_NOT_FOUND" not in e
    ]
    assert unexpected == []
    assert "dim_cities" in seen["text"]
    assert "Population band: under 50k" in seen["text"]  # a column description


# --- example analyst queries -------------------------------------------------------------------


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_example_query_runs_read_only(query: Path, built: Built) -> None:
    with duckdb.connect(str(built.path), read_only=True) as con:
        rows = con.execute(query.read_text()).fetchall()
    assert rows, query.name
