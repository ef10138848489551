//! The permission policy (domain.md §4): one function answering "may this
//! actor do this to this resource?". Use cases ask it before every change,
//! the web layer asks it to show or hide a button; nothing else decides.
//!
//! Where the reference platform was lax (§8.1, §8.3) this policy is not:
//! super admins follow the status rules like everyone, the NDE view is
//! scoped to the territory, and the reopen checks live here, not in a
//! template.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::actor::{Actor, StaffUser};
use crate::enums::{
    AffectationStatus, DocumentType, Qualification, Role, SignalementStatus, SuiviCategory,
};
use crate::model::{Affectation, Case, FileMeta, Intervention, Partner, Suivi, User};
use crate::territory_code::TerritoryCode;

/// How long the author of a partner suivi may edit or delete it (rule 21).
pub const SUIVI_EDIT_WINDOW: Duration = Duration::minutes(20);
/// How long after closure an usager may still post one message (rule 22).
pub const POST_CLOTURE_WINDOW: Duration = Duration::days(30);
/// Minimum delay between two "continue the procedure" requests.
pub const POURSUITE_INTERVAL: Duration = Duration::days(20);

/// What an actor wants to do. Actions that depend on time carry `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    // On a signalement (`Resource::Signalement`).
    ViewSignalement,
    /// Accept or refuse a new signalement.
    ValidateSignalement,
    CloseSignalement,
    ReopenSignalement,
    ArchiveSignalement,
    ReactivateSignalement,
    EditSignalement,
    CreateSuivi,
    SeeAffectations,
    /// Affect or unaffect a partner.
    ToggleAffectation,
    Subscribe,
    /// Stop following the case. `colleague_follows`: another member of the
    /// actor's partner in the territory follows it (domain.md §4.3).
    Unsubscribe {
        colleague_follows: bool,
    },
    /// Add or remove a territory tag (étiquette) on the case.
    EditTags,
    AddVisite,
    AddFile,
    SwitchLogementVacant,
    SeeNde,
    ViewHistory,
    // Usager (tracking page) on his signalement.
    UsagerView,
    UsagerPostMessage {
        now: DateTime<Utc>,
    },
    UsagerEdit,
    UsagerAskAbandon,
    UsagerAskPoursuite {
        now: DateTime<Utc>,
    },
    UsagerBasculeProcedure,
    /// End a landlord injunction and follow the usual procedure (the
    /// usager's choice, the landlord's refusal or the three-week timer).
    SwitchToProcedure,
    // On an affectation (`Resource::Affectation`).
    AnswerAffectation,
    CancelAffectationRefusal,
    CloseAffectation,
    ReopenAffectation,
    ReinitAffectation,
    // On a suivi (`Resource::Suivi`).
    EditSuivi {
        now: DateTime<Utc>,
    },
    DeleteSuivi {
        now: DateTime<Utc>,
    },
    // On a visit (`Resource::Intervention`).
    EditVisite,
    // On a file (`Resource::File`).
    ViewFile,
    EditFile,
    DeleteFile,
    // Creation (`Resource::Territory`).
    SubmitPublicForm,
    CreateSignalementPro,
    CreatePartner,
    ManageTags,
    ManageAutoAffectationRules,
    // Administration.
    /// Open a partner's page (`Resource::Partner`): its administrators,
    /// and a partner admin his own partner, read only.
    ViewPartner,
    /// Change or archive a partner: a super admin, or an RT of its
    /// territory (partner admins and agents never).
    EditPartner,
    CreateUserIn,
    GrantRole(Role),
    /// Let the users of the partner affect partners ("peut affecter des
    /// partenaires").
    AssignPermissionAffectation,
    EditUser,
    /// Give an existing user this role (`Resource::User`).
    SetUserRole(Role),
    /// Archive (deactivate) a user.
    DeleteUser,
    /// Choose how one hears of one's notifications by e-mail: one's own
    /// account only, whatever the role.
    SetMailingPreference,
    /// Open the users administration (`Resource::Platform`); what each
    /// actor sees in it is `users_scope`.
    ListUsers,
    // On the whole platform (`Resource::Platform`).
    /// Turn the maintenance mode on or off.
    ManageMaintenance,
    /// See the job queue and retry or abandon dead jobs
    /// (`Resource::Platform`).
    ManageJobQueue,
    /// Read the statistics (of the actor's list scope).
    ViewStatistics,
    /// List the accounts whose e-mail address is undeliverable: a super
    /// admin all of them, a territory admin those of his territories.
    ViewDeliveryIssues,
    /// Read the e-mails of the local outbox (the embedded default's mail
    /// catcher): they hold every account's links, so super admins only.
    ReadMailOutbox,
    /// Record what the mail provider reports about an address (its
    /// webhook, once authenticated, acts as the platform).
    RecordDeliveryReport,
    /// Open the partners administration; what it shows each actor is
    /// `administered_scope`.
    ListPartners,
    /// Open or close territories and set their communes (national).
    ManageTerritories,
    /// Open the auto-affectation rules; each rule is then checked with
    /// `ManageAutoAffectationRules` on its territory.
    ListAutoAffectationRules,
}

/// What the action is done to.
#[derive(Debug, Clone, Copy)]
pub enum Resource<'a> {
    Signalement(&'a Case),
    Affectation(&'a Case, &'a Affectation),
    Suivi(&'a Case, &'a Suivi),
    Intervention(&'a Case, &'a Intervention),
    File(&'a Case, &'a FileMeta),
    Territory(&'a TerritoryCode),
    Partner(&'a Partner),
    User(&'a User),
    /// The platform as a whole (maintenance mode).
    Platform,
}

/// Why an action is refused. The web layer turns `OutOfScope` and
/// `NotAuthenticated` into answers that reveal nothing of the resource.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum Refusal {
    #[error("Vous devez vous connecter pour accéder à cette page.")]
    NotAuthenticated,
    #[error("Ce dossier n'existe pas ou vous n'y avez pas accès.")]
    OutOfScope,
    #[error("Votre rôle ne permet pas cette action.")]
    InsufficientRole,
    #[error("Seuls les membres du partenaire concerné peuvent répondre à cette affectation.")]
    NotMember,
    #[error("Cette action n'est pas possible quand le dossier est « {status} ».")]
    StatusForbids { status: String },
    #[error("Cette affectation est synchronisée avec Esabora : répondez-y dans Esabora.")]
    SynchronizedWithEsabora,
    #[error("Le logement est déclaré vacant : aucun échange avec l'usager n'est possible.")]
    LogementVacant,
    #[error("Le délai pour cette action est dépassé.")]
    WindowClosed,
    #[error("Cette demande a déjà été faite.")]
    AlreadyDone,
    #[error("Cette action ne s'applique pas à cet élément.")]
    NotApplicable,
    #[error(
        "Choisissez au moins un filtre avant d'exporter : l'export de tous les signalements n'est pas proposé."
    )]
    ExportNeedsFilter,
    #[error(
        "Vous êtes le dernier agent de votre partenaire à suivre ce dossier : un collègue doit le suivre avant que vous ne le quittiez."
    )]
    LastFollowerOfPartner,
    #[error("Vous ne pouvez ni archiver votre propre compte ni élever votre propre rôle.")]
    OwnAccount,
}

pub type Decision = Result<(), Refusal>;

fn allow_if(cond: bool, refusal: Refusal) -> Decision {
    if cond { Ok(()) } else { Err(refusal) }
}

