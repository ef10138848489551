//! Back-office login and logout through the routes: `/connexion`,
//! `/deconnexion`, `/deconnexion-partout` and the `histologe_session` cookie.

mod support;

use axum::http::StatusCode;
use support::Site;

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
    let wrong = site.post_login(EMAIL, "Mauvais-1234!").await;
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
        let reply = site.post_login(EMAIL, "Mauvais-1234!").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = site.post_login(EMAIL, PASSWORD).await;
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

// ---------------------------------------------------------------------------
// Lost password, activation links and the second factor of super admins.

/// The `name=value` of the `Set-Cookie` named `name` that sets a value.
fn set_cookie(reply: &support::Reply, name: &str) -> Option<String> {
    reply
        .set_cookies()
        .into_iter()
        .filter(|c| c.starts_with(&format!("{name}=")) && !c.contains("Max-Age=0"))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
        .next()
}

#[tokio::test]
async fn the_login_page_links_to_the_lost_password_page() {
    let site = site().await;
    let page = site.get("/connexion").await;
    assert!(page.body.contains("href=\"/mot-de-passe-perdu\""));
    assert!(page.text().contains("Mot de passe oublié ?"));
    let lost = site.get("/mot-de-passe-perdu").await;
    assert_eq!(lost.status, StatusCode::OK);
    assert!(
        lost.body
            .contains("<label class=\"fr-label\" for=\"email\"")
    );
    let empty = site
        .post_form("/mot-de-passe-perdu", &[("email", "")], None)
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("fr-input-group--error"));
    assert!(empty.body.contains("aria-describedby=\"email-erreur\""));
}

#[tokio::test]
async fn a_user_following_the_e_mailed_link_sets_a_new_password_and_logs_in_with_it() {
    let site = site().await;
    let old_session = site.login(EMAIL, PASSWORD).await;
    // Known and unknown addresses get the same answer.
    let asked = site
        .post_form("/mot-de-passe-perdu", &[("email", EMAIL)], None)
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    assert_eq!(asked.location(), "/mot-de-passe-perdu?envoye=1");
    let unknown = site
        .post_form(
            "/mot-de-passe-perdu",
            &[("email", "personne@exemple.fr")],
            None,
        )
        .await;
    assert_eq!(unknown.status, asked.status);
    assert_eq!(unknown.location(), asked.location());
    let sent_page = site.get("/mot-de-passe-perdu?envoye=1").await;
    assert!(sent_page.text().contains("Si un compte correspond"));

    let sent = site.mails().await;
    assert_eq!(sent.len(), 1, "only the existing account gets an e-mail");
    assert_eq!(sent[0].to, vec![EMAIL.to_string()]);
    let link = support::password_link(&sent[0]);

    let page = site.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    assert!(page.text().contains(EMAIL));
    assert!(page.body.contains("autocomplete=\"new-password\""));

    let mismatch = site
        .post_form(
            &link,
            &[
                ("password", "Nouveau-Chemin-42"),
                ("confirmation", "Nouveau-Chemin-43"),
            ],
            None,
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.text().contains("identiques"), "{}", mismatch.body);
    assert!(mismatch.body.contains("href=\"#confirmation\""));
    assert!(!mismatch.body.contains("Nouveau-Chemin-42"), "never echoed");

    let done = site
        .post_form(
            &link,
            &[
                ("password", "Nouveau-Chemin-42"),
                ("confirmation", "Nouveau-Chemin-42"),
            ],
            None,
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/connexion?mot-de-passe=change");
    let info = site.get(&done.location()).await;
    assert!(info.text().contains("nouveau mot de passe est enregistré"));

    // The old session is gone; the new password opens a new one.
    let old = site.get_with("/bo", Some(&old_session)).await;
    assert_eq!(old.location(), "/connexion?suite=/bo");
    let refused = site.post_login(EMAIL, PASSWORD).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let cookie = site.login(EMAIL, "Nouveau-Chemin-42").await;
    assert_eq!(
        site.get_with("/bo", Some(&cookie)).await.status,
        StatusCode::OK
    );

    // A second use, and an unknown link, read alike.
    let reused = site.get(&link).await;
    assert_eq!(reused.status, StatusCode::GONE);
    assert!(reused.text().contains("Ce lien n'est plus valide"));
    assert!(reused.body.contains("href=\"/mot-de-passe-perdu\""));
    let unknown = site
        .get(&format!("/nouveau-mot-de-passe/{}", "ab".repeat(32)))
        .await;
    assert_eq!(unknown.status, reused.status);
    assert_eq!(unknown.body, reused.body);
    let post_again = site
        .post_form(
            &link,
            &[
                ("password", "Encore-Autre-9!x"),
                ("confirmation", "Encore-Autre-9!x"),
            ],
            None,
        )
        .await;
    assert_eq!(post_again.body, reused.body);
}

#[tokio::test]
async fn the_activation_page_asks_a_new_link_without_revealing_accounts() {
    let site = site().await;
    let page = site.get("/activation").await;
    assert_eq!(page.status, StatusCode::OK);
    for email in [EMAIL, "personne@exemple.fr"] {
        let reply = site
            .post_form("/activation", &[("email", email)], None)
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.location(), "/activation?envoye=1");
    }
    // The account is active already: no activation e-mail.
    assert!(site.mails().await.is_empty());
    for _ in 0..2 {
        site.post_form("/activation", &[("email", EMAIL)], None)
            .await;
    }
    let limited = site
        .post_form("/activation", &[("email", EMAIL)], None)
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.text().contains("Trop de demandes"));
    assert_eq!(limited.input_value("email").as_deref(), Some(EMAIL));
}

