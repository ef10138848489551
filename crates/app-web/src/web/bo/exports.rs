//! The CSV export of the back-office list (features.md §2.5): streamed
//! page by page while it is small; beyond `EXPORT_INLINE_MAX` rows, or
//! when the agent asks for it, built by a queued job and sent as a link
//! that only he can open, for seven days.

use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use histologe_application::{
    AppError, EXPORT_INLINE_MAX, EXPORT_KEPT_DAYS, EXPORT_PAGE_SIZE, csv_bytes, csv_record,
};
use histologe_core::Actor;
use histologe_core::model::Signalement;
use histologe_ports::Page;
use serde::Deserialize;

use super::list_params::ListParams;
use super::pages::read_filter;
use super::role_label;
use super::session::Staff;
use crate::web::WebState;
use crate::web::errors::{WebError, render};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/signalements/export.csv", get(export))
        .route("/bo/signalements/export", post(queue))
        .route("/bo/exports/{export}", get(download))
}

/// Where the agent's export stands.
enum Stage {
    /// Too many rows to download at once: offered by e-mail.
    TooLarge(u64),
    /// Queued: the link comes by e-mail.
    Queued,
}

#[derive(Template)]
#[template(path = "bo/export.html")]
struct ExportPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    /// Rows of a too large export; `None` once queued.
    too_large: Option<u64>,
    /// The list's query, to queue the same export and to go back to it.
    query: String,
    kept_days: i64,
}

impl<'a> ExportPage<'a> {
    fn new(state: &'a WebState, actor: &Actor, stage: Stage, query: String) -> Self {
        ExportPage {
            platform: &state.settings.platform_name,
            role: role_label(actor),
            section: "signalements",
            too_large: match stage {
                Stage::TooLarge(rows) => Some(rows),
                Stage::Queued => None,
            },
            query,
            kept_days: EXPORT_KEPT_DAYS,
        }
    }
}

const INVALID_FILTERS: &str =
    "Certains filtres ne sont pas valides : corrigez-les sur la liste avant d'exporter.";

#[derive(Debug, Deserialize)]
struct QueueForm {
    /// The list's query string, as the list page wrote it.
    #[serde(default)]
    query: String,
}

/// "Recevoir l'export par e-mail": the same filters as the list, the file
/// built by the worker.
async fn queue(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Form(form): Form<QueueForm>,
) -> Result<Response, WebError> {
    let params: ListParams = serde_urlencoded::from_str(&form.query).unwrap_or_default();
    let (filter, errors, _) = read_filter(&state, &actor, &params).await?;
    if !errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, INVALID_FILTERS).into_response());
    }
    state.app.queue_list_export(&actor, &filter).await?;
    Ok(render(&ExportPage::new(
        &state,
        &actor,
        Stage::Queued,
        params.query_without(None),
    )))
}

/// The e-mailed link: the agent's own file only; anyone else's, or one
/// whose days are over, is an unknown page.
async fn download(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(export): Path<String>,
) -> Result<Response, WebError> {
    let id = export
        .parse::<uuid::Uuid>()
        .map_err(|_| WebError(AppError::NotFound("Export")))?;
    let file = state.app.export_file(&actor, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type),
            (header::CONTENT_DISPOSITION, file.disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        file.bytes,
    )
        .into_response())
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
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, INVALID_FILTERS).into_response());
    }
    // The first page answers the policy's refusal as a page, before any
    // byte of the file is sent.
    let first = state.app.export_page(&actor, &filter, 1).await?;
    if first.total > EXPORT_INLINE_MAX {
        return Ok(render(&ExportPage::new(
            &state,
            &actor,
            Stage::TooLarge(first.total),
            params.query_without(None),
        )));
    }
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
        state
            .app
            .list_now()
            .with_timezone(&histologe_core::time::ZONE)
            .format("%Y%m%d-%H%M")
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