fn status_forbids(status: SignalementStatus) -> Refusal {
    Refusal::StatusForbids {
        status: status.label().to_string(),
    }
}

fn need_status(case: &Case, allowed: &[SignalementStatus]) -> Decision {
    let status = case.signalement.status;
    allow_if(allowed.contains(&status), status_forbids(status))
}

use SignalementStatus as S;

/// The permission policy. `Ok(())` allows; `Err` says why not.
pub fn can(actor: &Actor, action: Action, resource: Resource<'_>) -> Decision {
    match actor {
        Actor::Anonymous => anonymous(action, resource),
        Actor::System => system(action, resource),
        Actor::Staff(user) => staff(user, action, resource),
        Actor::Usager(session) => match resource {
            Resource::Signalement(case) if case.signalement.id == session.signalement_id => {
                usager(action, case)
            }
            Resource::File(case, file) if case.signalement.id == session.signalement_id => {
                match action {
                    Action::ViewFile => {
                        usager(Action::UsagerView, case)?;
                        allow_if(file.is_visible_for_usager, Refusal::OutOfScope)
                    }
                    _ => Err(Refusal::InsufficientRole),
                }
            }
            Resource::Territory(_) if action == Action::SubmitPublicForm => Ok(()),
            _ => Err(Refusal::OutOfScope),
        },
        Actor::Api(client) => api(client, action, resource),
    }
}

fn anonymous(action: Action, resource: Resource<'_>) -> Decision {
    match (action, resource) {
        (Action::SubmitPublicForm, Resource::Territory(_)) => Ok(()),
        _ => Err(Refusal::NotAuthenticated),
    }
}

/// The platform acts on its own only through the automatic paths of §3:
/// auto-affectation, injonction timers, interconnection sync, reminders.
fn system(action: Action, resource: Resource<'_>) -> Decision {
    match (action, resource) {
        (Action::SubmitPublicForm, _) => Ok(()),
        (Action::RecordDeliveryReport, Resource::Platform) => Ok(()),
        (Action::ValidateSignalement, Resource::Signalement(case)) => {
            need_status(case, &[S::NeedValidation])
        }
        (Action::SwitchToProcedure, Resource::Signalement(case)) => {
            need_status(case, &[S::InjonctionBailleur])
        }
        (Action::ToggleAffectation, Resource::Signalement(case)) => {
            need_status(case, &[S::NeedValidation, S::Active, S::InjonctionBailleur])
        }
        (Action::CreateSuivi, Resource::Signalement(case)) => need_status(
            case,
            &[
                S::NeedValidation,
                S::Active,
                S::InjonctionBailleur,
                S::Closed,
            ],
        ),
        (
            Action::AnswerAffectation | Action::CloseAffectation | Action::ReopenAffectation,
            Resource::Affectation(case, _),
        ) => need_status(case, &[S::Active, S::InjonctionBailleur]),
        _ => Err(Refusal::InsufficientRole),
    }
}

fn staff(user: &StaffUser, action: Action, resource: Resource<'_>) -> Decision {
    match resource {
        Resource::Signalement(case) => staff_on_signalement(user, action, case),
        Resource::Affectation(case, affectation) => {
            staff_on_affectation(user, action, case, affectation)
        }
        Resource::Suivi(case, suivi) => staff_on_suivi(user, action, case, suivi),
        Resource::Intervention(case, intervention) => match action {
            Action::EditVisite => edit_visite(user, case, intervention),
            _ => Err(Refusal::NotApplicable),
        },
        Resource::File(case, file) => staff_on_file(user, action, case, file),
        Resource::Territory(territory) => staff_on_territory(user, action, territory),
        Resource::Partner(partner) => staff_on_partner(user, action, partner),
        Resource::User(subject) => staff_on_user(user, action, subject),
        Resource::Platform => staff_on_platform(user, action),
    }
}

/// Platform-wide switches are national: only a super admin touches them.
fn staff_on_platform(user: &StaffUser, action: Action) -> Decision {
    match action {
        Action::ManageMaintenance | Action::ManageJobQueue | Action::ReadMailOutbox => {
            allow_if(user.is_super_admin(), Refusal::InsufficientRole)
        }
        Action::ViewDeliveryIssues => allow_if(
            user.role.includes(Role::TerritoryAdmin),
            Refusal::InsufficientRole,
        ),
        // Every staff member, on his list scope only (`list_scope`).
        Action::ViewStatistics => Ok(()),
        Action::ListUsers => allow_if(
            user.role.includes(Role::PartnerAdmin),
            Refusal::InsufficientRole,
        ),
        Action::ListPartners | Action::ListAutoAffectationRules => allow_if(
            user.role.includes(Role::TerritoryAdmin),
            Refusal::InsufficientRole,
        ),
        Action::ManageTerritories => allow_if(user.is_super_admin(), Refusal::InsufficientRole),
        _ => Err(Refusal::NotApplicable),
    }
}

/// SIGN_VIEW (§4.3, rule 9), plus the creator's own drafts.
fn view_signalement(user: &StaffUser, case: &Case) -> Decision {
    let s = &case.signalement;
    if s.status == S::Draft {
        return allow_if(
            s.created_by == Some(user.id) || user.is_super_admin(),
            Refusal::OutOfScope,
        );
    }
    if s.status == S::DraftArchived {
        return Err(Refusal::OutOfScope);
    }
    if user.is_super_admin() {
        return Ok(());
    }
    if s.status == S::Archived || !user.has_partner_in(&s.territory) {
        return Err(Refusal::OutOfScope);
    }
    allow_if(
        user.is_rt_of(&s.territory) || user.own_affectation(case).is_some(),
        Refusal::OutOfScope,
    )
}

/// Own partner's affectation is ACCEPTED.
fn has_accepted_affectation(user: &StaffUser, case: &Case) -> bool {
    user.own_affectation(case)
        .is_some_and(|a| a.status == AffectationStatus::Accepted)
}

