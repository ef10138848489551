//! `/bo/statistiques` (features.md §2.10): counts and median delays over
//! the cases of the user's list scope, as accessible tables, a bar chart of
//! the months, and the same figures as CSV. The figures come from one use
//! case (`App::statistics`); this module reads the filters and lays out.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use histologe_application::{AppError, Statistics, StatsChoices, StatsQuery};
use histologe_core::Actor;
use histologe_core::DomainError;
use histologe_core::territory_code::TerritoryCode;
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::list_params::urlencode;
use super::role_label;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/statistiques", get(page))
        .route("/bo/statistiques/export.csv", get(export))
}

/// The query string as typed (kept in the form when it is rejected).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Params {
    #[serde(default)]
    territoire: String,
    #[serde(default)]
    partenaire: String,
    #[serde(default)]
    du: String,
    #[serde(default)]
    au: String,
}

struct FieldError {
    field: &'static str,
    message: String,
}

fn read_date(value: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError {
                field,
                message: "Saisissez une date au format JJ/MM/AAAA.".into(),
            });
            None
        }
    }
}

impl Params {
    fn to_query(&self) -> (StatsQuery, Vec<FieldError>) {
        let mut errors = Vec::new();
        let territory = match self.territoire.trim() {
            "" => None,
            t => match TerritoryCode::parse(t) {
                Ok(code) => Some(code),
                Err(_) => {
                    errors.push(FieldError {
                        field: "territoire",
                        message: "Choisissez un territoire de la liste.".into(),
                    });
                    None
                }
            },
        };
        let partner = match self.partenaire.trim() {
            "" => None,
            p => match p.parse() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.push(FieldError {
                        field: "partenaire",
                        message: "Choisissez un partenaire de la liste.".into(),
                    });
                    None
                }
            },
        };
        let from = read_date(&self.du, "du", &mut errors);
        let to = read_date(&self.au, "au", &mut errors);
        (
            StatsQuery {
                territory,
                partner,
                from,
                to,
            },
            errors,
        )
    }

    fn query_string(&self) -> String {
        [
            ("territoire", &self.territoire),
            ("partenaire", &self.partenaire),
            ("du", &self.du),
            ("au", &self.au),
        ]
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// The figures, or the form's errors.
async fn figures(
    state: &WebState,
    actor: &Actor,
    params: &Params,
) -> Result<(StatsChoices, Result<Statistics, Vec<FieldError>>), WebError> {
    let (query, mut errors) = params.to_query();
    let choices = state
        .app
        .statistics_choices(actor, query.territory.as_ref())
        .await?;
    if !errors.is_empty() {
        return Ok((choices, Err(errors)));
    }
    match state.app.statistics(actor, &query).await {
        Ok(stats) => Ok((choices, Ok(stats))),
        Err(AppError::Domain(DomainError::Invalid { field, message })) => {
            let field = match field.as_str() {
                "territoire" => "territoire",
                "partenaire" => "partenaire",
                "du" => "du",
                _ => "au",
            };
            errors.push(FieldError { field, message });
            Ok((choices, Err(errors)))
        }
        Err(e) => Err(e.into()),
    }
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

fn month_label((year, month): (i32, u32)) -> String {
    let name = MONTHS
        .get(usize::try_from(month).unwrap_or(1).saturating_sub(1))
        .copied()
        .unwrap_or("");
    format!("{name} {year}")
}

fn days_label(days: Option<f64>) -> String {
    match days {
        None => "Non disponible".into(),
        Some(d) => format!("{} jours", format!("{d:.1}").replace('.', ",")),
    }
}

/// One bar of the chart, in SVG units.
struct Bar {
    label: String,
    count: u64,
    x: u32,
    y: u32,
    height: u32,
}

const CHART_HEIGHT: u32 = 160;
const BAR_WIDTH: u32 = 28;
const BAR_GAP: u32 = 12;

fn bars(by_month: &[((i32, u32), u64)]) -> Vec<Bar> {
    let max = by_month.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    by_month
        .iter()
        .zip(0u32..)
        .map(|((month, count), i)| {
            let height =
                u32::try_from(count * u64::from(CHART_HEIGHT) / max).unwrap_or(CHART_HEIGHT);
            Bar {
                label: month_label(*month),
                count: *count,
                x: i * (BAR_WIDTH + BAR_GAP),
                y: CHART_HEIGHT - height,
                height,
            }
        })
        .collect()
}

struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "bo/statistiques.html")]
struct Page<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    p: &'a Params,
    errors: Vec<FieldError>,
    territories: Vec<Choice>,
    partners: Vec<Choice>,
    stats: Option<Statistics>,
    /// « le 8 décembre 2026 à 10:42 », in Paris.
    computed_at: Option<String>,
    bars: Vec<Bar>,
    chart_width: u32,
    chart_height: u32,
    bar_width: u32,
    chart_summary: String,
    delays: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, u64)>,
    qualifications: Vec<(&'static str, u64)>,
    csv_link: String,
}

