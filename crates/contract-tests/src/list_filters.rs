//! `SignalementRepository::list`: the filters and orders of the
//! back-office list beyond status, territory, text and dates (features.md
//! §2.4) — partner and « sans affectation », affectation status, commune /
//! postal code / INSEE, criticité, suspected procedure, the dashboard's
//! flags — and `affectations_of`, which fills the cards of a page.

use histologe_core::enums::{
    AffectationStatus, Qualification, QualificationStatus, SignalementStatus,
};
use histologe_core::ids::{PartnerId, SignalementId};
use histologe_core::model::{Adresse, Case};
use histologe_core::policy::ListScope;
use histologe_ports::{ListOrder, PartnerFilter, SignalementFilter};

use crate::Backend;
use crate::fixtures::{affectation, case, days, qualification};
use crate::support::{World, begin, commit, commit_cases, sorted, world};

/// | case | ref | created | status | commune, postal code, INSEE | occupant | score | suspected | last suivi | affectations | abandon |
/// |---|---|---|---|---|---|---|---|---|---|---|
/// | p | 2025-10 | −50 d | active | Marseille 13001 13201 | ZOLA Émile | 72 | insalubrité | −40 d | SCHS accepted, ARS closed | |
/// | q | 2025-9 | −45 d | active | Aix-en-Provence 13100 13001 | ARNAUD Béatrice | 35.5 | non-décence (RSD confirmed by a visit) | −2 d | SCHS closed, ARS closed, ADIL refused | yes |
/// | r | 2025-11 | −20 d | new | Aubagne 13400 13005 | none | 12.25 | (danger archived) | none | none | |
/// | t | 2025-2 | −35 d | active | Saint-Rémy-de-Provence 13210 13100 | DURAND Paul | 50 | | none | ADIL waiting | |
///
/// plus an archived case that passes every filter and is never listed.
struct Filtering {
    w: World,
    p: SignalementId,
    q: SignalementId,
    r: SignalementId,
    t: SignalementId,
}

fn place(c: &mut Case, ville: &str, code_postal: &str, insee: &str) {
    c.signalement.adresse = Adresse {
        adresse: "1 place de la Mairie".into(),
        code_postal: code_postal.into(),
        ville: ville.into(),
        insee: Some(insee.into()),
        ..Adresse::default()
    };
}

fn occupant(c: &mut Case, nom: Option<&str>, prenom: Option<&str>, email: Option<&str>) {
    c.signalement.occupant.nom = nom.map(str::to_string);
    c.signalement.occupant.prenom = prenom.map(str::to_string);
    c.signalement.occupant.email = email.map(str::to_string);
}

