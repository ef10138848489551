//! E-mail delivery through the routes: Brevo's webhook (`POST
//! /webhook/brevo`) marks addresses undeliverable and clears them, and
//! administrators see it (badge on the account's page, count on their
//! dashboard, list of the accounts); the outbox page shows the e-mails of
//! the embedded default, to super admins only.

mod support;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use histologe_core::enums::Role;
use support::world::BoWorld;
use support::{Reply, Site, WEBHOOK_SECRET};

fn fixture(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/tests/fixtures/brevo/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture JSON")
}

/// Brevo's sample of `event`, about `email`, at `ts_epoch` (ms).
fn event(name: &str, email: &str, ts_epoch: i64) -> serde_json::Value {
    let mut body = fixture("hard_bounce");
    body["event"] = name.into();
    body["email"] = email.into();
    body["ts_epoch"] = ts_epoch.into();
    body
}

async fn post(site: &Site, body: &serde_json::Value, secret: Option<&str>) -> Reply {
    let mut request =
        Request::post("/webhook/brevo").header(header::CONTENT_TYPE, "application/json");
    if let Some(secret) = secret {
        request = request.header(header::AUTHORIZATION, format!("Bearer {secret}"));
    }
    site.send(request.body(Body::from(body.to_string())).expect("request"))
        .await
}

