//! `DeliveryIssueRepository`: addresses e-mail does not reach, as the
//! provider's webhook reports them.

use histologe_ports::{AccountRef, DeliveryEvent};

use crate::Backend;
use crate::fixtures::minutes;
use crate::support::world;

fn event(key: Option<&str>, email: &str, event: &str, failure: bool, at: i64) -> DeliveryEvent {
    DeliveryEvent {
        key: key.map(str::to_string),
        email: email.to_string(),
        event: event.to_string(),
        reason: failure.then(|| "550 5.1.1 mailbox unavailable".to_string()),
        failure,
        occurred_at: minutes(at),
    }
}

/// A failure marks the address (whatever its case), a later success
/// clears it, an event already applied (same key) changes nothing, and an
/// older report never overrides a newer one.
pub async fn deliverability_failures_mark_and_successes_clear(backend: &dyn Backend) {
    let w = world(backend).await;
    let repo = &w.stores.delivery_issues;
    let agent = w.agent.email.to_uppercase();
    let bounce = event(Some("ev-1"), &agent, "hard_bounce", true, 10);
    assert!(
        repo.apply_delivery_event(&bounce, minutes(11))
            .await
            .expect("apply")
    );
    let issues = repo
        .delivery_issues(std::slice::from_ref(&w.agent.email))
        .await
        .expect("issues");
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].email, w.agent.email.to_lowercase());
    assert_eq!(issues[0].event, "hard_bounce");
    assert_eq!(
        issues[0].reason.as_deref(),
        Some("550 5.1.1 mailbox unavailable")
    );
    assert_eq!(issues[0].occurred_at, minutes(10));

    let delivered = event(Some("ev-2"), &w.agent.email, "delivered", false, 20);
    assert!(
        repo.apply_delivery_event(&delivered, minutes(21))
            .await
            .expect("apply")
    );
    assert_eq!(
        repo.delivery_issues(std::slice::from_ref(&w.agent.email))
            .await
            .expect("issues"),
        Vec::new()
    );
    // The bounce delivered again (same key): applied once, not twice.
    assert!(
        !repo
            .apply_delivery_event(&bounce, minutes(22))
            .await
            .expect("apply")
    );
    assert_eq!(
        repo.delivery_issues(std::slice::from_ref(&w.agent.email))
            .await
            .expect("issues"),
        Vec::new()
    );

    let blocked = event(Some("ev-3"), &w.rt.email, "blocked", true, 30);
    repo.apply_delivery_event(&blocked, minutes(31))
        .await
        .expect("apply");
    let older_spam = event(Some("ev-4"), &w.rt.email, "spam", true, 25);
    repo.apply_delivery_event(&older_spam, minutes(32))
        .await
        .expect("apply");
    let older_success = event(Some("ev-5"), &w.rt.email, "opened", false, 26);
    repo.apply_delivery_event(&older_success, minutes(33))
        .await
        .expect("apply");
    let issues = repo
        .delivery_issues(std::slice::from_ref(&w.rt.email))
        .await
        .expect("issues");
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].event, "blocked", "an older report never wins");

    // What the platform saw itself has no key: applied every time.
    let refused = event(None, &w.rt.email, "invalid_email", true, 40);
    assert!(
        repo.apply_delivery_event(&refused, minutes(41))
            .await
            .expect("apply")
    );
    assert!(
        repo.apply_delivery_event(&refused, minutes(42))
            .await
            .expect("apply")
    );

    assert_eq!(
        repo.purge_delivery_events(minutes(31), 100)
            .await
            .expect("purge"),
        2
    );
    assert!(
        repo.apply_delivery_event(&bounce, minutes(50))
            .await
            .expect("apply"),
        "a purged key is forgotten"
    );
}

/// The accounts listed are the active users and non-archived partners
/// whose address has an issue, of the territories asked (all for `None`).
pub async fn deliverability_lists_the_accounts_of_the_scope(backend: &dyn Backend) {
    let w = world(backend).await;
    let repo = &w.stores.delivery_issues;
    let caf_mailbox = w.caf.email.clone().expect("the CAF has a mailbox");
    for (i, email) in [
        w.agent.email.as_str(),
        w.agent_caf.email.as_str(),
        caf_mailbox.as_str(),
        "inconnu@example.test",
    ]
    .into_iter()
    .enumerate()
    {
        let e = event(Some(&format!("ev-{i}")), email, "hard_bounce", true, 10);
        repo.apply_delivery_event(&e, minutes(11))
            .await
            .expect("apply");
    }
    let all = repo.undeliverable_accounts(None).await.expect("all");
    let mut accounts: Vec<AccountRef> = all.iter().map(|a| a.account).collect();
    accounts.sort_by_key(|a| format!("{a:?}"));
    let mut expected = vec![
        AccountRef::User(w.agent.id),
        AccountRef::User(w.agent_caf.id),
        AccountRef::Partner(w.caf.id),
    ];
    expected.sort_by_key(|a| format!("{a:?}"));
    assert_eq!(accounts, expected, "{all:?}");
    let caf = all
        .iter()
        .find(|a| a.account == AccountRef::Partner(w.caf.id))
        .expect("the CAF");
    assert_eq!(caf.name, w.caf.nom);
    assert_eq!(caf.issue.event, "hard_bounce");

    let bdr = repo
        .undeliverable_accounts(Some(vec![w.bdr.code.clone()]))
        .await
        .expect("13");
    assert_eq!(
        bdr.iter().map(|a| a.account).collect::<Vec<_>>(),
        [AccountRef::User(w.agent.id)]
    );
    assert!(bdr[0].name.contains(&w.agent.nom));

    let mut archived = w.caf.clone();
    archived.is_archive = true;
    w.stores.partners.update(&archived).await.expect("archive");
    let am = repo
        .undeliverable_accounts(Some(vec![w.am.code.clone()]))
        .await
        .expect("06");
    assert_eq!(
        am.iter().map(|a| a.account).collect::<Vec<_>>(),
        [AccountRef::User(w.agent_caf.id)],
        "an archived partner is not listed"
    );
}
