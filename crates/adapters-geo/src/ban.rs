//! The national address base (BAN) on the IGN Géoplateforme:
//! `GET {base}/search/?q=<address>&limit=<n>`, a GeoJSON feature collection
//! sorted by score (integrations.md §11).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use histologe_core::model::GeoPoint;
use histologe_ports::{AddressCandidate, AddressLookup, LookupError, SharedState};
use serde::Deserialize;

use crate::http;

const SERVICE: &str = "BAN";
/// The BAN refuses queries shorter than this (HTTP 400) and a person who
/// typed two letters gains nothing from suggestions.
const MIN_QUERY_CHARS: usize = 3;
/// Longer queries are refused by the BAN too (200 characters).
const MAX_QUERY_CHARS: usize = 200;

/// The BAN behind [`AddressLookup`], its answers cached when a shared
/// state is given.
#[derive(Clone)]
pub struct BanGeocoder {
    client: reqwest::Client,
    base: String,
    cache: Option<Arc<dyn SharedState>>,
    ttl: Duration,
}

impl std::fmt::Debug for BanGeocoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BanGeocoder")
            .field("base", &self.base)
            .field("cached", &self.cache.is_some())
            .finish_non_exhaustive()
    }
}

impl BanGeocoder {
    /// # Errors
    /// A malformed URL, in French.
    pub fn new(base_url: &str, timeout: Duration) -> Result<Self, String> {
        Ok(BanGeocoder {
            client: http::client(timeout)?,
            base: http::base_url(SERVICE, base_url)?,
            cache: None,
            ttl: crate::BAN_CACHE_TTL,
        })
    }

    /// Keeps each answer in `shared` for [`crate::BAN_CACHE_TTL`].
    #[must_use]
    pub fn with_cache(mut self, shared: Arc<dyn SharedState>) -> Self {
        self.cache = Some(shared);
        self
    }

    /// Another lifetime for cached answers.
    #[must_use]
    pub fn with_cache_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// The body for `query`: the cached one, or the BAN's (then cached).
    /// A cache that fails is logged and skipped: it only saves requests.
    async fn body(&self, query: &str, limit: u8) -> Result<String, LookupError> {
        // The key is a digest: what people type is often their own
        // address, and the cache (Redis) is no place to keep it by name.
        let key = {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(query.to_lowercase().as_bytes());
            let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
            format!("ban:{limit}:{hex}")
        };
        if let Some(cache) = &self.cache {
            match cache.cache_get(&key).await {
                Ok(Some(body)) => return Ok(body),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "BAN cache unreadable, asking the BAN"),
            }
        }
        let limit_text = limit.to_string();
        let url = http::with_query(
            &self.base,
            "/search/",
            &[("q", query), ("limit", &limit_text)],
        )?;
        let body = http::get_text(&self.client, SERVICE, url).await?;
        // Only what parses is kept: a broken answer is not served again.
        parse_candidates(&body)?;
        if let Some(cache) = &self.cache
            && let Err(e) = cache.cache_put(&key, &body, self.ttl).await
        {
            tracing::warn!(error = %e, "BAN cache unwritable");
        }
        Ok(body)
    }
}

#[async_trait]
impl AddressLookup for BanGeocoder {
    /// Candidates best first. A query too short for the BAN has none.
    async fn search(&self, query: &str, limit: u8) -> Result<Vec<AddressCandidate>, LookupError> {
        let query: String = query.split_whitespace().collect::<Vec<_>>().join(" ");
        if query.chars().count() < MIN_QUERY_CHARS || limit == 0 {
            return Ok(Vec::new());
        }
        let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
        let body = self.body(&query, limit).await?;
        parse_candidates(&body)
    }
}

#[derive(Deserialize)]
struct FeatureCollection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    geometry: Geometry,
    properties: Properties,
}

#[derive(Deserialize)]
struct Geometry {
    /// `[longitude, latitude]`.
    coordinates: Vec<f64>,
}

#[derive(Deserialize)]
struct Properties {
    label: String,
    score: f64,
    id: String,
    /// Number and street for an address, the street for a street, the
    /// commune for a commune.
    name: String,
    postcode: Option<String>,
    citycode: Option<String>,
    city: Option<String>,
}

/// Features with a point, a postcode and a commune, in the BAN's order; a
/// feature without them (some POIs) is no address to file a case at.
fn parse_candidates(body: &str) -> Result<Vec<AddressCandidate>, LookupError> {
    let collection: FeatureCollection = http::parse(SERVICE, body)?;
    Ok(collection
        .features
        .into_iter()
        .filter_map(|feature| {
            let p = feature.properties;
            let [lng, lat] = feature.geometry.coordinates[..] else {
                return None;
            };
            Some(AddressCandidate {
                label: p.label,
                street: p.name,
                postcode: p.postcode?,
                city: p.city?,
                insee: p.citycode?,
                ban_id: p.id,
                point: GeoPoint { lat, lng },
                score: p.score,
            })
        })
        .collect())
}
