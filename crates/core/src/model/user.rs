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

    pub fn mailing_preference(&self) -> MailingPreference {
        MailingPreference::of(self.is_mailing_active, self.is_mailing_summary)
    }
}

/// How a back-office user hears of his notifications by e-mail (the two
/// flags `is_mailing_active` / `is_mailing_summary` of §1.5, as he chooses
/// them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailingPreference {
    /// One e-mail per notification.
    EachEvent,
    /// One e-mail a day listing the notifications of the day.
    DailyDigest,
    /// In-app notifications only.
    Nothing,
}

impl MailingPreference {
    pub const ALL: [MailingPreference; 3] = [Self::EachEvent, Self::DailyDigest, Self::Nothing];

    pub fn of(is_mailing_active: bool, is_mailing_summary: bool) -> Self {
        match (is_mailing_active, is_mailing_summary) {
            (false, _) => Self::Nothing,
            (true, true) => Self::DailyDigest,
            (true, false) => Self::EachEvent,
        }
    }

    /// `(is_mailing_active, is_mailing_summary)`. Turning e-mails off keeps
    /// no mode: whoever turns them on again chooses one.
    pub fn flags(self) -> (bool, bool) {
        match self {
            Self::EachEvent => (true, false),
            Self::DailyDigest => (true, true),
            Self::Nothing => (false, false),
        }
    }

    /// The form's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EachEvent => "chaque_evenement",
            Self::DailyDigest => "recapitulatif_quotidien",
            Self::Nothing => "aucun",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::EachEvent => "Un e-mail à chaque événement",
            Self::DailyDigest => "Un récapitulatif quotidien",
            Self::Nothing => "Aucun e-mail",
        }
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

#[cfg(test)]
mod mailing_tests {
    use super::MailingPreference;

    #[test]
    fn each_preference_reads_back_from_its_flags_and_its_form_value() {
        for p in MailingPreference::ALL {
            let (active, summary) = p.flags();
            assert_eq!(MailingPreference::of(active, summary), p);
            assert_eq!(MailingPreference::parse(p.as_str()), Some(p));
        }
        // The reference platform's default (both on) is the digest.
        assert_eq!(
            MailingPreference::of(true, true),
            MailingPreference::DailyDigest
        );
        assert_eq!(
            MailingPreference::of(false, true),
            MailingPreference::Nothing
        );
        assert_eq!(MailingPreference::parse("tous"), None);
    }
}
