//! The users administration (features.md §2.13) through its routes, as an
//! administrator checks it: who sees which accounts, creating an agent who
//! then activates his account and logs in, the roles a creator may give,
//! editing and archiving, and a rejected form that keeps what was typed.

mod support;

use axum::http::StatusCode;
use histologe_core::enums::{Role, UserStatus};
use histologe_ports::UserRepository;
use support::world::{BoWorld, PASSWORD};

fn new_user_form<'a>(partner: &'a str, email: &'a str, role: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("partenaire", partner),
        ("email", email),
        ("prenom", "Lucie"),
        ("nom", "Bernard"),
        ("role", role),
    ]
}

#[tokio::test]
async fn an_rt_creates_an_agent_who_activates_his_account_and_logs_in() {
    let w = BoWorld::new().await;
    let partner = w.schs13.id.to_string();
    let form = w
        .site
        .get_with("/bo/utilisateurs/nouveau", Some(&w.rt13.cookie))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.text().contains("SCHS de Marseille"));
    assert!(
        !form.text().contains("SCHS de Bordeaux"),
        "another territory's partner"
    );

    let created = w
        .site
        .post_form(
            "/bo/utilisateurs",
            &new_user_form(&partner, "lucie.bernard@marseille.fr", "ROLE_USER_PARTNER"),
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location(), "/bo/utilisateurs?fait=cree");
    let list = w
        .site
        .get_with(&created.location(), Some(&w.rt13.cookie))
        .await;
    let text = list.text();
    assert!(text.contains("un e-mail d'activation lui a été envoyé"));
    assert!(text.contains("lucie.bernard@marseille.fr"));
    assert!(text.contains("En attente d'activation"));

    let user = UserRepository::by_email(&w.site.adapters.store, "lucie.bernard@marseille.fr")
        .await
        .expect("users")
        .expect("the new account");
    assert_eq!(user.status, UserStatus::Inactive);
    assert_eq!(user.role, Role::Agent);
    assert!(user.belongs_to(w.schs13.id));
    let jobs = w.site.jobs().await;
    assert!(
        jobs.iter().any(|j| j.kind.as_str() == "email.account_link"),
        "the activation e-mail is queued"
    );

    let sent = w.site.mails().await;
    let mail = sent
        .iter()
        .find(|m| m.to == vec!["lucie.bernard@marseille.fr".to_string()])
        .expect("an activation e-mail to the new agent");
    let link = support::password_link(mail);
    let page = w.site.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{link}: {}", page.body);
    let done = w
        .site
        .post_form(
            &link,
            &[
                ("password", "Premier-Mot-De-Passe-7"),
                ("confirmation", "Premier-Mot-De-Passe-7"),
            ],
            None,
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let cookie = w
        .site
        .login("lucie.bernard@marseille.fr", "Premier-Mot-De-Passe-7")
        .await;
    assert_eq!(
        w.site.get_with("/bo", Some(&cookie)).await.status,
        StatusCode::OK
    );
    // A new agent does not administer users.
    assert_eq!(
        w.site
            .get_with("/bo/utilisateurs", Some(&cookie))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_rt_of_another_territory_finds_neither_the_partner_nor_the_user() {
    let w = BoWorld::new().await;
    let partner = w.schs13.id.to_string();
    let refused = w
        .site
        .post_form(
            "/bo/utilisateurs",
            &new_user_form(&partner, "intrus@bordeaux.fr", "ROLE_USER_PARTNER"),
            Some(&w.rt33.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(refused.text().contains("Page introuvable"));
    let agent = format!("/bo/utilisateurs/{}", w.agent13.user.id);
    for reply in [
        w.site.get_with(&agent, Some(&w.rt33.cookie)).await,
        w.site
            .post_form(
                &agent,
                &[("role", "ROLE_ADMIN_PARTNER")],
                Some(&w.rt33.cookie),
            )
            .await,
        w.site
            .post_form(&format!("{agent}/archiver"), &[], Some(&w.rt33.cookie))
            .await,
    ] {
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    }
    let list = w
        .site
        .get_with("/bo/utilisateurs", Some(&w.rt33.cookie))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.text().contains("agent13@histologe.test"));
    assert!(
        UserRepository::by_email(&w.site.adapters.store, "intrus@bordeaux.fr")
            .await
            .expect("users")
            .is_none()
    );
}

#[tokio::test]
async fn each_administrator_sees_the_users_he_manages_and_agents_are_refused() {
    let w = BoWorld::new().await;
    let page = w
        .site
        .get_with("/bo/utilisateurs", Some(&w.agent13.cookie))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let dashboard = w.site.get_with("/bo", Some(&w.agent13.cookie)).await;
    assert!(!dashboard.body.contains("href=\"/bo/utilisateurs\""));

    let rt = w
        .site
        .get_with("/bo/utilisateurs", Some(&w.rt13.cookie))
        .await;
    assert_eq!(rt.status, StatusCode::OK);
    assert!(
        rt.body.contains("href=\"/bo/utilisateurs\""),
        "the menu link"
    );
    let text = rt.text();
    for seen in [
        "agent13@histologe.test",
        "pa13@histologe.test",
        "rt13@histologe.test",
    ] {
        assert!(text.contains(seen), "{seen}");
    }
    for unseen in ["rt33@histologe.test", "admin@histologe.test"] {
        assert!(!text.contains(unseen), "{unseen}");
    }

    let pa = w
        .site
        .get_with("/bo/utilisateurs", Some(&w.partner_admin13.cookie))
        .await;
    let text = pa.text();
    assert!(text.contains("agent13@histologe.test"));
    assert!(
        !text.contains("rt13@histologe.test"),
        "the RT is of another partner"
    );

    let all = w
        .site
        .get_with("/bo/utilisateurs", Some(&w.super_admin.cookie))
        .await;
    let text = all.text();
    for seen in [
        "rt33@histologe.test",
        "agent13@histologe.test",
        "admin@histologe.test",
    ] {
        assert!(text.contains(seen), "{seen}");
    }
    // Search and partner filter.
    let found = w
        .site
        .get_with(
            "/bo/utilisateurs?recherche=AGENT13",
            Some(&w.super_admin.cookie),
        )
        .await;
    assert!(found.text().contains("agent13@histologe.test"));
    assert!(!found.text().contains("rt33@histologe.test"));
    let filtered = w
        .site
        .get_with(
            &format!("/bo/utilisateurs?partenaire={}", w.schs33.id),
            Some(&w.super_admin.cookie),
        )
        .await;
    assert!(!filtered.text().contains("agent13@histologe.test"));
}

#[tokio::test]
async fn a_partner_admin_cannot_create_an_rt_and_the_form_keeps_what_was_typed() {
    let w = BoWorld::new().await;
    let partner = w.schs13.id.to_string();
    let form = w
        .site
        .get_with("/bo/utilisateurs/nouveau", Some(&w.partner_admin13.cookie))
        .await;
    assert!(
        !form.body.contains("value=\"ROLE_ADMIN_TERRITORY\""),
        "not offered"
    );
    let refused = w
        .site
        .post_form(
            "/bo/utilisateurs",
            &new_user_form(&partner, "futur.rt@marseille.fr", "ROLE_ADMIN_TERRITORY"),
            Some(&w.partner_admin13.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .contains("Vous ne pouvez pas attribuer ce rôle.")
    );
    assert!(refused.body.contains("href=\"#utilisateur-role\""));
    assert_eq!(
        refused.input_value("email").as_deref(),
        Some("futur.rt@marseille.fr")
    );
    assert_eq!(refused.input_value("prenom").as_deref(), Some("Lucie"));
    assert_eq!(refused.input_value("nom").as_deref(), Some("Bernard"));
    assert!(
        UserRepository::by_email(&w.site.adapters.store, "futur.rt@marseille.fr")
            .await
            .expect("users")
            .is_none()
    );

    // A taken e-mail, told in French, the rest kept.
    let taken = w
        .site
        .post_form(
            "/bo/utilisateurs",
            &new_user_form(&partner, "AGENT13@histologe.test", "ROLE_USER_PARTNER"),
            Some(&w.partner_admin13.cookie),
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        taken
            .text()
            .contains("Un compte existe déjà avec cette adresse e-mail.")
    );
    assert!(
        taken
            .body
            .contains("aria-describedby=\"utilisateur-email-erreur\"")
    );
    assert_eq!(taken.input_value("prenom").as_deref(), Some("Lucie"));

    // An agent of his partner is fine.
    let ok = w
        .site
        .post_form(
            "/bo/utilisateurs",
            &new_user_form(&partner, "collegue@marseille.fr", "ROLE_USER_PARTNER"),
            Some(&w.partner_admin13.cookie),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
}

#[tokio::test]
async fn an_rt_promotes_then_archives_an_agent_whose_sessions_end() {
    let w = BoWorld::new().await;
    let agent = format!("/bo/utilisateurs/{}", w.agent13.user.id);
    let promoted = w
        .site
        .post_form(
            &agent,
            &[
                ("role", "ROLE_ADMIN_PARTNER"),
                ("permission_affectation", "1"),
            ],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(promoted.status, StatusCode::SEE_OTHER, "{}", promoted.body);
    let user = UserRepository::get(&w.site.adapters.store, w.agent13.user.id)
        .await
        .expect("users")
        .expect("the agent");
    assert_eq!(user.role, Role::PartnerAdmin);
    assert!(user.has_permission_affectation);

    // A partner admin does not archive, nor give the affectation permission.
    let pa_archive = w
        .site
        .post_form(
            &format!("{agent}/archiver"),
            &[],
            Some(&w.partner_admin13.cookie),
        )
        .await;
    assert_eq!(pa_archive.status, StatusCode::FORBIDDEN);

    let archived = w
        .site
        .post_form(&format!("{agent}/archiver"), &[], Some(&w.rt13.cookie))
        .await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER, "{}", archived.body);
    let user = UserRepository::get(&w.site.adapters.store, w.agent13.user.id)
        .await
        .expect("users")
        .expect("the agent");
    assert_eq!(user.status, UserStatus::Archive);
    let gone = w.site.get_with("/bo", Some(&w.agent13.cookie)).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(gone.location(), "/connexion?suite=/bo");
    let again = w.site.post_login("agent13@histologe.test", PASSWORD).await;
    assert_ne!(
        again.status,
        StatusCode::SEE_OTHER,
        "an archived account cannot log in"
    );

    // The list of people who work here leaves him out, unless asked.
    let href = format!("href=\"{agent}\"");
    let list = w
        .site
        .get_with("/bo/utilisateurs", Some(&w.rt13.cookie))
        .await;
    assert!(
        !list.text().contains(&href),
        "an archived account is not listed"
    );
    let with_archived = w
        .site
        .get_with("/bo/utilisateurs?archives=1", Some(&w.rt13.cookie))
        .await;
    let text = with_archived.text();
    assert!(text.contains(&href), "{text}");
    assert!(text.contains("name=\"archives\" value=\"1\" checked"));
}

#[tokio::test]
async fn nobody_archives_himself_nor_raises_his_own_role() {
    let w = BoWorld::new().await;
    let own = UserRepository::by_email(&w.site.adapters.store, "pa13@histologe.test")
        .await
        .expect("users")
        .expect("the partner admin");
    let page = format!("/bo/utilisateurs/{}", own.id);
    let raised = w
        .site
        .post_form(
            &page,
            &[("role", "ROLE_ADMIN_TERRITORY")],
            Some(&w.partner_admin13.cookie),
        )
        .await;
    assert_eq!(raised.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rt = UserRepository::by_email(&w.site.adapters.store, "rt13@histologe.test")
        .await
        .expect("users")
        .expect("the RT");
    let archive_self = w
        .site
        .post_form(
            &format!("/bo/utilisateurs/{}/archiver", rt.id),
            &[],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(archive_self.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        archive_self
            .text()
            .contains("Vous ne pouvez ni archiver votre propre compte")
    );
    let rt = UserRepository::get(&w.site.adapters.store, rt.id)
        .await
        .expect("users")
        .expect("the RT");
    assert_eq!(rt.status, UserStatus::Active);
}
