//! `SavedSearchRepository`: the saved searches of the back-office list,
//! each user's own.

use histologe_ports::{RepoError, SavedSearch};

use crate::Backend;
use crate::fixtures::{days, uuid};
use crate::support::world;

fn search(
    user: histologe_core::ids::UserId,
    name: &str,
    query: &str,
    days_ago: i64,
) -> SavedSearch {
    SavedSearch {
        id: uuid(),
        user_id: user,
        name: name.into(),
        query: query.into(),
        created_at: days(-days_ago),
    }
}

/// A user reads back his own searches, by name, exactly as written; he
/// deletes only his own (another user's id deletes nothing).
pub async fn saved_searches_are_each_users_own(backend: &dyn Backend) {
    let w = world(backend).await;
    let repo = &w.stores.saved_searches;
    let to_validate = search(w.rt.id, "À valider", "statut=NEED_VALIDATION", 3);
    let aix = search(
        w.rt.id,
        "Aix sans suivi",
        "commune=Aix-en-Provence&sans_suivi=1",
        1,
    );
    let agents = search(w.agent.id, "Mes affectations", "affectation=en_attente", 2);
    for s in [&to_validate, &aix, &agents] {
        repo.insert(s).await.expect("insert");
    }
    assert_eq!(
        repo.of_user(w.rt.id).await.expect("of_user"),
        vec![aix.clone(), to_validate.clone()],
        "by name"
    );
    assert_eq!(
        repo.of_user(w.agent.id).await.expect("of_user"),
        vec![agents.clone()]
    );
    assert!(repo.of_user(w.admin.id).await.expect("of_user").is_empty());

    assert_eq!(repo.delete(w.agent.id, aix.id).await, Ok(false));
    assert_eq!(repo.of_user(w.rt.id).await.expect("of_user").len(), 2);
    assert_eq!(repo.delete(w.rt.id, aix.id).await, Ok(true));
    assert_eq!(repo.delete(w.rt.id, aix.id).await, Ok(false));
    assert_eq!(
        repo.of_user(w.rt.id).await.expect("of_user"),
        vec![to_validate]
    );
}

/// A search of a user who does not exist, or with a taken id, is refused.
pub async fn saved_searches_refuse_an_unknown_user_and_a_taken_id(backend: &dyn Backend) {
    let w = world(backend).await;
    let repo = &w.stores.saved_searches;
    let nobody = histologe_core::ids::UserId(uuid());
    assert!(matches!(
        repo.insert(&search(nobody, "Perdue", "q=x", 1)).await,
        Err(RepoError::NotFound(_))
    ));
    let first = search(w.rt.id, "Une", "q=a", 1);
    repo.insert(&first).await.expect("insert");
    let mut again = search(w.rt.id, "Deux", "q=b", 1);
    again.id = first.id;
    assert!(matches!(
        repo.insert(&again).await,
        Err(RepoError::Duplicate(_))
    ));
}
