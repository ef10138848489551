//! `histologe-web`: see `histologe-web --help`.

use std::process::ExitCode;

use clap::Parser;
use histologe_web::cli::{self, Cli};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    histologe_runtime::logging::init();
    match cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("histologe-web : erreur : {e}");
            ExitCode::FAILURE
        }
    }
}