fn staff_on_signalement(user: &StaffUser, action: Action, case: &Case) -> Decision {
    // Nothing is possible on a case one may not see, and saying "wrong
    // status" there would reveal that it exists.
    view_signalement(user, case)?;
    let s = &case.signalement;
    let territory = &s.territory;
    let admin = user.administers(territory);
    match action {
        Action::ViewSignalement => Ok(()),
        Action::ViewHistory => allow_if(admin, Refusal::InsufficientRole),
        Action::ValidateSignalement => {
            need_status(case, &[S::NeedValidation])?;
            allow_if(admin, Refusal::InsufficientRole)
        }
        Action::CloseSignalement => {
            need_status(case, &[S::Active])?;
            allow_if(admin, Refusal::InsufficientRole)
        }
        Action::ReopenSignalement | Action::ArchiveSignalement => {
            need_status(case, &[S::Closed, S::Refused])?;
            allow_if(admin, Refusal::InsufficientRole)
        }
        Action::ReactivateSignalement => {
            need_status(case, &[S::Archived])?;
            allow_if(user.is_super_admin(), Refusal::InsufficientRole)
        }
        Action::EditSignalement => match s.status {
            S::Active | S::InjonctionBailleur => allow_if(
                admin || has_accepted_affectation(user, case),
                Refusal::InsufficientRole,
            ),
            S::NeedValidation | S::Closed => allow_if(admin, Refusal::InsufficientRole),
            S::Draft => Ok(()),
            other => Err(status_forbids(other)),
        },
        Action::CreateSuivi => {
            need_status(case, &[S::Active, S::InjonctionBailleur])?;
            allow_if(
                admin || has_accepted_affectation(user, case),
                Refusal::InsufficientRole,
            )
        }
        Action::AddVisite => {
            need_status(case, &[S::Active])?;
            allow_if(
                admin
                    || (has_accepted_affectation(user, case)
                        && user.has_competence_in(territory, Qualification::Visites)),
                Refusal::InsufficientRole,
            )
        }
        Action::SeeAffectations => see_affectations(user, case),
        Action::ToggleAffectation => {
            see_affectations(user, case)?;
            need_status(case, &[S::Active, S::InjonctionBailleur])
        }
        Action::Subscribe => {
            let status = s.status;
            allow_if(
                !matches!(status, S::InjonctionBailleur | S::Closed),
                status_forbids(status),
            )
        }
        Action::Unsubscribe { colleague_follows } => {
            staff_on_signalement(user, Action::Subscribe, case)?;
            // The partner that took the case keeps someone on it.
            allow_if(
                colleague_follows || !has_accepted_affectation(user, case),
                Refusal::LastFollowerOfPartner,
            )
        }
        Action::EditTags => allow_if(admin, Refusal::InsufficientRole),
        Action::AddFile => match s.status {
            S::Closed => allow_if(admin, Refusal::InsufficientRole),
            S::Draft => Ok(()),
            S::NeedValidation => allow_if(admin, Refusal::InsufficientRole),
            S::Active | S::InjonctionBailleur => allow_if(
                admin || user.own_affectation(case).is_some(),
                Refusal::InsufficientRole,
            ),
            other => Err(status_forbids(other)),
        },
        Action::SwitchLogementVacant => {
            need_status(case, &[S::NeedValidation, S::Active])?;
            allow_if(admin, Refusal::InsufficientRole)
        }
        Action::SwitchToProcedure => {
            need_status(case, &[S::InjonctionBailleur])?;
            allow_if(admin, Refusal::InsufficientRole)
        }
        Action::SeeNde => allow_if(
            admin || user.has_competence_in(territory, Qualification::NonDecenceEnergetique),
            Refusal::InsufficientRole,
        ),
        _ => Err(Refusal::NotApplicable),
    }
}

/// SIGN_AFFECTATION_SEE.
fn see_affectations(user: &StaffUser, case: &Case) -> Decision {
    let s = &case.signalement;
    if s.status == S::NeedValidation {
        return Err(status_forbids(s.status));
    }
    allow_if(
        user.administers(&s.territory)
            || (user.has_partner_in(&s.territory) && user.has_permission_affectation),
        Refusal::InsufficientRole,
    )
}

/// AffectationVoter (§4.4, rules 12–13). Only members of the partner
/// answer; a super admin does not answer on behalf of another partner.
fn staff_on_affectation(
    user: &StaffUser,
    action: Action,
    case: &Case,
    affectation: &Affectation,
) -> Decision {
    view_signalement(user, case)?;
    let territory = &case.signalement.territory;
    let answer = |expected: AffectationStatus| -> Decision {
        let member = user
            .membership_in(&affectation.territory)
            .is_some_and(|m| m.partner_id == affectation.partner_id);
        allow_if(member, Refusal::NotMember)?;
        need_status(case, &[S::Active, S::InjonctionBailleur])?;
        allow_if(
            !affectation.is_synchronized_with_esabora(),
            Refusal::SynchronizedWithEsabora,
        )?;
        allow_if(
            affectation.status == expected,
            Refusal::StatusForbids {
                status: affectation.status.label().to_string(),
            },
        )
    };
    match action {
        Action::AnswerAffectation => answer(AffectationStatus::Wait),
        Action::CancelAffectationRefusal => answer(AffectationStatus::Refused),
        Action::CloseAffectation => answer(AffectationStatus::Accepted),
        Action::ReopenAffectation => answer(AffectationStatus::Closed),
        Action::ReinitAffectation => {
            need_status(case, &[S::Active, S::InjonctionBailleur])?;
            allow_if(
                matches!(
                    affectation.status,
                    AffectationStatus::Closed | AffectationStatus::Refused
                ),
                Refusal::StatusForbids {
                    status: affectation.status.label().to_string(),
                },
            )?;
            allow_if(user.administers(territory), Refusal::InsufficientRole)
        }
        _ => Err(Refusal::NotApplicable),
    }
}

/// Suivi edit and delete (§4.4, rule 21).
fn staff_on_suivi(user: &StaffUser, action: Action, case: &Case, suivi: &Suivi) -> Decision {
    view_signalement(user, case)?;
    let author_may_edit = |now: DateTime<Utc>| -> Decision {
        allow_if(!suivi.is_deleted(), Refusal::AlreadyDone)?;
        allow_if(
            suivi.category == SuiviCategory::MessagePartner && suivi.created_by == Some(user.id),
            Refusal::InsufficientRole,
        )?;
        allow_if(
            suivi.waiting_notification && now - suivi.created_at < SUIVI_EDIT_WINDOW,
            Refusal::WindowClosed,
        )
    };
    match action {
        Action::EditSuivi { now } => author_may_edit(now),
        Action::DeleteSuivi { now } => {
            if user.is_super_admin() {
                allow_if(!suivi.is_deleted(), Refusal::AlreadyDone)
            } else {
                author_may_edit(now)
            }
        }
        _ => Err(Refusal::NotApplicable),
    }
}

/// EDIT_VISITE (§4.4).
fn edit_visite(user: &StaffUser, case: &Case, intervention: &Intervention) -> Decision {
    view_signalement(user, case)?;
    need_status(case, &[S::Active])?;
    let territory = &case.signalement.territory;
    if user.administers(territory) {
        return Ok(());
    }
    let own_partner_visit = user.membership_in(territory).is_some_and(|m| {
        Some(m.partner_id) == intervention.partner_id
            && m.competences.contains(&Qualification::Visites)
    });
    allow_if(
        own_partner_visit && has_accepted_affectation(user, case),
        Refusal::InsufficientRole,
    )
}

fn staff_on_file(user: &StaffUser, action: Action, case: &Case, file: &FileMeta) -> Decision {
    view_signalement(user, case)?;
    let admin = user.administers(&case.signalement.territory);
    let uploader = file.uploaded_by == Some(user.id);
    match action {
        Action::ViewFile => Ok(()),
        Action::EditFile => {
            let visit_report = file.document_type == DocumentType::ProcedureRapportDeVisite
                && file.intervention_id.is_some();
            allow_if(
                !visit_report && file.document_type != DocumentType::MessageBailleur,
                Refusal::NotApplicable,
            )?;
            staff_on_signalement(user, Action::AddFile, case)?;
            allow_if(uploader || admin, Refusal::InsufficientRole)
        }
        Action::DeleteFile => {
            if user.is_super_admin() {
                return Ok(());
            }
            staff_on_signalement(user, Action::AddFile, case)?;
            allow_if(
                uploader || (file.is_partner_file() && admin),
                Refusal::InsufficientRole,
            )
        }
        _ => Err(Refusal::NotApplicable),
    }
}

fn staff_on_territory(user: &StaffUser, action: Action, territory: &TerritoryCode) -> Decision {
    match action {
        Action::SubmitPublicForm => Ok(()),
        Action::CreateSignalementPro => allow_if(
            user.is_super_admin() || user.has_partner_in(territory),
            Refusal::OutOfScope,
        ),
        // The rules of a territory are its RTs' business as much as its
        // partners are (the reference kept them to super admins).
        Action::CreatePartner | Action::ManageTags | Action::ManageAutoAffectationRules => {
            allow_if(user.administers(territory), Refusal::InsufficientRole)
        }
        _ => Err(Refusal::NotApplicable),
    }
}

