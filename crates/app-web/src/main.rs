//! `histologe-web`: see `histologe-web --help`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use histologe_web::cli::{self, Cli};
use tracing_subscriber::EnvFilter;

/// Logs go to stderr, filtered by `RUST_LOG` (default `info`); stdout is
/// kept for what the subcommand reports.
fn init_logs() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logs();
    match cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("histologe-web : erreur : {e}");
            ExitCode::FAILURE
        }
    }
}
