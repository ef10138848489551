//! Account links and login codes on the memory adapters: lost password and
//! activation links (single use, expiry, non-enumerating answers, rate
//! limits) and the e-mailed second factor of super admins.

mod common;

use chrono::Duration;
use common::World;
use histologe_application::{AppError, LinkPurpose, SignIn};
use histologe_core::DomainError;
use histologe_core::enums::UserStatus;
use histologe_ports::{AccountTokenKind, AccountTokenRepository, OutgoingEmail, UserRepository};

const PASSWORD: &str = "Tr0mbone-Vert!";
const NEW_PASSWORD: &str = "Nouveau-Chemin-42";
const LINK_PREFIX: &str = "https://histologe.test/nouveau-mot-de-passe/";

/// The world, with a password for the SCHS agent and the super admin.
async fn world() -> World {
    let w = World::new().await;
    for user in [&w.people.agent_schs, &w.people.super_admin] {
        w.app
            .set_password(user.id, PASSWORD)
            .await
            .expect("policy-compliant password");
    }
    w
}

/// Runs the queued jobs; the e-mails they sent (and forgets them).
async fn mails(w: &World) -> Vec<OutgoingEmail> {
    w.runner.drain().await.expect("jobs run");
    let sent = w.mailer.sent();
    w.mailer.clear();
    sent
}

/// The token of the one link in the e-mail.
fn link_token(mail: &OutgoingEmail) -> String {
    let (_, rest) = mail
        .text
        .split_once(LINK_PREFIX)
        .unwrap_or_else(|| panic!("no link in {:?}", mail.text));
    rest.chars().take_while(char::is_ascii_hexdigit).collect()
}

/// The six digits of a login-code e-mail.
fn code_of(mail: &OutgoingEmail) -> String {
    assert!(
        !mail.subject.chars().any(|c| c.is_ascii_digit()),
        "a code never shows in a subject (lock screens show subjects): {}",
        mail.subject
    );
    let (_, rest) = mail
        .text
        .split_once(" est : ")
        .unwrap_or_else(|| panic!("not a login code: {}", mail.text));
    let code: String = rest.chars().take_while(char::is_ascii_digit).collect();
    assert_eq!(code.len(), 6, "{}", mail.text);
    code
}

/// A reset link e-mailed to the agent; its token.
async fn reset_link(w: &World) -> String {
    let agent = &w.people.agent_schs;
    w.app
        .request_password_reset(&agent.email, "203.0.113.1")
        .await
        .expect("request");
    let sent = mails(w).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, vec![agent.email.clone()]);
    link_token(&sent[0])
}

async fn make_inactive(w: &World, user: &histologe_core::model::User) {
    let mut inactive = user.clone();
    inactive.status = UserStatus::Inactive;
    UserRepository::update(w.store.as_ref(), &inactive)
        .await
        .expect("update");
}

