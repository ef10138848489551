use async_trait::async_trait;
use histologe_core::model::GeoPoint;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LookupError {
    /// Timeout, network, 5xx: the caller falls back or retries later.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// 4xx or a body we cannot read: retrying the same request won't help.
    #[error("bad response: {0}")]
    BadResponse(String),
}

/// One address proposed by the national address base (BAN).
#[derive(Debug, Clone, PartialEq)]
pub struct AddressCandidate {
    pub label: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub insee: String,
    pub ban_id: String,
    pub point: GeoPoint,
    /// BAN relevance, 0..1; above 0.9 the address is taken as certain.
    pub score: f64,
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait AddressLookup: Send + Sync {
    async fn search(&self, query: &str, limit: u8) -> Result<Vec<AddressCandidate>, LookupError>;
}

/// Energy performance of a dwelling from the ADEME open data.
#[derive(Debug, Clone, PartialEq)]
pub struct DpeInfo {
    pub numero_dpe: String,
    pub classe: String,
    pub consommation_kwh_m2: Option<f64>,
    pub date: Option<chrono::NaiveDate>,
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait EnergyLookup: Send + Sync {
    async fn dpe_for_ban_id(&self, ban_id: &str) -> Result<Vec<DpeInfo>, LookupError>;
}

/// What we push to an Esabora (SI-SH or SCHS) case system.
#[derive(Debug, Clone, PartialEq)]
pub struct EsaboraDossier {
    pub affectation_id: histologe_core::ids::AffectationId,
    pub signalement_id: histologe_core::ids::SignalementId,
    pub reference: String,
    pub payload: serde_json::Value,
}

/// The state Esabora reports for a pushed case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsaboraState {
    /// 'A traiter', 'Importé', 'Non importé', 'Rejeté'.
    pub sas_state: String,
    /// 'en cours', 'terminé' once imported.
    pub dossier_state: Option<String>,
    pub dossier_number: Option<String>,
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait EsaboraGateway: Send + Sync {
    async fn push(&self, dossier: &EsaboraDossier) -> Result<(), LookupError>;
    async fn state(
        &self,
        affectation: histologe_core::ids::AffectationId,
    ) -> Result<Option<EsaboraState>, LookupError>;
}

/// Zapier hook towards OILHI (the observatory of substandard housing).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait OilhiNotifier: Send + Sync {
    async fn notify(&self, payload: &serde_json::Value) -> Result<(), LookupError>;
}
