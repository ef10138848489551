//! The ADEME's open data of the DPEs of existing dwellings (since July
//! 2021), on its data-fair API:
//! `GET {base}/lines?qs=identifiant_ban:"<BAN id>"&sort=-date_etablissement_dpe`.

use std::time::Duration;

use async_trait::async_trait;
use histologe_ports::{DpeInfo, EnergyLookup, LookupError};
use serde::Deserialize;

use crate::http;

const SERVICE: &str = "DPE ADEME";
/// The few DPEs of one address worth showing; a building has one per
/// dwelling diagnosed.
const PAGE_SIZE: &str = "10";
const FIELDS: &str =
    "numero_dpe,etiquette_dpe,conso_5_usages_par_m2_ef,date_etablissement_dpe,identifiant_ban";

/// The ADEME's DPE dataset behind [`EnergyLookup`].
#[derive(Debug, Clone)]
pub struct AdemeDpe {
    client: reqwest::Client,
    base: String,
}

impl AdemeDpe {
    /// # Errors
    /// A malformed URL, in French.
    pub fn new(base_url: &str, timeout: Duration) -> Result<Self, String> {
        Ok(AdemeDpe {
            client: http::client(timeout)?,
            base: http::base_url(SERVICE, base_url)?,
        })
    }
}

#[derive(Deserialize)]
struct Lines {
    results: Vec<Line>,
}

#[derive(Deserialize)]
struct Line {
    numero_dpe: String,
    etiquette_dpe: Option<String>,
    conso_5_usages_par_m2_ef: Option<f64>,
    date_etablissement_dpe: Option<String>,
}

#[async_trait]
impl EnergyLookup for AdemeDpe {
    async fn dpe_for_ban_id(&self, ban_id: &str) -> Result<Vec<DpeInfo>, LookupError> {
        // The BAN id is quoted: data-fair reads `qs` as a Lucene query,
        // where `_` and digits would otherwise split it into terms.
        let query = format!("identifiant_ban:\"{}\"", ban_id.replace('"', ""));
        let url = http::with_query(
            &self.base,
            "/lines",
            &[
                ("qs", &query),
                ("sort", "-date_etablissement_dpe"),
                ("size", PAGE_SIZE),
                ("select", FIELDS),
            ],
        )?;
        let body = http::get_text(&self.client, SERVICE, url).await?;
        let lines: Lines = http::parse(SERVICE, &body)?;
        Ok(lines
            .results
            .into_iter()
            .map(|line| DpeInfo {
                numero_dpe: line.numero_dpe,
                classe: line.etiquette_dpe.unwrap_or_default(),
                consommation_kwh_m2: line.conso_5_usages_par_m2_ef,
                date: line
                    .date_etablissement_dpe
                    .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            })
            .collect())
    }
}
