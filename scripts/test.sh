#!/usr/bin/env bash
# Runs the whole test suite, as CI does: formatting, lints, then every test
# of the workspace. Installs or starts what the suite needs on a fresh
# machine of the project's kind (see README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

# Outside the clone, so that successive runs on one machine reuse the build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/histologe/target}"

echo "== cargo fmt"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --locked
