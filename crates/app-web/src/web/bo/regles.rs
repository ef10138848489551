//! Auto-affectation rules (features.md §2.16) at
//! `/bo/regles-auto-affectation`: the rules of the territories an actor
//! administers (RTs their own, super admins all), their creation, change
//! and archiving, and the simulator that runs them on one signalement
//! without writing anything.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use histologe_application::{AppError, SimulationLookup};
use histologe_core::administration::RuleInput;
use histologe_core::auto_affectation::{Candidacy, NoMatch};
use histologe_core::enums::{PartnerType, Qualification};
use histologe_core::ids::AutoAffectationRuleId;
use histologe_core::model::{
    AutoAffectationRule, Partner, RuleAllocataire, RuleParc, RuleProfile, RuleStatus,
};
use histologe_core::territory_code::TerritoryCode;
use histologe_core::{Action, Actor, Resource, can};
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::admin_forms::{
    FieldErrors, Pairs, TerritoryFilter, administered_choices, back_to_list, chosen_code, flash_of,
    saved_or_rejected, with_status,
};
use super::role_label;
use super::session::Staff;

const BASE: &str = "/bo/regles-auto-affectation";

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/regles-auto-affectation", get(list).post(create))
        .route("/bo/regles-auto-affectation/nouvelle", get(new_form))
        .route("/bo/regles-auto-affectation/simulateur", get(simulator))
        .route(
            "/bo/regles-auto-affectation/{rule}",
            get(edit_form).post(update),
        )
        .route("/bo/regles-auto-affectation/{rule}/archiver", post(archive))
}

fn parse_rule(id: &str) -> Result<AutoAffectationRuleId, WebError> {
    id.parse()
        .map_err(|_| WebError(AppError::NotFound("Règle")))
}

fn codes_summary(codes: &[String], all: &str) -> String {
    if codes.is_empty() {
        all.to_string()
    } else {
        codes.join(", ")
    }
}

// ---------------------------------------------------------------------------
// The list.

struct Row {
    id: String,
    territory: String,
    partner_type: &'static str,
    profile: &'static str,
    communes: String,
    parc: &'static str,
    allocataire: &'static str,
    procedures: String,
    active: bool,
}

fn row_of(r: &AutoAffectationRule) -> Row {
    let mut communes = codes_summary(&r.insee_to_include, "Périmètre des partenaires");
    if !r.insee_to_exclude.is_empty() {
        communes.push_str(&format!(" ; sauf {}", r.insee_to_exclude.join(", ")));
    }
    Row {
        id: r.id.to_string(),
        territory: r.territory.as_str().to_string(),
        partner_type: r.partner_type.label(),
        profile: r.profile_declarant.label(),
        communes,
        parc: r.parc.label(),
        allocataire: r.allocataire.label(),
        procedures: if r.procedures_suspectees.is_empty() {
            "Toutes".to_string()
        } else {
            r.procedures_suspectees
                .iter()
                .map(|q| q.label())
                .collect::<Vec<_>>()
                .join(", ")
        },
        active: r.status == RuleStatus::Active,
    }
}

#[derive(Template)]
#[template(path = "bo/regles.html")]
struct ListPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    rows: Vec<Row>,
    territories: TerritoryFilter,
    flash: Option<&'static str>,
}

const DONE: &[(&str, &str)] = &[
    (
        "cree",
        "La règle est créée : elle s'applique aux prochains signalements.",
    ),
    ("modifie", "La règle est modifiée."),
    (
        "archive",
        "La règle est archivée : elle ne s'applique plus aux nouveaux signalements.",
    ),
];

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    territoire: String,
    fait: Option<String>,
}

async fn list(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let territory = TerritoryCode::parse(&query.territoire).ok();
    let rules = state.app.admin_rules(&actor, territory.as_ref()).await?;
    let page = ListPage {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "regles",
        rows: rules.iter().map(row_of).collect(),
        territories: TerritoryFilter::of(&state, &actor, territory.as_ref()).await?,
        flash: flash_of(DONE, query.fait.as_deref()),
    };
    Ok(render(&page).into_response())
}

// ---------------------------------------------------------------------------
// The form.

#[derive(Default)]
struct RuleForm {
    partner_type: String,
    profile: String,
    insee_to_include: String,
    insee_to_exclude: String,
    partner_to_exclude: Vec<String>,
    parc: String,
    allocataire: String,
    procedures: Vec<String>,
}

