//! Visits (domain.md §3.4): plan, reschedule, cancel, abort, conclude.

use chrono::{DateTime, Utc};

use super::{Events, author_of, check, required_text, suivi, tracked};
use crate::actor::Actor;
use crate::enums::{
    InterventionStatus, InterventionType, ProcedureType, Qualification, SuiviCategory,
};
use crate::error::DomainError;
use crate::ids::InterventionId;
use crate::model::{Case, Intervention, Partner};
use crate::policy::{Action, Resource};
use crate::qualification;
use crate::transitions::{InterventionTransition, intervention_next};

/// What the visitor records after a visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Conclusion {
    pub procedures: Vec<ProcedureType>,
    pub details: String,
    pub occupant_present: Option<bool>,
    pub proprietaire_present: Option<bool>,
    /// Tell the usager the conclusion.
    pub notify_usager: bool,
}

/// A visit's date and time, Paris time: the usager reads these suivis in
/// his e-mail and must know when to be home, not only which day.
fn date_fr(at: DateTime<Utc>) -> String {
    crate::time::date_time_fr(at)
}

/// Who does a visit.
#[derive(Debug, Clone, Copy)]
pub enum Operator<'a> {
    /// A partner affected to the case, with the VISITES competence.
    Partner(&'a Partner),
    /// An operator from outside the platform, by name (§1.7).
    External(&'a str),
}

/// Plan a visit by a partner with the VISITES competence. A date already
/// past records a visit that happened, so it needs its conclusion.
#[allow(clippy::too_many_arguments)]
pub fn plan(
    case: &mut Case,
    actor: &Actor,
    partner: &Partner,
    id: InterventionId,
    scheduled_at: DateTime<Utc>,
    conclusion: Option<Conclusion>,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    plan_by(
        case,
        actor,
        Operator::Partner(partner),
        id,
        scheduled_at,
        "",
        conclusion,
        now,
    )
}

/// Plan a visit by `operator`, with an optional `comment` for the usager
/// (what to prepare, who will come), shown in the public suivi.
#[allow(clippy::too_many_arguments)]
pub fn plan_by(
    case: &mut Case,
    actor: &Actor,
    operator: Operator<'_>,
    id: InterventionId,
    scheduled_at: DateTime<Utc>,
    comment: &str,
    conclusion: Option<Conclusion>,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    check(actor, Action::AddVisite, Resource::Signalement(case))?;
    let (partner_id, external_operator, operator_name) = match operator {
        Operator::Partner(partner) => {
            if !partner.has_competence(Qualification::Visites)
                || case.affectation_of(partner.id).is_none()
            {
                return Err(DomainError::invalid(
                    "partenaire",
                    "La visite doit être confiée à un partenaire affecté au dossier et compétent pour les visites.",
                ));
            }
            (Some(partner.id), None, partner.nom.clone())
        }
        Operator::External(name) => {
            let name = name.trim();
            if name.is_empty() {
                return Err(DomainError::invalid(
                    "operateur",
                    "Choisissez le partenaire qui fait la visite ou indiquez le nom de l'opérateur externe.",
                ));
            }
            (None, Some(name.to_string()), name.to_string())
        }
    };
    if scheduled_at <= now && conclusion.is_none() {
        return Err(DomainError::invalid(
            "date",
            "La date est passée : renseignez la conclusion de la visite.",
        ));
    }
    let comment = comment.trim();
    tracked(case, |case, events| {
        case.interventions.push(Intervention {
            id,
            signalement_id: case.signalement.id,
            partner_id,
            intervention_type: InterventionType::Visite,
            status: InterventionStatus::Planned,
            scheduled_at,
            created_at: now,
            created_by: actor.user_id(),
            comment_before_visite: (!comment.is_empty()).then(|| comment.to_string()),
            details: None,
            concluded_procedures: Vec::new(),
            occupant_present: None,
            proprietaire_present: None,
            notify_usager: true,
            external_operator,
            reminder_before_sent_at: None,
            reminder_conclusion_sent_at: None,
        });
        let author = author_of(actor, case);
        let mut text = format!(
            "Visite programmée le {} par {}.",
            date_fr(scheduled_at),
            operator_name
        );
        if !comment.is_empty() {
            text.push_str(&format!(" Informations : {comment}"));
        }
        events.push(suivi(
            case,
            SuiviCategory::InterventionIsCreated,
            text,
            true,
            author,
            now,
        ));
        if let Some(conclusion) = conclusion {
            conclude_in(case, actor, id, conclusion, now, events)?;
        }
        Ok(())
    })
}

fn find(case: &Case, id: InterventionId) -> Result<Intervention, DomainError> {
    case.interventions
        .iter()
        .find(|i| i.id == id)
        .cloned()
        .ok_or_else(|| DomainError::NotFound("Visite".into()))
}

fn visit_mut(case: &mut Case, id: InterventionId) -> Result<&mut Intervention, DomainError> {
    case.interventions
        .iter_mut()
        .find(|i| i.id == id)
        .ok_or_else(|| DomainError::NotFound("Visite".into()))
}

fn guard(ok: bool, message: &str) -> Result<(), DomainError> {
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid("date", message))
    }
}

