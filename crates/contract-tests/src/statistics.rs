//! `StatisticsRepository::statistics_rows`: the columns of the cases in
//! the list scope of an actor that pass the statistics' filters.

use histologe_core::enums::{
    AffectationStatus, Qualification, QualificationStatus, SignalementStatus,
};
use histologe_core::policy::ListScope;
use histologe_ports::{StatsFilter, StatsRow};

use crate::Backend;
use crate::fixtures::{affectation, case, days, qualification};
use crate::support::{commit_cases, world};

fn by_created(mut rows: Vec<StatsRow>) -> Vec<StatsRow> {
    rows.sort_by_key(|r| r.created_at);
    rows
}

/// | case | territory | created | status | affectations | dates | suspected |
/// |---|---|---|---|---|---|---|
/// | p | 13 | −50 d | closed | SCHS accepted at −45 d, ARS refused at −48 d | validated −49 d, closed −10 d | insalubrité |
/// | q | 13 | −20 d | active | ARS accepted at −15 d | validated −19 d | (RSD post-visit only) |
/// | c | 06 | −30 d | new | CAF waiting | | |
///
/// plus an archived case of the 13 affected to the SCHS, never counted.
pub async fn statistics_rows_follow_the_scope_and_filters(backend: &dyn Backend) {
    let w = world(backend).await;
    let (bdr, am) = (w.bdr.code.clone(), w.am.code.clone());

    let mut p = case(&bdr, "2025-1", days(-50));
    p.signalement.status = SignalementStatus::Closed;
    p.signalement.validated_at = Some(days(-49));
    p.signalement.closed_at = Some(days(-10));
    p.qualifications = vec![qualification(
        Qualification::Insalubrite,
        QualificationStatus::InsalubriteCheck,
    )];
    let mut schs = affectation(&p, &w.schs, AffectationStatus::Accepted);
    schs.answered_at = Some(days(-45));
    let mut ars_refused = affectation(&p, &w.ars, AffectationStatus::Refused);
    ars_refused.answered_at = Some(days(-48));
    p.affectations = vec![schs, ars_refused];

    let mut q = case(&bdr, "2025-2", days(-20));
    q.signalement.status = SignalementStatus::Active;
    q.signalement.validated_at = Some(days(-19));
    let mut post_visit = qualification(Qualification::Rsd, QualificationStatus::RsdAveree);
    post_visit.is_post_visit = true;
    q.qualifications = vec![post_visit];
    let mut ars = affectation(&q, &w.ars, AffectationStatus::Accepted);
    ars.answered_at = Some(days(-15));
    q.affectations = vec![ars];

    let mut c = case(&am, "2025-3", days(-30));
    c.affectations = vec![affectation(&c, &w.caf, AffectationStatus::Wait)];

    let mut ghost = case(&bdr, "2025-4", days(-40));
    ghost.signalement.status = SignalementStatus::Archived;
    ghost.affectations = vec![affectation(&ghost, &w.schs, AffectationStatus::Accepted)];

    commit_cases(&w.stores, &[&p, &q, &c, &ghost]).await;
    let repo = &w.stores.statistics;
    let all = StatsFilter::default();

    let every = by_created(
        repo.statistics_rows(&ListScope::All, &all)
            .await
            .expect("rows"),
    );
    assert_eq!(every.len(), 3, "the archived case is left out");
    let (p_row, c_row, q_row) = (&every[0], &every[1], &every[2]);
    assert_eq!(
        p_row,
        &StatsRow {
            created_at: days(-50),
            status: SignalementStatus::Closed,
            validated_at: Some(days(-49)),
            closed_at: Some(days(-10)),
            first_accepted_at: Some(days(-45)),
            desordre_precisions: p.signalement.desordre_precisions.clone(),
            qualifications: vec![Qualification::Insalubrite],
        },
        "a refusal is no acceptance"
    );
    assert_eq!(q_row.first_accepted_at, Some(days(-15)));
    assert!(
        q_row.qualifications.is_empty(),
        "post-visit is not suspected"
    );
    assert_eq!(c_row.status, SignalementStatus::NeedValidation);
    assert_eq!(c_row.validated_at, None);
    assert_eq!(c_row.first_accepted_at, None);

    // An agent's partner: only the cases affected to it.
    let schs_only = repo
        .statistics_rows(&ListScope::Partners(vec![w.schs.id]), &all)
        .await
        .expect("rows");
    assert_eq!(schs_only.len(), 1);
    assert_eq!(schs_only[0].created_at, days(-50));
    // An RT: his territories.
    let rt = by_created(
        repo.statistics_rows(&ListScope::Territories(vec![bdr.clone()]), &all)
            .await
            .expect("rows"),
    );
    assert_eq!(
        rt.iter().map(|r| r.created_at).collect::<Vec<_>>(),
        vec![days(-50), days(-20)]
    );
    assert!(
        repo.statistics_rows(&ListScope::Nothing, &all)
            .await
            .expect("rows")
            .is_empty()
    );
    assert!(
        repo.statistics_rows(&ListScope::Partners(Vec::new()), &all)
            .await
            .expect("rows")
            .is_empty()
    );

    // Filters: territory, partner, deposit period (from inclusive, before exclusive).
    let of = |filter: StatsFilter| {
        let repo = repo.clone();
        async move {
            let mut dates: Vec<_> = repo
                .statistics_rows(&ListScope::All, &filter)
                .await
                .expect("rows")
                .into_iter()
                .map(|r| r.created_at)
                .collect();
            dates.sort();
            dates
        }
    };
    assert_eq!(
        of(StatsFilter {
            territory: Some(am.clone()),
            ..StatsFilter::default()
        })
        .await,
        vec![days(-30)]
    );
    assert_eq!(
        of(StatsFilter {
            partner: Some(w.ars.id),
            ..StatsFilter::default()
        })
        .await,
        vec![days(-50), days(-20)],
        "a refused affectation still ties the case to the partner"
    );
    assert_eq!(
        of(StatsFilter {
            deposited_from: Some(days(-30)),
            deposited_before: Some(days(-20)),
            ..StatsFilter::default()
        })
        .await,
        vec![days(-30)]
    );
    // The scope and the filters add up.
    let rt_partner = repo
        .statistics_rows(
            &ListScope::Territories(vec![bdr]),
            &StatsFilter {
                partner: Some(w.caf.id),
                ..StatsFilter::default()
            },
        )
        .await
        .expect("rows");
    assert!(rt_partner.is_empty());
}