/// Partner management (§4.4): a partner admin manages his own partner, an
/// RT the partners of his territory.
fn staff_on_partner(user: &StaffUser, action: Action, partner: &Partner) -> Decision {
    let manages = user.is_super_admin()
        || user.is_rt_of(&partner.territory)
        || (user.role == Role::PartnerAdmin && user.partner_ids().any(|p| p == partner.id));
    match action {
        Action::ViewPartner => allow_if(manages, Refusal::InsufficientRole),
        // An archived partner is kept for its history, no longer changed.
        Action::EditPartner => {
            allow_if(
                user.administers(&partner.territory),
                Refusal::InsufficientRole,
            )?;
            allow_if(!partner.is_archive, Refusal::NotApplicable)
        }
        Action::CreateUserIn => allow_if(manages, Refusal::InsufficientRole),
        // Who may grant which role (§4.1): super admin any; RT up to RT;
        // partner admin up to partner admin. Nobody grants the API role
        // through the partner screens.
        Action::GrantRole(role) => {
            allow_if(manages, Refusal::InsufficientRole)?;
            allow_if(may_grant(user.role, role), Refusal::InsufficientRole)
        }
        // ASSIGN_PERMISSION_AFFECTATION (§4.4): RT+ of the partner's territory.
        Action::AssignPermissionAffectation => allow_if(
            user.administers(&partner.territory),
            Refusal::InsufficientRole,
        ),
        _ => Err(Refusal::NotApplicable),
    }
}

/// Who may grant which role (§4.1): super admin any; RT up to RT; partner
/// admin up to partner admin. Nobody grants the API role through the user
/// screens.
fn may_grant(granter: Role, role: Role) -> bool {
    match granter {
        Role::SuperAdmin => !matches!(role, Role::ApiUser | Role::Usager),
        Role::TerritoryAdmin => matches!(
            role,
            Role::TerritoryAdmin | Role::PartnerAdmin | Role::Agent
        ),
        Role::PartnerAdmin => matches!(role, Role::PartnerAdmin | Role::Agent),
        _ => false,
    }
}

/// UserVoter (§4.4). A partner admin manages the users of his partners, an
/// RT those of his territories; nobody but a super admin touches a super
/// admin or an API account.
fn staff_on_user(user: &StaffUser, action: Action, subject: &User) -> Decision {
    if action == Action::SetMailingPreference {
        // Not even an administrator chooses what lands in someone else's
        // mailbox.
        return allow_if(subject.id == user.id, Refusal::OutOfScope);
    }
    // API accounts are managed with their permissions, never through the
    // user screens; only a super admin touches a super admin.
    if subject.role == Role::ApiUser || (subject.role == Role::SuperAdmin && !user.is_super_admin())
    {
        return Err(Refusal::InsufficientRole);
    }
    let own_account = subject.id == user.id;
    let manages = if user.is_super_admin() {
        true
    } else {
        let outranked = subject.role.rank() > user.role.rank();
        let shares_territory = subject
            .memberships
            .iter()
            .any(|m| user.is_rt_of(&m.territory));
        let shares_partner = subject
            .memberships
            .iter()
            .any(|m| user.partner_ids().any(|p| p == m.partner_id));
        !outranked
            && match user.role {
                Role::TerritoryAdmin => shares_territory,
                Role::PartnerAdmin => shares_partner,
                _ => false,
            }
    };
    match action {
        Action::EditUser => allow_if(manages, Refusal::InsufficientRole),
        Action::SetUserRole(role) => {
            allow_if(manages, Refusal::InsufficientRole)?;
            allow_if(may_grant(user.role, role), Refusal::InsufficientRole)?;
            allow_if(
                !own_account || role.rank() <= subject.role.rank(),
                Refusal::OwnAccount,
            )
        }
        Action::DeleteUser => {
            allow_if(
                manages && user.role.includes(Role::TerritoryAdmin),
                Refusal::InsufficientRole,
            )?;
            allow_if(!own_account, Refusal::OwnAccount)
        }
        _ => Err(Refusal::NotApplicable),
    }
}

/// The usager's rights on his own case (§4.5, rule 22).
fn usager(action: Action, case: &Case) -> Decision {
    let s = &case.signalement;
    if matches!(s.status, S::Draft | S::DraftArchived | S::Archived) {
        return Err(Refusal::OutOfScope);
    }
    let not_vacant = || allow_if(!s.is_logement_vacant(), Refusal::LogementVacant);
    let open = [S::NeedValidation, S::Active, S::InjonctionBailleur];
    match action {
        Action::UsagerView => Ok(()),
        Action::UsagerPostMessage { now } => {
            not_vacant()?;
            if open.contains(&s.status) {
                return Ok(());
            }
            need_status(case, &[S::Closed])?;
            let within = s.closed_at.is_some_and(|at| now < at + POST_CLOTURE_WINDOW);
            allow_if(within, Refusal::WindowClosed)?;
            allow_if(
                !case.has_suivi(SuiviCategory::MessageUsagerPostCloture),
                Refusal::AlreadyDone,
            )
        }
        Action::UsagerEdit | Action::AddFile => {
            not_vacant()?;
            need_status(case, &open)
        }
        Action::UsagerAskAbandon => {
            need_status(case, &open)?;
            allow_if(!s.is_usager_abandon_procedure, Refusal::AlreadyDone)
        }
        Action::UsagerAskPoursuite { now } => {
            need_status(case, &open)?;
            let recent = s
                .last_poursuite_request_at
                .is_some_and(|at| now - at < POURSUITE_INTERVAL);
            allow_if(!recent, Refusal::WindowClosed)
        }
        Action::UsagerBasculeProcedure | Action::SwitchToProcedure => {
            not_vacant()?;
            need_status(case, &[S::InjonctionBailleur])
        }
        _ => Err(Refusal::InsufficientRole),
    }
}

