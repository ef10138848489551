//! The Brevo transport against a local HTTP server answering like Brevo
//! (bodies from the real API responses of `shared/fixtures/brevo`): what
//! the request carried, and what each answer becomes for the job runner.
//! Every test also checks that exactly one request was made: the
//! transport never retries on its own.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine as _;
use histologe_adapters_brevo::{BrevoConfig, BrevoMailer};
use histologe_ports::{Attachment, MailError, Mailer, OutgoingEmail};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "xkeysib-test-0123456789abcdef-NOTREAL";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

/// A real Brevo answer, copied from the integration notes' fixtures
/// (`shared/fixtures/brevo`) into `tests/fixtures/brevo`.
fn fixture(name: &str) -> Vec<u8> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/brevo")
        .join(name);
    std::fs::read(&file).unwrap_or_else(|e| panic!("fixture {}: {e}", file.display()))
}

fn config(server: &MockServer) -> BrevoConfig {
    let mut config = BrevoConfig::new(
        API_KEY,
        "notifications@signal-logement.test",
        "SIGNAL-LOGEMENT - BOUCHES-DU-RHONE",
    );
    config.api_url = format!("{}/", server.uri());
    config.reply_to = Some("ne-pas-repondre@signal-logement.test".into());
    config.timeout = Duration::from_secs(5);
    config
}

fn email() -> OutgoingEmail {
    OutgoingEmail {
        to: vec!["occupant@example.test".into()],
        subject: "SIGNAL-LOGEMENT BOUCHES-DU-RHONE - Votre signalement a bien été reçu".into(),
        text: "Bonjour, votre signalement a bien été reçu.".into(),
        html: Some("<p>Bonjour, votre signalement a bien été <strong>reçu</strong>.</p>".into()),
        template: "usager_accuse_reception".into(),
        tag: "Usager Accusé Reception Signalement".into(),
        attachments: vec![Attachment {
            name: "accuse-reception.pdf".into(),
            content_type: "application/pdf".into(),
            content: PDF.to_vec(),
        }],
    }
}

/// A server whose every `POST /smtp/email` gets `response`.
async fn brevo_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/smtp/email"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn json_answer(status: u16, fixture_name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(fixture_name), "application/json")
}

async fn send_once(server: &MockServer, config: BrevoConfig) -> Result<String, MailError> {
    let mailer = BrevoMailer::new(config).expect("valid configuration");
    let result = mailer.send(&email()).await;
    let requests = server.received_requests().await.expect("recording on");
    assert_eq!(requests.len(), 1, "exactly one request, no retry");
    result
}

fn assert_no_secret(error: &MailError) {
    let text = format!("{error} {error:?}");
    assert!(!text.contains(API_KEY), "the key leaked: {text}");
    assert!(
        !text.contains("occupant@example.test"),
        "the full address leaked: {text}"
    );
}

#[tokio::test]
async fn an_accepted_email_returns_brevo_s_message_id_and_carried_everything() {
    let server = brevo_answering(json_answer(201, "api_send_201.json")).await;
    let mailer = BrevoMailer::new(config(&server)).expect("valid configuration");

    let id = mailer.send(&email()).await.expect("sent");
    assert_eq!(id, "<202612071530.84512007311@smtp-relay.mailin.fr>");

    let requests = server.received_requests().await.expect("recording on");
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.url.path(), "/smtp/email");
    assert_eq!(
        request.headers.get("api-key").and_then(|v| v.to_str().ok()),
        Some(API_KEY)
    );
    assert!(
        request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
    );
    let body: Value = request.body_json().expect("a JSON body");
    assert_eq!(
        body["sender"],
        json!({"email": "notifications@signal-logement.test", "name": "SIGNAL-LOGEMENT - BOUCHES-DU-RHONE"})
    );
    assert_eq!(body["to"], json!([{"email": "occupant@example.test"}]));
    assert_eq!(
        body["replyTo"],
        json!({"email": "ne-pas-repondre@signal-logement.test"})
    );
    assert_eq!(
        body["subject"],
        "SIGNAL-LOGEMENT BOUCHES-DU-RHONE - Votre signalement a bien été reçu"
    );
    assert_eq!(
        body["htmlContent"],
        "<p>Bonjour, votre signalement a bien été <strong>reçu</strong>.</p>"
    );
    assert_eq!(
        body["textContent"],
        "Bonjour, votre signalement a bien été reçu."
    );
    assert_eq!(body["tags"], json!(["Usager Accusé Reception Signalement"]));
    let attachments = body["attachment"].as_array().expect("attachment list");
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0]["name"], "accuse-reception.pdf");
    let content = base64::engine::general_purpose::STANDARD
        .decode(attachments[0]["content"].as_str().expect("base64 string"))
        .expect("valid base64");
    assert_eq!(content, PDF);
}

