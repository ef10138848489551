//! The thirty business rules of domain.md §9, one test each, run through
//! the use cases on the memory adapters. Rule 25 and the V1 half of rule 26
//! concern the legacy grid, out of scope: rule 25's test checks the current
//! score at its boundaries instead.

mod common;

use chrono::Duration;
use common::{World, active, form, start, t};
use histologe_application::{AppError, IdentityCheck, Settings};
use histologe_core::DomainError;
use histologe_core::actor::{Actor, UsagerSession};
use histologe_core::desordres::DesordreGrid;
use histologe_core::enums::{
    AffectationStatus, CreationSource, MotifCloture, MotifRefus, NotificationType, PartnerType,
    ProcedureType, ProfileDeclarant, Qualification, QualificationStatus, SignalementStatus,
    SuiviCategory, SuiviType, TravauxMiseEnConformite, UsagerSide,
};
use histologe_core::ids::AutoAffectationRuleId;
use histologe_core::model::{
    Allocataire, AutoAffectationRule, Case, RuleAllocataire, RuleParc, RuleProfile, RuleStatus,
};
use histologe_core::policy::Refusal;
use histologe_core::usager_access::IdentityClaim;
use histologe_core::workflow::affectation::ClosingForm;
use histologe_core::workflow::visite::Conclusion;
use histologe_ports::{
    HistoryRepository, JobQueue, NotificationRepository, SignalementRepository, UnitOfWork,
};

fn refusal(result: Result<Case, AppError>) -> Refusal {
    match result {
        Err(e) => e
            .refusal()
            .cloned()
            .unwrap_or_else(|| panic!("expected a refusal, got {e:?}")),
        Ok(case) => panic!("expected a refusal, got status {}", case.signalement.status),
    }
}

