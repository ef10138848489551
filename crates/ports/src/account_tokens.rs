//! Single-use secrets sent to an account's owner: activation and
//! password-reset links, and the e-mailed login codes of the second factor
//! (docs/decisions/0019-account-links-and-login-codes.md). Only the
//! SHA-256 of a secret is stored: a copy of the table opens nothing.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::ids::UserId;

use crate::error::RepoError;

/// What a token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountTokenKind {
    /// First password of a new (inactive) account; activates it.
    Activation,
    /// A new password for an active account.
    PasswordReset,
    /// A password was right; the second factor is awaited (the browser
    /// holds the secret in a private cookie).
    PendingLogin,
    /// The code e-mailed for one pending login.
    LoginCode,
}

impl AccountTokenKind {
    pub const ALL: &'static [AccountTokenKind] = &[
        Self::Activation,
        Self::PasswordReset,
        Self::PendingLogin,
        Self::LoginCode,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activation => "activation",
            Self::PasswordReset => "password_reset",
            Self::PendingLogin => "pending_login",
            Self::LoginCode => "login_code",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// One stored token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountToken {
    /// SHA-256 of the secret, lowercase hex (64 characters).
    pub token_hash: String,
    pub kind: AccountTokenKind,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// When it was used or revoked; a used token never works again.
    pub used_at: Option<DateTime<Utc>>,
}

/// The account tokens. A token "works" when it has the kind asked, is
/// unused and `now < expires_at`.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait AccountTokenRepository: Send + Sync {
    /// # Errors
    /// `Duplicate` when a token has this hash; `NotFound` for an unknown
    /// user.
    async fn create_token(&self, token: &AccountToken) -> Result<(), RepoError>;
    /// The user of the token if it works, without using it.
    async fn valid_token(
        &self,
        token_hash: &str,
        kind: AccountTokenKind,
        now: DateTime<Utc>,
    ) -> Result<Option<UserId>, RepoError>;
    /// Uses the token if it works and returns its user; `None` otherwise.
    /// Atomic: of two concurrent calls on one token, one only gets its user.
    async fn consume_token(
        &self,
        token_hash: &str,
        kind: AccountTokenKind,
        now: DateTime<Utc>,
    ) -> Result<Option<UserId>, RepoError>;
    /// Deletes every token that can no longer work (used, or expired at
    /// `now`); how many.
    async fn purge_tokens(&self, now: DateTime<Utc>) -> Result<u64, RepoError>;
    /// Marks every unused token of this kind and user as used; how many.
    async fn revoke_tokens(
        &self,
        user: UserId,
        kind: AccountTokenKind,
        now: DateTime<Utc>,
    ) -> Result<u64, RepoError>;
}
