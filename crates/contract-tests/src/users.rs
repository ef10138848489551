//! `UserRepository`: accounts, unique by e-mail whatever its case, and the
//! lists notifications are sent to.

use histologe_core::enums::{Role, UserStatus};
use histologe_core::ids::{PartnerId, UserId};
use histologe_core::model::User;
use histologe_ports::RepoError;

use crate::Backend;
use crate::fixtures::{code, days, membership, user, uuid};
use crate::support::{canonical_user, sorted, world};

fn ids(users: &[User]) -> Vec<UserId> {
    sorted(users, |u| u.id)
}

/// A user read back (by id, by e-mail) is the user written, memberships
/// included; unknown ids and addresses give `None`.
pub async fn users_round_trip_and_unknown(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut both = user(
        "m.girard@marseille.fr",
        Role::PartnerAdmin,
        &[&w.schs, &w.caf],
    );
    both.status = UserStatus::Inactive;
    both.has_permission_affectation = true;
    both.is_mailing_active = false;
    both.is_mailing_summary = true;
    both.last_login_at = None;
    s.users.insert(&both).await.expect("insert");
    for written in [&w.admin, &w.rt, &w.agent, &w.agent_caf, &both] {
        let read = s
            .users
            .get(written.id)
            .await
            .expect("get")
            .unwrap_or_else(|| panic!("user {} by id", written.email));
        assert_eq!(canonical_user(&read), canonical_user(written));
        let read = s
            .users
            .by_email(&written.email)
            .await
            .expect("by_email")
            .unwrap_or_else(|| panic!("user {} by e-mail", written.email));
        assert_eq!(canonical_user(&read), canonical_user(written));
    }
    assert_eq!(s.users.get(UserId(uuid())).await, Ok(None));
    assert_eq!(s.users.by_email("personne@example.fr").await, Ok(None));
}

/// The e-mail is unique whatever its case: a second account with
/// `C.ROUSSEAU@Marseille.FR` is `Duplicate`, and `by_email` finds the
/// account whatever case it is typed in.
pub async fn users_email_is_unique_whatever_the_case(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let twin = user("C.ROUSSEAU@Marseille.FR", Role::Agent, &[&w.ars]);
    let result = s.users.insert(&twin).await;
    assert!(matches!(result, Err(RepoError::Duplicate(_))), "{result:?}");
    assert_eq!(s.users.get(twin.id).await, Ok(None));
    for typed in ["c.rousseau@marseille.fr", "C.Rousseau@MARSEILLE.fr"] {
        let found = s.users.by_email(typed).await.expect("by_email");
        assert_eq!(found.map(|u| u.id), Some(w.agent.id), "by_email({typed:?})");
    }
}

/// `of_partner` gives the active and inactive users of a partner, not the
/// archived ones, and a user member of two partners shows for both.
pub async fn users_of_partner_lists_active_and_inactive(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut inactive = user("nouveau@marseille.fr", Role::Agent, &[&w.schs]);
    inactive.status = UserStatus::Inactive;
    inactive.last_login_at = None;
    let mut archived = user("ancien@marseille.fr", Role::Agent, &[&w.schs]);
    archived.status = UserStatus::Archive;
    let both = user(
        "m.girard@marseille.fr",
        Role::PartnerAdmin,
        &[&w.schs, &w.caf],
    );
    for u in [&inactive, &archived, &both] {
        s.users.insert(u).await.expect("insert");
    }
    assert_eq!(
        s.users.of_partner(w.schs.id).await.as_deref().map(ids),
        Ok(ids(&[w.agent.clone(), inactive, both.clone()]))
    );
    assert_eq!(
        s.users.of_partner(w.caf.id).await.as_deref().map(ids),
        Ok(ids(&[w.agent_caf.clone(), both]))
    );
    assert_eq!(
        s.users.of_partner(w.ars.id).await.as_deref().map(ids),
        Ok(vec![w.rt.id])
    );
    assert_eq!(s.users.of_partner(w.adil.id).await, Ok(Vec::new()));
    assert_eq!(s.users.of_partner(PartnerId(uuid())).await, Ok(Vec::new()));
    // The archived ones are asked for apart.
    assert_eq!(
        s.users
            .archived_of_partner(w.schs.id)
            .await
            .as_deref()
            .map(ids),
        Ok(vec![archived.id])
    );
    assert_eq!(s.users.archived_of_partner(w.caf.id).await, Ok(Vec::new()));
}

/// `territory_admins` gives the territory admins with a partner in the
/// territory (not its agents, not other territories' admins);
/// `super_admins` the super admins.
pub async fn users_territory_admins_and_super_admins(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let rt06 = user("rt06@caf06.fr", Role::TerritoryAdmin, &[&w.caf]);
    let admin2 = user("support@histologe.beta.gouv.fr", Role::SuperAdmin, &[]);
    let partner_admin = user("admin@marseille.fr", Role::PartnerAdmin, &[&w.schs]);
    for u in [&rt06, &admin2, &partner_admin] {
        s.users.insert(u).await.expect("insert");
    }
    assert_eq!(
        s.users
            .territory_admins(&w.bdr.code)
            .await
            .as_deref()
            .map(ids),
        Ok(vec![w.rt.id])
    );
    assert_eq!(
        s.users
            .territory_admins(&w.am.code)
            .await
            .as_deref()
            .map(ids),
        Ok(vec![rt06.id])
    );
    assert_eq!(s.users.territory_admins(&code("2A")).await, Ok(Vec::new()));
    assert_eq!(
        s.users.super_admins().await.as_deref().map(ids),
        Ok(ids(&[w.admin.clone(), admin2]))
    );
}