/// The site with the second factor on, as `HISTOLOGE_2FA` leaves it.
async fn site_with_2fa() -> Site {
    let mut site = site().await;
    site.state.app = site.state.app.clone().with_email_2fa(true);
    site.router = histologe_web::web::router(site.state.clone());
    site
}

#[tokio::test]
async fn a_super_admin_needs_the_e_mailed_code_to_open_a_session() {
    let site = site_with_2fa().await;
    let reply = site
        .post_form(
            "/connexion",
            &[
                ("email", EMAIL),
                ("password", PASSWORD),
                ("suite", "/bo/signalements"),
            ],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), "/connexion/code?suite=/bo/signalements");
    assert_eq!(set_cookie(&reply, "histologe_session"), None);
    let pending = set_cookie(&reply, "histologe_connexion").expect("pending cookie");
    assert!(reply.set_cookies().join(" ").contains("HttpOnly"));

    let page = site.get_with(&reply.location(), Some(&pending)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("autocomplete=\"one-time-code\""));
    assert!(page.body.contains("action=\"/connexion/code/renvoyer\""));

    let sent = site.mails().await;
    assert_eq!(sent.len(), 1);
    let code = login_code_of(&sent[0]);
    let wrong = format!(
        "{:06}",
        (code.parse::<u32>().expect("digits") + 1) % 1_000_000
    );
    let refused = site
        .post_form(
            "/connexion/code",
            &[("code", &wrong), ("suite", "/bo/signalements")],
            Some(&pending),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("Il vous reste 4 essais"));
    assert_eq!(refused.input_value("code").as_deref(), Some(wrong.as_str()));

    let opened = site
        .post_form(
            "/connexion/code",
            &[("code", &code), ("suite", "/bo/signalements")],
            Some(&pending),
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    assert_eq!(opened.location(), "/bo/signalements");
    let session = set_cookie(&opened, "histologe_session").expect("session cookie");
    assert_eq!(
        site.get_with("/bo", Some(&session)).await.status,
        StatusCode::OK
    );
    // The pending login is over.
    let again = site.get_with("/connexion/code", Some(&pending)).await;
    assert_eq!(again.location(), "/connexion?code=expire");
}

#[tokio::test]
async fn five_wrong_codes_send_the_super_admin_back_to_the_password() {
    let site = site_with_2fa().await;
    let reply = site.post_login(EMAIL, PASSWORD).await;
    let pending = set_cookie(&reply, "histologe_connexion").expect("pending cookie");
    let code = login_code_of(&site.mails().await[0]);
    let wrong = format!(
        "{:06}",
        (code.parse::<u32>().expect("digits") + 1) % 1_000_000
    );
    for _ in 0..4 {
        let reply = site
            .post_form("/connexion/code", &[("code", &wrong)], Some(&pending))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let blocked = site
        .post_form("/connexion/code", &[("code", &wrong)], Some(&pending))
        .await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.text().contains("Trop de codes erronés"));
    assert!(!blocked.body.contains("name=\"code\""), "no form any more");
    let late = site
        .post_form("/connexion/code", &[("code", &code)], Some(&pending))
        .await;
    assert_eq!(set_cookie(&late, "histologe_session"), None);
}

#[tokio::test]
async fn the_code_page_without_a_pending_login_sends_back_to_the_password() {
    let site = site_with_2fa().await;
    let page = site.get("/connexion/code").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/connexion?code=expire");
    let login = site.get(&page.location()).await;
    assert!(
        login
            .text()
            .contains("saisissez à nouveau votre mot de passe")
    );
    let resend = site.post_form("/connexion/code/renvoyer", &[], None).await;
    assert_eq!(resend.location(), "/connexion?code=expire");
}

/// The six digits of a login-code e-mail (in its text, never its subject).
fn login_code_of(mail: &histologe_ports::OutgoingEmail) -> String {
    let (_, rest) = mail
        .text
        .split_once(" est : ")
        .expect("a login code e-mail");
    rest.chars().take_while(char::is_ascii_digit).collect()
}
