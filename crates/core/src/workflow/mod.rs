//! The operations of the core loop on a `Case`. Each one asks the policy,
//! moves along the transition tables, and returns the events it causes;
//! history entries are derived from the values before and after, so no
//! operation can forget them. On error the case is left untouched.

pub mod affectation;
pub mod file;
pub mod signalement;
pub mod suivi;
pub mod tags;
pub mod visite;

use chrono::{DateTime, Utc};

use crate::actor::Actor;
use crate::enums::HistoryEvent;
use crate::error::DomainError;
use crate::events::{DomainEvent, NewSuivi, SuiviAuthor};
use crate::history;
use crate::model::Case;
use crate::policy::{self, Action, Resource};

pub type Events = Vec<DomainEvent>;

/// Runs `change` on the case; on success prepends the history of what
/// changed (signalement, affectations, visits), on failure restores it.
pub(crate) fn tracked(
    case: &mut Case,
    change: impl FnOnce(&mut Case, &mut Events) -> Result<(), DomainError>,
) -> Result<Events, DomainError> {
    let before = case.clone();
    let mut events = Vec::new();
    if let Err(e) = change(case, &mut events) {
        *case = before;
        return Err(e);
    }
    let mut log = Vec::new();
    log.extend(history::update(
        "Signalement",
        case.signalement.id.as_uuid(),
        &before.signalement,
        &case.signalement,
    ));
    for a in &case.affectations {
        match before.affectations.iter().find(|b| b.id == a.id) {
            Some(b) => log.extend(history::update("Affectation", a.id.as_uuid(), b, a)),
            None => log.push(history::whole(
                "Affectation",
                a.id.as_uuid(),
                HistoryEvent::Create,
                a,
            )),
        }
    }
    for b in &before.affectations {
        if !case.affectations.iter().any(|a| a.id == b.id) {
            log.push(history::whole(
                "Affectation",
                b.id.as_uuid(),
                HistoryEvent::Delete,
                b,
            ));
        }
    }
    for i in &case.interventions {
        match before.interventions.iter().find(|b| b.id == i.id) {
            Some(b) => log.extend(history::update("Intervention", i.id.as_uuid(), b, i)),
            None => log.push(history::whole(
                "Intervention",
                i.id.as_uuid(),
                HistoryEvent::Create,
                i,
            )),
        }
    }
    let mut all: Events = log.into_iter().map(DomainEvent::History).collect();
    all.append(&mut events);
    Ok(all)
}

pub(crate) fn check(
    actor: &Actor,
    action: Action,
    resource: Resource<'_>,
) -> Result<(), DomainError> {
    policy::can(actor, action, resource).map_err(DomainError::from)
}

/// The author of a suivi written by this actor.
pub(crate) fn author_of(actor: &Actor, case: &Case) -> SuiviAuthor {
    match actor {
        Actor::Staff(user) => SuiviAuthor::Staff {
            user_id: user.id,
            partner_id: user
                .membership_in(&case.signalement.territory)
                .map(|m| m.partner_id),
        },
        Actor::Api(client) => SuiviAuthor::Api {
            user_id: client.id,
            partner_id: client
                .partners
                .iter()
                .find(|m| m.territory == case.signalement.territory)
                .map(|m| m.partner_id),
        },
        Actor::Usager(session) => SuiviAuthor::Usager(session.side),
        Actor::System | Actor::Anonymous => SuiviAuthor::System,
    }
}

/// A suivi event; public visibility is forced off for a vacant dwelling
/// (rule 18), since nobody lives there to read it.
pub(crate) fn suivi(
    case: &mut Case,
    category: crate::enums::SuiviCategory,
    description: String,
    is_public: bool,
    author: SuiviAuthor,
    now: DateTime<Utc>,
) -> DomainEvent {
    let is_public = is_public && !case.signalement.is_logement_vacant();
    case.signalement.last_suivi_at = Some(now);
    case.signalement.last_suivi_is_visible_for_usager = Some(is_public);
    DomainEvent::Suivi(NewSuivi {
        category,
        description,
        is_public,
        author,
        send_mail: true,
    })
}

/// Trimmed text of at least `min` visible characters.
pub(crate) fn required_text(
    field: &str,
    text: &str,
    min: usize,
    what: &str,
) -> Result<String, DomainError> {
    let t = text.trim();
    if t.chars().filter(|c| !c.is_whitespace()).count() < min {
        return Err(DomainError::invalid(
            field,
            format!("{what} doit contenir au moins {min} caractères."),
        ));
    }
    Ok(t.to_string())
}
