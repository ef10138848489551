//! Back-office login and logout through the routes: `/connexion`,
//! `/deconnexion`, `/deconnexion-partout` and the `histologe_session` cookie.

mod support;

use axum::http::StatusCode;
use support::Site;
// The support's re-exports serve other route tests.
#[allow(unused_imports)]
use support::{complete, payload_answers};

const EMAIL: &str = "admin-demo@signal-logement.test";
const PASSWORD: &str = "Histologe-demo-2026";

async fn site() -> Site {
    let site = Site::new().await;
    site.staff_account(EMAIL, PASSWORD).await;
    site
}

#[tokio::test]
async fn the_login_page_renders_a_dsfr_form() {
    let site = site().await;
    let page = site.get("/connexion?suite=/bo/signalements").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(
        body.contains("Connexion à l'espace partenaires")
            || page.text().contains("Connexion à l'espace partenaires")
    );
    assert!(body.contains("autocomplete=\"username\""), "{body}");
    assert!(body.contains("autocomplete=\"current-password\""));
    assert!(body.contains("type=\"password\""));
    assert_eq!(
        page.input_value("suite").as_deref(),
        Some("/bo/signalements")
    );
    // An outside `suite` is never carried.
    let outside = site.get("/connexion?suite=//evil.example/bo").await;
    assert_eq!(outside.input_value("suite").as_deref(), Some("/bo"));
}

#[tokio::test]
async fn a_good_login_sets_a_protected_cookie_and_goes_to_the_back_office() {
    let site = site().await;
    let reply = site
        .post_form(
            "/connexion",
            &[
                ("email", EMAIL),
                ("password", PASSWORD),
                ("suite", "/bo/signalements?page=2"),
            ],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), "/bo/signalements?page=2");
    let set = reply.set_cookies().join("\n");
    assert!(set.starts_with("histologe_session="), "{set}");
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("SameSite=Lax"), "{set}");
    assert!(set.contains("Secure"), "{set}");
    assert!(set.contains("Path=/"), "{set}");

    // A `suite` outside the back-office is ignored.
    let reply = site
        .post_form(
            "/connexion",
            &[
                ("email", EMAIL),
                ("password", PASSWORD),
                ("suite", "https://evil.example/"),
            ],
            None,
        )
        .await;
    assert_eq!(reply.location(), "/bo");
}

#[tokio::test]
async fn a_wrong_password_says_identifiants_incorrects_and_keeps_the_email() {
    let site = site().await;
    let wrong = site
        .post_form(
            "/connexion",
            &[("email", EMAIL), ("password", "Mauvais-1234!")],
            None,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.text().contains("Identifiants incorrects"),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains("fr-input-group--error"));
    assert_eq!(wrong.input_value("email").as_deref(), Some(EMAIL));
    assert!(wrong.set_cookies().is_empty());
    // An unknown e-mail reads exactly the same (no account is revealed).
    let unknown = site
        .post_form(
            "/connexion",
            &[
                ("email", "personne@exemple.fr"),
                ("password", "Mauvais-1234!"),
            ],
            None,
        )
        .await;
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(
        unknown.body.replace("personne@exemple.fr", EMAIL),
        wrong.body
    );
}

#[tokio::test]
async fn the_sixth_failure_is_refused_with_429() {
    let site = site().await;
    for _ in 0..5 {
        let reply = site
            .post_form(
                "/connexion",
                &[("email", EMAIL), ("password", "Mauvais-1234!")],
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = site
        .post_form(
            "/connexion",
            &[("email", EMAIL), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        blocked.text().contains("Trop de tentatives"),
        "{}",
        blocked.body
    );
    assert!(blocked.set_cookies().is_empty());
}

#[tokio::test]
async fn logout_ends_the_session_and_clears_the_cookie() {
    let site = site().await;
    let cookie = site.login(EMAIL, PASSWORD).await;
    let reply = site.post_form("/deconnexion", &[], Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/connexion?deconnexion=ici");
    let cleared = reply.set_cookies().join("\n");
    assert!(cleared.starts_with("histologe_session="), "{cleared}");
    assert!(
        cleared.contains("Max-Age=0") || cleared.contains("1970"),
        "{cleared}"
    );
    // The old cookie opens nothing any more.
    let after = site
        .post_form("/deconnexion-partout", &[], Some(&cookie))
        .await;
    assert_eq!(after.location(), "/connexion?suite=/deconnexion-partout");
    let page = site.get("/connexion?deconnexion=ici").await;
    assert!(page.text().contains("Vous êtes déconnecté(e)."));
}

#[tokio::test]
async fn logout_everywhere_invalidates_the_other_devices() {
    let site = site().await;
    let laptop = site.login(EMAIL, PASSWORD).await;
    let phone = site.login(EMAIL, PASSWORD).await;
    assert_ne!(laptop, phone);
    let reply = site
        .post_form("/deconnexion-partout", &[], Some(&laptop))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/connexion?deconnexion=partout");
    // The phone's session is gone too: the extractor sends it to login.
    let reply = site
        .post_form("/deconnexion-partout", &[], Some(&phone))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/connexion?suite=/deconnexion-partout");
}

#[tokio::test]
async fn without_a_session_the_extractor_redirects_to_login() {
    let site = site().await;
    let reply = site.post_form("/deconnexion-partout", &[], None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/connexion?suite=/deconnexion-partout");
    let forged = site
        .post_form("/deconnexion-partout", &[], Some("histologe_session=abc"))
        .await;
    assert_eq!(forged.location(), "/connexion?suite=/deconnexion-partout");
}
