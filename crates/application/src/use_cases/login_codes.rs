//! The second factor of super admins: after the right password, a 6-digit
//! code is e-mailed, and the session opens only with it
//! (docs/decisions/0019-account-links-and-login-codes.md).
//!
//! The browser holds the secret of a *pending login* (a private cookie);
//! the database keeps its SHA-256 (`PendingLogin` token) and the SHA-256 of
//! "pending hash : code" (`LoginCode` token), so the code alone, or a copy
//! of the database, opens nothing. The code is drawn by the job that
//! e-mails it: it is stored nowhere else.

use std::time::Duration;

use chrono::TimeDelta;
use histologe_core::Actor;
use histologe_core::DomainError;
use histologe_core::enums::HistoryEvent;
use histologe_core::ids::UserId;
use histologe_ports::{AccountToken, AccountTokenKind};

use crate::app::App;
use crate::error::AppError;
use crate::jobs::{self, EmailLoginCode};
use crate::use_cases::auth::{is_token_shaped, session_id_hash, shared_error};

/// How long an e-mailed code works.
pub const LOGIN_CODE_LIFETIME: TimeDelta = TimeDelta::minutes(10);
/// How long the browser may take to type the code, resends included.
pub const PENDING_LOGIN_LIFETIME: TimeDelta = TimeDelta::minutes(15);
/// Wrong codes allowed per account in [`LOGIN_CODE_WINDOW`]; the fifth
/// ends the pending login (the password must be typed again).
pub const LOGIN_CODE_MAX_FAILURES: u64 = 5;
pub const LOGIN_CODE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// New codes that may be asked per account in [`LOGIN_CODE_WINDOW`].
pub const LOGIN_CODE_MAX_RESENDS: u64 = 3;

/// Where a correct password leads.
#[derive(Debug, Clone, PartialEq)]
pub enum SignIn {
    /// The session is open: its token for the cookie.
    Session { token: String, actor: Actor },
    /// A code was e-mailed: the pending login's secret for the cookie.
    CodeSent { pending: String },
}

/// The stored hash of a code for one pending login.
pub(crate) fn login_code_hash(pending_hash: &str, code: &str) -> String {
    session_id_hash(&format!("{pending_hash}:{code}"))
}

/// Six digits from 16 random bytes (the modulo bias is below 10⁻³⁰).
pub(crate) fn login_code(random: [u8; 16]) -> String {
    format!("{:06}", u128::from_le_bytes(random) % 1_000_000)
}

impl App {
    /// Whether this actor needs an e-mailed code after the password.
    pub fn needs_login_code(&self, actor: &Actor) -> bool {
        self.email_2fa && actor.as_staff().is_some_and(|s| s.is_super_admin())
    }

