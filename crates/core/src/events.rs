//! What a transition causes besides the state change. Core only describes
//! these; the application turns them into writes and queued jobs inside the
//! same transaction.

use serde::{Deserialize, Serialize};

use crate::enums::{HistoryEvent, NotificationType, SuiviCategory, UsagerSide};
use crate::ids::{AffectationId, PartnerId, UserId};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DomainEvent {
    /// A line of the audit log.
    History(HistoryChange),
    /// A suivi to add to the timeline; its notifications follow from it.
    Suivi(NewSuivi),
    /// A partner got the case: notify its people and push it to its
    /// interconnection if it has one.
    AffectationCreated {
        affectation_id: AffectationId,
        partner_id: PartnerId,
    },
    AffectationRemoved {
        affectation_id: AffectationId,
        partner_id: PartnerId,
    },
    /// These users now follow the case.
    Subscribe(Vec<UserId>),
    /// Every active RT of the territory now follows the case.
    SubscribeTerritoryAdmins,
    /// The partner's users stop following the case; RTs keep following.
    UnsubscribePartnerUsers { partner_id: PartnerId },
    /// In-app notification and e-mail to a group of people (who exactly is
    /// resolved by the application from the case and its subscribers).
    Notify {
        kind: NotificationType,
        audience: Audience,
    },
    /// The case's in-app notifications are removed (archiving).
    DeleteCaseNotifications,
    /// E-mail to the usager(s) acknowledging a new case, with the tracking link.
    UsagerAcknowledgement,
}

/// Who a notification goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    /// Active super admins and active RTs of the territory.
    TerritoryAdmins,
    /// Users following the case.
    Subscribers,
    /// The partner's generic e-mail and its active users.
    Partner(PartnerId),
}

/// One audit log entry: entity, event and field → [old, new].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryChange {
    pub entity_name: String,
    pub entity_id: uuid::Uuid,
    pub event: HistoryEvent,
    pub changes: serde_json::Value,
}

/// Who wrote a suivi.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SuiviAuthor {
    System,
    Staff {
        user_id: UserId,
        partner_id: Option<PartnerId>,
    },
    Usager(UsagerSide),
    Bailleur,
    Api {
        user_id: UserId,
        partner_id: Option<PartnerId>,
    },
}

impl SuiviAuthor {
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            SuiviAuthor::Staff { user_id, .. } | SuiviAuthor::Api { user_id, .. } => Some(*user_id),
            _ => None,
        }
    }

    pub fn partner_id(&self) -> Option<PartnerId> {
        match self {
            SuiviAuthor::Staff { partner_id, .. } | SuiviAuthor::Api { partner_id, .. } => {
                *partner_id
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSuivi {
    pub category: SuiviCategory,
    pub description: String,
    pub is_public: bool,
    pub author: SuiviAuthor,
    /// `false` when the author chose not to notify (rule 20).
    pub send_mail: bool,
}