async fn status_of(site: &Site, body: &serde_json::Value) -> String {
    let reply = post(site, body, Some(WEBHOOK_SECRET)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let json: serde_json::Value = serde_json::from_str(&reply.body).expect("JSON answer");
    json["status"].as_str().unwrap_or_default().to_string()
}

async fn issue_of(site: &Site, email: &str) -> Option<String> {
    site.app()
        .delivery_issue_of(email)
        .await
        .expect("issues")
        .map(|i| i.event)
}

#[tokio::test]
async fn each_brevo_event_marks_clears_or_leaves_the_address() {
    let w = BoWorld::new().await;
    let site = &w.site;
    let email = w.agent13.user.email.clone();
    let mut ts = 1_758_037_673_000_i64;
    for failure in [
        "hard_bounce",
        "soft_bounce",
        "blocked",
        "spam",
        "invalid_email",
        "error",
        "unsubscribed",
    ] {
        ts += 1000;
        assert_eq!(
            status_of(site, &event(failure, &email.to_uppercase(), ts)).await,
            "applied"
        );
        assert_eq!(
            issue_of(site, &email).await.as_deref(),
            Some(failure),
            "{failure} marks the address"
        );
        for success in [
            "delivered",
            "opened",
            "clicked",
            "unique_opened",
            "proxy_open",
            "unique_proxy_open",
        ] {
            ts += 1000;
            let _ = status_of(site, &event(failure, &email, ts)).await;
            ts += 1000;
            assert_eq!(
                status_of(site, &event(success, &email, ts)).await,
                "applied"
            );
            assert_eq!(
                issue_of(site, &email).await,
                None,
                "{success} clears {failure}"
            );
        }
    }
    for ignored in ["sent", "deferred", "request", "nouveau"] {
        ts += 1000;
        assert_eq!(
            status_of(site, &event(ignored, &email, ts)).await,
            "ignored"
        );
        assert_eq!(issue_of(site, &email).await, None, "{ignored} says nothing");
    }
    // Brevo's own samples, as they come.
    let mut sample = fixture("blocked");
    sample["email"] = email.clone().into();
    assert_eq!(status_of(site, &sample).await, "applied");
    assert_eq!(issue_of(site, &email).await.as_deref(), Some("blocked"));
    let sent = fixture("sent");
    assert_eq!(status_of(site, &sent).await, "ignored");
}

#[tokio::test]
async fn the_same_event_twice_has_one_effect() {
    let w = BoWorld::new().await;
    let site = &w.site;
    let email = w.agent13.user.email.clone();
    let mut bounce = fixture("hard_bounce");
    bounce["email"] = email.clone().into();
    assert_eq!(status_of(site, &bounce).await, "applied");
    let mut delivered = fixture("delivered");
    delivered["email"] = email.clone().into();
    delivered["ts_epoch"] = (bounce["ts_epoch"].as_i64().expect("ts") + 60_000).into();
    assert_eq!(status_of(site, &delivered).await, "applied");
    assert_eq!(issue_of(site, &email).await, None);
    // Brevo sends the bounce again: it must not mark the address anew.
    assert_eq!(status_of(site, &bounce).await, "duplicate");
    assert_eq!(issue_of(site, &email).await, None);
}

#[tokio::test]
async fn a_wrong_or_missing_secret_is_refused_and_changes_nothing() {
    let w = BoWorld::new().await;
    let site = &w.site;
    let email = w.agent13.user.email.clone();
    let body = event("hard_bounce", &email, 1_758_037_673_000);
    for secret in [
        None,
        Some("mauvais-secret"),
        Some(&WEBHOOK_SECRET[..WEBHOOK_SECRET.len() - 1]),
    ] {
        let reply = post(site, &body, secret).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{secret:?}");
        assert!(reply.body.contains("unauthorized"), "{}", reply.body);
    }
    let basic = Request::post("/webhook/brevo")
        .header(header::AUTHORIZATION, format!("Basic {WEBHOOK_SECRET}"))
        .body(Body::from(body.to_string()))
        .expect("request");
    assert_eq!(site.send(basic).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(issue_of(site, &email).await, None);

    let incomplete = serde_json::json!({ "event": "hard_bounce" });
    let reply = post(site, &incomplete, Some(WEBHOOK_SECRET)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("event_and_email_required"),
        "{}",
        reply.body
    );
    let reply = post(
        site,
        &serde_json::json!("pas un objet"),
        Some(WEBHOOK_SECRET),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_disabled_template_is_an_operators_problem_not_the_addresss() {
    let w = BoWorld::new().await;
    let mut body = fixture("error");
    body["email"] = w.agent13.user.email.clone().into();
    body["reason"] = "template is disabled".into();
    body["template_id"] = 287.into();
    assert_eq!(status_of(&w.site, &body).await, "template_disabled");
    assert_eq!(issue_of(&w.site, &w.agent13.user.email).await, None);
}

#[tokio::test]
async fn administrators_see_the_undeliverable_accounts_of_their_scope() {
    let w = BoWorld::new().await;
    let site = &w.site;
    let mut bounce = fixture("hard_bounce");
    bounce["email"] = w.agent13.user.email.clone().into();
    assert_eq!(status_of(site, &bounce).await, "applied");

    // The user's page: a badge with what Brevo said.
    let page = site
        .get_with(
            &format!("/bo/utilisateurs/{}", w.agent13.user.id),
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let text = page.text();
    assert!(text.contains("Adresse e-mail en erreur"), "{text}");
    assert!(text.contains("adresse inexistante"), "{text}");
    assert!(text.contains("recipient email does not exist"), "{text}");

    // The dashboard counts it for the RT of the 13 and the super admin.
    for (who, expected) in [(&w.rt13, 1), (&w.super_admin, 1), (&w.rt33, 0)] {
        let page = site.get_with("/bo", Some(&who.cookie)).await;
        let body = support::unescape(&page.body);
        let tile = body
            .split("Adresses e-mail en erreur</a>")
            .nth(1)
            .unwrap_or_else(|| panic!("the tile for {}: {body}", who.user.email));
        let count: String = tile
            .split("fr-tile__detail fr-h3\">")
            .nth(1)
            .expect("the tile's count")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        assert_eq!(count, expected.to_string(), "{}", who.user.email);
    }
    // Agents and partner admins have no such tile, nor the list.
    let page = site.get_with("/bo", Some(&w.agent13.cookie)).await;
    assert!(!page.body.contains("Adresses e-mail en erreur"));
    let list = site
        .get_with("/bo/adresses-en-erreur", Some(&w.partner_admin13.cookie))
        .await;
    assert_eq!(list.status, StatusCode::FORBIDDEN);

    // The list links to the account.
    let list = site
        .get_with("/bo/adresses-en-erreur", Some(&w.rt13.cookie))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body
            .contains(&format!("/bo/utilisateurs/{}", w.agent13.user.id))
    );
    let other = site
        .get_with("/bo/adresses-en-erreur", Some(&w.rt33.cookie))
        .await;
    assert!(
        other.text().contains("Aucune adresse en erreur"),
        "{}",
        other.text()
    );

    // A later success clears it everywhere.
    let mut delivered = fixture("delivered");
    delivered["email"] = w.agent13.user.email.clone().into();
    delivered["ts_epoch"] = (bounce["ts_epoch"].as_i64().expect("ts") + 1000).into();
    assert_eq!(status_of(site, &delivered).await, "applied");
    let page = site
        .get_with(
            &format!("/bo/utilisateurs/{}", w.agent13.user.id),
            Some(&w.rt13.cookie),
        )
        .await;
    assert!(!page.text().contains("Adresse e-mail en erreur"));
}

#[tokio::test]
async fn a_partners_generic_address_in_error_shows_on_its_page() {
    let w = BoWorld::new().await;
    let mut partner = w.caf13.clone();
    partner.email = Some("logement@caf13.test".into());
    partner.email_notifiable = true;
    histologe_ports::PartnerRepository::update(&w.site.adapters.store, &partner)
        .await
        .expect("mailbox set");
    let mut bounce = fixture("hard_bounce");
    bounce["email"] = "Logement@CAF13.test".into();
    assert_eq!(status_of(&w.site, &bounce).await, "applied");
    let page = w
        .site
        .get_with(
            &format!("/bo/partenaires/{}", partner.id),
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains("Adresse e-mail en erreur"),
        "{}",
        page.text()
    );
    let list = w
        .site
        .get_with("/bo/adresses-en-erreur", Some(&w.rt13.cookie))
        .await;
    assert!(
        list.body
            .contains(&format!("/bo/partenaires/{}", partner.id))
    );
}

#[tokio::test]
async fn the_outbox_page_shows_each_email_as_read_to_super_admins_only() {
    let dir = tempfile::tempdir().expect("outbox dir");
    let outbox = histologe_adapters_brevo::OutboxMailer::new(dir.path());
    let site = Site::with_mailer(Arc::new(outbox)).await;
    site.staff_account("admin@histologe.test", "Un mot de passe solide, 2026 !")
        .await;
    let admin = site
        .login("admin@histologe.test", "Un mot de passe solide, 2026 !")
        .await;
    site.staff_member(
        "rt@histologe.test",
        "Un mot de passe solide, 2026 !",
        Role::TerritoryAdmin,
        None,
        false,
    )
    .await;
    histologe_ports::Mailer::send(
        site.ports.mailer.as_ref(),
        &histologe_ports::OutgoingEmail {
            to: vec!["camille@example.test".into()],
            subject: "Activez votre compte".into(),
            text: "Ouvrez https://signal-logement.test/activation/abc pour choisir votre mot de passe.".into(),
            html: Some("<p style=\"color:#000091\">Ouvrez le lien</p><script>alert(1)</script>".into()),
            template: "account_activation".into(),
            tag: "Pro Activation de Compte".into(),
            attachments: Vec::new(),
        },
    )
    .await
    .expect("written to the outbox");

    let list = site.get_with("/bo/courriels", Some(&admin)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let text = list.text();
    assert!(
        text.contains("Activez votre compte") && text.contains("camille@example.test"),
        "{text}"
    );
    let id = list
        .body
        .split("/bo/courriels/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the e-mail")
        .to_string();
    let one = site
        .get_with(&format!("/bo/courriels/{id}"), Some(&admin))
        .await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(
        one.body
            .contains("href=\"https://signal-logement.test/activation/abc\""),
        "the link of the text part can be followed: {}",
        one.body
    );
    assert!(
        one.body.contains("sandbox"),
        "the HTML part is in a sandboxed frame"
    );
    let frame = site
        .get_with(&format!("/bo/courriels/{id}/html"), Some(&admin))
        .await;
    assert_eq!(frame.status, StatusCode::OK);
    let csp = frame
        .header("content-security-policy")
        .expect("its own policy");
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(frame.body.contains("color:#000091"));

    // Not for a territory admin, nor anonymous visitors.
    let rt = site
        .login("rt@histologe.test", "Un mot de passe solide, 2026 !")
        .await;
    assert_eq!(
        site.get_with("/bo/courriels", Some(&rt)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        site.get_with(&format!("/bo/courriels/{id}/html"), Some(&rt))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_ne!(site.get("/bo/courriels").await.status, StatusCode::OK);
    assert_eq!(
        site.get_with("/bo/courriels/..%2F..%2Fetc", Some(&admin))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_outbox_page_is_not_routed_with_a_real_transport() {
    let w = BoWorld::new().await;
    let page = w
        .site
        .get_with("/bo/courriels", Some(&w.super_admin.cookie))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}
