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
