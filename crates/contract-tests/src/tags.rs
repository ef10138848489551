//! `TagRepository`: the territories' étiquettes.

use histologe_core::ids::TagId;
use histologe_core::model::Tag;

use crate::Backend;
use crate::RepoError;
use crate::fixtures::uuid;
use crate::support::world;

fn tag(territory: &histologe_core::model::Territory, label: &str) -> Tag {
    Tag {
        id: TagId(uuid()),
        territory: territory.code.clone(),
        label: label.to_string(),
        is_archive: false,
    }
}

/// Tags round-trip; a territory lists its live tags by label, never
/// another territory's nor an archived one.
pub async fn tags_round_trip_and_list_by_territory(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let peril = tag(&w.bdr, "Péril");
    let copro = tag(&w.bdr, "Copropriété dégradée");
    let nice = tag(&w.am, "Péril");
    let mut old = tag(&w.bdr, "Ancienne étiquette");
    old.is_archive = true;
    for t in [&peril, &copro, &nice, &old] {
        s.tags.insert(t).await.expect("insert");
    }
    assert_eq!(s.tags.get(peril.id).await, Ok(Some(peril.clone())));
    assert_eq!(s.tags.get(old.id).await, Ok(Some(old.clone())));
    assert_eq!(s.tags.get(TagId(uuid())).await, Ok(None));
    assert_eq!(
        s.tags.of_territory(&w.bdr.code).await,
        Ok(vec![copro, peril]),
        "live tags of the territory, by label"
    );
    assert_eq!(s.tags.of_territory(&w.am.code).await, Ok(vec![nice]));
}

/// A live label is unique in its territory whatever its case; archiving a
/// tag (its deletion) frees the label; renaming onto a taken label is
/// refused; updating an unknown tag is `NotFound`.
pub async fn tags_live_label_is_unique_per_territory(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut peril = tag(&w.bdr, "Péril");
    s.tags.insert(&peril).await.expect("insert");
    assert!(
        matches!(
            s.tags.insert(&tag(&w.bdr, "PÉRIL")).await,
            Err(RepoError::Duplicate(_))
        ),
        "same label, other case"
    );
    s.tags
        .insert(&tag(&w.am, "Péril"))
        .await
        .expect("another territory may use the label");
    let mut other = tag(&w.bdr, "Insalubrité");
    s.tags.insert(&other).await.expect("insert");
    other.label = "péril".to_string();
    assert!(matches!(
        s.tags.update(&other).await,
        Err(RepoError::Duplicate(_))
    ));
    peril.is_archive = true;
    s.tags.update(&peril).await.expect("archive");
    s.tags
        .update(&other)
        .await
        .expect("the archived tag freed its label");
    assert_eq!(s.tags.get(other.id).await, Ok(Some(other.clone())));
    assert_eq!(s.tags.of_territory(&w.bdr.code).await, Ok(vec![other]));
    assert!(matches!(
        s.tags.update(&tag(&w.bdr, "Inconnue")).await,
        Err(RepoError::NotFound(_))
    ));
}
