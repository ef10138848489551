//! Migrations are reversible: down to zero then up again gives the same
//! schema, on both engines.

mod support;

use histologe_adapters_sql::SqlStore;

async fn down_to_zero_and_up_again(store: SqlStore) {
    let migrated = store.schema().await.expect("schema");
    assert!(
        migrated.contains("signalements"),
        "the schema has the signalements table"
    );
    let applied = store.applied_migrations().await.expect("applied");
    assert!(!applied.is_empty());

    store
        .migrate_down(applied.len())
        .await
        .expect("down to zero");
    assert!(
        store
            .applied_migrations()
            .await
            .expect("applied")
            .is_empty()
    );
    let empty = store.schema().await.expect("schema");
    assert!(
        !empty.contains("signalements"),
        "every table is gone: {empty}"
    );

    store.migrate().await.expect("up again");
    assert_eq!(store.schema().await.expect("schema"), migrated);
}

#[tokio::test]
async fn sqlite_migrations_go_down_to_zero_and_up_to_the_same_schema() {
    down_to_zero_and_up_again(support::sqlite_store().await).await;
}

#[tokio::test]
async fn mariadb_migrations_go_down_to_zero_and_up_to_the_same_schema() {
    if !support::mysql_available().await {
        return;
    }
    down_to_zero_and_up_again(support::mysql_store().await).await;
}

/// Migration 2 copies each case's creation date and listed flag onto its
/// affectations: a database filled before it lists its partners' cases
/// exactly as one filled after.
async fn partner_list_survives_migration_2(store: SqlStore) {
    use histologe_contract_tests::fixtures::{
        affectation, bouches_du_rhone, case, days, schs_marseille,
    };
    use histologe_core::enums::{AffectationStatus, SignalementStatus};
    use histologe_core::policy::ListScope;
    use histologe_ports::{
        PartnerRepository, SignalementFilter, SignalementRepository, TerritoryRepository,
        UnitOfWork,
    };

    let territory = bouches_du_rhone();
    store.upsert(&territory).await.expect("territory");
    let schs = schs_marseille(&territory);
    PartnerRepository::insert(&store, &schs)
        .await
        .expect("partner");
    let mut tx = store.begin().await.expect("begin");
    let mut shown = case(&territory.code, "2025-1", days(-10));
    shown
        .affectations
        .push(affectation(&shown, &schs, AffectationStatus::Accepted));
    let mut archived = case(&territory.code, "2025-2", days(-5));
    archived.signalement.status = SignalementStatus::Archived;
    archived
        .affectations
        .push(affectation(&archived, &schs, AffectationStatus::Accepted));
    tx.insert_case(&shown).await.expect("case");
    tx.insert_case(&archived).await.expect("case");
    tx.commit().await.expect("commit");

    // Back to the schema before migration 2 (its columns dropped), then up.
    store.migrate_down(1).await.expect("down one");
    store.migrate().await.expect("up again");

    let filter = SignalementFilter {
        created_after: Some(days(-30)),
        ..SignalementFilter::default()
    };
    let page = store
        .list(&ListScope::Partners(vec![schs.id]), &filter, 0, 50)
        .await
        .expect("list");
    let ids: Vec<_> = page.items.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        vec![shown.signalement.id],
        "dates copied, archived case hidden"
    );
    assert_eq!(page.total, 1);
}

#[tokio::test]
async fn sqlite_migration_2_fills_the_partner_list_columns() {
    partner_list_survives_migration_2(support::sqlite_store().await).await;
}

#[tokio::test]
async fn mariadb_migration_2_fills_the_partner_list_columns() {
    if !support::mysql_available().await {
        return;
    }
    partner_list_survives_migration_2(support::mysql_store().await).await;
}
