//! Transitions of a signalement (domain.md §3.2, rules 5–8).

use chrono::{DateTime, Utc};

use super::{Events, author_of, check, required_text, suivi, tracked};
use crate::actor::Actor;
use crate::enums::{
    AffectationStatus, MotifCloture, MotifClotureUsager, MotifRefus, NotificationType,
    SuiviCategory,
};
use crate::error::DomainError;
use crate::events::{Audience, DomainEvent, SuiviAuthor};
use crate::ids::{AffectationId, UserId};
use crate::model::{Case, Partner};
use crate::policy::{Action, Resource};
use crate::transitions::{
    AffectationTransition, SignalementTransition, affectation_next, signalement_next,
};

fn move_to(case: &mut Case, t: SignalementTransition) -> Result<(), DomainError> {
    case.signalement.status = signalement_next(case.signalement.status, t)?;
    Ok(())
}

/// An RT or super admin accepts a new case (rules 5–6). `subscribers` are
/// the RTs he chose to follow it; he follows it himself unless super admin.
pub fn validate(
    case: &mut Case,
    actor: &Actor,
    subscribers: Vec<UserId>,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    check(
        actor,
        Action::ValidateSignalement,
        Resource::Signalement(case),
    )?;
    tracked(case, |case, events| {
        move_to(case, SignalementTransition::Validate)?;
        case.signalement.validated_at = Some(now);
        let author = author_of(actor, case);
        events.push(suivi(
            case,
            SuiviCategory::SignalementIsActive,
            String::new(),
            true,
            author,
            now,
        ));
        let mut follow = subscribers;
        if let Some(staff) = actor.as_staff().filter(|s| !s.is_super_admin()) {
            follow.push(staff.id);
        }
        if !follow.is_empty() {
            events.push(DomainEvent::Subscribe(follow));
        }
        Ok(())
    })
}

/// An RT or super admin rejects a new case (rule 6).
pub fn refuse(
    case: &mut Case,
    actor: &Actor,
    motif: MotifRefus,
    message: &str,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    check(
        actor,
        Action::ValidateSignalement,
        Resource::Signalement(case),
    )?;
    if !MotifRefus::FOR_SIGNALEMENT.contains(&motif) {
        return Err(DomainError::invalid(
            "motif",
            "Choisissez un motif de refus parmi : hors PDLHI, doublon, autre.",
        ));
    }
    let message = required_text("message", message, 10, "La précision du refus")?;
    tracked(case, |case, events| {
        move_to(case, SignalementTransition::Refuse)?;
        case.signalement.motif_refus = Some(motif);
        let text = format!(
            "Signalement clôturé car non-valide avec le motif suivant : {}. Plus précisément : {}",
            motif.label(),
            message
        );
        let author = author_of(actor, case);
        events.push(suivi(
            case,
            SuiviCategory::SignalementIsRefused,
            text,
            true,
            author,
            now,
        ));
        Ok(())
    })
}

/// The platform validates a case that auto-affectation matched (§6 step 5).
pub fn auto_validate(
    case: &mut Case,
    partners: &[Partner],
    new_ids: &mut dyn FnMut() -> AffectationId,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    check(
        &Actor::System,
        Action::ValidateSignalement,
        Resource::Signalement(case),
    )?;
    tracked(case, |case, events| {
        move_to(case, SignalementTransition::AutoValidate)?;
        case.signalement.validated_at = Some(now);
        events.push(suivi(
            case,
            SuiviCategory::SignalementIsActive,
            "Signalement validé".to_string(),
            true,
            SuiviAuthor::System,
            now,
        ));
        for partner in partners {
            super::affectation::push_affectation(case, partner, None, new_ids(), now, events);
        }
        events.push(DomainEvent::SubscribeTerritoryAdmins);
        Ok(())
    })
}

/// Close for all partners (rule 7): every pending or accepted affectation
/// closes with the same motif; refused ones stay refused.
pub fn close_for_all(
    case: &mut Case,
    actor: &Actor,
    motif: MotifCloture,
    comment: &str,
    public: bool,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    check(actor, Action::CloseSignalement, Resource::Signalement(case))?;
    let comment = required_text("commentaire", comment, 10, "Le commentaire de clôture")?;
    tracked(case, |case, events| {
        move_to(case, SignalementTransition::CloseForAll)?;
        let s = &mut case.signalement;
        s.closed_at = Some(now);
        s.closed_by = actor.user_id();
        s.motif_cloture = Some(motif);
        s.com_cloture = Some(comment.clone());
        let text = format!(
            "Le signalement a été clôturé pour tous les partenaires avec le motif suivant : {}. {}",
            motif.label(),
            comment
        );
        let author = author_of(actor, case);
        events.push(suivi(
            case,
            SuiviCategory::SignalementIsClosed,
            text,
            public,
            author,
            now,
        ));
        for a in &mut case.affectations {
            if matches!(
                a.status,
                AffectationStatus::Wait | AffectationStatus::Accepted
            ) {
                a.status = affectation_next(a.status, AffectationTransition::CloseForAll)?;
                a.motif_cloture = Some(motif);
                a.answered_at = Some(now);
                a.answered_by = actor.user_id();
                events.push(DomainEvent::UnsubscribePartnerUsers {
                    partner_id: a.partner_id,
                });
            }
        }
        Ok(())
    })
}

