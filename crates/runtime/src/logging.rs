//! Logs go to stderr, filtered by `RUST_LOG` (default `info`); stdout is
//! kept for what a command reports.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the process's subscriber; a second call does nothing.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
