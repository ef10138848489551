//! `DraftRepository` and `Transaction::save_draft`: a draft of the public
//! form gives back exactly what was typed, a new save replaces it, and a
//! draft saved in a transaction exists only once that transaction commits.

use histologe_core::enums::DraftStatus;
use histologe_core::form::Answers;
use histologe_core::ids::DraftId;
use histologe_core::model::SignalementDraft;

use crate::Backend;
use crate::fixtures::{NOW, case, minutes, uuid};
use crate::support::{begin, commit, commit_cases, within, world};

/// A draft in progress, as typed in Marseille: accents, apostrophes, a
/// blank answer and a checkbox group with several values.
fn draft() -> SignalementDraft {
    let mut answers = Answers::from_pairs([
        ("profil", "locataire"),
        ("adresse_logement", "33 Rue des Phocéens, 13002 Marseille"),
        ("nom_occupant", "Bérénice d'Arçon-Lefèvre"),
        ("pieces_concernees", "cuisine"),
        ("pieces_concernees", "salle de bain"),
        ("pieces_concernees", "séjour"),
        (
            "details",
            "Fuite au plafond « depuis l'été », ça sent l'humidité\nDeuxième ligne.",
        ),
    ]);
    answers.set("etage", vec!["  ".to_string()]);
    SignalementDraft {
        id: DraftId(uuid()),
        answers,
        current_step: "desordres_logement".to_string(),
        email: Some("bérénice.arçon@exemple.fr".to_string()),
        status: DraftStatus::EnCours,
        signalement_id: None,
        created_by: None,
        created_at: minutes(-30),
        updated_at: minutes(-5),
    }
}

/// What is saved is read back equal, answers included (accents, several
/// values of one key in order, blank values kept); a draft without an
/// e-mail too.
pub async fn drafts_save_then_get_round_trips(backend: &dyn Backend) {
    let stores = within("Backend::fresh", backend.fresh()).await;
    let with_email = draft();
    let without_email = SignalementDraft {
        id: DraftId(uuid()),
        email: None,
        answers: Answers::new(),
        current_step: "introduction".to_string(),
        ..draft()
    };
    for d in [&with_email, &without_email] {
        stores.drafts.save(d).await.expect("save a new draft");
    }
    for d in [&with_email, &without_email] {
        assert_eq!(
            stores.drafts.get(d.id).await,
            Ok(Some(d.clone())),
            "a draft read back must be the draft saved"
        );
    }
    let read = stores
        .drafts
        .get(with_email.id)
        .await
        .expect("get")
        .expect("the draft");
    assert_eq!(
        read.answers.values("pieces_concernees"),
        ["cuisine", "salle de bain", "séjour"],
        "the values of a checkbox group keep their order"
    );
}

/// Saving a draft again replaces its answers, step, e-mail, status,
/// signalement and dates; other drafts are untouched.
pub async fn drafts_save_again_updates(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let sent_as = case(&w.bdr.code, "2025-1", NOW);
    commit_cases(s, &[&sent_as]).await;
    let first = draft();
    let other = SignalementDraft {
        id: DraftId(uuid()),
        ..draft()
    };
    s.drafts.save(&first).await.expect("save");
    s.drafts.save(&other).await.expect("save the other draft");

    let mut answers = first.answers.clone();
    answers.set_one("nom_occupant", "Zoé Œillet");
    answers.remove("pieces_concernees");
    answers.push("pieces_concernees", "chambre");
    let edited = SignalementDraft {
        answers,
        current_step: "validation".to_string(),
        email: Some("zoe@exemple.fr".to_string()),
        updated_at: minutes(1),
        ..first.clone()
    };
    s.drafts.save(&edited).await.expect("save again");
    assert_eq!(
        s.drafts.get(first.id).await,
        Ok(Some(edited.clone())),
        "a second save replaces answers, step, e-mail and updated_at"
    );

    let sent = SignalementDraft {
        status: DraftStatus::Envoye,
        signalement_id: Some(sent_as.signalement.id),
        updated_at: minutes(2),
        ..edited
    };
    s.drafts.save(&sent).await.expect("save as sent");
    assert_eq!(s.drafts.get(first.id).await, Ok(Some(sent)));
    assert_eq!(
        s.drafts.get(other.id).await,
        Ok(Some(other)),
        "saving one draft leaves the others as they were"
    );
}

/// An id no draft has reads as `None`, not as an error.
pub async fn drafts_unknown_id_is_none(backend: &dyn Backend) {
    let stores = within("Backend::fresh", backend.fresh()).await;
    stores.drafts.save(&draft()).await.expect("save");
    assert_eq!(stores.drafts.get(DraftId(uuid())).await, Ok(None));
}

