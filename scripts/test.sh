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

# Redis for the Redis adapter's suites (TEST_REDIS_URL): started when
# installed but not answering, left running like MariaDB. Without it the
# suites say loudly that they skipped (in CI they fail).
redis_up() {
  timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379 && printf "PING\r\n" >&3 && read -r reply <&3 && [[ "$reply" == +PONG* ]]' 2>/dev/null
}
if [ -z "${TEST_REDIS_URL:-}" ]; then
  if ! redis_up && command -v redis-server >/dev/null 2>&1; then
    echo "== starting Redis"
    redis-server --port 6379 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes >/dev/null || true
    for _ in $(seq 1 30); do redis_up && break; sleep 1; done
  fi
  export TEST_REDIS_URL="redis://127.0.0.1:6379"
fi

# An S3-compatible server for the object storage contract suite
# (TEST_S3_ENDPOINT): moto's server mode from PyPI, installed when missing,
# stopped when this script ends. (Without it the test harness starts its
# own moto; in CI one of the two must work, or the suite fails.)
if [ -z "${TEST_S3_ENDPOINT:-}" ]; then
  command -v moto_server >/dev/null 2>&1 || python3 -m pip install --quiet 'moto[server]' || true
  if command -v moto_server >/dev/null 2>&1; then
    s3_port="${TEST_S3_PORT:-9199}"
    echo "== starting moto (S3) on port $s3_port"
    moto_server -H 127.0.0.1 -p "$s3_port" >/dev/null 2>&1 &
    s3_pid=$!
    trap 'kill "$s3_pid" 2>/dev/null || true' EXIT
    export TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port"
    for _ in $(seq 1 30); do
      curl -fs -o /dev/null "$TEST_S3_ENDPOINT" 2>/dev/null && break
      python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $s3_port), 1)" 2>/dev/null && break
      sleep 1
    done
  fi
fi

# A real SMTP server for the SMTP mail transport's tests: aiosmtpd from
# PyPI, installed when missing. Each test starts its own on a free port;
# without it they say loudly that they skipped (in CI they fail).
python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install --quiet aiosmtpd || true

echo "== cargo fmt"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --locked

# The load benchmark's smoke run (seconds): the web app on 300 generated
# cases, driven by `histologe-scale load`; fails on any server error. The
# real benchmark is docs/performance.md's, outside this command.
echo "== load benchmark, smoke run"
bash scripts/bench-load.sh --smoke "$(mktemp -d)/load-smoke.md"

# End-to-end: the real binary, real headless Chromium (Debian's package,
# installed when missing) driven by playwright-core, axe-core on each page.
echo "== end-to-end (Chromium)"
if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium"
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -q chromium >/dev/null \
    || { $apt_get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $apt_get install -y -q chromium >/dev/null; }
fi
npm ci --no-audit --no-fund --loglevel=error
cargo build --locked -p histologe-web
HISTOLOGE_BIN="$CARGO_TARGET_DIR/debug/histologe-web" CHROMIUM="$(command -v chromium)" \
  node --test --test-concurrency=1 e2e/
