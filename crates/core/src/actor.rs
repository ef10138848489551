//! Who is acting. Every use case receives an `Actor` and asks the policy
//! whether it may act; nothing trusts a role name found elsewhere.

use serde::{Deserialize, Serialize};

use crate::enums::{Qualification, Role, UsagerSide};
use crate::ids::{PartnerId, SignalementId, UserId};
use crate::model::{Affectation, Case, Membership, User};
use crate::territory_code::TerritoryCode;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Actor {
    /// A visitor of the public pages.
    Anonymous,
    /// The platform itself: auto-affectation, scheduled jobs, interconnections.
    System,
    /// A back-office account: super admin, RT, partner admin or agent.
    Staff(StaffUser),
    /// Someone who passed the tracking page's identity check for one case.
    Usager(UsagerSession),
    /// A partner's software using the API.
    Api(ApiClient),
}

impl Actor {
    /// The actor for a stored user, or `None` for roles that never act as
    /// staff through an account (usagers act through their tracking session).
    pub fn from_user(user: &User) -> Option<Actor> {
        if !user.is_active() {
            return None;
        }
        match user.role {
            Role::SuperAdmin | Role::TerritoryAdmin | Role::PartnerAdmin | Role::Agent => {
                Some(Actor::Staff(StaffUser {
                    id: user.id,
                    role: user.role,
                    memberships: user.memberships.clone(),
                    has_permission_affectation: user.has_permission_affectation,
                }))
            }
            Role::ApiUser => Some(Actor::Api(ApiClient {
                id: user.id,
                partners: user.memberships.clone(),
            })),
            Role::Usager => None,
        }
    }

    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::Staff(s) => Some(s.id),
            Actor::Api(a) => Some(a.id),
            _ => None,
        }
    }

    pub fn as_staff(&self) -> Option<&StaffUser> {
        match self {
            Actor::Staff(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_super_admin(&self) -> bool {
        self.as_staff().is_some_and(StaffUser::is_super_admin)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffUser {
    pub id: UserId,
    pub role: Role,
    pub memberships: Vec<Membership>,
    pub has_permission_affectation: bool,
}

impl StaffUser {
    pub fn is_super_admin(&self) -> bool {
        self.role == Role::SuperAdmin
    }

    /// The user's partner in a territory (at most one, §1.5).
    pub fn membership_in(&self, territory: &TerritoryCode) -> Option<&Membership> {
        self.memberships.iter().find(|m| &m.territory == territory)
    }

    pub fn has_partner_in(&self, territory: &TerritoryCode) -> bool {
        self.membership_in(territory).is_some()
    }

    /// "RT of T" (§4.2): territory admin with a partner in T. Super admins
    /// are handled apart, never through this.
    pub fn is_rt_of(&self, territory: &TerritoryCode) -> bool {
        self.role == Role::TerritoryAdmin && self.has_partner_in(territory)
    }

    /// Super admin, or RT of the territory.
    pub fn administers(&self, territory: &TerritoryCode) -> bool {
        self.is_super_admin() || self.is_rt_of(territory)
    }

    /// The affectation of the user's own partner on this case, if any.
    pub fn own_affectation<'a>(&self, case: &'a Case) -> Option<&'a Affectation> {
        let m = self.membership_in(&case.signalement.territory)?;
        case.affectation_of(m.partner_id)
    }

    pub fn has_competence_in(&self, territory: &TerritoryCode, q: Qualification) -> bool {
        self.membership_in(territory)
            .is_some_and(|m| m.competences.contains(&q))
    }

    pub fn territories(&self) -> impl Iterator<Item = &TerritoryCode> {
        self.memberships.iter().map(|m| &m.territory)
    }

    pub fn partner_ids(&self) -> impl Iterator<Item = PartnerId> + '_ {
        self.memberships.iter().map(|m| m.partner_id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsagerSession {
    pub signalement_id: SignalementId,
    pub side: UsagerSide,
}

/// An API client with the partners its permissions resolve to (§1.5, §4.6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiClient {
    pub id: UserId,
    pub partners: Vec<Membership>,
}

impl ApiClient {
    pub fn acts_for(&self, partner: PartnerId) -> bool {
        self.partners.iter().any(|m| m.partner_id == partner)
    }
}
