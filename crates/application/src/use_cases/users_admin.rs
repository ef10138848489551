//! Users administration (features.md §2.13): the accounts an actor manages
//! (`policy::users_scope`), their creation in a partner, the change of
//! role or affectation permission, and archiving. Who may grant which role
//! is decided by the policy (`GrantRole`, `SetUserRole`, §4.1).
//!
//! A refusal on a partner or user outside the actor's scope answers "not
//! found", so that nobody learns what exists in another territory.

use histologe_core::enums::{Role, UserStatus};
use histologe_core::ids::{PartnerId, UserId};
use histologe_core::model::{Membership, Partner, User};
use histologe_core::policy::{self, ListScope};
use histologe_core::search::fold;
use histologe_core::validation::{Email, FieldError, ValidationErrors};
use histologe_core::{Action, Actor, DomainError, Resource, can};
use histologe_ports::{AccountTokenKind, RepoError};

use crate::app::App;
use crate::error::AppError;
use crate::use_cases::account_links::enqueue_activation_link;

const NAME_MAX_CHARS: usize = 50;
const EMAIL_TAKEN: &str = "Un compte existe déjà avec cette adresse e-mail.";

/// A user as the administration list shows him.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedUser {
    pub user: User,
    /// Names of his partners the actor may see.
    pub partners: Vec<String>,
}

/// The filters of the users list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsersQuery {
    /// Part of the first name, name or e-mail (accents and case ignored).
    pub text: String,
    pub partner: Option<PartnerId>,
    /// Archived accounts too; the list of people who work on the
    /// platform leaves them out by default.
    pub with_archived: bool,
}

/// What the creation form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewUser {
    pub partner: Option<PartnerId>,
    pub email: String,
    pub prenom: String,
    pub nom: String,
    pub role: Option<Role>,
    pub permission_affectation: bool,
}

/// The rejected fields of a form, in the order the form shows them.
#[derive(Debug, Clone, PartialEq)]
pub enum UserFormError {
    Invalid(ValidationErrors),
    Other(AppError),
}

impl From<AppError> for UserFormError {
    fn from(e: AppError) -> Self {
        UserFormError::Other(e)
    }
}

impl From<RepoError> for UserFormError {
    fn from(e: RepoError) -> Self {
        UserFormError::Other(e.into())
    }
}

fn one_error(field: &str, code: &'static str, message: &str) -> UserFormError {
    let mut errors = ValidationErrors::new();
    errors.add(field, FieldError::new(code, message));
    UserFormError::Invalid(errors)
}

fn name_field(errors: &mut ValidationErrors, field: &str, label: &str, value: &str) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.add(
            field,
            FieldError::new("name.required", format!("Saisissez le {label}.")),
        );
    } else if value.chars().count() > NAME_MAX_CHARS {
        errors.add(
            field,
            FieldError::new(
                "name.too_long",
                format!("Le {label} ne doit pas dépasser {NAME_MAX_CHARS} caractères."),
            ),
        );
    }
    value.to_string()
}

fn matches_text(user: &User, text: &str) -> bool {
    let text = fold(text.trim());
    text.is_empty()
        || [&user.prenom, &user.nom, &user.email]
            .iter()
            .any(|v| fold(v).contains(&text))
        || fold(&format!("{} {}", user.prenom, user.nom)).contains(&text)
}

impl App {
    /// The partners `actor` may create users in (and filter the list on).
    pub async fn manageable_partners(&self, actor: &Actor) -> Result<Vec<Partner>, AppError> {
        can(actor, Action::ListUsers, Resource::Platform)?;
        let mut partners = match policy::users_scope(actor) {
            ListScope::All => {
                let mut all = Vec::new();
                for territory in self.ports.territories.all().await? {
                    all.extend(self.ports.partners.of_territory(&territory.code).await?);
                }
                all
            }
            ListScope::Territories(territories) => {
                let mut all = Vec::new();
                for territory in territories {
                    all.extend(self.ports.partners.of_territory(&territory).await?);
                }
                all
            }
            ListScope::Partners(ids) => {
                let mut all = Vec::new();
                for id in ids {
                    if let Some(p) = self.ports.partners.get(id).await?
                        && !p.is_archive
                    {
                        all.push(p);
                    }
                }
                all
            }
            ListScope::Nothing => Vec::new(),
        };
        partners.retain(|p| can(actor, Action::CreateUserIn, Resource::Partner(p)).is_ok());
        partners.sort_by(|a, b| {
            (a.territory.as_str(), fold(&a.nom)).cmp(&(b.territory.as_str(), fold(&b.nom)))
        });
        partners.dedup_by_key(|p| p.id);
        Ok(partners)
    }

