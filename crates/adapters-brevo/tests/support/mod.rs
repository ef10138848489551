//! A real SMTP server for the SMTP transport: aiosmtpd (PyPI), run by
//! `smtp_server.py` beside this file, one process per test on its own port
//! and Maildir. scripts/test.sh installs aiosmtpd; without it the run fails
//! when `CI` is set, and elsewhere each test says loudly that it skipped,
//! never passing silently.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Accepted by `smtp_server.py`'s AUTH.
pub const USER: &str = "histologe@example.test";
pub const PASSWORD: &str = "p@ss:wörd";

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// An aiosmtpd process owned by the test: stopped on drop (its stdin
/// closes), and with the test process, which holds that stdin.
#[derive(Debug)]
pub struct SmtpServer {
    pub port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
    child: Child,
}

impl SmtpServer {
    /// A started server, or `None` when aiosmtpd cannot run here (after
    /// saying so loudly; a failure when `CI` is set).
    pub fn start(test: &str) -> Option<SmtpServer> {
        match Self::try_start() {
            Ok(server) => Some(server),
            Err(why) => {
                let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
                assert!(
                    !ci,
                    "aiosmtpd cannot be started ({why}) and CI is set: the SMTP transport must be \
                     tested against a real server in CI (python3 -m pip install aiosmtpd)"
                );
                let _ = writeln!(
                    std::io::stderr(),
                    "\n!!! SKIPPED: aiosmtpd not installed or not starting ({why}): {test} did not run !!!\n"
                );
                None
            }
        }
    }

    fn try_start() -> Result<SmtpServer, String> {
        let installed = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            return Err("python3 -c 'import aiosmtpd' fails".into());
        }
        let dir = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
        let maildir = dir.path().join("maildir");
        // Found from any crate of the workspace: other crates' end-to-end
        // tests include this module (`#[path]`) to reach a real relay too.
        let script = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../adapters-brevo/tests/support/smtp_server.py");
        let port = free_port();
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(port.to_string())
            .arg(&maildir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run python3: {e}"))?;
        // The script prints "ready" once it listens.
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let ready = rx
            .recv_timeout(Duration::from_secs(20))
            .is_ok_and(|line| line.trim() == "ready");
        if !ready {
            drop(child.stdin.take());
            let _ = child.kill();
            let mut stderr = String::new();
            if let Some(mut err) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut err, &mut stderr);
            }
            let _ = child.wait();
            let last = stderr.lines().last().unwrap_or("no output").to_string();
            return Err(format!("smtp_server.py did not start: {last}"));
        }
        Ok(SmtpServer {
            port,
            maildir,
            _dir: dir,
            child,
        })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every e-mail the server accepted, as received (raw bytes).
    pub fn received(&self) -> Vec<Vec<u8>> {
        let mut files = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.maildir.join(sub)) {
                files.extend(entries.filter_map(|e| e.ok()).map(|e| e.path()));
            }
        }
        files.sort();
        files
            .iter()
            .map(|f| std::fs::read(f).expect("readable Maildir file"))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        if self.child.try_wait().ok().flatten().is_none() {
            // Give it a moment to stop by itself, then insist.
            std::thread::sleep(Duration::from_millis(50));
            if self.child.try_wait().ok().flatten().is_none() {
                let _ = self.child.kill();
            }
        }
        let _ = self.child.wait();
    }
}
