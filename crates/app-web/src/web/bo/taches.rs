//! `/bo/taches`: the job queue for super admins — counts by kind and
//! status, how late the queue runs, the dead jobs with their last error,
//! and "Relancer" / "Abandonner" on each dead job.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use histologe_application::{App, AppError, is_not_dead};
use histologe_core::DomainError;
use histologe_core::ids::JobId;
use histologe_core::policy::Refusal;
use histologe_core::time::date_time_fr;
use histologe_ports::JobStatus;
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::role_label;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/taches", get(show))
        .route("/bo/taches/{job}/relancer", post(retry))
        .route("/bo/taches/{job}/abandonner", post(abandon))
}

/// One kind of job and how many of it wait, run, died or were abandoned.
struct KindLine {
    kind: String,
    pending: u64,
    running: u64,
    dead: u64,
    abandoned: u64,
}

struct DeadLine {
    id: String,
    kind: String,
    attempts: u32,
    error: String,
    created: String,
    due: String,
}

#[derive(Template)]
#[template(path = "bo/taches.html")]
struct Page<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    kinds: Vec<KindLine>,
    /// "12 min" behind, or `None` when nothing is due.
    lag: Option<String>,
    dead: Vec<DeadLine>,
    flash: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
struct Flash {
    fait: Option<String>,
}

const DONE: &[(&str, &str)] = &[
    (
        "relancee",
        "La tâche est remise en file : un worker la reprend.",
    ),
    (
        "abandonnee",
        "La tâche est abandonnée : elle ne sera plus exécutée.",
    ),
    (
        "deja",
        "Cette tâche n'est plus en échec (un autre administrateur l'a traitée).",
    ),
];

fn refuse_unless_allowed(actor: &histologe_core::Actor) -> Result<(), WebError> {
    if App::may_manage_job_queue(actor) {
        Ok(())
    } else {
        Err(WebError(AppError::Domain(DomainError::Refused(
            Refusal::InsufficientRole,
        ))))
    }
}

/// A duration as a person reads it: "45 s", "12 min", "3 h 05", "2 j".
fn human(d: chrono::TimeDelta) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3_600 => format!("{} min", s / 60),
        3_600..86_400 => format!("{} h {:02}", s / 3_600, (s % 3_600) / 60),
        _ => format!("{} j", s / 86_400),
    }
}

async fn show(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(q): Query<Flash>,
) -> Result<Response, WebError> {
    refuse_unless_allowed(&actor)?;
    let view = state.app.job_queue(&actor).await?;
    let mut kinds: Vec<KindLine> = Vec::new();
    for c in &view.counts {
        // Counts come sorted by kind: a new kind starts a new line.
        if kinds.last().is_none_or(|k| k.kind != c.kind.as_str()) {
            kinds.push(KindLine {
                kind: c.kind.as_str().to_string(),
                pending: 0,
                running: 0,
                dead: 0,
                abandoned: 0,
            });
        }
        let Some(line) = kinds.last_mut() else {
            continue;
        };
        match c.status {
            JobStatus::Pending => line.pending += c.count,
            JobStatus::Running => line.running += c.count,
            JobStatus::Dead => line.dead += c.count,
            JobStatus::Abandoned => line.abandoned += c.count,
            JobStatus::Done => {}
        }
    }
    let dead = view
        .dead
        .iter()
        .map(|j| DeadLine {
            id: j.id.to_string(),
            kind: j.kind.as_str().to_string(),
            attempts: j.attempts,
            error: j.last_error.clone().unwrap_or_default(),
            created: date_time_fr(j.created_at),
            due: date_time_fr(j.run_at),
        })
        .collect();
    let flash = q
        .fait
        .as_deref()
        .and_then(|f| DONE.iter().find(|(k, _)| *k == f).map(|(_, t)| *t));
    Ok(render(&Page {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "taches",
        kinds,
        lag: view.oldest_due.map(|at| human(view.now - at)),
        dead,
        flash,
    }))
}

fn parse(id: &str) -> Result<JobId, WebError> {
    id.parse::<uuid::Uuid>()
        .map(JobId)
        .map_err(|_| WebError(AppError::Domain(DomainError::NotFound("tâche".into()))))
}

async fn retry(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    refuse_unless_allowed(&actor)?;
    answer(
        state.app.retry_dead_job(&actor, parse(&id)?).await,
        "relancee",
    )
}

async fn abandon(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    refuse_unless_allowed(&actor)?;
    answer(
        state.app.abandon_dead_job(&actor, parse(&id)?).await,
        "abandonnee",
    )
}

fn answer(result: Result<(), AppError>, done: &str) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/bo/taches?fait={done}")).into_response()),
        Err(e) if is_not_dead(&e) => Ok(Redirect::to("/bo/taches?fait=deja").into_response()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::human;
    use chrono::TimeDelta;

    #[test]
    fn lags_read_like_a_person_says_them() {
        assert_eq!(human(TimeDelta::seconds(45)), "45 s");
        assert_eq!(human(TimeDelta::minutes(12)), "12 min");
        assert_eq!(human(TimeDelta::minutes(185)), "3 h 05");
        assert_eq!(human(TimeDelta::days(2)), "2 j");
        assert_eq!(human(TimeDelta::seconds(-3)), "0 s");
    }
}
