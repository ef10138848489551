//! The small adapters: mailer, file store, shared state, clocks, ids,
//! lookups, and the bundle that wires them. (The store's ports are checked
//! by the contract suite, `tests/contract.rs`.)

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use histologe_contract_tests::fixtures::user;
use histologe_core::enums::Role;
use histologe_core::model::GeoPoint;
use histologe_ports::{
    AddressCandidate, AddressLookup, Clock, FileStore, FileStoreError, IdGenerator, MailError,
    Mailer, OutgoingEmail, SharedState, UserRepository,
};

use crate::{
    FixedClock, MemoryAdapters, MemoryAddressLookup, MemoryFileStore, MemoryMailer,
    MemorySharedState, SequentialIds,
};

/// The default moment of the fixed clock.
fn now() -> chrono::DateTime<chrono::Utc> {
    FixedClock::DEFAULT_NOW
}

fn email(to: &str) -> OutgoingEmail {
    OutgoingEmail {
        to: vec![to.into()],
        subject: "Nouveau signalement".into(),
        text: "Bonjour".into(),
        html: None,
        template: "nouveau_signalement".into(),
        ..OutgoingEmail::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mailer_records_and_fails_on_demand() {
    let mailer = MemoryMailer::new();
    mailer.fail_next(2);
    for _ in 0..2 {
        assert!(matches!(
            mailer.send(&email("a@b.fr")).await,
            Err(MailError::Unavailable { .. })
        ));
    }
    assert_eq!(mailer.send(&email("a@b.fr")).await, Ok("memory-1".into()));
    mailer.reject_address("Bounce@b.fr");
    assert!(matches!(
        mailer.send(&email("bounce@B.fr")).await,
        Err(MailError::InvalidRecipient(_))
    ));
    assert_eq!(mailer.sent(), vec![email("a@b.fr")]);
    mailer.clear();
    assert_eq!(mailer.send(&email("c@b.fr")).await, Ok("memory-2".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_store_keeps_bytes_and_can_go_down() {
    let files = MemoryFileStore::new();
    files
        .put("a/b.pdf", vec![1, 2, 3], "application/pdf")
        .await
        .expect("put");
    assert_eq!(files.get("a/b.pdf").await, Ok(vec![1, 2, 3]));
    assert_eq!(
        files.content_type("a/b.pdf").as_deref(),
        Some("application/pdf")
    );
    files.set_unavailable(true);
    assert!(matches!(
        files.get("a/b.pdf").await,
        Err(FileStoreError::Unavailable(_))
    ));
    files.set_unavailable(false);
    files.set_full(true);
    assert_eq!(
        files.put("c", vec![], "text/plain").await,
        Err(FileStoreError::Full)
    );
    files.delete("a/b.pdf").await.expect("delete");
    files.delete("a/b.pdf").await.expect("delete is idempotent");
    assert!(matches!(
        files.get("a/b.pdf").await,
        Err(FileStoreError::NotFound(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_state_windows_follow_the_clock() {
    let clock = Arc::new(FixedClock::default());
    let shared = MemorySharedState::with_clock(clock.clone());
    let window = Duration::from_secs(60);
    assert_eq!(shared.hit("login:x", window).await, Ok(1));
    assert_eq!(shared.hit("login:x", window).await, Ok(2));
    assert_eq!(shared.hit("login:y", window).await, Ok(1));
    clock.advance(TimeDelta::seconds(61));
    assert_eq!(shared.hit("login:x", window).await, Ok(1), "a new window");

    assert_eq!(shared.try_lock("cron", window).await, Ok(true));
    assert_eq!(shared.try_lock("cron", window).await, Ok(false));
    clock.advance(TimeDelta::seconds(61));
    assert_eq!(shared.try_lock("cron", window).await, Ok(true), "expired");
    shared.unlock("cron").await.expect("unlock");
    assert_eq!(shared.try_lock("cron", window).await, Ok(true));

    let monotonic = MemorySharedState::new();
    assert_eq!(monotonic.try_lock("k", window).await, Ok(true));
    assert_eq!(monotonic.try_lock("k", window).await, Ok(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clocks_and_ids() {
    let clock = FixedClock::default();
    clock.advance(TimeDelta::days(1));
    assert_eq!(clock.now(), now() + TimeDelta::days(1));
    clock.set(now());
    assert_eq!(clock.now(), now());

    let ids = SequentialIds::new();
    assert_eq!(
        ids.uuid().to_string(),
        "00000000-0000-0000-0000-000000000001"
    );
    assert_ne!(ids.random_bytes(), ids.random_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn address_lookup_filters_its_table_by_label() {
    let candidate = |label: &str| AddressCandidate {
        label: label.into(),
        street: String::new(),
        postcode: "13001".into(),
        city: "Marseille".into(),
        insee: "13201".into(),
        ban_id: label.into(),
        point: GeoPoint {
            lat: 43.3,
            lng: 5.4,
        },
        score: 0.95,
    };
    let lookup = MemoryAddressLookup::new(vec![
        candidate("1 Rue de la Paix 13001 Marseille"),
        candidate("2 Rue de la Paix 13001 Marseille"),
        candidate("1 Avenue du Prado 13008 Marseille"),
    ]);
    assert_eq!(
        lookup
            .search("rue de la paix", 10)
            .await
            .expect("search")
            .len(),
        2
    );
    assert_eq!(
        lookup
            .search("rue de la paix", 1)
            .await
            .expect("search")
            .len(),
        1
    );
    lookup.set_unavailable(true);
    assert!(lookup.search("prado", 10).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundle_shares_one_clock_and_one_store() {
    let adapters = MemoryAdapters::new();
    let ports = adapters.ports();
    adapters.clock.advance(TimeDelta::minutes(5));
    assert_eq!(ports.clock.now(), now() + TimeDelta::minutes(5));
    ports
        .users
        .insert(&user("x@y.fr", Role::Agent, &[]))
        .await
        .expect("insert");
    assert!(
        adapters
            .store
            .by_email("x@y.fr")
            .await
            .expect("read")
            .is_some()
    );
    assert_eq!(ports.ids.uuid(), uuid::Uuid::from_u128(1));
}