#[tokio::test]
async fn a_lost_password_is_reset_through_the_e_mailed_link() {
    let w = world().await;
    let agent = &w.people.agent_schs;
    let (old_session, _) = w
        .app
        .login(&agent.email, PASSWORD, "local")
        .await
        .expect("login");
    // The address is matched whatever its case.
    w.app
        .request_password_reset(&format!(" {} ", agent.email.to_uppercase()), "local")
        .await
        .expect("request");
    let sent = mails(&w).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, vec![agent.email.clone()]);
    assert!(sent[0].text.contains("1 heure"), "{}", sent[0].text);
    let token = link_token(&sent[0]);
    assert_eq!(token.len(), 64);
    // Only its hash is stored.
    assert_eq!(
        w.store
            .valid_token(&token, AccountTokenKind::PasswordReset, common::start())
            .await,
        Ok(None)
    );

    let link = w.app.account_link(&token).await.expect("the link works");
    assert_eq!(link.purpose, LinkPurpose::PasswordReset);
    assert_eq!(link.email, agent.email);
    assert_eq!(
        w.app
            .set_password_with_link(&token, NEW_PASSWORD, NEW_PASSWORD)
            .await,
        Ok(LinkPurpose::PasswordReset)
    );
    assert_eq!(w.app.staff_session(&old_session).await, Ok(None));
    assert_eq!(
        w.app.login(&agent.email, PASSWORD, "local").await,
        Err(AppError::BadCredentials)
    );
    assert!(
        w.app
            .login(&agent.email, NEW_PASSWORD, "local")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_used_link_no_longer_works() {
    let w = world().await;
    let token = reset_link(&w).await;
    w.app
        .set_password_with_link(&token, NEW_PASSWORD, NEW_PASSWORD)
        .await
        .expect("first use");
    assert_eq!(
        w.app.account_link(&token).await,
        Err(AppError::NoLongerValid)
    );
    assert_eq!(
        w.app
            .set_password_with_link(&token, "Encore-Autre-Chose-9", "Encore-Autre-Chose-9")
            .await,
        Err(AppError::NoLongerValid)
    );
    assert!(
        w.app
            .login(&w.people.agent_schs.email, NEW_PASSWORD, "local")
            .await
            .is_ok(),
        "the second use changed nothing"
    );
    // The clock deletes the used link; it stays dead.
    assert_eq!(w.app.purge_account_tokens().await, Ok(1));
    assert_eq!(
        w.app.account_link(&token).await,
        Err(AppError::NoLongerValid)
    );
}

#[tokio::test]
async fn a_reset_link_expires_after_an_hour_and_answers_like_an_unknown_one() {
    let w = world().await;
    let token = reset_link(&w).await;
    w.advance(Duration::minutes(59));
    assert!(w.app.account_link(&token).await.is_ok());
    w.advance(Duration::minutes(1));
    let expired = w.app.account_link(&token).await;
    assert_eq!(expired, Err(AppError::NoLongerValid));
    assert_eq!(w.app.account_link(&"ab".repeat(32)).await, expired);
    assert_eq!(w.app.account_link("pas-un-jeton").await, expired);
    assert_eq!(
        w.app
            .set_password_with_link(&token, NEW_PASSWORD, NEW_PASSWORD)
            .await,
        Err(AppError::NoLongerValid)
    );
}

#[tokio::test]
async fn a_rejected_password_keeps_the_link_usable() {
    let w = world().await;
    let token = reset_link(&w).await;
    let agent = &w.people.agent_schs;
    let field_of = |r: Result<LinkPurpose, AppError>| match r {
        Err(AppError::Domain(DomainError::Invalid { field, message })) => (field, message),
        other => panic!("expected a refusal, got {other:?}"),
    };
    let (field, message) = field_of(
        w.app
            .set_password_with_link(&token, NEW_PASSWORD, "Nouveau-Chemin-43")
            .await,
    );
    assert_eq!(field, "confirmation");
    assert!(message.contains("identiques"), "{message}");
    let (field, _) = field_of(
        w.app
            .set_password_with_link(&token, &agent.email, &agent.email)
            .await,
    );
    assert_eq!(field, "password");
    let (field, _) = field_of(w.app.set_password_with_link(&token, "court", "court").await);
    assert_eq!(field, "password");
    assert_eq!(
        w.app
            .set_password_with_link(&token, NEW_PASSWORD, NEW_PASSWORD)
            .await,
        Ok(LinkPurpose::PasswordReset)
    );
}

#[tokio::test]
async fn link_requests_answer_the_same_whether_the_account_exists_or_not() {
    let w = world().await;
    let inactive = &w.people.agent_caf;
    make_inactive(&w, inactive).await;
    let active = &w.people.agent_schs;
    // Unknown address, inactive account (reset), active account
    // (activation): the same answer, and no e-mail.
    assert_eq!(
        w.app
            .request_password_reset("personne@exemple.fr", "a")
            .await,
        Ok(())
    );
    assert_eq!(
        w.app.request_password_reset(&inactive.email, "a").await,
        Ok(())
    );
    assert_eq!(
        w.app.request_activation_link(&active.email, "a").await,
        Ok(())
    );
    assert_eq!(
        w.app
            .request_activation_link("personne@exemple.fr", "a")
            .await,
        Ok(())
    );
    assert!(mails(&w).await.is_empty());
    // The accounts they fit get their link.
    assert_eq!(
        w.app.request_activation_link(&inactive.email, "a").await,
        Ok(())
    );
    let sent = mails(&w).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, vec![inactive.email.clone()]);
    assert!(sent[0].text.contains("7 jours"));
}

