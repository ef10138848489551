//! Any SMTP relay, from an `SMTP_URL`: for a deployment without a Brevo
//! account, and for a developer's MailCatcher (what the legacy platform's
//! `smtp://` DSN pointed at).
//!
//! lettre builds the MIME message and speaks the protocol, but this module
//! drives the dialogue itself (connect, STARTTLS, AUTH, MAIL, RCPT, DATA)
//! instead of calling `AsyncSmtpTransport::send`: the port's error classes
//! depend on *which* command the server refused. A 550 to `RCPT TO` means
//! that recipient's address is dead and gets recorded as undeliverable; the
//! same 550 to `MAIL FROM` is our sender refused, a 554 "relay access
//! denied" is our relay not trusting us, and treating either as an invalid
//! recipient would mark every user's address undeliverable at once.
//!
//! # `SMTP_URL`
//!
//! - `smtp://[user:password@]host[:port][/ehlo-name][?tls=required]`:
//!   STARTTLS when the server offers it, plain otherwise (port 587 unless
//!   given). Opportunistic STARTTLS can be stripped by whoever sits on the
//!   network, so `?tls=required` makes a missing STARTTLS a
//!   configuration error instead; and credentials are never sent over a
//!   connection left plain, except to a loopback relay.
//! - `smtps://[user:password@]host[:port]`: implicit TLS (port 465 unless
//!   given).
//!
//! User and password are percent-decoded (`p%40ss` is `p@ss`). Certificates
//! are checked against the system's trust store, as for Brevo's API.
//!
//! lettre's own `AsyncSmtpTransport::from_url` reads a bare `smtp://` as
//! *no TLS at all* (STARTTLS only with `?tls=opportunistic` or
//! `?tls=required`); the URL is parsed here so that the default is the
//! safer opportunistic STARTTLS, unknown parameters are refused rather than
//! ignored, and the transport gets the explicit dialogue above.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;
use histologe_ports::{MailError, Mailer, OutgoingEmail};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::{Address, Message};
use percent_encoding::percent_decode_str;

use crate::redact;

/// The whole dialogue of one e-mail, connection included.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a polite `QUIT` may take once the e-mail is accepted.
const QUIT_GRACE: Duration = Duration::from_secs(2);

/// Who the e-mails are from; where they go is the `SMTP_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub sender_email: String,
    /// Display name of the sender; none when empty.
    pub sender_name: String,
    pub reply_to: Option<String>,
    pub timeout: Duration,
}

