//! The administration's writes in a transaction (`Transaction::
//! insert_partner`, `update_partner`, `update_territory`, `insert_rule`,
//! `update_rule`): each commits with the audit entry it writes, or not at
//! all; and `HistoryRepository::of_entity` reads those entries back.

use histologe_core::enums::{HistoryEvent, PartnerType, Qualification};
use histologe_core::ids::{AutoAffectationRuleId, HistoryEntryId};
use histologe_core::model::{HistoryEntry, Partner, RuleStatus, Secret};
use histologe_ports::RepoError;

use crate::Backend;
use crate::fixtures::{case, code, days, history_entry, minutes, partner, rule, territory, uuid};
use crate::support::{
    begin, canonical_partner, canonical_rule, canonical_territory, commit, commit_cases, world,
};

/// An audit entry of `entity_id` outside any case, at `minutes` from NOW.
fn admin_entry(entity_name: &str, entity_id: uuid::Uuid, at: i64) -> HistoryEntry {
    HistoryEntry {
        id: HistoryEntryId(uuid()),
        event: HistoryEvent::Update,
        entity_name: entity_name.to_string(),
        entity_id,
        changes: serde_json::json!({ "nom": ["avant", "après"] }),
        signalement_id: None,
        user_id: None,
        created_at: minutes(at),
    }
}

fn is_duplicate(result: &Result<(), RepoError>) -> bool {
    matches!(result, Err(RepoError::Duplicate(_)))
}

fn is_not_found(result: &Result<(), RepoError>) -> bool {
    matches!(result, Err(RepoError::NotFound(_)))
}

/// A new partner, a changed partner (its token too), a closed territory,
/// a new rule and an archived one, with their audit entries, all visible
/// once committed, every field as written.
pub async fn administration_writes_commit_with_their_history(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut new = partner(
        &w.bdr,
        "CCAS de Marseille",
        PartnerType::Ccas,
        Some("ccas@marseille.fr"),
    );
    new.competences = vec![Qualification::AccompagnementSocial];
    new.insee = vec!["13201".into(), "13202".into()];
    let mut changed = w.schs.clone();
    changed.nom = "SCHS de Marseille".into();
    changed.interconnection.esabora_token = Some(Secret::new("nouveau-jeton"));
    changed.interconnection.idoss_active = false;
    let mut closed = w.bdr.clone();
    closed.is_active = false;
    closed.authorized_insee = vec!["13202".into(), "13201".into()];
    let fresh = rule(&w.bdr, PartnerType::Ccas);
    let mut archived = rule(&w.bdr, PartnerType::Ars);
    s.rules.insert(&archived).await.expect("a rule to archive");
    archived.status = RuleStatus::Archived;
    archived.insee_to_exclude = vec!["13055".into()];
    let entries = [
        admin_entry("Partner", new.id.0, -3),
        admin_entry("Partner", changed.id.0, -2),
        admin_entry("AutoAffectationRule", archived.id.0, -1),
    ];

    let mut tx = begin(s).await;
    tx.insert_partner(&new).await.expect("insert_partner");
    tx.update_partner(&changed).await.expect("update_partner");
    tx.update_territory(&closed)
        .await
        .expect("update_territory");
    tx.insert_rule(&fresh).await.expect("insert_rule");
    tx.update_rule(&archived).await.expect("update_rule");
    for entry in &entries {
        tx.append_history(entry).await.expect("append_history");
    }
    commit(tx).await;

    for written in [&new, &changed] {
        let read = s.partners.get(written.id).await.expect("get");
        assert_eq!(
            read.as_ref().map(canonical_partner),
            Some(canonical_partner(written))
        );
    }
    let listed: Vec<_> = s
        .partners
        .of_territory(&w.bdr.code)
        .await
        .expect("of_territory")
        .iter()
        .map(|p| p.id)
        .collect();
    assert!(listed.contains(&new.id), "the new partner is listed");
    let read = s.territories.get(&closed.code).await.expect("get");
    assert_eq!(
        read.as_ref().map(canonical_territory),
        Some(canonical_territory(&closed))
    );
    let active = s.rules.active(&w.bdr.code).await.expect("active");
    assert_eq!(
        active.iter().map(canonical_rule).collect::<Vec<_>>(),
        vec![canonical_rule(&fresh)],
        "the archived rule no longer runs"
    );
    assert_eq!(
        s.rules
            .get(archived.id)
            .await
            .expect("get")
            .as_ref()
            .map(canonical_rule),
        Some(canonical_rule(&archived))
    );
    assert_eq!(
        s.history.of_entity(new.id.0).await,
        Ok(vec![entries[0].clone()])
    );
    assert_eq!(
        s.history.of_entity(archived.id.0).await,
        Ok(vec![entries[2].clone()])
    );
}

