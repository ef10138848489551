//! The maintenance mode through the routes: a super admin switches it at
//! `/bo/maintenance`; meanwhile public pages answer 503 with a French page,
//! the back-office lets only super admins in, and the probes still answer.

mod support;

use axum::http::StatusCode;
use support::Site;
use support::world::{BoWorld, PASSWORD};

async fn switch_on(site: &Site, admin: &str, message: &str) {
    let reply = site
        .post_form(
            "/bo/maintenance",
            &[("mode", "on"), ("message", message)],
            Some(admin),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), "/bo/maintenance?fait=1");
}

#[tokio::test]
async fn public_pages_answer_503_with_a_french_page_during_maintenance() {
    let w = BoWorld::new().await;
    let (site, admin) = (&w.site, w.super_admin.cookie.clone());
    assert_eq!(site.get("/").await.status, StatusCode::OK);

    switch_on(site, &admin, "Retour prévu à 14 h.").await;
    for path in [
        "/",
        "/signalement",
        "/suivre-mon-signalement/00000000-0000-0000-0000-000000000000",
        "/mentions-legales",
        "/cgu",
    ] {
        let page = site.get(path).await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(page.header("retry-after"), Some("600"), "{path}");
        let text = page.text();
        assert!(
            text.contains("Service momentanément indisponible"),
            "{path}: {text}"
        );
        assert!(text.contains("Retour prévu à 14 h."), "{path}: {text}");
    }
    // A form post is refused too, with the same page.
    let post = site
        .post_form("/signalement", &[("profil", "locataire")], None)
        .await;
    assert_eq!(post.status, StatusCode::SERVICE_UNAVAILABLE);

    // Off again: the site opens at once in this process.
    let reply = site
        .post_form("/bo/maintenance", &[("mode", "off")], Some(&admin))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(site.get("/").await.status, StatusCode::OK);
    assert_eq!(site.get("/cgu").await.status, StatusCode::OK);
}

#[tokio::test]
async fn probes_assets_and_login_stay_open_during_maintenance() {
    let w = BoWorld::new().await;
    let (site, admin) = (&w.site, w.super_admin.cookie.clone());
    switch_on(site, &admin, "").await;
    assert_eq!(site.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(site.get("/readyz").await.status, StatusCode::OK);
    assert_eq!(site.get("/connexion").await.status, StatusCode::OK);
    let maintenance = site.get("/").await;
    assert_eq!(maintenance.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        !maintenance.text().contains("Message de l'équipe"),
        "no message, no callout"
    );
}

#[tokio::test]
async fn the_super_admin_still_works_and_an_agent_is_refused_after_login() {
    let w = BoWorld::new().await;
    let (site, admin) = (&w.site, w.super_admin.cookie.clone());
    switch_on(site, &admin, "Mise à jour de la plateforme.").await;

    for path in ["/bo", "/bo/signalements", "/bo/maintenance"] {
        let page = site.get_with(path, Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    }
    let form = site.get_with("/bo/maintenance", Some(&admin)).await;
    assert!(form.text().contains("Le mode maintenance est activé"));
    assert_eq!(
        form.textarea("message").as_deref(),
        Some("Mise à jour de la plateforme.")
    );

    // Without a session the back-office still sends to the login form…
    let anonymous = site.get("/bo").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().starts_with("/connexion"));
    // …where the agent signs in, then gets the maintenance page.
    let agent = site.login(&w.agent13.user.email, PASSWORD).await;
    for path in ["/bo", "/bo/signalements"] {
        let page = site.get_with(path, Some(&agent)).await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(page.text().contains("Mise à jour de la plateforme."));
    }
    let post = site
        .post_form("/bo/maintenance", &[("mode", "off")], Some(&agent))
        .await;
    assert_eq!(post.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(site.app().maintenance().await.expect("read").is_some());
}

#[tokio::test]
async fn only_a_super_admin_reaches_the_switch() {
    let w = BoWorld::new().await;
    let site = &w.site;
    let (agent, admin) = (w.agent13.cookie.clone(), w.super_admin.cookie.clone());
    let menu = |page: &str| page.contains("href=\"/bo/maintenance\"");
    assert!(menu(&site.get_with("/bo", Some(&admin)).await.body));
    assert!(!menu(&site.get_with("/bo", Some(&agent)).await.body));
    let page = site.get_with("/bo/maintenance", Some(&agent)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let post = site
        .post_form("/bo/maintenance", &[("mode", "on")], Some(&agent))
        .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    assert_eq!(site.get("/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_too_long_message_is_refused_and_kept_in_the_form() {
    let w = BoWorld::new().await;
    let (site, admin) = (&w.site, w.super_admin.cookie.clone());
    let long = "é".repeat(501);
    let reply = site
        .post_form(
            "/bo/maintenance",
            &[("mode", "on"), ("message", &long)],
            Some(&admin),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text().contains("ne doit pas dépasser 500 caractères"));
    assert_eq!(reply.textarea("message").as_deref(), Some(long.as_str()));
    assert!(reply.body.contains("href=\"#maintenance-message\""));
    assert_eq!(site.get("/").await.status, StatusCode::OK, "still open");
}
