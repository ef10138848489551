//! `SignalementRepository`: a case read back whole, and the back-office
//! list (features.md §2.4) with its scopes, rule 9, search, filters, order
//! and paging.

use chrono::{DateTime, NaiveDate, Utc};
use histologe_core::enums::{
    AffectationStatus, CreationSource, InterventionStatus, MotifCloture, MotifClotureUsager,
    OccupantLink, ProcedureType, ProfileDeclarant, ProprioType, Qualification, QualificationStatus,
    SignalementStatus, TravauxMiseEnConformite,
};
use histologe_core::ids::{PartnerId, SignalementId};
use histologe_core::model::{Adresse, Case, Declarant, Logement, Occupant, Proprio};
use histologe_core::policy::ListScope;
use histologe_core::reference::temporary_reference;
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::SignalementFilter;

use crate::Backend;
use crate::fixtures::{
    NOW, affectation, case, code, days, intervention, message, minutes, nde_qualification,
    qualification, suivi, uuid,
};
use crate::support::{World, begin, canonical_case, commit, commit_cases, stored_case, world};

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid calendar date")
}

/// A case read back (by id and by tracking code) is the case written, every
/// field of it: a closed case with every optional field filled in, and a
/// bare one with every optional field empty. Unknown ids and codes give
/// `None`.
pub async fn signalements_full_case_round_trips(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;

    let mut full = case(&w.bdr.code, "2025-12", days(-60));
    let sig = &mut full.signalement;
    sig.reference_injonction = Some(2371);
    sig.status = SignalementStatus::Closed;
    sig.creation_source = CreationSource::FormProBo;
    sig.is_imported = true;
    sig.created_by = Some(w.agent.id);
    sig.created_by_partner = Some(w.schs.id);
    sig.modified_at = Some(days(-3));
    sig.validated_at = Some(days(-59));
    sig.closed_at = Some(days(-1));
    sig.closed_by = Some(w.rt.id);
    sig.motif_cloture = Some(MotifCloture::TravauxFaitsOuEnCours);
    sig.com_cloture = Some("Travaux réalisés par le propriétaire, constatés le 10/03.".into());
    sig.motif_refus = None;
    sig.motif_cloture_usager = Some(MotifClotureUsager::AccordProprietaire);
    sig.is_usager_abandon_procedure = true;
    sig.last_poursuite_request_at = Some(days(-20));
    sig.declarant = Declarant {
        profile: Some(ProfileDeclarant::TiersPro),
        nom: Some("LEFEBVRE".into()),
        prenom: Some("Nadia".into()),
        telephone: Some("0491550000".into()),
        email: Some("n.lefebvre@ccas-marseille.fr".into()),
        structure: Some("CCAS de Marseille".into()),
        lien_occupant: Some(OccupantLink::Pro),
    };
    sig.proprio = Proprio {
        proprio_type: Some(ProprioType::OrganismeSociete),
        nom: None,
        prenom: None,
        denomination: Some("SCI Les Calanques".into()),
        adresse: Some("27 cours Julien".into()),
        code_postal: Some("13006".into()),
        ville: Some("Marseille".into()),
        telephone: Some("0491330000".into()),
        email: Some("gestion@sci-calanques.fr".into()),
        is_averti: Some(false),
        averti_at: None,
        bailleur_id: Some("13-HMP".into()),
    };
    sig.logement.is_logement_social = Some(true);
    sig.logement.is_logement_vacant = true;
    sig.logement.dpe_date = Some(histologe_core::nde::DateDernierDpe::On(date(2022, 11, 4)));
    sig.last_suivi_at = Some(days(-1));
    sig.last_suivi_by = Some("Camille ROUSSEAU".into());
    sig.last_suivi_is_visible_for_usager = Some(false);

    let mut closed = affectation(&full, &w.schs, AffectationStatus::Closed);
    closed.affected_by = Some(w.rt.id);
    closed.answered_by = Some(w.agent.id);
    closed.answered_at = Some(days(-58));
    closed.motif_cloture = Some(MotifCloture::LogementMisEnConformite);
    closed.travaux = Some(TravauxMiseEnConformite::Oui);
    closed.precisions_cloture = Some("Ventilation remplacée, peintures refaites.".into());
    closed.is_synchronized = true;
    let mut refused = affectation(&full, &w.ars, AffectationStatus::Refused);
    refused.motif_refus = Some(histologe_core::enums::MotifRefus::HorsCompetence);
    refused.answered_by = Some(w.rt.id);
    refused.answered_at = Some(days(-57));
    full.affectations = vec![closed, refused];
    let mut visit = intervention(&full, &w.schs, days(-30));
    visit.status = InterventionStatus::Done;
    visit.created_by = Some(w.agent.id);
    visit.details = Some("Constat d'humidité, VMC à remplacer.".into());
    visit.concluded_procedures = vec![ProcedureType::Rsd, ProcedureType::NonDecence];
    visit.occupant_present = Some(true);
    visit.proprietaire_present = Some(true);
    visit.notify_usager = false;
    full.interventions = vec![visit];
    let mut confirmed = qualification(Qualification::Rsd, QualificationStatus::RsdAveree);
    confirmed.is_post_visit = true;
    full.qualifications = vec![
        confirmed,
        nde_qualification(),
        qualification(Qualification::Danger, QualificationStatus::Archived),
    ];

    let mut bare = case(&w.am.code, "2025-3", days(-2));
    let sig = &mut bare.signalement;
    sig.declarant = Declarant::default();
    sig.occupant = Occupant::default();
    sig.proprio = Proprio::default();
    sig.adresse = Adresse {
        adresse: "Lieu-dit Les Granges".into(),
        code_postal: "06470".into(),
        ville: "Guillaumes".into(),
        ..Adresse::default()
    };
    sig.logement = Logement::default();
    sig.desordre_precisions = Vec::new();
    sig.debut_desordres = None;
    sig.details = String::new();
    sig.score = 0.0;
    sig.score_batiment = 0.0;
    sig.score_logement = 0.0;
    sig.is_cgu_accepted = false;

    commit_cases(s, &[&full, &bare]).await;
    let mut tx = begin(s).await;
    let (first, second) = (suivi(&full, days(-59)), message(&full, &w.agent, days(-30)));
    tx.insert_suivi(&first).await.expect("insert_suivi");
    tx.insert_suivi(&second).await.expect("insert_suivi");
    tx.subscribe(w.agent.id, full.signalement.id)
        .await
        .expect("subscribe");
    commit(tx).await;
    full.suivis = vec![first, second];
    full.subscribers = vec![w.agent.id];

    for written in [&full, &bare] {
        assert_eq!(
            canonical_case(&stored_case(s, written).await),
            canonical_case(written),
            "case {} read by id",
            written.signalement.reference
        );
        let by_code = s
            .signalements
            .case_by_code_suivi(&written.signalement.code_suivi)
            .await
            .expect("case_by_code_suivi")
            .expect("the case by its tracking code");
        assert_eq!(canonical_case(&by_code), canonical_case(written));
    }
    assert_eq!(s.signalements.case(SignalementId(uuid())).await, Ok(None));
    assert_eq!(s.signalements.case_by_code_suivi("inconnu").await, Ok(None));
}

