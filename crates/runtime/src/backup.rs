//! `backup` and `restore`: the operator's side of `SqlStore::backup` and
//! `SqlStore::restore` (a gzip-compressed, consistent snapshot of every
//! table with the manifest of the stored files).

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use histologe_adapters_sql::{BackupSummary, SqlStore};

use crate::config::Config;
use crate::error::StartError;
use crate::wiring::{self, database_error};

fn file_error(path: &Path) -> impl Fn(std::io::Error) -> StartError + '_ {
    move |source| StartError::File {
        path: path.display().to_string(),
        source,
    }
}

/// The file being written, beside its final name: a backup that fails
/// halfway never leaves a truncated file under the name an operator trusts.
fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".partiel");
    file.with_file_name(name)
}

/// Writes the snapshot to `file`. The database is opened as it is, without
/// migrating nor reloading reference data: a backup taken before an
/// upgrade must hold the database as it was.
pub async fn backup(config: &Config, file: &Path) -> Result<(), StartError> {
    let store = wiring::open(config).await?;
    let started = Instant::now();
    let partial = partial_path(file);
    let out = File::create(&partial).map_err(file_error(&partial))?;
    let mut writer = BufWriter::new(out);
    let summary = match store.backup(&mut writer).await {
        Ok(summary) => summary,
        Err(e) => {
            drop(writer);
            let _ = std::fs::remove_file(&partial);
            return Err(database_error(config)(e));
        }
    };
    let out = writer
        .into_inner()
        .map_err(|e| file_error(&partial)(e.into_error()))?;
    out.sync_all().map_err(file_error(&partial))?;
    drop(out);
    std::fs::rename(&partial, file).map_err(file_error(file))?;
    let size = std::fs::metadata(file).map_err(file_error(file))?.len();
    print!(
        "{}",
        describe_backup(file, &summary, size, started.elapsed().as_secs_f64())
    );
    Ok(())
}

pub fn describe_backup(file: &Path, summary: &BackupSummary, size: u64, seconds: f64) -> String {
    format!(
        "Sauvegarde écrite dans {} : {} tables, {} lignes, {:.1} Mo compressés, en {seconds:.1} s.\n\
         Fichiers stockés référencés : {} (la sauvegarde en contient la liste ; leur contenu se sauvegarde avec le stockage de fichiers).\n",
        file.display(),
        summary.tables,
        summary.rows,
        size as f64 / 1_000_000.0,
        summary.stored_files
    )
}

/// Loads `file` into an empty database, migrated first (the backup says at
/// which migrations it was taken; both must match). Emptiness is checked
/// here as well as in the adapter so that the refusal reads in French and
/// names what is there.
pub async fn restore(config: &Config, file: &Path) -> Result<(), StartError> {
    let store = wiring::open(config).await?;
    store.migrate().await.map_err(database_error(config))?;
    refuse_unless_empty(config, &store).await?;
    let started = Instant::now();
    let input = File::open(file).map_err(file_error(file))?;
    let summary = store
        .restore(BufReader::new(input))
        .await
        .map_err(database_error(config))?;
    println!(
        "Sauvegarde {} restaurée : {} tables, {} lignes, en {:.1} s.\n\
         Fichiers stockés attendus dans le stockage de fichiers : {}.",
        file.display(),
        summary.tables,
        summary.rows,
        started.elapsed().as_secs_f64(),
        summary.stored_files
    );
    let _ = std::io::stdout().flush();
    Ok(())
}

async fn refuse_unless_empty(config: &Config, store: &SqlStore) -> Result<(), StartError> {
    let counts = store.counts().await.map_err(database_error(config))?;
    let count = |table: &str| {
        counts
            .iter()
            .find(|(t, _)| t == table)
            .map_or(0, |(_, n)| *n)
    };
    let (signalements, users, partners) =
        (count("signalements"), count("users"), count("partners"));
    if signalements + users + partners > 0 {
        return Err(StartError::Refused(format!(
            "restauration refusée : la base {} n'est pas vide ({signalements} signalements, {users} utilisateurs, {partners} partenaires). \
             Restaurez dans une base neuve (créée vide, les migrations s'appliquent au démarrage).",
            config.database_url.redacted()
        )));
    }
    Ok(())
}
