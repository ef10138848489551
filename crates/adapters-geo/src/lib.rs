//! Where a dwelling is, from three public services of the French state:
//!
//! - the national address base (BAN) on the IGN Géoplateforme, which turns
//!   the address typed in a form into a point, a commune code and a BAN id,
//!   and proposes addresses as a person types ([`BanGeocoder`]);
//! - the national building register (RNB), which names the building at a
//!   BAN address ([`RnbBuildings`]);
//! - the ADEME's open data of the energy diagnostics (DPE) made since July
//!   2021, keyed by BAN id ([`AdemeDpe`]).
//!
//! Each is off unless configured ([`GeoConfig`]): the embedded default works
//! offline, and a case then keeps its typed address until an agent routes
//! it. Every call makes one request with a timeout and never retries on its
//! own: the geocoding job owns retries. A 5xx, a 429 or a timeout is
//! `Unavailable` (worth retrying); a 4xx or an unreadable body is
//! `BadResponse`.

mod ban;
mod dpe;
mod http;
mod rnb;

use std::sync::Arc;
use std::time::Duration;

use histologe_ports::{Lookups, SharedState};

pub use ban::BanGeocoder;
pub use dpe::AdemeDpe;
pub use rnb::RnbBuildings;

/// The Géoplateforme's geocoding service (the old api-adresse.data.gouv.fr).
pub const DEFAULT_BAN_URL: &str = "https://data.geopf.fr/geocodage";
/// The RNB's API.
pub const DEFAULT_RNB_URL: &str = "https://rnb-api.beta.gouv.fr/api/alpha";
/// The ADEME's dataset of the DPEs of existing dwellings.
pub const DEFAULT_DPE_URL: &str = "https://data.ademe.fr/data-fair/api/v1/datasets/dpe03existant";
/// A whole request: the autocomplete waits on it while a person types,
/// and a geocoding job holds a worker.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a BAN answer is kept: addresses hardly change in a day, and the
/// autocomplete asks the same prefixes again and again.
pub const BAN_CACHE_TTL: Duration = Duration::from_secs(24 * 3600);

/// Which services are on, and where.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GeoConfig {
    pub ban_url: Option<String>,
    pub rnb_url: Option<String>,
    pub dpe_url: Option<String>,
    pub timeout: Option<Duration>,
}

impl GeoConfig {
    /// The adapters of the services that are on; BAN answers are cached in
    /// `shared` (Redis when configured, so every process shares them).
    ///
    /// # Errors
    /// A URL that cannot work, in French, for the operator at start.
    pub fn lookups(&self, shared: Arc<dyn SharedState>) -> Result<Lookups, String> {
        install_crypto_provider();
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let addresses = self
            .ban_url
            .as_deref()
            .map(|url| BanGeocoder::new(url, timeout).map(|b| b.with_cache(shared.clone())))
            .transpose()?;
        let buildings = self
            .rnb_url
            .as_deref()
            .map(|url| RnbBuildings::new(url, timeout))
            .transpose()?;
        let energy = self
            .dpe_url
            .as_deref()
            .map(|url| AdemeDpe::new(url, timeout))
            .transpose()?;
        Ok(Lookups {
            addresses: addresses.map(|a| Arc::new(a) as _),
            buildings: buildings.map(|b| Arc::new(b) as _),
            energy: energy.map(|e| Arc::new(e) as _),
        })
    }
}

/// reqwest is built on rustls without a bundled provider (no aws-lc-rs C
/// build): ring is installed once per process. An `Err` means a provider
/// is installed already, which is as good.
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
