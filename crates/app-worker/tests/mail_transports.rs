//! The e-mails of real use, through each real transport: the demo's
//! signalements are filed and validated by `histologe-web demo-data` (the
//! use cases queue the acknowledgements and the notifications), then one
//! `histologe-worker worker --once` sends them through Brevo's API (a
//! wiremock server answering like Brevo) or an SMTP relay (aiosmtpd).

#[path = "../../adapters-brevo/tests/support/mod.rs"]
mod smtp_support;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use mailparse::MailHeaderMap;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BIN: &str = env!("CARGO_BIN_EXE_histologe-worker");

fn web_bin() -> PathBuf {
    let path = PathBuf::from(BIN).with_file_name("histologe-web");
    assert!(
        path.exists(),
        "{} is missing: build it first (cargo test --workspace does)",
        path.display()
    );
    path
}

/// A fresh SQLite deployment holding the demo's reports, their e-mails
/// queued and none sent.
fn deployment_with_queued_mails() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/histologe.db", dir.path().display());
    let out = Command::new(web_bin())
        .arg("demo-data")
        .current_dir(dir.path())
        .env("DATABASE_URL", &url)
        .env("HISTOLOGE_OUTBOX_DIR", dir.path().join("outbox"))
        .env("RUST_LOG", "warn")
        .env_remove("REDIS_URL")
        .env_remove("STORAGE_URL")
        .env_remove("BREVO_API_KEY")
        .env_remove("SMTP_URL")
        .stdout(Stdio::null())
        .output()
        .expect("demo-data runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, url)
}

/// One worker run over the whole queue, with `env` choosing the transport.
fn worker_once(dir: &tempfile::TempDir, url: &str, env: &[(&str, String)]) -> String {
    let mut command = Command::new(BIN);
    command
        .args(["worker", "--once"])
        .current_dir(dir.path())
        .env("DATABASE_URL", url)
        .env("HISTOLOGE_OUTBOX_DIR", dir.path().join("outbox"))
        .env("HISTOLOGE_BASE_URL", "https://signal-logement.test")
        .env("MAIL_FROM", "notifications@signal-logement.test")
        .env("RUST_LOG", "info")
        .env_remove("REDIS_URL")
        .env_remove("STORAGE_URL")
        .env_remove("BREVO_API_KEY")
        .env_remove("SMTP_URL")
        .stdout(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("the worker runs");
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{log}");
    log
}

fn outbox_count(dir: &tempfile::TempDir) -> usize {
    std::fs::read_dir(dir.path().join("outbox"))
        .map(|e| e.count())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_sends_the_flows_mails_through_brevo_with_their_tags() {
    let (dir, url) = deployment_with_queued_mails();
    let brevo = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/smtp/email"))
        .and(header("api-key", "xkeysib-test"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(serde_json::json!({ "messageId": "<1@smtp-relay.mailin.fr>" })),
        )
        .mount(&brevo)
        .await;
    let log = worker_once(
        &dir,
        &url,
        &[
            ("BREVO_API_KEY", "xkeysib-test".to_string()),
            ("BREVO_API_URL", format!("{}/v3", brevo.uri())),
        ],
    );
    assert!(
        log.contains("transport=\"brevo\"") || log.contains("transport=brevo"),
        "{log}"
    );
    assert!(
        !log.contains("xkeysib-test"),
        "the key never shows in the log"
    );

    let requests = brevo.received_requests().await.expect("recorded");
    assert!(requests.len() > 10, "{} e-mails", requests.len());
    let mut tags = BTreeSet::new();
    for request in &requests {
        let body: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON");
        assert_eq!(
            body["sender"]["email"],
            "notifications@signal-logement.test"
        );
        assert!(body["htmlContent"].as_str().is_some_and(|h| !h.is_empty()));
        assert!(body["textContent"].as_str().is_some_and(|t| !t.is_empty()));
        let mail_tags = body["tags"].as_array().expect("every e-mail is tagged");
        assert_eq!(mail_tags.len(), 1, "{body}");
        tags.insert(mail_tags[0].as_str().unwrap_or_default().to_string());
    }
    assert!(
        tags.contains("Usager Accusé Reception Signalement"),
        "the usagers' acknowledgements: {tags:?}"
    );
    assert!(
        tags.iter().any(|t| t.starts_with("Pro ")),
        "the agents' notifications: {tags:?}"
    );
    assert_eq!(outbox_count(&dir), 0, "nothing went to the outbox");

    // Every job is done: a second worker run sends nothing more.
    worker_once(
        &dir,
        &url,
        &[
            ("BREVO_API_KEY", "xkeysib-test".to_string()),
            ("BREVO_API_URL", format!("{}/v3", brevo.uri())),
        ],
    );
    assert_eq!(
        brevo.received_requests().await.expect("recorded").len(),
        requests.len(),
        "one request per e-mail, never a second send"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_delivers_the_flows_mails_to_an_smtp_relay() {
    let Some(relay) =
        smtp_support::SmtpServer::start("the_worker_delivers_the_flows_mails_to_an_smtp_relay")
    else {
        return;
    };
    let (dir, url) = deployment_with_queued_mails();
    let log = worker_once(&dir, &url, &[("SMTP_URL", relay.url())]);
    assert!(log.contains("smtp"), "{log}");
    let received = relay.received();
    assert!(received.len() > 10, "{} e-mails", received.len());
    let parsed: Vec<mailparse::ParsedMail> = received
        .iter()
        .map(|raw| mailparse::parse_mail(raw).expect("a well-formed message"))
        .collect();
    let tag = |m: &mailparse::ParsedMail| m.headers.get_first_value("X-Tag").unwrap_or_default();
    let acknowledgement = parsed
        .iter()
        .find(|m| tag(m) == "Usager Accusé Reception Signalement")
        .expect("an acknowledgement to a usager");
    let from = acknowledgement
        .headers
        .get_first_value("From")
        .unwrap_or_default();
    assert!(
        from.contains("notifications@signal-logement.test"),
        "{from}"
    );
    assert!(
        acknowledgement
            .headers
            .get_first_value("Subject")
            .is_some_and(|s| !s.is_empty())
    );
    let types: Vec<String> = acknowledgement
        .subparts
        .iter()
        .map(|p| p.ctype.mimetype.clone())
        .collect();
    assert!(
        types.contains(&"text/plain".to_string()) && types.contains(&"text/html".to_string()),
        "both parts: {types:?}"
    );
    assert!(
        parsed.iter().any(|m| tag(m).starts_with("Pro ")),
        "the agents' notifications"
    );
    assert_eq!(outbox_count(&dir), 0, "nothing went to the outbox");
}
