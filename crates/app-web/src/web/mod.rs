//! The web app: axum routes over the application's use cases, HTML
//! rendered on the server with askama templates and the State's design
//! system (DSFR). Handlers stay thin: read the request, call one use case,
//! render; errors become pages in one place (`errors`).

pub mod assets;
pub mod bo;
pub mod csp_report;
mod dsfr_bundle;
pub mod errors;
pub mod maintenance;
pub mod multipart;
pub mod pages;
pub mod security;
pub mod signalement;
pub mod suivi;
pub mod usager_session;
pub mod webhook;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use axum_extra::extract::cookie::Key;
use histologe_application::App;
use histologe_core::form::Form;

/// What every handler may reach.
#[derive(Clone)]
pub struct WebState {
    pub app: App,
    pub form: &'static Form,
    /// Signs and encrypts the usager's session cookie.
    pub cookie_key: Key,
    pub settings: Arc<WebSettings>,
}

impl std::fmt::Debug for WebState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebState")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// The part of the configuration the pages need.
#[derive(Debug, Clone)]
pub struct WebSettings {
    pub platform_name: String,
    pub base_url: String,
    /// Cookies get `Secure` when the site is served over TLS.
    pub secure_cookies: bool,
    pub assets_dir: std::path::PathBuf,
    pub upload_max_bytes: u64,
    /// How Brevo's delivery webhook authenticates; `None`: not served.
    pub brevo_webhook: Option<histologe_runtime::mail_config::WebhookConfig>,
}

impl FromRef<WebState> for Key {
    fn from_ref(state: &WebState) -> Key {
        state.cookie_key.clone()
    }
}

/// The back-office, with the outbox page only while e-mails go to the
/// local outbox: with a real transport there is nothing to show.
fn bo_routes(state: &WebState) -> Router<WebState> {
    if state.app.has_mail_outbox() {
        bo::routes().merge(bo::courriels::routes())
    } else {
        bo::routes()
    }
}

/// Every route of the public site.
pub fn router(state: WebState) -> Router {
    let assets = assets::routes(&state.settings.assets_dir);
    Router::new()
        .merge(pages::routes())
        .merge(signalement::routes())
        .merge(suivi::routes())
        .merge(webhook::routes())
        .merge(csp_report::routes())
        // Back-office pages show the user's unread notifications in their header.
        .merge(
            bo_routes(&state).layer(axum::middleware::from_fn_with_state(
                state.clone(),
                bo::notifications::count_unseen,
            )),
        )
        .merge(assets)
        .fallback(errors::not_found)
        // A GET on a URL that only takes a form (the address bar after a
        // posted message: `/suivre-mon-signalement/{code}/messages`) gets
        // the French page too, not an empty 405.
        .method_not_allowed_fallback(errors::not_found)
        // Inside the cross-site check: a forged write is refused first.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            maintenance::guard,
        ))
        .layer(axum::middleware::from_fn(
            security::refuse_cross_origin_writes,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(
            // The path without secrets nor query: never a link's token.
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |request: &axum::http::Request<axum::body::Body>| {
                    tracing::debug_span!(
                        "request",
                        method = %request.method(),
                        path = %security::loggable_path(request.uri()),
                    )
                },
            ),
        )
        // Pages and assets travel compressed (gzip or Brotli, as the browser
        // accepts): about a fifth of their size on a slow link. Images and
        // tiny bodies are left as they are (the layer's default predicate).
        .layer(tower_http::compression::CompressionLayer::new())
        // Outermost: no layer nor handler ever sees a forged client address.
        .layer(axum::middleware::from_fn(security::tag_client))
        .with_state(state)
}
