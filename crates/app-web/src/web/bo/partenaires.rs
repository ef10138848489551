//! Partners administration (features.md §2.14) at `/bo/partenaires`: the
//! partners of the territories an actor administers, their creation, their
//! settings (type, competences, perimeter, generic e-mail, connection to
//! their case software) and archiving. A partner admin opens his own
//! partner's page, read only. Rules live in the policy of core.
//!
//! Stored tokens are never sent back to the browser: the field is always
//! empty, and left empty it keeps the stored token.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use histologe_application::{AppError, PartnersQuery};
use histologe_core::administration::{PartnerInput, offered_competences};
use histologe_core::enums::{PartnerType, Qualification, Role};
use histologe_core::ids::PartnerId;
use histologe_core::model::Partner;
use histologe_core::territory_code::TerritoryCode;
use histologe_core::{Action, Actor, Resource, can};
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::admin_forms::{
    FieldErrors, Pairs, TerritoryFilter, administered_choices, back_to_list, flash_of,
    saved_or_rejected, with_status,
};
use super::session::Staff;
use super::{role_label, staff_role_label};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/partenaires", get(list).post(create))
        .route("/bo/partenaires/nouveau", get(new_form))
        .route("/bo/partenaires/{partner}", get(show).post(update))
        .route("/bo/partenaires/{partner}/archiver", post(archive))
}

/// Whether the menu offers the administration of partners, territories
/// (super admin) and auto-affectation rules to the holder of this header
/// label (`role_label`).
pub fn shows_menu(label: &str) -> bool {
    [Role::SuperAdmin, Role::TerritoryAdmin]
        .iter()
        .any(|role| staff_role_label(*role) == label)
}

pub fn shows_territories_menu(label: &str) -> bool {
    staff_role_label(Role::SuperAdmin) == label
}

fn parse_partner(id: &str) -> Result<PartnerId, WebError> {
    id.parse()
        .map_err(|_| WebError(AppError::NotFound("Partenaire")))
}

fn type_choices() -> Vec<(String, String)> {
    PartnerType::ALL
        .iter()
        .map(|t| (t.as_str().to_string(), t.label().to_string()))
        .collect()
}

fn competence_choices() -> Vec<(String, String)> {
    offered_competences()
        .map(|q| (q.as_str().to_string(), q.label().to_string()))
        .collect()
}

// ---------------------------------------------------------------------------
// The list.

struct Row {
    id: String,
    nom: String,
    territory: String,
    partner_type: &'static str,
    email: String,
    interconnection: &'static str,
}

fn interconnection_label(p: &Partner) -> &'static str {
    match (p.esabora_active, p.interconnection.idoss_active) {
        (true, true) => "Esabora et IDOSS",
        (true, false) => "Esabora",
        (false, true) => "IDOSS",
        (false, false) => "Aucune",
    }
}

#[derive(Template)]
#[template(path = "bo/partenaires.html")]
struct ListPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    rows: Vec<Row>,
    territories: TerritoryFilter,
    text: String,
    flash: Option<&'static str>,
}

const DONE: &[(&str, &str)] = &[
    ("cree", "Le partenaire est créé."),
    (
        "archive",
        "Le partenaire est archivé : il n'est plus proposé à l'affectation.",
    ),
];

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    territoire: String,
    #[serde(default)]
    recherche: String,
    fait: Option<String>,
}

async fn list(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let filter = PartnersQuery {
        territory: TerritoryCode::parse(&query.territoire).ok(),
        text: query.recherche.clone(),
    };
    let partners = state.app.admin_partners(&actor, &filter).await?;
    let rows = partners
        .iter()
        .map(|p| Row {
            id: p.id.to_string(),
            nom: p.nom.clone(),
            territory: p.territory.as_str().to_string(),
            partner_type: p.partner_type.label(),
            email: p.email.clone().unwrap_or_default(),
            interconnection: interconnection_label(p),
        })
        .collect();
    let page = ListPage {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "partenaires",
        rows,
        territories: TerritoryFilter::of(&state, &actor, filter.territory.as_ref()).await?,
        text: query.recherche,
        flash: flash_of(DONE, query.fait.as_deref()),
    };
    Ok(render(&page).into_response())
}

// ---------------------------------------------------------------------------
// The form, for a new partner or an existing one.