#[tokio::test]
async fn link_requests_are_limited_per_address_and_per_client() {
    let w = world().await;
    let agent = &w.people.agent_schs;
    for i in 0..3 {
        assert_eq!(
            w.app
                .request_password_reset(&agent.email, &format!("client-{i}"))
                .await,
            Ok(())
        );
    }
    assert_eq!(
        w.app.request_password_reset(&agent.email, "client-9").await,
        Err(AppError::TooManyAttempts)
    );
    // Unknown addresses are counted alike: the limit reveals nothing.
    for _ in 0..3 {
        assert_eq!(
            w.app
                .request_password_reset("personne@exemple.fr", "autre")
                .await,
            Ok(())
        );
    }
    assert_eq!(
        w.app
            .request_password_reset("personne@exemple.fr", "autre")
            .await,
        Err(AppError::TooManyAttempts)
    );
    // One client walking through addresses is stopped too.
    let mut refused = 0;
    for i in 0..25 {
        if w.app
            .request_password_reset(&format!("x{i}@exemple.fr"), "balayeur")
            .await
            == Err(AppError::TooManyAttempts)
        {
            refused += 1;
        }
    }
    assert_eq!(refused, 5, "20 requests per client per hour");
    assert_eq!(mails(&w).await.len(), 3, "only the agent's three links");
}