async fn filtering(backend: &dyn Backend) -> Filtering {
    let w = world(backend).await;
    let bdr = w.bdr.code.clone();

    let mut p = case(&bdr, "2025-10", days(-50));
    p.signalement.status = SignalementStatus::Active;
    place(&mut p, "Marseille", "13001", "13201");
    occupant(
        &mut p,
        Some("ZOLA"),
        Some("Émile"),
        Some("emile.zola@example.fr"),
    );
    p.signalement.score = 72.0;
    p.qualifications = vec![qualification(
        Qualification::Insalubrite,
        QualificationStatus::InsalubriteCheck,
    )];
    p.signalement.last_suivi_at = Some(days(-40));
    p.affectations = vec![
        affectation(&p, &w.schs, AffectationStatus::Accepted),
        affectation(&p, &w.ars, AffectationStatus::Closed),
    ];

    let mut q = case(&bdr, "2025-9", days(-45));
    q.signalement.status = SignalementStatus::Active;
    place(&mut q, "Aix-en-Provence", "13100", "13001");
    occupant(
        &mut q,
        Some("ARNAUD"),
        Some("Béatrice"),
        Some("b.arnaud@exemple.org"),
    );
    q.signalement.score = 35.5;
    let mut confirmed = qualification(Qualification::Rsd, QualificationStatus::RsdAveree);
    confirmed.is_post_visit = true;
    q.qualifications = vec![
        qualification(
            Qualification::NonDecence,
            QualificationStatus::NonDecenceCheck,
        ),
        confirmed,
    ];
    q.signalement.last_suivi_at = Some(days(-2));
    q.signalement.is_usager_abandon_procedure = true;
    q.affectations = vec![
        affectation(&q, &w.schs, AffectationStatus::Closed),
        affectation(&q, &w.ars, AffectationStatus::Closed),
        affectation(&q, &w.adil, AffectationStatus::Refused),
    ];

    let mut r = case(&bdr, "2025-11", days(-20));
    place(&mut r, "Aubagne", "13400", "13005");
    occupant(&mut r, None, None, None);
    r.signalement.score = 12.25;
    r.qualifications = vec![qualification(
        Qualification::Danger,
        QualificationStatus::Archived,
    )];

    let mut t = case(&bdr, "2025-2", days(-35));
    t.signalement.status = SignalementStatus::Active;
    place(&mut t, "Saint-Rémy-de-Provence", "13210", "13100");
    occupant(&mut t, Some("DURAND"), Some("Paul"), None);
    t.signalement.score = 50.0;
    t.qualifications = Vec::new();
    t.affectations = vec![affectation(&t, &w.adil, AffectationStatus::Wait)];

    // Passes every filter below, but archived cases are never listed.
    let mut ghost = q.clone();
    ghost.signalement.id = SignalementId(crate::fixtures::uuid());
    ghost.signalement.code_suivi = ghost.signalement.id.0.simple().to_string();
    ghost.signalement.reference = "2025-12".into();
    ghost.signalement.status = SignalementStatus::Archived;
    ghost.affectations = vec![
        affectation(&ghost, &w.schs, AffectationStatus::Closed),
        affectation(&ghost, &w.adil, AffectationStatus::Wait),
    ];

    commit_cases(&w.stores, &[&p, &q, &r, &t, &ghost]).await;
    Filtering {
        p: p.signalement.id,
        q: q.signalement.id,
        r: r.signalement.id,
        t: t.signalement.id,
        w,
    }
}

impl Filtering {
    async fn ids(&self, scope: &ListScope, filter: &SignalementFilter) -> Vec<SignalementId> {
        let page = self
            .w
            .stores
            .signalements
            .list(scope, filter, 0, 100)
            .await
            .expect("list");
        assert_eq!(
            page.total,
            u64::try_from(page.items.len()).expect("a few cases"),
            "total of {filter:?}"
        );
        page.items.into_iter().map(|s| s.id).collect()
    }

    async fn all(&self, filter: SignalementFilter) -> Vec<SignalementId> {
        self.ids(&ListScope::All, &filter).await
    }
}

fn affected_to(partner: PartnerId) -> SignalementFilter {
    SignalementFilter {
        partner: Some(PartnerFilter::AffectedTo(partner)),
        ..SignalementFilter::default()
    }
}

fn affectation_status(status: AffectationStatus) -> SignalementFilter {
    SignalementFilter {
        affectation_status: Some(status),
        ..SignalementFilter::default()
    }
}

fn commune(text: &str) -> SignalementFilter {
    SignalementFilter {
        commune: Some(text.into()),
        ..SignalementFilter::default()
    }
}

fn ordered(order: ListOrder) -> SignalementFilter {
    SignalementFilter {
        order,
        ..SignalementFilter::default()
    }
}