/// The cases of the list contracts (newest first: a, b, c, e, f, g), and
/// cases in excluded statuses that must never show.
struct Listing {
    w: World,
    a: SignalementId,
    b: SignalementId,
    c: SignalementId,
    e: SignalementId,
    f: SignalementId,
    g: SignalementId,
}

/// A case of `territory` with `status`, created `days_ago` days before
/// `NOW`.
fn listed_case(
    territory: &TerritoryCode,
    reference: &str,
    days_ago: i64,
    status: SignalementStatus,
) -> Case {
    let mut c = case(territory, reference, days(-days_ago));
    c.signalement.status = status;
    c
}

/// Stores the listing world:
///
/// | case | territory | reference | status | created | affectations | searchable by |
/// |---|---|---|---|---|---|---|
/// | a | 13 | 2025-1 | active | −1 d | SCHS accepted | occupant DUPONT Lucie |
/// | b | 13 | 2025-2 | active | −2 d | SCHS waiting | declarant LEBLANC Mireille, 45 rue Paradis |
/// | c | 13 | 2025-3 | active | −3 d | ARS accepted | Aix-en-Provence 13100 |
/// | e | 13 | 2025-5 | closed | −4 d | SCHS closed | |
/// | f | 06 | 2025-42 | need validation | −5 d | none | |
/// | g | 13 | 2025-6 | refused | −6 d | ARS refused | |
///
/// plus, never listed, an archived case (2025-4, the newest, SCHS
/// accepted), a draft, an archived draft, and two injonctions (one affected
/// to the SCHS), all of them occupied by a "FANTOME".
async fn listing(backend: &dyn Backend) -> Listing {
    let w = world(backend).await;
    let (bdr, am) = (w.bdr.code.clone(), w.am.code.clone());
    let mut a = listed_case(&bdr, "2025-1", 1, SignalementStatus::Active);
    a.signalement.occupant.nom = Some("DUPONT".into());
    a.signalement.occupant.prenom = Some("Lucie-Hélène".into());
    a.affectations
        .push(affectation(&a, &w.schs, AffectationStatus::Accepted));
    let mut b = listed_case(&bdr, "2025-2", 2, SignalementStatus::Active);
    b.signalement.declarant.nom = Some("LEBLANC".into());
    b.signalement.declarant.prenom = Some("Mireille".into());
    b.signalement.adresse.adresse = "45 rue Paradis".into();
    b.affectations
        .push(affectation(&b, &w.schs, AffectationStatus::Wait));
    let mut c = listed_case(&bdr, "2025-3", 3, SignalementStatus::Active);
    c.signalement.adresse.code_postal = "13100".into();
    c.signalement.adresse.ville = "Aix-en-Provence".into();
    c.affectations
        .push(affectation(&c, &w.ars, AffectationStatus::Accepted));
    let mut e = listed_case(&bdr, "2025-5", 4, SignalementStatus::Closed);
    e.affectations
        .push(affectation(&e, &w.schs, AffectationStatus::Closed));
    let f = listed_case(&am, "2025-42", 5, SignalementStatus::NeedValidation);
    let mut g = listed_case(&bdr, "2025-6", 6, SignalementStatus::Refused);
    g.affectations
        .push(affectation(&g, &w.ars, AffectationStatus::Refused));

    let mut archived = listed_case(&bdr, "2025-4", 0, SignalementStatus::Archived);
    archived
        .affectations
        .push(affectation(&archived, &w.schs, AffectationStatus::Accepted));
    let draft = listed_case(&bdr, "2025-7", 0, SignalementStatus::Draft);
    let draft_archived = listed_case(&bdr, "2025-8", 0, SignalementStatus::DraftArchived);
    let mut injonction = listed_case(
        &bdr,
        &temporary_reference(2025),
        0,
        SignalementStatus::InjonctionBailleur,
    );
    injonction.signalement.reference_injonction = Some(2363);
    injonction
        .affectations
        .push(affectation(&injonction, &w.schs, AffectationStatus::Wait));
    let mut injonction_closed = listed_case(
        &am,
        &temporary_reference(2025),
        0,
        SignalementStatus::InjonctionClosed,
    );
    injonction_closed.signalement.reference_injonction = Some(2364);
    let mut excluded = [
        archived,
        draft,
        draft_archived,
        injonction,
        injonction_closed,
    ];
    for (n, x) in excluded.iter_mut().enumerate() {
        x.signalement.occupant.nom = Some("FANTOME".into());
        x.signalement.created_at = minutes(-10 - i64::try_from(n).expect("a few cases"));
    }

    let mut all: Vec<&Case> = vec![&a, &b, &c, &e, &f, &g];
    all.extend(excluded.iter());
    commit_cases(&w.stores, &all).await;
    Listing {
        a: a.signalement.id,
        b: b.signalement.id,
        c: c.signalement.id,
        e: e.signalement.id,
        f: f.signalement.id,
        g: g.signalement.id,
        w,
    }
}

