//! The dashboard, the list of signalements and its CSV export, all scoped
//! by the policy (`list_scope`): an agent counts, lists and exports only
//! his partner's cases.

use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::extract::{Form, Path};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use histologe_application::{
    AppError, EXPORT_PAGE_SIZE, FilterChoices, PAGE_SIZE, has_active_filter,
};
use histologe_core::enums::AffectationStatus;
use histologe_core::model::{Allocataire, Signalement};
use histologe_core::territory_code::TerritoryCode;
use histologe_core::{Actor, DomainError};
use histologe_ports::{Page, SignalementFilter};
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::list_params::{FieldError, FilterForm, ListParams};
use super::role_label;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo", get(dashboard))
        .route("/bo/signalements", get(list))
        .route("/bo/signalements/export.csv", get(export))
        .route("/bo/recherches", post(save_search))
        .route("/bo/recherches/{id}/supprimer", post(delete_search))
}

#[derive(Template)]
#[template(path = "bo/dashboard.html")]
struct Dashboard<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    cards: Vec<(&'static str, u64, String)>,
}

async fn dashboard(
    State(state): State<WebState>,
    Staff(actor): Staff,
) -> Result<Response, WebError> {
    let cards = state
        .app
        .dashboard(&actor)
        .await?
        .into_iter()
        .map(|c| {
            let query = ListParams::from_filter(&c.filter).query_without(None);
            (c.label, c.count, format!("/bo/signalements?{query}"))
        })
        .collect();
    Ok(render(&Dashboard {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "tableau",
        cards,
    }))
}

