//! Back-office accounts: password hashes, staff sessions, and the hashing
//! of passwords itself (docs/decisions/0018-accounts-and-sessions.md).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::ids::UserId;
use histologe_core::model::StaffSession;
use thiserror::Error;

use crate::error::RepoError;

/// The hashing could not be done (parameters refused, out of memory).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("password hashing failed: {0}")]
pub struct PasswordHashError(pub String);

/// One-way password hashing. CPU- and memory-bound on purpose (tens of
/// milliseconds with the production adapter): callers hash only at login
/// and when a password is set.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait PasswordHasher: Send + Sync {
    /// A self-describing hash (PHC string: algorithm, parameters, salt).
    fn hash(&self, password: &str) -> Result<String, PasswordHashError>;
    /// Whether `password` matches `hash`; `false` for a hash this adapter
    /// cannot read (never an error: the caller answers "bad credentials").
    fn verify(&self, password: &str, hash: &str) -> bool;
}

/// The password hash of each account that has one.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait CredentialRepository: Send + Sync {
    /// `None` when the account has no password yet.
    async fn password_hash(&self, user: UserId) -> Result<Option<String>, RepoError>;
    /// Sets or replaces the account's hash.
    async fn set_password_hash(
        &self,
        user: UserId,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError>;
}

/// Back-office sessions, by the SHA-256 (hex) of their token: the token
/// itself is only ever in the browser's cookie.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait SessionRepository: Send + Sync {
    /// # Errors
    /// `Duplicate` when a session has this `id_hash`.
    async fn create(&self, session: &StaffSession) -> Result<(), RepoError>;
    /// The session, expired or not (the caller compares `expires_at`).
    async fn get(&self, id_hash: &str) -> Result<Option<StaffSession>, RepoError>;
    /// Records activity and the new expiry; nothing when the session is gone.
    async fn touch(
        &self,
        id_hash: &str,
        last_seen_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), RepoError>;
    /// Nothing when the session is gone.
    async fn delete(&self, id_hash: &str) -> Result<(), RepoError>;
    /// Every session of the user; how many there were.
    async fn delete_for_user(&self, user: UserId) -> Result<u64, RepoError>;

    /// Deletes at most `limit` sessions expired at `now`; how many. A store
    /// that expires its sessions itself (Redis keys with a time to live)
    /// keeps this default.
    async fn purge_expired(&self, _now: DateTime<Utc>, _limit: u32) -> Result<u64, RepoError> {
        Ok(0)
    }
}
