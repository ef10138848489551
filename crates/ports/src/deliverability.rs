//! Addresses e-mail does not reach: what the mail provider reported (its
//! webhook, or a refusal when sending), kept per address so that the
//! back-office can show which accounts no longer receive anything.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::ids::{PartnerId, UserId};
use histologe_core::territory_code::TerritoryCode;

use crate::error::RepoError;

/// One report about an address: a failure (hard bounce, blocked, spam,
/// invalid address…) marks it undeliverable, a success (delivered,
/// opened…) clears it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryEvent {
    /// The provider's id of the event: the same event delivered twice
    /// has one effect. `None` for what the platform saw itself.
    pub key: Option<String>,
    /// Lower-cased and trimmed.
    pub email: String,
    /// The provider's name of the event (`hard_bounce`, `delivered`…).
    pub event: String,
    pub reason: Option<String>,
    pub failure: bool,
    pub occurred_at: DateTime<Utc>,
}

/// The last failure reported for an address, while no success followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryIssue {
    pub email: String,
    pub event: String,
    pub reason: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// Whose address it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountRef {
    User(UserId),
    /// A partner's generic mailbox.
    Partner(PartnerId),
}

/// An account (user or partner) whose address is undeliverable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndeliverableAccount {
    pub account: AccountRef,
    /// The user's full name, or the partner's name.
    pub name: String,
    pub issue: DeliveryIssue,
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait DeliveryIssueRepository: Send + Sync {
    /// Applies `event` once: `false` when an event with the same key was
    /// applied before (nothing changes). A failure records the issue of
    /// the address unless a later report is already there; a success
    /// clears an earlier issue.
    async fn apply_delivery_event(
        &self,
        event: &DeliveryEvent,
        received_at: DateTime<Utc>,
    ) -> Result<bool, RepoError>;
    /// The issues of these addresses (compared lower-cased).
    async fn delivery_issues(&self, emails: &[String]) -> Result<Vec<DeliveryIssue>, RepoError>;
    /// Active users and non-archived partners with an undeliverable address:
    /// those attached to one of `territories`, or all of them for `None`.
    /// Sorted by name.
    async fn undeliverable_accounts(
        &self,
        territories: Option<Vec<TerritoryCode>>,
    ) -> Result<Vec<UndeliverableAccount>, RepoError>;
    /// Forgets at most `limit` keys of events received before `before` (a
    /// provider repeats an event within hours, not months); how many.
    async fn purge_delivery_events(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError>;
}

/// An address as the issues are keyed: trimmed and lower-cased.
pub fn delivery_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The accounts among `users` and `partners` whose address has an issue
/// in `issues` (keyed by lower-cased address): active users attached to
/// one of `territories` and non-archived partners of them (all for
/// `None`), sorted by name. Every store answers
/// [`DeliveryIssueRepository::undeliverable_accounts`] with it.
pub fn undeliverable_among<'a>(
    issues: &std::collections::HashMap<String, DeliveryIssue>,
    users: impl IntoIterator<Item = &'a histologe_core::model::User>,
    partners: impl IntoIterator<Item = &'a histologe_core::model::Partner>,
    territories: Option<&[TerritoryCode]>,
) -> Vec<UndeliverableAccount> {
    let within = |t: &TerritoryCode| territories.is_none_or(|ts| ts.contains(t));
    let issue_of = |email: &str| issues.get(&delivery_key(email)).cloned();
    let mut found = Vec::new();
    for user in users.into_iter().filter(|u| u.is_active()) {
        let attached =
            territories.is_none() || user.memberships.iter().any(|m| within(&m.territory));
        if let (true, Some(issue)) = (attached, issue_of(&user.email)) {
            found.push(UndeliverableAccount {
                account: AccountRef::User(user.id),
                name: format!("{} {}", user.prenom, user.nom),
                issue,
            });
        }
    }
    for partner in partners
        .into_iter()
        .filter(|p| !p.is_archive && within(&p.territory))
    {
        if let Some(issue) = partner.email.as_deref().and_then(issue_of) {
            found.push(UndeliverableAccount {
                account: AccountRef::Partner(partner.id),
                name: partner.nom.clone(),
                issue,
            });
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name).then(a.issue.email.cmp(&b.issue.email)));
    found
}
