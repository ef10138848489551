//! Headers every answer carries, and the refusal of cross-site writes.
//!
//! Cross-site request forgery: every POST must come from a page of this
//! site. Browsers say where a request comes from (`Sec-Fetch-Site`, and
//! `Origin` on every POST); a write whose origin is another site is refused
//! before any handler runs, whatever the form. Session cookies are also
//! `SameSite=Lax`, so a forged request would not carry them anyway
//! (docs/decisions/0017-web-stack.md).

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The policy with `$img` added to the image sources.
macro_rules! csp {
    ($img:literal) => {
        concat!(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:",
            $img,
            "; font-src 'self'; connect-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'; \
             report-uri /csp-rapport; report-to csp"
        )
    };
}

/// What the pages may load: only this site (the address autocomplete asks
/// the national address base through it).
const CSP: &str = csp!("");

/// The map's page (`/bo/cartographie`) also shows OpenStreetMap's tiles;
/// no other page may load images from there. A handler that sets its own
/// policy keeps it (`headers` only fills in the default).
pub const MAP_CSP: &str = csp!(" https://tile.openstreetmap.org");

/// Header the site itself sets with the client's address, for the login
/// and link throttles; whatever a browser sends under this name is dropped.
pub const CLIENT_ADDR_HEADER: &str = "x-histologe-client-addr";

/// Puts the TCP peer's address in [`CLIENT_ADDR_HEADER`] (when the server
/// knows it) after removing any forged copy. Without it every visitor would
/// share one throttle bucket, and five wrong passwords from anyone would
/// lock the login for everybody.
pub async fn tag_client(mut request: Request, next: Next) -> Response {
    request.headers_mut().remove(CLIENT_ADDR_HEADER);
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip().to_string());
    if let Some(value) = peer.and_then(|ip| HeaderValue::from_str(&ip).ok()) {
        request.headers_mut().insert(CLIENT_ADDR_HEADER, value);
    }
    next.run(request).await
}

pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    // Where `report-to csp` sends what the policy blocked (csp_report.rs).
    h.insert(
        "reporting-endpoints",
        HeaderValue::from_static("csp=\"/csp-rapport\""),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Tracking and draft links hold secrets in their path: never send them on.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    response
}

pub async fn refuse_cross_origin_writes(request: Request, next: Next) -> Response {
    // A violation report writes nothing but a log line, and browsers send
    // it without saying which site it comes from.
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) || is_same_origin(&request)
        || request.uri().path() == super::csp_report::PATH
    {
        return next.run(request).await;
    }
    tracing::warn!(path = %loggable_path(request.uri()), "cross-site write refused");
    (
        StatusCode::FORBIDDEN,
        "Requête refusée : elle ne vient pas d'une page de ce site.",
    )
        .into_response()
}

fn is_same_origin(request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    // Older browsers: compare Origin with Host. No Origin at all is a
    // non-browser client (curl, tests), which carries no victim's cookies.
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((origin_host, host), (Some(o), Some(h)) if o == h)
}

/// Paths whose next segment is a secret (a password link).
const SECRET_PATHS: &[&str] = &["/nouveau-mot-de-passe/"];

/// The request's path as logs may show it: the secret segment of a
/// password link replaced by `***`, the query left out.
pub fn loggable_path(uri: &axum::http::Uri) -> String {
    let path = uri.path();
    for prefix in SECRET_PATHS {
        if let Some(rest) = path.strip_prefix(prefix) {
            let tail = rest.find('/').map_or("", |i| &rest[i..]);
            return format!("{prefix}***{tail}");
        }
    }
    path.to_string()
}

#[cfg(test)]
mod loggable_path_tests {
    use super::loggable_path;

    #[test]
    fn a_password_link_is_logged_without_its_token() {
        let uri = "/nouveau-mot-de-passe/0123abcd?x=1".parse().expect("uri");
        assert_eq!(loggable_path(&uri), "/nouveau-mot-de-passe/***");
        let uri = "/bo/signalements?page=2".parse().expect("uri");
        assert_eq!(loggable_path(&uri), "/bo/signalements");
    }
}
