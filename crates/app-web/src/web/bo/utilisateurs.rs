//! Users administration (features.md §2.13) at `/bo/utilisateurs`: the
//! accounts an actor manages, their creation in a partner (an activation
//! e-mail is queued), the change of role and affectation permission, and
//! archiving. Rules live in the policy of core; agents get 403.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use histologe_application::{AppError, NewUser, UsersQuery};
use histologe_core::enums::{Role, UserStatus};
use histologe_core::ids::{PartnerId, UserId};
use histologe_core::model::{Partner, User};
use histologe_core::policy::{self, Refusal};
use histologe_core::{Action, Actor, Resource, can};
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::admin_forms::{FieldErrors, flash_of, saved_or_rejected, with_status};
use super::session::Staff;
use super::{role_label, staff_role_label};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/utilisateurs", get(list).post(create))
        .route("/bo/utilisateurs/nouveau", get(new_form))
        .route("/bo/utilisateurs/{user}", get(edit_form).post(update))
        .route("/bo/utilisateurs/{user}/archiver", post(archive))
}

/// Whether the menu shows "Utilisateurs" to the holder of this header
/// label (`role_label`): the roles the policy lets open the page.
pub fn shows_menu(label: &str) -> bool {
    [Role::SuperAdmin, Role::TerritoryAdmin, Role::PartnerAdmin]
        .iter()
        .any(|role| staff_role_label(*role) == label)
}

/// Whether the menu offers the territory's étiquettes (RT and super admin).
pub fn shows_tags_menu(label: &str) -> bool {
    [Role::SuperAdmin, Role::TerritoryAdmin]
        .iter()
        .any(|role| staff_role_label(*role) == label)
}

/// Whether the menu offers the maintenance switch (super admin only).
pub fn shows_maintenance_menu(label: &str) -> bool {
    staff_role_label(Role::SuperAdmin) == label
}

fn status_label(status: UserStatus) -> &'static str {
    match status {
        UserStatus::Active => "Actif",
        UserStatus::Inactive => "En attente d'activation",
        UserStatus::Archive => "Archivé",
    }
}

fn parse_user(id: &str) -> Result<UserId, WebError> {
    id.parse()
        .map_err(|_| WebError(AppError::NotFound("Utilisateur")))
}

fn partner_choices(partners: &[Partner]) -> Vec<(String, String)> {
    partners
        .iter()
        .map(|p| {
            (
                p.id.to_string(),
                format!("{} · {}", p.territory.as_str(), p.nom),
            )
        })
        .collect()
}

fn role_choices(actor: &Actor) -> Vec<(String, String)> {
    policy::grantable_roles(actor)
        .into_iter()
        .map(|r| (r.as_str().to_string(), r.label().to_string()))
        .collect()
}

/// RT and super admins give the affectation permission (§4.4).
fn gives_permission(actor: &Actor) -> bool {
    actor
        .as_staff()
        .is_some_and(|s| s.role.includes(Role::TerritoryAdmin))
}

// ---------------------------------------------------------------------------
// The list.

struct Row {
    id: String,
    name: String,
    email: String,
    partners: String,
    role: &'static str,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "bo/utilisateurs.html")]
struct ListPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    rows: Vec<Row>,
    partners: Vec<(String, String)>,
    text: String,
    partner: String,
    with_archived: bool,
    flash: Option<&'static str>,
}

const DONE: &[(&str, &str)] = &[
    (
        "cree",
        "Le compte est créé : un e-mail d'activation lui a été envoyé.",
    ),
    ("modifie", "Le compte est modifié."),
    (
        "archive",
        "Le compte est archivé : il ne peut plus se connecter.",
    ),
];

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    recherche: String,
    #[serde(default)]
    partenaire: String,
    /// "1": archived accounts are listed too.
    #[serde(default)]
    archives: String,
    fait: Option<String>,
}

async fn list(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let partners = state.app.manageable_partners(&actor).await?;
    let filter = UsersQuery {
        text: query.recherche.clone(),
        partner: query.partenaire.parse::<PartnerId>().ok(),
        with_archived: query.archives == "1",
    };
    let users = state.app.managed_users(&actor, &filter).await?;
    let rows = users
        .into_iter()
        .map(|m| Row {
            id: m.user.id.to_string(),
            name: format!("{} {}", m.user.prenom, m.user.nom),
            email: m.user.email.clone(),
            partners: m.partners.join(", "),
            role: m.user.role.label(),
            status: status_label(m.user.status),
        })
        .collect();
    let page = ListPage {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "utilisateurs",
        rows,
        partners: partner_choices(&partners),
        text: query.recherche,
        partner: filter.partner.map(|p| p.to_string()).unwrap_or_default(),
        with_archived: filter.with_archived,
        flash: flash_of(DONE, query.fait.as_deref()),
    };
    Ok(render(&page).into_response())
}

// ---------------------------------------------------------------------------
// Creation.

#[derive(Debug, Default, Deserialize)]
struct CreateForm {
    #[serde(default)]
    partenaire: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    prenom: String,
    #[serde(default)]
    nom: String,
    #[serde(default)]
    role: String,
    permission_affectation: Option<String>,
}