impl RuleForm {
    fn of(r: &AutoAffectationRule) -> Self {
        RuleForm {
            partner_type: r.partner_type.as_str().to_string(),
            profile: r.profile_declarant.as_str().to_string(),
            insee_to_include: r.insee_to_include.join(", "),
            insee_to_exclude: r.insee_to_exclude.join(", "),
            partner_to_exclude: r.partner_to_exclude.iter().map(|p| p.to_string()).collect(),
            parc: r.parc.as_str().to_string(),
            allocataire: r.allocataire.as_str().to_string(),
            procedures: r
                .procedures_suspectees
                .iter()
                .map(|q| q.as_str().to_string())
                .collect(),
        }
    }

    fn posted(pairs: &Pairs) -> Self {
        RuleForm {
            partner_type: pairs.one("partner_type"),
            profile: pairs.one("profile"),
            insee_to_include: pairs.one("insee_to_include"),
            insee_to_exclude: pairs.one("insee_to_exclude"),
            partner_to_exclude: pairs.all("partner_to_exclude"),
            parc: pairs.one("parc"),
            allocataire: pairs.one("allocataire"),
            procedures: pairs.all("procedures"),
        }
    }

    fn input(&self) -> RuleInput {
        RuleInput {
            partner_type: self.partner_type.clone(),
            profile: self.profile.clone(),
            insee_to_include: self.insee_to_include.clone(),
            insee_to_exclude: self.insee_to_exclude.clone(),
            partner_to_exclude: self.partner_to_exclude.clone(),
            parc: self.parc.clone(),
            allocataire: self.allocataire.clone(),
            procedures: self.procedures.clone(),
        }
    }

    fn excludes(&self, partner: &str) -> bool {
        self.partner_to_exclude.iter().any(|p| p == partner)
    }

    fn has_procedure(&self, value: &str) -> bool {
        self.procedures.iter().any(|p| p == value)
    }
}

/// The choices of the form's lists.
struct Choices {
    types: Vec<(String, String)>,
    profiles: Vec<(String, String)>,
    parcs: Vec<(String, String)>,
    allocataires: Vec<(String, String)>,
    procedures: Vec<(String, String)>,
    /// The live partners of the rule's territory.
    partners: Vec<(String, String)>,
}

fn choices(partners: &[Partner]) -> Choices {
    Choices {
        types: PartnerType::ALL
            .iter()
            .map(|t| (t.as_str().to_string(), t.label().to_string()))
            .collect(),
        profiles: RuleProfile::choices()
            .into_iter()
            .map(|p| (p.as_str().to_string(), p.label().to_string()))
            .collect(),
        parcs: RuleParc::ALL
            .iter()
            .map(|p| (p.as_str().to_string(), p.label().to_string()))
            .collect(),
        allocataires: RuleAllocataire::ALL
            .iter()
            .map(|a| (a.as_str().to_string(), a.label().to_string()))
            .collect(),
        procedures: Qualification::PROCEDURES_SUSPECTEES
            .iter()
            .map(|q| (q.as_str().to_string(), q.label().to_string()))
            .collect(),
        partners: partners
            .iter()
            .map(|p| (p.id.to_string(), p.nom.clone()))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "bo/regles_fiche.html")]
struct FormPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    heading: String,
    /// Where the form posts.
    action: String,
    /// The rule's id, for the archive form (none for a new rule).
    id: Option<String>,
    territory: String,
    /// For a new rule whose territory is not chosen yet: the choices.
    territories: Vec<(String, String)>,
    archived: bool,
    choices: Choices,
    form: RuleForm,
    errors: FieldErrors,
}

struct FormContext {
    heading: String,
    action: String,
    id: Option<String>,
    territory: Option<TerritoryCode>,
    archived: bool,
}

async fn render_form(
    state: &WebState,
    actor: &Actor,
    context: FormContext,
    form: RuleForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let partners = match &context.territory {
        Some(t) => state.app.rule_partner_choices(actor, t).await?,
        None => Vec::new(),
    };
    let territories = if context.territory.is_none() {
        administered_choices(state, actor).await?
    } else {
        Vec::new()
    };
    let invalid = !errors.is_empty();
    let page = FormPage {
        platform: &state.settings.platform_name,
        role: role_label(actor),
        section: "regles",
        heading: context.heading,
        action: context.action,
        id: context.id,
        territory: chosen_code(context.territory.as_ref()),
        territories,
        archived: context.archived,
        choices: choices(&partners),
        form,
        errors,
    };
    Ok(with_status(invalid, render(&page)))
}