/// API clients act for their permitted partners only (§4.6).
fn api(client: &crate::actor::ApiClient, action: Action, resource: Resource<'_>) -> Decision {
    let sees = |case: &Case| {
        // Soft-deleted and draft cases are nobody's through the API.
        let listed = !matches!(
            case.signalement.status,
            S::Archived | S::Draft | S::DraftArchived
        );
        let concerned = case
            .affectations
            .iter()
            .any(|a| client.acts_for(a.partner_id))
            || case
                .signalement
                .created_by_partner
                .is_some_and(|p| client.acts_for(p));
        listed && concerned
    };
    let accepted_for_client = |case: &Case| {
        case.affectations
            .iter()
            .any(|a| client.acts_for(a.partner_id) && a.status == AffectationStatus::Accepted)
    };
    match resource {
        Resource::Territory(territory) => match action {
            Action::CreateSignalementPro => allow_if(
                client.partners.iter().any(|m| &m.territory == territory),
                Refusal::OutOfScope,
            ),
            _ => Err(Refusal::InsufficientRole),
        },
        Resource::Signalement(case) => {
            allow_if(sees(case), Refusal::OutOfScope)?;
            match action {
                Action::ViewSignalement => Ok(()),
                Action::CreateSuivi | Action::AddFile => {
                    need_status(case, &[S::Active])?;
                    allow_if(accepted_for_client(case), Refusal::InsufficientRole)
                }
                Action::AddVisite => {
                    need_status(case, &[S::Active])?;
                    let visits = client.partners.iter().any(|m| {
                        m.competences.contains(&Qualification::Visites)
                            && case
                                .affectation_of(m.partner_id)
                                .is_some_and(|a| a.status == AffectationStatus::Accepted)
                    });
                    allow_if(visits, Refusal::InsufficientRole)
                }
                _ => Err(Refusal::InsufficientRole),
            }
        }
        Resource::Affectation(case, affectation) => {
            allow_if(sees(case), Refusal::OutOfScope)?;
            allow_if(client.acts_for(affectation.partner_id), Refusal::NotMember)?;
            need_status(case, &[S::Active])?;
            allow_if(
                !affectation.is_synchronized_with_esabora(),
                Refusal::SynchronizedWithEsabora,
            )?;
            let expected = match action {
                Action::AnswerAffectation => AffectationStatus::Wait,
                Action::CancelAffectationRefusal => AffectationStatus::Refused,
                Action::CloseAffectation => AffectationStatus::Accepted,
                Action::ReopenAffectation => AffectationStatus::Closed,
                _ => return Err(Refusal::InsufficientRole),
            };
            allow_if(
                affectation.status == expected,
                Refusal::StatusForbids {
                    status: affectation.status.label().to_string(),
                },
            )
        }
        _ => Err(Refusal::InsufficientRole),
    }
}

/// Which signalements a list may show to an actor (§4.2, rule 9): the same
/// scope the policy applies one case at a time, as data a repository turns
/// into a query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListScope {
    /// Super admin.
    All,
    /// RT: every case of these territories.
    Territories(Vec<TerritoryCode>),
    /// Agent or partner admin: cases of his territories affected to one of
    /// his partners; a status filter applies to the affectation's status.
    Partners(Vec<crate::ids::PartnerId>),
    Nothing,
}

pub fn list_scope(actor: &Actor) -> ListScope {
    match actor {
        Actor::Staff(user) if user.is_super_admin() => ListScope::All,
        Actor::Staff(user) if user.role == Role::TerritoryAdmin => {
            ListScope::Territories(user.territories().cloned().collect())
        }
        Actor::Staff(user) => ListScope::Partners(user.partner_ids().collect()),
        Actor::Api(client) => {
            ListScope::Partners(client.partners.iter().map(|m| m.partner_id).collect())
        }
        _ => ListScope::Nothing,
    }
}

/// Whose accounts the users administration shows an actor (§4.4): a super
/// admin every staff account, an RT the users of the partners of his
/// territories, a partner admin those of his partners, nobody else any.
pub fn users_scope(actor: &Actor) -> ListScope {
    match actor {
        Actor::Staff(user) if user.is_super_admin() => ListScope::All,
        Actor::Staff(user) if user.role == Role::TerritoryAdmin => {
            ListScope::Territories(user.territories().cloned().collect())
        }
        Actor::Staff(user) if user.role == Role::PartnerAdmin => {
            ListScope::Partners(user.partner_ids().collect())
        }
        _ => ListScope::Nothing,
    }
}

/// The territories whose partners and auto-affectation rules an actor
/// administers: all for a super admin, his own for an RT, none otherwise.
pub fn administered_scope(actor: &Actor) -> ListScope {
    match actor {
        Actor::Staff(user) if user.is_super_admin() => ListScope::All,
        Actor::Staff(user) if user.role == Role::TerritoryAdmin => {
            ListScope::Territories(user.territories().cloned().collect())
        }
        _ => ListScope::Nothing,
    }
}

/// The roles an actor may give (§4.1), highest first, for the role field.
pub fn grantable_roles(actor: &Actor) -> Vec<Role> {
    let Some(user) = actor.as_staff() else {
        return Vec::new();
    };
    Role::ALL
        .iter()
        .copied()
        .filter(|role| may_grant(user.role, *role))
        .collect()
}

/// Who may begin the professional form (features.md §2.7): a super
/// admin, or a staff member with a partner somewhere. The territory is
/// not known until the address is typed; the submission then checks
/// `CreateSignalementPro` on the address's territory.
pub fn can_begin_pro_signalement(actor: &Actor) -> Decision {
    match actor {
        Actor::Staff(user) => allow_if(
            user.is_super_admin() || !user.memberships.is_empty(),
            Refusal::InsufficientRole,
        ),
        _ => Err(Refusal::InsufficientRole),
    }
}

/// Who may export the back-office list (features.md §2.4, §2.5): a staff
/// member, within his list scope; a super admin only with at least one
/// active filter, so that nobody downloads the national base at once.
pub fn can_export_list(actor: &Actor, filtered: bool) -> Decision {
    if !matches!(actor, Actor::Staff(_)) {
        return Err(Refusal::InsufficientRole);
    }
    match list_scope(actor) {
        ListScope::All => allow_if(filtered, Refusal::ExportNeedsFilter),
        ListScope::Nothing => Err(Refusal::InsufficientRole),
        ListScope::Territories(_) | ListScope::Partners(_) => Ok(()),
    }
}

#[cfg(test)]
mod test_actors {
    use super::*;
    use crate::actor::StaffUser;
    use crate::enums::PartnerType;
    use crate::ids::{PartnerId, UserId};
    use crate::model::Membership;
    use crate::territory_code::TerritoryCode;

    /// A staff member of `role` in one SCHS of the 13.
    pub(super) fn staff(role: Role, has_permission_affectation: bool) -> Actor {
        Actor::Staff(StaffUser {
            id: UserId(uuid::Uuid::nil()),
            role,
            memberships: vec![Membership {
                partner_id: PartnerId(uuid::Uuid::nil()),
                territory: TerritoryCode::parse("13").expect("a territory code"),
                partner_type: PartnerType::CommuneSchs,
                competences: Vec::new(),
            }],
            has_permission_affectation,
        })
    }
}

#[cfg(test)]
mod export_tests {
    use super::*;

    fn staff(role: Role) -> Actor {
        super::test_actors::staff(role, false)
    }

    #[test]
    fn a_super_admin_exports_only_a_filtered_list() {
        let admin = staff(Role::SuperAdmin);
        assert_eq!(
            can_export_list(&admin, false),
            Err(Refusal::ExportNeedsFilter)
        );
        assert_eq!(can_export_list(&admin, true), Ok(()));
    }

    #[test]
    fn agents_and_territory_admins_export_their_scope() {
        for role in [Role::Agent, Role::PartnerAdmin, Role::TerritoryAdmin] {
            assert_eq!(can_export_list(&staff(role), false), Ok(()), "{role:?}");
        }
    }

    #[test]
    fn staff_with_a_partner_and_super_admins_begin_the_pro_form() {
        for role in [
            Role::Agent,
            Role::PartnerAdmin,
            Role::TerritoryAdmin,
            Role::SuperAdmin,
        ] {
            assert_eq!(can_begin_pro_signalement(&staff(role)), Ok(()), "{role:?}");
        }
        let Actor::Staff(mut without_partner) = staff(Role::Agent) else {
            unreachable!("staff() builds a staff actor")
        };
        without_partner.memberships.clear();
        assert_eq!(
            can_begin_pro_signalement(&Actor::Staff(without_partner)),
            Err(Refusal::InsufficientRole)
        );
        assert_eq!(
            can_begin_pro_signalement(&Actor::Anonymous),
            Err(Refusal::InsufficientRole)
        );
    }

