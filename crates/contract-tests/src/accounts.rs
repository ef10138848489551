//! `CredentialRepository` and `SessionRepository`: a password hash is set,
//! replaced and read back; a session is found by the hash of its token,
//! touched, and deleted alone or with every session of its user.

use histologe_core::ids::UserId;
use histologe_core::model::StaffSession;
use histologe_ports::RepoError;

use crate::Backend;
use crate::fixtures::{minutes, uuid};
use crate::support::world;

/// A PHC string as the argon2 adapter writes them.
const HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$7q8YgPTrP2x0Ih0kJZT7hOa+Qv0Wn1i0tB4mGQY1jXg";

fn session(id_hash: &str, user: UserId) -> StaffSession {
    StaffSession {
        id_hash: id_hash.to_string(),
        user_id: user,
        created_at: minutes(-10),
        expires_at: minutes(470),
        last_seen_at: minutes(-10),
    }
}

fn hash_of(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

/// No hash before one is set; the last one set is read back; each user
/// has his own.
pub async fn accounts_password_hash_set_replace_and_unknown(backend: &dyn Backend) {
    let w = world(backend).await;
    let c = &w.stores.credentials;
    assert_eq!(c.password_hash(w.agent.id).await, Ok(None));
    c.set_password_hash(w.agent.id, HASH, minutes(0))
        .await
        .expect("set a hash");
    assert_eq!(
        c.password_hash(w.agent.id).await,
        Ok(Some(HASH.to_string()))
    );
    c.set_password_hash(w.agent.id, "$argon2id$other", minutes(5))
        .await
        .expect("replace the hash");
    assert_eq!(
        c.password_hash(w.agent.id).await,
        Ok(Some("$argon2id$other".to_string()))
    );
    assert_eq!(c.password_hash(w.rt.id).await, Ok(None));
    assert_eq!(c.password_hash(UserId(uuid())).await, Ok(None));
}

/// A hash or a session for an account that does not exist is refused
/// with `NotFound`.
pub async fn accounts_password_hash_of_unknown_user_is_refused(backend: &dyn Backend) {
    let w = world(backend).await;
    let ghost = UserId(uuid());
    assert!(matches!(
        w.stores
            .credentials
            .set_password_hash(ghost, HASH, minutes(0))
            .await,
        Err(RepoError::NotFound(_))
    ));
    assert_eq!(w.stores.credentials.password_hash(ghost).await, Ok(None));
    assert!(matches!(
        w.stores.sessions.create(&session(&hash_of(9), ghost)).await,
        Err(RepoError::NotFound(_))
    ));
    assert_eq!(w.stores.sessions.get(&hash_of(9)).await, Ok(None));
}

/// A created session is read back equal by its hash; `touch` moves its
/// activity and expiry; an unknown hash is `None` and touching it is no
/// error.
pub async fn accounts_session_round_trips_and_touch_moves_expiry(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores.sessions;
    let created = session(&hash_of(1), w.agent.id);
    s.create(&created).await.expect("create a session");
    assert_eq!(s.get(&created.id_hash).await, Ok(Some(created.clone())));
    s.touch(&created.id_hash, minutes(30), minutes(510))
        .await
        .expect("touch");
    assert_eq!(
        s.get(&created.id_hash).await,
        Ok(Some(StaffSession {
            last_seen_at: minutes(30),
            expires_at: minutes(510),
            ..created
        }))
    );
    assert_eq!(s.get(&hash_of(2)).await, Ok(None));
    s.touch(&hash_of(2), minutes(30), minutes(510))
        .await
        .expect("touching a missing session is no error");
    assert_eq!(s.get(&hash_of(2)).await, Ok(None));
}

/// Two sessions never share an id.
pub async fn accounts_session_id_is_unique(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores.sessions;
    s.create(&session(&hash_of(3), w.agent.id))
        .await
        .expect("create");
    assert!(matches!(
        s.create(&session(&hash_of(3), w.rt.id)).await,
        Err(RepoError::Duplicate(_))
    ));
    assert_eq!(
        s.get(&hash_of(3)).await.map(|o| o.map(|x| x.user_id)),
        Ok(Some(w.agent.id))
    );
}

/// `delete` ends one session (and is a no-op when it is gone);
/// `delete_for_user` ends every session of one user, counts them, and
/// leaves the others'.
pub async fn accounts_session_delete_and_delete_for_user(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores.sessions;
    for (n, user) in [
        (10, w.agent.id),
        (11, w.agent.id),
        (12, w.agent.id),
        (13, w.rt.id),
    ] {
        s.create(&session(&hash_of(n), user)).await.expect("create");
    }
    s.delete(&hash_of(10)).await.expect("delete");
    assert_eq!(s.get(&hash_of(10)).await, Ok(None));
    s.delete(&hash_of(10))
        .await
        .expect("delete again is no error");
    assert_eq!(s.delete_for_user(w.agent.id).await, Ok(2));
    assert_eq!(s.get(&hash_of(11)).await, Ok(None));
    assert_eq!(s.get(&hash_of(12)).await, Ok(None));
    assert!(matches!(s.get(&hash_of(13)).await, Ok(Some(_))));
    assert_eq!(s.delete_for_user(w.agent.id).await, Ok(0));
}
