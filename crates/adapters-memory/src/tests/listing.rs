//! The back-office list: scope, rule 9, search, order and paging.

use std::sync::Arc;

use chrono::TimeDelta;
use histologe_core::enums::{AffectationStatus, SignalementStatus};
use histologe_core::ids::{PartnerId, SignalementId};
use histologe_core::model::Case;
use histologe_core::policy::ListScope;
use histologe_ports::{SignalementFilter, SignalementRepository, UnitOfWork};

use super::fixtures::{affectation, case, now, territory, uuid};
use crate::{FixedClock, MemoryStore};

struct World {
    store: MemoryStore,
    p1: PartnerId,
    p2: PartnerId,
    a: SignalementId,
    b: SignalementId,
    c: SignalementId,
    e: SignalementId,
    f: SignalementId,
}

fn created(
    days_ago: i64,
    territory_code: &str,
    reference: &str,
    status: SignalementStatus,
) -> Case {
    let mut c = case(territory_code, reference, now() - TimeDelta::days(days_ago));
    c.signalement.status = status;
    c
}

async fn world() -> World {
    let store = MemoryStore::with_clock(Arc::new(FixedClock::default()));
    let (p1, p2) = (PartnerId(uuid()), PartnerId(uuid()));
    let mut a = created(1, "13", "2025-1", SignalementStatus::Active);
    a.signalement.occupant.nom = Some("DUPONT".into());
    a.affectations
        .push(affectation(&a, p1, AffectationStatus::Accepted));
    let mut b = created(2, "13", "2025-2", SignalementStatus::Active);
    b.affectations
        .push(affectation(&b, p1, AffectationStatus::Wait));
    let mut c = created(3, "13", "2025-3", SignalementStatus::Active);
    c.affectations
        .push(affectation(&c, p2, AffectationStatus::Accepted));
    c.signalement.adresse.ville = "Aix-en-Provence".into();
    let mut d = created(0, "13", "2025-4", SignalementStatus::Archived);
    d.affectations
        .push(affectation(&d, p1, AffectationStatus::Accepted));
    let mut e = created(4, "13", "2025-5", SignalementStatus::Closed);
    e.affectations
        .push(affectation(&e, p1, AffectationStatus::Closed));
    let f = created(5, "06", "2025-42", SignalementStatus::NeedValidation);

    let mut tx = store.begin().await.expect("begin");
    for x in [&a, &b, &c, &d, &e, &f] {
        tx.insert_case(x).await.expect("insert");
    }
    tx.commit().await.expect("commit");
    World {
        store,
        p1,
        p2,
        a: a.signalement.id,
        b: b.signalement.id,
        c: c.signalement.id,
        e: e.signalement.id,
        f: f.signalement.id,
    }
}

impl World {
    async fn list(&self, scope: ListScope, filter: SignalementFilter) -> Vec<SignalementId> {
        self.store
            .list(&scope, &filter, 0, 100)
            .await
            .expect("list")
            .items
            .into_iter()
            .map(|s| s.id)
            .collect()
    }
}

fn status(status: SignalementStatus) -> SignalementFilter {
    SignalementFilter {
        status: Some(status),
        ..SignalementFilter::default()
    }
}

fn text(text: &str) -> SignalementFilter {
    SignalementFilter {
        text: Some(text.into()),
        ..SignalementFilter::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_sees_its_affected_cases_filtered_on_its_affectation_status() {
    let w = world().await;
    let mine = ListScope::Partners(vec![w.p1]);
    // Every status of affectation, never an archived case.
    assert_eq!(
        w.list(mine.clone(), SignalementFilter::default()).await,
        vec![w.a, w.b, w.e]
    );
    // "En cours" for a partner means its affectation is accepted (rule 9):
    // b is an active case, but P1 has not answered yet.
    assert_eq!(
        w.list(mine.clone(), status(SignalementStatus::Active))
            .await,
        vec![w.a]
    );
    assert_eq!(
        w.list(mine.clone(), status(SignalementStatus::NeedValidation))
            .await,
        vec![w.b]
    );
    assert_eq!(
        w.list(mine, status(SignalementStatus::Closed)).await,
        vec![w.e]
    );
    assert_eq!(
        w.list(
            ListScope::Partners(vec![w.p1, w.p2]),
            status(SignalementStatus::Active)
        )
        .await,
        vec![w.a, w.c]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_filter_on_the_case_status_within_their_scope() {
    let w = world().await;
    assert_eq!(
        w.list(ListScope::All, status(SignalementStatus::Active))
            .await,
        vec![w.a, w.b, w.c]
    );
    assert_eq!(
        w.list(ListScope::All, SignalementFilter::default()).await,
        vec![w.a, w.b, w.c, w.e, w.f]
    );
    assert_eq!(
        w.list(
            ListScope::Territories(vec![territory("06")]),
            SignalementFilter::default()
        )
        .await,
        vec![w.f]
    );
    assert_eq!(
        w.list(
            ListScope::Territories(vec![territory("13")]),
            SignalementFilter::default()
        )
        .await,
        vec![w.a, w.b, w.c, w.e]
    );
    assert!(
        w.list(ListScope::Nothing, SignalementFilter::default())
            .await
            .is_empty()
    );
    let recent_in_13 = SignalementFilter {
        territory: Some(territory("13")),
        created_after: Some(now() - TimeDelta::days(2)),
        created_before: Some(now() - TimeDelta::days(1)),
        ..SignalementFilter::default()
    };
    assert_eq!(w.list(ListScope::All, recent_in_13).await, vec![w.b]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_is_an_exact_reference_or_text_in_names_and_address() {
    let w = world().await;
    assert_eq!(w.list(ListScope::All, text("dupont")).await, vec![w.a]);
    assert_eq!(w.list(ListScope::All, text("aix-EN")).await, vec![w.c]);
    assert_eq!(w.list(ListScope::All, text(" 2025-042 ")).await, vec![w.f]);
    // Exact: 2025-4 is not 2025-42 (and d, which is 2025-4, is archived).
    assert!(w.list(ListScope::All, text("2025-4")).await.is_empty());
    assert_eq!(w.list(ListScope::All, text("   ")).await.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_count_the_total_before_paging() {
    let w = world().await;
    let page = w
        .store
        .list(&ListScope::All, &SignalementFilter::default(), 1, 2)
        .await
        .expect("list");
    assert_eq!(page.total, 5);
    let ids: Vec<_> = page.items.iter().map(|s| s.id).collect();
    assert_eq!(ids, vec![w.b, w.c]);
    let beyond = w
        .store
        .list(&ListScope::All, &SignalementFilter::default(), 10, 2)
        .await
        .expect("list");
    assert_eq!((beyond.items.len(), beyond.total), (0, 5));
}