/// The figures come from columns kept with each case (the SQL store's
/// migration 55): after every save they equal a recount from the case
/// itself, and the « fermé par tous les partenaires » card follows.
pub async fn statistics_rows_follow_each_save(backend: &dyn Backend) {
    use histologe_ports::{SignalementFilter, list_keys};

    let w = world(backend).await;
    let mut p = case(&w.bdr.code, "2025-1", days(-50));
    p.signalement.desordre_precisions = vec![
        "desordres_logement_humidite_piece_a_vivre".into(),
        "desordres_batiment_isolation_murs".into(),
    ];
    p.affectations = vec![
        affectation(&p, &w.schs, AffectationStatus::Wait),
        affectation(&p, &w.ars, AffectationStatus::Wait),
    ];
    commit_cases(&w.stores, &[&p]).await;

    let recount = |case: &histologe_core::model::Case| StatsRow {
        created_at: case.signalement.created_at,
        status: case.signalement.status,
        validated_at: case.signalement.validated_at,
        closed_at: case.signalement.closed_at,
        first_accepted_at: list_keys::first_accepted_at(case),
        desordre_precisions: case.signalement.desordre_precisions.clone(),
        qualifications: list_keys::procedures_key(case)
            .split('|')
            .filter_map(Qualification::parse)
            .collect(),
    };
    let closed_by_all = SignalementFilter {
        closed_by_all_partners: true,
        ..SignalementFilter::default()
    };
    let check = |case: histologe_core::model::Case, closed: bool, when: &'static str| {
        let stores = w.stores.clone();
        let filter = closed_by_all.clone();
        async move {
            let rows = stores
                .statistics
                .statistics_rows(&ListScope::All, &StatsFilter::default())
                .await
                .expect("rows");
            assert_eq!(rows, vec![recount(&case)], "{when}");
            let listed = stores
                .signalements
                .count(&ListScope::All, &filter)
                .await
                .expect("count");
            assert_eq!(listed, u64::from(closed), "{when}: closed by all partners");
        }
    };
    check(p.clone(), false, "as filed").await;

    // Validated, the SCHS accepts then closes, the ARS accepts later.
    p.signalement.status = SignalementStatus::Active;
    p.signalement.validated_at = Some(days(-49));
    p.signalement.desordre_precisions = vec!["desordres_logement_nuisibles_cafards".into()];
    p.affectations[0].status = AffectationStatus::Closed;
    p.affectations[0].answered_at = Some(days(-40));
    p.affectations[1].status = AffectationStatus::Accepted;
    p.affectations[1].answered_at = Some(days(-30));
    p.qualifications = vec![qualification(
        Qualification::Insalubrite,
        QualificationStatus::InsalubriteCheck,
    )];
    let mut tx = crate::support::begin(&w.stores).await;
    tx.save_case(&p).await.expect("save");
    crate::support::commit(tx).await;
    check(p.clone(), false, "one partner still at work").await;

    // The ARS closes too; then the case is closed without précisions.
    p.affectations[1].status = AffectationStatus::Closed;
    let mut tx = crate::support::begin(&w.stores).await;
    tx.save_case(&p).await.expect("save");
    crate::support::commit(tx).await;
    check(p.clone(), true, "every partner closed").await;

    p.signalement.status = SignalementStatus::Closed;
    p.signalement.closed_at = Some(days(-5));
    p.signalement.desordre_precisions = Vec::new();
    let mut tx = crate::support::begin(&w.stores).await;
    tx.save_case(&p).await.expect("save");
    crate::support::commit(tx).await;
    let rows = w
        .stores
        .statistics
        .statistics_rows(&ListScope::All, &StatsFilter::default())
        .await
        .expect("rows");
    assert_eq!(rows, vec![recount(&p)], "closed");
    assert_eq!(rows[0].first_accepted_at, Some(days(-40)));
}
