//! Links e-mailed to an account's owner: activation of a new account and
//! lost password (docs/decisions/0019-account-links-and-login-codes.md).
//!
//! A request never says whether the address has an account: the same
//! answer comes back, and an e-mail is queued only for an account the link
//! fits (inactive staff account for an activation, active one for a reset).
//! The link's secret is drawn by the job that sends it, so it is never
//! stored anywhere but in the e-mail; the database keeps its SHA-256.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use histologe_core::DomainError;
use histologe_core::enums::{Role, UserStatus};
use histologe_core::ids::UserId;
use histologe_core::model::User;
use histologe_core::validation::check_password_policy;
use histologe_ports::{AccountTokenKind, IdGenerator, RepoError, Transaction};
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::AppError;
use crate::jobs::{self, EmailAccountLink};
use crate::use_cases::auth::{normalize_email, session_id_hash, shared_error};

/// An activation link is sent when an administrator creates the account:
/// the new agent may read it days later (absence, week-end), and it only
/// sets the first password of an account nobody uses yet.
pub const ACTIVATION_LINK_LIFETIME: TimeDelta = TimeDelta::days(7);
/// A reset link is asked by someone at their screen and opens an account
/// in use: short, so that a mailbox read later (or forwarded) is no door.
pub const RESET_LINK_LIFETIME: TimeDelta = TimeDelta::hours(1);
/// Link requests accepted per e-mail address in [`LINK_REQUEST_WINDOW`]:
/// enough for a lost e-mail, not for flooding a mailbox.
pub const LINK_REQUESTS_MAX: u64 = 3;
/// Link requests accepted per client in [`LINK_REQUEST_WINDOW`]: higher,
/// because without `HISTOLOGE_TRUST_PROXY` every visitor is one client
/// (`"local"`), and one office may hold several agents; still low enough
/// to stop one client from walking through a list of addresses.
pub const LINK_REQUESTS_PER_CLIENT_MAX: u64 = 20;
pub const LINK_REQUEST_WINDOW: Duration = Duration::from_secs(60 * 60);

/// What an e-mailed link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkPurpose {
    Activation,
    PasswordReset,
}

impl LinkPurpose {
    pub fn token_kind(self) -> AccountTokenKind {
        match self {
            Self::Activation => AccountTokenKind::Activation,
            Self::PasswordReset => AccountTokenKind::PasswordReset,
        }
    }

    pub fn lifetime(self) -> TimeDelta {
        match self {
            Self::Activation => ACTIVATION_LINK_LIFETIME,
            Self::PasswordReset => RESET_LINK_LIFETIME,
        }
    }

    /// Whether the account may receive (and use) such a link: a staff
    /// account, not yet active for an activation, active for a reset.
    pub fn fits(self, user: &User) -> bool {
        let staff = matches!(
            user.role,
            Role::SuperAdmin | Role::TerritoryAdmin | Role::PartnerAdmin | Role::Agent
        );
        let status = match self {
            Self::Activation => UserStatus::Inactive,
            Self::PasswordReset => UserStatus::Active,
        };
        staff && user.status == status
    }
}

/// The account an e-mailed link opens, for the page that asks the new
/// password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkAccount {
    pub purpose: LinkPurpose,
    pub email: String,
}

/// Queues the activation e-mail of `user` in the caller's transaction:
/// what the creation of an account calls, so that the account and its
/// e-mail commit together.
pub async fn enqueue_activation_link(
    tx: &mut dyn Transaction,
    ids: &dyn IdGenerator,
    now: DateTime<Utc>,
    user: UserId,
) -> Result<(), RepoError> {
    jobs::enqueue(
        tx,
        ids,
        now,
        &EmailAccountLink {
            user_id: user,
            purpose: LinkPurpose::Activation,
        },
    )
    .await
}

impl App {
    /// "Mot de passe perdu": queues a reset link when `email` is an active
    /// staff account; the same `Ok` otherwise.
    ///
    /// # Errors
    /// `TooManyAttempts` beyond [`LINK_REQUESTS_MAX`] requests for this
    /// e-mail, or [`LINK_REQUESTS_PER_CLIENT_MAX`] for this client, per
    /// [`LINK_REQUEST_WINDOW`] (counted whether the account exists or not).
    pub async fn request_password_reset(&self, email: &str, client: &str) -> Result<(), AppError> {
        self.request_link(email, client, LinkPurpose::PasswordReset)
            .await
    }

    /// "Activation": queues a new activation link when `email` is a staff
    /// account not yet activated; the same `Ok` otherwise. Throttled like
    /// [`App::request_password_reset`].
    pub async fn request_activation_link(&self, email: &str, client: &str) -> Result<(), AppError> {
        self.request_link(email, client, LinkPurpose::Activation)
            .await
    }