pub fn reschedule(
    case: &mut Case,
    actor: &Actor,
    id: InterventionId,
    scheduled_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    let current = find(case, id)?;
    check(
        actor,
        Action::EditVisite,
        Resource::Intervention(case, &current),
    )?;
    guard(
        scheduled_at > now,
        "La nouvelle date doit être dans le futur.",
    )?;
    tracked(case, |case, events| {
        let v = visit_mut(case, id)?;
        v.status = intervention_next(v.status, InterventionTransition::Reschedule)?;
        v.scheduled_at = scheduled_at;
        // A new date deserves its own reminder and its own conclusion request.
        v.reminder_before_sent_at = None;
        v.reminder_conclusion_sent_at = None;
        let author = author_of(actor, case);
        events.push(suivi(
            case,
            SuiviCategory::InterventionIsRescheduled,
            format!("La visite a été reprogrammée au {}.", date_fr(scheduled_at)),
            true,
            author,
            now,
        ));
        Ok(())
    })
}

/// Call off a visit that has not happened yet.
pub fn cancel(
    case: &mut Case,
    actor: &Actor,
    id: InterventionId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    let current = find(case, id)?;
    check(
        actor,
        Action::EditVisite,
        Resource::Intervention(case, &current),
    )?;
    guard(
        current.scheduled_at > now,
        "Une visite passée ne s'annule pas : indiquez qu'elle n'a pas eu lieu.",
    )?;
    let reason = required_text("motif", reason, 1, "Le motif d'annulation")?;
    tracked(case, |case, events| {
        let v = visit_mut(case, id)?;
        v.status = intervention_next(v.status, InterventionTransition::Cancel)?;
        v.details = Some(reason.clone());
        let author = author_of(actor, case);
        events.push(suivi(
            case,
            SuiviCategory::InterventionIsCanceled,
            format!(
                "La visite du {} a été annulée : {}",
                date_fr(current.scheduled_at),
                reason
            ),
            true,
            author,
            now,
        ));
        Ok(())
    })
}

/// Record that a past visit did not take place.
pub fn abort(
    case: &mut Case,
    actor: &Actor,
    id: InterventionId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    let current = find(case, id)?;
    check(
        actor,
        Action::EditVisite,
        Resource::Intervention(case, &current),
    )?;
    guard(
        current.scheduled_at <= now,
        "La visite n'a pas encore eu lieu : annulez-la ou reprogrammez-la.",
    )?;
    let reason = required_text("motif", reason, 1, "La raison")?;
    tracked(case, |case, events| {
        let v = visit_mut(case, id)?;
        v.status = intervention_next(v.status, InterventionTransition::Abort)?;
        v.details = Some(reason.clone());
        let author = author_of(actor, case);
        events.push(suivi(
            case,
            SuiviCategory::InterventionIsAborted,
            format!(
                "La visite du {} n'a pas pu avoir lieu : {}",
                date_fr(current.scheduled_at),
                reason
            ),
            true,
            author,
            now,
        ));
        Ok(())
    })
}

/// Record the conclusion of a visit that took place (§3.4, §5.4).
pub fn confirm(
    case: &mut Case,
    actor: &Actor,
    id: InterventionId,
    conclusion: Conclusion,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    let current = find(case, id)?;
    check(
        actor,
        Action::EditVisite,
        Resource::Intervention(case, &current),
    )?;
    tracked(case, |case, events| {
        conclude_in(case, actor, id, conclusion, now, events)
    })
}

fn conclude_in(
    case: &mut Case,
    actor: &Actor,
    id: InterventionId,
    conclusion: Conclusion,
    now: DateTime<Utc>,
    events: &mut Events,
) -> Result<(), DomainError> {
    let details = required_text("details", &conclusion.details, 1, "La conclusion")?;
    if conclusion.procedures.is_empty() {
        return Err(DomainError::invalid(
            "procedures",
            "Indiquez au moins une procédure constatée, ou « Autre ».",
        ));
    }
    let v = visit_mut(case, id)?;
    guard(v.scheduled_at <= now, "La visite n'a pas encore eu lieu.")?;
    v.status = intervention_next(v.status, InterventionTransition::Confirm)?;
    v.details = Some(details.clone());
    v.concluded_procedures = conclusion.procedures.clone();
    v.occupant_present = conclusion.occupant_present;
    v.proprietaire_present = conclusion.proprietaire_present;
    v.notify_usager = conclusion.notify_usager;
    // A confirmed visit means the landlord knows (§3.4).
    case.signalement.proprio.is_averti = Some(true);
    case.qualifications
        .extend(qualification::post_visit(&conclusion.procedures));
    let labels: Vec<&str> = conclusion.procedures.iter().map(|p| p.label()).collect();
    let author = author_of(actor, case);
    events.push(suivi(
        case,
        SuiviCategory::InterventionHasConclusion,
        format!(
            "Conclusion de la visite : {}. {}",
            labels.join(", "),
            details
        ),
        conclusion.notify_usager,
        author,
        now,
    ));
    Ok(())
}
