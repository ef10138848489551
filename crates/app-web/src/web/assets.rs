//! Static files: the DSFR, htmx, Leaflet and its marker clusters as npm
//! installed them (never committed), and the app's own small stylesheets
//! and scripts, embedded in the binary.
//!
//! Pages link them under a versioned prefix, `/static/v/{version}/…`
//! ([`url`]), served with a year's `immutable` lifetime: a browser on a
//! slow link asks for them once, and a new release (other embedded files
//! or other npm packages) changes the version, so nobody keeps an old
//! stylesheet. Any version is answered with the current files: during a
//! rolling deploy a page of the old release still gets its styles. The
//! unversioned `/static/…` paths stay, cached a day.

use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::LazyLock;

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
/// The npm packages served (their exact versions).
const NPM_LOCK: &str = include_str!("../../../../package-lock.json");

/// What the assets of this build are: a hash of the embedded files, the npm
/// lock file and the release.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    // SipHash with fixed keys: every instance of a build computes the same.
    let mut hasher = std::hash::DefaultHasher::new();
    (
        APP_CSS,
        APP_JS,
        CARTE_CSS,
        CARTE_JS,
        NPM_LOCK,
        super::dsfr_bundle::COMPONENTS,
        super::dsfr_bundle::ICONS,
        env!("CARGO_PKG_VERSION"),
    )
        .hash(&mut hasher);
    format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff)
});

/// The versioned URL of the asset at `path` (`dsfr/dsfr.min.css`).
pub fn url(path: &str) -> String {
    format!("/static/v/{}/{path}", VERSION.as_str())
}

/// `/static` and `/static/v/{version}`.
pub fn routes(assets_dir: &Path) -> Router<WebState> {
    // A year, never revalidated: the version changes with the content.
    let immutable =
        SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, |response: &Response| {
            response
                .status()
                .is_success()
                .then(|| HeaderValue::from_static("public, max-age=31536000, immutable"))
        });
    let bundles = Bundles::build(&assets_dir.join(DSFR_DIST));
    Router::new()
        .nest(
            "/static/v/{version}",
            router(assets_dir, bundles.clone()).layer(immutable),
        )
        .nest("/static", router(assets_dir, bundles))
}

/// The DSFR stylesheets of the public pages and of the back-office
/// (`dsfr_bundle`), `None` without the DSFR installed.
#[derive(Clone)]
struct Bundles {
    public: Option<axum::body::Bytes>,
    back_office: Option<axum::body::Bytes>,
}

impl Bundles {
    fn build(dist: &Path) -> Bundles {
        use super::dsfr_bundle::{Pages, build};
        let of = |pages| {
            build(dist, pages, |path| url(&format!("dsfr/{path}")))
                .map(|css| axum::body::Bytes::from(css.into_bytes()))
        };
        Bundles {
            public: of(Pages::Public),
            back_office: of(Pages::BackOffice),
        }
    }
}

fn stylesheet(css: Option<axum::body::Bytes>) -> Response {
    match css {
        Some(css) => ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css).into_response(),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// Where npm puts the DSFR's files.
const DSFR_DIST: &str = "@gouvfr/dsfr/dist";

/// `dsfr/…`, `htmx/…`, `leaflet/…`, `leaflet.markercluster/…`, `app/…`
/// (with `app/dsfr.css`, the DSFR the pages use: `dsfr_bundle`).
fn router(assets_dir: &Path, bundles: Bundles) -> Router<WebState> {
    let dsfr = assets_dir.join(DSFR_DIST);
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
    let Bundles {
        public,
        back_office,
    } = bundles;
    Router::new()
        .nest_service("/dsfr", ServeDir::new(dsfr))
        .nest_service("/htmx", ServeDir::new(assets_dir.join("htmx.org/dist")))
        .route(
            "/app/dsfr.css",
            get(move || std::future::ready(stylesheet(public.clone()))),
        )
        .route(
            "/app/dsfr-bo.css",
            get(move || std::future::ready(stylesheet(back_office.clone()))),
        )
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
