//! The operations commands both binaries offer: the schema's migrations
//! and the reference data (backups are in [`crate::backup`]).

use std::sync::Arc;

use histologe_ports::Repositories;

use crate::config::Config;
use crate::error::StartError;
use crate::reference_data::{self, Reload};
use crate::wiring::{self, Schema, database_error};

/// `migrate`: applies the pending migrations and loads the reference
/// data: the one deploy step that changes the schema.
pub async fn migrate(config: &Config) -> Result<(), StartError> {
    let store = wiring::open(config).await?;
    wiring::prepare(config, &store, Schema::Migrate).await?;
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

/// `migrate --down N`: reverts without migrating up first nor loading
/// reference data: the point is to leave the schema older than the binary.
pub async fn migrate_down(config: &Config, steps: usize) -> Result<(), StartError> {
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

/// `reference-data`: reloads territories and communes even if unchanged.
pub async fn reload_reference_data(config: &Config) -> Result<(), StartError> {
    let store = wiring::open(config).await?;
    wiring::prepare(config, &store, Schema::Require).await?;
    let summary = reference_data::load(&Repositories::of(Arc::new(store)), Reload::Force).await?;
    println!(
        "Données de référence rechargées : {} territoires, {} communes.",
        summary.territories, summary.communes
    );
    Ok(())
}