impl Page<'_> {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

fn delays(stats: &Statistics) -> Vec<(&'static str, String)> {
    vec![
        (
            "Du dépôt à la validation",
            days_label(stats.median_days_to_validation),
        ),
        (
            "Du dépôt à la première affectation acceptée",
            days_label(stats.median_days_to_acceptance),
        ),
        (
            "Du dépôt à la clôture",
            days_label(stats.median_days_to_closure),
        ),
    ]
}

async fn page(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    let (choices, result) = figures(&state, &actor, &params).await?;
    let (stats, errors) = match result {
        Ok(stats) => (Some(stats), Vec::new()),
        Err(errors) => (None, errors),
    };
    let bars = stats
        .as_ref()
        .map(|s| bars(&s.by_month))
        .unwrap_or_default();
    let chart_summary = stats
        .as_ref()
        .map(|s| {
            s.by_month
                .iter()
                .map(|(m, n)| format!("{} : {n}", month_label(*m)))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let template = Page {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "statistiques",
        p: &params,
        territories: choices
            .territories
            .iter()
            .map(|t| Choice {
                value: t.code.as_str().to_string(),
                label: format!("{} - {}", t.code.as_str(), t.name),
            })
            .collect(),
        partners: choices
            .partners
            .iter()
            .map(|p| Choice {
                value: p.id.to_string(),
                label: p.nom.clone(),
            })
            .collect(),
        chart_width: u32::try_from(bars.len())
            .unwrap_or(0)
            .saturating_mul(BAR_WIDTH + BAR_GAP)
            .max(BAR_WIDTH),
        chart_height: CHART_HEIGHT,
        bar_width: BAR_WIDTH,
        bars,
        chart_summary,
        delays: stats.as_ref().map(delays).unwrap_or_default(),
        computed_at: stats
            .as_ref()
            .and_then(|s| s.computed_at)
            .map(histologe_core::time::date_time_fr),
        statuses: stats
            .as_ref()
            .map(|s| s.by_status.iter().map(|(k, n)| (k.label(), *n)).collect())
            .unwrap_or_default(),
        qualifications: stats
            .as_ref()
            .map(|s| {
                s.by_qualification
                    .iter()
                    .map(|(k, n)| (k.label(), *n))
                    .collect()
            })
            .unwrap_or_default(),
        stats,
        errors,
        csv_link: format!("/bo/statistiques/export.csv?{}", params.query_string()),
    };
    let mut response = render(&template);
    if !template.errors.is_empty() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// The figures as CSV lines: section, label, value.
pub fn csv_lines(stats: &Statistics) -> Vec<[String; 3]> {
    let mut lines = vec![[
        "Total".to_string(),
        "Signalements".to_string(),
        stats.total.to_string(),
    ]];
    for (month, n) in &stats.by_month {
        lines.push([
            "Par mois de dépôt".into(),
            format!("{:04}-{:02}", month.0, month.1),
            n.to_string(),
        ]);
    }
    for (status, n) in &stats.by_status {
        lines.push(["Par statut".into(), status.label().into(), n.to_string()]);
    }
    for (category, n) in &stats.by_category {
        lines.push([
            "Par catégorie de désordre".into(),
            category.clone(),
            n.to_string(),
        ]);
    }
    for (q, n) in &stats.by_qualification {
        lines.push([
            "Par qualification suspectée".into(),
            q.label().into(),
            n.to_string(),
        ]);
    }
    for (label, value) in delays(stats) {
        lines.push(["Délai médian".into(), label.into(), value]);
    }
    lines
}

async fn export(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    let (_, result) = figures(&state, &actor, &params).await?;
    let Ok(stats) = result else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            "Certains filtres ne sont pas valides : corrigez-les sur la page des statistiques avant de télécharger.",
        )
            .into_response());
    };
    // The byte-order mark makes Excel (French locale) read UTF-8.
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        let written = std::iter::once(["Rubrique".to_string(), "Libellé".into(), "Valeur".into()])
            .chain(csv_lines(&stats))
            .try_for_each(|line| writer.write_record(&line))
            .and_then(|()| writer.flush().map_err(csv::Error::from));
        if let Err(e) = written {
            return Err(WebError(AppError::Repo(
                histologe_ports::RepoError::Unavailable(format!("statistics CSV: {e}")),
            )));
        }
    }
    let name = format!(
        "statistiques-{}.csv",
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
        out,
    )
        .into_response())
}
