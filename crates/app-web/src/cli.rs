//! The command line: the web app (`serve`, the default) and the operations
//! on the deployment. Only `migrate` (and `serve` on the embedded SQLite
//! file) applies migrations; every other command refuses a database with
//! pending ones, naming the command to run.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, Subcommand};
use histologe_core::enums::{AffectationStatus, InterventionStatus, SignalementStatus};
use histologe_demo::{self as demo, DemoSummary};
use histologe_runtime::config::{self, Config};
use histologe_runtime::error::StartError;
use histologe_runtime::wiring::{self, Schema, database_error};
use histologe_runtime::{backup, ops};

#[derive(Debug, Parser)]
#[command(
    name = "histologe-web",
    version,
    about = "Histologe : signalement et traitement du mal-logement.",
    long_about = "Histologe : signalement et traitement du mal-logement.\n\n\
        Le site (formulaire public, suivi usager, back-office). Avec la base \
        embarquée SQLite, il traite aussi les tâches en arrière-plan et les \
        tâches planifiées ; avec MySQL, ce sont les processus \
        « histologe-worker worker » et « histologe-worker clock ».",
    after_long_help = config::variables_help()
)]
pub struct Cli {
    /// Sans sous-commande : `serve`.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Démarre le site ; c'est la commande par défaut. Avec SQLite (ou
    /// HISTOLOGE_INPROCESS_JOBS=on), traite aussi les tâches et le calendrier.
    Serve,
    /// Applique les migrations en attente et charge les données de
    /// référence (une fois par déploiement), ou annule les N dernières avec --down N.
    Migrate {
        /// Nombre de migrations à annuler (les plus récentes d'abord).
        #[arg(long, value_name = "N")]
        down: Option<usize>,
    },
    /// Charge le jeu de données de démonstration si la base est vide.
    DemoData,
    /// Recharge les données de référence (territoires, communes).
    ReferenceData,
    /// Écrit une sauvegarde cohérente et compressée de la base dans FICHIER.
    Backup {
        #[arg(value_name = "FICHIER")]
        file: PathBuf,
    },
    /// Restaure la sauvegarde FICHIER dans une base vide.
    Restore {
        #[arg(value_name = "FICHIER")]
        file: PathBuf,
    },
}

/// Runs the subcommand with the configuration of the environment.
pub async fn run(cli: Cli) -> Result<(), StartError> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => crate::serve::serve(&config).await,
        Command::Migrate { down: Some(steps) } => ops::migrate_down(&config, steps).await,
        Command::Migrate { down: None } => ops::migrate(&config).await,
        Command::DemoData => demo_data(&config).await,
        Command::ReferenceData => ops::reload_reference_data(&config).await,
        Command::Backup { file } => backup::backup(&config, &file).await,
        Command::Restore { file } => backup::restore(&config, &file).await,
    }
}

async fn demo_data(config: &Config) -> Result<(), StartError> {
    // The embedded file is migrated here as by `serve`; any other database
    // must be migrated first.
    let schema = if config.is_embedded() {
        Schema::Migrate
    } else {
        Schema::Require
    };
    let (_, wired) = wiring::connect(config, schema).await?;
    let stores = wired.ports.repositories.clone();
    if !demo::is_empty(&stores)
        .await
        .map_err(database_error(config))?
    {
        println!(
            "La base contient déjà des données : rien à faire (la démonstration ne se charge que dans une base vide)."
        );
        return Ok(());
    }
    let started = Instant::now();
    let password = config
        .demo_password
        .as_ref()
        .map_or(demo::DEFAULT_DEMO_PASSWORD, |p| p.expose());
    let summary = demo::load_demo_data(&wired.app, &wired.ports, password).await?;
    let elapsed = started.elapsed();
    tracing::info!(
        signalements = summary.signalements,
        elapsed_ms = elapsed.as_millis() as u64,
        "demo data loaded"
    );
    print!("{}", describe(&summary));
    println!("Chargé en {:.1} s.", elapsed.as_secs_f64());
    Ok(())
}

/// The summary printed after a load, with the accounts to log in with.
pub fn describe(summary: &DemoSummary) -> String {
    let mut out = format!(
        "Données de démonstration chargées : {} territoires, {} partenaires, {} règles d'auto-affectation, {} signalements.\n",
        summary.territories, summary.partners, summary.rules, summary.signalements
    );
    out.push_str("Signalements par statut :\n");
    for status in SignalementStatus::ALL {
        let n = summary.count(*status);
        if n > 0 {
            out.push_str(&format!(
                "  {:<20} {:<28} {n}\n",
                status.as_str(),
                status.label()
            ));
        }
    }
    out.push_str("Affectations par statut :\n");
    for status in AffectationStatus::ALL {
        let n = summary
            .affectations
            .get(status)
            .copied()
            .unwrap_or_default();
        out.push_str(&format!("  {:<28} {n}\n", status.label()));
    }
    out.push_str("Visites :\n");
    for status in InterventionStatus::ALL {
        let n = summary.visits.get(status).copied().unwrap_or_default();
        out.push_str(&format!("  {:<28} {n}\n", status.label()));
    }
    out.push_str(&format!("Suivis : {}\n", summary.suivis));
    out.push_str(
        "Comptes (sans mot de passe pour l'instant : la connexion arrive avec le back-office) :\n",
    );
    for account in summary
        .accounts
        .iter()
        .filter(|a| !a.email.starts_with("agent."))
    {
        out.push_str(&format!(
            "  {:<34} {:<18} {}\n",
            account.email,
            account.role.label(),
            account.partner.as_deref().unwrap_or("")
        ));
    }
    let agents = summary
        .accounts
        .iter()
        .filter(|a| a.email.starts_with("agent."))
        .count();
    out.push_str(&format!(
        "  … et {agents} agents, un par partenaire (agent.<partenaire>@histologe.test).\n"
    ));
    out
}
