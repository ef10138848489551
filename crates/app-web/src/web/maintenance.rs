//! The maintenance mode at the edge: while a super admin has it on
//! (`App::maintenance`), every public page answers 503 with a French page,
//! and the back-office only lets super admins in. The probes, the static
//! files and the login pages stay open, so that the orchestrator keeps the
//! process and a super admin can still sign in to turn the mode off.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::PrivateCookieJar;
use axum_extra::extract::cookie::Key;
use histologe_application::{App, Maintenance};

use super::WebState;
use super::bo::session::COOKIE;

/// What browsers and crawlers are told to wait before trying again, in
/// seconds.
pub const RETRY_AFTER_SECONDS: &str = "600";

/// Paths that answer whatever the mode: probes, assets, login and password
/// links (a super admin must be able to sign in and switch it off).
const OPEN_PREFIXES: &[&str] = &[
    "/healthz",
    "/readyz",
    "/static/",
    "/connexion",
    "/deconnexion",
    "/deconnexion-partout",
    "/mot-de-passe-perdu",
    "/activation",
    "/nouveau-mot-de-passe/",
];

fn stays_open(path: &str) -> bool {
    OPEN_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| prefix.ends_with('/') || rest.is_empty() || rest.starts_with('/'))
    })
}

fn is_back_office(path: &str) -> bool {
    path == "/bo" || path.starts_with("/bo/")
}

pub async fn guard(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if stays_open(path) {
        return next.run(request).await;
    }
    let maintenance = match state.app.maintenance().await {
        Ok(Some(maintenance)) => maintenance,
        Ok(None) => return next.run(request).await,
        Err(e) => {
            // The database is what failed: the page itself will say so;
            // refusing every page for that would hide the real error.
            tracing::warn!(error = %e, "maintenance mode unreadable");
            return next.run(request).await;
        }
    };
    if is_back_office(path) {
        let jar =
            PrivateCookieJar::<Key>::from_headers(request.headers(), state.cookie_key.clone());
        let actor = match jar.get(COOKIE) {
            Some(token) => state.app.staff_session(token.value()).await.ok().flatten(),
            None => None,
        };
        match actor {
            Some(actor) if App::may_manage_maintenance(&actor) => {
                return next.run(request).await;
            }
            // No session: the page sends to the login form, which stays open.
            None => return next.run(request).await,
            Some(_) => {}
        }
    }
    page(&state.settings.platform_name, &maintenance)
}

#[derive(Template)]
#[template(path = "maintenance.html")]
struct MaintenancePage<'a> {
    platform: &'a str,
    message: Option<&'a str>,
}

/// The 503 page of the maintenance mode.
pub fn page(platform: &str, maintenance: &Maintenance) -> Response {
    let html = MaintenancePage {
        platform,
        message: maintenance.message.as_deref(),
    }
    .render()
    .unwrap_or_else(|e| {
        tracing::error!(error = %e, "template rendering failed");
        "Le site est en maintenance. Réessayez dans quelques minutes.".to_string()
    });
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(RETRY_AFTER_SECONDS),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::stays_open;

    #[test]
    fn probes_assets_and_login_stay_open_nothing_else() {
        for open in [
            "/healthz",
            "/readyz",
            "/static/dsfr/dsfr.min.css",
            "/connexion",
            "/connexion/code",
            "/deconnexion-partout",
            "/nouveau-mot-de-passe/abc",
            "/activation",
        ] {
            assert!(stays_open(open), "{open}");
        }
        for closed in [
            "/",
            "/signalement",
            "/suivre-mon-signalement/abc",
            "/cgu",
            "/bo",
            "/bo/signalements",
            "/connexionx",
            "/static",
        ] {
            assert!(!stays_open(closed), "{closed}");
        }
    }
}
