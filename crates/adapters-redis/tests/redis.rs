//! What the contracts do not say and Redis must do: several processes
//! (several connections under one prefix) see the same counters, locks and
//! sessions; prefixes keep deployments apart; keys expire with what they
//! hold; a Redis that is down, stopped or silent gives an error within a
//! few seconds, and the adapter works again once it is back.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use histologe_adapters_memory::{FixedClock, MemoryStore};
use histologe_adapters_redis::{
    OPERATION_DEADLINE, Redis, RedisSessions, RedisSharedState, SESSION_GRACE,
};
use histologe_contract_tests::fixtures::{NOW, user};
use histologe_core::enums::Role;
use histologe_core::ids::UserId;
use histologe_core::model::StaffSession;
use histologe_ports::{RepoError, SessionRepository, SharedState, UserRepository};

const MINUTE: Duration = Duration::from_secs(60);

/// What a request may wait for a Redis that does not answer: the
/// adapter's deadline and a margin for a loaded machine.
const PATIENCE: Duration = OPERATION_DEADLINE.saturating_add(Duration::from_secs(2));

fn session(n: u8, user: UserId, expires_in: TimeDelta) -> StaffSession {
    StaffSession {
        id_hash: format!("{n:02x}").repeat(32),
        user_id: user,
        created_at: NOW,
        expires_at: NOW + expires_in,
        last_seen_at: NOW,
    }
}

/// A memory store with two staff accounts.
async fn users() -> (Arc<dyn UserRepository>, UserId, UserId) {
    let store: Arc<dyn UserRepository> = Arc::new(MemoryStore::new());
    let a = user("agent@marseille.fr", Role::Agent, &[]);
    let b = user("rt@ars.sante.fr", Role::TerritoryAdmin, &[]);
    for u in [&a, &b] {
        store.insert(u).await.expect("seed a user");
    }
    (store, a.id, b.id)
}

fn sessions(redis: Redis, users: &Arc<dyn UserRepository>) -> RedisSessions {
    RedisSessions::new(redis, users.clone(), Arc::new(FixedClock::new(NOW)))
}

/// A plain connection, to look at keys as an operator would.
async fn raw(prefix: &str) -> (redis::aio::MultiplexedConnection, String) {
    let client = redis::Client::open(support::url()).expect("TEST_REDIS_URL parses");
    let conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect to the test Redis");
    (conn, prefix.to_string())
}

