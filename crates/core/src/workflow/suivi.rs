//! Suivis written by people (rules 18, 21, 22).

use chrono::{DateTime, Utc};

use super::{Events, author_of, check, required_text, suivi, tracked};
use crate::actor::Actor;
use crate::enums::{SignalementStatus, SuiviCategory};
use crate::error::DomainError;
use crate::ids::{SuiviId, UserId};
use crate::model::{Case, Suivi};
use crate::policy::{Action, Resource, SUIVI_EDIT_WINDOW};

/// Longest message accepted, so that one paste cannot bloat a case.
pub const MAX_MESSAGE_CHARS: usize = 10_000;

/// A message on the case's timeline: a partner's suivi (public or
/// internal), an usager's message, or an API client's suivi.
pub fn add_message(
    case: &mut Case,
    actor: &Actor,
    text: &str,
    public: bool,
    send_mail: bool,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    let category = match actor {
        Actor::Usager(_) => {
            check(
                actor,
                Action::UsagerPostMessage { now },
                Resource::Signalement(case),
            )?;
            if case.signalement.status == SignalementStatus::Closed {
                SuiviCategory::MessageUsagerPostCloture
            } else {
                SuiviCategory::MessageUsager
            }
        }
        _ => {
            check(actor, Action::CreateSuivi, Resource::Signalement(case))?;
            SuiviCategory::MessagePartner
        }
    };
    let text = required_text("message", text, 1, "Le message")?;
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(DomainError::invalid(
            "message",
            format!("Le message ne peut pas dépasser {MAX_MESSAGE_CHARS} caractères."),
        ));
    }
    // An usager's own message is visible to him.
    let public = public || matches!(actor, Actor::Usager(_));
    tracked(case, |case, events| {
        let author = author_of(actor, case);
        let mut event = suivi(case, category, text, public, author, now);
        if let crate::events::DomainEvent::Suivi(s) = &mut event {
            s.send_mail = send_mail;
        }
        events.push(event);
        Ok(())
    })
}

/// Whether a new suivi's notifications wait for its author's edit window
/// (rule 21): only partners' messages are held.
pub fn is_held(category: SuiviCategory, author: Option<UserId>) -> bool {
    category == SuiviCategory::MessagePartner && author.is_some()
}

/// The author edits his partner message inside the 20-minute window.
pub fn edit(
    case: &Case,
    actor: &Actor,
    id: SuiviId,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Suivi, DomainError> {
    let current = find(case, id)?;
    check(
        actor,
        Action::EditSuivi { now },
        Resource::Suivi(case, &current),
    )?;
    let text = required_text("message", text, 1, "Le message")?;
    Ok(Suivi {
        description: text,
        ..current
    })
}

#[derive(Debug, Clone, PartialEq)]
pub enum Deletion {
    /// Inside the author's window the suivi never existed for anyone.
    Hard(SuiviId),
    /// Afterwards a super admin hides it; the trace stays.
    Soft(Suivi),
}

/// Rule 21: deletion inside the window is a hard delete, afterwards only a
/// super admin deletes, softly.
pub fn delete(
    case: &Case,
    actor: &Actor,
    id: SuiviId,
    now: DateTime<Utc>,
) -> Result<Deletion, DomainError> {
    let current = find(case, id)?;
    check(
        actor,
        Action::DeleteSuivi { now },
        Resource::Suivi(case, &current),
    )?;
    let within_window = current.waiting_notification
        && now - current.created_at < SUIVI_EDIT_WINDOW
        && current.created_by == actor.user_id();
    if within_window {
        return Ok(Deletion::Hard(id));
    }
    // The text is kept for the record; pages show `deleted_notice` instead.
    Ok(Deletion::Soft(Suivi {
        deleted_at: Some(now),
        deleted_by: actor.user_id(),
        ..current
    }))
}

fn find(case: &Case, id: SuiviId) -> Result<Suivi, DomainError> {
    case.suivis
        .iter()
        .find(|s| s.id == id)
        .cloned()
        .ok_or_else(|| DomainError::NotFound("Suivi".into()))
}
