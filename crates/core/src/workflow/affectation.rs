//! Transitions of an affectation (domain.md §3.3, rules 11–17).

use chrono::{DateTime, Utc};

use super::{Events, author_of, check, required_text, suivi, tracked};
use crate::actor::Actor;
use crate::enums::{
    AffectationStatus, MotifCloture, MotifRefus, NotificationType, SuiviCategory,
    TravauxMiseEnConformite,
};
use crate::error::DomainError;
use crate::events::{Audience, DomainEvent, SuiviAuthor};
use crate::ids::{AffectationId, PartnerId, UserId};
use crate::model::{Affectation, Case, Partner};
use crate::policy::{Action, Resource};
use crate::transitions::{AffectationTransition, affectation_next};

/// Adds a WAIT affectation for the partner and its events. Callers have
/// checked the policy and that the partner is not affected yet.
pub(crate) fn push_affectation(
    case: &mut Case,
    partner: &Partner,
    affected_by: Option<UserId>,
    id: AffectationId,
    now: DateTime<Utc>,
    events: &mut Events,
) {
    case.affectations.push(Affectation {
        id,
        signalement_id: case.signalement.id,
        partner_id: partner.id,
        partner_type: partner.partner_type,
        territory: case.signalement.territory.clone(),
        status: AffectationStatus::Wait,
        created_at: now,
        affected_by,
        answered_by: None,
        answered_at: None,
        motif_refus: None,
        motif_cloture: None,
        travaux: None,
        precisions_cloture: None,
        is_synchronized: false,
    });
    events.push(DomainEvent::AffectationCreated {
        affectation_id: id,
        partner_id: partner.id,
    });
}

/// Affect a partner (rule 11): at most one affectation per partner, so
/// affecting an affected partner changes nothing. Only partners whose
/// perimeter covers the dwelling can be chosen (§6).
pub fn affect(
    case: &mut Case,
    actor: &Actor,
    partner: &Partner,
    id: AffectationId,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    check(
        actor,
        Action::ToggleAffectation,
        Resource::Signalement(case),
    )?;
    if case.affectation_of(partner.id).is_some() {
        return Ok(Vec::new());
    }
    let s = &case.signalement;
    if !partner.is_localized_for(&s.territory, s.adresse.insee.as_deref(), s.adresse.geoloc) {
        return Err(DomainError::invalid(
            "partenaire",
            format!(
                "Le partenaire {} n'intervient pas à l'adresse de ce logement.",
                partner.nom
            ),
        ));
    }
    tracked(case, |case, events| {
        push_affectation(case, partner, actor.user_id(), id, now, events);
        Ok(())
    })
}

/// Remove a partner from the case; its users stop following it.
pub fn unaffect(case: &mut Case, actor: &Actor, partner: PartnerId) -> Result<Events, DomainError> {
    check(
        actor,
        Action::ToggleAffectation,
        Resource::Signalement(case),
    )?;
    let Some(existing) = case.affectation_of(partner).cloned() else {
        return Ok(Vec::new());
    };
    tracked(case, |case, events| {
        case.affectations.retain(|a| a.id != existing.id);
        events.push(DomainEvent::AffectationRemoved {
            affectation_id: existing.id,
            partner_id: partner,
        });
        events.push(DomainEvent::UnsubscribePartnerUsers {
            partner_id: partner,
        });
        Ok(())
    })
}

fn find(case: &Case, id: AffectationId) -> Result<Affectation, DomainError> {
    case.affectation(id)
        .cloned()
        .ok_or_else(|| DomainError::NotFound("Affectation".into()))
}

fn apply(
    case: &mut Case,
    id: AffectationId,
    transition: AffectationTransition,
    change: impl FnOnce(&mut Affectation),
) -> Result<(), DomainError> {
    let a = case
        .affectation_mut(id)
        .ok_or_else(|| DomainError::NotFound("Affectation".into()))?;
    a.status = affectation_next(a.status, transition)?;
    change(a);
    Ok(())
}

/// Accept (from WAIT), or take back a refusal (from REFUSED) (rules 13–14,
/// 16). The acceptor and the colleagues he names follow the case.
pub fn accept(
    case: &mut Case,
    actor: &Actor,
    id: AffectationId,
    colleagues: Vec<UserId>,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    let current = find(case, id)?;
    let (action, transition) = match current.status {
        AffectationStatus::Refused => (
            Action::CancelAffectationRefusal,
            AffectationTransition::CancelRefusal,
        ),
        _ => (Action::AnswerAffectation, AffectationTransition::Accept),
    };
    check(actor, action, Resource::Affectation(case, &current))?;
    tracked(case, |case, events| {
        apply(case, id, transition, |a| {
            a.clear_motifs();
            a.answered_by = actor.user_id();
            a.answered_at = Some(now);
        })?;
        let mut follow = colleagues;
        // The acceptor follows the case; an API account is no person to notify.
        follow.extend(actor.as_staff().map(|s| s.id));
        events.push(DomainEvent::Subscribe(follow));
        if is_first_acceptance(case) {
            events.push(suivi(
                case,
                SuiviCategory::AffectationIsAccepted,
                String::new(),
                true,
                SuiviAuthor::System,
                now,
            ));
        }
        Ok(())
    })
}

