#!/usr/bin/env bash
# Runs the platform on the embedded default (no configuration, no server).
# Until the web app lands (issue "The web app, part 1"), this runs the core
# loop end to end in memory and prints what happened.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/histologe/target}"
exec cargo run --quiet --locked -p histologe-tests --example core_loop
