//! Brevo's transactional API (`POST /smtp/email`), the production
//! transport: the e-mail statistics, the tags and the delivery webhooks the
//! platform relies on are Brevo's, and the API answers with the message id
//! those webhooks echo back.
//!
//! The one rule that shapes this module: once Brevo has answered 2xx the
//! e-mail is on its way, whatever follows. An unreadable body after a 201
//! is therefore a success with a placeholder id (and a warning), never an
//! error the job runner would retry into a second e-mail to the same
//! person.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine as _;
use histologe_ports::{MailError, Mailer, OutgoingEmail};
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue, RETRY_AFTER};
use serde::{Deserialize, Serialize};

use crate::redact;

/// Brevo's API root, without the trailing slash.
pub(crate) const DEFAULT_API_URL: &str = "https://api.brevo.com/v3";
/// A whole request, body included: a send runs inside a job, and a job
/// stuck on a hung connection holds a worker.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// The id of an e-mail Brevo accepted without saying which id it gave it
/// (a uuid follows, so that two such e-mails stay two delivery records).
pub(crate) const UNKNOWN_MESSAGE_ID_PREFIX: &str = "brevo:unknown";

/// How to reach Brevo, and who the e-mails are from.
#[derive(Clone, PartialEq, Eq)]
pub struct BrevoConfig {
    pub api_key: String,
    /// `https://api.brevo.com/v3` unless a test points it elsewhere; a trailing
    /// slash is dropped.
    pub api_url: String,
    pub sender_email: String,
    /// Display name of the sender; none when empty.
    pub sender_name: String,
    pub reply_to: Option<String>,
    pub timeout: Duration,
}

