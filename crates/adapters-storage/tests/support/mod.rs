//! The S3-compatible server of the suite: moto's server mode (PyPI).
//!
//! `TEST_S3_ENDPOINT` (scripts/test.sh starts moto and sets it) when it
//! answers; otherwise the harness starts `moto_server` itself, installing
//! it with `python3 -m pip install 'moto[server]'` when missing. Without
//! either, the run fails when `CI=true`; elsewhere the suite says loudly,
//! once, that it skipped, and never passes silently.
#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use histologe_adapters_storage::{ObjectFileStore, S3Settings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A bucket name no other test of any run uses.
pub fn unique_bucket() -> String {
    format!(
        "ht-{}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        uuid_like()
    )
}

fn uuid_like() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

pub fn settings(endpoint: &str, bucket: &str) -> S3Settings {
    S3Settings {
        endpoint: Some(endpoint.to_string()),
        region: "us-east-1".to_string(),
        bucket: bucket.to_string(),
        access_key: "testing".to_string(),
        secret_key: "testing".to_string(),
        allow_http: true,
    }
}

/// `host:port` of an `http://host:port` endpoint.
fn authority(endpoint: &str) -> &str {
    endpoint.trim_start_matches("http://").trim_end_matches('/')
}

/// One bare HTTP/1.1 request; the status code, or why there is none.
async fn http(endpoint: &str, method: &str, path: &str) -> Result<u16, String> {
    let host = authority(endpoint);
    let mut stream = tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(host))
        .await
        .map_err(|_| "connect timeout".to_string())?
        .map_err(|e| e.to_string())?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .map_err(|_| "read timeout".to_string())?
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&response);
    text.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("no HTTP status in {text:?}"))
}

/// Whether an S3 server answers at `endpoint`.
pub async fn answers(endpoint: &str) -> bool {
    http(endpoint, "GET", "/").await.is_ok()
}

/// Creates a bucket (object_store cannot: moto accepts an unsigned PUT).
pub async fn create_bucket(endpoint: &str, bucket: &str) {
    let status = http(endpoint, "PUT", &format!("/{bucket}"))
        .await
        .expect("the S3 server answers the bucket creation");
    assert!(status < 300, "bucket {bucket} not created: HTTP {status}");
}

/// A store on a new bucket of the server.
pub async fn fresh_store(endpoint: &str) -> ObjectFileStore {
    let bucket = unique_bucket();
    create_bucket(endpoint, &bucket).await;
    ObjectFileStore::s3(&settings(endpoint, &bucket)).expect("S3 settings are valid")
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn moto_installed() -> bool {
    Command::new("moto_server")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `moto_server` on PATH, installed from PyPI if needed.
pub fn ensure_moto() -> bool {
    if moto_installed() {
        return true;
    }
    eprintln!("installing moto[server] from PyPI for the S3 contract suite…");
    let installed = Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "moto[server]"])
        .status()
        .is_ok_and(|s| s.success());
    installed && moto_installed()
}

/// A `moto_server` process owned by the caller: killed on drop, and
/// (through its `sh` parent reading stdin) when the test process ends
/// without dropping it.
#[derive(Debug)]
pub struct Moto {
    pub endpoint: String,
    pub port: u16,
    child: Child,
}

impl Moto {
    /// Starts moto on `port` and waits until it answers (30 s at most).
    pub async fn start(port: u16) -> Result<Moto, String> {
        // `read` returns when our end of stdin closes (we exited or
        // dropped the child); the server is then killed with its shell.
        let script = format!(
            "moto_server -H 127.0.0.1 -p {port} >/dev/null 2>&1 & pid=$!; read _ ; kill $pid"
        );
        let child = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start moto_server: {e}"))?;
        let moto = Moto {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            child,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if answers(&moto.endpoint).await {
                return Ok(moto);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Err(format!(
            "moto_server did not answer on port {port} within 30 s"
        ))
    }

    /// Stops the server and waits until the port refuses connections.
    pub async fn stop(mut self) {
        self.shutdown();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && answers(&self.endpoint).await {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn shutdown(&mut self) {
        // Closing stdin makes the shell kill moto, then exit.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The shared server of the contract suite, found once per test binary.
static SERVER: tokio::sync::OnceCell<Option<(String, Option<Moto>)>> =
    tokio::sync::OnceCell::const_new();

/// The endpoint of the shared S3 server, or `None` (loudly; fatal in CI).
pub async fn server() -> Option<&'static str> {
    SERVER
        .get_or_init(find_server)
        .await
        .as_ref()
        .map(|(endpoint, _)| endpoint.as_str())
}

async fn find_server() -> Option<(String, Option<Moto>)> {
    let configured = std::env::var("TEST_S3_ENDPOINT").ok();
    if let Some(endpoint) = &configured
        && answers(endpoint).await
    {
        return Some((endpoint.clone(), None));
    }
    let mut why = match &configured {
        Some(e) => format!("TEST_S3_ENDPOINT={e} does not answer"),
        None => "TEST_S3_ENDPOINT is not set".to_string(),
    };
    if ensure_moto() {
        match Moto::start(free_port()).await {
            Ok(moto) => return Some((moto.endpoint.clone(), Some(moto))),
            Err(e) => why = format!("{why}; {e}"),
        }
    } else {
        why = format!(
            "{why}; moto_server could not be installed (python3 -m pip install 'moto[server]')"
        );
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !ci,
        "no S3-compatible server ({why}) and CI=true: the S3 contract suite must run in CI"
    );
    let _ = writeln!(
        std::io::stderr(),
        "\n!!! no S3-compatible server ({why}): the S3 contract suite was SKIPPED !!!\n"
    );
    None
}
