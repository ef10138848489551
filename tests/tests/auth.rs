//! Back-office accounts on the memory adapters: login and its throttling,
//! sessions (expiry, logout here and everywhere) and the password policy.

mod common;

use chrono::TimeDelta;
use common::World;
use histologe_application::{AppError, LOGIN_MAX_FAILURES, SESSION_LIFETIME, session_id_hash};
use histologe_core::DomainError;
use histologe_core::actor::Actor;
use histologe_core::enums::UserStatus;
use histologe_ports::{SessionRepository, UserRepository};

const PASSWORD: &str = "Tr0mbone-Vert!";

/// The world, with a password for the SCHS agent.
async fn world() -> World {
    let w = World::new().await;
    w.app
        .set_password(w.people.agent_schs.id, PASSWORD)
        .await
        .expect("policy-compliant password");
    w
}

#[tokio::test]
async fn good_login_opens_a_session_and_records_the_login() {
    let w = world().await;
    let agent = &w.people.agent_schs;
    let (token, actor) = w
        .app
        .login(&agent.email, PASSWORD, "203.0.113.7")
        .await
        .expect("login");
    assert_eq!(actor, w.actor(agent));
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    // Only the hash is stored.
    assert!(
        SessionRepository::get(w.store.as_ref(), &token)
            .await
            .expect("get")
            .is_none()
    );
    let stored = SessionRepository::get(w.store.as_ref(), &session_id_hash(&token))
        .await
        .expect("get")
        .expect("session stored by hash");
    assert_eq!(stored.user_id, agent.id);
    assert_eq!(stored.expires_at, common::start() + SESSION_LIFETIME);
    let user = UserRepository::get(w.store.as_ref(), agent.id)
        .await
        .expect("user")
        .expect("exists");
    assert_eq!(user.last_login_at, Some(common::start()));
    assert_eq!(w.app.staff_session(&token).await, Ok(Some(actor)));
    // The e-mail is matched whatever its case and surrounding spaces.
    let upper = format!("  {}  ", agent.email.to_uppercase());
    assert!(w.app.login(&upper, PASSWORD, "local").await.is_ok());
}

#[tokio::test]
async fn wrong_password_unknown_email_inactive_or_no_password_answer_the_same() {
    let w = world().await;
    let agent = &w.people.agent_schs;
    let wrong = w.app.login(&agent.email, "Tr0mbone-Vert?", "a").await;
    let unknown = w.app.login("personne@exemple.fr", PASSWORD, "b").await;
    let no_password = w.app.login(&w.people.rt.email, PASSWORD, "c").await;
    assert_eq!(wrong, Err(AppError::BadCredentials));
    assert_eq!(unknown, Err(AppError::BadCredentials));
    assert_eq!(no_password, Err(AppError::BadCredentials));
    assert_eq!(
        AppError::BadCredentials.to_string(),
        "Identifiants incorrects."
    );

    let mut inactive = agent.clone();
    inactive.status = UserStatus::Inactive;
    w.store.update(&inactive).await.expect("deactivate");
    assert_eq!(
        w.app.login(&agent.email, PASSWORD, "d").await,
        Err(AppError::BadCredentials)
    );
}