impl BrevoConfig {
    /// The production API with the default timeout and no reply-to.
    pub fn new(
        api_key: impl Into<String>,
        sender_email: impl Into<String>,
        sender_name: impl Into<String>,
    ) -> Self {
        BrevoConfig {
            api_key: api_key.into(),
            api_url: DEFAULT_API_URL.to_string(),
            sender_email: sender_email.into(),
            sender_name: sender_name.into(),
            reply_to: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

// By hand: configurations get logged at start, and the key must not be.
impl fmt::Debug for BrevoConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BrevoConfig")
            .field("api_key", &"<redacted>")
            .field("api_url", &self.api_url)
            .field("sender_email", &self.sender_email)
            .field("sender_name", &self.sender_name)
            .field("reply_to", &self.reply_to)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Sends through Brevo's transactional API.
#[derive(Clone)]
pub struct BrevoMailer {
    client: reqwest::Client,
    endpoint: String,
    api_key: HeaderValue,
    config: BrevoConfig,
}

impl fmt::Debug for BrevoMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BrevoMailer")
            .field("endpoint", &self.endpoint)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl BrevoMailer {
    /// # Errors
    /// A configuration that cannot work (empty key, malformed URL or
    /// sender), in French: the message is shown to the operator at start.
    pub fn new(mut config: BrevoConfig) -> Result<Self, String> {
        let key = config.api_key.trim();
        if key.is_empty() {
            return Err("la clé d'API Brevo est vide".to_string());
        }
        let mut api_key = HeaderValue::from_str(key).map_err(|_| {
            "la clé d'API Brevo contient des caractères invalides (espace, retour à la ligne…)"
                .to_string()
        })?;
        // Keeps it out of reqwest's and hyper's debug output.
        api_key.set_sensitive(true);
        config.api_key = key.to_string();

        config.api_url = config.api_url.trim().trim_end_matches('/').to_string();
        match url::Url::parse(&config.api_url) {
            Ok(url) if matches!(url.scheme(), "https" | "http") => {}
            _ => {
                return Err(format!(
                    "URL de l'API Brevo invalide : « {} » (attendu : https://…)",
                    config.api_url
                ));
            }
        }
        if !looks_like_address(&config.sender_email) {
            return Err(format!(
                "adresse d'expéditeur invalide : « {} »",
                config.sender_email
            ));
        }
        if let Some(reply_to) = &config.reply_to
            && !looks_like_address(reply_to)
        {
            return Err(format!("adresse de réponse invalide : « {reply_to} »"));
        }

        crate::install_crypto_provider();
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(5)))
            // The key travels in a custom header, which reqwest would keep
            // on a redirect to another host: never follow one.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("histologe/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("client HTTP de Brevo impossible à créer : {e}"))?;
        Ok(BrevoMailer {
            client,
            endpoint: format!("{}/smtp/email", config.api_url),
            api_key,
            config,
        })
    }

    fn payload<'a>(&'a self, email: &'a OutgoingEmail) -> Payload<'a> {
        let named = |name: &'a str| (!name.trim().is_empty()).then_some(name);
        Payload {
            sender: Contact {
                email: &self.config.sender_email,
                name: named(&self.config.sender_name),
            },
            to: email
                .to
                .iter()
                .map(|to| to.trim())
                .filter(|to| !to.is_empty())
                .map(|email| Contact { email, name: None })
                .collect(),
            reply_to: self
                .config
                .reply_to
                .as_deref()
                .map(|email| Contact { email, name: None }),
            subject: &email.subject,
            html_content: match &email.html {
                Some(html) if !html.trim().is_empty() => Cow::Borrowed(html),
                // Brevo requires an HTML body: the text, as it is.
                _ => Cow::Owned(format!(
                    "<pre style=\"font-family: inherit; white-space: pre-wrap\">{}</pre>",
                    escape_html(&email.text)
                )),
            },
            text_content: &email.text,
            attachment: email
                .attachments
                .iter()
                .map(|a| BrevoAttachment {
                    name: &a.name,
                    content: base64::engine::general_purpose::STANDARD.encode(&a.content),
                })
                .collect(),
            tags: if email.tag.trim().is_empty() {
                Vec::new()
            } else {
                vec![email.tag.as_str()]
            },
        }
    }

    /// Brevo's own words are fine in a log; the key and the full addresses
    /// are not.
    fn scrub(&self, text: &str, email: &OutgoingEmail) -> String {
        redact::scrub(text, &email.to, &[&self.config.api_key])
    }

    fn transport_error(&self, error: &reqwest::Error, email: &OutgoingEmail) -> MailError {
        let message = if error.is_timeout() {
            format!("Brevo: no answer within {:?}", self.config.timeout)
        } else if error.is_connect() {
            format!("Brevo: cannot connect: {}", source_chain(error))
        } else {
            format!("Brevo: {}", source_chain(error))
        };
        MailError::unavailable(self.scrub(&message, email))
    }
}

#[async_trait]
impl Mailer for BrevoMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        if email.to.iter().all(|to| to.trim().is_empty()) {
            return Err(MailError::Rejected("an e-mail without recipient".into()));
        }
        let response = self
            .client
            .post(&self.endpoint)
            .header("api-key", self.api_key.clone())
            .header(ACCEPT, "application/json")
            .json(&self.payload(email))
            .send()
            .await
            .map_err(|e| self.transport_error(&e, email))?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        // Past this point Brevo has answered: for a 2xx, failing to read
        // the rest changes nothing to the e-mail being sent.
        let body = response.bytes().await;

        if status.is_success() {
            let id = body
                .as_ref()
                .ok()
                .and_then(|bytes| serde_json::from_slice::<Accepted>(bytes).ok())
                .map(|accepted| accepted.message_id)
                .filter(|id| !id.trim().is_empty());
            return Ok(match id {
                Some(id) => id,
                None => {
                    let placeholder =
                        format!("{UNKNOWN_MESSAGE_ID_PREFIX}:{}", uuid::Uuid::new_v4());
                    let body = match &body {
                        Ok(bytes) => redact::truncate(&String::from_utf8_lossy(bytes), 200),
                        Err(e) => format!("unreadable: {e}"),
                    };
                    tracing::warn!(
                        status = status.as_u16(),
                        body = %self.scrub(&body, email),
                        id = %placeholder,
                        "Brevo accepted the e-mail without a readable messageId"
                    );
                    placeholder
                }
            });
        }