fn new_context(territory: Option<TerritoryCode>) -> FormContext {
    FormContext {
        heading: match &territory {
            Some(t) => format!("Nouvelle règle d'auto-affectation ({t})"),
            None => "Nouvelle règle d'auto-affectation".to_string(),
        },
        action: BASE.to_string(),
        id: None,
        territory,
        archived: false,
    }
}

#[derive(Debug, Default, Deserialize)]
struct NewQuery {
    #[serde(default)]
    territoire: String,
}

async fn new_form(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(query): Query<NewQuery>,
) -> Result<Response, WebError> {
    can(&actor, Action::ListAutoAffectationRules, Resource::Platform).map_err(AppError::from)?;
    let administered = state.app.administered_territories(&actor).await?;
    // One territory: no choice to make. Otherwise the one asked for, if
    // the actor administers it.
    let territory = match administered.as_slice() {
        [only] => Some(only.code.clone()),
        _ => TerritoryCode::parse(&query.territoire)
            .ok()
            .filter(|t| administered.iter().any(|a| &a.code == t)),
    };
    let form = RuleForm {
        profile: RuleProfile::All.as_str().to_string(),
        parc: RuleParc::All.as_str().to_string(),
        allocataire: RuleAllocataire::All.as_str().to_string(),
        ..RuleForm::default()
    };
    render_form(
        &state,
        &actor,
        new_context(territory),
        form,
        FieldErrors::default(),
    )
    .await
}

async fn create(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let pairs = Pairs(pairs);
    let form = RuleForm::posted(&pairs);
    let territory = TerritoryCode::parse(&pairs.one("territoire")).ok();
    let result = match &territory {
        Some(t) => saved_or_rejected(state.app.create_rule(&actor, t, &form.input()).await)?,
        None => Err(FieldErrors::one(
            "territoire",
            "Choisissez le territoire de la règle.",
        )),
    };
    match result {
        Ok(rule) => Ok(back_to_list(BASE, &rule.territory, "cree")),
        Err(errors) => {
            can(&actor, Action::ListAutoAffectationRules, Resource::Platform)
                .map_err(AppError::from)?;
            // A territory the actor does not administer is asked again.
            let territory = territory.filter(|t| {
                can(
                    &actor,
                    Action::ManageAutoAffectationRules,
                    Resource::Territory(t),
                )
                .is_ok()
            });
            render_form(&state, &actor, new_context(territory), form, errors).await
        }
    }
}

fn edit_context(rule: &AutoAffectationRule) -> FormContext {
    FormContext {
        heading: format!(
            "Règle d'auto-affectation : {} ({})",
            rule.partner_type.label(),
            rule.territory
        ),
        action: format!("{BASE}/{}", rule.id),
        id: Some(rule.id.to_string()),
        territory: Some(rule.territory.clone()),
        archived: rule.status == RuleStatus::Archived,
    }
}

async fn edit_form(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let rule = state.app.admin_rule(&actor, parse_rule(&id)?).await?;
    render_form(
        &state,
        &actor,
        edit_context(&rule),
        RuleForm::of(&rule),
        FieldErrors::default(),
    )
    .await
}

async fn update(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = parse_rule(&id)?;
    let pairs = Pairs(pairs);
    let form = RuleForm::posted(&pairs);
    match saved_or_rejected(state.app.update_rule(&actor, id, &form.input()).await)? {
        Ok(rule) => Ok(back_to_list(BASE, &rule.territory, "modifie")),
        Err(errors) => {
            let rule = state.app.admin_rule(&actor, id).await?;
            render_form(&state, &actor, edit_context(&rule), form, errors).await
        }
    }
}

async fn archive(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let rule = state.app.archive_rule(&actor, parse_rule(&id)?).await?;
    Ok(back_to_list(BASE, &rule.territory, "archive"))
}

// ---------------------------------------------------------------------------
// The simulator.

struct Verdict {
    rule: String,
    kept: bool,
    reason: &'static str,
}

struct PartnerLine {
    nom: String,
    partner_type: &'static str,
    situation: &'static str,
    verdicts: Vec<Verdict>,
}

