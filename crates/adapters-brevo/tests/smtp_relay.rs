//! The SMTP transport against a real SMTP server (aiosmtpd, see `support`):
//! what a user's mail client would show of the e-mail that arrived, and
//! what each refusal becomes for the job runner.

mod support;

use std::time::{Duration, Instant};

use histologe_adapters_brevo::{SmtpConfig, SmtpMailer};
use histologe_ports::{Attachment, MailError, Mailer, OutgoingEmail};
use mailparse::{MailHeaderMap, ParsedMail};
use support::SmtpServer;

const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
const SUBJECT: &str = "Votre signalement a bien été reçu";

fn config() -> SmtpConfig {
    let mut config = SmtpConfig::new(
        "notifications@signal-logement.test",
        "SIGNAL-LOGEMENT - BOUCHES-DU-RHÔNE",
    );
    config.reply_to = Some("ne-pas-repondre@signal-logement.test".into());
    config.timeout = Duration::from_secs(10);
    config
}

fn email(to: &str) -> OutgoingEmail {
    OutgoingEmail {
        to: vec![to.into()],
        subject: SUBJECT.into(),
        text: "Bonjour,\nvotre signalement a bien été reçu.\nL'équipe".into(),
        html: Some(
            "<p>Bonjour,</p><p>votre signalement a bien été <strong>reçu</strong>.</p>".into(),
        ),
        template: "usager_accuse_reception".into(),
        tag: "Usager Accusé Reception Signalement".into(),
        attachments: vec![Attachment {
            name: "accusé-réception.pdf".into(),
            content_type: "application/pdf".into(),
            content: PDF.to_vec(),
        }],
    }
}

fn header(mail: &ParsedMail<'_>, name: &str) -> String {
    mail.headers
        .get_first_value(name)
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// Every leaf part of a MIME tree, depth first.
fn leaves<'a>(mail: &'a ParsedMail<'a>, out: &mut Vec<&'a ParsedMail<'a>>) {
    if mail.subparts.is_empty() {
        out.push(mail);
    }
    for part in &mail.subparts {
        leaves(part, out);
    }
}

#[tokio::test]
async fn the_email_arrives_with_its_sender_subject_parts_and_attachment() {
    let Some(server) =
        SmtpServer::start("the_email_arrives_with_its_sender_subject_parts_and_attachment")
    else {
        return;
    };
    let mailer = SmtpMailer::from_url(&server.url(), config()).expect("valid SMTP_URL");
    let id = mailer
        .send(&email("occupant@example.test"))
        .await
        .expect("sent");

    let received = server.received();
    assert_eq!(received.len(), 1, "one e-mail arrived");
    let mail = mailparse::parse_mail(&received[0]).expect("a MIME message");
    let from = mail
        .headers
        .get_first_header("From")
        .map(mailparse::addrparse_header)
        .expect("a From header")
        .expect("a valid From");
    let listed = format!("{from:?}");
    match from.extract_single_info() {
        Some(sender) => {
            assert_eq!(
                sender.display_name.as_deref(),
                Some("SIGNAL-LOGEMENT - BOUCHES-DU-RHÔNE")
            );
            assert_eq!(sender.addr, "notifications@signal-logement.test");
        }
        None => panic!("one sender expected, got {listed}"),
    }
    assert_eq!(header(&mail, "To"), "occupant@example.test");
    assert_eq!(
        header(&mail, "Reply-To"),
        "ne-pas-repondre@signal-logement.test"
    );
    assert_eq!(header(&mail, "Subject"), SUBJECT);
    assert_eq!(
        header(&mail, "X-Tag"),
        "Usager Accusé Reception Signalement"
    );
    assert_eq!(
        header(&mail, "Message-ID"),
        id,
        "the id returned is the Message-ID"
    );
    // The envelope, as aiosmtpd's Mailbox handler recorded it.
    assert_eq!(header(&mail, "X-RcptTo"), "occupant@example.test");
    assert_eq!(
        header(&mail, "X-MailFrom"),
        "notifications@signal-logement.test"
    );

    assert_eq!(mail.ctype.mimetype, "multipart/mixed");
    let mut parts = Vec::new();
    leaves(&mail, &mut parts);
    let by_type = |mimetype: &str| {
        parts
            .iter()
            .find(|p| p.ctype.mimetype == mimetype)
            .unwrap_or_else(|| panic!("no {mimetype} part"))
    };
    let text = by_type("text/plain").get_body().expect("text");
    assert_eq!(
        text.replace("\r\n", "\n").trim_end(),
        "Bonjour,\nvotre signalement a bien été reçu.\nL'équipe"
    );
    let html = by_type("text/html").get_body().expect("html");
    assert!(
        html.contains("votre signalement a bien été <strong>reçu</strong>"),
        "{html}"
    );
    assert_eq!(
        mail.subparts[0].ctype.mimetype, "multipart/alternative",
        "text and HTML are alternatives of one another"
    );
    let pdf = by_type("application/pdf");
    let disposition = pdf.get_content_disposition();
    assert_eq!(
        disposition.disposition,
        mailparse::DispositionType::Attachment
    );
    assert_eq!(
        disposition.params.get("filename").map(String::as_str),
        Some("accusé-réception.pdf")
    );
    assert_eq!(pdf.get_body_raw().expect("attachment bytes"), PDF);
}

