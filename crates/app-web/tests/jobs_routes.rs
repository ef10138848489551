//! `/bo/taches` through the routes: a super admin sees the queue and its
//! dead jobs with their error, sends one back or gives it up (each with a
//! history entry naming him); nobody else opens the page.

mod support;

use axum::http::StatusCode;
use histologe_ports::{JobKind, JobStatus, NewJob};
use support::world::BoWorld;

/// A job whose payload no handler can read: dead at its first run.
async fn dead_job(w: &BoWorld) -> histologe_core::ids::JobId {
    let ports = &w.site.ports;
    let id = histologe_core::ids::JobId(ports.ids.uuid());
    let mut tx = ports.uow.begin().await.expect("tx");
    tx.enqueue(&NewJob {
        id,
        kind: JobKind::new("email.user"),
        payload: serde_json::json!({ "illisible": true }),
        run_at: w.site.app().now(),
        idempotency_key: None,
    })
    .await
    .expect("enqueue");
    tx.commit().await.expect("commit");
    w.site.runner.drain().await.expect("runner");
    assert_eq!(job(w, id).await.status, JobStatus::Dead);
    id
}

/// The job as the queue holds it.
async fn job(w: &BoWorld, id: histologe_core::ids::JobId) -> histologe_ports::Job {
    w.site
        .ports
        .jobs
        .all()
        .await
        .expect("jobs")
        .into_iter()
        .find(|j| j.id == id)
        .expect("the job")
}

#[tokio::test]
async fn a_super_admin_sees_a_dead_job_and_sends_it_back() {
    let w = BoWorld::new().await;
    let id = dead_job(&w).await;
    let admin = Some(w.super_admin.cookie.as_str());

    let page = w.site.get_with("/bo/taches", admin).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("Tâches en échec"), "{text}");
    assert!(text.contains("email.user"), "{text}");
    assert!(
        text.contains("unreadable payload"),
        "the last error: {text}"
    );
    assert!(page.body.contains(&format!("/bo/taches/{id}/relancer")));

    let reply = w
        .site
        .post_form(&format!("/bo/taches/{id}/relancer"), &[], admin)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), "/bo/taches?fait=relancee");
    let job = job(&w, id).await;
    assert_eq!((job.status, job.attempts), (JobStatus::Pending, 0));
    let history = w.site.ports.history.of_entity(id.0).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].entity_name, "Job");
    assert_eq!(history[0].user_id, Some(w.super_admin.user.id));
    assert_eq!(history[0].changes["status"][1], "pending");

    // Sent back already: a second click says so instead of failing.
    let again = w
        .site
        .post_form(&format!("/bo/taches/{id}/relancer"), &[], admin)
        .await;
    assert_eq!(again.location(), "/bo/taches?fait=deja");
    let flash = w.site.get_with("/bo/taches?fait=deja", admin).await;
    assert!(flash.text().contains("un autre administrateur"));
}

#[tokio::test]
async fn an_abandoned_job_leaves_the_dead_list_and_is_kept() {
    let w = BoWorld::new().await;
    let id = dead_job(&w).await;
    let admin = Some(w.super_admin.cookie.as_str());
    let reply = w
        .site
        .post_form(&format!("/bo/taches/{id}/abandonner"), &[], admin)
        .await;
    assert_eq!(reply.location(), "/bo/taches?fait=abandonnee");
    let page = w.site.get_with("/bo/taches?fait=abandonnee", admin).await;
    let text = page.text();
    assert!(text.contains("La tâche est abandonnée"), "{text}");
    assert!(text.contains("Aucune tâche en échec."), "{text}");
    assert!(!page.body.contains(&format!("/bo/taches/{id}/relancer")));
    let job = job(&w, id).await;
    assert_eq!(job.status, JobStatus::Abandoned);
}

#[tokio::test]
async fn only_super_admins_open_the_queue() {
    let w = BoWorld::new().await;
    let id = dead_job(&w).await;
    for cookie in [&w.rt13.cookie, &w.agent13.cookie, &w.partner_admin13.cookie] {
        let page = w.site.get_with("/bo/taches", Some(cookie)).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        let post = w
            .site
            .post_form(&format!("/bo/taches/{id}/relancer"), &[], Some(cookie))
            .await;
        assert_eq!(post.status, StatusCode::FORBIDDEN);
    }
    let menu = w.site.get_with("/bo", Some(&w.super_admin.cookie)).await;
    assert!(menu.body.contains("href=\"/bo/taches\""));
    let rt_menu = w.site.get_with("/bo", Some(&w.rt13.cookie)).await;
    assert!(!rt_menu.body.contains("href=\"/bo/taches\""));
}
