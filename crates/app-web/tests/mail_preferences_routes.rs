//! `/bo/mon-compte/notifications` through the routes: every back-office
//! user reaches it from the header, sees his current choice, and changes
//! his own e-mail preference (one per event, daily digest, none) and no
//! one else's.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use histologe_core::ids::UserId;
use histologe_ports::UserRepository;
use support::world::BoWorld;
use support::{HOST, Site};

const PAGE: &str = "/bo/mon-compte/notifications";

/// `(is_mailing_active, is_mailing_summary)` as stored.
async fn flags(site: &Site, user: UserId) -> (bool, bool) {
    let user = UserRepository::get(&site.adapters.store, user)
        .await
        .expect("users")
        .expect("the user");
    (user.is_mailing_active, user.is_mailing_summary)
}

/// The value of the radio button checked in the page, if any.
fn checked(body: &str) -> Option<String> {
    body.split("<input")
        .skip(1)
        .filter_map(|tag| tag.split_once('>').map(|(attributes, _)| attributes))
        .filter(|a| a.contains("name=\"preference\"") && a.contains(" checked"))
        .filter_map(|a| {
            a.split_once(" value=\"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(v, _)| v.to_string())
        })
        .next()
}

#[tokio::test]
async fn every_staff_member_finds_the_page_in_the_header_with_his_current_choice() {
    let w = BoWorld::new().await;
    let (site, agent) = (&w.site, w.agent13.cookie.clone());
    let dashboard = site.get_with("/bo", Some(&agent)).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(
        dashboard
            .body
            .contains("href=\"/bo/mon-compte/notifications\""),
        "the header links to the page"
    );
    let page = site.get_with(PAGE, Some(&agent)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let text = page.text();
    for label in [
        "Mes notifications par e-mail",
        "Un e-mail à chaque événement",
        "Un récapitulatif quotidien (vers 08:00)",
        "Aucun e-mail",
    ] {
        assert!(text.contains(label), "{label} missing");
    }
    assert_eq!(checked(&page.body).as_deref(), Some("chaque_evenement"));
    // Every choice has its label.
    for value in ["chaque_evenement", "recapitulatif_quotidien", "aucun"] {
        assert!(
            page.body.contains(&format!(
                "<label class=\"fr-label\" for=\"preference-{value}\">"
            )),
            "{value} has no label"
        );
    }

    let anonymous = site.get(PAGE).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().starts_with("/connexion?suite="));
}

#[tokio::test]
async fn each_choice_is_saved_shown_back_and_changes_only_the_users_own_account() {
    let w = BoWorld::new().await;
    let (site, agent) = (&w.site, w.agent13.cookie.clone());
    let (agent_id, rt_id) = (w.agent13.user.id, w.rt13.user.id);
    let rt_before = flags(site, rt_id).await;
    for (value, expected) in [
        ("recapitulatif_quotidien", (true, true)),
        ("aucun", (false, false)),
        ("chaque_evenement", (true, false)),
    ] {
        // A user field slipped into the form changes nothing: the page
        // acts on the signed-in account only.
        let reply = site
            .post_form(
                PAGE,
                &[("preference", value), ("user", &rt_id.to_string())],
                Some(&agent),
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        assert_eq!(reply.location(), format!("{PAGE}?fait=1"));
        assert_eq!(flags(site, agent_id).await, expected, "{value}");
        let page = site.get_with(&reply.location(), Some(&agent)).await;
        assert!(page.text().contains("Votre choix est enregistré."));
        assert_eq!(checked(&page.body).as_deref(), Some(value));
    }
    assert_eq!(flags(site, rt_id).await, rt_before, "the RT's untouched");

    // The RT's own choice is his.
    let rt = w.rt13.cookie.clone();
    let reply = site
        .post_form(PAGE, &[("preference", "aucun")], Some(&rt))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(flags(site, rt_id).await, (false, false));
    assert_eq!(flags(site, agent_id).await, (true, false));
}

#[tokio::test]
async fn a_missing_or_unknown_choice_is_refused_with_the_error_tied_to_the_choices() {
    let w = BoWorld::new().await;
    let (site, agent) = (&w.site, w.agent13.cookie.clone());
    let agent_id = w.agent13.user.id;
    let before = flags(site, agent_id).await;
    for fields in [vec![], vec![("preference", "tous_les_jours")]] {
        let reply = site.post_form(PAGE, &fields, Some(&agent)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        let text = reply.text();
        assert!(text.contains("Le formulaire n'a pas été enregistré"));
        assert!(text.contains("Choisissez comment recevoir vos notifications par e-mail."));
        assert!(
            reply
                .body
                .contains("aria-labelledby=\"preference-legend preference-erreur\""),
            "the error is read with the choices"
        );
        assert!(reply.body.contains("id=\"preference-erreur\""));
        assert_eq!(checked(&reply.body), None);
        assert_eq!(flags(site, agent_id).await, before);
    }
}

#[tokio::test]
async fn a_post_from_another_site_changes_nothing() {
    let w = BoWorld::new().await;
    let (site, agent) = (&w.site, w.agent13.cookie.clone());
    let agent_id = w.agent13.user.id;
    let before = flags(site, agent_id).await;
    let forged = Request::post(PAGE)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, "https://ailleurs.example")
        .header("sec-fetch-site", "cross-site")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &agent)
        .body(Body::from("preference=aucun"))
        .expect("request");
    let reply = site.send(forged).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(flags(site, agent_id).await, before);
}