/// Reopen for all (rule 8). Unlike the reference (§8.2), each affectation
/// reopened is logged and its partner told, like a new affectation.
pub fn reopen_for_all(
    case: &mut Case,
    actor: &Actor,
    public: bool,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    check(
        actor,
        Action::ReopenSignalement,
        Resource::Signalement(case),
    )?;
    tracked(case, |case, events| {
        move_to(case, SignalementTransition::ReopenForAll)?;
        let s = &mut case.signalement;
        s.closed_at = None;
        s.closed_by = None;
        s.motif_cloture = None;
        s.com_cloture = None;
        s.motif_refus = None;
        for a in &mut case.affectations {
            if matches!(
                a.status,
                AffectationStatus::Closed | AffectationStatus::Refused
            ) {
                a.status = affectation_next(a.status, AffectationTransition::ReopenForAll)?;
                a.clear_motifs();
                a.answered_at = None;
                a.answered_by = None;
                events.push(DomainEvent::Notify {
                    kind: NotificationType::NouvelleAffectation,
                    audience: Audience::Partner(a.partner_id),
                });
            }
        }
        let author = author_of(actor, case);
        events.push(suivi(
            case,
            SuiviCategory::SignalementIsReopened,
            "Signalement rouvert pour tous les partenaires".to_string(),
            public,
            author,
            now,
        ));
        Ok(())
    })
}

/// "Supprimer" (rule 8): archive a closed or refused case; pending
/// affectations and the case's notifications go.
pub fn archive(case: &mut Case, actor: &Actor) -> Result<Events, DomainError> {
    check(
        actor,
        Action::ArchiveSignalement,
        Resource::Signalement(case),
    )?;
    tracked(case, |case, events| {
        move_to(case, SignalementTransition::Archive)?;
        let (pending, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut case.affectations)
            .into_iter()
            .partition(|a| a.status == AffectationStatus::Wait);
        case.affectations = kept;
        for a in pending {
            events.push(DomainEvent::AffectationRemoved {
                affectation_id: a.id,
                partner_id: a.partner_id,
            });
        }
        events.push(DomainEvent::DeleteCaseNotifications);
        Ok(())
    })
}

/// Only a super admin brings an archived case back (rule 8).
pub fn reactivate(case: &mut Case, actor: &Actor) -> Result<Events, DomainError> {
    check(
        actor,
        Action::ReactivateSignalement,
        Resource::Signalement(case),
    )?;
    tracked(case, |case, _| {
        move_to(case, SignalementTransition::Reactivate)
    })
}

/// The landlord injunction ends without result (rule 2): the case gets its
/// definitive reference, its creation date is reset, and it waits for
/// validation like any new case.
pub fn switch_to_procedure(
    case: &mut Case,
    actor: &Actor,
    definitive_reference: String,
    cause: SuiviCategory,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    check(
        actor,
        Action::SwitchToProcedure,
        Resource::Signalement(case),
    )?;
    tracked(case, |case, events| {
        move_to(case, SignalementTransition::SwitchToProcedure)?;
        case.signalement.reference = definitive_reference;
        case.signalement.created_at = now;
        let author = author_of(actor, case);
        let text = "La démarche accélérée est terminée : le signalement suit désormais la procédure habituelle.".to_string();
        events.push(suivi(case, cause, text, true, author, now));
        Ok(())
    })
}

/// The usager asks to stop the procedure (§3.2): no status change, the
/// people handling the case are told.
pub fn ask_abandon(
    case: &mut Case,
    actor: &Actor,
    motif: MotifClotureUsager,
    message: &str,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    check(actor, Action::UsagerAskAbandon, Resource::Signalement(case))?;
    let message = required_text("message", message, 1, "Votre message")?;
    tracked(case, |case, events| {
        case.signalement.is_usager_abandon_procedure = true;
        case.signalement.motif_cloture_usager = Some(motif);
        let author = author_of(actor, case);
        let text = format!(
            "Demande d'arrêt de la procédure ({}) : {}",
            motif.label(),
            message
        );
        // Its notification (subscribers, super admins and the territory's
        // RTs) follows from the suivi.
        events.push(suivi(
            case,
            SuiviCategory::DemandeAbandonProcedure,
            text,
            true,
            author,
            now,
        ));
        Ok(())
    })
}

/// The usager wants the procedure to go on (at most one request per 20 days).
pub fn ask_poursuite(
    case: &mut Case,
    actor: &Actor,
    message: &str,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    check(
        actor,
        Action::UsagerAskPoursuite { now },
        Resource::Signalement(case),
    )?;
    let message = required_text("message", message, 1, "Votre message")?;
    tracked(case, |case, events| {
        case.signalement.is_usager_abandon_procedure = false;
        case.signalement.motif_cloture_usager = None;
        case.signalement.last_poursuite_request_at = Some(now);
        let author = author_of(actor, case);
        let text = format!("Demande de poursuite de la procédure : {message}");
        events.push(suivi(
            case,
            SuiviCategory::DemandePoursuiteProcedure,
            text,
            true,
            author,
            now,
        ));
        Ok(())
    })
}