impl Listing {
    /// The ids listed for `scope` and `filter` on the first page.
    async fn ids(&self, scope: &ListScope, filter: &SignalementFilter) -> Vec<SignalementId> {
        self.w
            .stores
            .signalements
            .list(scope, filter, 0, 100)
            .await
            .expect("list")
            .items
            .into_iter()
            .map(|s| s.id)
            .collect()
    }

    fn partners(&self, partners: &[PartnerId]) -> ListScope {
        ListScope::Partners(partners.to_vec())
    }
}

fn status(status: SignalementStatus) -> SignalementFilter {
    SignalementFilter {
        status: Some(status),
        ..SignalementFilter::default()
    }
}

fn text(text: &str) -> SignalementFilter {
    SignalementFilter {
        text: Some(text.to_string()),
        ..SignalementFilter::default()
    }
}

fn any() -> SignalementFilter {
    SignalementFilter::default()
}

/// A super admin (`All`) sees every listable case; a territory admin
/// (`Territories`) those of his territories; both filter on the case's
/// own status.
pub async fn signalements_list_scopes_all_and_territories(backend: &dyn Backend) {
    let l = listing(backend).await;
    let (bdr, am) = (l.w.bdr.code.clone(), l.w.am.code.clone());
    assert_eq!(
        l.ids(&ListScope::All, &any()).await,
        vec![l.a, l.b, l.c, l.e, l.f, l.g]
    );
    assert_eq!(
        l.ids(&ListScope::Territories(vec![bdr.clone()]), &any())
            .await,
        vec![l.a, l.b, l.c, l.e, l.g]
    );
    assert_eq!(
        l.ids(&ListScope::Territories(vec![am.clone()]), &any())
            .await,
        vec![l.f]
    );
    assert_eq!(
        l.ids(
            &ListScope::Territories(vec![am.clone(), bdr.clone()]),
            &any()
        )
        .await,
        vec![l.a, l.b, l.c, l.e, l.f, l.g]
    );
    assert!(
        l.ids(&ListScope::Territories(vec![code("2A")]), &any())
            .await
            .is_empty()
    );
    assert_eq!(
        l.ids(&ListScope::All, &status(SignalementStatus::Active))
            .await,
        vec![l.a, l.b, l.c],
        "an admin filters on the case's status"
    );
    assert_eq!(
        l.ids(&ListScope::All, &status(SignalementStatus::NeedValidation))
            .await,
        vec![l.f]
    );
    assert_eq!(
        l.ids(&ListScope::All, &status(SignalementStatus::Refused))
            .await,
        vec![l.g]
    );
    assert!(
        l.ids(
            &ListScope::Territories(vec![am]),
            &status(SignalementStatus::Active)
        )
        .await
        .is_empty()
    );
}

