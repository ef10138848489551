#!/usr/bin/env bash
# The load benchmark of docs/performance.md, in one command: starts the web
# app (release build) on DATABASE_URL, times its start until it answers,
# runs `histologe-scale load` against it (agents of the three roles and
# anonymous visitors) and writes the report, then stops the app.
#
#   DATABASE_URL=mysql://root@127.0.0.1:3306/histologe_bench scripts/bench-load.sh [REPORT] [load options…]
#
# The database must have been filled by `histologe-scale generate` (a
# scratch database: the accounts used get a known password). Without
# DATABASE_URL, or with `--smoke` first, it runs a smoke test of seconds on
# a generated SQLite file of a few hundred cases (what the test command
# runs, with the debug build it already has).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/histologe/target}"

smoke=false
if [ "${1:-}" = "--smoke" ] || [ -z "${DATABASE_URL:-}" ]; then
  smoke=true
  [ "${1:-}" = "--smoke" ] && shift
fi
report="${1:-target-bench-report.md}"
[ $# -gt 0 ] && shift

work="$(mktemp -d)"
web_pid=""
cleanup() {
  [ -n "$web_pid" ] && kill "$web_pid" 2>/dev/null && wait "$web_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if $smoke; then
  profile=debug
  cargo build --quiet --locked -p histologe-web -p histologe-scale
  export DATABASE_URL="sqlite://$work/smoke.db"
  "$CARGO_TARGET_DIR/$profile/histologe-scale" generate --signalements 300 >/dev/null
  set -- --clients 8 --seconds 3 --sql-samples 10 "$@"
else
  profile=release
  cargo build --quiet --locked --release -p histologe-web -p histologe-scale
fi

port="${BENCH_PORT:-18080}"
export HISTOLOGE_LISTEN="127.0.0.1:$port"
export HISTOLOGE_BASE_URL="http://127.0.0.1:$port"
export HISTOLOGE_SECRET_KEY="${HISTOLOGE_SECRET_KEY:-$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export HISTOLOGE_OUTBOX_DIR="$work/outbox"
export STORAGE_URL="${STORAGE_URL:-file://$work/files}"
export RUST_LOG="${RUST_LOG:-warn}"

started=$(date +%s.%N)
"$CARGO_TARGET_DIR/$profile/histologe-web" serve >"$work/web.log" 2>&1 &
web_pid=$!
ready=""
for _ in $(seq 1 300); do
  if curl -fs -o /dev/null "http://127.0.0.1:$port/"; then
    ready=$(date +%s.%N)
    break
  fi
  kill -0 "$web_pid" 2>/dev/null || break
  sleep 0.02
done
if [ -z "$ready" ]; then
  echo "the web app did not answer:" >&2
  cat "$work/web.log" >&2
  exit 1
fi
cold=$(awk "BEGIN { printf \"%.2f\", $ready - $started }")

# A run with errors still writes its report; the script then fails.
status=0
"$CARGO_TARGET_DIR/$profile/histologe-scale" load \
  --base-url "http://127.0.0.1:$port" --web-pid "$web_pid" --report "$work/report.md" "$@" || status=$?
[ -f "$work/report.md" ] || exit "$status"

{
  echo "# Load run $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $profile build"
  echo
  echo "Database: ${DATABASE_URL%%\?*}; cold start to first answer: ${cold} s."
  echo
  cat "$work/report.md"
} >"$report"
cat "$report"
exit "$status"
