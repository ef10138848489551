#!/usr/bin/env bash
# Runs the whole test suite, as CI does: formatting, lints, then every test
# of the workspace. Installs or starts what the suite needs on a fresh
# machine of the project's kind (see README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

# Outside the clone, so that successive runs on one machine reuse the build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/histologe/target}"

# MariaDB for the MySQL/MariaDB contract suite (TEST_MYSQL_URL). Machines of
# this project's kind run it; start it when it is installed but stopped.
mariadb_up() { mariadb -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1; }
if [ -z "${TEST_MYSQL_URL:-}" ] && ! mariadb_up && [ -x /usr/sbin/mariadbd ]; then
  echo "== starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  for _ in $(seq 1 30); do mariadb_up && break; sleep 1; done
fi

echo "== cargo fmt"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --locked