#[tokio::test]
async fn an_address_brevo_calls_invalid_is_an_invalid_recipient() {
    let server = brevo_answering(json_answer(400, "api_send_400_invalid_email.json")).await;
    let error = send_once(&server, config(&server))
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, MailError::InvalidRecipient(m) if m.contains("email is not valid in to")),
        "{error:?}"
    );
    assert_no_secret(&error);
}

#[tokio::test]
async fn a_refused_key_is_a_misconfiguration_that_does_not_show_the_key() {
    let server = brevo_answering(json_answer(401, "api_send_401.json")).await;
    let error = send_once(&server, config(&server))
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, MailError::Misconfigured(m) if m.contains("Key not found")),
        "{error:?}"
    );
    assert_no_secret(&error);
}

#[tokio::test]
async fn a_rate_limit_says_when_to_come_back() {
    let server = brevo_answering(
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "30")
            .set_body_raw(
                r#"{"code":"too_many_requests","message":"The expected rate limit is exceeded."}"#,
                "application/json",
            ),
    )
    .await;
    let error = send_once(&server, config(&server))
        .await
        .expect_err("refused");
    match &error {
        MailError::Unavailable { retry_after, .. } => {
            assert_eq!(*retry_after, Some(Duration::from_secs(30)));
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert_no_secret(&error);
}

#[tokio::test]
async fn a_server_error_is_transient() {
    let server = brevo_answering(ResponseTemplate::new(500).set_body_raw(
        r#"{"code":"internal_error","message":"Internal server error"}"#,
        "application/json",
    ))
    .await;
    let error = send_once(&server, config(&server))
        .await
        .expect_err("refused");
    assert!(
        matches!(
            &error,
            MailError::Unavailable {
                retry_after: None,
                ..
            }
        ),
        "{error:?}"
    );
    assert_no_secret(&error);
}

#[tokio::test]
async fn a_brevo_that_does_not_answer_in_time_is_transient() {
    let server =
        brevo_answering(json_answer(201, "api_send_201.json").set_delay(Duration::from_secs(1)))
            .await;
    let mut config = config(&server);
    config.timeout = Duration::from_millis(200);
    let started = Instant::now();
    let error = send_once(&server, config).await.expect_err("timed out");
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "the timeout was not applied: {:?}",
        started.elapsed()
    );
    assert!(
        matches!(&error, MailError::Unavailable { message, .. } if message.contains("no answer")),
        "{error:?}"
    );
    assert_no_secret(&error);
}

#[tokio::test]
async fn an_accepted_email_with_an_unreadable_answer_is_still_sent() {
    let server = brevo_answering(
        ResponseTemplate::new(201).set_body_raw("{\"messageId\": <oops", "application/json"),
    )
    .await;
    let id = send_once(&server, config(&server))
        .await
        .expect("accepted all the same");
    assert!(id.starts_with("brevo:unknown"), "{id}");
}

#[tokio::test]
async fn a_brevo_that_cannot_be_reached_is_transient() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let mut config = BrevoConfig::new(
        API_KEY,
        "notifications@signal-logement.test",
        "SIGNAL-LOGEMENT",
    );
    config.api_url = format!("http://127.0.0.1:{port}");
    config.timeout = Duration::from_secs(2);
    let mailer = BrevoMailer::new(config).expect("valid configuration");
    let error = mailer.send(&email()).await.expect_err("unreachable");
    assert!(matches!(&error, MailError::Unavailable { .. }), "{error:?}");
    assert_no_secret(&error);
}