/// `many` gives the users of the ids given that exist, unknown ids
/// skipped.
pub async fn users_many_skips_unknown_ids(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let found = s
        .users
        .many(&[w.admin.id, UserId(uuid()), w.agent.id])
        .await
        .expect("many");
    assert_eq!(ids(&found), ids(&[w.admin.clone(), w.agent.clone()]));
    let agent = found
        .iter()
        .find(|u| u.id == w.agent.id)
        .expect("the agent");
    assert_eq!(canonical_user(agent), canonical_user(&w.agent));
    assert_eq!(s.users.many(&[]).await, Ok(Vec::new()));
}

/// `update` replaces the user as given, memberships included; saving it
/// unchanged succeeds; taking another user's e-mail (whatever its case) is
/// `Duplicate`; an unknown user is `NotFound`.
pub async fn users_update(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut moved = w.agent.clone();
    moved.email = "camille.rousseau@ars.sante.fr".to_string();
    moved.nom = "Rousseau-Blanc".to_string();
    moved.role = Role::PartnerAdmin;
    moved.status = UserStatus::Inactive;
    moved.is_mailing_summary = true;
    moved.last_login_at = Some(days(-1));
    moved.memberships = vec![membership(&w.ars)];
    s.users.update(&moved).await.expect("update");
    let read = s.users.get(moved.id).await.expect("get").expect("the user");
    assert_eq!(canonical_user(&read), canonical_user(&moved));
    assert_eq!(
        s.users
            .by_email("camille.rousseau@ars.sante.fr")
            .await
            .map(|u| u.map(|u| u.id)),
        Ok(Some(moved.id))
    );
    assert_eq!(s.users.by_email(&w.agent.email).await, Ok(None));
    assert_eq!(s.users.of_partner(w.schs.id).await, Ok(Vec::new()));
    assert_eq!(
        s.users.of_partner(w.ars.id).await.as_deref().map(ids),
        Ok(ids(&[w.rt.clone(), moved.clone()]))
    );

    s.users
        .update(&moved)
        .await
        .expect("saving a user unchanged succeeds");

    let mut thief = w.agent_caf.clone();
    thief.email = "RT13@ars.sante.fr".to_string();
    let result = s.users.update(&thief).await;
    assert!(matches!(result, Err(RepoError::Duplicate(_))), "{result:?}");
    let kept = s.users.get(w.agent_caf.id).await.expect("get");
    assert_eq!(kept.map(|u| u.email), Some(w.agent_caf.email.clone()));

    let unknown = user("inconnu@example.fr", Role::Agent, &[]);
    let result = s.users.update(&unknown).await;
    assert!(matches!(result, Err(RepoError::NotFound(_))), "{result:?}");
    assert_eq!(s.users.get(unknown.id).await, Ok(None));
}

/// `Transaction::insert_user`: the account exists only once the
/// transaction commits (a dropped one leaves nothing), memberships
/// included, and a taken e-mail, whatever its case, is `Duplicate`.
pub async fn users_insert_in_a_transaction_commits_with_it(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut fresh = user("nouvel.agent@marseille.fr", Role::Agent, &[&w.schs]);
    fresh.status = UserStatus::Inactive;
    fresh.last_login_at = None;

    let mut tx = s.uow.begin().await.expect("begin");
    tx.insert_user(&fresh).await.expect("insert_user");
    drop(tx);
    assert_eq!(s.users.get(fresh.id).await, Ok(None));

    let mut tx = s.uow.begin().await.expect("begin");
    let twin = user("C.ROUSSEAU@Marseille.FR", Role::Agent, &[&w.ars]);
    let result = tx.insert_user(&twin).await;
    assert!(matches!(result, Err(RepoError::Duplicate(_))), "{result:?}");
    drop(tx);

    let mut tx = s.uow.begin().await.expect("begin");
    tx.insert_user(&fresh).await.expect("insert_user");
    tx.commit().await.expect("commit");
    let read = s
        .users
        .get(fresh.id)
        .await
        .expect("get")
        .expect("committed user");
    assert_eq!(canonical_user(&read), canonical_user(&fresh));
    let members = s.users.of_partner(w.schs.id).await.expect("of_partner");
    assert!(members.iter().any(|u| u.id == fresh.id));
    assert_eq!(s.users.get(twin.id).await, Ok(None));
}

/// `set_mailing_preference` changes the two e-mail flags of the account
/// and nothing else; an unknown user is `NotFound`.
pub async fn users_set_mailing_preference_changes_only_the_flags(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    for (active, summary) in [(true, true), (false, false), (true, false)] {
        s.users
            .set_mailing_preference(w.agent.id, active, summary)
            .await
            .expect("set_mailing_preference");
        let mut expected = w.agent.clone();
        expected.is_mailing_active = active;
        expected.is_mailing_summary = summary;
        let read = s.users.get(w.agent.id).await.expect("get").expect("agent");
        assert_eq!(canonical_user(&read), canonical_user(&expected));
    }
    let rt = s.users.get(w.rt.id).await.expect("get").expect("rt");
    assert_eq!(
        canonical_user(&rt),
        canonical_user(&w.rt),
        "others untouched"
    );
    let result = s
        .users
        .set_mailing_preference(UserId(uuid()), false, false)
        .await;
    assert!(matches!(result, Err(RepoError::NotFound(_))), "{result:?}");
}
