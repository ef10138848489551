#!/usr/bin/env bash
# Runs the platform on the embedded default: no configuration, no server
# to install. SQLite, files and the e-mail outbox go to ./var; demo data is
# loaded on first start and the demo accounts are printed. Then open
# http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/histologe/target}"
# The DSFR and htmx, served by the app from node_modules (never committed).
if [ ! -f node_modules/@gouvfr/dsfr/dist/dsfr.min.css ] || [ ! -f node_modules/htmx.org/dist/htmx.min.js ]; then
  npm ci --no-audit --no-fund --loglevel=error --omit=dev
fi
exec cargo run --quiet --locked -p histologe-web -- serve
