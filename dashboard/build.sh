#!/usr/bin/env bash
# Build the WWC dashboard (an Evidence project) as a static site from the published warehouse.
#   dashboard/build.sh                      # after `wwc build`; reads data/wwc.duckdb
#   WWC_WAREHOUSE=/path/wwc.duckdb dashboard/build.sh
# Needs Node.js 18+ and npm. Only `npm ci` (first run, or after package-lock.json changes) uses the
# network, to reach the npm registry; `npm run sources` and `npm run build` need none (see
# docs/dashboard.md for how that was made true and checked). Prints where the site is.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
warehouse="${WWC_WAREHOUSE:-$repo/data/wwc.duckdb}"
case "$warehouse" in /*) ;; *) warehouse="$PWD/$warehouse" ;; esac
if [ ! -f "$warehouse" ]; then
  echo "No published warehouse at $warehouse: run \`wwc build\` first (or set WWC_WAREHOUSE)." >&2
  exit 1
fi

cd "$here"
# Evidence sends no usage statistics from this project: evidence.settings.json beside this script
# holds send_anonymous_usage_stats "no", which `evidence sources` and `evidence build` read.

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node scripts/offline-evidence.mjs # idempotent; postinstall already ran it

# Evidence's DuckDB connector joins `filename` to the source folder: link the warehouse there.
ln -sfn "$warehouse" sources/wwc/wwc.duckdb

started=$SECONDS
npm run --silent sources
# Evidence copies its output over build/ without clearing it: start empty, so no stale page or
# data file of an earlier build stays in the site.
rm -rf build
npm run --silent build
echo "Dashboard (static site, $(du -sh build | cut -f1), built in $((SECONDS - started)) s): $here/build"
echo "Serve it with any static server, e.g. python3 -m http.server --directory $here/build 8000"
