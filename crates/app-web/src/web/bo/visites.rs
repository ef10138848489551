//! The visits of a signalement (§2.6 "Visits", domain §3.4): the list with
//! each visit's status, and plan, reschedule, cancel and conclude, each
//! offered where the policy allows (`AddVisite` on the case, `EditVisite`
//! on the visit). A rejected form comes back on a page of its own with
//! what was typed.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::response::Response;
use axum::routing::post;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use histologe_application::{AppError, CasePartners, UploadInput, VisitOperator};
use histologe_core::enums::{DocumentType, InterventionStatus, ProcedureType, Qualification};
use histologe_core::ids::{InterventionId, SignalementId};
use histologe_core::model::{Case, FileMeta, Intervention};
use histologe_core::workflow::visite::Conclusion;
use histologe_core::{Action, Actor, DomainError, Resource, can};

use super::super::WebState;
use super::super::errors::WebError;
use super::super::multipart;
use super::dossier_actions::{Posted, done, parse_id, partner_name, unprocessable};
use super::role_label;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/signalements/{id}/visites", post(plan))
        .route(
            "/bo/signalements/{id}/visites/{visite}/reprogrammer",
            post(reschedule),
        )
        .route(
            "/bo/signalements/{id}/visites/{visite}/annuler",
            post(cancel),
        )
        .route(
            "/bo/signalements/{id}/visites/{visite}/conclure",
            post(conclude),
        )
        .route(
            "/bo/signalements/{id}/visites/{visite}/fichiers",
            post(add_files),
        )
        // A report or a photo of 10 MB and its type.
        .layer(DefaultBodyLimit::max(10 * 1024 * 1024 + 64 * 1024))
}

/// The value of the operator select for an operator from outside.
const EXTERNAL: &str = "externe";

/// One visit as the list shows it.
#[derive(Debug)]
pub struct VisitView {
    pub id: String,
    pub date: String,
    /// `YYYY-MM-DD` and `HH:MM`, to prefill the reschedule form.
    pub day: String,
    pub time: String,
    pub operator: String,
    pub status: &'static str,
    pub comment: String,
    pub details: String,
    pub procedures: String,
    pub presences: String,
    /// Planned and still ahead: reschedule or cancel.
    pub may_reschedule: bool,
    /// Planned and already past: say how it went.
    pub may_conclude: bool,
    /// Its report and photos: (file id, title).
    pub files: Vec<(String, String)>,
    /// Its time has come and the reader may edit it: join a report or
    /// photos.
    pub may_add_files: bool,
}

/// The visits block of the view, or of a rejected form's page (`focus`:
/// the form shown alone, "" for the whole block).
#[derive(Debug)]
pub struct Section {
    pub list: Vec<VisitView>,
    pub may_plan: bool,
    /// Affected partners with the VISITES competence: (id, name).
    pub operators: Vec<(String, String)>,
    pub procedures: Vec<(&'static str, &'static str)>,
    pub focus: &'static str,
    pub posted: Posted,
}

fn status_label(visit: &Intervention, now: DateTime<Utc>) -> &'static str {
    match visit.status {
        // §2.10: a planned visit whose date has passed awaits its conclusion.
        InterventionStatus::Planned if visit.scheduled_at <= now => "Conclusion à renseigner",
        other => other.label(),
    }
}

fn yes_no(value: Option<bool>, who: &str) -> Option<String> {
    value.map(|v| format!("{who} {}", if v { "présent" } else { "absent" }))
}