/// Rule 16: the usager hears once that someone took his case in hand.
fn is_first_acceptance(case: &Case) -> bool {
    !case.signalement.is_imported
        && case.signalement.status == crate::enums::SignalementStatus::Active
        && case.count_affectations(AffectationStatus::Accepted) == 1
        && !case.has_planned_or_done_visit()
        && !case.has_suivi(SuiviCategory::AffectationIsAccepted)
}

/// Refuse (rule 15): the reason is written in a suivi for the other
/// partners, not shown to the usager.
pub fn refuse(
    case: &mut Case,
    actor: &Actor,
    id: AffectationId,
    motif: Option<MotifRefus>,
    message: &str,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    let current = find(case, id)?;
    check(
        actor,
        Action::AnswerAffectation,
        Resource::Affectation(case, &current),
    )?;
    if motif.is_some_and(|m| !MotifRefus::FOR_AFFECTATION.contains(&m)) {
        return Err(DomainError::invalid(
            "motif",
            "Choisissez un motif parmi : hors zone géographique, hors compétence, doublon, autre.",
        ));
    }
    let message = message.trim().to_string();
    tracked(case, |case, events| {
        apply(case, id, AffectationTransition::Refuse, |a| {
            a.motif_refus = motif;
            a.answered_by = actor.user_id();
            a.answered_at = Some(now);
        })?;
        let text = format!(
            "Le signalement a été refusé avec le motif suivant : {}. Plus précisément : {}",
            motif.map_or("Non précisé", MotifRefus::label),
            message
        );
        let author = author_of(actor, case);
        events.push(suivi(
            case,
            SuiviCategory::AffectationIsRefused,
            text,
            false,
            author,
            now,
        ));
        Ok(())
    })
}

/// What a partner says when closing its affectation (closing form v2).
#[derive(Debug, Clone, PartialEq)]
pub struct ClosingForm {
    pub motif: MotifCloture,
    pub travaux: Option<TravauxMiseEnConformite>,
    pub precisions: String,
}

/// Close for my partner (rule 17): a precision of at least ten characters,
/// the works answer for the motifs that need it; the partner's users stop
/// following the case, its RTs keep following.
pub fn close(
    case: &mut Case,
    actor: &Actor,
    id: AffectationId,
    form: ClosingForm,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    let current = find(case, id)?;
    check(
        actor,
        Action::CloseAffectation,
        Resource::Affectation(case, &current),
    )?;
    let precisions = required_text(
        "precisions",
        &form.precisions,
        10,
        "La précision de clôture",
    )?;
    let travaux = if form.motif.requires_travaux_answer() {
        Some(form.travaux.ok_or_else(|| {
            DomainError::invalid(
                "travaux",
                "Indiquez si des travaux de mise en conformité ont été réalisés.",
            )
        })?)
    } else {
        None
    };
    tracked(case, |case, events| {
        apply(case, id, AffectationTransition::Close, |a| {
            a.motif_cloture = Some(form.motif);
            a.travaux = travaux;
            a.precisions_cloture = Some(precisions.clone());
            a.answered_by = actor.user_id();
            a.answered_at = Some(now);
        })?;
        let text = format!(
            "Affectation clôturée avec le motif suivant : {}. {}",
            form.motif.label(),
            precisions
        );
        let author = author_of(actor, case);
        events.push(suivi(
            case,
            SuiviCategory::AffectationIsClosed,
            text,
            false,
            author,
            now,
        ));
        events.push(DomainEvent::Notify {
            kind: NotificationType::CloturePartenaire,
            audience: Audience::Subscribers,
        });
        events.push(DomainEvent::UnsubscribePartnerUsers {
            partner_id: current.partner_id,
        });
        Ok(())
    })
}

/// Reopen my partner's closed affectation; the case must still be active.
pub fn reopen(
    case: &mut Case,
    actor: &Actor,
    id: AffectationId,
    partner_name: &str,
    public: bool,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    let current = find(case, id)?;
    check(
        actor,
        Action::ReopenAffectation,
        Resource::Affectation(case, &current),
    )?;
    tracked(case, |case, events| {
        apply(case, id, AffectationTransition::Reopen, |a| {
            a.clear_motifs();
            a.answered_by = None;
            a.answered_at = None;
        })?;
        let author = author_of(actor, case);
        events.push(suivi(
            case,
            SuiviCategory::SignalementIsReopened,
            format!("Signalement rouvert pour {partner_name}"),
            public,
            author,
            now,
        ));
        Ok(())
    })
}

/// "Réinitialiser" (§3.3): an RT replaces a closed or refused affectation
/// by a fresh pending one.
pub fn reinit(
    case: &mut Case,
    actor: &Actor,
    id: AffectationId,
    partner: &Partner,
    new_id: AffectationId,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    let current = find(case, id)?;
    check(
        actor,
        Action::ReinitAffectation,
        Resource::Affectation(case, &current),
    )?;
    if current.partner_id != partner.id {
        return Err(DomainError::NotFound("Partenaire".into()));
    }
    tracked(case, |case, events| {
        case.affectations.retain(|a| a.id != id);
        events.push(DomainEvent::AffectationRemoved {
            affectation_id: id,
            partner_id: partner.id,
        });
        events.push(DomainEvent::UnsubscribePartnerUsers {
            partner_id: partner.id,
        });
        push_affectation(case, partner, actor.user_id(), new_id, now, events);
        Ok(())
    })
}