/// The partner filter keeps the cases affected to that partner, whatever
/// the affectation's status; « sans affectation » those affected to
/// nobody. With an affectation status too, one affectation must pass both.
pub async fn list_filters_partner_and_affectation_status(backend: &dyn Backend) {
    let f = filtering(backend).await;
    let (schs, ars, adil, caf) = (f.w.schs.id, f.w.ars.id, f.w.adil.id, f.w.caf.id);
    assert_eq!(f.all(affected_to(schs)).await, vec![f.q, f.p]);
    assert_eq!(f.all(affected_to(adil)).await, vec![f.t, f.q]);
    assert!(f.all(affected_to(caf)).await.is_empty());
    let nobody = SignalementFilter {
        partner: Some(PartnerFilter::NoAffectation),
        ..SignalementFilter::default()
    };
    assert_eq!(f.all(nobody.clone()).await, vec![f.r]);
    for (status, expected) in [
        (AffectationStatus::Accepted, vec![f.p]),
        (AffectationStatus::Closed, vec![f.q, f.p]),
        (AffectationStatus::Refused, vec![f.q]),
        (AffectationStatus::Wait, vec![f.t]),
    ] {
        assert_eq!(
            f.all(affectation_status(status)).await,
            expected,
            "{status:?}"
        );
    }
    let both = |partner, status| SignalementFilter {
        affectation_status: Some(status),
        ..affected_to(partner)
    };
    assert_eq!(
        f.all(both(schs, AffectationStatus::Closed)).await,
        vec![f.q],
        "the SCHS closed q and accepted p"
    );
    assert!(
        f.all(both(ars, AffectationStatus::Accepted))
            .await
            .is_empty(),
        "p is accepted by the SCHS, not by the ARS"
    );
    assert!(
        f.all(SignalementFilter {
            affectation_status: Some(AffectationStatus::Closed),
            ..nobody
        })
        .await
        .is_empty()
    );
    assert_eq!(
        f.ids(
            &ListScope::Territories(vec![f.w.am.code.clone()]),
            &affected_to(schs)
        )
        .await,
        Vec::<SignalementId>::new(),
        "a filter never widens the scope"
    );
}

/// A partner's agent reads the partner and affectation-status filters on
/// his own affectations only: another partner's name lists nothing, and
/// « sans affectation » nothing either.
pub async fn list_filters_partner_scope_reads_its_own_affectations(backend: &dyn Backend) {
    let f = filtering(backend).await;
    let schs_scope = ListScope::Partners(vec![f.w.schs.id]);
    assert_eq!(
        f.ids(&schs_scope, &SignalementFilter::default()).await,
        vec![f.q, f.p]
    );
    assert!(
        f.ids(&schs_scope, &affected_to(f.w.adil.id))
            .await
            .is_empty(),
        "q is affected to the ADIL too, but the SCHS agent reads only his own affectations"
    );
    assert_eq!(
        f.ids(&schs_scope, &affected_to(f.w.schs.id)).await,
        vec![f.q, f.p]
    );
    assert_eq!(
        f.ids(&schs_scope, &affectation_status(AffectationStatus::Closed))
            .await,
        vec![f.q],
        "p is closed by the ARS, not by the SCHS"
    );
    assert!(
        f.ids(
            &schs_scope,
            &SignalementFilter {
                partner: Some(PartnerFilter::NoAffectation),
                ..SignalementFilter::default()
            }
        )
        .await
        .is_empty()
    );
    let insalubrite = SignalementFilter {
        procedure: Some(Qualification::Insalubrite),
        ..SignalementFilter::default()
    };
    assert_eq!(f.ids(&schs_scope, &insalubrite).await, vec![f.p]);
    assert_eq!(f.ids(&schs_scope, &commune("13001")).await, vec![f.q, f.p]);
    assert_eq!(
        f.ids(&schs_scope, &ordered(ListOrder::OccupantAsc)).await,
        vec![f.q, f.p]
    );
    let adil_scope = ListScope::Partners(vec![f.w.adil.id]);
    let closed_by_all = SignalementFilter {
        closed_by_all_partners: true,
        ..SignalementFilter::default()
    };
    assert_eq!(f.ids(&adil_scope, &closed_by_all).await, vec![f.q]);
}

/// Five digits are a postal code or an INSEE code; anything else is the
/// commune's name, whole, accents, case and spaces around ignored.
pub async fn list_filters_commune_postal_code_or_insee(backend: &dyn Backend) {
    let f = filtering(backend).await;
    for (text, expected) in [
        ("13001", vec![f.q, f.p]),
        ("13100", vec![f.t, f.q]),
        ("13400", vec![f.r]),
        ("13005", vec![f.r]),
        ("marseille", vec![f.p]),
        (" MARSEILLE ", vec![f.p]),
        ("AIX-EN-PROVENCE", vec![f.q]),
        ("saint-remy-de-provence", vec![f.t]),
        ("Saint-Rémy-de-Provence", vec![f.t]),
        ("Aix", vec![]),
        ("99999", vec![]),
    ] {
        assert_eq!(f.all(commune(text)).await, expected, "commune {text:?}");
    }
    assert_eq!(
        f.all(commune("  ")).await.len(),
        4,
        "an empty commune filters nothing"
    );
}

