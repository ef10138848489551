//! The national building register (RNB):
//! `GET {base}/buildings/?cle_interop_ban=<BAN id>` (integrations.md §12).

use std::time::Duration;

use async_trait::async_trait;
use histologe_core::model::GeoPoint;
use histologe_ports::{Building, BuildingLookup, LookupError};
use serde::Deserialize;

use crate::http;

const SERVICE: &str = "RNB";

/// The RNB behind [`BuildingLookup`].
#[derive(Debug, Clone)]
pub struct RnbBuildings {
    client: reqwest::Client,
    base: String,
}

impl RnbBuildings {
    /// # Errors
    /// A malformed URL, in French.
    pub fn new(base_url: &str, timeout: Duration) -> Result<Self, String> {
        Ok(RnbBuildings {
            client: http::client(timeout)?,
            base: http::base_url(SERVICE, base_url)?,
        })
    }
}

#[derive(Deserialize)]
struct Page {
    results: Vec<Result_>,
}

#[derive(Deserialize)]
struct Result_ {
    rnb_id: String,
    point: Option<Point>,
}

#[derive(Deserialize)]
struct Point {
    coordinates: Vec<f64>,
}

#[async_trait]
impl BuildingLookup for RnbBuildings {
    /// The building when the register has exactly one at the address (as
    /// the reference: several buildings share some addresses, and picking
    /// one would place the case on the wrong one).
    async fn building_for_ban_id(&self, ban_id: &str) -> Result<Option<Building>, LookupError> {
        let url = http::with_query(&self.base, "/buildings/", &[("cle_interop_ban", ban_id)])?;
        let body = http::get_text(&self.client, SERVICE, url).await?;
        let page: Page = http::parse(SERVICE, &body)?;
        let [only] = &page.results[..] else {
            return Ok(None);
        };
        let Some([lng, lat]) = only
            .point
            .as_ref()
            .map(|p| &p.coordinates[..])
            .and_then(|c| <[f64; 2]>::try_from(c).ok())
        else {
            return Ok(None);
        };
        Ok(Some(Building {
            rnb_id: only.rnb_id.clone(),
            point: GeoPoint { lat, lng },
        }))
    }
}
