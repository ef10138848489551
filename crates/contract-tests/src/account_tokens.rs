//! `AccountTokenRepository`: a token works while it has the kind asked, is
//! unused and not expired; using it is atomic and single-use; revoking
//! ends every unused token of one user and kind.

use histologe_core::ids::UserId;
use histologe_ports::{AccountToken, AccountTokenKind, RepoError};

use crate::Backend;
use crate::fixtures::{minutes, uuid};
use crate::support::world;

use AccountTokenKind::{Activation, LoginCode, PasswordReset};

fn token(n: u8, kind: AccountTokenKind, user: UserId, expires_in: i64) -> AccountToken {
    AccountToken {
        token_hash: format!("{n:02x}").repeat(32),
        kind,
        user_id: user,
        created_at: minutes(0),
        expires_at: minutes(expires_in),
        used_at: None,
    }
}

/// A token works until its expiry (excluded), only for its kind; an
/// unknown hash is `None`; asking does not use it.
pub async fn account_tokens_valid_until_expiry_and_for_its_kind(backend: &dyn Backend) {
    let w = world(backend).await;
    let t = &w.stores.account_tokens;
    let link = token(1, PasswordReset, w.agent.id, 60);
    t.create_token(&link).await.expect("create a token");
    let hash = link.token_hash.as_str();
    assert_eq!(
        t.valid_token(hash, PasswordReset, minutes(59)).await,
        Ok(Some(w.agent.id))
    );
    assert_eq!(
        t.valid_token(hash, PasswordReset, minutes(59)).await,
        Ok(Some(w.agent.id)),
        "asking twice still works: valid_token does not use the token"
    );
    assert_eq!(
        t.valid_token(hash, PasswordReset, minutes(60)).await,
        Ok(None)
    );
    assert_eq!(t.valid_token(hash, Activation, minutes(1)).await, Ok(None));
    assert_eq!(
        t.valid_token(&"ff".repeat(32), PasswordReset, minutes(1))
            .await,
        Ok(None)
    );
}

/// Consuming gives the user once; a second use, an expired token, the
/// wrong kind and an unknown hash give `None` (the wrong kind leaves the
/// token usable).
pub async fn account_tokens_consume_is_single_use(backend: &dyn Backend) {
    let w = world(backend).await;
    let t = &w.stores.account_tokens;
    let link = token(2, Activation, w.agent.id, 7 * 24 * 60);
    t.create_token(&link).await.expect("create");
    let hash = link.token_hash.as_str();
    assert_eq!(
        t.consume_token(hash, PasswordReset, minutes(1)).await,
        Ok(None)
    );
    assert_eq!(
        t.consume_token(hash, Activation, minutes(1)).await,
        Ok(Some(w.agent.id))
    );
    assert_eq!(
        t.consume_token(hash, Activation, minutes(2)).await,
        Ok(None)
    );
    assert_eq!(t.valid_token(hash, Activation, minutes(2)).await, Ok(None));

    let expired = token(3, PasswordReset, w.agent.id, 60);
    t.create_token(&expired).await.expect("create");
    assert_eq!(
        t.consume_token(&expired.token_hash, PasswordReset, minutes(61))
            .await,
        Ok(None)
    );
    assert_eq!(
        t.consume_token(&"ee".repeat(32), PasswordReset, minutes(1))
            .await,
        Ok(None)
    );
}