    #[test]
    fn nobody_else_exports() {
        assert_eq!(
            can_export_list(&Actor::Anonymous, true),
            Err(Refusal::InsufficientRole)
        );
        assert_eq!(
            can_export_list(&Actor::System, true),
            Err(Refusal::InsufficientRole)
        );
    }
}

#[cfg(test)]
mod platform_tests {
    use super::*;

    fn staff(role: Role) -> Actor {
        super::test_actors::staff(role, true)
    }

    #[test]
    fn only_a_super_admin_manages_the_maintenance_mode() {
        assert_eq!(
            can(
                &staff(Role::SuperAdmin),
                Action::ManageMaintenance,
                Resource::Platform
            ),
            Ok(())
        );
        for role in [Role::Agent, Role::PartnerAdmin, Role::TerritoryAdmin] {
            assert_eq!(
                can(&staff(role), Action::ManageMaintenance, Resource::Platform),
                Err(Refusal::InsufficientRole),
                "{role:?}"
            );
        }
        for actor in [Actor::Anonymous, Actor::System] {
            assert!(can(&actor, Action::ManageMaintenance, Resource::Platform).is_err());
        }
    }

    #[test]
    fn only_a_super_admin_manages_the_job_queue() {
        assert_eq!(
            can(
                &staff(Role::SuperAdmin),
                Action::ManageJobQueue,
                Resource::Platform
            ),
            Ok(())
        );
        for role in [Role::Agent, Role::PartnerAdmin, Role::TerritoryAdmin] {
            assert_eq!(
                can(&staff(role), Action::ManageJobQueue, Resource::Platform),
                Err(Refusal::InsufficientRole),
                "{role:?}"
            );
        }
        for actor in [Actor::Anonymous, Actor::System] {
            assert!(can(&actor, Action::ManageJobQueue, Resource::Platform).is_err());
        }
    }

    #[test]
    fn mail_delivery_is_for_administrators_and_reports_for_the_platform() {
        for (role, issues, outbox) in [
            (Role::Agent, false, false),
            (Role::PartnerAdmin, false, false),
            (Role::TerritoryAdmin, true, false),
            (Role::SuperAdmin, true, true),
        ] {
            let actor = staff(role);
            assert_eq!(
                can(&actor, Action::ViewDeliveryIssues, Resource::Platform).is_ok(),
                issues,
                "{role:?}"
            );
            assert_eq!(
                can(&actor, Action::ReadMailOutbox, Resource::Platform).is_ok(),
                outbox,
                "{role:?}"
            );
            assert!(can(&actor, Action::RecordDeliveryReport, Resource::Platform).is_err());
        }
        assert_eq!(
            can(
                &Actor::System,
                Action::RecordDeliveryReport,
                Resource::Platform
            ),
            Ok(())
        );
        for action in [Action::ViewDeliveryIssues, Action::ReadMailOutbox] {
            for actor in [Actor::Anonymous, Actor::System] {
                assert!(can(&actor, action, Resource::Platform).is_err());
            }
        }
        assert!(
            can(
                &Actor::Anonymous,
                Action::RecordDeliveryReport,
                Resource::Platform
            )
            .is_err()
        );
    }

    #[test]
    fn every_staff_member_reads_statistics_nobody_else() {
        for role in [
            Role::Agent,
            Role::PartnerAdmin,
            Role::TerritoryAdmin,
            Role::SuperAdmin,
        ] {
            assert_eq!(
                can(&staff(role), Action::ViewStatistics, Resource::Platform),
                Ok(()),
                "{role:?}"
            );
        }
        for actor in [Actor::Anonymous, Actor::System] {
            assert!(can(&actor, Action::ViewStatistics, Resource::Platform).is_err());
        }
    }

    #[test]
    fn the_platform_takes_no_case_action() {
        assert_eq!(
            can(
                &staff(Role::SuperAdmin),
                Action::ViewSignalement,
                Resource::Platform
            ),
            Err(Refusal::NotApplicable)
        );
    }
}

#[cfg(test)]
mod user_admin_tests {
    use super::*;
    use crate::actor::StaffUser;
    use crate::enums::{PartnerType, UserStatus};
    use crate::ids::{PartnerId, UserId};
    use crate::model::Membership;
    use crate::territory_code::TerritoryCode;

    fn code(c: &str) -> TerritoryCode {
        TerritoryCode::parse(c).expect("a territory code")
    }

    fn membership(partner: u128, territory: &str) -> Membership {
        Membership {
            partner_id: PartnerId(uuid::Uuid::from_u128(partner)),
            territory: code(territory),
            partner_type: PartnerType::CommuneSchs,
            competences: Vec::new(),
        }
    }

    /// Partner 1 and 2 are in the 13, partner 3 in the 69.
    fn actor(id: u128, role: Role, partner: u128) -> Actor {
        let territory = if partner == 3 { "69" } else { "13" };
        Actor::Staff(StaffUser {
            id: UserId(uuid::Uuid::from_u128(id)),
            role,
            memberships: vec![membership(partner, territory)],
            has_permission_affectation: false,
        })
    }

    fn partner(id: u128) -> Partner {
        let territory = if id == 3 { "69" } else { "13" };
        Partner::new(
            PartnerId(uuid::Uuid::from_u128(id)),
            code(territory),
            format!("Partenaire {id}"),
            PartnerType::CommuneSchs,
        )
    }

    fn subject(id: u128, role: Role, partner: u128) -> User {
        let territory = if partner == 3 { "69" } else { "13" };
        User {
            id: UserId(uuid::Uuid::from_u128(id)),
            email: format!("u{id}@example.test"),
            prenom: "Prénom".into(),
            nom: "Nom".into(),
            role,
            status: UserStatus::Active,
            has_permission_affectation: false,
            memberships: vec![membership(partner, territory)],
            is_mailing_active: true,
            is_mailing_summary: true,
            last_login_at: None,
            created_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        }
    }

    const STAFF_ROLES: [Role; 4] = [
        Role::SuperAdmin,
        Role::TerritoryAdmin,
        Role::PartnerAdmin,
        Role::Agent,
    ];

    #[test]
    fn who_grants_which_role_on_his_own_partner() {
        let expected = |granter: Role, role: Role| match granter {
            Role::SuperAdmin => true,
            Role::TerritoryAdmin => role != Role::SuperAdmin,
            Role::PartnerAdmin => matches!(role, Role::PartnerAdmin | Role::Agent),
            _ => false,
        };
        for granter in STAFF_ROLES {
            for role in STAFF_ROLES {
                assert_eq!(
                    can(
                        &actor(100, granter, 1),
                        Action::GrantRole(role),
                        Resource::Partner(&partner(1))
                    )
                    .is_ok(),
                    expected(granter, role),
                    "{granter:?} grants {role:?}"
                );
            }
            for role in [Role::ApiUser, Role::Usager] {
                assert!(
                    can(
                        &actor(100, granter, 1),
                        Action::GrantRole(role),
                        Resource::Partner(&partner(1))
                    )
                    .is_err(),
                    "{granter:?} grants {role:?}"
                );
            }
        }
    }