impl SmtpConfig {
    /// The default timeout and no reply-to.
    pub fn new(sender_email: impl Into<String>, sender_name: impl Into<String>) -> Self {
        SmtpConfig {
            sender_email: sender_email.into(),
            sender_name: sender_name.into(),
            reply_to: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    /// `smtps://`.
    ImplicitTls,
    /// `smtp://`.
    StartTlsIfOffered,
    /// `smtp://…?tls=required`.
    StartTlsRequired,
}

/// Sends through an SMTP relay, one connection per e-mail: jobs send a few
/// e-mails a minute, and a pooled connection the relay closed while idle
/// would be one more way to fail.
#[derive(Clone)]
pub struct SmtpMailer {
    host: String,
    port: u16,
    security: Security,
    tls: TlsParameters,
    credentials: Option<(String, Credentials)>,
    hello: ClientId,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    timeout: Duration,
    password: String,
}

// By hand: the password must never reach a log.
impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .field("password", &self.credentials.as_ref().map(|_| "<redacted>"))
            .field("hello", &self.hello.to_string())
            .field("from", &self.from.to_string())
            .field("reply_to", &self.reply_to.as_ref().map(|r| r.to_string()))
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl SmtpMailer {
    /// A relay from its `SMTP_URL` (see the module documentation).
    ///
    /// # Errors
    /// A URL or an address that cannot work, in French: the message is
    /// shown to the operator at start. It never repeats the URL, which may
    /// hold the password.
    pub fn from_url(smtp_url: &str, config: SmtpConfig) -> Result<Self, String> {
        let url = url::Url::parse(smtp_url.trim()).map_err(|e| {
            format!("SMTP_URL invalide ({e}) : attendu smtp://hôte:port ou smtps://hôte:port")
        })?;
        let mut tls_param = None;
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "tls" => tls_param = Some(value.into_owned()),
                other => {
                    return Err(format!(
                        "SMTP_URL : paramètre « {other} » inconnu (seul « tls=required » est accepté)"
                    ));
                }
            }
        }
        let security = match (url.scheme(), tls_param.as_deref()) {
            ("smtp", None | Some("opportunistic")) => Security::StartTlsIfOffered,
            ("smtp", Some("required")) => Security::StartTlsRequired,
            ("smtps", None | Some("wrapper")) => Security::ImplicitTls,
            ("smtp" | "smtps", Some(other)) => {
                return Err(format!(
                    "SMTP_URL : « tls={other} » non pris en charge (smtp://…?tls=required pour exiger STARTTLS, smtps:// pour TLS implicite)"
                ));
            }
            (other, _) => {
                return Err(format!(
                    "SMTP_URL : schéma « {other}:// » non pris en charge : attendu smtp:// (STARTTLS si le serveur le propose) ou smtps:// (TLS implicite)"
                ));
            }
        };
        let host = match url.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Domain(name)) if !name.is_empty() => name.to_string(),
            _ => return Err("SMTP_URL : hôte manquant (smtp://hôte:port)".to_string()),
        };
        let port = url.port().unwrap_or(match security {
            Security::ImplicitTls => 465,
            _ => 587,
        });

        let decode = |part: &str, what: &str| {
            percent_decode_str(part)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| format!("SMTP_URL : {what} mal encodé (UTF-8 percent-encodé attendu)"))
        };
        let credentials = match (url.username(), url.password()) {
            ("", None) => None,
            ("", Some(_)) => return Err("SMTP_URL : mot de passe sans utilisateur".to_string()),
            (_, None | Some("")) => {
                return Err("SMTP_URL : utilisateur sans mot de passe (smtp://utilisateur:mot-de-passe@hôte)".to_string());
            }
            (user, Some(password)) => {
                let user = decode(user, "utilisateur")?;
                let password = decode(password, "mot de passe")?;
                Some((user, password))
            }
        };
        let hello = match url.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_string()),
        };

        let sender: Address = config.sender_email.trim().parse().map_err(|_| {
            format!(
                "adresse d'expéditeur invalide : « {} »",
                config.sender_email
            )
        })?;
        let name = config.sender_name.trim();
        let from = Mailbox::new((!name.is_empty()).then(|| name.to_string()), sender);
        let reply_to = match &config.reply_to {
            None => None,
            Some(address) => Some(Mailbox::new(
                None,
                address
                    .trim()
                    .parse()
                    .map_err(|_| format!("adresse de réponse invalide : « {address} »"))?,
            )),
        };

        crate::install_crypto_provider();
        let tls = TlsParameters::new(host.clone())
            .map_err(|e| format!("SMTP_URL : TLS impossible à préparer pour {host} : {e}"))?;
        let password = credentials
            .as_ref()
            .map(|(_, password)| password.clone())
            .unwrap_or_default();
        Ok(SmtpMailer {
            host,
            port,
            security,
            tls,
            credentials: credentials
                .map(|(user, password)| (user.clone(), Credentials::new(user, password))),
            hello,
            from,
            reply_to,
            timeout: config.timeout,
            password,
        })
    }

    /// The MIME message and its Message-ID.
    fn message(&self, email: &OutgoingEmail) -> Result<(Message, String), MailError> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(email.subject.clone());
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        let mut recipients = 0;
        for to in email
            .to
            .iter()
            .map(|to| to.trim())
            .filter(|to| !to.is_empty())
        {
            let address: Address = to.parse().map_err(|_| {
                MailError::InvalidRecipient(format!(
                    "malformed address {}",
                    redact::mask_address(to)
                ))
            })?;
            builder = builder.to(Mailbox::new(None, address));
            recipients += 1;
        }
        if recipients == 0 {
            return Err(MailError::Rejected("an e-mail without recipient".into()));
        }
        let id = format!(
            "<{}@{}>",
            uuid::Uuid::new_v4().simple(),
            self.from.email.domain()
        );
        builder = builder.message_id(Some(id.clone()));
        if !email.tag.trim().is_empty() {
            // Brevo's tag, kept for whoever reads the headers (a relay
            // that understands it, a developer in MailCatcher).
            builder = builder.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("X-Tag"),
                email.tag.trim().to_string(),
            ));
        }

        enum Body {
            Text(SinglePart),
            Alternative(MultiPart),
        }
        let body = match &email.html {
            Some(html) if !html.trim().is_empty() => Body::Alternative(
                MultiPart::alternative_plain_html(email.text.clone(), html.clone()),
            ),
            _ => Body::Text(SinglePart::plain(email.text.clone())),
        };
        let built = if email.attachments.is_empty() {
            match body {
                Body::Text(part) => builder.singlepart(part),
                Body::Alternative(part) => builder.multipart(part),
            }
        } else {
            let mut mixed = match body {
                Body::Text(part) => MultiPart::mixed().singlepart(part),
                Body::Alternative(part) => MultiPart::mixed().multipart(part),
            };
            for attachment in &email.attachments {
                let content_type = ContentType::parse(&attachment.content_type)
                    .or_else(|_| ContentType::parse("application/octet-stream"))
                    .map_err(|e| MailError::Rejected(format!("attachment type: {e}")))?;
                mixed = mixed.singlepart(
                    MimeAttachment::new(attachment.name.clone())
                        .body(attachment.content.clone(), content_type),
                );
            }
            builder.multipart(mixed)
        };
        let message =
            built.map_err(|e| MailError::Rejected(format!("cannot build the e-mail: {e}")))?;
        Ok((message, id))
    }

    fn server(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    fn relay_is_loopback(&self) -> bool {
        self.host.eq_ignore_ascii_case("localhost")
            || self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// The dialogue up to the server's acceptance of the message; the
    /// connection is handed back for a polite `QUIT`.
    async fn deliver(
        &self,
        message: &Message,
        bytes: &[u8],
        recipients: &[String],
    ) -> Result<AsyncSmtpConnection, MailError> {
        let fail = |stage: Stage, error: lettre::transport::smtp::Error| {
            let failure = Failure {
                code: error.status().map(u16::from),
                text: error.to_string(),
                timeout: error.is_timeout(),
                tls: error.is_tls(),
                local: error.is_client(),
            };
            let message = redact::scrub(
                &format!("SMTP {} {}: {error}", self.server(), stage.name()),
                recipients,
                &[&self.password],
            );
            classify(stage, &failure, message)
        };
        let misconfigured =
            |what: &str| MailError::Misconfigured(format!("SMTP {}: {what}", self.server()));

        let implicit = (self.security == Security::ImplicitTls).then(|| self.tls.clone());
        let mut conn = AsyncSmtpConnection::connect_tokio1(
            (self.host.as_str(), self.port),
            Some(self.timeout),
            &self.hello,
            implicit,
            None,
        )
        .await
        .map_err(|e| fail(Stage::Connect, e))?;

        match self.security {
            Security::StartTlsIfOffered if conn.can_starttls() => conn
                .starttls(self.tls.clone(), &self.hello)
                .await
                .map_err(|e| fail(Stage::StartTls, e))?,
            Security::StartTlsRequired if !conn.can_starttls() => {
                return Err(misconfigured(
                    "the server offers no STARTTLS, and SMTP_URL requires it (tls=required)",
                ));
            }
            Security::StartTlsRequired => conn
                .starttls(self.tls.clone(), &self.hello)
                .await
                .map_err(|e| fail(Stage::StartTls, e))?,
            _ => {}
        }

        if let Some((_, credentials)) = &self.credentials {
            if !conn.is_encrypted() && !self.relay_is_loopback() {
                return Err(misconfigured(
                    "the server offers no STARTTLS: credentials not sent in clear (use smtps:// or a relay with STARTTLS)",
                ));
            }
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(|e| fail(Stage::Auth, e))?;
        }

        let envelope = message.envelope();
        let mut parameters = Vec::new();
        let non_ascii_address = envelope
            .from()
            .into_iter()
            .chain(envelope.to())
            .any(|address| !AsRef::<str>::as_ref(address).is_ascii());
        if non_ascii_address {
            if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
                return Err(MailError::Rejected(format!(
                    "SMTP {}: an internationalised address, and the server lacks SMTPUTF8",
                    self.server()
                )));
            }
            parameters.push(MailParameter::SmtpUtfEight);
        }
        // lettre's builder encodes every part to 7 bits; kept for safety.
        if !bytes.is_ascii() {
            if !conn.server_info().supports_feature(Extension::EightBitMime) {
                return Err(MailError::Rejected(format!(
                    "SMTP {}: an 8-bit message, and the server lacks 8BITMIME",
                    self.server()
                )));
            }
            parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        conn.command(Mail::new(envelope.from().cloned(), parameters))
            .await
            .map_err(|e| fail(Stage::MailFrom, e))?;
        for recipient in envelope.to() {
            conn.command(Rcpt::new(recipient.clone(), Vec::new()))
                .await
                .map_err(|e| fail(Stage::Rcpt, e))?;
        }
        conn.command(Data).await.map_err(|e| fail(Stage::Data, e))?;
        conn.message(bytes)
            .await
            .map_err(|e| fail(Stage::Message, e))?;
        Ok(conn)
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let (message, id) = self.message(email)?;
        let bytes = message.formatted();
        // On a refusal the connection is dropped without QUIT: the server
        // discards a transaction that never reached the final dot.
        let mut conn =
            tokio::time::timeout(self.timeout, self.deliver(&message, &bytes, &email.to))
                .await
                .map_err(|_| {
                    MailError::unavailable(format!(
                        "SMTP {}: no answer within {:?}",
                        self.server(),
                        self.timeout
                    ))
                })??;
        // Accepted: whatever QUIT does now changes nothing to the e-mail.
        let _ = tokio::time::timeout(QUIT_GRACE, conn.quit()).await;
        Ok(id)
    }
}

/// The command a failure answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Connect,
    StartTls,
    Auth,
    MailFrom,
    Rcpt,
    Data,
    Message,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Connect => "connect",
            Stage::StartTls => "STARTTLS",
            Stage::Auth => "AUTH",
            Stage::MailFrom => "MAIL FROM",
            Stage::Rcpt => "RCPT TO",
            Stage::Data => "DATA",
            Stage::Message => "message",
        }
    }
}

