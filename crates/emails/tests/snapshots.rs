//! Every kind of block of the e-mails, rendered in HTML and text and kept
//! as snapshots: a change of layout or wording shows in review. The
//! e-mail types themselves are snapshotted where the application builds
//! them (`tests/tests/emails.rs`).

use histologe_emails::{Message, Platform};

fn platform() -> Platform {
    Platform::new("Signal Logement", "https://signal-logement.beta.gouv.fr/")
}

fn every_block() -> Message {
    Message::new("exemple", "Pro Exemple", "[2026-42] Nouveau suivi")
        .hello("Camille")
        .text("Un nouveau message a été publié sur votre signalement 2026-42.")
        .quote(
            "Message :",
            "Bonjour,\nla visite est prévue <mardi> & les clés sont chez la gardienne.",
        )
        .button(
            "Suivre mon dossier",
            "https://signal-logement.beta.gouv.fr/suivre-mon-signalement/abc?x=1&y=2",
        )
        .section(
            "Signalement 2026-42 — 12 rue de la République, 13002 Marseille",
            vec!["le 07/12/2026 à 09:30 : Nouveau suivi".to_string()],
            Some((
                "Consultez-le".to_string(),
                "https://signal-logement.beta.gouv.fr/bo/signalements/1".to_string(),
            )),
        )
        .note("Ce lien est personnel.")
}

#[test]
fn every_block_in_html() {
    let rendered = every_block().render(&platform()).expect("renders");
    insta::assert_snapshot!(rendered.html);
}

#[test]
fn every_block_in_text() {
    let rendered = every_block().render(&platform()).expect("renders");
    insta::assert_snapshot!(rendered.text);
}

#[test]
fn html_is_escaped_and_text_is_not() {
    let rendered = every_block().render(&platform()).expect("renders");
    assert!(
        rendered.html.contains("&#60;mardi&#62; &#38; les clés"),
        "{}",
        rendered.html
    );
    assert!(!rendered.html.contains("<mardi>"));
    assert!(
        rendered.text.contains("<mardi> & les clés"),
        "{}",
        rendered.text
    );
    assert!(rendered.text.contains("abc?x=1&y=2"));
    assert_eq!(rendered.tag, "Pro Exemple");
    assert_eq!(rendered.template, "exemple");
}

#[test]
fn the_configured_platform_name_is_the_only_one() {
    let rendered = every_block()
        .render(&Platform::new("Histologe Test", "https://histologe.test"))
        .expect("renders");
    for part in [&rendered.html, &rendered.text] {
        assert!(part.contains("Histologe Test"));
        assert!(!part.contains("Signal Logement"), "{part}");
        assert!(
            part.contains("https://histologe.test"),
            "the site's address: {part}"
        );
    }
}

#[test]
fn a_blank_name_greets_plainly() {
    let rendered = Message::new("x", "t", "s")
        .hello("  ")
        .render(&platform())
        .expect("renders");
    assert!(rendered.text.starts_with("Bonjour,\n"), "{}", rendered.text);
}
