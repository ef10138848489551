//! `histologe-scale`: load-test data and query measurements, for the
//! people working on speed (docs/performance.md). Not part of the
//! production image.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use histologe_runtime::config::{self, Config};
use histologe_runtime::error::StartError;

mod bench;
mod generate;

#[derive(Debug, Parser)]
#[command(
    name = "histologe-scale",
    version,
    about = "Outils de volumétrie d'Histologe : données générées et mesures de requêtes.",
    after_long_help = config::variables_help()
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Remplit la base de données réalistes en volume (tests de charge).
    Generate {
        /// Nombre de signalements à créer.
        #[arg(long, value_name = "N")]
        signalements: u64,
        /// Graine du générateur : même graine, mêmes données.
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// Ajoute aux signalements déjà présents au lieu de refuser.
        #[arg(long)]
        append: bool,
    },
    /// Mesure les requêtes principales sur la base courante (p50, p95, max).
    BenchQueries {
        /// Mesures par requête.
        #[arg(long, value_name = "N", default_value_t = 200)]
        samples: usize,
        /// Ne mesurer que ce territoire (par défaut : tirés au hasard).
        #[arg(long, value_name = "CODE")]
        territory: Option<String>,
    },
}

async fn run(cli: Cli) -> Result<(), StartError> {
    let config = Config::from_env()?;
    match cli.command {
        Command::Generate {
            signalements,
            seed,
            append,
        } => {
            generate::run(
                &config,
                generate::Options {
                    signalements,
                    seed,
                    append,
                },
            )
            .await
        }
        Command::BenchQueries { samples, territory } => {
            bench::run(&config, samples, territory.as_deref()).await
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    histologe_runtime::logging::init();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("histologe-scale : erreur : {e}");
            ExitCode::FAILURE
        }
    }
}
