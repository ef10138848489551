//! Reference data every deployment needs before its first report: the
//! territories (départements, with the communes they accept) and the
//! national base of postal codes and communes.
//!
//! Both files are embedded at build time, so a binary always carries the
//! data its code was tested with and needs no file beside it. Loading is
//! idempotent and cheap when nothing changed: `migrate` (and `serve` on the
//! embedded file) runs it after the migrations, `reference-data` forces it.

use histologe_core::model::{Commune, Territory};
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::RepoError;
use serde::Deserialize;
use thiserror::Error;

use histologe_ports::Repositories;

const TERRITORIES_JSON: &str = include_str!("../../../data/territories.json");
const COMMUNES_CSV: &str = include_str!("../../../data/communes.csv");

#[derive(Debug, Error)]
pub enum ReferenceDataError {
    /// The embedded file is broken: a build problem, caught by the tests.
    #[error("fichier embarqué {file} illisible : {message}")]
    Embedded { file: &'static str, message: String },
    #[error(transparent)]
    Repo(#[from] RepoError),
}

fn embedded(file: &'static str) -> impl Fn(String) -> ReferenceDataError {
    move |message| ReferenceDataError::Embedded { file, message }
}

/// One territory of `data/territories.json`. Its `bbox` is for the maps of
/// the web issue; the core `Territory` does not hold it yet.
#[derive(Debug, Deserialize)]
struct TerritoryRow {
    code: String,
    name: String,
    is_active: bool,
    #[serde(default)]
    authorized_insee: Option<Vec<String>>,
    timezone: String,
}

/// One line of `data/communes.csv` (the national postal code base).
#[derive(Debug, Deserialize)]
struct CommuneRow {
    #[serde(rename = "codePostal")]
    code_postal: String,
    #[serde(rename = "codeCommune")]
    code_commune: String,
    #[serde(rename = "nomCommune")]
    nom_commune: String,
}

/// The territories of the embedded file.
pub fn territories() -> Result<Vec<Territory>, ReferenceDataError> {
    let file = "data/territories.json";
    let rows: Vec<TerritoryRow> =
        serde_json::from_str(TERRITORIES_JSON).map_err(|e| embedded(file)(e.to_string()))?;
    rows.into_iter()
        .map(|row| {
            let code = TerritoryCode::parse(&row.code)
                .map_err(|e| embedded(file)(format!("{}: {}", row.code, e.message)))?;
            Ok(Territory {
                code,
                name: row.name,
                is_active: row.is_active,
                authorized_insee: row.authorized_insee.unwrap_or_default(),
                timezone: row.timezone,
            })
        })
        .collect()
}

/// The communes of the embedded file, one per (postal code, commune).
pub fn communes() -> Result<Vec<Commune>, ReferenceDataError> {
    let file = "data/communes.csv";
    csv::Reader::from_reader(COMMUNES_CSV.as_bytes())
        .deserialize::<CommuneRow>()
        .map(|row| {
            let row = row.map_err(|e| embedded(file)(e.to_string()))?;
            Ok(Commune {
                code_postal: row.code_postal,
                code_insee: row.code_commune,
                nom: row.nom_commune,
            })
        })
        .collect()
}

/// When to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reload {
    /// At every start: territories that are missing, communes when their
    /// count differs from the file's.
    IfChanged,
    /// The `reference-data` subcommand: everything, whatever is stored.
    Force,
}

/// What a load wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferenceSummary {
    pub territories: usize,
    pub territories_written: usize,
    pub communes: usize,
    pub communes_written: bool,
}