/// `files` are those the reader may see; each visit lists its own.
pub fn section(
    actor: &Actor,
    case: &Case,
    around: &CasePartners,
    files: &[FileMeta],
    now: DateTime<Utc>,
) -> Section {
    let mut list = Vec::new();
    for v in &case.interventions {
        let operator = match (&v.partner_id, &v.external_operator) {
            (Some(p), _) => partner_name(around, *p),
            (None, Some(name)) => format!("{name} (opérateur externe)"),
            (None, None) => String::from("Non précisé"),
        };
        let may_edit = can(actor, Action::EditVisite, Resource::Intervention(case, v)).is_ok();
        let editable = v.status == InterventionStatus::Planned && may_edit;
        let (day, time) = histologe_core::time::form_day_and_time(v.scheduled_at);
        list.push(VisitView {
            id: v.id.to_string(),
            date: histologe_core::time::date_time_fr(v.scheduled_at),
            day,
            time,
            operator,
            status: status_label(v, now),
            comment: v.comment_before_visite.clone().unwrap_or_default(),
            details: v.details.clone().unwrap_or_default(),
            procedures: v
                .concluded_procedures
                .iter()
                .map(|p| p.label())
                .collect::<Vec<_>>()
                .join(", "),
            presences: [
                yes_no(v.occupant_present, "Occupant"),
                yes_no(v.proprietaire_present, "Propriétaire"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
            may_reschedule: editable && v.scheduled_at > now,
            may_conclude: editable && v.scheduled_at <= now,
            files: files
                .iter()
                .filter(|f| f.intervention_id == Some(v.id))
                .map(|f| (f.id.to_string(), f.title.clone()))
                .collect(),
            may_add_files: may_edit
                && v.status != InterventionStatus::Canceled
                && v.scheduled_at <= now,
        });
    }
    let partners = &around.affected;
    let mut operators = Vec::new();
    for a in &case.affectations {
        if let Some(p) = partners.get(&a.partner_id)
            && p.has_competence(Qualification::Visites)
        {
            operators.push((p.id.to_string(), p.nom.clone()));
        }
    }
    Section {
        list,
        may_plan: can(actor, Action::AddVisite, Resource::Signalement(case)).is_ok(),
        operators,
        procedures: ProcedureType::ALL
            .iter()
            .map(|p| (p.as_str(), p.label()))
            .collect(),
        focus: "",
        posted: Posted::default(),
    }
}

#[derive(Template)]
#[template(path = "bo/visite_formulaire.html")]
struct FormPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    id: String,
    reference: String,
    title: &'static str,
    /// Named as on the view, so that the same partial serves both.
    actions: Focused,
}

/// The visits block alone, on a rejected form's page.
struct Focused {
    visites: Section,
}

impl Focused {
    fn posted(&self) -> &Posted {
        &self.visites.posted
    }

    /// The id of the field the refusal is about.
    fn anchor(&self) -> String {
        let posted = &self.visites.posted;
        let field = match posted.field.as_str() {
            "partenaire" => "operateur",
            other => other,
        };
        if posted.target.is_empty() {
            format!("{}-{field}", self.visites.focus)
        } else {
            format!("{}-{}-{field}", self.visites.focus, posted.target)
        }
    }
}

/// The page of a rejected form: that form alone, as it was posted, with
/// the refusal linked to its field.
async fn rejected(
    state: &WebState,
    actor: &Actor,
    id: SignalementId,
    focus: &'static str,
    posted: Posted,
) -> Result<Response, WebError> {
    let case = state.app.view_case(actor, id).await?;
    // What was typed is discussed only with someone who may do the action.
    let allowed = if posted.target.is_empty() {
        can(actor, Action::AddVisite, Resource::Signalement(&case))
    } else {
        let visit = case
            .interventions
            .iter()
            .find(|v| v.id.to_string() == posted.target)
            .ok_or(WebError(AppError::NotFound("Visite")))?;
        can(
            actor,
            Action::EditVisite,
            Resource::Intervention(&case, visit),
        )
    };
    allowed.map_err(|refusal| WebError(DomainError::Refused(refusal).into()))?;
    let now = state.app.now();
    let around = state.app.case_partners(actor, &case).await?;
    let files = state.app.files_of_case(actor, &case).await?;
    let mut visites = section(actor, &case, &around, &files, now);
    if !posted.target.is_empty() {
        visites.list.retain(|v| v.id == posted.target);
    }
    visites.focus = focus;
    visites.posted = posted;
    let title = match focus {
        "programmer" => "Programmer une visite",
        "reprogrammer" => "Reprogrammer la visite",
        "annuler" => "Annuler la visite",
        "fichiers" => "Joindre le rapport ou des photos de la visite",
        _ => "Conclure la visite",
    };
    let page = FormPage {
        platform: &state.settings.platform_name,
        role: role_label(actor),
        section: "signalements",
        id: id.to_string(),
        reference: case.signalement.reference.clone(),
        title,
        actions: Focused { visites },
    };
    Ok(unprocessable(&page))
}

/// The use case's answer: the view again, or the form's own page when
/// what was typed is refused.
async fn answer(
    state: &WebState,
    actor: &Actor,
    id: SignalementId,
    result: Result<(), AppError>,
    focus: &'static str,
    posted: Posted,
    what: &str,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(done(id, what)),
        Err(e) => match posted.refused(&e) {
            Some(posted) => rejected(state, actor, id, focus, posted).await,
            None => Err(e.into()),
        },
    }
}