/// What the form shows: the stored partner, or what was typed. Never a
/// token.
#[derive(Default)]
struct PartnerForm {
    territoire: String,
    nom: String,
    partner_type: String,
    email: String,
    email_notifiable: bool,
    competences: Vec<String>,
    insee: String,
    esabora_active: bool,
    esabora_url: String,
    idoss_active: bool,
    idoss_url: String,
}

impl PartnerForm {
    fn of(p: &Partner) -> Self {
        PartnerForm {
            territoire: p.territory.as_str().to_string(),
            nom: p.nom.clone(),
            partner_type: p.partner_type.as_str().to_string(),
            email: p.email.clone().unwrap_or_default(),
            email_notifiable: p.email_notifiable,
            competences: p
                .competences
                .iter()
                .map(|q| q.as_str().to_string())
                .collect(),
            insee: p.insee.join(", "),
            esabora_active: p.esabora_active,
            esabora_url: p.interconnection.esabora_url.clone().unwrap_or_default(),
            idoss_active: p.interconnection.idoss_active,
            idoss_url: p.interconnection.idoss_url.clone().unwrap_or_default(),
        }
    }

    fn posted(pairs: &Pairs) -> Self {
        PartnerForm {
            territoire: pairs.one("territoire"),
            nom: pairs.one("nom"),
            partner_type: pairs.one("type"),
            email: pairs.one("email"),
            email_notifiable: pairs.checked("email_notifiable"),
            competences: pairs.all("competences"),
            insee: pairs.one("insee"),
            esabora_active: pairs.checked("esabora_active"),
            esabora_url: pairs.one("esabora_url"),
            idoss_active: pairs.checked("idoss_active"),
            idoss_url: pairs.one("idoss_url"),
        }
    }

    fn has_competence(&self, value: &str) -> bool {
        self.competences.iter().any(|c| c == value)
    }
}

fn input_of(pairs: &Pairs) -> PartnerInput {
    PartnerInput {
        nom: pairs.one("nom"),
        partner_type: PartnerType::parse(&pairs.one("type")),
        email: pairs.one("email"),
        email_notifiable: pairs.checked("email_notifiable"),
        competences: pairs
            .all("competences")
            .iter()
            .filter_map(|c| Qualification::parse(c))
            .collect(),
        insee: pairs.one("insee"),
        esabora_active: pairs.checked("esabora_active"),
        esabora_url: pairs.one("esabora_url"),
        esabora_token: pairs.one("esabora_token"),
        forget_esabora_token: pairs.checked("esabora_token_effacer"),
        idoss_active: pairs.checked("idoss_active"),
        idoss_url: pairs.one("idoss_url"),
    }
}

#[derive(Template)]
#[template(path = "bo/partenaires_nouveau.html")]
struct NewPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    territories: Vec<(String, String)>,
    types: Vec<(String, String)>,
    competence_choices: Vec<(String, String)>,
    form: PartnerForm,
    has_token: bool,
    errors: FieldErrors,
}

async fn render_new(
    state: &WebState,
    actor: &Actor,
    form: PartnerForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    can(actor, Action::ListPartners, Resource::Platform).map_err(AppError::from)?;
    let territories = administered_choices(state, actor).await?;
    let invalid = !errors.is_empty();
    let page = NewPage {
        platform: &state.settings.platform_name,
        role: role_label(actor),
        section: "partenaires",
        territories,
        types: type_choices(),
        competence_choices: competence_choices(),
        form,
        has_token: false,
        errors,
    };
    Ok(with_status(invalid, render(&page)))
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
    let form = PartnerForm {
        territoire: query.territoire,
        email_notifiable: true,
        ..PartnerForm::default()
    };
    render_new(&state, &actor, form, FieldErrors::default()).await
}

async fn create(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let pairs = Pairs(pairs);
    let form = PartnerForm::posted(&pairs);
    let Ok(territory) = TerritoryCode::parse(&form.territoire) else {
        let errors = FieldErrors::one("territoire", "Choisissez le territoire du partenaire.");
        return render_new(&state, &actor, form, errors).await;
    };
    let result = state
        .app
        .create_partner(&actor, &territory, &input_of(&pairs))
        .await;
    match saved_or_rejected(result)? {
        Ok(partner) => {
            Ok(Redirect::to(&format!("/bo/partenaires/{}?fait=cree", partner.id)).into_response())
        }
        Err(errors) => render_new(&state, &actor, form, errors).await,
    }
}