#[tokio::test]
async fn an_activation_link_sets_the_first_password_and_activates_the_account() {
    let w = World::new().await;
    let agent = &w.people.agent_caf;
    make_inactive(&w, agent).await;
    w.app
        .send_activation_link(agent.id)
        .await
        .expect("activation queued");
    let sent = mails(&w).await;
    assert_eq!(sent.len(), 1);
    let token = link_token(&sent[0]);
    assert_eq!(
        w.app.account_link(&token).await.map(|l| l.purpose),
        Ok(LinkPurpose::Activation)
    );
    // Six days later it still works (an agent away for the week).
    w.advance(Duration::days(6));
    assert_eq!(
        w.app
            .set_password_with_link(&token, NEW_PASSWORD, NEW_PASSWORD)
            .await,
        Ok(LinkPurpose::Activation)
    );
    let user = UserRepository::get(w.store.as_ref(), agent.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(user.status, UserStatus::Active);
    assert!(
        w.app
            .login(&agent.email, NEW_PASSWORD, "local")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn an_activation_link_expires_after_seven_days() {
    let w = World::new().await;
    let agent = &w.people.agent_caf;
    make_inactive(&w, agent).await;
    w.app.send_activation_link(agent.id).await.expect("queued");
    let token = link_token(&mails(&w).await[0]);
    w.advance(Duration::days(7));
    assert_eq!(
        w.app.account_link(&token).await,
        Err(AppError::NoLongerValid)
    );
}

// ---------------------------------------------------------------------------
// The second factor of super admins.

/// The super admin's pending login and the code e-mailed for it.
async fn pending_login(w: &World, app: &histologe_application::App) -> (String, String) {
    let admin = &w.people.super_admin;
    let SignIn::CodeSent { pending } = app
        .sign_in(&admin.email, PASSWORD, "local")
        .await
        .expect("password accepted")
    else {
        panic!("a super admin needs the e-mailed code");
    };
    let sent = mails(w).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, vec![admin.email.clone()]);
    (pending, code_of(&sent[0]))
}

fn wrong(code: &str) -> String {
    format!(
        "{:06}",
        (code.parse::<u32>().expect("digits") + 1) % 1_000_000
    )
}

#[tokio::test]
async fn a_super_admin_logs_in_with_the_e_mailed_code() {
    let w = world().await;
    let app = w.app.clone().with_email_2fa(true);
    let admin = &w.people.super_admin;
    // The password alone opens nothing.
    assert_eq!(
        app.login(&admin.email, PASSWORD, "local").await,
        Err(AppError::LoginCodeRequired)
    );
    let (pending, code) = pending_login(&w, &app).await;
    assert_eq!(code.len(), 6);
    assert!(app.pending_login_is_open(&pending).await.expect("read"));
    // The code is only stored hashed, bound to the pending login.
    assert_eq!(
        w.store
            .valid_token(&code, AccountTokenKind::LoginCode, common::start())
            .await,
        Ok(None)
    );
    let (token, actor) = app
        .verify_login_code(&pending, &format!(" {} {} ", &code[..3], &code[3..]))
        .await
        .expect("the code opens the session");
    assert_eq!(actor, w.actor(admin));
    assert_eq!(app.staff_session(&token).await, Ok(Some(actor)));
    // The pending login is over: the code does not open a second session.
    assert_eq!(
        app.verify_login_code(&pending, &code).await,
        Err(AppError::NoLongerValid)
    );
}

/// The code's job run again after its e-mail left (a worker killed before
/// marking it done): nothing is sent twice, and the code the super admin
/// received still opens the session.
#[tokio::test]
async fn a_login_code_job_run_again_keeps_the_code_that_was_sent() {
    let w = world().await;
    let app = w.app.clone().with_email_2fa(true);
    let admin = &w.people.super_admin;
    let SignIn::CodeSent { pending } = app
        .sign_in(&admin.email, PASSWORD, "local")
        .await
        .expect("password accepted")
    else {
        panic!("a super admin needs the e-mailed code");
    };
    let job = w
        .runner
        .claim()
        .await
        .expect("queue")
        .expect("the code's job");
    w.runner.run(job.clone()).await.expect("first run");
    // The same claim again, as a second worker would after a lost lease.
    w.runner.run(job).await.expect("second run");
    let sent = w.mailer.sent();
    assert_eq!(sent.len(), 1, "one e-mail, not two");
    let code = code_of(&sent[0]);
    assert!(
        app.verify_login_code(&pending, &code).await.is_ok(),
        "the e-mailed code was not replaced by one never sent"
    );
}

#[tokio::test]
async fn other_roles_and_a_disabled_second_factor_log_in_with_the_password() {
    let w = world().await;
    let app = w.app.clone().with_email_2fa(true);
    let agent = &w.people.agent_schs;
    assert!(matches!(
        app.sign_in(&agent.email, PASSWORD, "local").await,
        Ok(SignIn::Session { .. })
    ));
    let admin = &w.people.super_admin;
    assert!(matches!(
        w.app.sign_in(&admin.email, PASSWORD, "local").await,
        Ok(SignIn::Session { .. })
    ));
    assert!(mails(&w).await.is_empty());
}

#[tokio::test]
async fn five_wrong_codes_end_the_pending_login() {
    let w = world().await;
    let app = w.app.clone().with_email_2fa(true);
    let (pending, code) = pending_login(&w, &app).await;
    for left in (1..5).rev() {
        match app.verify_login_code(&pending, &wrong(&code)).await {
            Err(AppError::Domain(DomainError::Invalid { field, message })) => {
                assert_eq!(field, "code");
                assert!(message.contains(&format!("{left} essai")), "{message}");
            }
            other => panic!("expected a wrong code, got {other:?}"),
        }
    }
    assert_eq!(
        app.verify_login_code(&pending, &wrong(&code)).await,
        Err(AppError::TooManyAttempts)
    );
    // Even the right code is refused now.
    assert!(app.verify_login_code(&pending, &code).await.is_err());
    assert!(!app.pending_login_is_open(&pending).await.expect("read"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_parallel_wrong_guesses_ends_the_pending_login() {
    let w = world().await;
    let app = w.app.clone().with_email_2fa(true);
    let (pending, code) = pending_login(&w, &app).await;
    // Twenty guesses at once, none of them the code: each is counted
    // before it is compared, so at most four are answered "wrong code,
    // tries left" and the rest end or find the pending login over.
    let guesses: Vec<_> = (1..=20u32)
        .map(|i| {
            let (app, pending) = (app.clone(), pending.clone());
            let guess = format!(
                "{:06}",
                (code.parse::<u32>().expect("digits") + i) % 1_000_000
            );
            tokio::spawn(async move { app.verify_login_code(&pending, &guess).await })
        })
        .collect();
    let mut compared_and_wrong = 0;
    for guess in guesses {
        match guess.await.expect("joined") {
            Err(AppError::Domain(DomainError::Invalid { .. })) => compared_and_wrong += 1,
            Err(AppError::TooManyAttempts | AppError::NoLongerValid) => {}
            other => panic!("a wrong guess answered {other:?}"),
        }
    }
    assert!(
        compared_and_wrong <= 4,
        "{compared_and_wrong} guesses compared"
    );
    assert!(app.verify_login_code(&pending, &code).await.is_err());
}

#[tokio::test]
async fn a_malformed_code_is_not_counted_as_a_try() {
    let w = world().await;
    let app = w.app.clone().with_email_2fa(true);
    let (pending, code) = pending_login(&w, &app).await;
    for _ in 0..4 {
        assert!(
            app.verify_login_code(&pending, &wrong(&code))
                .await
                .is_err()
        );
    }
    match app.verify_login_code(&pending, "12a").await {
        Err(AppError::Domain(DomainError::Invalid { message, .. })) => {
            assert!(message.contains("6 chiffres"), "{message}");
        }
        other => panic!("expected a malformed code, got {other:?}"),
    }
    assert!(app.verify_login_code(&pending, &code).await.is_ok());
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let w = world().await;
    let app = w.app.clone().with_email_2fa(true);
    let (pending, code) = pending_login(&w, &app).await;
    w.advance(Duration::minutes(10));
    assert!(matches!(
        app.verify_login_code(&pending, &code).await,
        Err(AppError::Domain(DomainError::Invalid { .. }))
    ));
    // A new code for the same pending login works.
    app.resend_login_code(&pending).await.expect("resend");
    let fresh = code_of(&mails(&w).await[0]);
    assert!(app.verify_login_code(&pending, &fresh).await.is_ok());
}

#[tokio::test]
async fn a_new_code_replaces_the_previous_one_and_resends_are_limited() {
    let w = world().await;
    let app = w.app.clone().with_email_2fa(true);
    let (pending, first) = pending_login(&w, &app).await;
    app.resend_login_code(&pending).await.expect("resend");
    let second = code_of(&mails(&w).await[0]);
    if first != second {
        assert!(app.verify_login_code(&pending, &first).await.is_err());
    }
    app.resend_login_code(&pending).await.expect("resend");
    app.resend_login_code(&pending).await.expect("resend");
    assert_eq!(
        app.resend_login_code(&pending).await,
        Err(AppError::TooManyAttempts)
    );
    let last = code_of(mails(&w).await.last().expect("a code"));
    assert!(app.verify_login_code(&pending, &last).await.is_ok());
    // A right password does not send a fifth code in the window either:
    // whoever holds the password cannot flood the mailbox.
    let admin = &w.people.super_admin;
    assert_eq!(
        app.sign_in(&admin.email, PASSWORD, "local").await.err(),
        Some(AppError::TooManyAttempts)
    );
    // The pending login lasts 15 minutes, resends included (a fresh world:
    // this one's code counter is spent for the window).
    let w = world().await;
    let app = w.app.clone().with_email_2fa(true);
    let (pending, _) = pending_login(&w, &app).await;
    w.advance(Duration::minutes(15));
    assert_eq!(
        app.resend_login_code(&pending).await,
        Err(AppError::NoLongerValid)
    );
}

/// Every login is in the audit log (features.md §2.1): `LOGIN` for a
/// password, `LOGIN_2FA` for an e-mailed code; a refused password writes
/// nothing.
#[tokio::test]
async fn logins_are_written_in_the_audit_log() {
    use histologe_core::enums::HistoryEvent;
    use histologe_ports::HistoryRepository;
    let w = world().await;
    let agent = &w.people.agent_schs;
    let events_of = |user: &histologe_core::model::User| {
        let (store, id) = (w.store.clone(), user.id);
        async move {
            store
                .of_entity(id.0)
                .await
                .expect("history")
                .into_iter()
                .map(|e| (e.event, e.entity_name, e.user_id, e.signalement_id))
                .collect::<Vec<_>>()
        }
    };
    assert!(
        w.app
            .login(&agent.email, "pas-le-bon-mot-de-passe", "local")
            .await
            .is_err()
    );
    assert_eq!(events_of(agent).await, Vec::new());
    w.app
        .login(&agent.email, PASSWORD, "local")
        .await
        .expect("logged in");
    assert_eq!(
        events_of(agent).await,
        vec![(
            HistoryEvent::Login,
            "User".to_string(),
            Some(agent.id),
            None
        )]
    );

    let app = w.app.clone().with_email_2fa(true);
    let admin = &w.people.super_admin;
    let (pending, code) = pending_login(&w, &app).await;
    assert_eq!(
        events_of(admin).await,
        Vec::new(),
        "the password alone is no login"
    );
    app.verify_login_code(&pending, &code)
        .await
        .expect("the code opens the session");
    assert_eq!(
        events_of(admin).await,
        vec![(
            HistoryEvent::Login2fa,
            "User".to_string(),
            Some(admin.id),
            None
        )]
    );
}