/// The search box (§2.4): five digits are the occupant's postal code only
/// (not the INSEE code); otherwise text in names, e-mails, reference and
/// address.
pub async fn list_filters_text_postal_code_and_email(backend: &dyn Backend) {
    let f = filtering(backend).await;
    let text = |t: &str| SignalementFilter {
        text: Some(t.into()),
        ..SignalementFilter::default()
    };
    assert_eq!(f.all(text("13001")).await, vec![f.p]);
    assert_eq!(f.all(text("13100")).await, vec![f.q]);
    assert_eq!(f.all(text("arnaud@exemple")).await, vec![f.q]);
    assert_eq!(f.all(text("beatrice")).await, vec![f.q]);
    assert_eq!(f.all(text("2025-10")).await, vec![f.p]);
    assert_eq!(f.all(text("place de la mairie")).await.len(), 4);
}

/// Criticité bounds are inclusive percents on the score rounded to the
/// hundredth; the suspected procedure is an active qualification not
/// confirmed by a visit.
pub async fn list_filters_criticite_and_procedure(backend: &dyn Backend) {
    let f = filtering(backend).await;
    let score = |min: Option<u32>, max: Option<u32>| SignalementFilter {
        score_min: min,
        score_max: max,
        ..SignalementFilter::default()
    };
    assert_eq!(f.all(score(Some(50), None)).await, vec![f.t, f.p]);
    assert_eq!(f.all(score(None, Some(35))).await, vec![f.r]);
    assert_eq!(f.all(score(Some(35), Some(36))).await, vec![f.q]);
    assert_eq!(f.all(score(Some(50), Some(50))).await, vec![f.t]);
    assert!(f.all(score(Some(80), None)).await.is_empty());
    let procedure = |q| SignalementFilter {
        procedure: Some(q),
        ..SignalementFilter::default()
    };
    assert_eq!(
        f.all(procedure(Qualification::Insalubrite)).await,
        vec![f.p]
    );
    assert_eq!(f.all(procedure(Qualification::NonDecence)).await, vec![f.q]);
    assert!(
        f.all(procedure(Qualification::Rsd)).await.is_empty(),
        "confirmed by a visit: no longer suspected"
    );
    assert!(
        f.all(procedure(Qualification::Danger)).await.is_empty(),
        "archived"
    );
    assert!(
        f.all(procedure(Qualification::NonDecenceEnergetique))
            .await
            .is_empty(),
        "a qualification is found whole, not as part of another"
    );
}

/// The dashboard's flags: nothing written since a date (the last suivi,
/// or the creation without any), closed by every partner (refusals do not
/// count), the usager asked to stop.
pub async fn list_filters_dashboard_flags(backend: &dyn Backend) {
    let f = filtering(backend).await;
    assert_eq!(
        f.all(SignalementFilter {
            no_suivi_since: Some(days(-30)),
            ..SignalementFilter::default()
        })
        .await,
        vec![f.t, f.p]
    );
    assert_eq!(
        f.all(SignalementFilter {
            no_suivi_since: Some(days(-30)),
            status: Some(SignalementStatus::Active),
            affectation_status: Some(AffectationStatus::Wait),
            ..SignalementFilter::default()
        })
        .await,
        vec![f.t]
    );
    assert_eq!(
        f.all(SignalementFilter {
            closed_by_all_partners: true,
            ..SignalementFilter::default()
        })
        .await,
        vec![f.q]
    );
    assert_eq!(
        f.all(SignalementFilter {
            abandon_requested: true,
            ..SignalementFilter::default()
        })
        .await,
        vec![f.q]
    );
}