struct Found {
    id: String,
    reference: String,
    territory: String,
    address: String,
    blocked: Option<&'static str>,
    rules: Vec<String>,
    kept: Vec<String>,
    lines: Vec<PartnerLine>,
}

struct Candidate {
    id: String,
    label: String,
}

#[derive(Template)]
#[template(path = "bo/regles_simulateur.html")]
struct SimulatorPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    asked: String,
    not_found: bool,
    several: Vec<Candidate>,
    found: Option<Found>,
}

#[derive(Debug, Default, Deserialize)]
struct SimulatorQuery {
    #[serde(default)]
    signalement: String,
}

fn rule_label(index: usize, rule: &AutoAffectationRule) -> String {
    format!(
        "Règle {} ({}, {})",
        index + 1,
        rule.partner_type.label(),
        rule.profile_declarant.label().to_lowercase()
    )
}

async fn simulator(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(query): Query<SimulatorQuery>,
) -> Result<Response, WebError> {
    can(&actor, Action::ListAutoAffectationRules, Resource::Platform).map_err(AppError::from)?;
    let asked = query.signalement.trim().to_string();
    let mut page = SimulatorPage {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "regles",
        asked: asked.clone(),
        not_found: false,
        several: Vec::new(),
        found: None,
    };
    if !asked.is_empty() {
        match state.app.simulate_rules(&actor, &asked).await? {
            SimulationLookup::NotFound => page.not_found = true,
            SimulationLookup::Several(found) => {
                page.several = found
                    .iter()
                    .map(|s| Candidate {
                        id: s.id.to_string(),
                        label: format!("{} · {} ({})", s.reference, s.adresse.ville, s.territory),
                    })
                    .collect();
            }
            SimulationLookup::Found(result) => {
                let s = &result.case.signalement;
                let labels: Vec<String> = result
                    .rules
                    .iter()
                    .enumerate()
                    .map(|(i, r)| rule_label(i, r))
                    .collect();
                let label_of = |id: AutoAffectationRuleId| {
                    result
                        .rules
                        .iter()
                        .position(|r| r.id == id)
                        .map(|i| labels[i].clone())
                        .unwrap_or_default()
                };
                let lines = result
                    .simulation
                    .partners
                    .iter()
                    .zip(&result.partners)
                    .map(|(outcome, partner)| {
                        let (situation, verdicts) = match &outcome.candidacy {
                            Candidacy::AlreadyAffected => ("Déjà affecté", Vec::new()),
                            Candidacy::NotLocalized => {
                                ("Adresse hors de son périmètre", Vec::new())
                            }
                            Candidacy::Candidate(rules) => (
                                if outcome.is_kept() {
                                    "Retenu"
                                } else {
                                    "Écarté par les règles"
                                },
                                rules
                                    .iter()
                                    .map(|o| Verdict {
                                        rule: label_of(o.rule),
                                        kept: o.verdict.is_ok(),
                                        reason: o.verdict.err().map_or("", |d| d.label()),
                                    })
                                    .collect(),
                            ),
                        };
                        PartnerLine {
                            nom: partner.nom.clone(),
                            partner_type: partner.partner_type.label(),
                            situation,
                            verdicts,
                        }
                    })
                    .collect();
                let kept_ids = result.simulation.affected();
                page.found = Some(Found {
                    id: s.id.to_string(),
                    reference: s.reference.clone(),
                    territory: s.territory.as_str().to_string(),
                    address: format!("{}, {} {}", s.adresse.adresse, s.adresse.code_postal, s.adresse.ville),
                    blocked: result.simulation.blocked.as_ref().map(|b| match b {
                        NoMatch::NoActiveRule => {
                            "Aucune règle active sur ce territoire : le signalement attendrait la validation d'un responsable de territoire."
                        }
                        NoMatch::NoGeoloc => {
                            "Le logement n'est pas géolocalisé : aucune affectation automatique n'aurait lieu."
                        }
                        NoMatch::NoPartnerMatches => "",
                    }),
                    rules: labels.clone(),
                    kept: result
                        .partners
                        .iter()
                        .filter(|p| kept_ids.contains(&p.id))
                        .map(|p| p.nom.clone())
                        .collect(),
                    lines,
                });
            }
        }
    }
    Ok(render(&page).into_response())
}