#[derive(Template)]
#[template(path = "bo/utilisateurs_nouveau.html")]
struct NewPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    partners: Vec<(String, String)>,
    roles: Vec<(String, String)>,
    gives_permission: bool,
    form: CreateForm,
    errors: FieldErrors,
}

async fn render_new(
    state: &WebState,
    actor: &Actor,
    form: CreateForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let partners = state.app.manageable_partners(actor).await?;
    let invalid = !errors.is_empty();
    let page = NewPage {
        platform: &state.settings.platform_name,
        role: role_label(actor),
        section: "utilisateurs",
        partners: partner_choices(&partners),
        roles: role_choices(actor),
        gives_permission: gives_permission(actor),
        form,
        errors,
    };
    Ok(with_status(invalid, render(&page)))
}

#[derive(Debug, Default, Deserialize)]
struct NewQuery {
    #[serde(default)]
    partenaire: String,
}

async fn new_form(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(query): Query<NewQuery>,
) -> Result<Response, WebError> {
    let form = CreateForm {
        partenaire: query.partenaire,
        role: Role::Agent.as_str().to_string(),
        ..CreateForm::default()
    };
    render_new(&state, &actor, form, FieldErrors::default()).await
}

async fn create(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Form(form): Form<CreateForm>,
) -> Result<Response, WebError> {
    let input = NewUser {
        partner: form.partenaire.parse::<PartnerId>().ok(),
        email: form.email.clone(),
        prenom: form.prenom.clone(),
        nom: form.nom.clone(),
        role: Role::parse(&form.role),
        permission_affectation: form.permission_affectation.is_some(),
    };
    match saved_or_rejected(state.app.create_user(&actor, &input).await)? {
        Ok(_) => Ok(Redirect::to("/bo/utilisateurs?fait=cree").into_response()),
        Err(errors) => render_new(&state, &actor, form, errors).await,
    }
}

// ---------------------------------------------------------------------------
// Edition and archiving.

#[derive(Template)]
#[template(path = "bo/utilisateurs_fiche.html")]
struct EditPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    id: String,
    name: String,
    email: String,
    status: &'static str,
    user_role: &'static str,
    roles: Vec<(String, String)>,
    chosen_role: String,
    permission: bool,
    gives_permission: bool,
    can_archive: bool,
    archived: bool,
    errors: FieldErrors,
    delivery: Option<super::adresses_en_erreur::Badge>,
}

async fn render_edit(
    state: &WebState,
    actor: &Actor,
    user: &User,
    chosen_role: String,
    permission: bool,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let invalid = !errors.is_empty();
    let mut roles = role_choices(actor);
    // The current role stays shown even when the actor may not give it.
    if !roles.iter().any(|(value, _)| value == user.role.as_str()) {
        roles.push((
            user.role.as_str().to_string(),
            user.role.label().to_string(),
        ));
    }
    let page = EditPage {
        platform: &state.settings.platform_name,
        role: role_label(actor),
        section: "utilisateurs",
        id: user.id.to_string(),
        name: format!("{} {}", user.prenom, user.nom),
        email: user.email.clone(),
        status: status_label(user.status),
        user_role: user.role.label(),
        roles,
        chosen_role,
        permission,
        gives_permission: gives_permission(actor),
        can_archive: can(actor, Action::DeleteUser, Resource::User(user)).is_ok(),
        archived: user.status == UserStatus::Archive,
        errors,
        delivery: super::adresses_en_erreur::badge_of(state, &user.email).await?,
    };
    Ok(with_status(invalid, render(&page)))
}

async fn edit_form(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let user = state.app.managed_user(&actor, parse_user(&id)?).await?;
    render_edit(
        &state,
        &actor,
        &user,
        user.role.as_str().to_string(),
        user.has_permission_affectation,
        FieldErrors::default(),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct EditForm {
    #[serde(default)]
    role: String,
    permission_affectation: Option<String>,
}

async fn update(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    Form(form): Form<EditForm>,
) -> Result<Response, WebError> {
    let id = parse_user(&id)?;
    let permission = form.permission_affectation.is_some();
    let result = state
        .app
        .update_user(&actor, id, Role::parse(&form.role), permission)
        .await;
    match saved_or_rejected(result)? {
        Ok(_) => Ok(Redirect::to("/bo/utilisateurs?fait=modifie").into_response()),
        Err(errors) => {
            let user = state.app.managed_user(&actor, id).await?;
            render_edit(&state, &actor, &user, form.role, permission, errors).await
        }
    }
}

async fn archive(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_user(&id)?;
    match state.app.archive_user(&actor, id).await {
        Ok(_) => Ok(Redirect::to("/bo/utilisateurs?fait=archive").into_response()),
        // His own account: said on his page rather than as a bare 403.
        Err(e) if e.refusal() == Some(&Refusal::OwnAccount) => {
            let user = state.app.managed_user(&actor, id).await?;
            render_edit(
                &state,
                &actor,
                &user,
                user.role.as_str().to_string(),
                user.has_permission_affectation,
                FieldErrors::one("archiver", Refusal::OwnAccount.to_string()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