/// Dropped without `commit`, none of those writes nor their audit entries
/// remain.
pub async fn administration_dropped_transaction_leaves_nothing(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let new = partner(&w.bdr, "CCAS de Marseille", PartnerType::Ccas, None);
    let mut changed = w.schs.clone();
    changed.nom = "Nom jamais enregistré".into();
    let mut closed = w.bdr.clone();
    closed.is_active = false;
    let fresh = rule(&w.bdr, PartnerType::Ccas);
    let entry = admin_entry("Partner", new.id.0, 0);

    let mut tx = begin(s).await;
    tx.insert_partner(&new).await.expect("insert_partner");
    tx.update_partner(&changed).await.expect("update_partner");
    tx.update_territory(&closed)
        .await
        .expect("update_territory");
    tx.insert_rule(&fresh).await.expect("insert_rule");
    tx.append_history(&entry).await.expect("append_history");
    drop(tx);

    assert_eq!(s.partners.get(new.id).await, Ok(None));
    assert_eq!(
        s.partners
            .get(w.schs.id)
            .await
            .expect("get")
            .map(|p| canonical_partner(&p)),
        Some(canonical_partner(&w.schs))
    );
    assert_eq!(
        s.territories
            .get(&w.bdr.code)
            .await
            .expect("get")
            .map(|t| t.is_active),
        Some(true)
    );
    assert_eq!(s.rules.get(fresh.id).await, Ok(None));
    assert_eq!(s.history.of_entity(new.id.0).await, Ok(Vec::new()));
}

/// A generic e-mail taken by a live partner of the territory (whatever
/// its case) is refused, an archived partner's is free, another
/// territory's does not count; unknown partners, territories and rules
/// are `NotFound`, a taken rule id `Duplicate`.
pub async fn administration_refuses_duplicates_and_unknowns(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let try_partner = |p: Partner, insert: bool| async move {
        let mut tx = begin(s).await;
        let result = if insert {
            tx.insert_partner(&p).await
        } else {
            tx.update_partner(&p).await
        };
        if result.is_ok() {
            commit(tx).await;
        }
        result
    };
    let same_mail = partner(
        &w.bdr,
        "Autre service",
        PartnerType::Autre,
        Some("SCHS@Marseille.fr"),
    );
    assert!(is_duplicate(&try_partner(same_mail.clone(), true).await));
    let mut ars_takes_it = w.ars.clone();
    ars_takes_it.email = Some("schs@marseille.fr".into());
    assert!(is_duplicate(&try_partner(ars_takes_it, false).await));
    let elsewhere = partner(
        &w.am,
        "Service de Nice",
        PartnerType::Autre,
        Some("schs@marseille.fr"),
    );
    assert_eq!(try_partner(elsewhere, true).await, Ok(()));
    let mut archived_schs = w.schs.clone();
    archived_schs.is_archive = true;
    assert_eq!(try_partner(archived_schs, false).await, Ok(()));
    assert_eq!(
        try_partner(same_mail, true).await,
        Ok(()),
        "an archived partner's mailbox is free again"
    );
    let unknown = partner(&w.bdr, "Inconnu", PartnerType::Autre, None);
    assert!(is_not_found(&try_partner(unknown, false).await));

    let mut tx = begin(s).await;
    assert!(is_not_found(
        &tx.update_territory(&territory("2A", "Corse-du-Sud")).await
    ));
    drop(tx);
    let existing = rule(&w.bdr, PartnerType::Ars);
    s.rules.insert(&existing).await.expect("insert");
    let mut tx = begin(s).await;
    assert!(is_duplicate(&tx.insert_rule(&existing).await));
    drop(tx);
    let mut tx = begin(s).await;
    let mut ghost = rule(&w.bdr, PartnerType::Adil);
    ghost.id = AutoAffectationRuleId(uuid());
    assert!(is_not_found(&tx.update_rule(&ghost).await));
    drop(tx);
    assert_eq!(
        s.territories.get(&code("2A")).await,
        Ok(None),
        "update_territory creates nothing"
    );
}

/// `of_entity` gives an entity's entries outside any case, oldest first,
/// and neither a case's entries nor another entity's.
pub async fn administration_history_of_entity_is_that_entity_outside_cases(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let one = case(&w.bdr.code, "2025-1", days(-1));
    commit_cases(s, &[&one]).await;
    let later = admin_entry("Partner", w.schs.id.0, -1);
    let earlier = admin_entry("Partner", w.schs.id.0, -5);
    let other = admin_entry("Partner", w.ars.id.0, -3);
    // An entry of a case that happens to name the partner.
    let mut in_case = history_entry(&one, Some(&w.rt), minutes(-2));
    in_case.entity_name = "Partner".into();
    in_case.entity_id = w.schs.id.0;
    let mut tx = begin(s).await;
    for entry in [&later, &other, &in_case, &earlier] {
        tx.append_history(entry).await.expect("append_history");
    }
    commit(tx).await;
    assert_eq!(
        s.history.of_entity(w.schs.id.0).await,
        Ok(vec![earlier, later])
    );
    assert_eq!(s.history.of_entity(w.ars.id.0).await, Ok(vec![other]));
    assert_eq!(s.history.of_entity(uuid()).await, Ok(Vec::new()));
}
