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

/// Migration 6 fills the list's filter columns of the cases already
/// there: postal code, commune, score, last suivi and the usager's
/// request to stop are filtered on as soon as it has run.
async fn list_filters_survive_migration_6(store: SqlStore) {
    use histologe_contract_tests::fixtures::{bouches_du_rhone, case, days, suivi};
    use histologe_core::enums::SignalementStatus;
    use histologe_core::policy::ListScope;
    use histologe_ports::{
        SignalementFilter, SignalementRepository, TerritoryRepository, UnitOfWork,
    };

    let territory = bouches_du_rhone();
    store.upsert(&territory).await.expect("territory");
    let mut tx = store.begin().await.expect("begin");
    let mut stale = case(&territory.code, "2025-1", days(-60));
    stale.signalement.status = SignalementStatus::Active;
    stale.signalement.score = 64.5;
    stale.signalement.is_usager_abandon_procedure = true;
    let mut recent = case(&territory.code, "2025-2", days(-60));
    recent.signalement.status = SignalementStatus::Active;
    recent.signalement.adresse.code_postal = "13100".into();
    recent.signalement.adresse.ville = "Aix-en-Provence".into();
    recent.signalement.score = 12.0;
    tx.insert_case(&stale).await.expect("case");
    tx.insert_case(&recent).await.expect("case");
    tx.insert_suivi(&suivi(&recent, days(-1)))
        .await
        .expect("suivi");
    tx.commit().await.expect("commit");

    // Back to the schema before migration 6, then up.
    let applied = store.applied_migrations().await.expect("applied");
    let since_6 = applied.iter().filter(|v| **v >= 20261202000006).count();
    store.migrate_down(since_6).await.expect("down to 5");
    store.migrate().await.expect("up again");

    let ids = |filter: SignalementFilter| {
        let store = store.clone();
        async move {
            store
                .list(&ListScope::All, &filter, 0, 10)
                .await
                .expect("list")
                .items
                .into_iter()
                .map(|s| s.id)
                .collect::<Vec<_>>()
        }
    };
    let (stale, recent) = (stale.signalement.id, recent.signalement.id);
    for (filter, expected) in [
        (
            SignalementFilter {
                commune: Some("13100".into()),
                ..SignalementFilter::default()
            },
            vec![recent],
        ),
        (
            SignalementFilter {
                commune: Some("Marseille".into()),
                ..SignalementFilter::default()
            },
            vec![stale],
        ),
        (
            SignalementFilter {
                score_min: Some(60),
                ..SignalementFilter::default()
            },
            vec![stale],
        ),
        (
            SignalementFilter {
                abandon_requested: true,
                ..SignalementFilter::default()
            },
            vec![stale],
        ),
        (
            SignalementFilter {
                no_suivi_since: Some(days(-30)),
                ..SignalementFilter::default()
            },
            vec![stale],
        ),
    ] {
        assert_eq!(ids(filter.clone()).await, expected, "{filter:?}");
    }
}

#[tokio::test]
async fn sqlite_migration_6_fills_the_list_filter_columns() {
    list_filters_survive_migration_6(support::sqlite_store().await).await;
}

#[tokio::test]
async fn mariadb_migration_6_fills_the_list_filter_columns() {
    if !support::mysql_available().await {
        return;
    }
    list_filters_survive_migration_6(support::mysql_store().await).await;
}