    /// Queues the activation e-mail of a new account (its own transaction;
    /// inside another one, use [`enqueue_activation_link`]).
    pub async fn send_activation_link(&self, user: UserId) -> Result<(), AppError> {
        let mut tx = self.ports.uow.begin().await?;
        enqueue_activation_link(tx.as_mut(), self.ports.ids.as_ref(), self.now(), user).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn request_link(
        &self,
        email: &str,
        client: &str,
        purpose: LinkPurpose,
    ) -> Result<(), AppError> {
        let email = normalize_email(email);
        // Counted before the account is read: an unknown address costs the
        // same as a known one, and answers the same.
        let limits = [
            (format!("account-links:email:{email}"), LINK_REQUESTS_MAX),
            (
                format!("account-links:client:{client}"),
                LINK_REQUESTS_PER_CLIENT_MAX,
            ),
        ];
        for (key, max) in &limits {
            let requests = self
                .ports
                .shared
                .hit(key, LINK_REQUEST_WINDOW)
                .await
                .map_err(shared_error)?;
            if requests > *max {
                return Err(AppError::TooManyAttempts);
            }
        }
        let Some(user) = self.ports.users.by_email(&email).await? else {
            return Ok(());
        };
        if !purpose.fits(&user) {
            return Ok(());
        }
        let mut tx = self.ports.uow.begin().await?;
        jobs::enqueue(
            tx.as_mut(),
            self.ports.ids.as_ref(),
            self.now(),
            &EmailAccountLink {
                user_id: user.id,
                purpose,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account and purpose of a link's `token`, while it works.
    ///
    /// # Errors
    /// `NoLongerValid` for a used, revoked, expired or unknown link, or an
    /// account the link no longer fits (deactivated, already activated).
    pub async fn account_link(&self, token: &str) -> Result<LinkAccount, AppError> {
        let (_, user, purpose) = self.link_owner(token).await?;
        Ok(LinkAccount {
            purpose,
            email: user.email,
        })
    }

    /// Sets the password through an e-mailed link: typed twice, the
    /// policy of [`check_password_policy`] (which refuses the e-mail
    /// itself). An activation makes the account active; either way every
    /// session of the account ends and its other links of the same
    /// purpose stop working. The link is used only when the password is
    /// accepted, so that a typing mistake does not burn it.
    ///
    /// # Errors
    /// `Domain(Invalid { field: "password" | "confirmation", .. })` with a
    /// French message; `NoLongerValid` as [`App::account_link`], also when
    /// another request used the link first.
    pub async fn set_password_with_link(
        &self,
        token: &str,
        password: &str,
        confirmation: &str,
    ) -> Result<LinkPurpose, AppError> {
        let (hash, user, purpose) = self.link_owner(token).await?;
        check_password_policy(password, &user.email)
            .map_err(|e| DomainError::invalid("password", e.message))?;
        if password != confirmation {
            return Err(DomainError::invalid(
                "confirmation",
                "Les deux mots de passe ne sont pas identiques.",
            )
            .into());
        }
        let now = self.now();
        let kind = purpose.token_kind();
        if self
            .ports
            .account_tokens
            .consume_token(&hash, kind, now)
            .await?
            != Some(user.id)
        {
            return Err(AppError::NoLongerValid);
        }
        self.set_password(user.id, password).await?;
        // The other links of this kind, and any login begun with the old
        // password and waiting for its e-mailed code, stop working.
        for kind in [
            kind,
            AccountTokenKind::PendingLogin,
            AccountTokenKind::LoginCode,
        ] {
            self.ports
                .account_tokens
                .revoke_tokens(user.id, kind, now)
                .await?;
        }
        if purpose == LinkPurpose::Activation {
            // Re-read: the account may have changed since the link was read.
            if let Some(mut account) = self.ports.users.get(user.id).await?
                && account.status == UserStatus::Inactive
            {
                account.status = UserStatus::Active;
                self.ports.users.update(&account).await?;
            }
        }
        Ok(purpose)
    }

    /// Deletes the account tokens that can no longer work (the clock's
    /// work; idempotent); how many.
    pub async fn purge_account_tokens(&self) -> Result<u64, AppError> {
        Ok(self.ports.account_tokens.purge_tokens(self.now()).await?)
    }

    /// The stored hash, account and purpose of a working link.
    async fn link_owner(&self, token: &str) -> Result<(String, User, LinkPurpose), AppError> {
        if !crate::use_cases::auth::is_token_shaped(token) {
            return Err(AppError::NoLongerValid);
        }
        let hash = session_id_hash(token);
        let now = self.now();
        for purpose in [LinkPurpose::PasswordReset, LinkPurpose::Activation] {
            let owner = self
                .ports
                .account_tokens
                .valid_token(&hash, purpose.token_kind(), now)
                .await?;
            if let Some(id) = owner {
                return match self.ports.users.get(id).await? {
                    Some(user) if purpose.fits(&user) => Ok((hash, user, purpose)),
                    _ => Err(AppError::NoLongerValid),
                };
            }
        }
        Err(AppError::NoLongerValid)
    }
}