/// Loads the territories and the communes. Super admins open and close
/// territories and set their communes in the back-office, so a start only
/// adds the territories that are missing and never undoes their changes;
/// `Reload::Force` (the `reference-data` command) puts the file back.
pub async fn load(
    stores: &Repositories,
    reload: Reload,
) -> Result<ReferenceSummary, ReferenceDataError> {
    let territories = territories()?;
    let stored = stores.territories.all().await?;
    let mut territories_written = 0;
    for territory in &territories {
        let known = stored.iter().any(|s| s.code == territory.code);
        if reload == Reload::Force || !known {
            stores.territories.upsert(territory).await?;
            territories_written += 1;
        }
    }

    let communes = communes()?;
    let count = stores.communes.count().await?;
    let communes_written = reload == Reload::Force || count != communes.len() as u64;
    if communes_written {
        stores.communes.replace_all(&communes).await?;
    }
    let summary = ReferenceSummary {
        territories: territories.len(),
        territories_written,
        communes: communes.len(),
        communes_written,
    };
    tracing::info!(
        territories = summary.territories,
        territories_written = summary.territories_written,
        communes = summary.communes,
        communes_written = summary.communes_written,
        "reference data loaded"
    );
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use histologe_adapters_memory::MemoryStore;

    use super::*;

    fn code(c: &str) -> TerritoryCode {
        TerritoryCode::parse(c).unwrap()
    }

    #[test]
    fn the_embedded_files_parse() {
        let territories = territories().unwrap();
        assert!(territories.len() > 100, "{}", territories.len());
        assert_eq!(communes().unwrap().len(), 35_728);
    }

    #[tokio::test]
    async fn loads_into_a_store_once() {
        let stores = Repositories::of(Arc::new(MemoryStore::new()));

        let first = load(&stores, Reload::IfChanged).await.unwrap();
        assert_eq!(first.territories_written, first.territories);
        assert!(first.communes_written);
        assert_eq!(stores.communes.count().await.unwrap(), 35_728);
        assert_eq!(
            stores.territories.all().await.unwrap().len(),
            first.territories
        );

        let again = load(&stores, Reload::IfChanged).await.unwrap();
        assert_eq!(again.territories_written, 0);
        assert!(!again.communes_written);
        assert_eq!(stores.communes.count().await.unwrap(), 35_728);

        let forced = load(&stores, Reload::Force).await.unwrap();
        assert_eq!(forced.territories_written, forced.territories);
        assert!(forced.communes_written);
        assert_eq!(stores.communes.count().await.unwrap(), 35_728);
    }

    #[tokio::test]
    async fn the_loaded_data_is_the_reference() {
        let stores = Repositories::of(Arc::new(MemoryStore::new()));
        load(&stores, Reload::IfChanged).await.unwrap();

        let marseille_2e = stores.communes.by_postal_code("13002").await.unwrap();
        assert!(
            marseille_2e
                .iter()
                .any(|c| c.code_insee == "13202" && c.nom.starts_with("Marseille")),
            "{marseille_2e:?}"
        );

        let lyon = stores.territories.get(&code("69A")).await.unwrap().unwrap();
        assert_eq!(lyon.name, "Métropole de Lyon");
        assert!(lyon.authorized_insee.contains(&"69381".to_string()));

        let hautes_alpes = stores.territories.get(&code("05")).await.unwrap().unwrap();
        assert_eq!(hautes_alpes.name, "Hautes-Alpes");
        assert!(!hautes_alpes.is_active);

        let gironde = stores.territories.get(&code("33")).await.unwrap().unwrap();
        assert!(gironde.is_active);
        assert_eq!(gironde.timezone, "Europe/Paris");
    }

    #[tokio::test]
    async fn a_territory_changed_in_the_back_office_survives_a_start() {
        let stores = Repositories::of(Arc::new(MemoryStore::new()));
        load(&stores, Reload::IfChanged).await.unwrap();
        let mut ain = stores.territories.get(&code("01")).await.unwrap().unwrap();
        ain.is_active = !ain.is_active;
        stores.territories.upsert(&ain).await.unwrap();

        let summary = load(&stores, Reload::IfChanged).await.unwrap();
        assert_eq!(summary.territories_written, 0);
        let ain_again = stores.territories.get(&code("01")).await.unwrap().unwrap();
        assert_eq!(ain_again.is_active, ain.is_active);

        // The reference-data command puts the file back.
        let forced = load(&stores, Reload::Force).await.unwrap();
        assert_eq!(forced.territories_written, forced.territories);
        let ain_file = stores.territories.get(&code("01")).await.unwrap().unwrap();
        assert_ne!(ain_file.is_active, ain.is_active);
    }
}
