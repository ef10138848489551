//! The e-mails of accounts: activation and reset links, login codes. Their
//! secret is drawn here, when the e-mail is written, and stored hashed: the
//! job's payload (kept in the jobs table) holds no secret.

use histologe_core::ids::UserId;
use histologe_ports::{AccountToken, AccountTokenKind};
use serde::{Deserialize, Serialize};

use super::{Failure, JobPayload, Runner};
use crate::use_cases::account_links::LinkPurpose;
use crate::use_cases::auth::session_id_hash;
use crate::use_cases::login_codes::{LOGIN_CODE_LIFETIME, login_code, login_code_hash};

/// E-mail with an activation or new-password link. No idempotency key:
/// each request is a new link (requests are rate-limited).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailAccountLink {
    pub user_id: UserId,
    pub purpose: LinkPurpose,
}

impl JobPayload for EmailAccountLink {
    const KIND: &'static str = "email.account_link";
    fn idempotency_key(&self) -> Option<String> {
        None
    }
}

/// E-mail with the code of a pending login (second factor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailLoginCode {
    pub user_id: UserId,
    /// SHA-256 of the pending login's secret (the secret is in the cookie).
    pub pending_hash: String,
}

impl JobPayload for EmailLoginCode {
    const KIND: &'static str = "email.login_code";
    fn idempotency_key(&self) -> Option<String> {
        None
    }
}

fn transient(e: impl std::fmt::Display) -> Failure {
    Failure::Transient(e.to_string())
}

/// The login code e-mail's template name (and effect record).
const LOGIN_CODE_TEMPLATE: &str = "login_code";

impl Runner {
    /// A new link of `purpose` for the account: its secret is drawn now and
    /// only its hash stored.
    pub(super) async fn issue_link(
        &self,
        user: histologe_core::ids::UserId,
        purpose: LinkPurpose,
    ) -> Result<String, Failure> {
        let ports = &self.app.ports;
        let now = ports.clock.now();
        let token = self.app.random_token();
        ports
            .account_tokens
            .create_token(&AccountToken {
                token_hash: session_id_hash(&token),
                kind: purpose.token_kind(),
                user_id: user,
                created_at: now,
                expires_at: now + purpose.lifetime(),
                used_at: None,
            })
            .await
            .map_err(transient)?;
        Ok(format!("{}/nouveau-mot-de-passe/{token}", self.base_url))
    }

    /// How long an activation link lasts and where to ask for another: the
    /// activation e-mail's and its reminder's small print, from the link's
    /// own lifetime.
    pub(super) fn activation_note(&self) -> String {
        format!(
            "Ce lien est valable {}, une seule fois. S'il a expiré, demandez-en un nouveau sur {}.",
            histologe_emails::format::duration(LinkPurpose::Activation.lifetime()),
            self.platform().url("/activation")
        )
    }

    /// An account the link no longer fits (activated, deactivated since)
    /// gets nothing.
    pub(super) async fn email_account_link(&self, p: EmailAccountLink) -> Result<(), Failure> {
        let ports = &self.app.ports;
        let user = ports.users.get(p.user_id).await.map_err(transient)?;
        let Some(user) = user.filter(|u| p.purpose.fits(u)) else {
            return Ok(());
        };
        let link = self.issue_link(user.id, p.purpose).await?;
        let name = self.platform().name().to_string();
        let message = match p.purpose {
            LinkPurpose::Activation => histologe_emails::Message::new(
                "account_activation",
                "Pro Activation de Compte",
                format!("Activez votre compte {name}"),
            )
            .hello(&user.prenom)
            .text(format!(
                "Un compte a été créé pour vous sur {name} avec l'adresse {}. Pour l'activer, \
                 choisissez votre mot de passe.",
                user.email
            ))
            .button("Choisir mon mot de passe", link)
            .note(self.activation_note()),
            LinkPurpose::PasswordReset => histologe_emails::Message::new(
                "account_password_reset",
                "Pro Mot de passe perdu",
                format!("Nouveau mot de passe pour {name}"),
            )
            .hello(&user.prenom)
            .text(format!(
                "Vous avez demandé à changer le mot de passe de votre compte {name}."
            ))
            .button("Choisir un nouveau mot de passe", link)
            .note(format!(
                "Ce lien est valable {}, une seule fois. Si vous n'avez rien demandé, ignorez \
                 ce message : votre mot de passe ne change pas.",
                histologe_emails::format::duration(LinkPurpose::PasswordReset.lifetime())
            )),
        };
        self.send_message(vec![user.email.clone()], message).await
    }

    /// A pending login that is over (used, expired) gets no code. A new
    /// code ends the previous ones of the account.
    pub(super) async fn email_login_code(&self, p: EmailLoginCode) -> Result<(), Failure> {
        let ports = &self.app.ports;
        let now = ports.clock.now();
        let owner = ports
            .account_tokens
            .valid_token(&p.pending_hash, AccountTokenKind::PendingLogin, now)
            .await
            .map_err(transient)?;
        if owner != Some(p.user_id) {
            return Ok(());
        }
        let user = ports.users.get(p.user_id).await.map_err(transient)?;
        let Some(user) = user.filter(|u| u.is_active()) else {
            return Ok(());
        };
        // Run again after its e-mail left: the code e-mailed must stay the
        // valid one, so nothing is revoked nor drawn again.
        if self
            .already_sent(LOGIN_CODE_TEMPLATE, std::slice::from_ref(&user.email))
            .await?
        {
            return Ok(());
        }
        let code = login_code(ports.ids.random_bytes());
        let tokens = &ports.account_tokens;
        tokens
            .revoke_tokens(user.id, AccountTokenKind::LoginCode, now)
            .await
            .map_err(transient)?;
        tokens
            .create_token(&AccountToken {
                token_hash: login_code_hash(&p.pending_hash, &code),
                kind: AccountTokenKind::LoginCode,
                user_id: user.id,
                created_at: now,
                expires_at: now + LOGIN_CODE_LIFETIME,
                used_at: None,
            })
            .await
            .map_err(transient)?;
        let message = histologe_emails::Message::new(
            LOGIN_CODE_TEMPLATE,
            "Pro Code de connexion",
            "Votre code de connexion",
        )
        .hello(&user.prenom)
        .text(format!(
            "Votre code de connexion à {} est : {code}",
            self.platform().name()
        ))
        .note(format!(
            "Il est valable {}. Si vous n'êtes pas en train de vous connecter, changez \
             votre mot de passe : quelqu'un le connaît.",
            histologe_emails::format::duration(LOGIN_CODE_LIFETIME)
        ));
        self.send_message(vec![user.email.clone()], message).await
    }
}
