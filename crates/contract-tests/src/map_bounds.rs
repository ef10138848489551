//! `SignalementFilter::within`: the map's rectangle (features.md §2.9).
//! A case is in when its geolocation is inside or on an edge, compared in
//! millionths of a degree; a case without one never is; the rectangle
//! combines with the other filters and never widens the scope.

use histologe_core::enums::{AffectationStatus, SignalementStatus};
use histologe_core::ids::SignalementId;
use histologe_core::model::{Case, GeoPoint};
use histologe_core::policy::ListScope;
use histologe_ports::{GeoBounds, SignalementFilter};

use crate::Backend;
use crate::fixtures::{affectation, case, days};
use crate::support::{World, begin, commit, commit_cases, world};

/// Around Marseille: 5.2°E to 5.5°E, 43.2°N to 43.5°N.
const MARSEILLE: GeoBounds = GeoBounds {
    west: 5.2,
    south: 43.2,
    east: 5.5,
    north: 43.5,
};

fn at(c: &mut Case, lat: f64, lng: f64) {
    c.signalement.adresse.geoloc = Some(GeoPoint { lat, lng });
}

/// | case | place | status | affectations |
/// |---|---|---|---|
/// | inside | 43.2965, 5.3698 (Vieux-Port) | active | SCHS accepted |
/// | corner | 43.5, 5.5: the north-east corner | new | none |
/// | south_west | 43.2, 5.2: the south-west corner | active | ARS waiting |
/// | beyond | 43.500001, 5.4: a millionth north of the edge | active | SCHS accepted |
/// | aix_west | 43.3, 5.199999: a millionth west of the edge | active | SCHS accepted |
/// | nowhere | not geolocated | active | SCHS accepted |
/// | bordeaux | 44.8378, -0.5792 | active | SCHS accepted |
/// | nice | 43.7009, 7.2683, in the 06 | active | CAF accepted |
///
/// plus an archived case inside, never listed.
struct Places {
    w: World,
    inside: SignalementId,
    corner: SignalementId,
    south_west: SignalementId,
    beyond: SignalementId,
    aix_west: SignalementId,
    bordeaux: SignalementId,
    nice: SignalementId,
}

async fn places(backend: &dyn Backend) -> Places {
    let w = world(backend).await;
    let (bdr, am) = (w.bdr.code.clone(), w.am.code.clone());
    let active = |reference: &str, age: i64| {
        let mut c = case(&bdr, reference, days(age));
        c.signalement.status = SignalementStatus::Active;
        c
    };
    let mut inside = active("2025-1", -10);
    at(&mut inside, 43.2965, 5.3698);
    inside.affectations = vec![affectation(&inside, &w.schs, AffectationStatus::Accepted)];
    let mut corner = case(&bdr, "2025-2", days(-9));
    at(&mut corner, 43.5, 5.5);
    let mut south_west = active("2025-3", -8);
    at(&mut south_west, 43.2, 5.2);
    south_west.affectations = vec![affectation(&south_west, &w.ars, AffectationStatus::Wait)];
    let mut beyond = active("2025-4", -7);
    at(&mut beyond, 43.500_001, 5.4);
    beyond.affectations = vec![affectation(&beyond, &w.schs, AffectationStatus::Accepted)];
    let mut aix_west = active("2025-5", -6);
    at(&mut aix_west, 43.3, 5.199_999);
    aix_west.affectations = vec![affectation(&aix_west, &w.schs, AffectationStatus::Accepted)];
    let mut nowhere = active("2025-6", -5);
    nowhere.signalement.adresse.geoloc = None;
    nowhere.affectations = vec![affectation(&nowhere, &w.schs, AffectationStatus::Accepted)];
    let mut bordeaux = active("2025-7", -4);
    at(&mut bordeaux, 44.8378, -0.5792);
    bordeaux.affectations = vec![affectation(&bordeaux, &w.schs, AffectationStatus::Accepted)];
    let mut nice = case(&am, "2025-1", days(-3));
    nice.signalement.status = SignalementStatus::Active;
    at(&mut nice, 43.7009, 7.2683);
    nice.affectations = vec![affectation(&nice, &w.caf, AffectationStatus::Accepted)];
    let mut archived = active("2025-8", -2);
    at(&mut archived, 43.3, 5.3);
    archived.signalement.status = SignalementStatus::Archived;
    commit_cases(
        &w.stores,
        &[
            &inside,
            &corner,
            &south_west,
            &beyond,
            &aix_west,
            &nowhere,
            &bordeaux,
            &nice,
            &archived,
        ],
    )
    .await;
    Places {
        inside: inside.signalement.id,
        corner: corner.signalement.id,
        south_west: south_west.signalement.id,
        beyond: beyond.signalement.id,
        aix_west: aix_west.signalement.id,
        bordeaux: bordeaux.signalement.id,
        nice: nice.signalement.id,
        w,
    }
}

