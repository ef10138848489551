//! The command line: one subcommand per operation on the deployment. Each
//! starts the same way (configuration, database, pending migrations,
//! reference data) so that no operation ever runs on a stale schema.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use clap::{Parser, Subcommand};
use histologe_core::enums::{AffectationStatus, InterventionStatus, SignalementStatus};

use crate::config::Config;
use crate::demo::{self, DemoSummary};
use crate::error::StartError;
use crate::reference_data::{self, Reload};
use crate::wiring::{self, Stores, database_error};
use crate::{backup, bench, generate};

#[derive(Debug, Parser)]
#[command(
    name = "histologe-web",
    version,
    about = "Histologe : signalement et traitement du mal-logement.",
    long_about = "Histologe : signalement et traitement du mal-logement.\n\n\
        Configuration par variables d'environnement : DATABASE_URL \
        (défaut sqlite://var/histologe.db), HISTOLOGE_LISTEN (défaut 127.0.0.1:8080), \
        HISTOLOGE_BASE_URL, HISTOLOGE_SECRET_KEY, HISTOLOGE_ASSETS_DIR (défaut node_modules), \
        HISTOLOGE_OUTBOX_DIR (défaut var/outbox), HISTOLOGE_2FA (défaut on ; off : pas de code par e-mail pour les super admins), STORAGE_URL, CLAMAV_HOST, REDIS_URL (sessions et limites partagées entre processus), \
        INJONCTION_BAILLEUR_DEPTS, UPLOAD_MAX_BYTES, HISTOLOGE_DEMO_PASSWORD. Journaux sur la sortie d'erreur, filtrés par RUST_LOG (défaut info)."
)]
pub struct Cli {
    /// Sans sous-commande : `serve`.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Démarre le site (formulaire public, suivi usager) avec le traitement
    /// des tâches en arrière-plan ; c'est la commande par défaut.
    Serve,
    /// Applique les migrations en attente, ou annule les N dernières avec --down N.
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

/// Runs the subcommand with the configuration of the environment.
pub async fn run(cli: Cli) -> Result<(), StartError> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => crate::serve::serve(&config).await,
        Command::Migrate { down: Some(steps) } => migrate_down(&config, steps).await,
        Command::Migrate { down: None } => migrate(&config).await,
        Command::DemoData => demo_data(&config).await,
        Command::ReferenceData => reload_reference_data(&config).await,
        Command::Backup { file } => backup::backup(&config, &file).await,
        Command::Restore { file } => backup::restore(&config, &file).await,
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

async fn migrate(config: &Config) -> Result<(), StartError> {
    let (store, _) = wiring::connect(config).await?;
    let applied = store
        .applied_migrations()
        .await
        .map_err(database_error(config))?;
    println!(
        "Base de données à jour : {} migration(s) appliquée(s), dernière {}.",
        applied.len(),
        applied
            .last()
            .map_or_else(|| "aucune".to_string(), i64::to_string)
    );
    Ok(())
}

/// Reverts without migrating up first nor loading reference data: the
/// point is to leave the schema older than the binary.
async fn migrate_down(config: &Config, steps: usize) -> Result<(), StartError> {
    let store = wiring::open(config).await?;
    let before = store
        .applied_migrations()
        .await
        .map_err(database_error(config))?;
    store
        .migrate_down(steps)
        .await
        .map_err(database_error(config))?;
    let after = store
        .applied_migrations()
        .await
        .map_err(database_error(config))?;
    println!(
        "{} migration(s) annulée(s) ; {} restent appliquée(s).",
        before.len() - after.len(),
        after.len()
    );
    Ok(())
}

async fn demo_data(config: &Config) -> Result<(), StartError> {
    let (store, app) = wiring::connect(config).await?;
    let stores = Stores::of(Arc::new(store));
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
    let summary = demo::load_demo_data(&app, &stores, password).await?;
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

async fn reload_reference_data(config: &Config) -> Result<(), StartError> {
    let (store, _) = wiring::connect(config).await?;
    let summary = reference_data::load(&Stores::of(Arc::new(store)), Reload::Force).await?;
    println!(
        "Données de référence rechargées : {} territoires, {} communes.",
        summary.territories, summary.communes
    );
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