/// Ten tasks use one token at once: exactly one gets the user.
pub async fn account_tokens_concurrent_consume_only_one_wins(backend: &dyn Backend) {
    let w = world(backend).await;
    let link = token(4, PasswordReset, w.rt.id, 60);
    w.stores
        .account_tokens
        .create_token(&link)
        .await
        .expect("create");
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let stores = w.stores.clone();
            let hash = link.token_hash.clone();
            tokio::spawn(async move {
                loop {
                    match stores
                        .account_tokens
                        .consume_token(&hash, PasswordReset, minutes(1))
                        .await
                    {
                        // A database giving up on a lock: the caller retries.
                        Err(RepoError::Conflict) => tokio::task::yield_now().await,
                        other => return other,
                    }
                }
            })
        })
        .collect();
    let mut winners = 0;
    for task in tasks {
        match task.await.expect("task ends") {
            Ok(Some(user)) => {
                assert_eq!(user, w.rt.id);
                winners += 1;
            }
            Ok(None) => {}
            Err(e) => panic!("consume_token failed: {e:?}"),
        }
    }
    assert_eq!(winners, 1, "one use only of a single-use token");
}

/// Revoking ends the unused tokens of one user and kind, counts them, and
/// leaves the other kinds and users alone.
pub async fn account_tokens_revoke_by_user_and_kind(backend: &dyn Backend) {
    let w = world(backend).await;
    let t = &w.stores.account_tokens;
    let codes = [
        token(5, LoginCode, w.agent.id, 10),
        token(6, LoginCode, w.agent.id, 10),
    ];
    let reset = token(7, PasswordReset, w.agent.id, 60);
    let other = token(8, LoginCode, w.rt.id, 10);
    for x in codes.iter().chain([&reset, &other]) {
        t.create_token(x).await.expect("create");
    }
    assert_eq!(
        t.revoke_tokens(w.agent.id, LoginCode, minutes(1)).await,
        Ok(2)
    );
    for code in &codes {
        assert_eq!(
            t.valid_token(&code.token_hash, LoginCode, minutes(2)).await,
            Ok(None)
        );
    }
    assert_eq!(
        t.valid_token(&reset.token_hash, PasswordReset, minutes(2))
            .await,
        Ok(Some(w.agent.id))
    );
    assert_eq!(
        t.valid_token(&other.token_hash, LoginCode, minutes(2))
            .await,
        Ok(Some(w.rt.id))
    );
    assert_eq!(
        t.revoke_tokens(w.agent.id, LoginCode, minutes(3)).await,
        Ok(0)
    );
}

/// Two tokens never share a hash; a token of an unknown user is refused.
pub async fn account_tokens_duplicate_and_unknown_user_are_refused(backend: &dyn Backend) {
    let w = world(backend).await;
    let t = &w.stores.account_tokens;
    t.create_token(&token(9, Activation, w.agent.id, 60))
        .await
        .expect("create");
    assert!(matches!(
        t.create_token(&token(9, PasswordReset, w.rt.id, 60)).await,
        Err(RepoError::Duplicate(_))
    ));
    assert_eq!(
        t.valid_token(&"09".repeat(32), Activation, minutes(1))
            .await,
        Ok(Some(w.agent.id))
    );
    assert!(matches!(
        t.create_token(&token(10, Activation, UserId(uuid()), 60))
            .await,
        Err(RepoError::NotFound(_))
    ));
}

/// Purging deletes the used and the expired tokens, and only them.
pub async fn account_tokens_purge_keeps_only_working_tokens(backend: &dyn Backend) {
    let w = world(backend).await;
    let t = &w.stores.account_tokens;
    let used = token(11, PasswordReset, w.agent.id, 60);
    let expired = token(12, LoginCode, w.agent.id, 10);
    let working = token(13, Activation, w.rt.id, 7 * 24 * 60);
    for x in [&used, &expired, &working] {
        t.create_token(x).await.expect("create");
    }
    t.consume_token(&used.token_hash, PasswordReset, minutes(1))
        .await
        .expect("consume");
    assert_eq!(t.purge_tokens(minutes(10)).await, Ok(2));
    assert_eq!(
        t.valid_token(&working.token_hash, Activation, minutes(10))
            .await,
        Ok(Some(w.rt.id))
    );
    // Gone: the hash is free again.
    t.create_token(&used)
        .await
        .expect("the purged hash is free");
    assert_eq!(t.purge_tokens(minutes(10)).await, Ok(0));
}