    /// The login of the web page: a session at once, or, for a super admin
    /// when the second factor is on, a pending login whose code is being
    /// e-mailed. Throttled and answered as [`App::login`].
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: &str,
    ) -> Result<SignIn, AppError> {
        let (user, actor) = self.check_credentials(email, password, client).await?;
        if !self.needs_login_code(&actor) {
            let token = self.open_session(user, HistoryEvent::Login).await?;
            return Ok(SignIn::Session { token, actor });
        }
        self.count_code_sent(user.id).await?;
        let now = self.now();
        let pending = self.random_token();
        let pending_hash = session_id_hash(&pending);
        self.ports
            .account_tokens
            .create_token(&AccountToken {
                token_hash: pending_hash.clone(),
                kind: AccountTokenKind::PendingLogin,
                user_id: user.id,
                created_at: now,
                expires_at: now + PENDING_LOGIN_LIFETIME,
                used_at: None,
            })
            .await?;
        self.queue_login_code(user.id, pending_hash).await?;
        Ok(SignIn::CodeSent { pending })
    }

    /// Sends another code for the pending login (the previous one stops
    /// working when the new one is made).
    ///
    /// # Errors
    /// `NoLongerValid` when the pending login is over; `TooManyAttempts`
    /// beyond [`LOGIN_CODE_MAX_RESENDS`] per [`LOGIN_CODE_WINDOW`].
    pub async fn resend_login_code(&self, pending: &str) -> Result<(), AppError> {
        let (pending_hash, user) = self.pending_login(pending).await?;
        self.count_code_sent(user).await?;
        self.queue_login_code(user, pending_hash).await
    }

    /// Codes e-mailed to one account are counted whether they follow a
    /// password or a "resend": a correct password alone must not let
    /// anyone flood the super admin's mailbox.
    async fn count_code_sent(&self, user: UserId) -> Result<(), AppError> {
        let sent = self
            .ports
            .shared
            .hit(&format!("login-codes-sent:{user}"), LOGIN_CODE_WINDOW)
            .await
            .map_err(shared_error)?;
        if sent > LOGIN_CODE_MAX_RESENDS + 1 {
            return Err(AppError::TooManyAttempts);
        }
        Ok(())
    }

    /// Opens the session of a pending login with its e-mailed code.
    ///
    /// # Errors
    /// `Domain(Invalid { field: "code", .. })` for a wrong or malformed
    /// code (with the tries left); `TooManyAttempts` once
    /// [`LOGIN_CODE_MAX_FAILURES`] wrong codes were typed (the pending
    /// login is then over); `NoLongerValid` when the pending login is over
    /// or its account no longer active.
    pub async fn verify_login_code(
        &self,
        pending: &str,
        code: &str,
    ) -> Result<(String, Actor), AppError> {
        let (pending_hash, user) = self.pending_login(pending).await?;
        let failures_key = format!("login-code-failures:{user}");
        let shared = &self.ports.shared;
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::invalid(
                "code",
                "Saisissez les 6 chiffres du code reçu par e-mail.",
            )
            .into());
        }
        // The try is counted before the code is compared: counted after, a
        // burst of parallel requests would all pass the check and try far
        // more than the allowed codes. A right code ends the login anyway.
        let failures = shared
            .hit(&failures_key, LOGIN_CODE_WINDOW)
            .await
            .map_err(shared_error)?;
        let now = self.now();
        let tokens = &self.ports.account_tokens;
        if failures > LOGIN_CODE_MAX_FAILURES {
            return Err(AppError::TooManyAttempts);
        }
        let owner = tokens
            .consume_token(
                &login_code_hash(&pending_hash, &code),
                AccountTokenKind::LoginCode,
                now,
            )
            .await?;
        if owner != Some(user) {
            if failures >= LOGIN_CODE_MAX_FAILURES {
                tokens
                    .revoke_tokens(user, AccountTokenKind::LoginCode, now)
                    .await?;
                tokens
                    .revoke_tokens(user, AccountTokenKind::PendingLogin, now)
                    .await?;
                return Err(AppError::TooManyAttempts);
            }
            let left = LOGIN_CODE_MAX_FAILURES - failures;
            return Err(DomainError::invalid(
                "code",
                format!(
                    "Code incorrect ou expiré. Il vous reste {left} essai{}.",
                    if left > 1 { "s" } else { "" }
                ),
            )
            .into());
        }
        if tokens
            .consume_token(&pending_hash, AccountTokenKind::PendingLogin, now)
            .await?
            != Some(user)
        {
            return Err(AppError::NoLongerValid);
        }
        let account = self.ports.users.get(user).await?;
        let actor = account
            .as_ref()
            .and_then(Actor::from_user)
            .filter(|a| matches!(a, Actor::Staff(_)));
        let (Some(account), Some(actor)) = (account, actor) else {
            return Err(AppError::NoLongerValid);
        };
        let token = self.open_session(account, HistoryEvent::Login2fa).await?;
        Ok((token, actor))
    }

    /// Whether the pending login of `pending` still works (for its page).
    pub async fn pending_login_is_open(&self, pending: &str) -> Result<bool, AppError> {
        match self.pending_login(pending).await {
            Ok(_) => Ok(true),
            Err(AppError::NoLongerValid) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn pending_login(
        &self,
        pending: &str,
    ) -> Result<(String, histologe_core::ids::UserId), AppError> {
        if !is_token_shaped(pending) {
            return Err(AppError::NoLongerValid);
        }
        let hash = session_id_hash(pending);
        match self
            .ports
            .account_tokens
            .valid_token(&hash, AccountTokenKind::PendingLogin, self.now())
            .await?
        {
            Some(user) => Ok((hash, user)),
            None => Err(AppError::NoLongerValid),
        }
    }

    async fn queue_login_code(
        &self,
        user: histologe_core::ids::UserId,
        pending_hash: String,
    ) -> Result<(), AppError> {
        let mut tx = self.ports.uow.begin().await?;
        jobs::enqueue(
            tx.as_mut(),
            self.ports.ids.as_ref(),
            self.now(),
            &EmailLoginCode {
                user_id: user,
                pending_hash,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