/// A lettre error, reduced to what the classification reads.
#[derive(Debug, Default)]
struct Failure {
    /// The server's reply code; none for network, TLS and local errors.
    code: Option<u16>,
    text: String,
    timeout: bool,
    tls: bool,
    /// lettre refused before asking (no common AUTH mechanism…).
    local: bool,
}

/// The port's error class of a failed command.
fn classify(stage: Stage, failure: &Failure, message: String) -> MailError {
    let Some(code) = failure.code else {
        // No reply: the network, a TLS handshake, or lettre itself. A bad
        // certificate or no common AUTH mechanism needs an operator.
        return if !failure.timeout && (failure.tls || (failure.local && stage == Stage::Auth)) {
            MailError::Misconfigured(message)
        } else {
            MailError::unavailable(message)
        };
    };
    if (400..500).contains(&code) {
        return MailError::unavailable(message);
    }
    let text = failure.text.to_ascii_lowercase();
    let about_us = text.contains("relay") || text.contains("authentication");
    match stage {
        // 535 bad credentials, 534/538 mechanism refused, or a greeting
        // 554 ("no service for your address"): ours to fix.
        Stage::Connect | Stage::StartTls | Stage::Auth => MailError::Misconfigured(message),
        _ if code == 530 => MailError::Misconfigured(message),
        Stage::MailFrom if matches!(code, 552 | 555) => MailError::Rejected(message),
        // Our sender address refused: every e-mail would be.
        Stage::MailFrom => MailError::Misconfigured(message),
        Stage::Rcpt if about_us => MailError::Misconfigured(message),
        // RFC 5321 §4.5.3.1.10: a 552 to RCPT (too many recipients,
        // mailbox full) is to be treated as temporary.
        Stage::Rcpt if code == 552 => MailError::unavailable(message),
        Stage::Rcpt => match enhanced_status(&failure.text) {
            // 5.1.x: bad address, unknown mailbox or domain; 5.2.1:
            // mailbox disabled. That address, for good.
            Some((1, _) | (2, 1)) => MailError::InvalidRecipient(message),
            // A policy (5.7.x), the system (5.3.x)…: not the address.
            Some(_) => MailError::Rejected(message),
            None if matches!(code, 501 | 550 | 551 | 553) => MailError::InvalidRecipient(message),
            None => MailError::Rejected(message),
        },
        // The content refused (spam filter, size): for good.
        Stage::Data | Stage::Message => MailError::Rejected(message),
    }
}

