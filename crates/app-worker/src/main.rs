#![doc = include_str!("../README.md")]

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use histologe_runtime::config::{self, Config};
use histologe_runtime::error::StartError;
use histologe_runtime::shutdown::Shutdown;
use histologe_runtime::wiring::{self, Schema};
use histologe_runtime::{clock, ops, worker};

#[derive(Debug, Parser)]
#[command(
    name = "histologe-worker",
    version,
    about = "Histologe : traitement des tâches en arrière-plan et tâches planifiées.",
    long_about = "Histologe : traitement des tâches en arrière-plan et tâches planifiées.\n\n\
        En production, trois processus partagent la base : le site (histologe-web serve), \
        un ou plusieurs « histologe-worker worker » et un « histologe-worker clock » \
        (plusieurs peuvent tourner : chaque échéance n'est mise en file qu'une fois). \
        Appliquez les migrations avant de les démarrer : histologe-worker migrate.",
    after_long_help = config::variables_help()
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Traite les tâches en file (e-mails, exports, images, tâches planifiées).
    /// SIGTERM : plus aucune tâche n'est prise, la tâche en cours a
    /// HISTOLOGE_SHUTDOWN_GRACE secondes pour finir, sinon elle est remise en file.
    Worker {
        /// Nombre de tâches traitées en même temps.
        #[arg(long, value_name = "N", default_value_t = 2)]
        concurrency: usize,
        /// Traite ce qui est dû puis s'arrête.
        #[arg(long)]
        once: bool,
    },
    /// Met en file chaque échéance des tâches planifiées (calendriers en heure
    /// de Paris, HISTOLOGE_SCHEDULE_<TÂCHE> pour en changer un).
    Clock,
    /// Applique les migrations en attente et charge les données de référence.
    Migrate {
        /// Annule les N dernières migrations au lieu d'appliquer.
        #[arg(long, value_name = "N")]
        down: Option<usize>,
    },
}

async fn run(cli: Cli) -> Result<(), StartError> {
    let config = Config::from_env()?;
    match cli.command {
        Command::Migrate { down: Some(steps) } => ops::migrate_down(&config, steps).await,
        Command::Migrate { down: None } => ops::migrate(&config).await,
        Command::Worker { concurrency, once } => {
            let (_, wired) = wiring::connect(&config, Schema::Require).await?;
            let runner = worker::runner(&wired, &config);
            let options = worker::WorkerOptions {
                concurrency,
                once,
                grace: config.shutdown_grace,
                ..worker::WorkerOptions::default()
            };
            worker::run(runner, options, Shutdown::on_signals()).await;
            Ok(())
        }
        Command::Clock => {
            let schedule = clock::Schedule::from_env().map_err(StartError::Outside)?;
            let (_, wired) = wiring::connect(&config, Schema::Require).await?;
            clock::run(wired.ports, schedule, Shutdown::on_signals()).await;
            Ok(())
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
            eprintln!("histologe-worker : erreur : {e}");
            ExitCode::FAILURE
        }
    }
}