fn invalid_field(result: Result<Case, AppError>) -> (String, String) {
    match result {
        Err(AppError::Domain(DomainError::Invalid { field, message })) => (field, message),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

fn suivis_of(case: &Case, category: SuiviCategory) -> Vec<&histologe_core::model::Suivi> {
    case.suivis
        .iter()
        .filter(|s| s.category == category)
        .collect()
}

fn status_forbids(r: &Refusal) -> bool {
    matches!(r, Refusal::StatusForbids { .. })
}

async fn notifications_of(
    world: &World,
    user: &histologe_core::model::User,
) -> Vec<NotificationType> {
    world
        .store
        .of_user(user.id)
        .await
        .expect("notifications")
        .into_iter()
        .map(|n| n.notification_type)
        .collect()
}

fn lyon_form() -> histologe_core::creation::NewSignalement {
    let mut f = form();
    f.adresse.adresse = "12 rue de la République".into();
    f.adresse.code_postal = "69002".into();
    f.adresse.ville = "Lyon".into();
    f.adresse.insee = Some("69382".into());
    f.adresse.geoloc = None;
    f
}

#[tokio::test]
async fn rule_01_reference_is_year_and_rank_in_the_territory() {
    let world = World::new().await;
    let first = world.submit(form()).await;
    let second = world.submit(form()).await;
    let lyon = world.submit(lyon_form()).await;
    assert_eq!(first.signalement.reference, "2026-1");
    assert_eq!(second.signalement.reference, "2026-2");
    assert_eq!(lyon.signalement.territory, t("69"));
    assert_eq!(
        lyon.signalement.reference, "2026-1",
        "numbering is per territory"
    );

    world.advance(Duration::days(366));
    let next_year = world.submit(form()).await;
    assert_eq!(
        next_year.signalement.reference, "2027-1",
        "first of the year is -1"
    );
}

#[tokio::test]
async fn rule_02_injonction_gets_temporary_and_inj_references_until_it_switches() {
    let world = World::with_settings(Settings {
        injonction_territories: vec![t("13")],
        ..Settings::default()
    })
    .await;
    let mut f = form();
    // Nothing dangerous nor insalubre: the injunction is possible.
    f.desordre_precisions = vec!["desordres_batiment_bruit_interieur".into()];
    let anonymous = Actor::Anonymous;
    let case = world
        .app
        .submit_signalement(&anonymous, f.clone(), true)
        .await
        .expect("submitted");
    let s = &case.signalement;
    assert_eq!(s.status, SignalementStatus::InjonctionBailleur);
    assert_eq!(s.reference, "2026-TEMPORAIRE");
    assert_eq!(s.reference_injonction, Some(2363));
    assert_eq!(s.displayed_reference(), "INJ-2363");
    let second = world
        .app
        .submit_signalement(&anonymous, f, true)
        .await
        .expect("submitted");
    assert_eq!(second.signalement.reference_injonction, Some(2364));

    world.advance(Duration::days(3));
    let usager = Actor::Usager(UsagerSession {
        signalement_id: s.id,
        side: UsagerSide::Occupant,
    });
    let switched = world
        .app
        .switch_injonction_to_procedure(
            &usager,
            s.id,
            SuiviCategory::InjonctionBailleurBasculeProcedureParUsager,
        )
        .await
        .expect("switched");
    assert_eq!(
        switched.signalement.status,
        SignalementStatus::NeedValidation
    );
    assert_eq!(switched.signalement.reference, "2026-1");
    assert_eq!(switched.signalement.displayed_reference(), "2026-1");
    assert_eq!(switched.signalement.created_at, start() + Duration::days(3));
}

#[tokio::test]
async fn rule_03_a_new_signalement_has_its_defaults_and_secrets() {
    let world = World::new().await;
    let a = world.submit(form()).await.signalement;
    let b = world.submit(form()).await.signalement;
    assert_eq!(a.status, SignalementStatus::NeedValidation);
    assert!(!a.is_imported);
    assert_ne!(a.id, b.id);
    assert_ne!(a.code_suivi, b.code_suivi);
    assert!(
        uuid::Uuid::parse_str(&a.code_suivi).is_ok(),
        "code de suivi is a UUID"
    );
    let code = &a.login_bailleur;
    assert_eq!(code.len(), 19);
    for (i, c) in code.chars().enumerate() {
        if i % 5 == 4 {
            assert_eq!(c, '-');
        } else {
            assert!(
                "23456789ABCDEFGHJKLMNPQRSTUVWXYZ".contains(c),
                "{c} not in alphabet"
            );
        }
    }
    // The score is the assessment of what was declared, not a leftover.
    let expected =
        histologe_core::score::compute(DesordreGrid::reference(), &a.desordre_precisions, true);
    assert!((a.score - expected.score).abs() < 1e-9);
}

#[tokio::test]
async fn rule_04_at_least_one_email_and_two_different_ones() {
    let world = World::new().await;
    let mut none = form();
    none.occupant.email = None;
    let (field, message) = invalid_field(
        world
            .app
            .submit_signalement(&Actor::Anonymous, none, false)
            .await,
    );
    assert_eq!(field, "email");
    assert!(message.contains("au moins une adresse e-mail"), "{message}");

    let mut same = form();
    same.declarant.email = Some("LOCATAIRE-01@signal-logement.fr".into());
    let (_, message) = invalid_field(
        world
            .app
            .submit_signalement(&Actor::Anonymous, same, false)
            .await,
    );
    assert!(message.contains("différente"), "{message}");

    let page = world
        .store
        .list(
            &histologe_core::policy::ListScope::All,
            &Default::default(),
            0,
            50,
        )
        .await
        .expect("list");
    assert_eq!(page.total, 0, "nothing was stored");
}

#[tokio::test]
async fn rule_05_only_super_admin_or_rt_of_the_territory_validates_a_new_case() {
    let world = World::new().await;
    let id = world.submit(form()).await.signalement.id;
    let p = &world.people;
    let agent = world.actor(&p.agent_ars_with_affectation_right);
    assert_eq!(
        refusal(world.app.validate_signalement(&agent, id, vec![]).await),
        Refusal::OutOfScope
    );
    let other_rt = world.actor(&p.rt_other_territory);
    assert_eq!(
        refusal(world.app.validate_signalement(&other_rt, id, vec![]).await),
        Refusal::OutOfScope
    );
    let admin_caf = world.actor(&p.admin_caf);
    assert!(
        world
            .app
            .refuse_signalement(
                &admin_caf,
                id,
                MotifRefus::Doublon,
                "Déjà signalé la semaine dernière"
            )
            .await
            .is_err()
    );

    let sa = world.actor(&p.super_admin);
    world
        .app
        .validate_signalement(&sa, id, vec![])
        .await
        .expect("super admin validates");
    let again = refusal(
        world
            .app
            .validate_signalement(&world.actor(&p.rt), id, vec![])
            .await,
    );
    assert!(
        status_forbids(&again),
        "only from NEED_VALIDATION: {again:?}"
    );

    let other = world.submit(form()).await.signalement.id;
    world
        .app
        .validate_signalement(&world.actor(&p.rt), other, vec![])
        .await
        .expect("RT validates");
}

#[tokio::test]
async fn rule_06_validation_and_refusal_write_their_public_suivi() {
    let world = World::new().await;
    let rt = world.actor(&world.people.rt);
    let id = world.submit(form()).await.signalement.id;
    world.advance(Duration::hours(2));
    let case = world
        .app
        .validate_signalement(&rt, id, vec![])
        .await
        .expect("validated");
    assert_eq!(case.signalement.status, SignalementStatus::Active);
    assert_eq!(
        case.signalement.validated_at,
        Some(start() + Duration::hours(2))
    );
    let active = suivis_of(&case, SuiviCategory::SignalementIsActive);
    assert_eq!(active.len(), 1);
    assert!(active[0].is_visible_for_usager);

    let id = world.submit(form()).await.signalement.id;
    let wrong = world
        .app
        .refuse_signalement(
            &rt,
            id,
            MotifRefus::HorsCompetence,
            "Ce n'est pas de notre ressort",
        )
        .await;
    assert_eq!(invalid_field(wrong).0, "motif");
    let case = world
        .app
        .refuse_signalement(
            &rt,
            id,
            MotifRefus::HorsPdlhi,
            "Le logement est un local commercial.",
        )
        .await
        .expect("refused");
    assert_eq!(case.signalement.status, SignalementStatus::Refused);
    assert_eq!(case.signalement.motif_refus, Some(MotifRefus::HorsPdlhi));
    let refused = suivis_of(&case, SuiviCategory::SignalementIsRefused);
    assert_eq!(refused.len(), 1);
    assert!(refused[0].is_visible_for_usager);
    assert!(refused[0].description.contains("Hors PDLHI"));
    assert!(refused[0].description.contains("local commercial"));
}

#[tokio::test]
async fn rule_07_close_for_all_closes_pending_and_accepted_affectations_not_refused_ones() {
    let world = World::new().await;
    let p = &world.partners;
    let rt = world.actor(&world.people.rt);
    let id = world.active_case().await.signalement.id;
    let [schs, caf, _] = world.affect_all(id, [p.schs.id, p.caf.id, p.adil.id]).await;
    world
        .app
        .accept_affectation(&world.actor(&world.people.agent_schs), id, schs, vec![])
        .await
        .expect("accept");
    world
        .app
        .refuse_affectation(
            &world.actor(&world.people.agent_caf),
            id,
            caf,
            Some(MotifRefus::HorsCompetence),
            "Pas allocataire chez nous",
        )
        .await
        .expect("refuse");

    let agent = world.actor(&world.people.agent_schs);
    assert!(matches!(
        refusal(
            world
                .app
                .close_signalement(
                    &agent,
                    id,
                    MotifCloture::TravauxFaitsOuEnCours,
                    "Les travaux sont faits.",
                    true
                )
                .await
        ),
        Refusal::InsufficientRole
    ));
    world.advance(Duration::days(40));
    let case = world
        .app
        .close_signalement(
            &rt,
            id,
            MotifCloture::TravauxFaitsOuEnCours,
            "Le bailleur a fait les travaux.",
            true,
        )
        .await
        .expect("closed");
    let s = &case.signalement;
    assert_eq!(s.status, SignalementStatus::Closed);
    assert_eq!(s.closed_at, Some(start() + Duration::days(40)));
    assert_eq!(s.closed_by, Some(world.people.rt.id));
    assert_eq!(s.motif_cloture, Some(MotifCloture::TravauxFaitsOuEnCours));
    assert_eq!(
        s.com_cloture.as_deref(),
        Some("Le bailleur a fait les travaux.")
    );
    for partner in [p.schs.id, p.adil.id] {
        let a = case.affectation_of(partner).expect("affectation");
        assert_eq!(a.status, AffectationStatus::Closed);
        assert_eq!(a.motif_cloture, Some(MotifCloture::TravauxFaitsOuEnCours));
    }
    assert_eq!(
        case.affectation_of(p.caf.id).expect("caf").status,
        AffectationStatus::Refused
    );
}

#[tokio::test]
async fn rule_08_reopen_and_archive_from_closed_or_refused_only_super_admin_reactivates() {
    let world = World::new().await;
    let rt = world.actor(&world.people.rt);
    let sa = world.actor(&world.people.super_admin);
    let id = world.active_case().await.signalement.id;
    world
        .app
        .affect_partners(&rt, id, &[world.partners.caf.id])
        .await
        .expect("affected");
    assert!(status_forbids(&refusal(
        world.app.archive_signalement(&rt, id).await
    )));
    assert!(status_forbids(&refusal(
        world.app.reopen_signalement(&rt, id, false).await
    )));

    world
        .app
        .close_signalement(
            &rt,
            id,
            MotifCloture::Doublon,
            "Doublon du dossier 2026-4.",
            false,
        )
        .await
        .expect("closed");
    let reopened = world
        .app
        .reopen_signalement(&rt, id, true)
        .await
        .expect("reopened");
    assert_eq!(reopened.signalement.status, SignalementStatus::Active);
    assert_eq!(
        reopened
            .affectation_of(world.partners.caf.id)
            .expect("caf")
            .status,
        AffectationStatus::Wait
    );
    assert_eq!(reopened.signalement.closed_at, None);

    world
        .app
        .close_signalement(
            &rt,
            id,
            MotifCloture::Doublon,
            "Doublon du dossier 2026-4.",
            false,
        )
        .await
        .expect("closed");
    // A pending affectation on a closed case (as an interconnection may
    // leave one) is dropped by archiving.
    let mut tx = world.store.begin().await.expect("tx");
    let mut c = tx.lock_case(id).await.expect("lock").expect("case");
    c.affectations[0].status = AffectationStatus::Wait;
    tx.save_case(&c).await.expect("save");
    tx.commit().await.expect("commit");
    assert!(
        !NotificationRepository::of_signalement(world.store.as_ref(), id)
            .await
            .expect("notifications")
            .is_empty()
    );

    let agent = world.actor(&world.people.agent_caf);
    assert!(
        world.app.archive_signalement(&agent, id).await.is_err(),
        "agents do not archive"
    );
    let archived = world
        .app
        .archive_signalement(&rt, id)
        .await
        .expect("archived");
    assert_eq!(archived.signalement.status, SignalementStatus::Archived);
    assert!(
        archived.affectations.is_empty(),
        "pending affectations are deleted"
    );
    assert!(
        NotificationRepository::of_signalement(world.store.as_ref(), id)
            .await
            .expect("notifications")
            .is_empty(),
        "notifications deleted"
    );

    assert_eq!(
        refusal(world.app.reactivate_signalement(&rt, id).await),
        Refusal::OutOfScope
    );
    let back = world
        .app
        .reactivate_signalement(&sa, id)
        .await
        .expect("super admin reactivates");
    assert_eq!(back.signalement.status, SignalementStatus::Active);

    // A refused case can be archived too.
    let refused = world.submit(form()).await.signalement.id;
    world
        .app
        .refuse_signalement(
            &rt,
            refused,
            MotifRefus::Doublon,
            "Déjà signalé en janvier.",
        )
        .await
        .expect("refused");
    world
        .app
        .archive_signalement(&rt, refused)
        .await
        .expect("archived");
}

#[tokio::test]
async fn rule_09_an_agent_sees_a_case_only_through_his_partners_affectation() {
    let world = World::new().await;
    let rt = world.actor(&world.people.rt);
    let caf_agent = world.actor(&world.people.agent_caf);
    let id = world.active_case().await.signalement.id;
    assert!(
        world.app.view_case(&rt, id).await.is_ok(),
        "an RT sees every case of his territory"
    );
    assert_eq!(
        world
            .app
            .view_case(&caf_agent, id)
            .await
            .unwrap_err()
            .refusal(),
        Some(&Refusal::OutOfScope)
    );
    assert_eq!(
        world
            .app
            .view_case(&world.actor(&world.people.rt_other_territory), id)
            .await
            .unwrap_err()
            .refusal(),
        Some(&Refusal::OutOfScope)
    );

    let [caf] = world.affect_all(id, [world.partners.caf.id]).await;
    world
        .app
        .refuse_affectation(&caf_agent, id, caf, None, "Pas pour nous")
        .await
        .expect("refused");
    assert!(
        world.app.view_case(&caf_agent, id).await.is_ok(),
        "any status of affectation shows the case"
    );

    // Lists: a partner's status filter reads its own affectation's status.
    use histologe_core::policy::list_scope;
    use histologe_ports::SignalementFilter;
    let scope = list_scope(&caf_agent);
    let refused = SignalementFilter {
        status: Some(SignalementStatus::Refused),
        ..Default::default()
    };
    let active = SignalementFilter {
        status: Some(SignalementStatus::Active),
        ..Default::default()
    };
    assert_eq!(
        world
            .store
            .list(&scope, &refused, 0, 50)
            .await
            .expect("list")
            .total,
        1
    );
    assert_eq!(
        world
            .store
            .list(&scope, &active, 0, 50)
            .await
            .expect("list")
            .total,
        0
    );

    world.close_and_archive(id).await;
    assert_eq!(
        world
            .app
            .view_case(&caf_agent, id)
            .await
            .unwrap_err()
            .refusal(),
        Some(&Refusal::OutOfScope)
    );
    assert_eq!(
        world
            .store
            .list(&scope, &Default::default(), 0, 50)
            .await
            .expect("list")
            .total,
        0
    );
}

#[tokio::test]
async fn rule_10_an_agent_writes_suivis_only_with_an_accepted_affectation_on_an_active_case() {
    let world = World::new().await;
    let rt = world.actor(&world.people.rt);
    let agent = world.actor(&world.people.agent_schs);
    let id = world.active_case().await.signalement.id;
    let [a] = world.affect_all(id, [world.partners.schs.id]).await;
    let r = refusal(
        world
            .app
            .add_suivi(&agent, id, "Je passe demain.", true, true)
            .await,
    );
    assert_eq!(
        r,
        Refusal::InsufficientRole,
        "a pending affectation gives no right to write"
    );

    world
        .app
        .accept_affectation(&agent, id, a, vec![])
        .await
        .expect("accepted");
    let case = world
        .app
        .add_suivi(&agent, id, "Visite prévue jeudi.", true, true)
        .await
        .expect("written");
    assert_eq!(suivis_of(&case, SuiviCategory::MessagePartner).len(), 1);

    world
        .app
        .close_signalement(
            &rt,
            id,
            MotifCloture::Autre,
            "Dossier clôturé pour test.",
            false,
        )
        .await
        .expect("closed");
    assert!(status_forbids(&refusal(
        world
            .app
            .add_suivi(&agent, id, "Encore un mot.", false, true)
            .await
    )));
}

#[tokio::test]
async fn rule_11_one_affectation_per_partner_and_reaffecting_changes_nothing() {
    let world = World::new().await;
    let rt = world.actor(&world.people.rt);
    let id = world.active_case().await.signalement.id;
    world
        .app
        .affect_partners(&rt, id, &[world.partners.caf.id])
        .await
        .expect("affected");
    let history_before = HistoryRepository::of_signalement(world.store.as_ref(), id)
        .await
        .expect("history")
        .len();
    let jobs_before = world.store.all().await.expect("jobs").len();
    let case = world
        .app
        .affect_partners(&rt, id, &[world.partners.caf.id, world.partners.caf.id])
        .await
        .expect("no-op");
    assert_eq!(case.affectations.len(), 1);
    assert_eq!(
        HistoryRepository::of_signalement(world.store.as_ref(), id)
            .await
            .expect("history")
            .len(),
        history_before
    );
    assert_eq!(
        world.store.all().await.expect("jobs").len(),
        jobs_before,
        "nobody is notified twice"
    );
}

#[tokio::test]
async fn rule_12_only_members_answer_while_active_and_never_when_synchronized() {
    let world = World::new().await;
    let rt = world.actor(&world.people.rt);
    let id = world.active_case().await.signalement.id;
    let [schs, ars] = world
        .affect_all(id, [world.partners.schs.id, world.partners.ars.id])
        .await;
    let sa = world.actor(&world.people.super_admin);
    assert_eq!(
        refusal(world.app.accept_affectation(&sa, id, schs, vec![]).await),
        Refusal::NotMember
    );
    let other_agent = world.actor(&world.people.agent_ars_with_affectation_right);
    assert_eq!(
        refusal(
            world
                .app
                .accept_affectation(&other_agent, id, schs, vec![])
                .await
        ),
        Refusal::NotMember
    );

    // Pushed to the ARS's Esabora: answered there, not here.
    let mut tx = world.store.begin().await.expect("tx");
    let mut c = tx.lock_case(id).await.expect("lock").expect("case");
    c.affectations
        .iter_mut()
        .filter(|a| a.id == ars)
        .for_each(|a| a.is_synchronized = true);
    tx.save_case(&c).await.expect("save");
    tx.commit().await.expect("commit");
    assert_eq!(
        refusal(
            world
                .app
                .accept_affectation(&other_agent, id, ars, vec![])
                .await
        ),
        Refusal::SynchronizedWithEsabora
    );

    world
        .app
        .close_signalement(
            &rt,
            id,
            MotifCloture::Autre,
            "Clôture du dossier de test.",
            false,
        )
        .await
        .expect("closed");
    world
        .app
        .reopen_signalement(&rt, id, false)
        .await
        .expect("reopened");
    world
        .app
        .close_signalement(
            &rt,
            id,
            MotifCloture::Autre,
            "Clôture du dossier de test.",
            false,
        )
        .await
        .expect("closed");
    let agent = world.actor(&world.people.agent_schs);
    assert!(status_forbids(&refusal(
        world.app.accept_affectation(&agent, id, schs, vec![]).await
    )));
}

#[tokio::test]
async fn rule_13_only_the_allowed_affectation_transitions_happen() {
    let world = World::new().await;
    let rt = world.actor(&world.people.rt);
    let agent = world.actor(&world.people.agent_schs);
    let id = world.active_case().await.signalement.id;
    let [a] = world.affect_all(id, [world.partners.schs.id]).await;
    let closing = ClosingForm {
        motif: MotifCloture::LogementDecent,
        travaux: None,
        precisions: "Visite faite, logement décent.".into(),
    };
    // WAIT → CLOSED is not a transition.
    assert!(status_forbids(&refusal(
        world
            .app
            .close_affectation(&agent, id, a, closing.clone())
            .await
    )));
    // WAIT → REFUSED → ACCEPTED (taking the refusal back).
    world
        .app
        .refuse_affectation(&agent, id, a, Some(MotifRefus::Doublon), "Doublon")
        .await
        .expect("refused");
    let case = world
        .app
        .accept_affectation(&agent, id, a, vec![])
        .await
        .expect("refusal taken back");
    assert_eq!(
        case.affectation(a).expect("a").status,
        AffectationStatus::Accepted
    );
    // ACCEPTED → REFUSED is not.
    assert!(status_forbids(&refusal(
        world
            .app
            .refuse_affectation(&agent, id, a, None, "Non")
            .await
    )));
    // ACCEPTED → CLOSED → WAIT.
    world
        .app
        .close_affectation(&agent, id, a, closing)
        .await
        .expect("closed");
    let case = world
        .app
        .reopen_affectation(&agent, id, a, false)
        .await
        .expect("reopened");
    assert_eq!(
        case.affectation(a).expect("a").status,
        AffectationStatus::Wait
    );
    // RT reinitialises a refused affectation: a fresh pending one.
    world
        .app
        .refuse_affectation(&agent, id, a, None, "Non")
        .await
        .expect("refused");
    let case = world
        .app
        .reinit_affectation(&rt, id, a)
        .await
        .expect("reinit");
    let fresh = case.affectation_of(world.partners.schs.id).expect("fresh");
    assert_ne!(fresh.id, a);
    assert_eq!(fresh.status, AffectationStatus::Wait);
    assert_eq!(
        refusal(world.app.reinit_affectation(&agent, id, fresh.id).await).to_string(),
        Refusal::StatusForbids {
            status: "Nouveau".into()
        }
        .to_string()
    );
}

#[tokio::test]
async fn rule_14_back_to_wait_or_accepted_clears_every_motif() {
    let world = World::new().await;
    let agent = world.actor(&world.people.agent_schs);
    let case = world.accepted_case().await;
    let id = case.signalement.id;
    let a = case.affectation_of(world.partners.schs.id).expect("a").id;
    world
        .app
        .close_affectation(
            &agent,
            id,
            a,
            ClosingForm {
                motif: MotifCloture::LogementMisEnConformite,
                travaux: Some(TravauxMiseEnConformite::Oui),
                precisions: "Travaux réalisés par le bailleur.".into(),
            },
        )
        .await
        .expect("closed");
    let case = world
        .app
        .reopen_affectation(&agent, id, a, false)
        .await
        .expect("reopened");
    let aff = case.affectation(a).expect("a");
    assert_eq!(
        (
            aff.motif_cloture,
            aff.travaux,
            aff.precisions_cloture.clone(),
            aff.motif_refus
        ),
        (None, None, None, None)
    );

    world
        .app
        .accept_affectation(&agent, id, a, vec![])
        .await
        .expect("accepted");
    let other = world.active_case().await.signalement.id;
    let [b] = world.affect_all(other, [world.partners.schs.id]).await;
    world
        .app
        .refuse_affectation(
            &agent,
            other,
            b,
            Some(MotifRefus::HorsZoneGeographique),
            "Hors secteur",
        )
        .await
        .expect("refused");
    let c = world
        .app
        .accept_affectation(&agent, other, b, vec![])
        .await
        .expect("accepted");
    assert_eq!(c.affectation(b).expect("b").motif_refus, None);
}

#[tokio::test]
async fn rule_15_refusing_an_affectation_writes_an_internal_suivi_with_the_motif() {
    let world = World::new().await;
    let agent = world.actor(&world.people.agent_caf);
    let id = world.active_case().await.signalement.id;
    let [a] = world.affect_all(id, [world.partners.caf.id]).await;
    let case = world
        .app
        .refuse_affectation(&agent, id, a, None, "Le foyer n'est pas allocataire")
        .await
        .expect("refused");
    let refused = suivis_of(&case, SuiviCategory::AffectationIsRefused);
    assert_eq!(refused.len(), 1);
    assert!(!refused[0].is_visible_for_usager, "not shown to the usager");
    assert_eq!(
        refused[0].description,
        "Le signalement a été refusé avec le motif suivant : Non précisé. Plus précisément : Le foyer n'est pas allocataire"
    );

    let other = world.active_case().await.signalement.id;
    let [b] = world.affect_all(other, [world.partners.caf.id]).await;
    let c = world
        .app
        .refuse_affectation(
            &agent,
            other,
            b,
            Some(MotifRefus::HorsCompetence),
            "Pas notre rôle",
        )
        .await
        .expect("refused");
    assert!(
        suivis_of(&c, SuiviCategory::AffectationIsRefused)[0]
            .description
            .contains("Hors compétence")
    );
}

#[tokio::test]
async fn rule_16_the_first_acceptance_tells_the_usager_once() {
    let world = World::new().await;
    let rt = world.actor(&world.people.rt);
    let id = world.active_case().await.signalement.id;
    let [schs, ars] = world
        .affect_all(id, [world.partners.schs.id, world.partners.ars.id])
        .await;
    let case = world
        .app
        .accept_affectation(&world.actor(&world.people.agent_schs), id, schs, vec![])
        .await
        .expect("accept");
    let accepted = suivis_of(&case, SuiviCategory::AffectationIsAccepted);
    assert_eq!(accepted.len(), 1);
    assert!(accepted[0].is_visible_for_usager);
    let case = world
        .app
        .accept_affectation(
            &world.actor(&world.people.agent_ars_with_affectation_right),
            id,
            ars,
            vec![],
        )
        .await
        .expect("accept");
    assert_eq!(
        suivis_of(&case, SuiviCategory::AffectationIsAccepted).len(),
        1,
        "exactly one"
    );

    // An imported case never gets it.
    let mut imported = form();
    imported.creation_source = CreationSource::Import;
    // Imports are the platform's own path; the public form cannot claim one.
    let id = world
        .submit_as(&Actor::System, imported)
        .await
        .signalement
        .id;
    world
        .app
        .validate_signalement(&rt, id, vec![])
        .await
        .expect("validated");
    let [a] = world.affect_all(id, [world.partners.schs.id]).await;
    let c = world
        .app
        .accept_affectation(&world.actor(&world.people.agent_schs), id, a, vec![])
        .await
        .expect("accept");
    assert!(c.signalement.is_imported);
    assert!(suivis_of(&c, SuiviCategory::AffectationIsAccepted).is_empty());
}

#[tokio::test]
async fn rule_17_closing_unsubscribes_the_partner_except_rts_and_needs_a_complete_form() {
    let world = World::new().await;
    let agent = world.actor(&world.people.agent_ars_with_affectation_right);
    let id = world.active_case().await.signalement.id;
    assert!(
        world
            .case(id)
            .await
            .subscribers
            .contains(&world.people.rt.id),
        "the validating RT follows the case"
    );
    let [a] = world.affect_all(id, [world.partners.ars.id]).await;
    world
        .app
        .accept_affectation(&agent, id, a, vec![])
        .await
        .expect("accepted");
    assert!(
        world
            .case(id)
            .await
            .subscribers
            .contains(&world.people.agent_ars_with_affectation_right.id)
    );

    let short = ClosingForm {
        motif: MotifCloture::LogementDecent,
        travaux: None,
        precisions: "RAS".into(),
    };
    assert_eq!(
        invalid_field(world.app.close_affectation(&agent, id, a, short).await).0,
        "precisions"
    );
    let no_travaux = ClosingForm {
        motif: MotifCloture::LogementMisEnConformite,
        travaux: None,
        precisions: "Le logement a été remis aux normes.".into(),
    };
    assert_eq!(
        invalid_field(world.app.close_affectation(&agent, id, a, no_travaux).await).0,
        "travaux"
    );
    let not_needed = ClosingForm {
        motif: MotifCloture::LogementDecent,
        travaux: Some(TravauxMiseEnConformite::Non),
        precisions: "Visite faite, aucune infraction.".into(),
    };
    let case = world
        .app
        .close_affectation(&agent, id, a, not_needed)
        .await
        .expect("closed");
    assert_eq!(
        case.affectation(a).expect("a").travaux,
        None,
        "travaux cleared for this motif"
    );
    assert!(
        !case
            .subscribers
            .contains(&world.people.agent_ars_with_affectation_right.id)
    );
    assert!(
        case.subscribers.contains(&world.people.rt.id),
        "the RT of that partner keeps following"
    );
}

#[tokio::test]
async fn rule_18_suivi_type_follows_category_and_a_vacant_dwelling_gets_no_public_suivi() {
    for (category, expected) in [
        (SuiviCategory::MessagePartner, SuiviType::Partner),
        (SuiviCategory::MessageUsager, SuiviType::Usager),
        (
            SuiviCategory::MessageUsagerPostCloture,
            SuiviType::UsagerPostCloture,
        ),
        (SuiviCategory::AskFeedbackSent, SuiviType::Technical),
        (SuiviCategory::SignalementIsActive, SuiviType::Auto),
        (SuiviCategory::SignalementIsClosed, SuiviType::Partner),
        (SuiviCategory::MessageBailleur, SuiviType::Usager),
    ] {
        assert_eq!(category.suivi_type(), expected, "{category}");
    }
    let world = World::new().await;
    let mut vacant = form();
    vacant.logement.is_logement_vacant = true;
    let id = world.submit(vacant).await.signalement.id;
    let case = world
        .app
        .validate_signalement(&world.actor(&world.people.rt), id, vec![])
        .await
        .expect("validated");
    let s = suivis_of(&case, SuiviCategory::SignalementIsActive)[0];
    assert_eq!(s.suivi_type(), SuiviType::Auto);
    assert!(!s.is_visible_for_usager, "nobody lives there to read it");
}

#[tokio::test]
async fn rule_19_writing_a_suivi_subscribes_agents_but_not_super_admins_nor_refusals() {
    let world = World::new().await;
    let case = world.accepted_case().await;
    let id = case.signalement.id;
    let schs_agent = world.people.agent_schs.id;
    // Accepting subscribes; leave to see the suivi do it again.
    let mut tx = world.store.begin().await.expect("tx");
    tx.unsubscribe(schs_agent, id).await.expect("unsubscribe");
    tx.commit().await.expect("commit");
    let c = world
        .app
        .add_suivi(
            &world.actor(&world.people.agent_schs),
            id,
            "Rendez-vous pris.",
            false,
            true,
        )
        .await
        .expect("suivi");
    assert!(c.subscribers.contains(&schs_agent));

    let sa = world.people.super_admin.id;
    let c = world
        .app
        .add_suivi(
            &world.actor(&world.people.super_admin),
            id,
            "Note du pôle national.",
            false,
            true,
        )
        .await
        .expect("suivi");
    assert!(
        !c.subscribers.contains(&sa),
        "super admins are not subscribed"
    );

    let [a] = world.affect_all(id, [world.partners.caf.id]).await;
    let c = world
        .app
        .refuse_affectation(
            &world.actor(&world.people.agent_caf),
            id,
            a,
            None,
            "Hors CAF",
        )
        .await
        .expect("refused");
    assert!(
        !c.subscribers.contains(&world.people.agent_caf.id),
        "a refusal is no involvement"
    );

    let c = world
        .app
        .add_suivi(&world.usager(id), id, "Merci pour votre aide.", true, true)
        .await
        .expect("usager");
    assert_eq!(suivis_of(&c, SuiviCategory::MessageUsager).len(), 1);
}

#[tokio::test]
async fn rule_20_no_notification_without_send_mail_and_never_to_the_author() {
    let world = World::new().await;
    let case = world.accepted_case().await;
    let id = case.signalement.id;
    let rt = &world.people.rt;
    let before = notifications_of(&world, rt).await.len();
    world
        .app
        .add_suivi(
            &world.usager(id),
            id,
            "Bonjour, où en est mon dossier ?",
            true,
            false,
        )
        .await
        .expect("silent");
    assert_eq!(
        notifications_of(&world, rt).await.len(),
        before,
        "send_mail = false notifies nobody"
    );
    world
        .app
        .add_suivi(
            &world.usager(id),
            id,
            "Bonjour, où en est mon dossier ?",
            true,
            true,
        )
        .await
        .expect("suivi");
    assert_eq!(
        notifications_of(&world, rt).await.len(),
        before + 1,
        "the subscribed RT is told"
    );

    let rt_actor = world.actor(rt);
    let own = notifications_of(&world, rt).await.len();
    world
        .app
        .add_suivi(&rt_actor, id, "Je relance le bailleur.", false, true)
        .await
        .expect("suivi");
    assert_eq!(
        notifications_of(&world, rt).await.len(),
        own,
        "not of his own suivi"
    );

    // Archived and draft cases notify nobody.
    use histologe_core::notification::{SuiviFacts, on_new_suivi};
    for status in [
        SignalementStatus::Archived,
        SignalementStatus::Draft,
        SignalementStatus::DraftArchived,
    ] {
        let n = on_new_suivi(SuiviFacts {
            category: SuiviCategory::MessageUsager,
            is_public: true,
            send_mail: true,
            waiting_notification: false,
            case_status: status,
            logement_vacant: false,
            written_by_usager: true,
            released_after_hold: false,
        });
        assert_eq!(n, histologe_core::notification::SuiviNotice::NOTHING);
    }
}

#[tokio::test]
async fn rule_21_partner_messages_are_editable_for_twenty_minutes_then_released() {
    let world = World::new().await;
    let case = world.accepted_case().await;
    let id = case.signalement.id;
    let agent = world.actor(&world.people.agent_schs);
    let rt_notes = notifications_of(&world, &world.people.rt).await.len();
    let c = world
        .app
        .add_suivi(&agent, id, "Visite le 12.", true, true)
        .await
        .expect("suivi");
    let sid = suivis_of(&c, SuiviCategory::MessagePartner)[0].id;
    assert_eq!(
        notifications_of(&world, &world.people.rt).await.len(),
        rt_notes,
        "held during the window"
    );
    world.advance(Duration::minutes(10));
    world
        .app
        .edit_suivi(&agent, id, sid, "Visite le 13.")
        .await
        .expect("editable");
    assert_eq!(
        world.app.release_held_suivis().await.expect("release"),
        0,
        "not yet due"
    );

    world.advance(Duration::minutes(11));
    assert_eq!(
        world
            .app
            .edit_suivi(&agent, id, sid, "Visite le 14.")
            .await
            .unwrap_err()
            .refusal(),
        Some(&Refusal::WindowClosed)
    );
    assert_eq!(world.app.release_held_suivis().await.expect("release"), 1);
    assert_eq!(
        notifications_of(&world, &world.people.rt).await.len(),
        rt_notes + 1,
        "released once due"
    );
    assert_eq!(
        world.app.release_held_suivis().await.expect("release"),
        0,
        "released once only"
    );

    // Inside the window, deletion is a hard delete.
    let c = world
        .app
        .add_suivi(&agent, id, "Message en double.", false, true)
        .await
        .expect("suivi");
    let dup = c.suivis.last().expect("suivi").id;
    world
        .app
        .delete_suivi(&agent, id, dup)
        .await
        .expect("deleted");
    assert!(!world.case(id).await.suivis.iter().any(|s| s.id == dup));
    // Afterwards only a super admin deletes, softly.
    assert!(world.app.delete_suivi(&agent, id, sid).await.is_err());
    world
        .app
        .delete_suivi(&world.actor(&world.people.super_admin), id, sid)
        .await
        .expect("soft delete");
    let soft = world
        .case(id)
        .await
        .suivis
        .into_iter()
        .find(|s| s.id == sid)
        .expect("kept");
    assert!(soft.deleted_at.is_some());
    assert_eq!(
        soft.description, "Visite le 13.",
        "the text is kept for the record"
    );
    assert!(
        soft.deleted_notice()
            .is_some_and(|n| n.starts_with("Ce suivi a été supprimé par un administrateur le"))
    );
}

#[tokio::test]
async fn rule_22_usagers_post_while_open_and_once_within_30_days_of_closure() {
    let world = World::new().await;
    let rt = world.actor(&world.people.rt);
    let id = world.submit(form()).await.signalement.id;
    let usager = world.usager(id);
    world
        .app
        .add_suivi(&usager, id, "J'ai d'autres photos.", true, true)
        .await
        .expect("while new");
    world
        .app
        .validate_signalement(&rt, id, vec![])
        .await
        .expect("validated");
    world
        .app
        .add_suivi(&usager, id, "Merci.", true, true)
        .await
        .expect("while active");
    world
        .app
        .close_signalement(
            &rt,
            id,
            MotifCloture::TravauxFaitsOuEnCours,
            "Les travaux ont été réalisés.",
            true,
        )
        .await
        .expect("closed");
    world.advance(Duration::days(29));
    let c = world
        .app
        .add_suivi(&usager, id, "Le problème revient.", true, true)
        .await
        .expect("one after closure");
    assert_eq!(
        suivis_of(&c, SuiviCategory::MessageUsagerPostCloture).len(),
        1
    );
    assert_eq!(
        world
            .app
            .add_suivi(&usager, id, "Encore moi.", true, true)
            .await
            .unwrap_err()
            .refusal(),
        Some(&Refusal::AlreadyDone)
    );

    let other = world.active_case().await.signalement.id;
    world
        .app
        .close_signalement(&rt, other, MotifCloture::Autre, "Clôture du dossier.", true)
        .await
        .expect("closed");
    world.advance(Duration::days(31));
    assert_eq!(
        world
            .app
            .add_suivi(&world.usager(other), other, "Trop tard ?", true, true)
            .await
            .unwrap_err()
            .refusal(),
        Some(&Refusal::WindowClosed)
    );

    let mut vacant = form();
    vacant.logement.is_logement_vacant = true;
    let v = world.submit(vacant).await.signalement.id;
    assert_eq!(
        world
            .app
            .add_suivi(&world.usager(v), v, "Bonjour", true, true)
            .await
            .unwrap_err()
            .refusal(),
        Some(&Refusal::LogementVacant)
    );
}

#[tokio::test]
async fn rule_23_usager_login_needs_code_initials_and_postcode() {
    let world = World::new().await;
    let case = world.submit(form()).await;
    let code = case.signalement.code_suivi.clone();
    let check = |first: &str, last: &str, cp: &str| IdentityCheck {
        code_suivi: code.clone(),
        claim: IdentityClaim::new(UsagerSide::Occupant, first, last, cp),
    };
    // "Locataire Prénom" / "Locataire Nom": initials L and L, accents folded.
    let actor = world
        .app
        .usager_login(check("l", "L", "13002"))
        .await
        .expect("login");
    assert_eq!(
        actor,
        Actor::Usager(UsagerSession {
            signalement_id: case.signalement.id,
            side: UsagerSide::Occupant
        })
    );
    assert!(
        world
            .app
            .usager_login(check("L", "L", "13001"))
            .await
            .unwrap_err()
            .hides_existence()
    );
    assert!(
        world
            .app
            .usager_login(check("M", "L", "13002"))
            .await
            .unwrap_err()
            .hides_existence()
    );
    let wrong_code = IdentityCheck {
        code_suivi: uuid::Uuid::new_v4().to_string(),
        claim: IdentityClaim::new(UsagerSide::Occupant, "L", "L", "13002"),
    };
    assert!(
        world
            .app
            .usager_login(wrong_code)
            .await
            .unwrap_err()
            .hides_existence()
    );

    // Rate limited per code: after five failures even the right answer waits.
    for _ in 0..5 {
        let _ = world.app.usager_login(check("X", "Y", "00000")).await;
    }
    assert_eq!(
        world
            .app
            .usager_login(check("L", "L", "13002"))
            .await
            .unwrap_err(),
        AppError::TooManyAttempts
    );
}

#[tokio::test]
async fn rule_23_only_failed_identity_checks_count_towards_the_limit() {
    let world = World::new().await;
    let case = world.submit(form()).await;
    let check = |first: &str| IdentityCheck {
        code_suivi: case.signalement.code_suivi.clone(),
        claim: IdentityClaim::new(UsagerSide::Occupant, first, "L", "13002"),
    };
    // The same person opening the dossier from several devices.
    for _ in 0..8 {
        world.app.usager_login(check("L")).await.expect("login");
    }
    for _ in 0..4 {
        assert!(world.app.usager_login(check("X")).await.is_err());
    }
    world
        .app
        .usager_login(check("L"))
        .await
        .expect("four failures leave the right answer through");
    assert!(world.app.usager_login(check("X")).await.is_err());
    assert_eq!(
        world.app.usager_login(check("L")).await.unwrap_err(),
        AppError::TooManyAttempts
    );
}

fn approx(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[tokio::test]
async fn rule_24_v2_score_formula() {
    let world = World::new().await;
    let mut f = form();
    f.occupant.has_enfants = false;
    f.desordre_precisions = vec![
        "desordres_batiment_securite_toit".into(),
        "desordres_logement_lumiere_pas_lumiere_pieces_piece_a_vivre".into(),
        "desordres_logement_eau_eau_potable".into(),
    ];
    let s = world.submit(f.clone()).await.signalement;
    assert!(approx(s.score_batiment, 7.142857), "{}", s.score_batiment);
    assert!(approx(s.score_logement, 14.705882), "{}", s.score_logement);
    assert!(approx(s.score, 10.924369), "{}", s.score);
    f.occupant.has_enfants = true;
    let s = world.submit(f).await.signalement;
    assert!(approx(s.score, 12.016807), "children bonus: {}", s.score);
    assert!(
        approx(s.score_batiment, 7.142857),
        "sub-scores carry no bonus"
    );
}

#[tokio::test]
async fn rule_25_current_score_at_its_boundaries() {
    // Replaces the legacy V1 formula: the current grid at its bounds.
    let grid = DesordreGrid::reference();
    let none = histologe_core::score::compute(grid, &[], true);
    assert_eq!(none.score, 0.0);
    let every: Vec<String> = grid.precisions().map(|p| p.slug().to_string()).collect();
    let all = histologe_core::score::compute(grid, &every, false);
    assert_eq!(all.score, 100.0, "capped");
    assert!(
        all.score_batiment > 100.0 && all.score_logement > 100.0,
        "sub-scores stored uncapped"
    );
    let all_children = histologe_core::score::compute(grid, &every, true);
    assert_eq!(
        all_children.score, 100.0,
        "children bonus at the cap stays 100"
    );

    let world = World::new().await;
    let mut f = form();
    f.desordre_precisions = every;
    let s = world.submit(f).await.signalement;
    assert_eq!(s.score, 100.0);
}

/// Précisions that are neither dangerous nor flagged insalubre, in grid
/// order, accumulated until the case's score passes `target`.
fn precisions_scoring_above(target: f64) -> Vec<String> {
    let grid = DesordreGrid::reference();
    let mut chosen = Vec::new();
    for p in grid.precisions() {
        if p.precision.insalubrite || p.precision.danger || p.precision.suroccupation {
            continue;
        }
        chosen.push(p.slug().to_string());
        if histologe_core::score::compute(grid, &chosen, false).score > target {
            return chosen;
        }
    }
    panic!("the grid cannot reach {target}");
}

#[tokio::test]
async fn rule_26_insalubrite_suspicion_follows_the_score_bands() {
    let world = World::new().await;
    let submit_with = |slugs: Vec<String>| {
        let mut f = form();
        f.occupant.has_enfants = false;
        f.occupant.nb_occupants = None;
        f.desordre_precisions = slugs;
        f
    };
    let status = |case: &Case| {
        case.qualifications
            .iter()
            .find(|q| q.qualification == Qualification::Insalubrite && q.is_active())
            .map(|q| q.status)
    };
    // ≤ 10 without an obligatory précision: no insalubrité.
    let low = world
        .submit(submit_with(vec![
            "desordres_batiment_bruit_interieur".into(),
        ]))
        .await;
    assert!(low.signalement.score <= 10.0);
    assert_eq!(status(&low), None);
    // ≤ 10 with one (a basement dwelling without window): suspected.
    let obligatory = world
        .submit(submit_with(vec![
            "desordres_type_composition_logement_sous_sol".into(),
        ]))
        .await;
    assert!(obligatory.signalement.score <= 30.0);
    assert_eq!(
        status(&obligatory),
        Some(QualificationStatus::InsalubriteCheck)
    );
    // 10 < s ≤ 30: manquement à la salubrité.
    let mid = world
        .submit(submit_with(precisions_scoring_above(10.0)))
        .await;
    assert!(
        mid.signalement.score > 10.0 && mid.signalement.score <= 30.0,
        "{}",
        mid.signalement.score
    );
    assert_eq!(
        status(&mid),
        Some(QualificationStatus::InsalubriteManquementCheck)
    );
    // 30 < s ≤ 50: suspicion.
    let high = world
        .submit(submit_with(precisions_scoring_above(30.0)))
        .await;
    assert!(
        high.signalement.score > 30.0 && high.signalement.score <= 50.0,
        "{}",
        high.signalement.score
    );
    assert_eq!(status(&high), Some(QualificationStatus::InsalubriteCheck));
    // > 50: suspicion, plus péril when a précision carries it.
    let severe = world
        .submit(submit_with(precisions_scoring_above(50.0)))
        .await;
    assert!(severe.signalement.score > 50.0);
    assert_eq!(status(&severe), Some(QualificationStatus::InsalubriteCheck));
    assert!(active(&severe).contains(&Qualification::MiseEnSecuritePeril));
}

#[tokio::test]
async fn rule_27_danger_and_suroccupation_follow_their_precisions_post_visit_survives() {
    let world = World::new().await;
    let dangerous = world.submit(form()).await;
    assert!(
        active(&dangerous).contains(&Qualification::Danger),
        "dangerous wiring"
    );
    let mut calm = form();
    calm.desordre_precisions = vec!["desordres_batiment_bruit_interieur".into()];
    calm.occupant.nb_occupants = Some(1);
    let calm = world.submit(calm).await;
    assert!(!active(&calm).contains(&Qualification::Danger));
    assert!(!active(&calm).contains(&Qualification::Suroccupation));

    // A visit confirms insalubrité; recomputing keeps the confirmed one.
    let case = world.accepted_case().await;
    let id = case.signalement.id;
    let agent = world.actor(&world.people.agent_schs);
    world
        .app
        .plan_visite(
            &agent,
            id,
            world.partners.schs.id,
            start() - Duration::hours(1),
            Some(Conclusion {
                procedures: vec![ProcedureType::Insalubrite],
                details: "Humidité généralisée, installation électrique à refaire.".into(),
                occupant_present: Some(true),
                proprietaire_present: Some(false),
                notify_usager: true,
            }),
        )
        .await
        .expect("visit recorded");
    let mut case = world.case(id).await;
    let confirmed = |c: &Case| {
        c.qualifications
            .iter()
            .any(|q| q.is_post_visit && q.status == QualificationStatus::InsalubriteAveree)
    };
    assert!(confirmed(&case));
    case.signalement.desordre_precisions.clear();
    histologe_core::assessment::assess(&mut case, DesordreGrid::reference());
    assert!(confirmed(&case), "never archived by recomputation");
    assert!(
        !active(&case).contains(&Qualification::Danger),
        "danger gone with its précision"
    );
}

#[tokio::test]
async fn rule_28_suroccupation_by_surface_for_allocataires_by_rooms_otherwise() {
    let world = World::new().await;
    let with = |allocataire: Option<Allocataire>, people: u32, surface: f64, rooms: u32| {
        let mut f = form();
        f.occupant.allocataire = allocataire;
        f.occupant.nb_occupants = Some(people);
        f.logement.superficie = Some(surface);
        f.logement.nb_pieces = Some(rooms);
        f
    };
    let slugs = |c: &Case| c.signalement.desordre_precisions.clone();
    let alloc = histologe_core::desordres::SUROCCUPATION_ALLOCATAIRE.to_string();
    let non_alloc = histologe_core::desordres::SUROCCUPATION_NON_ALLOCATAIRE.to_string();

    let crowded = world.submit(with(Some(Allocataire::Caf), 4, 30.0, 3)).await;
    assert!(slugs(&crowded).contains(&alloc), "4 people in 30 m² (< 34)");
    assert!(active(&crowded).contains(&Qualification::Suroccupation));
    let fine = world.submit(with(Some(Allocataire::Caf), 4, 34.0, 3)).await;
    assert!(!slugs(&fine).contains(&alloc));
    assert!(!active(&fine).contains(&Qualification::Suroccupation));
    let rooms = world.submit(with(Some(Allocataire::Non), 5, 80.0, 2)).await;
    assert!(slugs(&rooms).contains(&non_alloc), "2 rooms < 5/2");
    let enough = world.submit(with(None, 4, 20.0, 2)).await;
    assert!(!slugs(&enough).contains(&non_alloc), "2 rooms = 4/2");
}

#[tokio::test]
async fn rule_29_nde_status_from_the_dpe() {
    use histologe_core::nde::{ClasseEnergetique, DateDernierDpe};
    let world = World::new().await;
    let nde_precision = DesordreGrid::reference()
        .precisions()
        .find(|p| p.precision.carries(Qualification::NonDecenceEnergetique))
        .expect("the grid has an NDE précision")
        .slug()
        .to_string();
    let nde = |case: &Case| {
        case.qualifications
            .iter()
            .find(|q| q.qualification == Qualification::NonDecenceEnergetique && q.is_active())
            .map(|q| q.status)
    };
    let mut unknown = form();
    unknown.desordre_precisions.push(nde_precision.clone());
    assert_eq!(
        nde(&world.submit(unknown.clone()).await),
        Some(QualificationStatus::NdeCheck)
    );

    let mut none = unknown.clone();
    none.logement.dpe = Some(false);
    assert_eq!(
        nde(&world.submit(none).await),
        Some(QualificationStatus::NdeAveree)
    );

    let mut hungry = form();
    hungry.logement.dpe = Some(true);
    hungry.logement.dpe_classe = Some(ClasseEnergetique::G);
    hungry.logement.dpe_date = Some(DateDernierDpe::Post2023);
    hungry.logement.dpe_consommation = Some(500.0);
    assert_eq!(
        nde(&world.submit(hungry).await),
        Some(QualificationStatus::NdeAveree),
        "class G brings NDE"
    );

    let mut old = unknown.clone();
    old.logement.dpe = Some(true);
    old.logement.dpe_classe = Some(ClasseEnergetique::E);
    old.logement.dpe_date = Some(DateDernierDpe::Before2023);
    old.logement.dpe_consommation = Some(18_000.0); // kWh/year over 45 m² = 400 per m²
    assert_eq!(
        nde(&world.submit(old).await),
        Some(QualificationStatus::NdeOk)
    );
}

#[tokio::test]
async fn rule_30_auto_affectation_or_the_admins_are_asked() {
    let world = World::new().await;
    // No rule: the case waits and the territory's admins are told.
    let waiting = world.submit(form()).await;
    assert_eq!(
        waiting.signalement.status,
        SignalementStatus::NeedValidation
    );
    assert!(
        notifications_of(&world, &world.people.rt)
            .await
            .contains(&NotificationType::NouveauSignalement)
    );
    assert!(
        notifications_of(&world, &world.people.super_admin)
            .await
            .contains(&NotificationType::NouveauSignalement)
    );
    assert!(
        !notifications_of(&world, &world.people.rt_other_territory)
            .await
            .contains(&NotificationType::NouveauSignalement)
    );

    let rule = |partner_type, parc| AutoAffectationRule {
        id: AutoAffectationRuleId(uuid::Uuid::new_v4()),
        territory: t("13"),
        status: RuleStatus::Active,
        partner_type,
        profile_declarant: RuleProfile::Exactly(ProfileDeclarant::Locataire),
        insee_to_include: Vec::new(),
        insee_to_exclude: Vec::new(),
        partner_to_exclude: Vec::new(),
        parc,
        allocataire: RuleAllocataire::All,
        procedures_suspectees: vec![Qualification::Danger, Qualification::Insalubrite],
    };
    world
        .add_rule(rule(PartnerType::CommuneSchs, RuleParc::Prive))
        .await;
    world
        .add_rule(rule(PartnerType::Adil, RuleParc::Public))
        .await;
    let case = world.submit(form()).await;
    assert_eq!(
        case.signalement.status,
        SignalementStatus::Active,
        "matched: validated at once"
    );
    assert_eq!(
        case.affectations.len(),
        1,
        "the ADIL rule wants the public stock"
    );
    assert_eq!(case.affectations[0].partner_id, world.partners.schs.id);
    assert_eq!(case.affectations[0].status, AffectationStatus::Wait);
    assert!(
        case.subscribers.contains(&world.people.rt.id),
        "RTs follow it"
    );
    let validated = suivis_of(&case, SuiviCategory::SignalementIsActive);
    assert_eq!(validated[0].description, "Signalement validé");
    assert!(
        notifications_of(&world, &world.people.agent_schs)
            .await
            .contains(&NotificationType::NouvelleAffectation)
    );

    // Without a geoloc there is no auto-affectation.
    let mut lost = form();
    lost.adresse.geoloc = None;
    assert_eq!(
        world.submit(lost).await.signalement.status,
        SignalementStatus::NeedValidation
    );
}

/// The acknowledgement and the notifications reach people through the
/// outbox: the runner sends them, retries a provider failure, and keeps a
/// rejected address visible as a dead job.
#[tokio::test]
async fn queued_emails_are_sent_retried_and_never_lost() {
    let world = World::new().await;
    world.mailer.fail_next(1);
    let case = world.submit(form()).await;
    let outcomes = world.runner.drain().await.expect("runner");
    assert!(
        outcomes
            .iter()
            .any(|o| matches!(o, histologe_application::jobs::RunOutcome::Retry(_)))
    );
    world.advance(Duration::minutes(5));
    world.runner.drain().await.expect("runner");
    let sent = world.mailer.sent();
    assert!(sent.iter().any(|e| {
        e.to.contains(&"locataire-01@signal-logement.fr".to_string())
            && e.subject.contains(&case.signalement.reference)
            && e.text.contains(&case.signalement.code_suivi)
    }));
    let pending: Vec<_> = world
        .store
        .all()
        .await
        .expect("jobs")
        .into_iter()
        .filter(|j| j.status != histologe_ports::JobStatus::Done)
        .collect();
    assert!(pending.is_empty(), "every job done: {pending:?}");
}
