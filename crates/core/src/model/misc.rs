use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::{HistoryEvent, NotificationType, PartnerType, ProfileDeclarant, Qualification};
use crate::ids::{
    AffectationId, AutoAffectationRuleId, HistoryEntryId, NotificationId, PartnerId, SignalementId,
    SuiviId, TagId, UserId,
};
use crate::territory_code::TerritoryCode;

/// A département-level territory (§1.6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Territory {
    pub code: TerritoryCode,
    pub name: String,
    /// Open for reports.
    pub is_active: bool,
    /// Restricts the communes accepted; empty = all.
    pub authorized_insee: Vec<String>,
    pub timezone: String,
}

/// A commune and one of its postal codes (the national postal code base).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commune {
    pub code_postal: String,
    pub code_insee: String,
    pub nom: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub id: TagId,
    pub territory: TerritoryCode,
    pub label: String,
    pub is_archive: bool,
}

/// An agent follows a case: he gets its notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Subscription {
    pub user_id: UserId,
    pub signalement_id: SignalementId,
}

/// An in-app notification (§1.15).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: NotificationId,
    pub user_id: UserId,
    pub notification_type: NotificationType,
    pub signalement_id: Option<SignalementId>,
    pub suivi_id: Option<SuiviId>,
    pub affectation_id: Option<AffectationId>,
    pub created_at: DateTime<Utc>,
    pub is_seen: bool,
    /// Left for the daily digest instead of an immediate e-mail.
    pub wait_mailing_summary: bool,
}

/// One line of the audit log (§1.14).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: HistoryEntryId,
    pub event: HistoryEvent,
    pub entity_name: String,
    pub entity_id: uuid::Uuid,
    /// field → [old, new]
    pub changes: serde_json::Value,
    pub signalement_id: Option<SignalementId>,
    pub user_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RuleStatus {
    Active,
    Archived,
}

/// Which declarants a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleProfile {
    All,
    Tiers,
    Occupant,
    Exactly(ProfileDeclarant),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleParc {
    All,
    Prive,
    Public,
    NonRenseigne,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAllocataire {
    All,
    Oui,
    Non,
    Caf,
    Msa,
    Nsp,
}

impl RuleStatus {
    pub fn label(self) -> &'static str {
        match self {
            RuleStatus::Active => "Active",
            RuleStatus::Archived => "Archivée",
        }
    }
}

impl RuleProfile {
    /// The choices of the rule form, in the order it shows them.
    pub fn choices() -> Vec<RuleProfile> {
        let mut all = vec![RuleProfile::All, RuleProfile::Tiers, RuleProfile::Occupant];
        all.extend(
            ProfileDeclarant::ALL
                .iter()
                .map(|p| RuleProfile::Exactly(*p)),
        );
        all
    }

    /// The value of the form field (the reference platform's stored one).
    pub fn as_str(self) -> &'static str {
        match self {
            RuleProfile::All => "all",
            RuleProfile::Tiers => "tiers",
            RuleProfile::Occupant => "occupant",
            RuleProfile::Exactly(p) => p.as_str(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RuleProfile::All => "Tous les déclarants",
            RuleProfile::Tiers => "Tous les tiers",
            RuleProfile::Occupant => "Occupants (non tiers)",
            RuleProfile::Exactly(p) => p.label(),
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "all" => Some(RuleProfile::All),
            "tiers" => Some(RuleProfile::Tiers),
            "occupant" => Some(RuleProfile::Occupant),
            other => ProfileDeclarant::parse(other).map(RuleProfile::Exactly),
        }
    }
}

impl RuleParc {
    pub const ALL: &'static [RuleParc] = &[
        RuleParc::All,
        RuleParc::Prive,
        RuleParc::Public,
        RuleParc::NonRenseigne,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleParc::All => "all",
            RuleParc::Prive => "prive",
            RuleParc::Public => "public",
            RuleParc::NonRenseigne => "non_renseigne",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RuleParc::All => "Tout le parc",
            RuleParc::Prive => "Parc privé",
            RuleParc::Public => "Parc public (logement social)",
            RuleParc::NonRenseigne => "Parc non renseigné",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.as_str() == value)
    }
}

impl RuleAllocataire {
    pub const ALL: &'static [RuleAllocataire] = &[
        RuleAllocataire::All,
        RuleAllocataire::Oui,
        RuleAllocataire::Non,
        RuleAllocataire::Caf,
        RuleAllocataire::Msa,
        RuleAllocataire::Nsp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleAllocataire::All => "all",
            RuleAllocataire::Oui => "oui",
            RuleAllocataire::Non => "non",
            RuleAllocataire::Caf => "caf",
            RuleAllocataire::Msa => "msa",
            RuleAllocataire::Nsp => "nsp",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RuleAllocataire::All => "Allocataires ou non",
            RuleAllocataire::Oui => "Allocataires (CAF, MSA ou non précisé)",
            RuleAllocataire::Non => "Non allocataires",
            RuleAllocataire::Caf => "Allocataires CAF",
            RuleAllocataire::Msa => "Allocataires MSA",
            RuleAllocataire::Nsp => "Ne sait pas ou non renseigné",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.as_str() == value)
    }
}

/// A territory's rule for affecting new cases automatically (§1.10, §6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutoAffectationRule {
    pub id: AutoAffectationRuleId,
    pub territory: TerritoryCode,
    pub status: RuleStatus,
    pub partner_type: PartnerType,
    pub profile_declarant: RuleProfile,
    /// Empty = the partner's perimeter alone decides.
    pub insee_to_include: Vec<String>,
    pub insee_to_exclude: Vec<String>,
    pub partner_to_exclude: Vec<PartnerId>,
    pub parc: RuleParc,
    pub allocataire: RuleAllocataire,
    pub procedures_suspectees: Vec<Qualification>,
}

impl AutoAffectationRule {
    /// An active rule giving every partner of `partner_type` in its
    /// perimeter, whoever declares, whatever the parc, allocataire or
    /// suspected procedure: what a creation starts from before its form
    /// is applied.
    pub fn new(
        id: AutoAffectationRuleId,
        territory: TerritoryCode,
        partner_type: PartnerType,
    ) -> Self {
        AutoAffectationRule {
            id,
            territory,
            status: RuleStatus::Active,
            partner_type,
            profile_declarant: RuleProfile::All,
            insee_to_include: Vec::new(),
            insee_to_exclude: Vec::new(),
            partner_to_exclude: Vec::new(),
            parc: RuleParc::All,
            allocataire: RuleAllocataire::All,
            procedures_suspectees: Vec::new(),
        }
    }
}