        let body = body.unwrap_or_default();
        let detail = self.scrub(&describe(status.as_u16(), &body), email);
        Err(classify(status.as_u16(), &body, detail, retry_after))
    }
}

/// The error class of a Brevo answer that is not a 2xx.
fn classify(status: u16, body: &[u8], detail: String, retry_after: Option<Duration>) -> MailError {
    let error = serde_json::from_slice::<BrevoError>(body).unwrap_or_default();
    let words = format!(
        "{} {}",
        error.code.unwrap_or_default(),
        error.message.unwrap_or_default()
    )
    .to_lowercase();
    match status {
        401 | 403 => MailError::Misconfigured(detail),
        429 => MailError::Unavailable {
            message: detail,
            retry_after,
        },
        // Our own address (sender, reply-to) refused: every e-mail would
        // fail the same way until an operator fixes it.
        400 if words.contains("sender") || words.contains("reply") => {
            MailError::Misconfigured(detail)
        }
        // `email is not valid in to`: that recipient, for good.
        400 if words.contains("email") => MailError::InvalidRecipient(detail),
        400..=499 => MailError::Rejected(detail),
        // Redirects are not followed: an API URL that redirects is wrong.
        300..=399 => MailError::Misconfigured(detail),
        _ => MailError::Unavailable {
            message: detail,
            retry_after,
        },
    }
}

/// `Brevo HTTP 400 invalid_parameter: email is not valid in to`.
fn describe(status: u16, body: &[u8]) -> String {
    match serde_json::from_slice::<BrevoError>(body) {
        Ok(BrevoError {
            code: Some(code),
            message: Some(message),
        }) => format!("Brevo HTTP {status} {code}: {message}"),
        Ok(BrevoError {
            code: None,
            message: Some(text),
        })
        | Ok(BrevoError {
            code: Some(text),
            message: None,
        }) => format!("Brevo HTTP {status}: {text}"),
        _ if body.is_empty() => format!("Brevo HTTP {status}"),
        _ => format!(
            "Brevo HTTP {status}: {}",
            redact::truncate(&String::from_utf8_lossy(body), 200)
        ),
    }
}