/// A partner's agent (`Partners`) sees the cases affected to one of his
/// partners, whatever the affectation's status, and a status filter
/// applies to his affectation's status (rule 9,
/// `SignalementStatus::as_affectation_filter`): "active" means accepted by
/// his partner, "new" means waiting for its answer.
pub async fn signalements_list_partner_scope_filters_on_affectation_status(backend: &dyn Backend) {
    let l = listing(backend).await;
    let (schs, ars, caf) = (l.w.schs.id, l.w.ars.id, l.w.caf.id);
    let mine = l.partners(&[schs]);
    assert_eq!(l.ids(&mine, &any()).await, vec![l.a, l.b, l.e]);
    assert_eq!(
        l.ids(&mine, &status(SignalementStatus::Active)).await,
        vec![l.a],
        "b is an active case, but the SCHS has not accepted it yet"
    );
    assert_eq!(
        l.ids(&mine, &status(SignalementStatus::NeedValidation))
            .await,
        vec![l.b]
    );
    assert_eq!(
        l.ids(&mine, &status(SignalementStatus::Closed)).await,
        vec![l.e]
    );
    assert!(
        l.ids(&mine, &status(SignalementStatus::Refused))
            .await
            .is_empty()
    );
    assert_eq!(
        l.ids(
            &l.partners(&[schs, ars]),
            &status(SignalementStatus::Active)
        )
        .await,
        vec![l.a, l.c]
    );
    assert_eq!(
        l.ids(&l.partners(&[ars]), &status(SignalementStatus::Refused))
            .await,
        vec![l.g]
    );
    assert!(l.ids(&l.partners(&[caf]), &any()).await.is_empty());
    assert!(l.ids(&l.partners(&[]), &any()).await.is_empty());
}

/// `ListScope::Nothing` lists nothing, whatever the filter.
pub async fn signalements_list_scope_nothing_sees_nothing(backend: &dyn Backend) {
    let l = listing(backend).await;
    for filter in [any(), status(SignalementStatus::Active), text("2025-1")] {
        let page =
            l.w.stores
                .signalements
                .list(&ListScope::Nothing, &filter, 0, 100)
                .await
                .expect("list");
        assert_eq!((page.items.len(), page.total), (0, 0));
    }
}