    #[test]
    fn grants_stop_at_the_actors_partner_or_territory() {
        // Another partner of the same territory: the RT yes, the partner admin no.
        assert_eq!(
            can(
                &actor(100, Role::TerritoryAdmin, 1),
                Action::GrantRole(Role::Agent),
                Resource::Partner(&partner(2))
            ),
            Ok(())
        );
        assert!(
            can(
                &actor(100, Role::PartnerAdmin, 1),
                Action::GrantRole(Role::Agent),
                Resource::Partner(&partner(2))
            )
            .is_err()
        );
        // Another territory: only the super admin.
        for granter in [Role::TerritoryAdmin, Role::PartnerAdmin, Role::Agent] {
            for action in [Action::CreateUserIn, Action::GrantRole(Role::Agent)] {
                assert!(
                    can(
                        &actor(100, granter, 1),
                        action,
                        Resource::Partner(&partner(3))
                    )
                    .is_err(),
                    "{granter:?} {action:?}"
                );
            }
        }
        assert_eq!(
            can(
                &actor(100, Role::SuperAdmin, 1),
                Action::GrantRole(Role::TerritoryAdmin),
                Resource::Partner(&partner(3))
            ),
            Ok(())
        );
    }

    #[test]
    fn only_rt_and_above_give_the_affectation_permission() {
        for (role, allowed) in [
            (Role::SuperAdmin, true),
            (Role::TerritoryAdmin, true),
            (Role::PartnerAdmin, false),
            (Role::Agent, false),
        ] {
            assert_eq!(
                can(
                    &actor(100, role, 1),
                    Action::AssignPermissionAffectation,
                    Resource::Partner(&partner(1))
                )
                .is_ok(),
                allowed,
                "{role:?}"
            );
        }
        assert!(
            can(
                &actor(100, Role::TerritoryAdmin, 1),
                Action::AssignPermissionAffectation,
                Resource::Partner(&partner(3))
            )
            .is_err()
        );
    }

    #[test]
    fn agents_do_not_open_the_users_administration() {
        for (role, allowed) in [
            (Role::SuperAdmin, true),
            (Role::TerritoryAdmin, true),
            (Role::PartnerAdmin, true),
            (Role::Agent, false),
        ] {
            assert_eq!(
                can(&actor(100, role, 1), Action::ListUsers, Resource::Platform).is_ok(),
                allowed,
                "{role:?}"
            );
        }
        assert_eq!(users_scope(&actor(100, Role::Agent, 1)), ListScope::Nothing);
        assert_eq!(users_scope(&Actor::Anonymous), ListScope::Nothing);
        assert_eq!(
            users_scope(&actor(100, Role::PartnerAdmin, 1)),
            ListScope::Partners(vec![PartnerId(uuid::Uuid::from_u128(1))])
        );
        assert_eq!(
            users_scope(&actor(100, Role::TerritoryAdmin, 1)),
            ListScope::Territories(vec![code("13")])
        );
        assert_eq!(
            users_scope(&actor(100, Role::SuperAdmin, 1)),
            ListScope::All
        );
    }

    #[test]
    fn role_changes_follow_the_grant_table_and_the_subjects_partner() {
        let rt = actor(100, Role::TerritoryAdmin, 1);
        let agent_here = subject(7, Role::Agent, 2);
        let agent_elsewhere = subject(8, Role::Agent, 3);
        assert_eq!(
            can(
                &rt,
                Action::SetUserRole(Role::TerritoryAdmin),
                Resource::User(&agent_here)
            ),
            Ok(())
        );
        assert!(
            can(
                &rt,
                Action::SetUserRole(Role::SuperAdmin),
                Resource::User(&agent_here)
            )
            .is_err()
        );
        assert!(
            can(
                &rt,
                Action::SetUserRole(Role::Agent),
                Resource::User(&agent_elsewhere)
            )
            .is_err()
        );
        let pa = actor(101, Role::PartnerAdmin, 1);
        assert_eq!(
            can(
                &pa,
                Action::SetUserRole(Role::PartnerAdmin),
                Resource::User(&subject(9, Role::Agent, 1))
            ),
            Ok(())
        );
        assert!(
            can(
                &pa,
                Action::SetUserRole(Role::TerritoryAdmin),
                Resource::User(&subject(9, Role::Agent, 1))
            )
            .is_err()
        );
        // A colleague of another partner of the territory is not his to manage.
        assert!(
            can(
                &pa,
                Action::EditUser,
                Resource::User(&subject(10, Role::Agent, 2))
            )
            .is_err()
        );
        // Nor is an RT of his own partner.
        assert!(
            can(
                &pa,
                Action::EditUser,
                Resource::User(&subject(11, Role::TerritoryAdmin, 1))
            )
            .is_err()
        );
    }

    #[test]
    fn nobody_raises_his_own_role_nor_archives_himself() {
        let rt = actor(100, Role::TerritoryAdmin, 1);
        let himself = subject(100, Role::TerritoryAdmin, 1);
        assert_eq!(
            can(
                &rt,
                Action::SetUserRole(Role::TerritoryAdmin),
                Resource::User(&himself)
            ),
            Ok(())
        );
        assert_eq!(
            can(
                &rt,
                Action::SetUserRole(Role::Agent),
                Resource::User(&himself)
            ),
            Ok(())
        );
        assert_eq!(
            can(&rt, Action::DeleteUser, Resource::User(&himself)),
            Err(Refusal::OwnAccount)
        );
        let pa = actor(101, Role::PartnerAdmin, 1);
        let pa_self = subject(101, Role::PartnerAdmin, 1);
        // Bounded by the grant table first: a partner admin never gives RT.
        assert!(
            can(
                &pa,
                Action::SetUserRole(Role::TerritoryAdmin),
                Resource::User(&pa_self)
            )
            .is_err()
        );
        let sa = actor(102, Role::SuperAdmin, 1);
        let sa_self = subject(102, Role::SuperAdmin, 1);
        assert_eq!(
            can(&sa, Action::DeleteUser, Resource::User(&sa_self)),
            Err(Refusal::OwnAccount)
        );
        // A super admin saving his own form keeps his role: no raise.
        assert_eq!(
            can(
                &sa,
                Action::SetUserRole(Role::SuperAdmin),
                Resource::User(&sa_self)
            ),
            Ok(())
        );
        // Even with a session older than his demotion, an RT cannot climb back.
        assert_eq!(
            can(
                &rt,
                Action::SetUserRole(Role::TerritoryAdmin),
                Resource::User(&subject(100, Role::Agent, 1))
            ),
            Err(Refusal::OwnAccount)
        );
        // An RT who demoted himself cannot climb back.
        let demoted = subject(100, Role::PartnerAdmin, 1);
        let rt_as_pa = actor(100, Role::PartnerAdmin, 1);
        assert_eq!(
            can(
                &rt_as_pa,
                Action::SetUserRole(Role::TerritoryAdmin),
                Resource::User(&demoted)
            ),
            Err(Refusal::InsufficientRole)
        );
    }

    #[test]
    fn archiving_is_for_rt_and_above_in_their_scope() {
        let agent = subject(7, Role::Agent, 1);
        assert_eq!(
            can(
                &actor(100, Role::TerritoryAdmin, 2),
                Action::DeleteUser,
                Resource::User(&agent)
            ),
            Ok(())
        );
        assert_eq!(
            can(
                &actor(100, Role::SuperAdmin, 3),
                Action::DeleteUser,
                Resource::User(&agent)
            ),
            Ok(())
        );
        assert!(
            can(
                &actor(100, Role::PartnerAdmin, 1),
                Action::DeleteUser,
                Resource::User(&agent)
            )
            .is_err()
        );
        assert!(
            can(
                &actor(100, Role::TerritoryAdmin, 3),
                Action::DeleteUser,
                Resource::User(&agent)
            )
            .is_err()
        );
        assert!(
            can(
                &actor(100, Role::TerritoryAdmin, 1),
                Action::DeleteUser,
                Resource::User(&subject(12, Role::SuperAdmin, 1))
            )
            .is_err()
        );
    }

