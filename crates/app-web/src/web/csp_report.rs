//! `POST /csp-rapport`: where browsers report what the
//! Content-Security-Policy blocked (`report-uri` and `report-to`). A
//! violation on our own pages is a defect (an inline style a library
//! injects, a script from elsewhere): it is logged, so that it is seen
//! and fixed, never silently ignored. Reports name pages whose paths hold
//! secrets (tracking codes, drafts): only the first segment is logged.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;

use super::WebState;

/// The path the policy names (and the route, spelled out in `routes`).
pub const PATH: &str = "/csp-rapport";
/// Reports logged per client and minute; more are dropped unread.
const PER_MINUTE: u64 = 30;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/csp-rapport", post(report))
        .layer(DefaultBodyLimit::max(16 * 1024))
}

/// One violation, as it is logged.
#[derive(Debug, PartialEq, Eq)]
pub struct Violation {
    pub directive: String,
    pub blocked: String,
    pub page: String,
}

/// The violations of a report, in either format browsers send: the old
/// `{"csp-report": {…}}` (report-uri) or the Reporting API's list of
/// `{"type": "csp-violation", "body": {…}}` (report-to).
pub fn violations(body: &[u8]) -> Vec<Violation> {
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let bodies: Vec<&Value> = match &json {
        Value::Array(reports) => reports
            .iter()
            .filter(|r| r["type"] == "csp-violation")
            .map(|r| &r["body"])
            .collect(),
        Value::Object(_) => vec![&json["csp-report"]],
        _ => Vec::new(),
    };
    bodies
        .into_iter()
        .filter(|b| b.is_object())
        .map(|b| {
            let field = |names: &[&str]| {
                names
                    .iter()
                    .find_map(|n| b[*n].as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            Violation {
                directive: field(&[
                    "effectiveDirective",
                    "effective-directive",
                    "violated-directive",
                ]),
                blocked: origin_only(&field(&["blockedURL", "blocked-uri"])),
                page: first_segment(&field(&["documentURL", "document-uri"])),
            }
        })
        .collect()
}

/// `https://cdn.example/x.js?a=1` → `https://cdn.example`; `inline`,
/// `eval` as they are.
fn origin_only(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            format!("{scheme}://{host}")
        }
        None => url.chars().take(40).collect(),
    }
}

/// `https://site/suivre-mon-signalement/<code>?x` → `/suivre-mon-signalement/…`.
fn first_segment(url: &str) -> String {
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let mut segments = path.trim_start_matches('/').splitn(2, '/');
    let first = segments.next().unwrap_or_default();
    match segments.next() {
        Some(rest) if !rest.is_empty() => format!("/{first}/…"),
        _ => format!("/{first}"),
    }
}

async fn report(State(state): State<WebState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let client = super::bo::session::client(&headers);
    let within = state
        .app
        .within_minute_limit("csp-report", &client, PER_MINUTE)
        .await;
    if within {
        for v in violations(&body) {
            tracing::warn!(directive = %v.directive, blocked = %v.blocked, page = %v.page, "content security policy violation");
        }
    }
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_report_formats_read_without_the_secrets_of_paths() {
        let old = br#"{"csp-report":{"document-uri":"https://signal-logement.fr/suivre-mon-signalement/8d1f-secret?x=1","violated-directive":"style-src-elem","effective-directive":"style-src-elem","blocked-uri":"inline"}}"#;
        assert_eq!(
            violations(old),
            vec![Violation {
                directive: "style-src-elem".into(),
                blocked: "inline".into(),
                page: "/suivre-mon-signalement/…".into(),
            }]
        );
        let new = br#"[{"type":"csp-violation","url":"https://signal-logement.fr/","body":{"documentURL":"https://signal-logement.fr/","effectiveDirective":"script-src-elem","blockedURL":"https://cdn.example.com/x.js?v=2"}},{"type":"deprecation","body":{}}]"#;
        assert_eq!(
            violations(new),
            vec![Violation {
                directive: "script-src-elem".into(),
                blocked: "https://cdn.example.com".into(),
                page: "/".into(),
            }]
        );
        assert!(violations(b"not json").is_empty());
    }
}