/// The subject and detail of an RFC 3463 enhanced status code (`5.1.1` →
/// `(1, 1)`) in a reply's text.
fn enhanced_status(text: &str) -> Option<(u16, u16)> {
    text.split_whitespace().find_map(|word| {
        let word = word.trim_matches(|c: char| !c.is_ascii_digit());
        let mut parts = word.split('.');
        let class = parts.next()?;
        let subject = parts.next()?.parse().ok()?;
        let detail = parts.next()?.parse().ok()?;
        (matches!(class, "4" | "5") && parts.next().is_none()).then_some((subject, detail))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SmtpConfig {
        SmtpConfig::new("notifications@signal-logement.test", "SIGNAL-LOGEMENT")
    }

    fn reply(code: u16, text: &str) -> Failure {
        Failure {
            code: Some(code),
            text: format!("permanent error ({code}): {text}"),
            ..Failure::default()
        }
    }

    fn class(stage: Stage, failure: &Failure) -> &'static str {
        match classify(stage, failure, String::new()) {
            MailError::InvalidRecipient(_) => "invalid recipient",
            MailError::Rejected(_) => "rejected",
            MailError::Misconfigured(_) => "misconfigured",
            MailError::Unavailable { .. } => "unavailable",
        }
    }

    #[test]
    fn an_unknown_mailbox_is_an_invalid_recipient_only_when_it_answers_rcpt() {
        let unknown = reply(550, "5.1.1 <x@example.test>: Recipient address rejected");
        assert_eq!(class(Stage::Rcpt, &unknown), "invalid recipient");
        assert_eq!(
            class(Stage::Rcpt, &reply(553, "mailbox name not allowed")),
            "invalid recipient"
        );
        assert_eq!(class(Stage::MailFrom, &unknown), "misconfigured");
        assert_eq!(class(Stage::Message, &reply(550, "5.7.1 spam")), "rejected");
    }

    #[test]
    fn a_relay_that_does_not_trust_us_is_a_configuration_problem() {
        assert_eq!(
            class(
                Stage::Rcpt,
                &reply(554, "5.7.1 <x@example.test>: Relay access denied")
            ),
            "misconfigured"
        );
        assert_eq!(
            class(Stage::Rcpt, &reply(530, "5.7.0 Authentication required")),
            "misconfigured"
        );
        assert_eq!(
            class(
                Stage::Auth,
                &reply(535, "5.7.8 Authentication credentials invalid")
            ),
            "misconfigured"
        );
        assert_eq!(
            class(Stage::Connect, &reply(554, "no SMTP service here")),
            "misconfigured"
        );
    }

    #[test]
    fn transient_replies_and_network_failures_are_retried_later() {
        assert_eq!(
            class(Stage::Rcpt, &reply(451, "4.3.0 try again later")),
            "unavailable"
        );
        assert_eq!(
            class(Stage::Rcpt, &reply(552, "5.2.2 mailbox full")),
            "unavailable"
        );
        let refused = Failure {
            text: "connection refused".into(),
            ..Failure::default()
        };
        assert_eq!(class(Stage::Connect, &refused), "unavailable");
        let timeout = Failure {
            timeout: true,
            ..Failure::default()
        };
        assert_eq!(class(Stage::Data, &timeout), "unavailable");
        let bad_certificate = Failure {
            tls: true,
            ..Failure::default()
        };
        assert_eq!(class(Stage::StartTls, &bad_certificate), "misconfigured");
    }

    #[test]
    fn a_policy_refusal_of_a_recipient_does_not_condemn_the_address() {
        assert_eq!(
            class(
                Stage::Rcpt,
                &reply(550, "5.7.1 blocked using a reputation list")
            ),
            "rejected"
        );
        assert_eq!(
            enhanced_status("permanent error (550): 5.1.1 <a@b.c>: unknown"),
            Some((1, 1))
        );
        assert_eq!(enhanced_status("permanent error (550): unknown user"), None);
    }

    #[test]
    fn urls_choose_the_security_and_the_default_port() {
        let mailer = SmtpMailer::from_url("smtp://relay.example.test", config()).expect("smtp");
        assert_eq!(
            (mailer.security, mailer.port),
            (Security::StartTlsIfOffered, 587)
        );
        let mailer = SmtpMailer::from_url("smtps://relay.example.test", config()).expect("smtps");
        assert_eq!((mailer.security, mailer.port), (Security::ImplicitTls, 465));
        let mailer = SmtpMailer::from_url("smtp://relay.example.test:2525?tls=required", config())
            .expect("required");
        assert_eq!(
            (mailer.security, mailer.port),
            (Security::StartTlsRequired, 2525)
        );
        let mailer =
            SmtpMailer::from_url("smtp://[::1]:1025/histologe.test", config()).expect("ipv6");
        assert_eq!(
            (mailer.host.as_str(), mailer.server()),
            ("::1", "[::1]:1025".to_string())
        );
        assert!(mailer.relay_is_loopback());
        assert_eq!(mailer.hello.to_string(), "histologe.test");
    }

    #[test]
    fn credentials_are_percent_decoded_and_never_shown() {
        let mailer = SmtpMailer::from_url(
            "smtps://histologe%40example.test:p%40ss%3Aw%C3%B6rd@relay.example.test",
            config(),
        )
        .expect("credentials");
        assert_eq!(mailer.password, "p@ss:wörd");
        let debug = format!("{mailer:?}");
        assert!(debug.contains("histologe@example.test"), "{debug}");
        assert!(
            !debug.contains("p@ss") && !debug.contains("p%40ss"),
            "{debug}"
        );
    }

    #[test]
    fn other_schemes_and_half_configurations_are_refused_in_french() {
        let refused = |url: &str| {
            SmtpMailer::from_url(url, config())
                .err()
                .unwrap_or_default()
        };
        let scheme = refused("brevo+api://KEY@default");
        assert!(
            scheme.contains("schéma « brevo+api:// » non pris en charge"),
            "{scheme}"
        );
        assert!(!scheme.contains("KEY"), "{scheme}");
        assert!(refused("smtp://relay.example.test?tls=none").contains("tls=none"));
        assert!(refused("smtp://relay.example.test?tsl=required").contains("inconnu"));
        assert!(refused("smtp://user@relay.example.test").contains("sans mot de passe"));
        assert!(refused("relay.example.test:25").contains("non pris en charge"));
        let mut bad_sender = config();
        bad_sender.sender_email = "notifications".into();
        assert!(
            SmtpMailer::from_url("smtp://relay.example.test", bad_sender)
                .err()
                .is_some_and(|e| e.contains("expéditeur"))
        );
    }
}
