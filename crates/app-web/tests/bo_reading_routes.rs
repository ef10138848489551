//! What the back-office shows around a case and of one's notifications
//! (features.md §2.6, §2.11, §2.15), through the routes, as a person
//! checks it: the history of the case, the other cases at its address,
//! its étiquettes, following it, and the notifications with their counter.

mod support;

use std::ops::Deref;

use axum::http::StatusCode;
use histologe_core::enums::SignalementStatus;
use histologe_core::ids::SignalementId;
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::UserRepository;
use support::Reply;
use support::world::BoWorld;

/// The back-office world, its RT of the 13 renamed Rémi Territoire, and
/// two cases at the same address.
struct World {
    bo: BoWorld,
    /// 13, affected to the agent's SCHS, accepted by the agent.
    a: SignalementId,
    /// 13, same address as A, affected to the CAF only.
    c: SignalementId,
}

impl Deref for World {
    type Target = BoWorld;
    fn deref(&self) -> &BoWorld {
        &self.bo
    }
}

async fn world() -> World {
    let bo = BoWorld::new().await;
    // A name of his own, to recognise him in the history.
    let mut rt = bo.rt13.user.clone();
    rt.prenom = "Rémi".into();
    rt.nom = "Territoire".into();
    UserRepository::update(&bo.site.adapters.store, &rt)
        .await
        .expect("RT renamed");
    let answers = bo.site.locataire_answers();
    let a = bo.affected_case(&answers, &[&bo.schs13]).await;
    let c = bo.affected_case(&answers, &[&bo.caf13]).await;
    bo.accept(&bo.agent13, &a, &bo.schs13).await;
    World {
        a: a.signalement.id,
        c: c.signalement.id,
        bo,
    }
}

impl World {
    async fn get(&self, path: &str, cookie: &str) -> Reply {
        let reply = self.site.get_with(path, Some(cookie)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
        reply
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)], cookie: &str) -> Reply {
        self.site.post_form(path, fields, Some(cookie)).await
    }

    fn case_page(&self, id: SignalementId) -> String {
        format!("/bo/signalements/{id}")
    }
}