/// A transaction that saves drafts and is dropped without commit leaves
/// nothing: a new draft does not exist, an existing one is as it was.
pub async fn drafts_dropped_transaction_leaves_nothing(backend: &dyn Backend) {
    let stores = within("Backend::fresh", backend.fresh()).await;
    let existing = draft();
    stores.drafts.save(&existing).await.expect("save");

    let new = SignalementDraft {
        id: DraftId(uuid()),
        ..draft()
    };
    let changed = SignalementDraft {
        status: DraftStatus::Archive,
        current_step: "fin".to_string(),
        updated_at: minutes(3),
        ..existing.clone()
    };
    let mut tx = begin(&stores).await;
    tx.save_draft(&new)
        .await
        .expect("save_draft of a new draft");
    tx.save_draft(&changed)
        .await
        .expect("save_draft of an existing draft");
    drop(tx);

    assert_eq!(
        stores.drafts.get(new.id).await,
        Ok(None),
        "a draft saved in a dropped transaction must not exist"
    );
    assert_eq!(
        stores.drafts.get(existing.id).await,
        Ok(Some(existing)),
        "a change in a dropped transaction must not stay"
    );
    // Nothing lingers: the id can be saved afterwards.
    stores
        .drafts
        .save(&new)
        .await
        .expect("save after the rollback");
    assert_eq!(stores.drafts.get(new.id).await, Ok(Some(new)));
}

/// A draft saved in a transaction, beside the case it became, is visible
/// once committed (and not before, to readers outside).
pub async fn drafts_committed_save_draft_is_visible(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let in_progress = draft();
    s.drafts.save(&in_progress).await.expect("save");
    let new = case(&w.bdr.code, "2025-1", NOW);
    let sent = SignalementDraft {
        status: DraftStatus::Envoye,
        signalement_id: Some(new.signalement.id),
        updated_at: NOW,
        ..in_progress.clone()
    };
    let fresh = SignalementDraft {
        id: DraftId(uuid()),
        ..draft()
    };

    let mut tx = begin(s).await;
    tx.insert_case(&new).await.expect("insert_case");
    tx.save_draft(&sent).await.expect("save_draft");
    tx.save_draft(&fresh)
        .await
        .expect("save_draft of a new draft");
    assert_eq!(
        s.drafts.get(in_progress.id).await,
        Ok(Some(in_progress.clone())),
        "readers outside see the committed draft until commit"
    );
    assert_eq!(s.drafts.get(fresh.id).await, Ok(None));
    commit(tx).await;

    assert_eq!(s.drafts.get(in_progress.id).await, Ok(Some(sent)));
    assert_eq!(s.drafts.get(fresh.id).await, Ok(Some(fresh)));
}

/// An agent's drafts in progress are his, last changed first: not his
/// sent or archived ones, not another agent's, not the public form's. A
/// later save cannot hand a draft to someone else.
pub async fn drafts_in_progress_of_owner(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mine = |minutes_ago: i64, status: DraftStatus| SignalementDraft {
        id: DraftId(uuid()),
        status,
        created_by: Some(w.agent.id),
        updated_at: minutes(-minutes_ago),
        ..draft()
    };
    let older = mine(20, DraftStatus::EnCours);
    let newer = mine(2, DraftStatus::EnCours);
    let put_away = mine(1, DraftStatus::Archive);
    let of_rt = SignalementDraft {
        id: DraftId(uuid()),
        created_by: Some(w.rt.id),
        ..draft()
    };
    let public = draft();
    for d in [&older, &newer, &put_away, &of_rt, &public] {
        s.drafts.save(d).await.expect("save");
    }
    assert_eq!(
        s.drafts.in_progress_of(w.agent.id).await,
        Ok(vec![newer.clone(), older.clone()])
    );
    assert_eq!(s.drafts.in_progress_of(w.rt.id).await, Ok(vec![of_rt]));
    assert_eq!(s.drafts.in_progress_of(w.admin.id).await, Ok(Vec::new()));

    let handed = SignalementDraft {
        created_by: Some(w.admin.id),
        updated_at: minutes(3),
        ..older.clone()
    };
    s.drafts.save(&handed).await.expect("save again");
    let mut tx = begin(s).await;
    tx.save_draft(&SignalementDraft {
        created_by: None,
        ..newer.clone()
    })
    .await
    .expect("save_draft");
    commit(tx).await;
    assert_eq!(
        s.drafts
            .get(older.id)
            .await
            .expect("get")
            .map(|d| d.created_by),
        Some(Some(w.agent.id)),
        "the owner stays the one of the first save"
    );
    assert_eq!(
        s.drafts
            .get(newer.id)
            .await
            .expect("get")
            .map(|d| d.created_by),
        Some(Some(w.agent.id)),
        "a save in a transaction keeps the owner too"
    );
    assert_eq!(s.drafts.in_progress_of(w.admin.id).await, Ok(Vec::new()));
}
