//! The back-office list through the use cases: filters never widen the
//! policy's scope (`list_scope`), the dashboard counts what the list then
//! shows, and the export follows the same scope under its own policy.

mod common;

use chrono::Duration;
use common::{World, form};
use histologe_core::enums::{AffectationStatus, SignalementStatus};
use histologe_core::ids::SignalementId;
use histologe_core::policy::Refusal;
use histologe_ports::{PartnerFilter, SignalementFilter};

/// Two active cases of the 13: `schs` affected to the SCHS (accepted), `caf`
/// in Aix-en-Provence affected to the CAF (waiting).
async fn two_cases(world: &World) -> (SignalementId, SignalementId) {
    let schs = world.accepted_case().await.signalement.id;
    let mut aix = form();
    aix.adresse.ville = "Aix-en-Provence".into();
    aix.adresse.code_postal = "13100".into();
    aix.adresse.insee = Some("13001".into());
    aix.adresse.geoloc = None;
    let caf = world.submit(aix).await.signalement.id;
    let rt = world.actor(&world.people.rt);
    world
        .app
        .validate_signalement(&rt, caf, vec![])
        .await
        .expect("validated");
    world.affect_all(caf, [world.partners.caf.id]).await;
    (schs, caf)
}

async fn listed(
    world: &World,
    who: &histologe_core::Actor,
    filter: SignalementFilter,
) -> Vec<SignalementId> {
    world
        .app
        .list_page(who, &filter, 1, &[])
        .await
        .expect("list")
        .items
        .into_iter()
        .map(|c| c.signalement.id)
        .collect()
}

#[tokio::test]
async fn an_agent_filtering_on_another_partner_still_sees_only_his_cases() {
    let world = World::new().await;
    let (schs, caf) = two_cases(&world).await;
    let agent = world.actor(&world.people.agent_schs);
    assert_eq!(
        listed(&world, &agent, SignalementFilter::default()).await,
        vec![schs]
    );
    let other = SignalementFilter {
        partner: Some(PartnerFilter::AffectedTo(world.partners.caf.id)),
        ..SignalementFilter::default()
    };
    assert!(
        listed(&world, &agent, other.clone()).await.is_empty(),
        "the CAF's case stays out of the SCHS agent's list"
    );
    let rt = world.actor(&world.people.rt);
    assert_eq!(listed(&world, &rt, other).await, vec![caf]);
    let aix = SignalementFilter {
        commune: Some("aix-en-provence".into()),
        ..SignalementFilter::default()
    };
    assert!(listed(&world, &agent, aix.clone()).await.is_empty());
    assert_eq!(listed(&world, &rt, aix).await, vec![caf]);
    let elsewhere = world.actor(&world.people.rt_other_territory);
    assert!(
        listed(&world, &elsewhere, SignalementFilter::default())
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn an_agent_sees_only_his_partners_affectations_on_the_cards() {
    let world = World::new().await;
    let (schs, _) = two_cases(&world).await;
    world.affect_all(schs, [world.partners.ars.id]).await;
    let agent = world.actor(&world.people.agent_schs);
    let page = world
        .app
        .list_page(&agent, &SignalementFilter::default(), 1, &[])
        .await
        .expect("list");
    assert_eq!(page.items.len(), 1);
    assert_eq!(
        page.items[0].affectations,
        vec![(world.partners.schs.nom.clone(), AffectationStatus::Accepted)],
        "the ARS's affectation is not the agent's to see on the list"
    );
    let rt = world.actor(&world.people.rt);
    let page = world
        .app
        .list_page(&rt, &SignalementFilter::default(), 1, &[])
        .await
        .expect("list");
    let card = page
        .items
        .iter()
        .find(|c| c.signalement.id == schs)
        .expect("the RT lists the SCHS case");
    assert_eq!(card.affectations.len(), 2);
}

#[tokio::test]
async fn the_dashboard_counts_what_its_links_list() {
    let world = World::new().await;
    let (schs, caf) = two_cases(&world).await;
    let waiting = world.submit(form()).await.signalement.id;
    let rt = world.actor(&world.people.rt);
    let cards = world.app.dashboard(&rt).await.expect("dashboard");
    let labels: Vec<_> = cards.iter().map(|c| (c.label, c.count)).collect();
    assert_eq!(
        labels,
        vec![
            ("Nouveaux signalements à valider", 1),
            ("Sans suivi depuis 30 jours", 0),
            ("Fermés par tous les partenaires", 0),
            ("Demandes d'arrêt de procédure", 0),
        ]
    );
    assert_eq!(
        listed(&world, &rt, cards[0].filter.clone()).await,
        vec![waiting]
    );

    world.advance(Duration::days(31));
    let cards = world.app.dashboard(&rt).await.expect("dashboard");
    assert_eq!(cards[1].count, 2, "both active cases wait for a suivi");
    let mut stale = listed(&world, &rt, cards[1].filter.clone()).await;
    stale.sort();
    let mut expected = vec![schs, caf];
    expected.sort();
    assert_eq!(stale, expected);

    let caf_agent = world.actor(&world.people.agent_caf);
    let cards = world.app.dashboard(&caf_agent).await.expect("dashboard");
    assert_eq!(cards[0].label, "Affectations à accepter ou refuser");
    assert_eq!(cards[0].count, 1);
    assert_eq!(
        listed(&world, &caf_agent, cards[0].filter.clone()).await,
        vec![caf]
    );
    assert_eq!(
        cards[1].count, 0,
        "the CAF has not accepted: no suivi is expected of it yet"
    );
}

#[tokio::test]
async fn the_export_follows_the_scope_and_needs_a_filter_for_a_super_admin() {
    let world = World::new().await;
    let (schs, caf) = two_cases(&world).await;
    let admin = world.actor(&world.people.super_admin);
    let refused = world
        .app
        .export_page(&admin, &SignalementFilter::default(), 1)
        .await
        .expect_err("no national dump");
    assert_eq!(refused.to_string(), Refusal::ExportNeedsFilter.to_string());
    let active = SignalementFilter {
        status: Some(SignalementStatus::Active),
        ..SignalementFilter::default()
    };
    assert_eq!(
        world
            .app
            .export_page(&admin, &active, 1)
            .await
            .expect("filtered export")
            .total,
        2
    );
    let agent = world.actor(&world.people.agent_schs);
    let rows: Vec<_> = world
        .app
        .export_page(&agent, &SignalementFilter::default(), 1)
        .await
        .expect("an agent exports his list")
        .items
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(rows, vec![schs]);
    assert!(!rows.contains(&caf));
}
