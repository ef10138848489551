//! `FileRepository`: the metadata of documents and photos (the bytes are
//! the `FileStore`'s).

use histologe_core::enums::DocumentType;
use histologe_core::ids::FileId;

use crate::Backend;
use crate::fixtures::{case, days, file_meta, intervention, minutes, uuid};
use crate::support::{commit_cases, sorted, world};

/// A file read back is the file written; `of_signalement` gives the files
/// of one case; `delete` removes one file and no other.
pub async fn files_insert_get_list_delete(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut one = case(&w.bdr.code, "2025-1", days(-10));
    let visit = intervention(&one, &w.schs, days(-3));
    one.interventions.push(visit.clone());
    let other = case(&w.am.code, "2025-1", days(-9));
    commit_cases(s, &[&one, &other]).await;

    let photo = file_meta(&one, &w.agent, minutes(-60));
    let mut report = file_meta(&one, &w.agent, minutes(-30));
    report.intervention_id = Some(visit.id);
    report.storage_key = format!(
        "signalements/{}/rapport-{}.pdf",
        one.signalement.id, report.id
    );
    report.title = "Rapport de visite.pdf".to_string();
    report.extension = "pdf".to_string();
    report.mime_type = "application/pdf".to_string();
    report.size = 1_204_771;
    report.document_type = DocumentType::ProcedureRapportDeVisite;
    report.desordre_slug = None;
    report.is_visible_for_usager = false;
    let mut from_usager = file_meta(&other, &w.agent_caf, minutes(-10));
    from_usager.uploaded_by = None;
    from_usager.partner_id = None;
    for file in [&photo, &report, &from_usager] {
        s.files.insert(file).await.expect("insert");
    }

    for written in [&photo, &report, &from_usager] {
        assert_eq!(s.files.get(written.id).await, Ok(Some(written.clone())));
    }
    assert_eq!(s.files.get(FileId(uuid())).await, Ok(None));
    let listed = s
        .files
        .of_signalement(one.signalement.id)
        .await
        .expect("of_signalement");
    assert_eq!(
        sorted(&listed, |f| f.id),
        sorted(&[photo.id, report.id], |id| *id)
    );
    assert!(listed.contains(&report));

    s.files.delete(photo.id).await.expect("delete");
    assert_eq!(s.files.get(photo.id).await, Ok(None));
    assert_eq!(
        s.files.of_signalement(one.signalement.id).await,
        Ok(vec![report])
    );
    assert_eq!(
        s.files.of_signalement(other.signalement.id).await,
        Ok(vec![from_usager])
    );
}

/// `Transaction::delete_file`: a record deleted in a dropped transaction
/// is still there; deleted in a committed one, it is gone with the rest of
/// the transaction (its history entry), and the other files stay.
pub async fn files_deleted_in_a_transaction(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let one = case(&w.bdr.code, "2025-1", days(-10));
    commit_cases(s, &[&one]).await;
    let wrong = file_meta(&one, &w.agent, minutes(-60));
    let kept = file_meta(&one, &w.agent, minutes(-30));
    for file in [&wrong, &kept] {
        s.files.insert(file).await.expect("insert");
    }

    let mut tx = crate::support::begin(s).await;
    tx.delete_file(wrong.id).await.expect("delete_file");
    drop(tx);
    assert_eq!(s.files.get(wrong.id).await, Ok(Some(wrong.clone())));

    let mut tx = crate::support::begin(s).await;
    tx.delete_file(wrong.id).await.expect("delete_file");
    crate::support::commit(tx).await;
    assert_eq!(s.files.get(wrong.id).await, Ok(None));
    assert_eq!(s.files.get(kept.id).await, Ok(Some(kept)));
}
