"""The `wwc` command: build, refresh from landing, regenerate the synthetic seeds, or the docs.

The settings are read from the environment once, here, and passed to whatever runs."""

from __future__ import annotations

import argparse
import functools
import gc
import signal
import sys
from pathlib import Path

from wwc import dagster_service
from wwc.docs import DocsError, generate_docs, serve_docs
from wwc.errors import BuildError
from wwc.landing.format import shown
from wwc.lock import LockedError
from wwc.outputs import OutputError
from wwc.pipeline import BuildResult, Run, run_stages
from wwc.publish import PublishError
from wwc.quality.validate import ValidationUnavailable
from wwc.raw_loader import RawFormatError
from wwc.seeds_manifest import Seeds
from wwc.semantic_layer import SemanticLayerError, run_mf
from wwc.settings import SEEDS_DIR, Settings

# Progress lines reach a pipe or a log as they happen, not when the buffer fills.
_say = functools.partial(print, flush=True)


def _print_published(result: BuildResult) -> None:
    print(
        f"\nBuilt and published in {result.seconds:.1f} s "
        f"(DuckDB storage {result.storage_version}: readable by DuckDB 1.4.0 and later)"
    )
    _print_rows(result.rows)
    print("Stage timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.stages.items()))
    print(f"Data quality report (Great Expectations Data Docs): {result.data_docs}")
    print(f"Picture report (HTML, opens offline): {result.report}")
    print(
        "Parquet export (a file per mart and report, the two facts a file per assessment year; "
        f"manifest.json): {result.parquet}"
    )
    print(f"Query it read-only: python3 -m uv run --frozen duckdb -readonly {result.published}")
    print(f"Published warehouse: {result.published}")


def _print_rows(rows: dict[str, int]) -> None:
    print("Rows per mart and report:")
    width = max(len(name) for name in rows)
    for name, count in rows.items():
        print(f"  {name:<{width}}  {count:>8}")


def _build(args: argparse.Namespace, settings: Settings) -> int:
    seeds = Seeds.at(args.seeds)
    if args.target == "postgres":
        from wwc.targets import postgres

        result = postgres.build(settings, seeds)
        print(f"\nBuilt on PostgreSQL in {result.seconds:.1f} s")
        _print_rows(result.rows)
        print(f"Read-only role for BI users: {result.reader_role} (marts, reports; not raw)")
        print(f"Built on: {result.connection.describe()}")
        return 0
    if args.target == "spark":
        from wwc.targets import spark

        result = spark.build(settings, seeds)
        print(f"\nBuilt on Spark in {result.seconds:.1f} s")
        _print_rows(result.rows)
        print(f"Spark warehouse: {result.warehouse}")
        return 0
    run = Run(settings, seeds, _say, landing=False, full_build=True, full_refresh=args.full_refresh)
    result = run_stages(run).result
    _record_in_dagster(settings, result, "wwc build")
    _print_published(result)
    return 0


def _record_in_dagster(settings: Settings, result: BuildResult, command: str) -> None:
    # The warehouse is published whatever happens here: a Dagster instance that cannot be
    # written to is a warning, not a failed build.
    try:
        recorded = dagster_service.record_publish(settings, result, command)
    except Exception as exc:
        print(f"Warning: the publish could not be recorded in Dagster: {exc}", file=sys.stderr)
        return
    if recorded:
        print(f"Recorded in Dagster ({settings.dagster_home}) as a materialization of every asset")


def _refresh(args: argparse.Namespace, settings: Settings) -> int:
    run = Run(settings, Seeds.at(args.seeds), _say)
    failed: BuildError | None = None
    try:
        run_stages(run)
    except BuildError as exc:  # said last, after the files the run quarantined on the way
        failed = exc
    if run.result:
        _record_in_dagster(settings, run.result, "wwc refresh")
        _print_published(run.result)
    rejected = run.rejected
    # A fault of no file leaves its files in landing: no count to give, unless a batch built
    # one file at a time had moved some before it.
    if not (failed and failed.nobodys) or run.accepted or run.refused:
        print(
            f"\nRefresh: {len(run.accepted)} file(s) loaded, {len(rejected)} quarantined, "
            f"{len(run.refused) - len(rejected)} duplicate(s) set aside, "
            f"{len(run.waiting)} left for the next run."
        )
    if rejected:
        where = settings.quarantine
        print(f"wwc refresh: error: file(s) quarantined in {where}:", file=sys.stderr)
        for record in rejected:
            print(f"  {shown(record.original_name)}:", file=sys.stderr)
            for reason in record.reasons:
                print(f"    - {reason}", file=sys.stderr)
    if failed:
        print(f"wwc refresh: error: {failed}", file=sys.stderr)
    return 1 if rejected or failed else 0


def _dagster(args: argparse.Namespace, settings: Settings) -> int:
    if args.stop:
        return dagster_service.stop(settings)
    if args.prepare_only:
        home = dagster_service.prepare(settings)
        print(f"DAGSTER_HOME={home} and the dbt manifest are prepared")
        return 0
    return dagster_service.serve(settings, args.port)


def _generate(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: `wwc generate` is the only command that uses the generator.
    from wwc.generator.seeds import DEFAULT_SEED, CalibrationError, generate

    seed = DEFAULT_SEED if args.seed is None else args.seed
    try:
        counts = generate(args.out.resolve(), seed=seed)
    except CalibrationError as exc:
        print(f"wwc generate: error: {exc}", file=sys.stderr)
        return 1
    for name, n in counts.items():
        print(f"  {args.out / (name + '.csv')}: {n} rows")
    print(f"Synthetic history (seed {seed}) written to {args.out.resolve()}")
    return 0


def _docs(args: argparse.Namespace, settings: Settings) -> int:
    index = generate_docs(settings, say=_say)
    _say(f"dbt docs (one self-contained page, opens offline): {index}")
    if args.serve:
        serve_docs(index.parent, port=args.port, say=_say)
    return 0


def _mf(args: argparse.Namespace, settings: Settings) -> int:
    return run_mf(args.mf_args, settings)


def _terminated(signum: int, frame: object) -> None:
    print("wwc: stopped by SIGTERM", file=sys.stderr)
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wwc", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    p_build = commands.add_parser(
        "build", help="rebuild from the raw files, run every gate, publish atomically"
    )
    p_build.add_argument(
        "--seeds",
        type=Path,
        default=SEEDS_DIR,
        help="folder with cities/criteria/assessments/criterion_results CSVs "
        "(default: the project's synthetic history in seeds/)",
    )
    p_build.add_argument(
        "--full-refresh",
        action="store_true",
        help="also pass --full-refresh to dbt (a build always starts from a new file anyway)",
    )
    p_build.add_argument(
        "--target",
        choices=["duckdb", "postgres", "spark"],
        default="duckdb",
        help="duckdb (default): build, gate and publish the DuckDB file; postgres: build on the "
        "server PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE and grant the read-only role; "
        "spark: build on a local Spark session (needs `uv sync --group spark`)",
    )
    p_build.set_defaults(run=_build)

    p_refresh = commands.add_parser(
        "refresh",
        help="check new files in landing, load what passes, quarantine the rest, "
        "rebuild and publish",
    )
    p_refresh.add_argument("--seeds", type=Path, default=SEEDS_DIR, help=argparse.SUPPRESS)
    p_refresh.set_defaults(run=_refresh)

    p_dag = commands.add_parser(
        "dagster", help="start the Dagster UI and daemon on 127.0.0.1 (DAGSTER_HOME in data/)"
    )
    p_dag.add_argument("--port", type=int, default=3000)
    p_dag.add_argument(
        "--prepare-only",
        action="store_true",
        help="prepare DAGSTER_HOME and the dbt manifest, then exit (for services)",
    )
    p_dag.add_argument("--stop", action="store_true", help="stop a running `wwc dagster`")
    p_dag.set_defaults(run=_dagster)

    p_gen = commands.add_parser("generate", help="regenerate the synthetic seeds (deterministic)")
    p_gen.add_argument("--seed", type=int, help="random seed (default: the committed history's)")
    p_gen.add_argument("--out", type=Path, default=SEEDS_DIR, help="output folder")
    p_gen.set_defaults(run=_generate)

    p_docs = commands.add_parser(
        "docs",
        help="generate the dbt docs of the published warehouse (every mart and report column) "
        "into <warehouse dir>/docs/index.html; --serve also serves them on 127.0.0.1",
    )
    p_docs.add_argument("--serve", action="store_true", help="serve the docs until Ctrl-C")
    p_docs.add_argument("--port", type=int, default=8080, help="port for --serve (default 8080)")
    p_docs.set_defaults(run=_docs)

    p_mf = commands.add_parser(
        "mf",
        help="MetricFlow on the published warehouse, read-only and offline: the semantic layer's "
        "metrics and saved queries (`wwc mf list metrics`, `wwc mf query --metrics share_met "
        "--group-by city__form_of_government`)",
        add_help=False,
    )
    p_mf.add_argument("mf_args", nargs=argparse.REMAINDER, help="arguments of `mf`")
    p_mf.set_defaults(run=_mf)

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["mf"]:
        # Everything after `mf` is MetricFlow's, options included (argparse would take --help).
        args = argparse.Namespace(command="mf", run=_mf, mf_args=argv[1:])
    else:
        args = parser.parse_args(argv)
    # A polite kill (SIGTERM, as from `kill` or a service manager) unwinds like Ctrl-C: dbt's
    # process is stopped (or, while it parses, allowed to finish) and waited for, the build
    # copy removed, the writer lock released.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        return args.run(args, Settings.from_env())
    except (
        BuildError,
        LockedError,
        PublishError,
        OutputError,
        DocsError,
        RawFormatError,
        ValidationUnavailable,
        SemanticLayerError,
    ) as exc:
        print(f"wwc {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: everything above has unwound (see SIGTERM)
        print(f"wwc {args.command}: interrupted", file=sys.stderr)
        return 130
    finally:
        # The process exits next, and what it wrote is closed by now (every file and connection
        # is opened in a `with`): frozen, its objects are spared the interpreter's last
        # collections, which otherwise walk everything Great Expectations and pandas made
        # (0.6-0.8 s of each command that loaded them).
        gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