/// The text of the page's section titled `title` (up to the next section).
fn section(text: &str, title: &str) -> String {
    let start = text
        .find(title)
        .unwrap_or_else(|| panic!("no « {title} » in\n{text}"));
    let rest = &text[start..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    rest[..end].to_string()
}

#[tokio::test]
async fn the_rt_reads_the_validation_in_the_history_and_an_agent_reads_no_history() {
    let w = world().await;
    let page = w.get(&w.case_page(w.a), &w.rt13.cookie).await.text();
    let history = section(&page, "Historique des modifications");
    assert!(
        history.contains("Modification du signalement") && history.contains("par Rémi Territoire"),
        "{history}"
    );
    let change = format!(
        "Statut : {} → {}",
        SignalementStatus::NeedValidation.label(),
        SignalementStatus::Active.label()
    );
    assert!(history.contains(&change), "{history}");
    assert!(history.contains("Date de validation"), "{history}");

    let agent_page = w.get(&w.case_page(w.a), &w.agent13.cookie).await.text();
    assert!(
        !agent_page.contains("Historique des modifications"),
        "an agent is not shown the audit log"
    );
}

#[tokio::test]
async fn the_same_address_list_shows_c_to_the_rt_but_not_to_an_agent_who_cannot_see_it() {
    let w = world().await;
    let link = format!("href=\"/bo/signalements/{}\"", w.c);
    let page = w.get(&w.case_page(w.a), &w.rt13.cookie).await.text();
    let same = section(&page, "Autres signalements à la même adresse");
    assert!(same.contains(&link), "the RT sees C:\n{same}");
    assert!(
        !same.contains(&format!("href=\"/bo/signalements/{}\"", w.a)),
        "never the case itself"
    );

    let agent_page = w.get(&w.case_page(w.a), &w.agent13.cookie).await.text();
    let agent_same = section(&agent_page, "Autres signalements à la même adresse");
    assert!(!agent_page.contains(&link), "C is not the agent's");
    assert!(
        agent_same.contains("Aucun autre signalement à cette adresse"),
        "{agent_same}"
    );
}

#[tokio::test]
async fn a_tag_added_by_the_rt_appears_on_the_view_for_everyone_and_can_be_removed() {
    let w = world().await;
    let created = w
        .post(
            "/bo/etiquettes",
            &[("territoire", "13"), ("label", "  Péril   imminent ")],
            &w.rt13.cookie,
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    let admin = w.get(&created.location(), &w.rt13.cookie).await.text();
    assert!(admin.contains("L'étiquette est créée."), "{admin}");
    assert!(admin.contains("Péril imminent"), "the label is tidied");
    let tags = w
        .site
        .app()
        .territory_tags(&w.rt13.actor, &TerritoryCode::parse("13").expect("13"))
        .await
        .expect("tags");
    let tag = tags.first().expect("the new tag");

    let before = w.get(&w.case_page(w.a), &w.rt13.cookie).await.text();
    assert!(section(&before, "Étiquettes").contains("Aucune étiquette."));
    let added = w
        .post(
            &format!("/bo/signalements/{}/etiquettes", w.a),
            &[("etiquette", &tag.id.to_string())],
            &w.rt13.cookie,
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let page = w.get(&added.location(), &w.rt13.cookie).await.text();
    assert!(page.contains("L'étiquette est ajoutée au signalement."));
    assert!(section(&page, "Étiquettes").contains("Péril imminent"));
    assert!(
        section(&page, "Historique des modifications")
            .contains("Étiquettes : (aucune) → Péril imminent"),
        "the history names the tag"
    );

    // The agent reads it, and may not change it.
    let agent_page = w.get(&w.case_page(w.a), &w.agent13.cookie).await.text();
    let agent_tags = section(&agent_page, "Étiquettes");
    assert!(agent_tags.contains("Péril imminent"), "{agent_tags}");
    assert!(!agent_tags.contains("Retirer"), "{agent_tags}");
    let forged = w
        .post(
            &format!("/bo/signalements/{}/etiquettes/{}/retirer", w.a, tag.id),
            &[],
            &w.agent13.cookie,
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let removed = w
        .post(
            &format!("/bo/signalements/{}/etiquettes/{}/retirer", w.a, tag.id),
            &[],
            &w.rt13.cookie,
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let page = w.get(&w.case_page(w.a), &w.rt13.cookie).await.text();
    assert!(section(&page, "Étiquettes").contains("Aucune étiquette."));
}

#[tokio::test]
async fn the_tag_page_keeps_a_refused_label_and_deleting_frees_it() {
    let w = world().await;
    for label in ["Péril", "Insalubrité"] {
        let reply = w
            .post(
                "/bo/etiquettes",
                &[("territoire", "13"), ("label", label)],
                &w.rt13.cookie,
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    }
    let duplicate = w
        .post(
            "/bo/etiquettes",
            &[("territoire", "13"), ("label", "PÉRIL")],
            &w.rt13.cookie,
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        duplicate
            .text()
            .contains("Une étiquette de ce territoire porte déjà ce nom.")
    );
    assert_eq!(duplicate.input_value("label").as_deref(), Some("PÉRIL"));

    let tags = w
        .site
        .app()
        .territory_tags(&w.rt13.actor, &TerritoryCode::parse("13").expect("13"))
        .await
        .expect("tags");
    let (insalubrite, peril) = (&tags[0], &tags[1]);
    assert_eq!(peril.label, "Péril");
    let rename = w
        .post(
            &format!("/bo/etiquettes/{}/renommer", insalubrite.id),
            &[("label", "péril")],
            &w.rt13.cookie,
        )
        .await;
    assert_eq!(rename.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        rename
            .text()
            .contains(&format!("href=\"#etiquette-{}\"", insalubrite.id))
    );

    let deleted = w
        .post(
            &format!("/bo/etiquettes/{}/supprimer", peril.id),
            &[],
            &w.rt13.cookie,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    let renamed = w
        .post(
            &format!("/bo/etiquettes/{}/renommer", insalubrite.id),
            &[("label", "Péril")],
            &w.rt13.cookie,
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.text());
    let page = w.get(&renamed.location(), &w.rt13.cookie).await.text();
    assert!(page.contains("L'étiquette est renommée."));
    assert!(!page.contains("Insalubrité"));

    // Agents have no tag page.
    let agent = w
        .site
        .get_with("/bo/etiquettes", Some(&w.agent13.cookie))
        .await;
    assert_eq!(agent.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn following_and_leaving_a_case_the_last_follower_of_an_accepted_partner_stays() {
    let w = world().await;
    // The RT follows the case he validated; he may leave it.
    let page = w.get(&w.case_page(w.a), &w.rt13.cookie).await.text();
    assert!(page.contains("Vous suivez ce dossier"));
    let left = w
        .post(
            &format!("/bo/signalements/{}/ne-plus-suivre", w.a),
            &[],
            &w.rt13.cookie,
        )
        .await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    let page = w.get(&left.location(), &w.rt13.cookie).await.text();
    assert!(page.contains("Vous ne suivez plus ce dossier."));
    assert!(page.contains("Suivre le dossier"));
    let back = w
        .post(
            &format!("/bo/signalements/{}/suivre", w.a),
            &[],
            &w.rt13.cookie,
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let case = w.site.app().view_case(&w.rt13.actor, w.a).await.expect("A");
    assert!(case.subscribers.contains(&w.rt13.user.id));

    // The agent who accepted is his partner's only follower: no way out.
    let agent_page = w.get(&w.case_page(w.a), &w.agent13.cookie).await.text();
    let following = section(&agent_page, "Suivi du dossier");
    assert!(!following.contains("Ne plus suivre"), "{following}");
    assert!(
        following.contains("dernier agent de votre partenaire"),
        "{following}"
    );
    let forged = w
        .post(
            &format!("/bo/signalements/{}/ne-plus-suivre", w.a),
            &[],
            &w.agent13.cookie,
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let case = w.site.app().view_case(&w.rt13.actor, w.a).await.expect("A");
    assert!(case.subscribers.contains(&w.agent13.user.id));
}

#[tokio::test]
async fn notifications_are_listed_then_marked_read_and_the_counter_goes() {
    let w = world().await;
    let unseen = w
        .site
        .app()
        .unseen_notifications(&w.rt13.actor)
        .await
        .expect("count");
    assert!(unseen >= 2, "the RT was told of A and C: {unseen}");
    let home = w.get("/bo", &w.rt13.cookie).await.text();
    assert!(
        home.contains(&format!("Notifications <span class=\"fr-badge fr-badge--sm fr-badge--info\">{unseen} non lues</span>")),
        "{home}"
    );
    let list = w.get("/bo/notifications", &w.rt13.cookie).await.text();
    assert!(list.contains("Nouveau signalement"), "{list}");
    assert!(
        list.contains(&format!("href=\"/bo/signalements/{}\"", w.a)),
        "{list}"
    );
    assert!(list.contains("Non lue"));

    let read = w.post("/bo/notifications/lues", &[], &w.rt13.cookie).await;
    assert_eq!(read.status, StatusCode::SEE_OTHER);
    let list = w.get(&read.location(), &w.rt13.cookie).await.text();
    assert!(list.contains("Toutes vos notifications sont marquées comme lues."));
    assert!(!list.contains("Non lue"));
    let home = w.get("/bo", &w.rt13.cookie).await.text();
    assert!(
        home.contains("href=\"/bo/notifications\""),
        "the link stays"
    );
    assert!(!home.contains("non lue"), "no counter once all are read");
}

#[tokio::test]
async fn another_users_notification_cannot_be_deleted() {
    let w = world().await;
    let notifications = &w.site.ports.notifications;
    let mine = notifications.of_user(w.rt13.user.id).await.expect("RT's");
    let target = mine.first().expect("a notification of the RT").id;
    let path = format!("/bo/notifications/{target}/supprimer");
    let refused = w.post(&path, &[], &w.agent13.cookie).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(refused.text().contains("Page introuvable"));
    assert_eq!(
        notifications
            .of_user(w.rt13.user.id)
            .await
            .expect("RT's")
            .len(),
        mine.len(),
        "the RT's notification is still there"
    );

    let deleted = w.post(&path, &[], &w.rt13.cookie).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    let after = notifications.of_user(w.rt13.user.id).await.expect("RT's");
    assert_eq!(after.len(), mine.len() - 1);
    assert!(after.iter().all(|n| n.id != target));
    let all = w
        .post("/bo/notifications/supprimer", &[], &w.rt13.cookie)
        .await;
    assert_eq!(all.status, StatusCode::SEE_OTHER);
    let list = w.get("/bo/notifications", &w.rt13.cookie).await.text();
    assert!(list.contains("Vous n'avez aucune notification."));
}