    /// The users `actor` manages, filtered, by name. Agents are refused.
    pub async fn managed_users(
        &self,
        actor: &Actor,
        query: &UsersQuery,
    ) -> Result<Vec<ManagedUser>, AppError> {
        let partners = self.manageable_partners(actor).await?;
        let mut users: Vec<User> = Vec::new();
        for partner in &partners {
            if query.partner.is_some_and(|wanted| wanted != partner.id) {
                continue;
            }
            let mut of_partner = self.ports.users.of_partner(partner.id).await?;
            if query.with_archived {
                of_partner.extend(self.ports.users.archived_of_partner(partner.id).await?);
            }
            for user in of_partner {
                if !users.iter().any(|u| u.id == user.id) {
                    users.push(user);
                }
            }
        }
        if actor.is_super_admin() && query.partner.is_none() {
            // Super admins may belong to no partner at all.
            for user in self.ports.users.super_admins().await? {
                if !users.iter().any(|u| u.id == user.id) {
                    users.push(user);
                }
            }
        }
        users.retain(|u| {
            can(actor, Action::EditUser, Resource::User(u)).is_ok() && matches_text(u, &query.text)
        });
        users.sort_by(|a, b| {
            (fold(&a.nom), fold(&a.prenom), &a.email).cmp(&(
                fold(&b.nom),
                fold(&b.prenom),
                &b.email,
            ))
        });
        Ok(users
            .into_iter()
            .map(|user| {
                let names = user
                    .memberships
                    .iter()
                    .filter_map(|m| partners.iter().find(|p| p.id == m.partner_id))
                    .map(|p| p.nom.clone())
                    .collect();
                ManagedUser {
                    user,
                    partners: names,
                }
            })
            .collect())
    }

    /// A user `actor` manages; anyone else answers "not found".
    pub async fn managed_user(&self, actor: &Actor, id: UserId) -> Result<User, AppError> {
        can(actor, Action::ListUsers, Resource::Platform)?;
        let user = self
            .ports
            .users
            .get(id)
            .await?
            .ok_or(AppError::NotFound("Utilisateur"))?;
        can(actor, Action::EditUser, Resource::User(&user))
            .map_err(|_| AppError::NotFound("Utilisateur"))?;
        Ok(user)
    }

    /// A live partner `actor` may create users in; anyone else answers
    /// "not found".
    async fn partner_for_new_user(
        &self,
        actor: &Actor,
        id: PartnerId,
    ) -> Result<Partner, AppError> {
        let partner = self
            .ports
            .partners
            .get(id)
            .await?
            .filter(|p| !p.is_archive)
            .ok_or(AppError::NotFound("Partenaire"))?;
        can(actor, Action::CreateUserIn, Resource::Partner(&partner))
            .map_err(|_| AppError::NotFound("Partenaire"))?;
        Ok(partner)
    }

