//! Drafts of the public form through the use cases: saved and resumed with
//! every answer, sent once as a signalement (in the transaction that files
//! it), kept in progress when the submission fails, and resumable from a
//! personal link sent by e-mail at most three times an hour.

mod common;

use common::{World, form};
use histologe_application::AppError;
use histologe_application::jobs::RunOutcome;
use histologe_core::DomainError;
use histologe_core::actor::Actor;
use histologe_core::enums::{DraftStatus, SignalementStatus};
use histologe_core::form::Answers;
use histologe_core::ids::DraftId;
use histologe_core::model::{Adresse, SignalementDraft};

fn answers() -> Answers {
    Answers::from_pairs([
        ("profil", "locataire"),
        ("adresse_logement", "33 Rue des Phocéens, 13002 Marseille"),
        ("nom_occupant", "Bérénice d'Arçon"),
        ("pieces_concernees", "cuisine"),
        ("pieces_concernees", "séjour"),
    ])
}

async fn new_draft(w: &World, email: Option<&str>) -> SignalementDraft {
    w.app
        .save_draft(
            None,
            answers(),
            "adresse_logement".to_string(),
            email.map(str::to_string),
        )
        .await
        .expect("draft saved")
}

#[tokio::test]
async fn a_saved_draft_is_resumed_with_every_answer() {
    let w = World::new().await;
    let draft = new_draft(&w, Some("  berenice@Exemple.FR ")).await;
    assert_eq!(draft.status, DraftStatus::EnCours);
    assert_eq!(draft.created_at, common::start());
    assert_eq!(draft.updated_at, common::start());
    assert_eq!(
        draft.email.as_deref(),
        Some("berenice@exemple.fr"),
        "the address is kept trimmed, its domain in lower case"
    );
    assert_eq!(w.app.draft(draft.id).await, Ok(draft.clone()));

    w.advance(chrono::Duration::minutes(7));
    let mut more = draft.answers.clone();
    more.push("pieces_concernees", "salle de bain");
    more.set_one("details", "Fuite au plafond « depuis l'été ».");
    let saved = w
        .app
        .save_draft(Some(draft.id), more.clone(), "desordres".to_string(), None)
        .await
        .expect("saved again");
    let resumed = w.app.draft(draft.id).await.expect("resumed");
    assert_eq!(resumed, saved);
    assert_eq!(resumed.answers, more);
    assert_eq!(
        resumed.answers.values("pieces_concernees"),
        ["cuisine", "séjour", "salle de bain"]
    );
    assert_eq!(resumed.current_step, "desordres");
    assert_eq!(
        resumed.email.as_deref(),
        Some("berenice@exemple.fr"),
        "no address given: the known one is kept"
    );
    assert_eq!(resumed.created_at, common::start());
    assert_eq!(
        resumed.updated_at,
        common::start() + chrono::Duration::minutes(7)
    );

    let cleared = w
        .app
        .save_draft(
            Some(draft.id),
            more,
            "desordres".to_string(),
            Some(" ".into()),
        )
        .await
        .expect("saved without address");
    assert_eq!(cleared.email, None, "a blank address removes it");
}

#[tokio::test]
async fn unknown_drafts_and_invalid_addresses_are_refused() {
    let w = World::new().await;
    let unknown = DraftId(uuid::Uuid::new_v4());
    assert_eq!(
        w.app.draft(unknown).await,
        Err(AppError::NotFound("Brouillon"))
    );
    assert_eq!(
        w.app
            .save_draft(Some(unknown), answers(), "profil".into(), None)
            .await,
        Err(AppError::NotFound("Brouillon"))
    );
    let invalid = w
        .app
        .save_draft(None, answers(), "profil".into(), Some("berenice@".into()))
        .await;
    assert!(
        matches!(&invalid, Err(AppError::Domain(DomainError::Invalid { field, .. })) if field == "email"),
        "{invalid:?}"
    );
}

#[tokio::test]
async fn a_submitted_draft_is_sent_and_can_be_neither_edited_nor_submitted_again() {
    let w = World::new().await;
    let draft = new_draft(&w, Some("berenice@exemple.fr")).await;
    w.advance(chrono::Duration::minutes(3));

    let shown = w
        .app
        .submit_draft(&Actor::Anonymous, draft.id, form(), false)
        .await
        .expect("draft submitted");
    let case = w.case(shown.signalement.id).await;
    assert_eq!(case.signalement.status, SignalementStatus::NeedValidation);
    assert_eq!(case.signalement.reference, "2026-1");

    let sent = w.app.draft(draft.id).await.expect("draft");
    assert_eq!(sent.status, DraftStatus::Envoye);
    assert_eq!(sent.signalement_id, Some(case.signalement.id));
    assert_eq!(sent.answers, draft.answers, "the answers stay as typed");
    assert_eq!(
        sent.updated_at,
        common::start() + chrono::Duration::minutes(3)
    );
    assert!(!sent.is_editable());

    assert_eq!(
        w.app
            .save_draft(Some(draft.id), Answers::new(), "profil".into(), None)
            .await,
        Err(AppError::DraftNotEditable)
    );
    assert_eq!(
        w.app
            .submit_draft(&Actor::Anonymous, draft.id, form(), false)
            .await
            .map(|c| c.signalement.id),
        Err(AppError::DraftNotEditable)
    );
    assert_eq!(
        w.app.send_draft_link(draft.id).await,
        Err(AppError::DraftNotEditable)
    );
    assert_eq!(w.app.draft(draft.id).await, Ok(sent), "nothing changed");

    // Exactly one signalement was filed: the next one is number 2.
    let next = w.submit(form()).await;
    assert_eq!(next.signalement.reference, "2026-2");
}

