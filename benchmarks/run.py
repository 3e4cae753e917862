"""Benchmark runner: where the time goes at scale factors 1, 10, 100 (and 1000 on demand).

For each scale it generates the history (benchmarks/scale.py), then, repeated, takes the median:
- the full build (`wwc build --seeds ...`) wall time, split into its stages (load raw, dbt
  start-up and parse, dbt build, quality gates, publish, outputs), and its peak memory;
- the floor: the same marts computed by plain DuckDB in one process (benchmarks/floor.py);
- a one-file refresh (one new assessment landing) wall time, stages and peak memory, and its
  floor: the same file applied to the floor's database by hand-written delta SQL;
- p50/p95 of the report queries, run by a separate read-only process on the published file.
Timing uses time.perf_counter; peak memory is the child's maximum resident set size from
/usr/bin/time -v. Results are printed and written as JSON.

Usage: python benchmarks/run.py [--scales 1 10 100] [--repeat 3] [--out benchmarks/results.json]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from benchmarks.floor import compute_floor, compute_refresh_floor
from benchmarks.scale import write_scaled_seeds
from wwc.landing.format import LANDING_COLUMNS

BIN = Path(sys.executable).parent
QUERY_WORKER = r"""
import json, sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
queries = json.loads(sys.argv[2])
times = []
for _ in range(int(sys.argv[3])):
    for sql in queries:
        started = time.perf_counter()
        con.execute(sql).fetchall()
        times.append(time.perf_counter() - started)
print(json.dumps(times))
"""
REPORT_QUERIES = [
    "select * from reports.rpt_criterion_prevalence where period = 'all years'",
    "select * from reports.rpt_practice_area_change_between_assessments",
    "select * from reports.rpt_achievement_by_form_of_government",
    "select * from reports.rpt_achievement_by_population_band",
    "select * from reports.rpt_certification_levels_by_year",
    "select * from reports.rpt_mastery_characteristics",
    "select * from marts.fct_practice_area_achievement_by_year",
    "select * from marts.fct_practice_area_achievement_by_cohort",
]


def _timed(command: list[str], env: dict[str, str]) -> dict:
    """Run under /usr/bin/time -v; wall seconds, peak RSS (MiB), stage timings printed."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    stages = re.search(r"^Stage timings: (.*)$", done.stdout, re.M)
    parsed = {}
    if stages:
        for part in stages.group(1).split(", "):
            name, seconds, _ = part.rsplit(" ", 2)
            parsed[name] = float(seconds)
    return {"wall": wall, "peak_mib": int(peak.group(1)) / 1024 if peak else None, "stages": parsed}


def _one_assessment_file(path: Path, seeds_dir: Path, n: int) -> None:
    with (seeds_dir / "criteria.csv").open() as f:
        criteria = [
            row["criterion_id"] for row in csv.DictReader(f) if row["standard_version"] == "2018"
        ]
    with path.open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(LANDING_COLUMNS)
        for i, criterion in enumerate(criteria):
            city = ["Bench Quillmere", "OH", "52000", "2019", "council-manager"]
            status = "met" if i % 3 == 0 else "not met"
            attributes = city if i == 0 else [""] * 5
            writer.writerow(
                [
                    f"BENCH-{n}",
                    f"CBENCH-{n}",
                    "2020-05-01",
                    "2018",
                    "none",
                    criterion,
                    status,
                    *attributes,
                ]
            )


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_scale(factor: int, repeat: int, root: Path) -> dict:
    seeds = root / f"x{factor}" / "seeds"
    started = time.perf_counter()
    rows = write_scaled_seeds(factor, seeds)
    generated = time.perf_counter() - started
    builds, refreshes, floors, refresh_floors, latencies = [], [], [], [], []
    for r in range(repeat):
        warehouse = root / f"x{factor}" / f"run{r}" / "wwc.duckdb"
        env = dict(os.environ, WWC_WAREHOUSE=str(warehouse), WWC_LANDING_SETTLE_SECONDS="0")
        print(f"  x{factor} run {r + 1}/{repeat}: full build", flush=True)
        builds.append(_timed([str(BIN / "wwc"), "build", "--seeds", str(seeds)], env))
        floor_db = root / f"x{factor}" / "floor.duckdb"
        floors.append(compute_floor(seeds, floor_db))
        landing = warehouse.parent / "landing"
        landing.mkdir(exist_ok=True)
        _one_assessment_file(landing / f"one_{r}.csv", seeds, r)
        refresh_floors.append(compute_refresh_floor(floor_db, landing / f"one_{r}.csv"))
        print(f"  x{factor} run {r + 1}/{repeat}: one-file refresh", flush=True)
        refreshes.append(_timed([str(BIN / "wwc"), "refresh", "--seeds", str(seeds)], env))
        worker = subprocess.run(
            [sys.executable, "-c", QUERY_WORKER, str(warehouse), json.dumps(REPORT_QUERIES), "20"],
            capture_output=True,
            text=True,
            check=True,
        )
        latencies.extend(json.loads(worker.stdout))

    def median(items: list[dict], key: str) -> float:
        return statistics.median(item[key] for item in items)

    stage_names = builds[0]["stages"].keys()
    build_stages = {s: statistics.median(b["stages"][s] for b in builds) for s in stage_names}
    floor_total, floor_load = median(floors, "total"), median(floors, "load")
    build_wall = median(builds, "wall")
    return {
        "scale": factor,
        "rows": rows,
        "generate_seconds": generated,
        "full_build_seconds": build_wall,
        "full_build_stages": build_stages,
        "full_build_peak_mib": median(builds, "peak_mib"),
        "criterion_results_per_second": rows["criterion_results"] / build_wall,
        "floor_seconds": floor_total,
        "floor_stages": {"load": floor_load, "marts": median(floors, "marts")},
        "build_to_floor": build_wall / floor_total,
        "stage_to_floor": {
            "load raw / floor load": build_stages.get("prepare", 0) / floor_load,
            "dbt build / floor marts": build_stages.get("dbt_build", 0) / median(floors, "marts"),
        },
        "one_file_refresh_seconds": median(refreshes, "wall"),
        "one_file_refresh_stages": {
            s: statistics.median(x["stages"].get(s, 0) for x in refreshes)
            for s in refreshes[0]["stages"]
        },
        "one_file_refresh_peak_mib": median(refreshes, "peak_mib"),
        "refresh_floor_seconds": median(refresh_floors, "total"),
        "report_query_p50_ms": 1000 * _percentile(latencies, 0.50),
        "report_query_p95_ms": 1000 * _percentile(latencies, 0.95),
    }