/// Archived cases, drafts and injonctions are never listed (§2.1): not by
/// default, not when asked for by status, not when searched for.
pub async fn signalements_list_never_shows_excluded_statuses(backend: &dyn Backend) {
    let l = listing(backend).await;
    let scopes = [
        ListScope::All,
        ListScope::Territories(vec![l.w.bdr.code.clone(), l.w.am.code.clone()]),
        l.partners(&[l.w.schs.id]),
    ];
    for scope in &scopes {
        let listed = l.ids(scope, &any()).await;
        assert!(
            !listed.is_empty() && listed.len() <= 6,
            "{scope:?} lists {} cases",
            listed.len()
        );
        assert!(
            l.ids(scope, &text("fantome")).await.is_empty(),
            "{scope:?}: a case in an excluded status is listed"
        );
        assert!(l.ids(scope, &text("2025-4")).await.is_empty());
    }
    for excluded in [
        SignalementStatus::Archived,
        SignalementStatus::Draft,
        SignalementStatus::DraftArchived,
        SignalementStatus::InjonctionBailleur,
        SignalementStatus::InjonctionClosed,
    ] {
        assert!(
            l.ids(&ListScope::All, &status(excluded)).await.is_empty(),
            "asking for {excluded:?} lists nothing"
        );
    }
}

/// The search text is an exact reference when it looks like one
/// (`histologe_core::reference::is_reference_query`: `2025-042` is
/// `2025-42`, `2025-4` is not `2025-42`), otherwise a case-insensitive
/// substring of the occupant's or declarant's name or first name, or of
/// the address (street, postcode, city). It combines with the scope.
pub async fn signalements_list_text_is_exact_reference_or_substring(backend: &dyn Backend) {
    let l = listing(backend).await;
    let all = ListScope::All;
    let cases = [
        ("dupont", vec![l.a]),
        ("DuPoNt", vec![l.a]),
        ("lucie", vec![l.a]),
        // Accents never matter, on any engine.
        ("helene", vec![l.a]),
        ("HÉLÈNE", vec![l.a]),
        ("MIREILLE", vec![l.b]),
        ("leblanc", vec![l.b]),
        ("RUE PARADIS", vec![l.b]),
        ("aix-EN", vec![l.c]),
        ("13100", vec![l.c]),
        ("nice", vec![l.f]),
        ("2025-42", vec![l.f]),
        (" 2025-042 ", vec![l.f]),
        ("2025-1", vec![l.a]),
        ("2025-4", vec![]),
        ("2024-1", vec![]),
        ("introuvable", vec![]),
    ];
    for (query, expected) in cases {
        assert_eq!(
            l.ids(&all, &text(query)).await,
            expected,
            "searching {query:?}"
        );
    }
    assert_eq!(
        l.ids(&all, &text("")).await.len(),
        6,
        "an empty text filters nothing"
    );
    assert_eq!(
        l.ids(&l.partners(&[l.w.schs.id]), &text("dupont")).await,
        vec![l.a]
    );
    assert!(
        l.ids(&l.partners(&[l.w.ars.id]), &text("dupont"))
            .await
            .is_empty()
    );
    assert!(
        l.ids(&l.partners(&[l.w.ars.id]), &text("2025-1"))
            .await
            .is_empty()
    );
}

/// The territory filter keeps one territory (within the scope); dates
/// filter on creation, `created_after` inclusive and `created_before`
/// exclusive.
pub async fn signalements_list_territory_and_date_filters(backend: &dyn Backend) {
    let l = listing(backend).await;
    let in_territory = |territory: &TerritoryCode| SignalementFilter {
        territory: Some(territory.clone()),
        ..SignalementFilter::default()
    };
    assert_eq!(
        l.ids(&ListScope::All, &in_territory(&l.w.am.code)).await,
        vec![l.f]
    );
    assert_eq!(
        l.ids(&ListScope::All, &in_territory(&l.w.bdr.code)).await,
        vec![l.a, l.b, l.c, l.e, l.g]
    );
    assert!(
        l.ids(
            &ListScope::Territories(vec![l.w.bdr.code.clone()]),
            &in_territory(&l.w.am.code)
        )
        .await
        .is_empty(),
        "a filter never widens the scope"
    );
    let between = |after: Option<DateTime<Utc>>, before: Option<DateTime<Utc>>| SignalementFilter {
        created_after: after,
        created_before: before,
        ..SignalementFilter::default()
    };
    assert_eq!(
        l.ids(&ListScope::All, &between(Some(days(-3)), Some(days(-1))))
            .await,
        vec![l.b, l.c],
        "created_after inclusive, created_before exclusive"
    );
    assert_eq!(
        l.ids(&ListScope::All, &between(Some(days(-2)), None)).await,
        vec![l.a, l.b]
    );
    assert_eq!(
        l.ids(&ListScope::All, &between(None, Some(days(-5)))).await,
        vec![l.g]
    );
    let combined = SignalementFilter {
        status: Some(SignalementStatus::Active),
        territory: Some(l.w.bdr.code.clone()),
        text: Some("marseille".into()),
        created_after: Some(days(-2)),
        created_before: Some(NOW),
        ..SignalementFilter::default()
    };
    assert_eq!(l.ids(&ListScope::All, &combined).await, vec![l.a, l.b]);
}

