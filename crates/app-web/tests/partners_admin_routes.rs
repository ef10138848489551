//! The administration of partners, territories and auto-affectation rules
//! (features.md §2.14–§2.16) through its routes, as an administrator
//! checks it: an RT creates and edits a partner of his territory and never
//! sees another territory's, stored tokens never come back, an archived
//! partner leaves the affect form, a super admin closes a territory and the
//! public form then refuses its addresses, the simulator shows which
//! partner a rule gives, and writes from another site are refused.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use histologe_core::model::{Partner, RuleStatus};
use histologe_ports::{AutoAffectationRuleRepository, HistoryRepository, PartnerRepository};
use support::world::BoWorld;
use support::{Reply, Site, address};

async fn stored(site: &Site, partner: histologe_core::ids::PartnerId) -> Partner {
    PartnerRepository::get(&site.adapters.store, partner)
        .await
        .expect("partners")
        .expect("the partner")
}

/// The id in `/bo/partenaires/{id}?fait=…`.
fn partner_of(location: &str) -> histologe_core::ids::PartnerId {
    location
        .strip_prefix("/bo/partenaires/")
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no partner in {location}"))
}

fn assert_same(reply: &Reply, baseline: &Reply, what: &str) {
    assert_eq!(reply.status, baseline.status, "{what}");
    assert_eq!(reply.body, baseline.body, "{what}: the pages differ");
}