impl Places {
    /// The ids found (newest first), checking that the total says as many.
    async fn ids(&self, scope: &ListScope, filter: SignalementFilter) -> Vec<SignalementId> {
        let page = self
            .w
            .stores
            .signalements
            .list(scope, &filter, 0, 100)
            .await
            .expect("list");
        assert_eq!(
            page.total,
            u64::try_from(page.items.len()).expect("a few cases"),
            "total of {filter:?}"
        );
        page.items.into_iter().map(|s| s.id).collect()
    }
}

fn within(bounds: GeoBounds) -> SignalementFilter {
    SignalementFilter {
        within: Some(bounds),
        ..SignalementFilter::default()
    }
}

/// Inside and on the edges in; a millionth of a degree beyond an edge,
/// or without a geolocation, out; west longitudes compare as negative
/// numbers; the rectangle combines with the other filters.
pub async fn map_bounds_inside_outside_and_edges(backend: &dyn Backend) {
    let p = places(backend).await;
    assert_eq!(
        p.ids(&ListScope::All, within(MARSEILLE)).await,
        vec![p.south_west, p.corner, p.inside]
    );
    assert_eq!(
        p.ids(
            &ListScope::All,
            within(GeoBounds {
                west: -1.0,
                south: 44.0,
                east: -0.5,
                north: 45.0,
            })
        )
        .await,
        vec![p.bordeaux],
        "west of Greenwich"
    );
    assert!(
        p.ids(
            &ListScope::All,
            within(GeoBounds {
                west: 0.0,
                south: 44.0,
                east: 1.0,
                north: 45.0,
            })
        )
        .await
        .is_empty(),
        "Bordeaux is west of the meridian"
    );
    assert_eq!(
        p.ids(
            &ListScope::All,
            SignalementFilter {
                status: Some(SignalementStatus::Active),
                ..within(MARSEILLE)
            }
        )
        .await,
        vec![p.south_west, p.inside],
        "the corner is still waiting for validation"
    );
    assert_eq!(
        p.ids(&ListScope::All, SignalementFilter::default())
            .await
            .len(),
        8,
        "without a rectangle, every listed case, geolocated or not"
    );
}

/// The rectangle never widens the scope: an RT sees his territory's cases
/// in it, a partner's agent his partner's, nobody nothing.
pub async fn map_bounds_follow_the_scope(backend: &dyn Backend) {
    let p = places(backend).await;
    let provence = GeoBounds {
        west: 5.0,
        south: 43.0,
        east: 8.0,
        north: 44.0,
    };
    let bdr = vec![p.aix_west, p.beyond, p.south_west, p.corner, p.inside];
    let mut all = vec![p.nice];
    all.extend(bdr.iter().copied());
    assert_eq!(p.ids(&ListScope::All, within(provence)).await, all);
    assert_eq!(
        p.ids(
            &ListScope::Territories(vec![p.w.bdr.code.clone()]),
            within(provence)
        )
        .await,
        bdr,
        "the RT of the 13 does not see Nice"
    );
    assert_eq!(
        p.ids(&ListScope::Partners(vec![p.w.schs.id]), within(provence))
            .await,
        vec![p.aix_west, p.beyond, p.inside],
        "the SCHS sees its own cases, not the ARS's nor the unaffected one"
    );
    assert_eq!(
        p.ids(&ListScope::Partners(vec![p.w.schs.id]), within(MARSEILLE))
            .await,
        vec![p.inside],
        "of which one around Marseille"
    );
    assert_eq!(
        p.ids(&ListScope::Partners(vec![p.w.caf.id]), within(MARSEILLE))
            .await,
        Vec::<SignalementId>::new(),
        "the CAF of the 06 has nothing around Marseille"
    );
    assert!(
        p.ids(&ListScope::Nothing, within(provence))
            .await
            .is_empty()
    );
}

/// A case moved on the map is found at its new place.
pub async fn map_bounds_follow_a_saved_case(backend: &dyn Backend) {
    let p = places(backend).await;
    let mut tx = begin(&p.w.stores).await;
    let mut moved = tx
        .lock_case(p.bordeaux)
        .await
        .expect("lock_case")
        .expect("the Bordeaux case exists");
    at(&mut moved, 43.25, 5.45);
    tx.save_case(&moved).await.expect("save_case");
    commit(tx).await;
    assert_eq!(
        p.ids(&ListScope::All, within(MARSEILLE)).await,
        vec![p.bordeaux, p.south_west, p.corner, p.inside]
    );
}