#[tokio::test]
async fn a_text_only_email_arrives_as_plain_text() {
    let Some(server) = SmtpServer::start("a_text_only_email_arrives_as_plain_text") else {
        return;
    };
    let mailer = SmtpMailer::from_url(&server.url(), config()).expect("valid SMTP_URL");
    let mut email = email("occupant@example.test");
    email.subject = "Code de vérification".into();
    email.text = "Votre code de vérification est : 123456".into();
    email.html = None;
    email.attachments.clear();
    email.tag.clear();
    mailer.send(&email).await.expect("sent");

    let received = server.received();
    assert_eq!(received.len(), 1);
    let mail = mailparse::parse_mail(&received[0]).expect("a MIME message");
    assert_eq!(mail.ctype.mimetype, "text/plain");
    assert_eq!(header(&mail, "Subject"), "Code de vérification");
    assert_eq!(
        mail.get_body().expect("text").trim_end(),
        "Votre code de vérification est : 123456"
    );
    assert!(mail.headers.get_first_value("X-Tag").is_none());
}

#[tokio::test]
async fn an_unknown_mailbox_is_an_invalid_recipient_and_nothing_arrives() {
    let Some(server) =
        SmtpServer::start("an_unknown_mailbox_is_an_invalid_recipient_and_nothing_arrives")
    else {
        return;
    };
    let mailer = SmtpMailer::from_url(&server.url(), config()).expect("valid SMTP_URL");
    let error = mailer
        .send(&email("inconnu@example.test"))
        .await
        .expect_err("refused");
    match &error {
        MailError::InvalidRecipient(message) => {
            assert!(message.contains("550"), "{message}");
            assert!(message.contains("User unknown"), "{message}");
            assert!(
                !message.contains("inconnu@example.test"),
                "the full address leaked: {message}"
            );
        }
        other => panic!("expected InvalidRecipient, got {other:?}"),
    }
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn credentials_from_the_url_are_percent_decoded_and_checked() {
    let Some(server) =
        SmtpServer::start("credentials_from_the_url_are_percent_decoded_and_checked")
    else {
        return;
    };
    // `histologe@example.test` / `p@ss:wörd`, percent-encoded.
    let url = format!(
        "smtp://histologe%40example.test:p%40ss%3Aw%C3%B6rd@127.0.0.1:{}",
        server.port
    );
    let mailer = SmtpMailer::from_url(&url, config()).expect("valid SMTP_URL");
    mailer
        .send(&email("occupant@example.test"))
        .await
        .expect("sent with the right password");
    assert_eq!(server.received().len(), 1);

    let url = format!(
        "smtp://histologe%40example.test:wrong-password@127.0.0.1:{}",
        server.port
    );
    let mailer = SmtpMailer::from_url(&url, config()).expect("valid SMTP_URL");
    let error = mailer
        .send(&email("occupant@example.test"))
        .await
        .expect_err("refused");
    match &error {
        MailError::Misconfigured(message) => {
            assert!(message.contains("535"), "{message}");
            assert!(!message.contains("wrong-password"), "{message}");
        }
        other => panic!("expected Misconfigured, got {other:?}"),
    }
    assert_eq!(server.received().len(), 1, "nothing more arrived");
    assert!(!format!("{mailer:?}").contains("wrong-password"));
    assert_eq!(support::USER, "histologe@example.test");
    assert_eq!(support::PASSWORD, "p@ss:wörd");
}

#[tokio::test]
async fn a_server_that_is_not_listening_is_transient() {
    let port = support::free_port();
    let mailer = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}"), config())
        .expect("valid SMTP_URL");
    let error = mailer
        .send(&email("occupant@example.test"))
        .await
        .expect_err("nothing listens");
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
}

#[tokio::test]
async fn a_server_that_never_greets_is_transient_after_the_timeout() {
    // Accepts the connection, then says nothing.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a listener");
    let port = listener.local_addr().expect("address").port();
    let silent = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("a client");
        tokio::time::sleep(Duration::from_secs(5)).await;
        drop(socket);
    });
    let mut config = config();
    config.timeout = Duration::from_millis(300);
    let mailer =
        SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}"), config).expect("valid SMTP_URL");
    let started = Instant::now();
    let error = mailer
        .send(&email("occupant@example.test"))
        .await
        .expect_err("no greeting");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(&error, MailError::Unavailable { message, .. } if message.contains("no answer")),
        "{error:?}"
    );
    silent.abort();
}

#[tokio::test]
async fn a_malformed_address_is_refused_before_connecting() {
    // Nothing listens: the address is refused before any connection.
    let port = support::free_port();
    let mailer = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}"), config())
        .expect("valid SMTP_URL");
    let error = mailer
        .send(&email("occupant at example.test"))
        .await
        .expect_err("malformed");
    assert!(matches!(error, MailError::InvalidRecipient(_)), "{error:?}");
}