struct Row {
    id: String,
    reference: String,
    date: String,
    adresse: String,
    occupant: String,
    status: &'static str,
    score: String,
    partners: Vec<(String, &'static str)>,
}

#[derive(Template)]
#[template(path = "bo/liste.html")]
struct List<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    form: FilterForm,
    tags: Vec<(String, Vec<(&'static str, String)>)>,
    rows: Vec<Row>,
    total: u64,
    page: u32,
    pages: u32,
    page_link: String,
    export_link: String,
    can_export: bool,
    export_hint: &'static str,
    /// The actor's saved searches: id, name, link.
    saved: Vec<(String, String, String)>,
    save_name: String,
    save_error: Option<String>,
    /// The query string the "save" form keeps.
    current_query: String,
}

fn affectation_label(status: AffectationStatus) -> &'static str {
    match status {
        AffectationStatus::Wait => "En attente",
        AffectationStatus::Accepted => "Acceptée",
        AffectationStatus::Refused => "Refusée",
        AffectationStatus::Closed => "Clôturée",
    }
}

fn occupant(s: &Signalement) -> String {
    [s.occupant.prenom.as_deref(), s.occupant.nom.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads the query against what the form offers `actor`.
pub(super) async fn read_filter(
    state: &WebState,
    actor: &Actor,
    params: &ListParams,
) -> Result<(SignalementFilter, Vec<FieldError>, FilterChoices), WebError> {
    let chosen = TerritoryCode::parse(&params.territoire).ok();
    let choices = state
        .app
        .list_filter_choices(actor, chosen.as_ref())
        .await?;
    let (filter, errors) = params.to_filter(&choices, state.app.list_now());
    Ok((filter, errors, choices))
}

async fn list(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(params): Query<ListParams>,
) -> Result<Response, WebError> {
    render_list(&state, &actor, &params, SaveForm::default()).await
}

/// The "save this search" form as typed, and why it was refused.
#[derive(Debug, Default)]
struct SaveForm {
    name: String,
    error: Option<String>,
}

async fn render_list(
    state: &WebState,
    actor: &Actor,
    params: &ListParams,
    save: SaveForm,
) -> Result<Response, WebError> {
    let (state, actor, params) = (state.clone(), actor.clone(), params.clone());
    let (filter, errors, choices) = read_filter(&state, &actor, &params).await?;
    let page = params.page.unwrap_or(1).max(1);
    let found = state.app.list_page(&actor, &filter, page).await?;
    let pages = u32::try_from(found.total.div_ceil(u64::from(PAGE_SIZE))).unwrap_or(u32::MAX);
    let rows = found
        .items
        .iter()
        .map(|c| {
            let s = &c.signalement;
            Row {
                id: s.id.to_string(),
                reference: s.displayed_reference(),
                date: histologe_core::time::date_fr(s.created_at),
                adresse: format!(
                    "{}, {} {}",
                    s.adresse.adresse, s.adresse.code_postal, s.adresse.ville
                ),
                occupant: occupant(s),
                status: s.status.label(),
                score: format!("{:.0}", s.score),
                partners: c
                    .affectations
                    .iter()
                    .map(|(name, status)| (name.clone(), affectation_label(*status)))
                    .collect(),
            }
        })
        .collect();
    let query = params.query_without(None);
    let saved = state
        .app
        .saved_searches(&actor)
        .await?
        .into_iter()
        .map(|s| {
            let link = format!("/bo/signalements?{}", s.query);
            (s.id.to_string(), s.name, link)
        })
        .collect();
    let export_allowed =
        histologe_core::policy::can_export_list(&actor, has_active_filter(&filter)).is_ok();
    let template = List {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "signalements",
        tags: params.tags(&choices),
        form: FilterForm::new("/bo/signalements", true, &params, &choices, errors),
        rows,
        total: found.total,
        page,
        pages,
        page_link: format!("/bo/signalements?{query}&page="),
        export_link: format!("/bo/signalements/export.csv?{query}"),
        can_export: export_allowed && found.total > 0,
        saved,
        save_name: save.name,
        save_error: save.error,
        current_query: query.clone(),
        export_hint: if export_allowed {
            ""
        } else {
            "Choisissez au moins un filtre pour exporter."
        },
    };
    let mut response = render(&template);
    if !template.form.errors.is_empty() || template.save_error.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// The preselected columns of features.md §2.5.
const CSV_HEADER: [&str; 17] = [
    "Référence",
    "Déposé le",
    "Statut",
    "Description",
    "Type déclarant",
    "Nom occupant",
    "Prénom occupant",
    "Téléphone occupant",
    "E-mail occupant",
    "Adresse",
    "Code postal",
    "Commune",
    "Situations",
    "Désordres",
    "Allocataire",
    "Logement social",
    "Criticité",
];

fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "Oui",
        Some(false) => "Non",
        None => "",
    }
}

/// The critères of the case's précisions, in words, each once.
fn desordres_labels(s: &Signalement) -> String {
    let grid = histologe_core::desordres::DesordreGrid::reference();
    let mut labels: Vec<&str> = Vec::new();
    for slug in &s.desordre_precisions {
        let label = grid
            .precision(slug)
            .map_or(slug.as_str(), |p| p.critere.label.as_str());
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    labels.join(" ; ")
}

fn allocataire_label(a: Allocataire) -> &'static str {
    match a {
        Allocataire::Caf => "CAF",
        Allocataire::Msa => "MSA",
        Allocataire::Oui => "Oui",
        Allocataire::Non => "Non",
        Allocataire::Nsp => "Ne sait pas",
    }
}

fn csv_record(s: &Signalement) -> Vec<String> {
    let situations = [
        s.logement.is_bail_en_cours.map(|b| {
            if b {
                "Bail en cours"
            } else {
                "Pas de bail en cours"
            }
        }),
        s.logement.is_logement_vacant.then_some("Logement vacant"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    vec![
        s.displayed_reference(),
        histologe_core::time::date_fr(s.created_at),
        s.status.label().to_string(),
        s.details.clone(),
        s.declarant
            .profile
            .map(|p| p.label().to_string())
            .unwrap_or_default(),
        s.occupant.nom.clone().unwrap_or_default(),
        s.occupant.prenom.clone().unwrap_or_default(),
        s.occupant.telephone.clone().unwrap_or_default(),
        s.occupant.email.clone().unwrap_or_default(),
        s.adresse.adresse.clone(),
        s.adresse.code_postal.clone(),
        s.adresse.ville.clone(),
        situations,
        desordres_labels(s),
        s.occupant
            .allocataire
            .map(allocataire_label)
            .unwrap_or_default()
            .to_string(),
        yes_no(s.logement.is_logement_social).to_string(),
        format!("{:.0}", s.score),
    ]
}

/// A cell a spreadsheet will not run as a formula: the public types names,
/// addresses and descriptions, and `=HYPERLINK(…)` in an occupant's name
/// must not execute on an agent's PC (OWASP "CSV injection"). The quote
/// prefix is what spreadsheets themselves use to mark text.
fn spreadsheet_safe(field: &str) -> std::borrow::Cow<'_, str> {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{field}"))
    } else {
        std::borrow::Cow::Borrowed(field)
    }
}

fn csv_bytes(records: &[Vec<String>], with_header: bool) -> Result<Vec<u8>, std::io::Error> {
    let mut out = Vec::new();
    if with_header {
        // The byte-order mark makes Excel (French locale) read UTF-8.
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        if with_header {
            writer
                .write_record(CSV_HEADER)
                .map_err(std::io::Error::other)?;
        }
        for record in records {
            writer
                .write_record(
                    record
                        .iter()
                        .map(|field| spreadsheet_safe(field).into_owned()),
                )
                .map_err(std::io::Error::other)?;
        }
        writer.flush()?;
    }
    Ok(out)
}

/// Where the export stream is.
enum Next {
    Have(Page<Signalement>, u32),
    Fetch(u32),
    Done,
}

/// The filtered list as CSV, streamed page by page (never the whole list
/// in memory). The policy decides first (`can_export_list`: a super admin
/// needs a filter); then every page goes through the same scoped use case.
async fn export(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(params): Query<ListParams>,
) -> Result<Response, WebError> {
    let (filter, errors, _) = read_filter(&state, &actor, &params).await?;
    if !errors.is_empty() {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            "Certains filtres ne sont pas valides : corrigez-les sur la liste avant d'exporter.",
        )
            .into_response());
    }
    // The first page answers the policy's refusal as a page, before any
    // byte of the file is sent.
    let first = state.app.export_page(&actor, &filter, 1).await?;
    let app = state.app.clone();
    let stream =
        futures_util::stream::unfold((Next::Have(first, 1), true), move |(next, first_chunk)| {
            let (app, actor, filter) = (app.clone(), actor.clone(), filter.clone());
            async move {
                let (found, page) = match next {
                    Next::Done => return None,
                    Next::Have(found, page) => (found, page),
                    Next::Fetch(page) => match app.export_page(&actor, &filter, page).await {
                        Ok(found) => (found, page),
                        Err(e) => {
                            let error = std::io::Error::other(e.to_string());
                            return Some((Err(error), (Next::Done, false)));
                        }
                    },
                };
                if found.items.is_empty() && !first_chunk {
                    return None;
                }
                let full =
                    found.items.len() == usize::try_from(EXPORT_PAGE_SIZE).unwrap_or(usize::MAX);
                let records: Vec<_> = found.items.iter().map(csv_record).collect();
                let chunk = csv_bytes(&records, first_chunk);
                let next = if full {
                    Next::Fetch(page + 1)
                } else {
                    Next::Done
                };
                Some((chunk, (next, false)))
            }
        });
    let name = format!(
        "signalements-{}.csv",
        state.app.list_now().format("%Y%m%d-%H%M")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
struct SaveSearchForm {
    #[serde(default)]
    nom: String,
    #[serde(default)]
    query: String,
}

/// Saves the filters of the list under a name, then shows that list; a
/// refused name shows the list again with the message and what was typed.
async fn save_search(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Form(form): Form<SaveSearchForm>,
) -> Result<Response, WebError> {
    match state.app.save_search(&actor, &form.nom, &form.query).await {
        Ok(saved) => Ok(Redirect::to(&format!("/bo/signalements?{}", saved.query)).into_response()),
        Err(AppError::Domain(DomainError::Invalid { message, .. })) => {
            let params: ListParams = serde_urlencoded_params(&form.query);
            render_list(
                &state,
                &actor,
                &params,
                SaveForm {
                    name: form.nom,
                    error: Some(message),
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The list's parameters from a query string (unknown keys ignored).
fn serde_urlencoded_params(query: &str) -> ListParams {
    Query::<ListParams>::try_from_uri(
        &format!("/bo/signalements?{query}")
            .parse()
            .unwrap_or_else(|_| axum::http::Uri::from_static("/bo/signalements")),
    )
    .map(|Query(p)| p)
    .unwrap_or_default()
}

/// Deletes one of the actor's saved searches; someone else's is not found.
async fn delete_search(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = id
        .parse::<uuid::Uuid>()
        .map_err(|_| WebError::from(AppError::NotFound("Recherche")))?;
    state.app.delete_saved_search(&actor, id).await?;
    Ok(Redirect::to("/bo/signalements").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_typed_by_the_public_are_exported_as_text() {
        let rows = vec![vec![
            "=HYPERLINK(\"http://x\")".to_string(),
            "+33 6 12 34 56 78".to_string(),
            "@SUM(A1)".to_string(),
            "Dupont".to_string(),
        ]];
        let csv = String::from_utf8(csv_bytes(&rows, false).unwrap()).unwrap();
        assert_eq!(
            csv.trim_end(),
            "\"'=HYPERLINK(\"\"http://x\"\")\";'+33 6 12 34 56 78;'@SUM(A1);Dupont"
        );
    }
}