def _table(results: list[dict]) -> str:
    base = results[0]
    lines = [
        "| scale | assessments | criterion results | full build s | floor s | build/floor | "
        "slowest stage | peak MiB | results/s | 1-file refresh s | refresh floor s | "
        "refresh / x1 | query p50 ms | query p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        slowest = max(r["full_build_stages"], key=r["full_build_stages"].get)
        lines.append(
            f"| x{r['scale']} | {r['rows']['assessments']:,} | {r['rows']['criterion_results']:,} "
            f"| {r['full_build_seconds']:.1f} | {r['floor_seconds']:.2f} "
            f"| {r['build_to_floor']:.0f}x | {slowest} {r['full_build_stages'][slowest]:.1f} s "
            f"| {r['full_build_peak_mib']:.0f} | {r['criterion_results_per_second']:,.0f} "
            f"| {r['one_file_refresh_seconds']:.1f} | {r['refresh_floor_seconds']:.2f} "
            f"| {r['one_file_refresh_seconds'] / base['one_file_refresh_seconds']:.2f} "
            f"| {r['report_query_p50_ms']:.1f} | {r['report_query_p95_ms']:.1f} |"
        )
    return "\n".join(lines)


def _targets(results: list[dict]) -> list[str]:
    """Issue 15's targets, from the x1 and the largest scale run together."""
    by_scale = {r["scale"]: r for r in results}
    if 1 not in by_scale or len(by_scale) < 2:
        return ["(targets need --scales 1 and a larger scale)"]
    x1, big = by_scale[1], by_scale[max(by_scale)]
    fixed = x1["one_file_refresh_seconds"] - x1["refresh_floor_seconds"]
    refresh_bound = 5 * big["refresh_floor_seconds"] + fixed
    build_bound = 2 * big["floor_seconds"] + 5
    scale = f"x{big['scale']}"

    def line(met: bool, text: str) -> str:
        return f"  {'met   ' if met else 'missed'}  {text}"

    return [
        line(
            big["one_file_refresh_seconds"] <= refresh_bound,
            f"refresh {scale} {big['one_file_refresh_seconds']:.1f} s <= 5 x delta floor "
            f"{big['refresh_floor_seconds']:.2f} s + fixed overhead at x1 {fixed:.1f} s "
            f"= {refresh_bound:.1f} s",
        ),
        line(
            big["one_file_refresh_seconds"] <= 1.3 * x1["one_file_refresh_seconds"],
            f"refresh {scale} / refresh x1 = "
            f"{big['one_file_refresh_seconds'] / x1['one_file_refresh_seconds']:.2f} <= 1.3",
        ),
        line(
            x1["one_file_refresh_seconds"] < 5,
            f"refresh x1 {x1['one_file_refresh_seconds']:.1f} s < 5 s",
        ),
        line(
            big["full_build_seconds"] <= build_bound,
            f"build {scale} {big['full_build_seconds']:.1f} s <= 2 x floor "
            f"{big['floor_seconds']:.1f} s + 5 s = {build_bound:.1f} s",
        ),
        line(x1["full_build_seconds"] < 8, f"build x1 {x1['full_build_seconds']:.1f} s < 8 s"),
        line(
            big["one_file_refresh_peak_mib"] < 2048,
            f"refresh {scale} peak {big['one_file_refresh_peak_mib']:,.0f} MiB < 2,048 MiB",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results.json"))
    args = parser.parse_args()
    machine = {
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "versions": {
            p: version(p)
            for p in ("duckdb", "dbt-core", "dbt-duckdb", "great-expectations", "dagster")
        },
    }
    results = []
    with tempfile.TemporaryDirectory(prefix="wwc-bench-") as tmp:
        for factor in args.scales:
            print(f"Scale x{factor}", flush=True)
            results.append(bench_scale(factor, args.repeat, Path(tmp)))
    report = {
        "date": dt.date.today().isoformat(),
        "machine": machine,
        "command": " ".join(["python", "benchmarks/run.py", *sys.argv[1:]]),
        "repeat": args.repeat,
        "results": results,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(_table(results))
    for result in results:
        stages = ", ".join(f"{k} {v:.1f}" for k, v in result["one_file_refresh_stages"].items())
        print(f"x{result['scale']} refresh stages s: {stages}")
    print("Targets (issue 15):")
    print("\n".join(_targets(results)))
    print(f"Written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