/// Every order, ties newest first; paging cuts the ordered list.
pub async fn list_filters_orders(backend: &dyn Backend) {
    let f = filtering(backend).await;
    let (p, q, r, t) = (f.p, f.q, f.r, f.t);
    for (order, expected) in [
        (ListOrder::CreatedDesc, vec![r, t, q, p]),
        (ListOrder::CreatedAsc, vec![p, q, t, r]),
        (ListOrder::ReferenceDesc, vec![r, p, q, t]),
        (ListOrder::ReferenceAsc, vec![t, q, p, r]),
        (ListOrder::OccupantAsc, vec![r, q, t, p]),
        (ListOrder::OccupantDesc, vec![p, t, q, r]),
        (ListOrder::CommuneAsc, vec![q, r, p, t]),
        (ListOrder::CommuneDesc, vec![t, p, r, q]),
    ] {
        assert_eq!(f.all(ordered(order)).await, expected, "{order:?}");
    }
    let page =
        f.w.stores
            .signalements
            .list(&ListScope::All, &ordered(ListOrder::ReferenceDesc), 1, 2)
            .await
            .expect("list");
    assert_eq!(
        (
            page.items.iter().map(|s| s.id).collect::<Vec<_>>(),
            page.total
        ),
        (vec![p, q], 4)
    );
}

/// The filter columns follow the case: after a save, the new commune,
/// score and flags are what the list filters on.
pub async fn list_filters_follow_a_saved_case(backend: &dyn Backend) {
    let f = filtering(backend).await;
    let mut tx = begin(&f.w.stores).await;
    let mut r = tx
        .lock_case(f.r)
        .await
        .expect("lock_case")
        .expect("r exists");
    r.signalement.adresse.ville = "La Ciotat".into();
    r.signalement.adresse.code_postal = "13600".into();
    r.signalement.score = 90.0;
    r.signalement.is_usager_abandon_procedure = true;
    r.signalement.last_suivi_at = Some(days(-1));
    r.qualifications = vec![qualification(
        Qualification::Danger,
        QualificationStatus::DangerCheck,
    )];
    tx.save_case(&r).await.expect("save_case");
    commit(tx).await;
    assert_eq!(f.all(commune("la ciotat")).await, vec![f.r]);
    assert_eq!(f.all(commune("13600")).await, vec![f.r]);
    assert!(f.all(commune("aubagne")).await.is_empty());
    assert_eq!(
        f.all(SignalementFilter {
            score_min: Some(90),
            procedure: Some(Qualification::Danger),
            abandon_requested: true,
            ..SignalementFilter::default()
        })
        .await,
        vec![f.r]
    );
    assert_eq!(
        f.all(SignalementFilter {
            no_suivi_since: Some(days(-30)),
            ..SignalementFilter::default()
        })
        .await,
        vec![f.t, f.p]
    );
}

/// The étiquette filter keeps the cases carrying the tag, as saved: a tag
/// taken off a case takes it out of the filter.
pub async fn list_filters_etiquette(backend: &dyn Backend) {
    let f = filtering(backend).await;
    let (urgent, bailleur) = (
        histologe_core::ids::TagId(crate::fixtures::uuid()),
        histologe_core::ids::TagId(crate::fixtures::uuid()),
    );
    let tagged = |tag| SignalementFilter {
        tag: Some(tag),
        ..SignalementFilter::default()
    };
    let mut tx = begin(&f.w.stores).await;
    for (id, tags) in [(f.p, vec![urgent]), (f.t, vec![bailleur, urgent])] {
        let mut c = tx.lock_case(id).await.expect("lock_case").expect("exists");
        c.signalement.tags = tags;
        tx.save_case(&c).await.expect("save_case");
    }
    commit(tx).await;
    assert_eq!(
        sorted(&f.all(tagged(urgent)).await, |id| *id),
        sorted(&[f.p, f.t], |id| *id)
    );
    assert_eq!(f.all(tagged(bailleur)).await, vec![f.t]);
    let nobody = histologe_core::ids::TagId(crate::fixtures::uuid());
    assert!(f.all(tagged(nobody)).await.is_empty());

    let mut tx = begin(&f.w.stores).await;
    let mut t = tx.lock_case(f.t).await.expect("lock_case").expect("exists");
    t.signalement.tags = vec![urgent];
    tx.save_case(&t).await.expect("save_case");
    commit(tx).await;
    assert!(f.all(tagged(bailleur)).await.is_empty());
    assert_eq!(
        sorted(&f.all(tagged(urgent)).await, |id| *id),
        sorted(&[f.p, f.t], |id| *id)
    );
}

