//! `REDIS_URL` through the wiring and the routes: back-office sessions and
//! login throttling go to Redis (and not to the database), so that every
//! web process sees them; a Redis that is down makes the login fail with
//! the French error page, never with a silent fallback to another store.
//!
//! The site is the route tests' one, its application rebuilt with
//! `wiring::ports` on the same memory store plus Redis (the test Redis,
//! `TEST_REDIS_URL`, under a key prefix of its own; or a port where
//! nothing listens).

mod support;

use std::io::Write;
use std::sync::Arc;

use axum::http::StatusCode;
use histologe_adapters_redis::{Redis, RedisSessions};
use histologe_application::{App, Settings};
use histologe_ports::SessionRepository;
use histologe_runtime::config::{Config, REDIS_URL};
use histologe_runtime::wiring;
use histologe_web::web;
use support::Site;

const EMAIL: &str = "admin-redis@signal-logement.test";
const PASSWORD: &str = "Histologe-demo-2026";

fn test_redis_url() -> String {
    std::env::var("TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379".to_string())
}

fn unique_prefix() -> String {
    format!("histologe-test:web-{}:", uuid::Uuid::new_v4())
}

/// Whether the test Redis answers: `false` loudly outside CI, a failure
/// in CI.
async fn redis_available() -> bool {
    let redis = Redis::open(&test_redis_url(), "histologe-test:ping:").expect("TEST_REDIS_URL");
    match redis.ping().await {
        Ok(()) => true,
        Err(why) => {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(!ci, "no test Redis ({why}) and CI=true");
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! no test Redis ({why}): the Redis route tests were SKIPPED !!!\n"
            );
            false
        }
    }
}

/// The route tests' site with an account, its application wired with
/// `redis` as `REDIS_URL` would (the password hasher kept fast).
async fn site_on(redis: Redis) -> Site {
    let mut site = Site::new().await;
    site.staff_account(EMAIL, PASSWORD).await;
    let before = site.ports.clone();
    let outside = wiring::Outside {
        file_store: before.file_store.clone(),
        scanner: None,
        redis: Some(redis),
        mailer: before.mailer.clone(),
        geo: Default::default(),
    };
    let mut ports = wiring::ports(Arc::new(site.adapters.store.clone()), outside);
    ports.passwords = before.passwords;
    site.state.app = App::new(ports, Settings::default());
    site.router = web::router(site.state.clone());
    site
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_the_session_lives_in_redis_and_not_in_the_database() {
    if !redis_available().await {
        return;
    }
    let prefix = unique_prefix();
    let redis = || Redis::open(&test_redis_url(), &prefix).expect("URL");
    let site = site_on(redis()).await;
    let cookie = site.login(EMAIL, PASSWORD).await;
    let bo = site.get_with("/bo", Some(&cookie)).await;
    assert_eq!(
        bo.status,
        StatusCode::OK,
        "the session opens the back-office"
    );

    let user = histologe_ports::UserRepository::by_email(&site.adapters.store, EMAIL)
        .await
        .expect("users")
        .expect("the account")
        .id;
    assert_eq!(
        SessionRepository::delete_for_user(&site.adapters.store, user).await,
        Ok(0),
        "no session in the database"
    );
    // Another web process, on the same Redis: it sees the session and
    // ends it for everyone.
    let other = RedisSessions::new(redis(), site.ports.users.clone(), site.ports.clock.clone());
    assert_eq!(other.delete_for_user(user).await, Ok(1));
    let after = site.get_with("/bo", Some(&cookie)).await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "ended in Redis, the session no longer opens anything"
    );
    assert!(
        after.location().starts_with("/connexion"),
        "{}",
        after.location()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_down_the_login_fails_with_the_error_page() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let redis = Redis::open(&format!("redis://127.0.0.1:{port}"), &unique_prefix()).expect("URL");
    let site = site_on(redis).await;
    let reply = site.post_login(EMAIL, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    let text = reply.text();
    assert!(text.contains("Une erreur est survenue"), "{text}");
    assert!(text.contains("réessayez dans quelques minutes"), "{text}");
    assert!(
        reply
            .set_cookies()
            .iter()
            .all(|c| !c.starts_with("histologe_session=")),
        "no session is opened elsewhere"
    );
}

#[test]
fn redis_url_switches_the_outside_to_redis() {
    let config = |redis: Option<&str>| {
        Config::from_lookup(|name| {
            Ok((name == REDIS_URL)
                .then(|| redis.map(str::to_string))
                .flatten())
        })
        .expect("a valid configuration")
    };
    let redis = wiring::redis(&config(Some("redis://:s3cret@10.1.2.3:6390/1")))
        .expect("a Redis URL")
        .expect("Redis configured");
    assert_eq!(redis.address(), "10.1.2.3:6390");
    assert_eq!(redis.prefix(), histologe_adapters_redis::DEFAULT_PREFIX);
    let without = wiring::redis(&config(None)).expect("no Redis");
    assert!(without.is_none());
}