#[tokio::test]
async fn five_failures_on_one_account_block_it_from_any_client() {
    let w = world().await;
    let email = &w.people.agent_schs.email;
    for i in 0..LOGIN_MAX_FAILURES {
        let client = format!("198.51.100.{i}");
        assert_eq!(
            w.app.login(email, "mauvais", &client).await,
            Err(AppError::BadCredentials)
        );
    }
    // Refused before the password is checked: the right one too.
    assert_eq!(
        w.app.login(email, PASSWORD, "192.0.2.99").await,
        Err(AppError::TooManyAttempts)
    );
    // Other accounts are not concerned.
    w.app
        .set_password(w.people.rt.id, PASSWORD)
        .await
        .expect("password");
    assert!(
        w.app
            .login(&w.people.rt.email, PASSWORD, "192.0.2.99")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn five_failures_from_one_client_block_it_on_any_account() {
    let w = world().await;
    for i in 0..LOGIN_MAX_FAILURES {
        let email = format!("inconnu{i}@exemple.fr");
        assert_eq!(
            w.app.login(&email, "mauvais", "203.0.113.50").await,
            Err(AppError::BadCredentials)
        );
    }
    assert_eq!(
        w.app
            .login(&w.people.agent_schs.email, PASSWORD, "203.0.113.50")
            .await,
        Err(AppError::TooManyAttempts)
    );
    assert!(
        w.app
            .login(&w.people.agent_schs.email, PASSWORD, "203.0.113.51")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn successes_are_not_counted() {
    let w = world().await;
    let email = &w.people.agent_schs.email;
    for _ in 0..(LOGIN_MAX_FAILURES * 2) {
        assert!(w.app.login(email, PASSWORD, "local").await.is_ok());
    }
}

#[tokio::test]
async fn an_expired_session_is_refused_and_activity_slides_it() {
    let w = world().await;
    let (token, _) = w
        .app
        .login(&w.people.agent_schs.email, PASSWORD, "local")
        .await
        .expect("login");
    // Active every 7 hours: still open after 21 hours.
    for _ in 0..3 {
        w.clock.advance(TimeDelta::hours(7));
        assert!(w.app.staff_session(&token).await.expect("read").is_some());
    }
    w.clock.advance(SESSION_LIFETIME);
    assert_eq!(w.app.staff_session(&token).await, Ok(None));
    // And it is gone for good.
    assert!(
        SessionRepository::get(w.store.as_ref(), &session_id_hash(&token))
            .await
            .expect("get")
            .is_none()
    );
}

#[tokio::test]
async fn unknown_malformed_or_deactivated_sessions_are_refused() {
    let w = world().await;
    assert_eq!(w.app.staff_session("").await, Ok(None));
    assert_eq!(w.app.staff_session("pas-un-jeton").await, Ok(None));
    assert_eq!(w.app.staff_session(&"ab".repeat(32)).await, Ok(None));
    let agent = &w.people.agent_schs;
    let (token, _) = w
        .app
        .login(&agent.email, PASSWORD, "local")
        .await
        .expect("login");
    let mut inactive = agent.clone();
    inactive.status = UserStatus::Inactive;
    w.store.update(&inactive).await.expect("deactivate");
    assert_eq!(w.app.staff_session(&token).await, Ok(None));
}

#[tokio::test]
async fn logout_ends_this_session_only() {
    let w = world().await;
    let email = &w.people.agent_schs.email;
    let (here, _) = w.app.login(email, PASSWORD, "local").await.expect("login");
    let (there, _) = w.app.login(email, PASSWORD, "local").await.expect("login");
    w.app.logout(&here).await.expect("logout");
    assert_eq!(w.app.staff_session(&here).await, Ok(None));
    assert!(w.app.staff_session(&there).await.expect("read").is_some());
    w.app
        .logout(&here)
        .await
        .expect("logging out twice is fine");
}

#[tokio::test]
async fn logout_everywhere_ends_every_session_of_the_user() {
    let w = world().await;
    let email = &w.people.agent_schs.email;
    let mut tokens = Vec::new();
    for _ in 0..3 {
        tokens.push(
            w.app
                .login(email, PASSWORD, "local")
                .await
                .expect("login")
                .0,
        );
    }
    w.app
        .set_password(w.people.rt.id, PASSWORD)
        .await
        .expect("password");
    let (other, _) = w
        .app
        .login(&w.people.rt.email, PASSWORD, "local")
        .await
        .expect("login");
    let actor = w
        .app
        .staff_session(&tokens[0])
        .await
        .expect("read")
        .expect("open");
    assert_eq!(w.app.logout_everywhere(&actor).await, Ok(3));
    for token in &tokens {
        assert_eq!(w.app.staff_session(token).await, Ok(None));
    }
    assert!(w.app.staff_session(&other).await.expect("read").is_some());
    assert_eq!(
        w.app.logout_everywhere(&Actor::Anonymous).await,
        Err(AppError::NotFound("Compte"))
    );
}

#[tokio::test]
async fn password_policy_refusals_are_in_french() {
    let w = World::new().await;
    let agent = &w.people.agent_schs;
    let refusal = |r: Result<(), AppError>| match r {
        Err(AppError::Domain(DomainError::Invalid { field, message })) => {
            assert_eq!(field, "password");
            message
        }
        other => panic!("expected a policy refusal, got {other:?}"),
    };
    let short = refusal(w.app.set_password(agent.id, "Court1!").await);
    assert!(short.contains("au moins 12 caractères"), "{short}");
    let common = refusal(w.app.set_password(agent.id, "Motdepasse2026!").await);
    assert!(common.contains("trop courant"), "{common}");
    let email = refusal(w.app.set_password(agent.id, &agent.email).await);
    assert!(
        email.contains("e-mail") || email.contains("majuscule"),
        "{email}"
    );
    // Nothing was set.
    assert_eq!(
        w.app.login(&agent.email, "Motdepasse2026!", "local").await,
        Err(AppError::BadCredentials)
    );
}

#[tokio::test]
async fn a_new_password_ends_the_open_sessions() {
    let w = world().await;
    let agent = &w.people.agent_schs;
    let (token, _) = w
        .app
        .login(&agent.email, PASSWORD, "local")
        .await
        .expect("login");
    w.app
        .set_password(agent.id, "Autre-Mot-De-Passe-7")
        .await
        .expect("new password");
    assert_eq!(w.app.staff_session(&token).await, Ok(None));
    assert_eq!(
        w.app.login(&agent.email, PASSWORD, "local").await,
        Err(AppError::BadCredentials)
    );
    assert!(
        w.app
            .login(&agent.email, "Autre-Mot-De-Passe-7", "local")
            .await
            .is_ok()
    );
}
