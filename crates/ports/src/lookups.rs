use async_trait::async_trait;
pub use histologe_core::geocoding::{AddressCandidate, Building};
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

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait AddressLookup: Send + Sync {
    /// At most `limit` candidates, best first.
    async fn search(&self, query: &str, limit: u8) -> Result<Vec<AddressCandidate>, LookupError>;
}

/// The national building register (RNB).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait BuildingLookup: Send + Sync {
    /// The building at this BAN address, when the register has exactly
    /// one there.
    async fn building_for_ban_id(&self, ban_id: &str) -> Result<Option<Building>, LookupError>;
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
    /// The DPEs made at this BAN address, newest first.
    async fn dpe_for_ban_id(&self, ban_id: &str) -> Result<Vec<DpeInfo>, LookupError>;
}

/// The address services, each off unless configured: without them a case
/// keeps the address typed in the form and waits for an agent to route it.
#[derive(Clone, Default)]
#[expect(missing_debug_implementations, reason = "trait objects")]
pub struct Lookups {
    pub addresses: Option<std::sync::Arc<dyn AddressLookup>>,
    pub buildings: Option<std::sync::Arc<dyn BuildingLookup>>,
    pub energy: Option<std::sync::Arc<dyn EnergyLookup>>,
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