/// The list is newest first; `total` counts every match before paging;
/// `offset` and `limit` cut the page, and a page past the end is empty with
/// the same total.
pub async fn signalements_list_newest_first_with_total_before_paging(backend: &dyn Backend) {
    let l = listing(backend).await;
    let page = |scope: ListScope, filter: SignalementFilter, offset: u64, limit: u32| {
        let stores = l.w.stores.clone();
        async move {
            let page = stores
                .signalements
                .list(&scope, &filter, offset, limit)
                .await
                .expect("list");
            (
                page.items.into_iter().map(|s| s.id).collect::<Vec<_>>(),
                page.total,
            )
        }
    };
    assert_eq!(page(ListScope::All, any(), 0, 2).await, (vec![l.a, l.b], 6));
    assert_eq!(page(ListScope::All, any(), 2, 2).await, (vec![l.c, l.e], 6));
    assert_eq!(page(ListScope::All, any(), 5, 10).await, (vec![l.g], 6));
    assert_eq!(page(ListScope::All, any(), 10, 2).await, (vec![], 6));
    assert_eq!(
        page(ListScope::All, status(SignalementStatus::Active), 1, 1).await,
        (vec![l.b], 3)
    );
    assert_eq!(
        page(l.partners(&[l.w.schs.id]), any(), 1, 5).await,
        (vec![l.b, l.e], 3)
    );
}

/// `suivis_to_release(created_before)` gives the suivis held for their
/// edit window (`waiting_notification`), not deleted, created strictly
/// before the date, of every case, as (case, suivi) ids.
pub async fn signalements_suivis_to_release(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let one = case(&w.bdr.code, "2025-1", days(-1));
    let other = case(&w.am.code, "2025-1", days(-1));
    commit_cases(s, &[&one, &other]).await;
    let held = |c: &Case, at: DateTime<Utc>| {
        let mut m = message(c, &w.agent, at);
        m.waiting_notification = true;
        m
    };
    let due = held(&one, minutes(-10));
    let due_elsewhere = held(&other, minutes(-7));
    let mut deleted = held(&one, minutes(-9));
    deleted.deleted_at = Some(minutes(-8));
    deleted.deleted_by = Some(w.agent.id);
    let at_the_limit = held(&one, minutes(-5));
    let recent = held(&one, minutes(-1));
    let sent = message(&one, &w.agent, minutes(-20));
    let mut tx = begin(s).await;
    for suivi in [
        &due,
        &due_elsewhere,
        &deleted,
        &at_the_limit,
        &recent,
        &sent,
    ] {
        tx.insert_suivi(suivi).await.expect("insert_suivi");
    }
    commit(tx).await;

    let mut released = s
        .signalements
        .suivis_to_release(minutes(-5))
        .await
        .expect("suivis_to_release");
    released.sort();
    let mut expected = vec![
        (one.signalement.id, due.id),
        (other.signalement.id, due_elsewhere.id),
    ];
    expected.sort();
    assert_eq!(released, expected);

    let mut tx = begin(s).await;
    let mut notified = due.clone();
    notified.waiting_notification = false;
    tx.update_suivi(&notified).await.expect("update_suivi");
    commit(tx).await;
    assert_eq!(
        s.signalements.suivis_to_release(minutes(-5)).await,
        Ok(vec![(other.signalement.id, due_elsewhere.id)])
    );
}