    #[test]
    fn everyone_chooses_his_own_mailing_preference_and_nobody_elses() {
        for role in STAFF_ROLES {
            let me = actor(100, role, 1);
            let myself = subject(100, role, 1);
            assert_eq!(
                can(&me, Action::SetMailingPreference, Resource::User(&myself)),
                Ok(()),
                "{role:?} on his own account"
            );
            // Even a super admin, for an agent he manages in every other way.
            assert_eq!(
                can(
                    &me,
                    Action::SetMailingPreference,
                    Resource::User(&subject(7, Role::Agent, 1))
                ),
                Err(Refusal::OutOfScope),
                "{role:?} on someone else's account"
            );
        }
        assert!(
            can(
                &Actor::Anonymous,
                Action::SetMailingPreference,
                Resource::User(&subject(7, Role::Agent, 1))
            )
            .is_err()
        );
    }
}

#[cfg(test)]
mod administration_tests {
    use super::*;
    use crate::actor::StaffUser;
    use crate::enums::PartnerType;
    use crate::ids::{PartnerId, UserId};
    use crate::model::Membership;
    use crate::territory_code::TerritoryCode;

    fn code(c: &str) -> TerritoryCode {
        TerritoryCode::parse(c).expect("a territory code")
    }

    /// Partners 1 and 2 are in the 13, partner 3 in the 33.
    fn territory_of(partner: u128) -> &'static str {
        if partner == 3 { "33" } else { "13" }
    }

    fn actor(role: Role, partner: u128) -> Actor {
        Actor::Staff(StaffUser {
            id: UserId(uuid::Uuid::from_u128(100)),
            role,
            memberships: vec![Membership {
                partner_id: PartnerId(uuid::Uuid::from_u128(partner)),
                territory: code(territory_of(partner)),
                partner_type: PartnerType::Ars,
                competences: Vec::new(),
            }],
            has_permission_affectation: true,
        })
    }

    fn partner(id: u128) -> Partner {
        Partner::new(
            PartnerId(uuid::Uuid::from_u128(id)),
            code(territory_of(id)),
            format!("Partenaire {id}"),
            PartnerType::CommuneSchs,
        )
    }

    #[test]
    fn only_rts_and_super_admins_open_the_partners_and_rules_lists() {
        for (role, allowed) in [
            (Role::SuperAdmin, true),
            (Role::TerritoryAdmin, true),
            (Role::PartnerAdmin, false),
            (Role::Agent, false),
        ] {
            for action in [Action::ListPartners, Action::ListAutoAffectationRules] {
                assert_eq!(
                    can(&actor(role, 1), action, Resource::Platform).is_ok(),
                    allowed,
                    "{role:?} {action:?}"
                );
            }
        }
        for visitor in [Actor::Anonymous, Actor::System] {
            assert!(can(&visitor, Action::ListPartners, Resource::Platform).is_err());
        }
    }

    #[test]
    fn an_rt_edits_the_partners_of_his_territory_only() {
        let rt = actor(Role::TerritoryAdmin, 1);
        assert_eq!(
            can(&rt, Action::EditPartner, Resource::Partner(&partner(2))),
            Ok(())
        );
        assert_eq!(
            can(&rt, Action::ViewPartner, Resource::Partner(&partner(2))),
            Ok(())
        );
        for action in [Action::EditPartner, Action::ViewPartner] {
            assert_eq!(
                can(&rt, action, Resource::Partner(&partner(3))),
                Err(Refusal::InsufficientRole),
                "{action:?}"
            );
        }
        assert_eq!(
            can(
                &actor(Role::SuperAdmin, 1),
                Action::EditPartner,
                Resource::Partner(&partner(3))
            ),
            Ok(())
        );
    }

    #[test]
    fn a_partner_admin_views_his_own_partner_and_changes_nothing() {
        let pa = actor(Role::PartnerAdmin, 1);
        assert_eq!(
            can(&pa, Action::ViewPartner, Resource::Partner(&partner(1))),
            Ok(())
        );
        assert!(can(&pa, Action::ViewPartner, Resource::Partner(&partner(2))).is_err());
        assert!(can(&pa, Action::EditPartner, Resource::Partner(&partner(1))).is_err());
        let agent = actor(Role::Agent, 1);
        for action in [Action::ViewPartner, Action::EditPartner] {
            assert!(can(&agent, action, Resource::Partner(&partner(1))).is_err());
        }
    }

    #[test]
    fn an_archived_partner_is_no_longer_changed() {
        let mut archived = partner(2);
        archived.is_archive = true;
        for role in [Role::SuperAdmin, Role::TerritoryAdmin] {
            assert_eq!(
                can(
                    &actor(role, 1),
                    Action::EditPartner,
                    Resource::Partner(&archived)
                ),
                Err(Refusal::NotApplicable),
                "{role:?}"
            );
            assert_eq!(
                can(
                    &actor(role, 1),
                    Action::ViewPartner,
                    Resource::Partner(&archived)
                ),
                Ok(()),
                "{role:?}"
            );
        }
    }

    #[test]
    fn partners_and_rules_are_created_in_an_administered_territory() {
        for action in [Action::CreatePartner, Action::ManageAutoAffectationRules] {
            let rt = actor(Role::TerritoryAdmin, 1);
            assert_eq!(
                can(&rt, action, Resource::Territory(&code("13"))),
                Ok(()),
                "{action:?}"
            );
            assert_eq!(
                can(&rt, action, Resource::Territory(&code("33"))),
                Err(Refusal::InsufficientRole),
                "{action:?}"
            );
            assert_eq!(
                can(
                    &actor(Role::SuperAdmin, 1),
                    action,
                    Resource::Territory(&code("33"))
                ),
                Ok(()),
                "{action:?}"
            );
            for role in [Role::PartnerAdmin, Role::Agent] {
                assert!(
                    can(&actor(role, 1), action, Resource::Territory(&code("13"))).is_err(),
                    "{role:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn only_a_super_admin_opens_or_closes_territories() {
        assert_eq!(
            can(
                &actor(Role::SuperAdmin, 1),
                Action::ManageTerritories,
                Resource::Platform
            ),
            Ok(())
        );
        for role in [Role::TerritoryAdmin, Role::PartnerAdmin, Role::Agent] {
            assert_eq!(
                can(
                    &actor(role, 1),
                    Action::ManageTerritories,
                    Resource::Platform
                ),
                Err(Refusal::InsufficientRole),
                "{role:?}"
            );
        }
    }

    #[test]
    fn the_administered_scope_follows_the_role() {
        assert_eq!(
            administered_scope(&actor(Role::SuperAdmin, 1)),
            ListScope::All
        );
        assert_eq!(
            administered_scope(&actor(Role::TerritoryAdmin, 3)),
            ListScope::Territories(vec![code("33")])
        );
        for role in [Role::PartnerAdmin, Role::Agent] {
            assert_eq!(
                administered_scope(&actor(role, 1)),
                ListScope::Nothing,
                "{role:?}"
            );
        }
        assert_eq!(administered_scope(&Actor::Anonymous), ListScope::Nothing);
    }
}
