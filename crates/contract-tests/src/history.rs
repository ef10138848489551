//! `HistoryRepository`: the audit log of a case.

use histologe_core::enums::AffectationStatus;
use histologe_core::enums::HistoryEvent;
use histologe_core::ids::SignalementId;

use crate::Backend;
use crate::fixtures::{affectation, case, days, history_entry, minutes, uuid};
use crate::support::{begin, commit, commit_cases, world};

/// `of_signalement` gives the entries of a case and of its affectations,
/// oldest first whatever the order they were appended in, and no other
/// case's.
pub async fn history_of_signalement_oldest_first(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut one = case(&w.bdr.code, "2025-1", days(-2));
    let handed = affectation(&one, &w.schs, AffectationStatus::Wait);
    one.affectations.push(handed.clone());
    let other = case(&w.am.code, "2025-1", days(-1));
    commit_cases(s, &[&one, &other]).await;

    let mut created = history_entry(&one, None, minutes(-120));
    created.event = HistoryEvent::Create;
    created.changes = serde_json::json!({});
    let mut affected = history_entry(&one, Some(&w.rt), minutes(-60));
    affected.event = HistoryEvent::Create;
    affected.entity_name = "Affectation".to_string();
    affected.entity_id = handed.id.as_uuid();
    affected.changes = serde_json::json!({ "partner": [null, w.schs.nom] });
    let validated = history_entry(&one, Some(&w.rt), minutes(-30));
    let elsewhere = history_entry(&other, Some(&w.agent_caf), minutes(-90));
    let mut login = history_entry(&one, Some(&w.agent), minutes(-100));
    login.event = HistoryEvent::Login;
    login.entity_name = "User".to_string();
    login.entity_id = w.agent.id.as_uuid();
    login.signalement_id = None;
    login.changes = serde_json::json!({});

    let mut tx = begin(s).await;
    tx.append_history(&validated).await.expect("append_history");
    tx.append_history(&login).await.expect("append_history");
    tx.append_history(&created).await.expect("append_history");
    tx.append_history(&elsewhere).await.expect("append_history");
    commit(tx).await;
    let mut tx = begin(s).await;
    tx.append_history(&affected).await.expect("append_history");
    commit(tx).await;

    assert_eq!(
        s.history.of_signalement(one.signalement.id).await,
        Ok(vec![created, affected, validated])
    );
    assert_eq!(
        s.history.of_signalement(other.signalement.id).await,
        Ok(vec![elsewhere])
    );
    assert_eq!(
        s.history.of_signalement(SignalementId(uuid())).await,
        Ok(Vec::new())
    );
}

/// `names_of` names tags, partners and users in one read, leaves unknown
/// ids out, and takes an empty list.
pub async fn history_names_of_tags_partners_and_users(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let tag = histologe_core::model::Tag {
        id: histologe_core::ids::TagId(uuid()),
        territory: w.bdr.code.clone(),
        label: "Péril imminent".to_string(),
        is_archive: false,
    };
    s.tags.insert(&tag).await.expect("tag");
    let unknown = uuid();
    let mut names = s
        .history
        .names_of(&[w.schs.id.as_uuid(), unknown, tag.id.0, w.agent.id.as_uuid()])
        .await
        .expect("names_of");
    names.sort();
    let mut expected = vec![
        (w.schs.id.as_uuid(), w.schs.nom.clone()),
        (tag.id.0, "Péril imminent".to_string()),
        (
            w.agent.id.as_uuid(),
            format!("{} {}", w.agent.prenom, w.agent.nom),
        ),
    ];
    expected.sort();
    assert_eq!(names, expected, "each known id once, unknown ones left out");
    assert_eq!(s.history.names_of(&[]).await, Ok(Vec::new()));
}
