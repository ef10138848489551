//! Back-office accounts: login with throttling, staff sessions (random
//! token in the cookie, its SHA-256 in the database, 8 h sliding), logout
//! here or everywhere, and the password policy
//! (docs/decisions/0018-accounts-and-sessions.md).

use std::time::Duration;

use chrono::TimeDelta;
use histologe_core::Actor;
use histologe_core::DomainError;
use histologe_core::enums::HistoryEvent;
use histologe_core::ids::{HistoryEntryId, UserId};
use histologe_core::model::{HistoryEntry, StaffSession, User};
use histologe_core::validation::check_password_policy;
use histologe_ports::RepoError;
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::error::AppError;

/// Failed logins allowed per account, and per client, in [`LOGIN_WINDOW`];
/// the next attempt is refused before the password is even checked.
pub const LOGIN_MAX_FAILURES: u64 = 5;
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// A session ends after this long without activity.
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::hours(8);
/// Activity moves the expiry forward at most this often (one write per
/// minute and session, not one per request).
pub const SESSION_TOUCH_EVERY: TimeDelta = TimeDelta::minutes(1);

/// The stored id of a session: SHA-256 of its token, lowercase hex. A copy
/// of the sessions table opens no session.
pub fn session_id_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A token as [`App::login`] makes them: 64 lowercase hex characters.
pub(crate) fn is_token_shaped(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

pub(crate) fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub(crate) fn shared_error(e: histologe_ports::SharedStateError) -> AppError {
    AppError::Repo(RepoError::Unavailable(e.to_string()))
}

pub(crate) fn hash_error(e: histologe_ports::PasswordHashError) -> AppError {
    AppError::Repo(RepoError::Unavailable(e.to_string()))
}

impl App {
    /// Opens a back-office session: the token for the cookie, and the
    /// actor. `client` names who is trying (the IP address, or `"local"`).
    /// A super admin, when the e-mailed second factor is on, goes through
    /// [`App::sign_in`] instead.
    ///
    /// # Errors
    /// `TooManyAttempts` after [`LOGIN_MAX_FAILURES`] failures for this
    /// e-mail or this client within [`LOGIN_WINDOW`] (checked first);
    /// `BadCredentials` for an unknown e-mail, a wrong password, an
    /// account without password, inactive or not a staff account: the same
    /// answer for all; `LoginCodeRequired` when the right password is not
    /// enough (nothing is opened nor sent).
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: &str,
    ) -> Result<(String, Actor), AppError> {
        let (user, actor) = self.check_credentials(email, password, client).await?;
        if self.needs_login_code(&actor) {
            return Err(AppError::LoginCodeRequired);
        }
        let token = self.open_session(user, HistoryEvent::Login).await?;
        Ok((token, actor))
    }

    /// The password step of a login, throttled as [`App::login`] says:
    /// the account and its staff actor.
    pub(crate) async fn check_credentials(
        &self,
        email: &str,
        password: &str,
        client: &str,
    ) -> Result<(User, Actor), AppError> {
        let email = normalize_email(email);
        let account_key = format!("login-failures:account:{email}");
        let client_key = format!("login-failures:client:{client}");
        let shared = &self.ports.shared;
        for key in [&account_key, &client_key] {
            if shared.count(key).await.map_err(shared_error)? >= LOGIN_MAX_FAILURES {
                return Err(AppError::TooManyAttempts);
            }
        }
        let user = self.ports.users.by_email(&email).await?;
        let stored = match &user {
            Some(u) => self.ports.credentials.password_hash(u.id).await?,
            None => None,
        };
        let verified = match &stored {
            Some(hash) => self.ports.passwords.verify(password, hash),
            None => {
                // As long as a real check, so that timing tells nothing.
                let _ = self.ports.passwords.hash(password);
                false
            }
        };
        let actor = user
            .as_ref()
            .filter(|_| verified)
            .and_then(Actor::from_user)
            .filter(|a| matches!(a, Actor::Staff(_)));
        let (Some(user), Some(actor)) = (user, actor) else {
            for key in [&account_key, &client_key] {
                shared.hit(key, LOGIN_WINDOW).await.map_err(shared_error)?;
            }
            return Err(AppError::BadCredentials);
        };
        Ok((user, actor))
    }

    /// A new session for the account; its token (for the cookie). The
    /// login is written in the audit log (`LOGIN`, or `LOGIN_2FA` after an
    /// e-mailed code; features.md §2.1) before the token is handed out.
    pub(crate) async fn open_session(
        &self,
        mut user: User,
        event: HistoryEvent,
    ) -> Result<String, AppError> {
        let now = self.now();
        let token = self.random_token();
        self.ports
            .sessions
            .create(&StaffSession {
                id_hash: session_id_hash(&token),
                user_id: user.id,
                created_at: now,
                expires_at: now + SESSION_LIFETIME,
                last_seen_at: now,
            })
            .await?;
        user.last_login_at = Some(now);
        self.ports.users.update(&user).await?;
        let mut tx = self.ports.uow.begin().await?;
        tx.append_history(&HistoryEntry {
            id: HistoryEntryId(self.ports.ids.uuid()),
            event,
            entity_name: "User".to_string(),
            entity_id: user.id.0,
            changes: serde_json::json!({}),
            signalement_id: None,
            user_id: Some(user.id),
            created_at: now,
        })
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// 32 random bytes as 64 lowercase hex characters.
    pub(crate) fn random_token(&self) -> String {
        let a = self.ports.ids.random_bytes();
        let b = self.ports.ids.random_bytes();
        hex(&[a, b].concat())
    }

    /// The staff member whose session `token` opens, if it is known, has
    /// not expired and the account is still active. Slides the expiry (at
    /// most once per [`SESSION_TOUCH_EVERY`]).
    pub async fn staff_session(&self, token: &str) -> Result<Option<Actor>, AppError> {
        if !is_token_shaped(token) {
            return Ok(None);
        }
        let id_hash = session_id_hash(token);
        let Some(session) = self.ports.sessions.get(&id_hash).await? else {
            return Ok(None);
        };
        let now = self.now();
        if session.is_expired(now) {
            self.ports.sessions.delete(&id_hash).await?;
            return Ok(None);
        }
        let actor = self
            .ports
            .users
            .get(session.user_id)
            .await?
            .as_ref()
            .and_then(Actor::from_user)
            .filter(|a| matches!(a, Actor::Staff(_)));
        let Some(actor) = actor else {
            // Deactivated (or gone) since: the session ends now.
            self.ports.sessions.delete(&id_hash).await?;
            return Ok(None);
        };
        if now - session.last_seen_at >= SESSION_TOUCH_EVERY {
            self.ports
                .sessions
                .touch(&id_hash, now, now + SESSION_LIFETIME)
                .await?;
        }
        Ok(Some(actor))
    }

    /// Ends the session of `token` (nothing if there is none).
    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        if is_token_shaped(token) {
            self.ports.sessions.delete(&session_id_hash(token)).await?;
        }
        Ok(())
    }

    /// Ends every session of the actor's account, on every device; how
    /// many there were.
    ///
    /// # Errors
    /// `NotFound("Compte")` for an actor without account.
    pub async fn logout_everywhere(&self, actor: &Actor) -> Result<u64, AppError> {
        let user = actor.user_id().ok_or(AppError::NotFound("Compte"))?;
        Ok(self.ports.sessions.delete_for_user(user).await?)
    }

    /// Sets the account's password after the policy
    /// ([`check_password_policy`]: §1.5 and not a common password),
    /// and ends its open sessions.
    ///
    /// # Errors
    /// `Domain(Invalid { field: "password", .. })` with the policy's French
    /// message; `NotFound("Compte")` when the account does not exist.
    pub async fn set_password(&self, user: UserId, new: &str) -> Result<(), AppError> {
        let Some(account) = self.ports.users.get(user).await? else {
            return Err(AppError::NotFound("Compte"));
        };
        let password = check_password_policy(new, &account.email)
            .map_err(|e| AppError::Domain(DomainError::invalid("password", e.message)))?;
        let hash = self
            .ports
            .passwords
            .hash(password.expose())
            .map_err(hash_error)?;
        self.ports
            .credentials
            .set_password_hash(user, &hash, self.now())
            .await?;
        self.ports.sessions.delete_for_user(user).await?;
        Ok(())
    }
}