/// `affectations_of` reads the affectations of the given cases (by case,
/// then creation), and of no other; no case, no affectation.
pub async fn list_filters_affectations_of_a_page(backend: &dyn Backend) {
    let f = filtering(backend).await;
    let s = &f.w.stores.signalements;
    let found = s
        .affectations_of(&[f.p, f.t, f.r])
        .await
        .expect("affectations_of");
    let mut got: Vec<_> = found
        .iter()
        .map(|a| (a.signalement_id, a.partner_id, a.status))
        .collect();
    got.sort();
    let mut expected = vec![
        (f.p, f.w.schs.id, AffectationStatus::Accepted),
        (f.p, f.w.ars.id, AffectationStatus::Closed),
        (f.t, f.w.adil.id, AffectationStatus::Wait),
    ];
    expected.sort();
    assert_eq!(got, expected);
    let cases: Vec<_> = found.iter().map(|a| a.signalement_id).collect();
    let mut grouped = cases.clone();
    grouped.sort();
    assert_eq!(cases, grouped, "grouped by case");
    assert!(s.affectations_of(&[]).await.expect("empty").is_empty());
}

/// `count` and `list_items` agree with `list` (the dashboard counts with
/// the first, the same-address panel pages with the second): the same
/// total and the same rows, page by page, for every scope and filter.
pub async fn list_filters_count_and_items_agree_with_list(backend: &dyn Backend) {
    let f = filtering(backend).await;
    let repo = &f.w.stores.signalements;
    let filters = [
        SignalementFilter::default(),
        SignalementFilter {
            status: Some(SignalementStatus::Active),
            ..SignalementFilter::default()
        },
        SignalementFilter {
            no_suivi_since: Some(days(-30)),
            ..SignalementFilter::default()
        },
        SignalementFilter {
            closed_by_all_partners: true,
            ..SignalementFilter::default()
        },
        affectation_status(AffectationStatus::Wait),
        ordered(ListOrder::ReferenceAsc),
    ];
    let territory = repo
        .case(f.p)
        .await
        .expect("case")
        .expect("p exists")
        .signalement
        .territory;
    let scopes = [
        ListScope::All,
        ListScope::Territories(vec![territory]),
        ListScope::Partners(vec![f.w.schs.id]),
        ListScope::Nothing,
    ];
    for scope in &scopes {
        for filter in &filters {
            let whole = repo.list(scope, filter, 0, 100).await.expect("list");
            let count = repo.count(scope, filter).await.expect("count");
            assert_eq!(count, whole.total, "{scope:?} {filter:?}");
            for bound in [0, 1, 2, whole.total, whole.total + 1] {
                let up_to = repo
                    .list_up_to(scope, filter, 0, 100, bound)
                    .await
                    .expect("list_up_to");
                assert_eq!(
                    up_to.total,
                    whole.total.min(bound),
                    "{scope:?} {filter:?} up to {bound}"
                );
                assert_eq!(
                    up_to.items.iter().map(|s| s.id).collect::<Vec<_>>(),
                    whole.items.iter().map(|s| s.id).collect::<Vec<_>>(),
                    "{scope:?} {filter:?} up to {bound}"
                );
            }
            for offset in 0..=whole.items.len() as u64 {
                let page = repo.list(scope, filter, offset, 2).await.expect("list");
                let items = repo
                    .list_items(scope, filter, offset, 2)
                    .await
                    .expect("list_items");
                let ids = |v: &[histologe_core::model::Signalement]| {
                    v.iter().map(|s| s.id).collect::<Vec<_>>()
                };
                assert_eq!(
                    ids(&items),
                    ids(&page.items),
                    "{scope:?} {filter:?} at {offset}"
                );
            }
        }
    }
}