// ---------------------------------------------------------------------------
// A partner's page.

struct Member {
    name: String,
    email: String,
    role: &'static str,
}

#[derive(Template)]
#[template(path = "bo/partenaires_fiche.html")]
struct ShowPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    id: String,
    nom: String,
    territory: String,
    partner_type: &'static str,
    email: String,
    email_notifiable: bool,
    competences: Vec<&'static str>,
    insee: String,
    interconnection: &'static str,
    archived: bool,
    can_edit: bool,
    /// Whether the list of partners is the actor's (not a partner admin).
    lists_partners: bool,
    types: Vec<(String, String)>,
    competence_choices: Vec<(String, String)>,
    form: PartnerForm,
    has_token: bool,
    members: Vec<Member>,
    errors: FieldErrors,
    flash: Option<&'static str>,
    delivery: Option<super::adresses_en_erreur::Badge>,
}

const SHOW_DONE: &[(&str, &str)] = &[
    ("cree", "Le partenaire est créé."),
    ("modifie", "Le partenaire est modifié."),
];

async fn render_show(
    state: &WebState,
    actor: &Actor,
    partner: &Partner,
    form: PartnerForm,
    errors: FieldErrors,
    flash: Option<&'static str>,
) -> Result<Response, WebError> {
    let members = state
        .app
        .partner_members(actor, partner.id)
        .await?
        .into_iter()
        .map(|u| Member {
            name: format!("{} {}", u.prenom, u.nom),
            email: u.email,
            role: u.role.label(),
        })
        .collect();
    let invalid = !errors.is_empty();
    let page = ShowPage {
        platform: &state.settings.platform_name,
        role: role_label(actor),
        section: "partenaires",
        id: partner.id.to_string(),
        nom: partner.nom.clone(),
        territory: partner.territory.as_str().to_string(),
        partner_type: partner.partner_type.label(),
        email: partner.email.clone().unwrap_or_default(),
        email_notifiable: partner.email_notifiable,
        competences: partner.competences.iter().map(|q| q.label()).collect(),
        insee: partner.insee.join(", "),
        interconnection: interconnection_label(partner),
        archived: partner.is_archive,
        can_edit: can(actor, Action::EditPartner, Resource::Partner(partner)).is_ok(),
        lists_partners: can(actor, Action::ListPartners, Resource::Platform).is_ok(),
        types: type_choices(),
        competence_choices: competence_choices(),
        form,
        has_token: partner.interconnection.esabora_token.is_some(),
        members,
        errors,
        flash,
        delivery: match partner.email.as_deref() {
            Some(email) => super::adresses_en_erreur::badge_of(state, email).await?,
            None => None,
        },
    };
    Ok(with_status(invalid, render(&page)))
}

#[derive(Debug, Default, Deserialize)]
struct ShowQuery {
    fait: Option<String>,
}

async fn show(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let partner = state.app.admin_partner(&actor, parse_partner(&id)?).await?;
    let form = PartnerForm::of(&partner);
    render_show(
        &state,
        &actor,
        &partner,
        form,
        FieldErrors::default(),
        flash_of(SHOW_DONE, query.fait.as_deref()),
    )
    .await
}

async fn update(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = parse_partner(&id)?;
    let pairs = Pairs(pairs);
    let result = state
        .app
        .update_partner(&actor, id, &input_of(&pairs))
        .await;
    match saved_or_rejected(result)? {
        Ok(partner) => Ok(
            Redirect::to(&format!("/bo/partenaires/{}?fait=modifie", partner.id)).into_response(),
        ),
        Err(errors) => {
            let partner = state.app.admin_partner(&actor, id).await?;
            let mut form = PartnerForm::posted(&pairs);
            form.territoire = partner.territory.as_str().to_string();
            render_show(&state, &actor, &partner, form, errors, None).await
        }
    }
}

async fn archive(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let partner = state
        .app
        .archive_partner(&actor, parse_partner(&id)?)
        .await?;
    Ok(back_to_list(
        "/bo/partenaires",
        &partner.territory,
        "archive",
    ))
}