fn parse_visit(id: &str) -> Result<InterventionId, WebError> {
    id.parse()
        .map_err(|_| WebError(AppError::NotFound("Visite")))
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// The date and time typed (in French legal time), as the moment of the
/// visit.
fn when(pairs: &[(String, String)]) -> Result<DateTime<Utc>, AppError> {
    let day = NaiveDate::parse_from_str(get(pairs, "date"), "%Y-%m-%d").map_err(|_| {
        AppError::from(DomainError::invalid(
            "date",
            "Indiquez la date de la visite (jj/mm/aaaa).",
        ))
    })?;
    let time = NaiveTime::parse_from_str(get(pairs, "heure"), "%H:%M").map_err(|_| {
        AppError::from(DomainError::invalid(
            "heure",
            "Indiquez l'heure de la visite (hh:mm).",
        ))
    })?;
    histologe_core::time::from_local(day, time).ok_or_else(|| {
        AppError::from(DomainError::invalid(
            "heure",
            "Cette heure n'existe pas ce jour-là (passage à l'heure d'été) : choisissez-en une autre.",
        ))
    })
}

fn presence(value: &str) -> Option<bool> {
    match value {
        "oui" => Some(true),
        "non" => Some(false),
        _ => None,
    }
}

/// The conclusion fields of the conclude form (and of the plan form, for
/// a visit that already took place).
fn conclusion(pairs: &[(String, String)]) -> Conclusion {
    Conclusion {
        procedures: pairs
            .iter()
            .filter(|(k, _)| k == "procedures")
            .filter_map(|(_, v)| ProcedureType::parse(v))
            .collect(),
        details: get(pairs, "details").to_string(),
        occupant_present: presence(get(pairs, "occupant_present")),
        proprietaire_present: presence(get(pairs, "proprietaire_present")),
        notify_usager: !get(pairs, "notifier").is_empty(),
    }
}

async fn plan(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let result = async {
        let scheduled_at = when(&pairs)?;
        let operator = match get(&pairs, "operateur") {
            EXTERNAL => VisitOperator::External(get(&pairs, "operateur_externe").to_string()),
            "" => {
                return Err(DomainError::invalid(
                    "operateur",
                    "Choisissez le partenaire qui fait la visite ou un opérateur externe.",
                )
                .into());
            }
            partner => VisitOperator::Partner(
                partner
                    .parse()
                    .map_err(|_| AppError::NotFound("Partenaire"))?,
            ),
        };
        // A past date records a visit that took place: its conclusion
        // comes with it.
        let now = state.app.now();
        let concluded = (scheduled_at <= now).then(|| conclusion(&pairs));
        state
            .app
            .plan_visite_by(
                &actor,
                id,
                operator,
                scheduled_at,
                get(&pairs, "commentaire"),
                concluded,
            )
            .await
            .map(drop)
    }
    .await;
    let posted = Posted::new(pairs, String::new());
    answer(
        &state,
        &actor,
        id,
        result,
        "programmer",
        posted,
        "visite_programmee",
    )
    .await
}

async fn reschedule(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, visit)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (id, visit) = (parse_id(&id)?, parse_visit(&visit)?);
    let result = match when(&pairs) {
        Ok(at) => state
            .app
            .reschedule_visite(&actor, id, visit, at)
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    let posted = Posted::new(pairs, visit.to_string());
    answer(
        &state,
        &actor,
        id,
        result,
        "reprogrammer",
        posted,
        "visite_reprogrammee",
    )
    .await
}

async fn cancel(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, visit)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (id, visit) = (parse_id(&id)?, parse_visit(&visit)?);
    let result = state
        .app
        .cancel_visite(&actor, id, visit, get(&pairs, "motif"))
        .await
        .map(drop);
    let posted = Posted::new(pairs, visit.to_string());
    answer(
        &state,
        &actor,
        id,
        result,
        "annuler",
        posted,
        "visite_annulee",
    )
    .await
}

async fn conclude(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, visit)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (id, visit) = (parse_id(&id)?, parse_visit(&visit)?);
    let (result, what) = match get(&pairs, "resultat") {
        "faite" => (
            state
                .app
                .confirm_visite(&actor, id, visit, conclusion(&pairs))
                .await
                .map(drop),
            "visite_conclue",
        ),
        "non_faite" => (
            state
                .app
                .abort_visite(&actor, id, visit, get(&pairs, "details"))
                .await
                .map(drop),
            "visite_non_faite",
        ),
        _ => (
            Err(DomainError::invalid("resultat", "Indiquez si la visite a eu lieu.").into()),
            "",
        ),
    };
    let posted = Posted::new(pairs, visit.to_string());
    answer(&state, &actor, id, result, "conclure", posted, what).await
}

/// The visit's report or photos, one file at a time.
async fn add_files(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, visit)): Path<(String, String)>,
    body: Multipart,
) -> Result<Response, WebError> {
    let (id, visit) = (parse_id(&id)?, parse_visit(&visit)?);
    let Ok((fields, uploads)) = multipart::read(body).await else {
        return Err(WebError(AppError::UploadFailed));
    };
    let chosen = fields.get("type").unwrap_or_default().to_string();
    let posted = Posted::new(
        vec![("type".to_string(), chosen.clone())],
        visit.to_string(),
    );
    let result = match (
        DocumentType::parse(&chosen),
        uploads.into_iter().find(|u| !u.bytes.is_empty()),
    ) {
        (None, _) => Err(DomainError::invalid(
            "type",
            "Choisissez « Rapport de visite » ou « Photo de visite ».",
        )
        .into()),
        (Some(_), None) => {
            Err(DomainError::invalid("fichier", "Choisissez le fichier à joindre.").into())
        }
        (Some(document_type), Some(file)) => state
            .app
            .upload_visit_file(
                &actor,
                id,
                visit,
                UploadInput {
                    bytes: file.bytes,
                    file_name: file.file_name,
                    document_type,
                    desordre_slug: None,
                    title: None,
                },
            )
            .await
            .map(drop),
    };
    answer(
        &state,
        &actor,
        id,
        result,
        "fichiers",
        posted,
        "visite_fichier",
    )
    .await
}
