use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::{PartnerType, Qualification, Role, UserStatus};
use crate::ids::{PartnerId, UserId};
use crate::territory_code::TerritoryCode;

/// A person with an account: agent, admin, usager or API client (§1.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub prenom: String,
    pub nom: String,
    pub role: Role,
    pub status: UserStatus,
    /// An agent allowed to affect partners.
    pub has_permission_affectation: bool,
    pub memberships: Vec<Membership>,
    pub is_mailing_active: bool,
    /// Daily digest instead of one e-mail per event.
    pub is_mailing_summary: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl User {
    pub fn is_active(&self) -> bool {
        self.status == UserStatus::Active
    }

    pub fn belongs_to(&self, partner: PartnerId) -> bool {
        self.memberships.iter().any(|m| m.partner_id == partner)
    }
}

/// A user's partner, with what the policy needs to know of it. A user has
/// at most one partner per territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub partner_id: PartnerId,
    pub territory: TerritoryCode,
    pub partner_type: PartnerType,
    pub competences: Vec<Qualification>,
}
