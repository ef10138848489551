//! `histologe-scale`: load-test data and query measurements, for the
//! people working on speed (docs/performance.md). Not part of the
//! production image.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use histologe_runtime::config::{self, Config};
use histologe_runtime::error::StartError;

mod bench;
mod generate;
mod load;

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
    /// Charge une application web en marche (agents des trois rôles et
    /// visiteurs) et rapporte p50 / p95 / p99 par route, le débit, les
    /// erreurs, le plancher SQL et la mémoire du processus web.
    Load {
        /// L'application web à charger (boucle locale).
        #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080")]
        base_url: String,
        /// Clients simultanés (répartis entre les rôles et les visiteurs).
        #[arg(long, value_name = "N", default_value_t = 32)]
        clients: usize,
        /// Durée de la charge, en secondes.
        #[arg(long, value_name = "S", default_value_t = 30)]
        seconds: u64,
        /// Nombre maximal de requêtes.
        #[arg(long, value_name = "N", default_value_t = 100_000)]
        requests: u64,
        /// Mot de passe donné aux comptes utilisés (base de test seulement).
        #[arg(long, value_name = "MOT", default_value = "Charge-histologe-2026")]
        password: String,
        /// Pid du processus web, pour sa mémoire maximale.
        #[arg(long, value_name = "PID")]
        web_pid: Option<u32>,
        /// Lectures SQL directes par requête mesurée.
        #[arg(long, value_name = "N", default_value_t = 100)]
        sql_samples: usize,
        /// Écrit aussi le rapport (Markdown) dans ce fichier.
        #[arg(long, value_name = "FICHIER")]
        report: Option<std::path::PathBuf>,
        /// Tous les clients déposent des signalements, sans pause : le
        /// débit des dépôts du formulaire public.
        #[arg(long)]
        filing: bool,
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
        Command::Load {
            base_url,
            clients,
            seconds,
            requests,
            password,
            web_pid,
            sql_samples,
            filing,
            report,
        } => {
            load::run(
                &config,
                load::Options {
                    base_url,
                    clients,
                    duration: std::time::Duration::from_secs(seconds),
                    max_requests: requests,
                    password,
                    web_pid,
                    sql_samples,
                    filing,
                    report,
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
