//! `POST /webhook/brevo`: Brevo's transactional webhook (integrations.md
//! §9), which reports what became of each e-mail. Not a page: a machine
//! answers, so the answers are short JSON.
//!
//! Brevo's own check is an allow-list of its addresses, which a forwarded
//! header can forge behind a proxy; here the request must carry the shared
//! secret (`Authorization: Bearer <BREVO_WEBHOOK_SECRET>`, compared in
//! constant time), and may also have to come from an allowed range (the
//! TCP peer's address, `BREVO_WEBHOOK_ALLOWED_IPS`). Without a secret
//! configured the route does not exist.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use histologe_application::{DeliveryReport, ReportOutcome};
use histologe_core::Actor;
use serde::Deserialize;
use serde_json::json;
use subtle::ConstantTimeEq;

use super::WebState;
use super::security::CLIENT_ADDR_HEADER;

pub fn routes() -> Router<WebState> {
    Router::new().route("/webhook/brevo", post(brevo))
}

/// The fields of Brevo's event that matter here (it sends more).
#[derive(Debug, Deserialize)]
struct BrevoEvent {
    event: Option<String>,
    email: Option<String>,
    reason: Option<String>,
    template_id: Option<i64>,
    uuid: Option<String>,
    #[serde(rename = "message-id")]
    message_id: Option<String>,
    /// Milliseconds since the epoch.
    ts_epoch: Option<i64>,
    /// Seconds since the epoch.
    ts_event: Option<i64>,
    /// `2025-09-16 17:47:53`, Paris time.
    date: Option<String>,
}

impl BrevoEvent {
    fn occurred_at(&self) -> Option<DateTime<Utc>> {
        self.ts_epoch
            .and_then(DateTime::from_timestamp_millis)
            .or_else(|| self.ts_event.and_then(|s| DateTime::from_timestamp(s, 0)))
            .or_else(|| {
                let naive =
                    NaiveDateTime::parse_from_str(self.date.as_deref()?, "%Y-%m-%d %H:%M:%S")
                        .ok()?;
                chrono_tz::Europe::Paris
                    .from_local_datetime(&naive)
                    .earliest()
                    .map(|d| d.with_timezone(&Utc))
            })
    }
}

fn answer(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

fn refused(status: StatusCode, error: &str) -> Response {
    answer(status, json!({ "error": error }))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

async fn brevo(State(state): State<WebState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(auth) = &state.settings.brevo_webhook else {
        return refused(StatusCode::NOT_FOUND, "not_found");
    };
    if !auth.allowed.is_empty() {
        let peer = headers
            .get(CLIENT_ADDR_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<std::net::IpAddr>().ok());
        if !peer.is_some_and(|ip| auth.allowed.iter().any(|r| r.contains(ip))) {
            tracing::warn!(peer = ?peer, "brevo webhook: peer not allowed");
            return refused(StatusCode::FORBIDDEN, "forbidden");
        }
    }
    let expected = auth.secret.expose().as_bytes();
    let given = bearer(&headers).unwrap_or_default().as_bytes();
    if !bool::from(given.ct_eq(expected)) {
        tracing::warn!("brevo webhook: missing or wrong secret");
        return refused(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let Ok(event) = serde_json::from_slice::<BrevoEvent>(&body) else {
        return refused(StatusCode::BAD_REQUEST, "invalid_json");
    };
    let occurred_at = event.occurred_at();
    let (Some(name), Some(email)) = (event.event, event.email) else {
        return refused(StatusCode::BAD_REQUEST, "event_and_email_required");
    };
    let report = DeliveryReport {
        uuid: event.uuid,
        message_id: event.message_id,
        event: name,
        email,
        reason: event.reason,
        template_id: event.template_id,
        occurred_at,
    };
    match state
        .app
        .record_delivery_report(&Actor::System, report)
        .await
    {
        Ok(outcome) => {
            let status = match outcome {
                ReportOutcome::Applied => "applied",
                ReportOutcome::Duplicate => "duplicate",
                ReportOutcome::Ignored => "ignored",
                ReportOutcome::TemplateDisabled => "template_disabled",
            };
            answer(StatusCode::OK, json!({ "status": status }))
        }
        // Brevo sends the event again later when the answer is not 2xx.
        Err(e) => {
            tracing::error!(error = %e, "brevo webhook: the report could not be recorded");
            refused(StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
    }
}