#[tokio::test]
async fn a_failed_submission_leaves_the_draft_in_progress() {
    let w = World::new().await;
    let draft = new_draft(&w, None).await;
    // Hautes-Alpes does not take online reports yet.
    let mut in_gap = form();
    in_gap.adresse = Adresse {
        adresse: "2 Rue Carnot".into(),
        code_postal: "05000".into(),
        ville: "Gap".into(),
        insee: Some("05061".into()),
        ..Adresse::default()
    };
    let refused = w
        .app
        .submit_draft(&Actor::Anonymous, draft.id, in_gap, false)
        .await;
    assert!(
        matches!(&refused, Err(AppError::Domain(DomainError::Invalid { field, .. })) if field == "adresse"),
        "{:?}",
        refused.map(|c| c.signalement.id)
    );
    let kept = w.app.draft(draft.id).await.expect("draft");
    assert_eq!(kept, draft, "the draft is untouched and still in progress");
    assert!(kept.is_editable());

    // Corrected, it goes through.
    let shown = w
        .app
        .submit_draft(&Actor::Anonymous, draft.id, form(), false)
        .await
        .expect("submitted after correction");
    assert_eq!(
        w.app.draft(draft.id).await.expect("draft").signalement_id,
        Some(shown.signalement.id)
    );
}

#[tokio::test]
async fn the_draft_link_is_e_mailed_by_the_worker() {
    let w = World::new().await;
    let draft = new_draft(&w, Some("berenice@exemple.fr")).await;
    w.app.send_draft_link(draft.id).await.expect("link queued");
    assert!(w.mailer.sent().is_empty(), "sent by the worker, not inline");

    let outcomes = w.runner.drain().await.expect("jobs run");
    assert!(
        matches!(outcomes.as_slice(), [RunOutcome::Done(_)]),
        "{outcomes:?}"
    );
    let sent = w.mailer.sent();
    assert_eq!(sent.len(), 1);
    let email = &sent[0];
    assert_eq!(email.to, ["berenice@exemple.fr"]);
    assert_eq!(email.subject, "Reprendre votre signalement");
    let link = format!("https://histologe.test/signalement/brouillon/{}", draft.id);
    assert!(email.text.contains(&link), "{}", email.text);
    assert!(email.text.contains("personnel"), "{}", email.text);
}

#[tokio::test]
async fn a_draft_without_address_gets_no_link() {
    let w = World::new().await;
    let draft = new_draft(&w, None).await;
    let refused = w.app.send_draft_link(draft.id).await;
    assert!(
        matches!(&refused, Err(AppError::Domain(DomainError::Invalid { field, .. })) if field == "email"),
        "{refused:?}"
    );
    assert_eq!(
        w.app.send_draft_link(DraftId(uuid::Uuid::new_v4())).await,
        Err(AppError::NotFound("Brouillon"))
    );
}

#[tokio::test]
async fn a_link_queued_before_the_draft_was_sent_is_not_mailed() {
    let w = World::new().await;
    let draft = new_draft(&w, Some("berenice@exemple.fr")).await;
    w.app.send_draft_link(draft.id).await.expect("link queued");
    w.app
        .submit_draft(&Actor::Anonymous, draft.id, form(), false)
        .await
        .expect("submitted");
    w.runner.drain().await.expect("jobs run");
    assert!(
        !w.mailer
            .sent()
            .iter()
            .any(|e| e.subject == "Reprendre votre signalement"),
        "a sent draft has nothing left to resume"
    );
}

#[tokio::test]
async fn a_fourth_link_in_the_hour_is_refused() {
    let w = World::new().await;
    let draft = new_draft(&w, Some("berenice@exemple.fr")).await;
    let other = new_draft(&w, Some("voisin@exemple.fr")).await;
    for _ in 0..3 {
        w.app.send_draft_link(draft.id).await.expect("link queued");
    }
    assert_eq!(
        w.app.send_draft_link(draft.id).await,
        Err(AppError::TooManyAttempts)
    );
    w.app
        .send_draft_link(other.id)
        .await
        .expect("the limit is per draft");

    w.runner.drain().await.expect("jobs run");
    let sent = w.mailer.sent();
    let count = |address: &str| sent.iter().filter(|e| e.to == [address]).count();
    assert_eq!(
        count("berenice@exemple.fr"),
        3,
        "each accepted request is its own e-mail"
    );
    assert_eq!(count("voisin@exemple.fr"), 1);
}