    /// Creates an inactive account in a partner and queues its activation
    /// e-mail in the same transaction.
    ///
    /// # Errors
    /// `UserFormError::Invalid` for the fields to correct (e-mail taken,
    /// role the actor may not grant…); `NotFound` for a partner out of the
    /// actor's scope; a refusal when he manages no users at all.
    pub async fn create_user(&self, actor: &Actor, input: &NewUser) -> Result<User, UserFormError> {
        can(actor, Action::ListUsers, Resource::Platform).map_err(AppError::from)?;
        let Some(partner_id) = input.partner else {
            return Err(one_error(
                "partenaire",
                "partner.required",
                "Choisissez le partenaire du compte.",
            ));
        };
        let partner = self.partner_for_new_user(actor, partner_id).await?;
        let mut errors = ValidationErrors::new();
        let email = match Email::parse(&input.email) {
            Ok(email) => Some(email),
            Err(e) => {
                errors.add("email", e);
                None
            }
        };
        let prenom = name_field(&mut errors, "prenom", "prénom", &input.prenom);
        let nom = name_field(&mut errors, "nom", "nom", &input.nom);
        match input.role {
            None => errors.add(
                "role",
                FieldError::new("role.required", "Choisissez le rôle du compte."),
            ),
            Some(role) => {
                if can(actor, Action::GrantRole(role), Resource::Partner(&partner)).is_err() {
                    errors.add(
                        "role",
                        FieldError::new(
                            "role.not_grantable",
                            "Vous ne pouvez pas attribuer ce rôle.",
                        ),
                    );
                }
            }
        }
        if input.permission_affectation
            && can(
                actor,
                Action::AssignPermissionAffectation,
                Resource::Partner(&partner),
            )
            .is_err()
        {
            errors.add(
                "permission_affectation",
                FieldError::new(
                    "permission.not_grantable",
                    "Seuls les responsables de territoire peuvent donner le droit d'affecter des partenaires.",
                ),
            );
        }
        if let Some(email) = &email
            && self.ports.users.by_email(email.as_str()).await?.is_some()
        {
            errors.add("email", FieldError::new("email.taken", EMAIL_TAKEN));
        }
        let (Some(email), Some(role), true) = (email, input.role, errors.is_empty()) else {
            return Err(UserFormError::Invalid(errors));
        };
        let now = self.now();
        let user = User {
            id: UserId(self.ports.ids.uuid()),
            email: email.as_str().to_lowercase(),
            prenom,
            nom,
            role,
            status: UserStatus::Inactive,
            has_permission_affectation: input.permission_affectation,
            memberships: vec![Membership {
                partner_id: partner.id,
                territory: partner.territory.clone(),
                partner_type: partner.partner_type,
                competences: partner.competences.clone(),
            }],
            is_mailing_active: true,
            is_mailing_summary: true,
            last_login_at: None,
            created_at: now,
        };
        let mut tx = self.ports.uow.begin().await?;
        match tx.insert_user(&user).await {
            Ok(()) => {}
            // Taken between the check and the insert.
            Err(RepoError::Duplicate(_)) => {
                return Err(one_error("email", "email.taken", EMAIL_TAKEN));
            }
            Err(e) => return Err(e.into()),
        }
        enqueue_activation_link(tx.as_mut(), self.ports.ids.as_ref(), now, user.id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Changes the role and the affectation permission of a user.
    ///
    /// # Errors
    /// `UserFormError::Invalid` for a role the actor may not give (or his
    /// own role raised); `NotFound` for a user out of his scope.
    pub async fn update_user(
        &self,
        actor: &Actor,
        id: UserId,
        role: Option<Role>,
        permission_affectation: bool,
    ) -> Result<User, UserFormError> {
        let mut user = self.managed_user(actor, id).await?;
        let Some(role) = role else {
            return Err(one_error(
                "role",
                "role.required",
                "Choisissez le rôle du compte.",
            ));
        };
        let mut errors = ValidationErrors::new();
        if let Err(refusal) = can(actor, Action::SetUserRole(role), Resource::User(&user)) {
            let message = match refusal {
                policy::Refusal::OwnAccount => refusal.to_string(),
                _ => "Vous ne pouvez pas attribuer ce rôle.".to_string(),
            };
            errors.add("role", FieldError::new("role.not_grantable", message));
        }
        if permission_affectation != user.has_permission_affectation {
            let mut allowed = false;
            for m in &user.memberships {
                if let Some(p) = self.ports.partners.get(m.partner_id).await?
                    && can(
                        actor,
                        Action::AssignPermissionAffectation,
                        Resource::Partner(&p),
                    )
                    .is_ok()
                {
                    allowed = true;
                }
            }
            if !allowed {
                errors.add(
                    "permission_affectation",
                    FieldError::new(
                        "permission.not_grantable",
                        "Seuls les responsables de territoire peuvent changer le droit d'affecter des partenaires.",
                    ),
                );
            }
        }
        if !errors.is_empty() {
            return Err(UserFormError::Invalid(errors));
        }
        user.role = role;
        user.has_permission_affectation = permission_affectation;
        self.ports.users.update(&user).await?;
        Ok(user)
    }

    /// Archives (deactivates) a user: he can no longer log in, his open
    /// sessions end and his unused e-mailed links stop working. Archiving
    /// an archived user changes nothing.
    pub async fn archive_user(&self, actor: &Actor, id: UserId) -> Result<User, AppError> {
        let mut user = self.managed_user(actor, id).await?;
        can(actor, Action::DeleteUser, Resource::User(&user))?;
        if user.status != UserStatus::Archive {
            user.status = UserStatus::Archive;
            self.ports.users.update(&user).await?;
        }
        self.end_account_access(user.id, self.now()).await?;
        Ok(user)
    }

    /// What an archived account loses: its open sessions and its unused
    /// e-mailed links (by an administrator, or by the inactivity timer).
    pub(crate) async fn end_account_access(
        &self,
        user: UserId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AppError> {
        self.ports.sessions.delete_for_user(user).await?;
        for kind in [
            AccountTokenKind::Activation,
            AccountTokenKind::PasswordReset,
        ] {
            self.ports
                .account_tokens
                .revoke_tokens(user, kind, now)
                .await?;
        }
        Ok(())
    }
}

impl From<UserFormError> for AppError {
    fn from(e: UserFormError) -> Self {
        match e {
            UserFormError::Other(e) => e,
            UserFormError::Invalid(errors) => match errors.iter().next() {
                Some((field, error)) => DomainError::invalid(field, error.message.clone()).into(),
                None => DomainError::invalid("form", "Formulaire invalide.").into(),
            },
        }
    }
}
