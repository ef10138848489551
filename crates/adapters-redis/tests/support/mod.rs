//! The Redis of the suite: `TEST_REDIS_URL`, by default
//! `redis://127.0.0.1:6379` (scripts/test.sh starts one when it is
//! installed). Unreachable, the run fails when `CI=true`; elsewhere the
//! suite says loudly that it skipped, and never passes silently.
//!
//! Every test works under its own key prefix, so runs and tests never see
//! each other's keys; what they leave expires by itself.
#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use histologe_adapters_redis::Redis;

pub const DEFAULT_TEST_REDIS_URL: &str = "redis://127.0.0.1:6379";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A key prefix no other test of any run uses.
pub fn unique_prefix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "histologe-test:{}-{}-{nanos}:",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn url() -> String {
    std::env::var("TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_TEST_REDIS_URL.to_string())
}

/// The test Redis under a new prefix.
pub fn fresh() -> Redis {
    Redis::open(&url(), &unique_prefix()).expect("TEST_REDIS_URL is a Redis URL")
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Whether the test Redis answers. Checked once per test binary; `false`
/// (loudly) outside CI, a failure in CI.
pub async fn available() -> bool {
    static ANSWER: tokio::sync::OnceCell<bool> = tokio::sync::OnceCell::const_new();
    *ANSWER
        .get_or_init(|| async {
            let url = url();
            let redis = match Redis::open(&url, "histologe-test:ping:") {
                Ok(redis) => redis,
                Err(e) => panic!("TEST_REDIS_URL is not usable: {e}"),
            };
            // A thread of its own: the connection must not outlive the
            // runtime of the test that happens to check first.
            let result = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())?
                    .block_on(redis.ping())
            })
            .join()
            .unwrap_or_else(|_| Err("the check panicked".to_string()));
            match result {
                Ok(()) => true,
                Err(why) => {
                    assert!(
                        !ci(),
                        "no Redis at {} ({why}) and CI=true: the Redis suite must run in CI",
                        redacted(&url)
                    );
                    let _ = writeln!(
                        std::io::stderr(),
                        "\n!!! no Redis at {} ({why}): the Redis suite was SKIPPED !!!\n",
                        redacted(&url)
                    );
                    false
                }
            }
        })
        .await
}

fn redacted(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A `redis-server` of the test's own on `port`, without persistence:
/// killed on drop, and (through its `sh` parent reading stdin) when the
/// test process ends without dropping it.
#[derive(Debug)]
pub struct OwnServer {
    pub port: u16,
    child: Child,
}

pub fn redis_server_installed() -> bool {
    Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl OwnServer {
    /// Starts it and waits until it accepts connections (10 s at most).
    pub fn start(port: u16) -> Result<OwnServer, String> {
        let script = format!(
            "redis-server --port {port} --bind 127.0.0.1 --save '' --appendonly no \
             >/dev/null 2>&1 & pid=$!; read _ ; kill $pid; wait $pid"
        );
        let child = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start redis-server: {e}"))?;
        let server = OwnServer { port, child };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(server);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!("redis-server did not listen on {port} within 10 s"))
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Stops the server and waits until the port refuses connections.
    pub fn stop(mut self) {
        self.shutdown();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline
            && std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
        {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn shutdown(&mut self) {
        // Closing stdin makes the shell kill the server, then exit.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}