/// When Brevo says when to come back: `Retry-After` in seconds, else its
/// own `x-sib-ratelimit-reset` (seconds until the window resets).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    [RETRY_AFTER.as_str(), "x-sib-ratelimit-reset"]
        .iter()
        .find_map(|name| {
            headers
                .get(*name)?
                .to_str()
                .ok()?
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map(Duration::from_secs)
}

/// reqwest's top-level message ("error sending request") hides the cause.
fn source_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn looks_like_address(address: &str) -> bool {
    let address = address.trim();
    !address.contains(char::is_whitespace)
        && address
            .rsplit_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Payload<'a> {
    sender: Contact<'a>,
    to: Vec<Contact<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_to: Option<Contact<'a>>,
    subject: &'a str,
    html_content: Cow<'a, str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    text_content: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachment: Vec<BrevoAttachment<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
}

#[derive(Serialize)]
struct Contact<'a> {
    email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct BrevoAttachment<'a> {
    name: &'a str,
    content: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Accepted {
    message_id: String,
}

#[derive(Deserialize, Default)]
struct BrevoError {
    code: Option<String>,
    message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> BrevoConfig {
        BrevoConfig::new(
            "xkeysib-0123456789abcdef",
            "notifications@signal-logement.test",
            "SIGNAL-LOGEMENT - BOUCHES-DU-RHONE",
        )
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let config = config();
        let mailer = BrevoMailer::new(config.clone()).expect("valid configuration");
        for debug in [format!("{config:?}"), format!("{mailer:?}")] {
            assert!(!debug.contains("xkeysib"), "{debug}");
            assert!(debug.contains("notifications@signal-logement.test"));
        }
    }

    #[test]
    fn an_unusable_configuration_is_refused_at_start_in_french() {
        let mut empty_key = config();
        empty_key.api_key = "  ".into();
        assert_eq!(
            BrevoMailer::new(empty_key).err().as_deref(),
            Some("la clé d'API Brevo est vide")
        );
        let mut bad_url = config();
        bad_url.api_url = "api.brevo.com".into();
        assert!(BrevoMailer::new(bad_url).is_err());
        let mut bad_sender = config();
        bad_sender.sender_email = "notifications".into();
        assert!(
            BrevoMailer::new(bad_sender)
                .err()
                .is_some_and(|e| e.contains("expéditeur"))
        );
    }

    #[test]
    fn the_api_url_loses_its_trailing_slash() {
        let mut config = config();
        config.api_url = "https://api.brevo.com/v3/".into();
        let mailer = BrevoMailer::new(config).expect("valid configuration");
        assert_eq!(mailer.endpoint, "https://api.brevo.com/v3/smtp/email");
    }

    #[test]
    fn a_text_only_email_gets_its_text_as_escaped_html() {
        let mailer = BrevoMailer::new(config()).expect("valid configuration");
        let email = OutgoingEmail {
            to: vec!["occupant@example.test".into()],
            subject: "Code".into(),
            text: "Votre code : <1234> & \"merci\"".into(),
            ..OutgoingEmail::default()
        };
        let json = serde_json::to_value(mailer.payload(&email)).expect("json");
        let html = json["htmlContent"].as_str().expect("html");
        assert!(html.starts_with("<pre"), "{html}");
        assert!(html.contains("Votre code : &lt;1234&gt; &amp; &quot;merci&quot;"));
        assert_eq!(json["textContent"], "Votre code : <1234> & \"merci\"");
        assert!(json.get("tags").is_none());
        assert!(json.get("attachment").is_none());
        assert!(json.get("replyTo").is_none());
    }

    #[test]
    fn answers_are_classified_by_status_and_brevo_code() {
        let classify = |status, body: &str| classify(status, body.as_bytes(), String::new(), None);
        assert!(matches!(
            classify(
                400,
                r#"{"code":"invalid_parameter","message":"email is not valid in to"}"#
            ),
            MailError::InvalidRecipient(_)
        ));
        assert!(matches!(
            classify(
                400,
                r#"{"code":"invalid_parameter","message":"sender is not valid"}"#
            ),
            MailError::Misconfigured(_)
        ));
        assert!(matches!(
            classify(
                400,
                r#"{"code":"missing_parameter","message":"subject is missing"}"#
            ),
            MailError::Rejected(_)
        ));
        assert!(matches!(
            classify(413, "<html>too large</html>"),
            MailError::Rejected(_)
        ));
        assert!(matches!(classify(403, ""), MailError::Misconfigured(_)));
        assert!(matches!(classify(302, ""), MailError::Misconfigured(_)));
        assert!(matches!(
            classify(503, "<html>maintenance</html>"),
            MailError::Unavailable { .. }
        ));
    }

    #[test]
    fn retry_after_falls_back_on_brevo_s_rate_limit_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert("x-sib-ratelimit-reset", HeaderValue::from_static("45"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(45)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("30"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(30)));
    }

    #[test]
    fn an_error_description_keeps_brevo_s_words() {
        assert_eq!(
            describe(401, br#"{"code":"unauthorized","message":"Key not found"}"#),
            "Brevo HTTP 401 unauthorized: Key not found"
        );
        assert_eq!(describe(500, b""), "Brevo HTTP 500");
    }
}
