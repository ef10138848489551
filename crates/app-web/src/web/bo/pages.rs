//! The dashboard and the list of signalements, both scoped by the policy
//! (`list_scope`): an agent counts and lists only his partner's cases.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use histologe_application::PAGE_SIZE;
use histologe_core::enums::SignalementStatus;
use histologe_ports::SignalementFilter;
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::role_label;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo", get(dashboard))
        .route("/bo/signalements", get(list))
}

#[derive(Template)]
#[template(path = "bo/dashboard.html")]
struct Dashboard<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    cards: Vec<(&'static str, u64, &'static str)>,
}

async fn dashboard(
    State(state): State<WebState>,
    Staff(actor): Staff,
) -> Result<Response, WebError> {
    let counts = state.app.dashboard_counts(&actor).await?;
    Ok(render(&Dashboard {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "tableau",
        cards: vec![
            (
                "Nouveaux signalements",
                counts.nouveaux,
                "/bo/signalements?statut=NEED_VALIDATION",
            ),
            (
                "Signalements en cours",
                counts.en_cours,
                "/bo/signalements?statut=ACTIVE",
            ),
            (
                "Signalements fermés",
                counts.fermes,
                "/bo/signalements?statut=CLOSED",
            ),
        ],
    }))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    statut: String,
    page: Option<u32>,
}

struct Row {
    id: String,
    reference: String,
    date: String,
    adresse: String,
    occupant: String,
    status: &'static str,
    score: String,
}

#[derive(Template)]
#[template(path = "bo/liste.html")]
struct List<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    q: &'a str,
    statut: &'a str,
    statuses: Vec<(&'static str, &'static str)>,
    rows: Vec<Row>,
    total: u64,
    page: u32,
    pages: u32,
    page_link: String,
}

/// Statuses an agent filters on (drafts and archives are never listed).
const LISTED: &[SignalementStatus] = &[
    SignalementStatus::NeedValidation,
    SignalementStatus::Active,
    SignalementStatus::Closed,
    SignalementStatus::Refused,
    SignalementStatus::InjonctionBailleur,
];

async fn list(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let status = SignalementStatus::parse(&query.statut).filter(|s| LISTED.contains(s));
    let filter = SignalementFilter {
        status,
        text: Some(query.q.trim().to_string()).filter(|q| !q.is_empty()),
        ..SignalementFilter::default()
    };
    let page = query.page.unwrap_or(1).max(1);
    let found = state.app.list_signalements(&actor, &filter, page).await?;
    let pages = u32::try_from(found.total.div_ceil(u64::from(PAGE_SIZE))).unwrap_or(u32::MAX);
    let rows = found
        .items
        .iter()
        .map(|s| Row {
            id: s.id.to_string(),
            reference: s.reference.clone(),
            date: s.created_at.format("%d/%m/%Y").to_string(),
            adresse: format!(
                "{}, {} {}",
                s.adresse.adresse, s.adresse.code_postal, s.adresse.ville
            ),
            occupant: [s.occupant.prenom.as_deref(), s.occupant.nom.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
            status: s.status.label(),
            score: format!("{:.0}", s.score),
        })
        .collect();
    let page_link = format!(
        "/bo/signalements?q={}&statut={}&page=",
        urlencode(&query.q),
        status.map_or("", |s| s.as_str())
    );
    Ok(render(&List {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "signalements",
        q: &query.q,
        statut: status.map_or("", |s| s.as_str()),
        statuses: LISTED.iter().map(|s| (s.as_str(), s.label())).collect(),
        rows,
        total: found.total,
        page,
        pages,
        page_link,
    }))
}

/// Percent-encodes a query value (letters, digits and `-_.~` kept).
fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
