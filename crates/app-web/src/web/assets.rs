//! Static files: the DSFR, htmx, Leaflet and its marker clusters as npm
//! installed them (never committed), and the app's own small stylesheets
//! and scripts, embedded in the binary.

use std::path::Path;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use super::WebState;

const APP_CSS: &str = include_str!("../../static/app.css");
const APP_JS: &str = include_str!("../../static/app.js");
const CARTE_CSS: &str = include_str!("../../static/carte.css");
const CARTE_JS: &str = include_str!("../../static/carte.js");

/// `/static/dsfr/…`, `/static/htmx/…`, `/static/leaflet/…`,
/// `/static/leaflet.markercluster/…`, `/static/app/…`.
pub fn router(assets_dir: &Path) -> Router<WebState> {
    let dsfr = assets_dir.join("@gouvfr/dsfr/dist");
    if !dsfr.join("dsfr.min.css").exists() {
        tracing::warn!(
            path = %dsfr.display(),
            "DSFR not found: run `npm ci` at the root of the repository (pages will be unstyled)"
        );
    }
    // A day: assets change with a new install, which restarts the app. A
    // missing file is not cached: it may be there after `npm ci`.
    let cache = SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, |response: &Response| {
        response
            .status()
            .is_success()
            .then(|| HeaderValue::from_static("public, max-age=86400"))
    });
    Router::new()
        .nest_service("/dsfr", ServeDir::new(dsfr))
        .nest_service("/htmx", ServeDir::new(assets_dir.join("htmx.org/dist")))
        .route("/app/app.css", get(app_css))
        .route("/app/app.js", get(app_js))
        .nest_service("/leaflet", ServeDir::new(assets_dir.join("leaflet/dist")))
        .nest_service(
            "/leaflet.markercluster",
            ServeDir::new(assets_dir.join("leaflet.markercluster/dist")),
        )
        .route("/app/carte.css", get(carte_css))
        .route("/app/carte.js", get(carte_js))
        .layer(cache)
}

async fn app_css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], APP_CSS)
}

async fn app_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        APP_JS,
    )
}

async fn carte_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        CARTE_CSS,
    )
}

async fn carte_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        CARTE_JS,
    )
}
