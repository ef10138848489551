//! `TerritoryRepository`: reference data loaded by upsert.

use crate::Backend;
use crate::fixtures::{code, territory};
use crate::support::{canonical_territory, sorted, world};

/// `upsert` inserts a territory, or replaces every field of the one with
/// the same code, even when partners and users already belong to it;
/// `get` and `all` read them back; an unknown code is `None`.
pub async fn territories_upsert_inserts_and_replaces(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    for written in [&w.bdr, &w.am] {
        let read = s
            .territories
            .get(&written.code)
            .await
            .expect("get")
            .unwrap_or_else(|| panic!("territory {}", written.name));
        assert_eq!(canonical_territory(&read), canonical_territory(written));
    }
    assert_eq!(s.territories.get(&code("2A")).await, Ok(None));

    let mut closed = w.bdr.clone();
    closed.name = "Bouches-du-Rhône (13)".to_string();
    closed.is_active = false;
    closed.authorized_insee = vec!["13201".to_string(), "13055".to_string()];
    closed.timezone = "Europe/Paris".to_string();
    s.territories.upsert(&closed).await.expect("upsert again");
    let corse = territory("2A", "Corse-du-Sud");
    s.territories
        .upsert(&corse)
        .await
        .expect("upsert a new one");

    let read = s
        .territories
        .get(&closed.code)
        .await
        .expect("get")
        .expect("the replaced territory");
    assert_eq!(canonical_territory(&read), canonical_territory(&closed));
    let all = s.territories.all().await.expect("all");
    let all: Vec<_> = all.iter().map(canonical_territory).collect();
    let expected: Vec<_> = [&closed, &w.am, &corse]
        .into_iter()
        .map(canonical_territory)
        .collect();
    assert_eq!(
        sorted(&all, |t| format!("{t:?}")),
        sorted(&expected, |t| format!("{t:?}"))
    );
    assert_eq!(
        s.partners.get(w.schs.id).await.map(|p| p.is_some()),
        Ok(true),
        "replacing a territory keeps its partners"
    );
    assert_eq!(
        s.users.get(w.agent.id).await.map(|u| u.is_some()),
        Ok(true),
        "replacing a territory keeps its users"
    );
}
