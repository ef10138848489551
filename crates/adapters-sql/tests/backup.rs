//! restore(backup(db)) equals db, table by table, on both engines and
//! across them (the embedded default's data can move to MariaDB).

mod support;

use histologe_adapters_sql::SqlStore;
use histologe_contract_tests::fixtures::{
    affectation, bouches_du_rhone, case, days, file_meta, history_entry, intervention, message,
    new_job, notification, rule, schs_marseille, user,
};
use histologe_core::enums::{AffectationStatus, PartnerType, Role};
use histologe_ports::{
    AutoAffectationRuleRepository, FileRepository, PartnerRepository, TerritoryRepository,
    UnitOfWork, UserRepository,
};

/// A little of everything: reference data, people, two cases with their
/// timeline, a rule, a file, jobs and counters.
async fn fill(store: &SqlStore) {
    let territory = bouches_du_rhone();
    store.upsert(&territory).await.expect("territory");
    let schs = schs_marseille(&territory);
    PartnerRepository::insert(store, &schs)
        .await
        .expect("partner");
    let agent = user("agent@schs-marseille.fr", Role::Agent, &[&schs]);
    UserRepository::insert(store, &agent).await.expect("user");
    AutoAffectationRuleRepository::insert(store, &rule(&territory, PartnerType::CommuneSchs))
        .await
        .expect("rule");
    let mut tx = store.begin().await.expect("begin");
    tx.max_reference_number(&territory.code, 2025)
        .await
        .expect("counter");
    let mut files = Vec::new();
    for (reference, at) in [("2025-1", days(-10)), ("2025-2", days(-3))] {
        let mut c = case(&territory.code, reference, at);
        c.affectations
            .push(affectation(&c, &schs, AffectationStatus::Accepted));
        c.interventions.push(intervention(&c, &schs, days(2)));
        c.subscribers.push(agent.id);
        tx.insert_case(&c).await.expect("case");
        tx.insert_suivi(&message(&c, &agent, at))
            .await
            .expect("suivi");
        tx.insert_notification(&notification(&c, &agent, at))
            .await
            .expect("notification");
        tx.append_history(&history_entry(&c, Some(&agent), at))
            .await
            .expect("history");
        tx.enqueue(&new_job(at, Some(reference)))
            .await
            .expect("job");
        files.push(file_meta(&c, &agent, at));
    }
    tx.commit().await.expect("commit");
    for file in &files {
        FileRepository::insert(store, file).await.expect("file");
    }
}

async fn round_trip(source: SqlStore, target: SqlStore) {
    fill(&source).await;
    let mut bytes = Vec::new();
    let saved = source.backup(&mut bytes).await.expect("backup");
    assert!(saved.rows > 10, "{saved:?}");
    assert_eq!(saved.stored_files, 2, "the manifest lists the stored files");
    let restored = target.restore(bytes.as_slice()).await.expect("restore");
    assert_eq!(restored, saved);
    let (before, after) = (
        source.dump().await.expect("dump"),
        target.dump().await.expect("dump"),
    );
    for ((table, rows), (_, restored_rows)) in before.iter().zip(&after) {
        assert_eq!(rows, restored_rows, "table {table} differs after restore");
    }
    // A second restore into a database that is no longer empty is refused.
    let mut again = Vec::new();
    source.backup(&mut again).await.expect("backup");
    assert!(target.restore(again.as_slice()).await.is_err());
}

#[tokio::test]
async fn sqlite_backup_restores_into_sqlite() {
    round_trip(support::sqlite_store().await, support::sqlite_store().await).await;
}

#[tokio::test]
async fn mariadb_backup_restores_into_mariadb() {
    if !support::mysql_available().await {
        return;
    }
    round_trip(support::mysql_store().await, support::mysql_store().await).await;
}

#[tokio::test]
async fn sqlite_backup_restores_into_mariadb() {
    if !support::mysql_available().await {
        return;
    }
    round_trip(support::sqlite_store().await, support::mysql_store().await).await;
}