async fn pttl(conn: &mut redis::aio::MultiplexedConnection, key: &str) -> i64 {
    redis::cmd("PTTL")
        .arg(key)
        .query_async(conn)
        .await
        .expect("PTTL")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_sharing_a_prefix_share_counters_locks_and_sessions() {
    if !support::available().await {
        return;
    }
    let prefix = support::unique_prefix();
    let open = || Redis::open(&support::url(), &prefix).expect("URL");
    // Two values, two connections: two web processes.
    let (web1, web2) = (RedisSharedState::new(open()), RedisSharedState::new(open()));
    assert_eq!(web1.hit("login:x", MINUTE).await, Ok(1));
    assert_eq!(web2.hit("login:x", MINUTE).await, Ok(2));
    assert_eq!(web1.count("login:x").await, Ok(2));

    assert_eq!(web1.try_lock("tick", MINUTE).await, Ok(true));
    assert_eq!(
        web2.try_lock("tick", MINUTE).await,
        Ok(false),
        "a lock held by one process is refused to the other"
    );
    web2.unlock("tick").await.expect("unlock");
    assert_eq!(
        web2.try_lock("tick", MINUTE).await,
        Ok(false),
        "a process cannot release another's lock"
    );
    web1.unlock("tick").await.expect("unlock");
    assert_eq!(
        web2.try_lock("tick", MINUTE).await,
        Ok(true),
        "released by its holder"
    );

    let (users, agent, _) = users().await;
    let (s1, s2) = (sessions(open(), &users), sessions(open(), &users));
    let opened = session(1, agent, TimeDelta::hours(8));
    s1.create(&opened).await.expect("create");
    assert_eq!(s2.get(&opened.id_hash).await, Ok(Some(opened.clone())));
    assert_eq!(s2.delete_for_user(agent).await, Ok(1));
    assert_eq!(s1.get(&opened.id_hash).await, Ok(None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefixes_keep_deployments_apart() {
    if !support::available().await {
        return;
    }
    let (a, b) = (
        RedisSharedState::new(support::fresh()),
        RedisSharedState::new(support::fresh()),
    );
    assert_eq!(a.hit("k", MINUTE).await, Ok(1));
    assert_eq!(b.count("k").await, Ok(0));
    assert_eq!(a.try_lock("l", MINUTE).await, Ok(true));
    assert_eq!(b.try_lock("l", MINUTE).await, Ok(true));

    let (users, agent, _) = users().await;
    let (s1, s2) = (
        sessions(support::fresh(), &users),
        sessions(support::fresh(), &users),
    );
    let opened = session(2, agent, TimeDelta::hours(8));
    s1.create(&opened).await.expect("create");
    assert_eq!(s2.get(&opened.id_hash).await, Ok(None));
    assert_eq!(s2.delete_for_user(agent).await, Ok(0));
    assert!(matches!(s1.get(&opened.id_hash).await, Ok(Some(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_keys_expire_with_the_session_and_touch_extends_them() {
    if !support::available().await {
        return;
    }
    let redis = support::fresh();
    let prefix = redis.prefix().to_string();
    let (users, agent, _) = users().await;
    let repo = sessions(redis, &users);
    let opened = session(3, agent, TimeDelta::minutes(30));
    repo.create(&opened).await.expect("create");

    let (mut conn, p) = raw(&prefix).await;
    let session_key = format!("{p}session:{}", opened.id_hash);
    let set_key = format!("{p}user-sessions:{}", agent.0);
    let grace = i64::try_from(SESSION_GRACE.as_millis()).expect("small");
    let expected = 30 * 60 * 1000 + grace;
    let ttl = pttl(&mut conn, &session_key).await;
    assert!(
        (expected - 5_000..=expected).contains(&ttl),
        "the session key lives until expires_at plus the grace: {ttl} ms, expected about {expected}"
    );
    assert!(pttl(&mut conn, &set_key).await >= ttl - 1_000);

    repo.touch(&opened.id_hash, NOW, NOW + TimeDelta::hours(8))
        .await
        .expect("touch");
    let expected = 8 * 3600 * 1000 + grace;
    let ttl = pttl(&mut conn, &session_key).await;
    assert!(
        (expected - 5_000..=expected).contains(&ttl),
        "touch moves the key's expiry with expires_at: {ttl} ms"
    );
    assert!(
        pttl(&mut conn, &set_key).await >= ttl - 1_000,
        "the user's set lives as long as his longest session"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_sessions_leave_the_users_set() {
    if !support::available().await {
        return;
    }
    let redis = support::fresh();
    let prefix = redis.prefix().to_string();
    let (users, agent, rt) = users().await;
    let repo = sessions(redis, &users);
    let (old, new) = (
        session(4, agent, TimeDelta::hours(8)),
        session(5, agent, TimeDelta::hours(8)),
    );
    repo.create(&old).await.expect("create");
    repo.create(&session(6, rt, TimeDelta::hours(8)))
        .await
        .expect("create");

    // Redis expiring the key: what a TTL does, without waiting 8 hours.
    let (mut conn, p) = raw(&prefix).await;
    let _: i64 = redis::cmd("DEL")
        .arg(format!("{p}session:{}", old.id_hash))
        .query_async(&mut conn)
        .await
        .expect("DEL");
    repo.create(&new).await.expect("create");
    let members: BTreeSet<String> = redis::cmd("SMEMBERS")
        .arg(format!("{p}user-sessions:{}", agent.0))
        .query_async(&mut conn)
        .await
        .expect("SMEMBERS");
    assert_eq!(
        members,
        BTreeSet::from([new.id_hash.clone()]),
        "creating a session drops the gone ones from the set"
    );
    assert_eq!(repo.delete_for_user(agent).await, Ok(1));
    assert!(
        matches!(
            repo.get(&session(6, rt, TimeDelta::zero()).id_hash).await,
            Ok(Some(_))
        ),
        "another user's session is left"
    );
}

/// Every operation of both ports fails with the "unavailable" error.
async fn assert_all_unavailable(redis: Redis, what: &str) {
    let state = RedisSharedState::new(redis.clone());
    let started = Instant::now();
    assert!(state.hit("k", MINUTE).await.is_err(), "{what}: hit");
    assert!(state.count("k").await.is_err(), "{what}: count");
    assert!(
        state.try_lock("k", MINUTE).await.is_err(),
        "{what}: try_lock"
    );
    assert!(state.unlock("k").await.is_err(), "{what}: unlock");
    let (users, agent, _) = users().await;
    let repo = sessions(redis, &users);
    let s = session(7, agent, TimeDelta::hours(8));
    for (op, result) in [
        ("create", repo.create(&s).await),
        ("get", repo.get(&s.id_hash).await.map(|_| ())),
        ("touch", repo.touch(&s.id_hash, NOW, NOW).await),
        ("delete", repo.delete(&s.id_hash).await),
        (
            "delete_for_user",
            repo.delete_for_user(agent).await.map(|_| ()),
        ),
    ] {
        assert!(
            matches!(result, Err(RepoError::Unavailable(_))),
            "{what}: {op} gives Unavailable, got {result:?}"
        );
    }
    assert!(
        started.elapsed() < PATIENCE * 9,
        "{what}: nine failing operations took {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_listening_gives_errors_quickly() {
    let port = support::free_port();
    let redis = Redis::open(&format!("redis://127.0.0.1:{port}"), "p:").expect("URL");
    let started = Instant::now();
    let e = redis.ping().await.expect_err("nothing listens");
    assert!(
        started.elapsed() < PATIENCE,
        "refused within {PATIENCE:?}: {:?}",
        started.elapsed()
    );
    assert!(
        e.contains(&format!("127.0.0.1:{port}")),
        "names the server: {e}"
    );
    assert_all_unavailable(redis, "wrong port").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_times_out() {
    // Accepts connections, reads, never writes: a hung Redis.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let redis = Redis::open(&format!("redis://127.0.0.1:{port}"), "p:").expect("URL");
    let state = RedisSharedState::new(redis);
    let started = Instant::now();
    let result = state.hit("k", MINUTE).await;
    let took = started.elapsed();
    silent.abort();
    assert!(result.is_err(), "a silent server is an error: {result:?}");
    assert!(took < PATIENCE, "no hang: answered in {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_redis_gives_errors_then_works_again_once_restarted() {
    if !support::redis_server_installed() {
        eprintln!("\n!!! redis-server is not installed: the stop/restart test was SKIPPED !!!\n");
        return;
    }
    let port = support::free_port();
    let server = support::OwnServer::start(port).expect("start redis-server");
    let redis = Redis::open(&server.url(), "p:").expect("URL");
    let state = RedisSharedState::new(redis.clone());
    assert_eq!(state.hit("k", MINUTE).await, Ok(1));

    server.stop();
    let started = Instant::now();
    let result = state.hit("k", MINUTE).await;
    assert!(result.is_err(), "Redis stopped: {result:?}");
    assert!(
        started.elapsed() < PATIENCE,
        "no hang: {:?}",
        started.elapsed()
    );
    assert_all_unavailable(redis, "stopped").await;

    let _server = support::OwnServer::start(port).expect("restart redis-server");
    // The connection is reopened by the next requests (the first may still
    // meet the old, closed one).
    let deadline = Instant::now() + PATIENCE;
    let mut last = state.hit("k", MINUTE).await;
    while last.is_err() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        last = state.hit("k", MINUTE).await;
    }
    assert_eq!(
        last,
        Ok(1),
        "back with a new (empty) server, the adapter works again"
    );
}