#[tokio::test]
async fn an_rt_creates_then_edits_a_partner_of_his_territory() {
    let w = BoWorld::new().await;
    let form = w
        .site
        .get_with("/bo/partenaires/nouveau", Some(&w.rt13.cookie))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let text = form.text();
    assert!(text.contains("13 · Bouches-du-Rhône"));
    assert!(!text.contains("33 · Gironde"), "another territory offered");
    assert!(
        !text.contains("value=\"DANGER\""),
        "DANGER is never offered"
    );

    let created = w
        .site
        .post_form(
            "/bo/partenaires",
            &[
                ("territoire", "13"),
                ("nom", "CCAS de Marseille"),
                ("type", "CCAS"),
                ("email", "ccas@marseille.fr"),
                ("email_notifiable", "1"),
                ("insee", "13202, 13203"),
            ],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id = partner_of(&created.location());
    let page = w
        .site
        .get_with(&created.location(), Some(&w.rt13.cookie))
        .await;
    let text = page.text();
    assert!(text.contains("Le partenaire est créé."));
    assert!(text.contains("CCAS de Marseille"));
    // No competence ticked: the CCAS's defaults.
    assert!(text.contains("Accompagnement social"), "{text}");
    assert!(text.contains("13202, 13203"));

    let list = w
        .site
        .get_with("/bo/partenaires", Some(&w.rt13.cookie))
        .await;
    assert!(list.text().contains("CCAS de Marseille"));
    assert!(!list.text().contains("SCHS de Bordeaux"));

    // Connected to Esabora: the token is stored, never shown back.
    let edited = w
        .site
        .post_form(
            &format!("/bo/partenaires/{id}"),
            &[
                ("nom", "CCAS de la Ville de Marseille"),
                ("type", "CCAS"),
                ("email", "ccas@marseille.fr"),
                ("competences", "ACCOMPAGNEMENT_SOCIAL"),
                ("competences", "CONCILIATION"),
                ("insee", "13202"),
                ("esabora_active", "1"),
                ("esabora_url", "https://esabora.example.test/ws/rest"),
                ("esabora_token", "jeton-tres-secret-42"),
            ],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let page = w
        .site
        .get_with(&edited.location(), Some(&w.rt13.cookie))
        .await;
    assert!(page.text().contains("Le partenaire est modifié."));
    assert!(page.text().contains("CCAS de la Ville de Marseille"));
    assert!(
        !page.body.contains("jeton-tres-secret-42"),
        "the token is shown"
    );
    assert_eq!(page.input_value("esabora_token").as_deref(), Some(""));
    assert!(page.text().contains("Un jeton est enregistré"));
    let mut partner = stored(&w.site, id).await;
    assert!(partner.can_sync_with_esabora());
    assert_eq!(
        partner
            .interconnection
            .esabora_token
            .as_ref()
            .map(|t| t.expose().to_string()),
        Some("jeton-tres-secret-42".into())
    );

    // Saved again with the field left blank: the token stays.
    let again = w
        .site
        .post_form(
            &format!("/bo/partenaires/{id}"),
            &[
                ("nom", "CCAS de la Ville de Marseille"),
                ("type", "CCAS"),
                ("insee", "13202"),
                ("esabora_active", "1"),
                ("esabora_url", "https://esabora.example.test/ws/rest"),
                ("esabora_token", ""),
            ],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    partner = stored(&w.site, id).await;
    assert!(partner.interconnection.esabora_token.is_some());
    assert_eq!(partner.email, None, "the e-mail was emptied");

    // Every change is in the history, the token never.
    let history = HistoryRepository::of_entity(&w.site.adapters.store, id.0)
        .await
        .expect("history");
    let events: Vec<_> = history.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(events, ["CREATE", "UPDATE", "UPDATE"]);
    assert!(history.iter().all(|e| e.user_id.is_some()));
    let logged = serde_json::to_string(&history).expect("json");
    assert!(!logged.contains("jeton-tres-secret-42"), "{logged}");
    assert!(logged.contains("esabora_token"));
}

#[tokio::test]
async fn another_territorys_partner_reads_like_one_that_does_not_exist() {
    let w = BoWorld::new().await;
    let unknown = uuid::Uuid::new_v4();
    let baseline = w
        .site
        .get_with(&format!("/bo/partenaires/{unknown}"), Some(&w.rt13.cookie))
        .await;
    assert_eq!(baseline.status, StatusCode::NOT_FOUND);
    assert!(baseline.text().contains("Page introuvable"));
    let theirs = w
        .site
        .get_with(
            &format!("/bo/partenaires/{}", w.schs33.id),
            Some(&w.rt13.cookie),
        )
        .await;
    assert_same(&theirs, &baseline, "the Gironde's SCHS for the RT 13");

    let fields = [("nom", "Repris"), ("type", "AUTRE")];
    for action in ["", "/archiver"] {
        let on = |id: &dyn std::fmt::Display| format!("/bo/partenaires/{id}{action}");
        let unknown_reply = w
            .site
            .post_form(&on(&unknown), &fields, Some(&w.rt13.cookie))
            .await;
        assert_eq!(unknown_reply.status, StatusCode::NOT_FOUND, "{action}");
        let reply = w
            .site
            .post_form(&on(&w.schs33.id), &fields, Some(&w.rt13.cookie))
            .await;
        assert_same(&reply, &unknown_reply, &format!("post {action}"));
    }
    assert_eq!(stored(&w.site, w.schs33.id).await, w.schs33, "untouched");

    // Creating in a territory he does not administer: like an unknown one.
    let create = |territory: &'static str| {
        [
            ("territoire", territory),
            ("nom", "Service fantôme"),
            ("type", "AUTRE"),
        ]
    };
    let elsewhere = w
        .site
        .post_form("/bo/partenaires", &create("33"), Some(&w.rt13.cookie))
        .await;
    let nowhere = w
        .site
        .post_form("/bo/partenaires", &create("2A"), Some(&w.rt13.cookie))
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    assert_same(&elsewhere, &nowhere, "creating in the 33 and in the 2A");
    let listed = w
        .site
        .get_with("/bo/partenaires", Some(&w.rt33.cookie))
        .await;
    assert!(!listed.text().contains("Service fantôme"));

    // The super admin sees both territories and filters on one.
    let all = w
        .site
        .get_with("/bo/partenaires", Some(&w.super_admin.cookie))
        .await;
    assert!(all.text().contains("SCHS de Marseille"));
    assert!(all.text().contains("SCHS de Bordeaux"));
    let gironde = w
        .site
        .get_with("/bo/partenaires?territoire=33", Some(&w.super_admin.cookie))
        .await;
    assert!(!gironde.text().contains("SCHS de Marseille"));
    assert!(gironde.text().contains("SCHS de Bordeaux"));
}

#[tokio::test]
async fn a_rejected_partner_form_says_why_and_keeps_what_was_typed() {
    let w = BoWorld::new().await;
    let reply = w
        .site
        .post_form(
            "/bo/partenaires",
            &[
                ("territoire", "13"),
                ("nom", "Association Logement Digne"),
                ("type", "ASSOCIATION"),
                ("email", "pas-une-adresse"),
                ("insee", "13202, 33063"),
            ],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let text = reply.text();
    assert!(
        text.contains("Le formulaire contient des erreurs"),
        "{text}"
    );
    assert!(text.contains("La commune 33063 n'appartient pas au territoire 13."));
    assert!(
        reply
            .body
            .contains("aria-describedby=\"partenaire-email-erreur\"")
    );
    assert!(reply.body.contains("href=\"#partenaire-insee\""));
    assert_eq!(
        reply.input_value("nom").as_deref(),
        Some("Association Logement Digne")
    );
    assert_eq!(reply.textarea("insee").as_deref(), Some("13202, 33063"));

    // A well-formed code that names no commune.
    let reply = w
        .site
        .post_form(
            "/bo/partenaires",
            &[
                ("territoire", "13"),
                ("nom", "Association Logement Digne"),
                ("type", "ASSOCIATION"),
                ("insee", "13999"),
            ],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .text()
            .contains("Aucune commune n'a le code INSEE 13999.")
    );

    // Two live partners of a territory never share a generic mailbox.
    let mut taken = stored(&w.site, w.ars13.id).await;
    taken.email = Some("ars13@ars.sante.fr".into());
    PartnerRepository::update(&w.site.adapters.store, &taken)
        .await
        .expect("update");
    let reply = w
        .site
        .post_form(
            &format!("/bo/partenaires/{}", w.schs13.id),
            &[
                ("nom", "SCHS de Marseille"),
                ("type", "COMMUNE_SCHS"),
                ("email", "ARS13@ars.sante.fr"),
            ],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .text()
            .contains("Un autre partenaire de ce territoire utilise déjà cette adresse e-mail.")
    );
}

#[tokio::test]
async fn agents_are_refused_and_a_partner_admin_only_reads_his_partner() {
    let w = BoWorld::new().await;
    for path in [
        "/bo/partenaires",
        "/bo/partenaires/nouveau",
        "/bo/regles-auto-affectation",
        "/bo/territoires",
    ] {
        let reply = w.site.get_with(path, Some(&w.agent13.cookie)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        let reply = w.site.get_with(path, Some(&w.partner_admin13.cookie)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
    }
    let own = format!("/bo/partenaires/{}", w.schs13.id);
    assert_eq!(
        w.site.get_with(&own, Some(&w.agent13.cookie)).await.status,
        StatusCode::FORBIDDEN
    );
    let page = w.site.get_with(&own, Some(&w.partner_admin13.cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.text().contains("SCHS de Marseille"));
    assert!(
        page.text().contains("agent13@histologe.test"),
        "its accounts"
    );
    assert!(
        !page.body.contains(&format!("action=\"{own}\"")),
        "a partner admin gets no form: {}",
        page.body
    );
    let post = w
        .site
        .post_form(
            &own,
            &[("nom", "Renommé"), ("type", "COMMUNE_SCHS")],
            Some(&w.partner_admin13.cookie),
        )
        .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&w.site, w.schs13.id).await.nom, "SCHS de Marseille");

    // The menu offers what each role may open.
    let menu = |cookie: &str| {
        let cookie = cookie.to_string();
        let site = &w.site;
        async move { site.get_with("/bo", Some(&cookie)).await.body }
    };
    let agent = menu(&w.agent13.cookie).await;
    assert!(!agent.contains("href=\"/bo/partenaires\""));
    let rt = menu(&w.rt13.cookie).await;
    assert!(rt.contains("href=\"/bo/partenaires\""));
    assert!(rt.contains("href=\"/bo/regles-auto-affectation\""));
    assert!(!rt.contains("href=\"/bo/territoires\""));
    let admin = menu(&w.super_admin.cookie).await;
    assert!(admin.contains("href=\"/bo/territoires\""));
}

#[tokio::test]
async fn an_archived_partner_leaves_the_affect_form_and_keeps_its_affectations() {
    let w = BoWorld::new().await;
    let case = w
        .affected_case(&w.site.locataire_answers(), &[&w.schs13])
        .await;
    let id = case.signalement.id;
    let rt = &w.rt13.actor;
    let app = w.site.app();
    let names = |partners: Vec<Partner>| partners.into_iter().map(|p| p.nom).collect::<Vec<_>>();
    assert!(
        names(app.affectable_partners(rt, id).await.expect("partners"))
            .contains(&"ARS 13".to_string())
    );

    let archived = w
        .site
        .post_form(
            &format!("/bo/partenaires/{}/archiver", w.ars13.id),
            &[],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER, "{}", archived.body);
    let list = w
        .site
        .get_with(&archived.location(), Some(&w.rt13.cookie))
        .await;
    assert!(list.text().contains("Le partenaire est archivé"));
    assert!(!list.text().contains("ARS 13"));
    assert!(stored(&w.site, w.ars13.id).await.is_archive);
    assert!(
        !names(app.affectable_partners(rt, id).await.expect("partners"))
            .contains(&"ARS 13".to_string()),
        "no longer offered"
    );

    let schs = w
        .site
        .post_form(
            &format!("/bo/partenaires/{}/archiver", w.schs13.id),
            &[],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(schs.status, StatusCode::SEE_OTHER);
    let case = app.view_case(rt, id).await.expect("case");
    assert!(
        case.affectation_of(w.schs13.id).is_some(),
        "its open affectation stays"
    );
    // Its page still opens, read only, saying it is archived.
    let page = w
        .site
        .get_with(
            &format!("/bo/partenaires/{}", w.schs13.id),
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Partenaire archivé"));
    assert!(
        !page
            .body
            .contains(&format!("action=\"/bo/partenaires/{}", w.schs13.id)),
        "no form on an archived partner"
    );
    let again = w
        .site
        .post_form(
            &format!("/bo/partenaires/{}/archiver", w.schs13.id),
            &[],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::SEE_OTHER,
        "archiving twice is fine"
    );
}

const NOT_OPEN: &str = "Le signalement en ligne n'est pas encore ouvert dans cette commune";

#[tokio::test]
async fn a_super_admin_closes_a_territory_and_the_public_form_then_refuses_its_addresses() {
    let w = BoWorld::new().await;
    let marseille = address("33 rue des Phocéens", "13002", "Marseille");
    let (draft, _) = w.site.start_draft("locataire").await;
    let before = w
        .site
        .post_step(draft, "adresse_logement", &marseille, "suivant")
        .await;
    assert_eq!(
        before.status,
        StatusCode::SEE_OTHER,
        "the 13 is open: {}",
        before.text()
    );

    let list = w
        .site
        .get_with("/bo/territoires", Some(&w.super_admin.cookie))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text().contains("Bouches-du-Rhône"));
    let refused = w
        .site
        .post_form(
            "/bo/territoires/13",
            &[("ouvert", "non"), ("authorized_insee", "")],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "an RT does not");

    let closed = w
        .site
        .post_form(
            "/bo/territoires/13",
            &[("ouvert", "non"), ("authorized_insee", "")],
            Some(&w.super_admin.cookie),
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let list = w
        .site
        .get_with(&closed.location(), Some(&w.super_admin.cookie))
        .await;
    assert!(list.text().contains("Le territoire est modifié."));

    let (draft, _) = w.site.start_draft("locataire").await;
    let after = w
        .site
        .post_step(draft, "adresse_logement", &marseille, "suivant")
        .await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.text().contains(NOT_OPEN), "{}", after.text());

    // Open again, for Marseille 1er only.
    let wrong = w
        .site
        .post_form(
            "/bo/territoires/13",
            &[("ouvert", "oui"), ("authorized_insee", "13201, 33063")],
            Some(&w.super_admin.cookie),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text()
            .contains("La commune 33063 n'appartient pas au territoire 13.")
    );
    assert_eq!(
        wrong.textarea("authorized_insee").as_deref(),
        Some("13201, 33063")
    );
    let reopened = w
        .site
        .post_form(
            "/bo/territoires/13",
            &[("ouvert", "oui"), ("authorized_insee", "13201")],
            Some(&w.super_admin.cookie),
        )
        .await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER);
    let (draft, _) = w.site.start_draft("locataire").await;
    let second = w
        .site
        .post_step(draft, "adresse_logement", &marseille, "suivant")
        .await;
    assert!(second.text().contains(NOT_OPEN), "13002 is not authorised");
    let (draft, _) = w.site.start_draft("locataire").await;
    let first = w
        .site
        .post_step(
            draft,
            "adresse_logement",
            &address("2 rue de la République", "13001", "Marseille"),
            "suivant",
        )
        .await;
    assert_eq!(
        first.status,
        StatusCode::SEE_OTHER,
        "13001 is authorised: {}",
        first.text()
    );

    let history = HistoryRepository::of_entity(
        &w.site.adapters.store,
        histologe_core::administration::territory_entity_id(
            &histologe_core::territory_code::TerritoryCode::parse("13").expect("13"),
        ),
    )
    .await
    .expect("history");
    assert_eq!(history.len(), 2, "closed, then reopened: {history:?}");
}

#[tokio::test]
async fn the_simulator_shows_the_partner_a_rule_gives() {
    let w = BoWorld::new().await;
    let case = w.file_case(&w.site.locataire_answers()).await;
    let reference = case.signalement.reference.clone();
    let simulate = |cookie: &str, wanted: &str| {
        let path = format!("/bo/regles-auto-affectation/simulateur?signalement={wanted}");
        let cookie = cookie.to_string();
        let site = &w.site;
        async move { site.get_with(&path, Some(&cookie)).await }
    };
    let without = simulate(&w.rt13.cookie, &reference).await;
    assert_eq!(without.status, StatusCode::OK, "{}", without.body);
    assert!(
        without
            .text()
            .contains("Aucune règle active sur ce territoire")
    );

    let new_rule = w
        .site
        .get_with("/bo/regles-auto-affectation/nouvelle", Some(&w.rt13.cookie))
        .await;
    assert_eq!(new_rule.status, StatusCode::OK);
    assert!(
        new_rule.text().contains("SCHS de Marseille"),
        "partners to exclude"
    );
    let created = w
        .site
        .post_form(
            "/bo/regles-auto-affectation",
            &[
                ("territoire", "13"),
                ("partner_type", "COMMUNE_SCHS"),
                ("profile", "LOCATAIRE"),
                ("parc", "all"),
                ("allocataire", "all"),
            ],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let list = w
        .site
        .get_with(&created.location(), Some(&w.rt13.cookie))
        .await;
    assert!(list.text().contains("La règle est créée"));
    assert!(list.text().contains("Commune / SCHS"));

    // The form's case has no point on the map: the engine would stop,
    // and the simulator says so while showing what the rule keeps.
    let unlocated = simulate(&w.rt13.cookie, &reference).await.text();
    assert!(unlocated.contains("pas géolocalisé"), "{unlocated}");
    assert!(!unlocated.contains("id=\"simulateur-retenus\""));
    let mut tx = w.site.ports.uow.begin().await.expect("begin");
    let mut located = tx
        .lock_case(case.signalement.id)
        .await
        .expect("lock")
        .expect("the case");
    located.signalement.adresse.geoloc = Some(histologe_core::model::GeoPoint {
        lat: 43.302242,
        lng: 5.367851,
    });
    tx.save_case(&located).await.expect("save");
    tx.commit().await.expect("commit");

    let page = simulate(&w.rt13.cookie, &reference).await;
    let text = page.text();
    assert!(
        text.contains(&format!("Signalement {reference} (13)")),
        "{text}"
    );
    assert!(!text.contains("pas géolocalisé"));
    let kept = text
        .split_once("id=\"simulateur-retenus\"")
        .and_then(|(_, rest)| rest.split_once("</ul>"))
        .map(|(list, _)| list.to_string())
        .unwrap_or_else(|| panic!("no kept partners: {text}"));
    assert!(kept.contains("SCHS de Marseille"), "{kept}");
    assert!(!kept.contains("ARS 13"), "{kept}");
    assert!(
        text.contains("écarté (type de partenaire différent)"),
        "{text}"
    );
    // By id as well.
    let by_id = simulate(&w.rt13.cookie, &case.signalement.id.to_string()).await;
    assert!(by_id.text().contains("SCHS de Marseille"));
    // Nothing was written.
    let after = w
        .site
        .ports
        .signalements
        .case(case.signalement.id)
        .await
        .expect("cases")
        .expect("the case");
    assert!(after.affectations.is_empty());

    // Another territory's RT learns nothing of the case.
    let theirs = simulate(&w.rt33.cookie, &reference).await;
    let unknown = simulate(&w.rt33.cookie, "2099-999").await;
    assert!(
        theirs
            .text()
            .contains("Aucun signalement de votre périmètre")
    );
    // The two pages differ only by what was typed.
    let typed = |body: &str, asked: &str| {
        body.replace(&format!("value=\"{asked}\""), "value=\"…\"")
            .replace(&format!("« {asked} »"), "« … »")
    };
    assert_eq!(
        typed(&theirs.body, &reference),
        typed(&unknown.body, "2099-999"),
        "the same page as an unknown reference"
    );

    // Archived, the rule no longer runs.
    let rule = AutoAffectationRuleRepository::of_territory(
        &w.site.adapters.store,
        &case.signalement.territory,
    )
    .await
    .expect("rules")
    .pop()
    .expect("the rule");
    let archived = w
        .site
        .post_form(
            &format!("/bo/regles-auto-affectation/{}/archiver", rule.id),
            &[],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER);
    let stored = AutoAffectationRuleRepository::get(&w.site.adapters.store, rule.id)
        .await
        .expect("rules")
        .expect("the rule");
    assert_eq!(stored.status, RuleStatus::Archived);
    let history = HistoryRepository::of_entity(&w.site.adapters.store, rule.id.0)
        .await
        .expect("history");
    assert_eq!(history.len(), 2, "created then archived");
    assert!(
        simulate(&w.rt13.cookie, &reference)
            .await
            .text()
            .contains("Aucune règle active sur ce territoire")
    );
    // The RT of the 33 does not open the 13's rule.
    let reply = w
        .site
        .get_with(
            &format!("/bo/regles-auto-affectation/{}", rule.id),
            Some(&w.rt33.cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn administration_posts_from_another_site_are_refused() {
    let w = BoWorld::new().await;
    let forged = |path: &str, body: &str| {
        Request::post(path)
            .header(header::HOST, support::HOST)
            .header(header::ORIGIN, "https://attaquant.example")
            .header("sec-fetch-site", "cross-site")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &w.super_admin.cookie)
            .body(Body::from(body.to_string()))
            .expect("request")
    };
    for (path, body) in [
        (
            "/bo/partenaires".to_string(),
            "territoire=13&nom=Forge&type=AUTRE".to_string(),
        ),
        (
            format!("/bo/partenaires/{}/archiver", w.schs13.id),
            String::new(),
        ),
        (
            "/bo/territoires/13".to_string(),
            "ouvert=non&authorized_insee=".to_string(),
        ),
        (
            "/bo/regles-auto-affectation".to_string(),
            "territoire=13&partner_type=ARS&profile=all&parc=all&allocataire=all".to_string(),
        ),
    ] {
        let reply = w.site.send(forged(&path, &body)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        assert!(reply.text().contains("ne vient pas d'une page de ce site"));
    }
    assert!(!stored(&w.site, w.schs13.id).await.is_archive);
    let partners = w
        .site
        .get_with("/bo/partenaires", Some(&w.super_admin.cookie))
        .await;
    assert!(!partners.text().contains("Forge"));
    let territory = w
        .site
        .ports
        .territories
        .get(&histologe_core::territory_code::TerritoryCode::parse("13").expect("13"))
        .await
        .expect("territories")
        .expect("13");
    assert!(territory.is_active);
    let rules = w
        .site
        .get_with("/bo/regles-auto-affectation", Some(&w.super_admin.cookie))
        .await;
    assert!(rules.text().contains("Aucune règle sur ce territoire"));
}