/// Migration 9 copies each case's geolocation into the map's columns: a
/// case filed before it shows on the map (west longitudes included), a
/// case without a geolocation does not.
async fn map_bounds_survive_migration_9(store: SqlStore) {
    use histologe_contract_tests::fixtures::{bouches_du_rhone, case, days};
    use histologe_core::enums::SignalementStatus;
    use histologe_core::model::GeoPoint;
    use histologe_core::policy::ListScope;
    use histologe_ports::{
        GeoBounds, SignalementFilter, SignalementRepository, TerritoryRepository, UnitOfWork,
    };

    let territory = bouches_du_rhone();
    store.upsert(&territory).await.expect("territory");
    let mut tx = store.begin().await.expect("begin");
    let mut marseille = case(&territory.code, "2025-1", days(-20));
    marseille.signalement.status = SignalementStatus::Active;
    marseille.signalement.adresse.geoloc = Some(GeoPoint {
        lat: 43.296_482,
        lng: 5.369_78,
    });
    let mut bordeaux = case(&territory.code, "2025-2", days(-10));
    bordeaux.signalement.status = SignalementStatus::Active;
    bordeaux.signalement.adresse.geoloc = Some(GeoPoint {
        lat: 44.837_789,
        lng: -0.579_18,
    });
    let mut nowhere = case(&territory.code, "2025-3", days(-5));
    nowhere.signalement.status = SignalementStatus::Active;
    nowhere.signalement.adresse.geoloc = None;
    for c in [&marseille, &bordeaux, &nowhere] {
        tx.insert_case(c).await.expect("case");
    }
    tx.commit().await.expect("commit");

    // Back to the schema before migration 9, then up.
    let applied = store.applied_migrations().await.expect("applied");
    let since_9 = applied.iter().filter(|v| **v >= 20261203000009).count();
    store.migrate_down(since_9).await.expect("down to 8");
    store.migrate().await.expect("up again");

    let ids = |west: f64, south: f64, east: f64, north: f64| {
        let store = store.clone();
        async move {
            let filter = SignalementFilter {
                within: Some(GeoBounds {
                    west,
                    south,
                    east,
                    north,
                }),
                ..SignalementFilter::default()
            };
            store
                .list(&ListScope::All, &filter, 0, 10)
                .await
                .expect("list")
                .items
                .into_iter()
                .map(|s| s.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        ids(-180.0, -90.0, 180.0, 90.0).await,
        vec![bordeaux.signalement.id, marseille.signalement.id],
        "the case without a geolocation is not on the map"
    );
    assert_eq!(
        ids(5.369_78, 43.296_482, 5.4, 43.3).await,
        vec![marseille.signalement.id],
        "on the south-west corner, to the millionth"
    );
    assert_eq!(
        ids(-1.0, 44.0, 0.0, 45.0).await,
        vec![bordeaux.signalement.id]
    );
}

#[tokio::test]
async fn sqlite_migration_9_fills_the_map_columns() {
    map_bounds_survive_migration_9(support::sqlite_store().await).await;
}

#[tokio::test]
async fn mariadb_migration_9_fills_the_map_columns() {
    if !support::mysql_available().await {
        return;
    }
    map_bounds_survive_migration_9(support::mysql_store().await).await;
}

/// Cases stored before migration 13 get their étiquettes column from their
/// stored data: after going down and up again, the étiquette filter finds
/// them (one, several or no étiquette).
async fn tags_survive_migration_13(store: SqlStore) {
    use histologe_contract_tests::fixtures::{bouches_du_rhone, case, days, uuid};
    use histologe_core::enums::SignalementStatus;
    use histologe_core::ids::TagId;
    use histologe_core::policy::ListScope;
    use histologe_ports::{
        SignalementFilter, SignalementRepository, TerritoryRepository, UnitOfWork,
    };

    let territory = bouches_du_rhone();
    store.upsert(&territory).await.expect("territory");
    let (peril, bailleur) = (TagId(uuid()), TagId(uuid()));
    let mut tx = store.begin().await.expect("begin");
    let mut one = case(&territory.code, "2025-1", days(-20));
    one.signalement.status = SignalementStatus::Active;
    one.signalement.tags = vec![peril];
    let mut two = case(&territory.code, "2025-2", days(-10));
    two.signalement.status = SignalementStatus::Active;
    two.signalement.tags = vec![bailleur, peril];
    let mut none = case(&territory.code, "2025-3", days(-5));
    none.signalement.status = SignalementStatus::Active;
    for c in [&one, &two, &none] {
        tx.insert_case(c).await.expect("case");
    }
    tx.commit().await.expect("commit");

    let applied = store.applied_migrations().await.expect("applied");
    let since_13 = applied.iter().filter(|v| **v >= 20261203000013).count();
    store.migrate_down(since_13).await.expect("down to 12");
    store.migrate().await.expect("up again");

    let ids = |tag: TagId| {
        let store = store.clone();
        async move {
            let filter = SignalementFilter {
                tag: Some(tag),
                ..SignalementFilter::default()
            };
            let mut ids: Vec<_> = store
                .list(&ListScope::All, &filter, 0, 10)
                .await
                .expect("list")
                .items
                .into_iter()
                .map(|s| s.id)
                .collect();
            ids.sort();
            ids
        }
    };
    let mut both = vec![one.signalement.id, two.signalement.id];
    both.sort();
    assert_eq!(ids(peril).await, both);
    assert_eq!(ids(bailleur).await, vec![two.signalement.id]);
    assert_eq!(ids(TagId(uuid())).await, Vec::new());
}

#[tokio::test]
async fn sqlite_migration_13_fills_the_tags_column() {
    tags_survive_migration_13(support::sqlite_store().await).await;
}

#[tokio::test]
async fn mariadb_migration_13_fills_the_tags_column() {
    if !support::mysql_available().await {
        return;
    }
    tags_survive_migration_13(support::mysql_store().await).await;
}

/// Migration 14 copies each account's status, creation and last login
/// out of `data`, so that the scheduled jobs find the accounts written
/// before it.
async fn accounts_survive_migration_14(store: SqlStore) {
    use histologe_contract_tests::fixtures::{days, user};
    use histologe_core::enums::{Role, UserStatus};
    use histologe_core::model::User;
    use histologe_ports::UserRepository;

    let away = User {
        last_login_at: Some(days(-400)),
        ..user("parti@marseille.fr", Role::Agent, &[])
    };
    let never_activated = User {
        status: UserStatus::Inactive,
        last_login_at: None,
        created_at: days(-20),
        ..user("jamais@marseille.fr", Role::Agent, &[])
    };
    let recent = user("present@marseille.fr", Role::Agent, &[]);
    for u in [&away, &never_activated, &recent] {
        store.insert(u).await.expect("user");
    }

    let applied = store.applied_migrations().await.expect("applied");
    let since_14 = applied.iter().filter(|v| **v >= 20261207000014).count();
    store.migrate_down(since_14).await.expect("down to 13");
    store.migrate().await.expect("up again");

    let unused = store
        .inactive_to_notify(days(-365), 10)
        .await
        .expect("inactive_to_notify");
    assert_eq!(
        unused.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![away.id]
    );
    let to_remind = store
        .unactivated_to_remind(days(-10), days(-10), 10)
        .await
        .expect("unactivated_to_remind");
    assert_eq!(
        to_remind.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![never_activated.id]
    );
}

#[tokio::test]
async fn sqlite_migration_14_fills_the_account_columns() {
    accounts_survive_migration_14(support::sqlite_store().await).await;
}

#[tokio::test]
async fn mariadb_migration_14_fills_the_account_columns() {
    if !support::mysql_available().await {
        return;
    }
    accounts_survive_migration_14(support::mysql_store().await).await;
}

/// During a rolling deploy a binary older than migration 14 still inserts
/// accounts without its columns (`status` '', `created_at` 0): such an
/// account, created today, is never taken as unused for a year nor as
/// never activated; once written by a new binary it is judged on its dates.
async fn accounts_inserted_by_an_older_binary_are_not_inactive(store: SqlStore, url: &str) {
    use histologe_contract_tests::fixtures::{NOW, days, user};
    use histologe_core::enums::{Role, UserStatus};
    use histologe_core::model::User;
    use histologe_ports::UserRepository;

    let fresh = User {
        status: UserStatus::Inactive,
        last_login_at: None,
        created_at: NOW,
        ..user("nouveau@marseille.fr", Role::Agent, &[])
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.expect("plain connection");
    sqlx::query("INSERT INTO users (id, email, role, data) VALUES (?, ?, ?, ?)")
        .bind(fresh.id.to_string())
        .bind(fresh.email.clone())
        .bind(fresh.role.as_str())
        .bind(serde_json::to_string(&fresh).expect("json"))
        .execute(&pool)
        .await
        .expect("insert as before migration 14");
    pool.close().await;

    assert!(
        store
            .inactive_to_notify(days(-365), 10)
            .await
            .expect("inactive_to_notify")
            .is_empty(),
        "an account created today is not unused for a year"
    );
    assert!(
        store
            .unactivated_to_remind(days(-10), days(-10), 10)
            .await
            .expect("unactivated_to_remind")
            .is_empty()
    );
    // Written again by a new binary: its real dates count.
    let old = User {
        created_at: days(-20),
        ..fresh.clone()
    };
    store.update(&old).await.expect("update");
    assert_eq!(
        store
            .unactivated_to_remind(days(-10), days(-10), 10)
            .await
            .expect("unactivated_to_remind")
            .iter()
            .map(|u| u.id)
            .collect::<Vec<_>>(),
        vec![fresh.id]
    );
}

#[tokio::test]
async fn sqlite_accounts_inserted_by_an_older_binary_are_not_inactive() {
    let (store, url) = support::sqlite_store_and_url().await;
    accounts_inserted_by_an_older_binary_are_not_inactive(store, &url).await;
}

#[tokio::test]
async fn mariadb_accounts_inserted_by_an_older_binary_are_not_inactive() {
    if !support::mysql_available().await {
        return;
    }
    let (store, url) = support::mysql_store_and_url().await;
    accounts_inserted_by_an_older_binary_are_not_inactive(store, &url).await;
}

/// Migration 51 computes the date of each case's next request for news
/// from its suivis: the last public one (internal notes do not count),
/// the requests since it. Never later than the rule (at most a day early).
async fn feedback_due_survives_migration_51(store: SqlStore) {
    use histologe_contract_tests::fixtures::{NOW, bouches_du_rhone, case, days, suivi};
    use histologe_core::enums::{SignalementStatus, SuiviCategory};
    use histologe_core::model::{Case, Suivi};
    use histologe_ports::{SignalementRepository, TerritoryRepository, UnitOfWork};

    let territory = bouches_du_rhone();
    store.upsert(&territory).await.expect("territory");
    let at = |c: &Case, d: i64, public: bool, category| Suivi {
        is_visible_for_usager: public,
        category,
        ..suivi(c, days(d))
    };
    let active = |reference: &str, public: i64, asked: &[i64]| {
        let mut c = case(&territory.code, reference, days(-800));
        c.signalement.status = SignalementStatus::Active;
        c.suivis
            .push(at(&c, public, true, SuiviCategory::MessagePartner));
        for d in asked {
            c.suivis
                .push(at(&c, *d, false, SuiviCategory::AskFeedbackSent));
        }
        c
    };
    let mut quiet = active("2025-1", -46, &[]);
    quiet
        .suivis
        .push(at(&quiet, -1, false, SuiviCategory::MessagePartner));
    let overdue = active("2025-2", -400, &[-300, -270, -240, -100]);
    let looping = active("2025-3", -400, &[-300, -270, -240, -10]);
    let mut imported = active("2025-4", -100, &[]);
    imported.signalement.is_imported = true;
    let mut tx = store.begin().await.expect("begin");
    for c in [&quiet, &overdue, &looping, &imported] {
        tx.insert_case(c).await.expect("case");
    }
    tx.commit().await.expect("commit");

    let applied = store.applied_migrations().await.expect("applied");
    let since_51 = applied.iter().filter(|v| **v >= 20261207000051).count();
    store.migrate_down(since_51).await.expect("down to 50");
    store.migrate().await.expect("up again");

    assert_eq!(
        store.feedback_due(NOW, 10).await.expect("feedback_due"),
        vec![overdue.signalement.id, quiet.signalement.id]
    );
}

#[tokio::test]
async fn sqlite_migration_51_fills_the_feedback_column() {
    feedback_due_survives_migration_51(support::sqlite_store().await).await;
}

#[tokio::test]
async fn mariadb_migration_51_fills_the_feedback_column() {
    if !support::mysql_available().await {
        return;
    }
    feedback_due_survives_migration_51(support::mysql_store().await).await;
}

/// Migration 55 copies into columns what the statistics and the
/// dashboard read from each case's JSON and affectations: a case written
/// before it counts in the figures exactly as one written after (dates to
/// the second), and « fermé par tous les partenaires » finds it.
async fn statistics_columns_survive_migration_55(store: SqlStore) {
    use histologe_contract_tests::fixtures::{
        affectation, bouches_du_rhone, case, days, partner, qualification, schs_marseille,
    };
    use histologe_core::enums::{
        AffectationStatus, PartnerType, Qualification, QualificationStatus, SignalementStatus,
    };
    use histologe_core::policy::ListScope;
    use histologe_ports::{
        PartnerRepository, SignalementFilter, SignalementRepository, StatisticsRepository,
        StatsFilter, StatsRow, TerritoryRepository, UnitOfWork,
    };

    let territory = bouches_du_rhone();
    store.upsert(&territory).await.expect("territory");
    let schs = schs_marseille(&territory);
    let ars = partner(&territory, "ARS 13", PartnerType::Ars, None);
    for p in [&schs, &ars] {
        PartnerRepository::insert(&store, p).await.expect("partner");
    }
    let mut closed = case(&territory.code, "2025-1", days(-50));
    closed.signalement.status = SignalementStatus::Active;
    closed.signalement.validated_at = Some(days(-49));
    closed.signalement.closed_at = Some(days(-3));
    closed.signalement.desordre_precisions = vec![
        "desordres_logement_humidite_piece_a_vivre".into(),
        "desordres_batiment_isolation_murs".into(),
    ];
    closed.qualifications = vec![qualification(
        Qualification::Insalubrite,
        QualificationStatus::InsalubriteCheck,
    )];
    let mut first = affectation(&closed, &schs, AffectationStatus::Closed);
    first.answered_at = Some(days(-45));
    let mut refused = affectation(&closed, &ars, AffectationStatus::Refused);
    refused.answered_at = Some(days(-47));
    closed.affectations = vec![first, refused];
    let mut waiting = case(&territory.code, "2025-2", days(-20));
    waiting.signalement.status = SignalementStatus::Active;
    waiting.affectations = vec![affectation(&waiting, &ars, AffectationStatus::Wait)];
    let mut tx = store.begin().await.expect("begin");
    for c in [&closed, &waiting] {
        tx.insert_case(c).await.expect("case");
    }
    tx.commit().await.expect("commit");

    let applied = store.applied_migrations().await.expect("applied");
    let since_55 = applied.iter().filter(|v| **v >= 20261208000055).count();
    store.migrate_down(since_55).await.expect("down to 54");
    store.migrate().await.expect("up again");

    let mut rows = store
        .statistics_rows(&ListScope::All, &StatsFilter::default())
        .await
        .expect("rows");
    rows.sort_by_key(|r| r.created_at);
    assert_eq!(
        rows,
        vec![
            StatsRow {
                created_at: days(-50),
                status: SignalementStatus::Active,
                validated_at: Some(days(-49)),
                closed_at: Some(days(-3)),
                first_accepted_at: Some(days(-45)),
                desordre_precisions: closed.signalement.desordre_precisions.clone(),
                qualifications: vec![Qualification::Insalubrite],
            },
            StatsRow {
                created_at: days(-20),
                status: SignalementStatus::Active,
                validated_at: None,
                closed_at: None,
                first_accepted_at: None,
                desordre_precisions: waiting.signalement.desordre_precisions.clone(),
                qualifications: Vec::new(),
            },
        ]
    );
    let listed = store
        .list(
            &ListScope::All,
            &SignalementFilter {
                closed_by_all_partners: true,
                ..SignalementFilter::default()
            },
            0,
            10,
        )
        .await
        .expect("list");
    assert_eq!(
        listed.items.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![closed.signalement.id]
    );
}

#[tokio::test]
async fn sqlite_migration_55_fills_the_statistics_columns() {
    statistics_columns_survive_migration_55(support::sqlite_store().await).await;
}

#[tokio::test]
async fn mariadb_migration_55_fills_the_statistics_columns() {
    if !support::mysql_available().await {
        return;
    }
    statistics_columns_survive_migration_55(support::mysql_store().await).await;
}

/// Migration 56 adds the address key of « même adresse »; `migrate`
/// computes it for the cases written before (accents folded as in Rust),
/// so an older case is found at the same address, written otherwise.
async fn address_keys_survive_migration_56(store: SqlStore) {
    use histologe_contract_tests::fixtures::{bouches_du_rhone, case, days};
    use histologe_core::policy::ListScope;
    use histologe_ports::{SignalementRepository, TerritoryRepository, UnitOfWork};

    let territory = bouches_du_rhone();
    store.upsert(&territory).await.expect("territory");
    let at = |reference: &str, adresse: &str| {
        let mut c = case(&territory.code, reference, days(-10));
        c.signalement.adresse.adresse = adresse.into();
        c.signalement.adresse.insee = Some("13201".into());
        c
    };
    let older = at("2025-1", "12, Rue de l'Église");
    let newer = at("2025-2", "12 rue de l eglise");
    let other = at("2025-3", "14 rue de l'Église");
    let mut tx = store.begin().await.expect("begin");
    for c in [&older, &newer, &other] {
        tx.insert_case(c).await.expect("case");
    }
    tx.commit().await.expect("commit");

    let applied = store.applied_migrations().await.expect("applied");
    let since_56 = applied.iter().filter(|v| **v >= 20261208000056).count();
    store.migrate_down(since_56).await.expect("down to 55");
    store.migrate().await.expect("up again");

    let found = store
        .same_address(
            &ListScope::All,
            "13201",
            "12 RUE DE L'EGLISE",
            newer.signalement.id,
            10,
        )
        .await
        .expect("same_address");
    assert_eq!(
        found.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![older.signalement.id]
    );
}

#[tokio::test]
async fn sqlite_migration_56_fills_the_address_keys() {
    address_keys_survive_migration_56(support::sqlite_store().await).await;
}

#[tokio::test]
async fn mariadb_migration_56_fills_the_address_keys() {
    if !support::mysql_available().await {
        return;
    }
    address_keys_survive_migration_56(support::mysql_store().await).await;
}
