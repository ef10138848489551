//! Properties of the core loop: random sequences of use cases, played by
//! random people on the memory adapters, must never break the permission
//! scope (rule 9), the one-affectation-per-partner invariant (rule 11) or
//! the archive lock (rule 8); and the score stays a percentage (rule 24).
//!
//! Every action goes through the public `App` use cases; refusals are
//! expected and ignored, only the state read back afterwards is judged.

mod common;

use chrono::Duration;
use common::{World, form};
use histologe_core::Actor;
use histologe_core::creation::NewSignalement;
use histologe_core::desordres::DesordreGrid;
use histologe_core::enums::{
    MotifCloture, MotifClotureUsager, MotifRefus, ProcedureType, SignalementStatus, SuiviCategory,
    TravauxMiseEnConformite,
};
use histologe_core::ids::{AffectationId, PartnerId, SignalementId};
use histologe_core::model::{Adresse, GeoPoint, Partner, User};
use histologe_core::workflow::affectation::ClosingForm;
use histologe_core::workflow::visite::Conclusion;
use histologe_ports::Clock;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::TestCaseError;

// ---------------------------------------------------------------------------
// The people, partners and places an action refers to.
// ---------------------------------------------------------------------------

/// Who acts: the people of `World`, a member of the affectation's partner,
/// the platform, the case's usager, or a visitor of the public pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    SuperAdmin,
    Rt,
    RtOther,
    AgentSchs,
    AgentCaf,
    AdminCaf,
    AgentArs,
    AgentOther,
    /// A member of the partner of the affectation acted on (`P::member`).
    Member {
        alternate: bool,
    },
    Usager,
    System,
    Anonymous,
}

const STAFF: [Who; 8] = [
    Who::SuperAdmin,
    Who::Rt,
    Who::RtOther,
    Who::AgentSchs,
    Who::AgentCaf,
    Who::AdminCaf,
    Who::AgentArs,
    Who::AgentOther,
];

const EVERYONE: [Who; 11] = [
    Who::SuperAdmin,
    Who::Rt,
    Who::RtOther,
    Who::AgentSchs,
    Who::AgentCaf,
    Who::AdminCaf,
    Who::AgentArs,
    Who::AgentOther,
    Who::Usager,
    Who::System,
    Who::Anonymous,
];

/// The agents and partner admins whose view rule 9 constrains.
const PARTNER_PEOPLE: [Who; 5] = [
    Who::AgentSchs,
    Who::AgentCaf,
    Who::AdminCaf,
    Who::AgentArs,
    Who::AgentOther,
];

/// The partners of `World`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum P {
    Schs,
    Ars,
    Caf,
    Adil,
    Archived,
    Lyon,
}

const PARTNERS: [P; 6] = [P::Schs, P::Ars, P::Caf, P::Adil, P::Archived, P::Lyon];

impl P {
    /// Someone who belongs to the partner (the RT of 13 belongs to the ARS,
    /// the RT of 69 to Lyon); the ADIL and the archived partner have no
    /// members, so the RT answers for them and must be refused.
    fn member(self, alternate: bool) -> Who {
        match (self, alternate) {
            (P::Schs, _) => Who::AgentSchs,
            (P::Caf, false) => Who::AgentCaf,
            (P::Caf, true) => Who::AdminCaf,
            (P::Ars, false) => Who::AgentArs,
            (P::Ars, true) => Who::Rt,
            (P::Lyon, false) => Who::AgentOther,
            (P::Lyon, true) => Who::RtOther,
            (P::Adil | P::Archived, _) => Who::Rt,
        }
    }
}

/// Where a new report comes from: territory 13 or territory 69.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Town {
    Marseille,
    Lyon,
}

impl Town {
    fn form(self) -> NewSignalement {
        match self {
            Town::Marseille => form(),
            Town::Lyon => NewSignalement {
                adresse: Adresse {
                    adresse: "12 Rue de la République".into(),
                    code_postal: "69002".into(),
                    ville: "Lyon".into(),
                    insee: Some("69382".into()),
                    geoloc: Some(GeoPoint {
                        lat: 45.764,
                        lng: 4.8357,
                    }),
                    ..Adresse::default()
                },
                ..form()
            },
        }
    }
}

// ---------------------------------------------------------------------------
// Actions.
// ---------------------------------------------------------------------------

/// One step of a scenario.
#[derive(Debug, Clone)]
enum Step {
    /// A new report on the public form.
    Submit(Town),
    /// A use case on the `case`-th created case (modulo their number).
    On {
        case: usize,
        by: Who,
        action: CaseAction,
    },
    RunJobs,
    ReleaseHeldSuivis,
    Advance {
        minutes: i64,
    },
}

/// A use case on one case. `nth` picks the case's current affectation of
/// that rank (modulo their number).
#[derive(Debug, Clone)]
enum CaseAction {
    Validate,
    RefuseSignalement,
    CloseForAll,
    ReopenForAll,
    Archive,
    Reactivate,
    Affect(Vec<P>),
    Unaffect(P),
    Accept {
        nth: usize,
    },
    RefuseAffectation {
        nth: usize,
    },
    CloseAffectation {
        nth: usize,
    },
    ReopenAffectation {
        nth: usize,
    },
    Reinit {
        nth: usize,
    },
    AddSuivi,
    AskAbandon,
    AskPoursuite,
    SwitchToProcedure,
    /// The platform's auto-affectation (`by` is ignored).
    AutoAffect,
    /// A visit by the partner, `days` from now (past dates carry a conclusion).
    PlanVisite {
        partner: P,
        days: i64,
    },
}

/// The world and the cases created in it, in creation order.
struct Sim {
    world: World,
    cases: Vec<SignalementId>,
}

impl Sim {
    async fn new() -> Sim {
        Sim {
            world: World::new().await,
            cases: Vec::new(),
        }
    }

    fn user(&self, who: Who) -> Option<&User> {
        let people = &self.world.people;
        match who {
            Who::SuperAdmin => Some(&people.super_admin),
            Who::Rt => Some(&people.rt),
            Who::RtOther => Some(&people.rt_other_territory),
            Who::AgentSchs => Some(&people.agent_schs),
            Who::AgentCaf => Some(&people.agent_caf),
            Who::AdminCaf => Some(&people.admin_caf),
            Who::AgentArs => Some(&people.agent_ars_with_affectation_right),
            Who::AgentOther => Some(&people.agent_other_territory),
            Who::Member { .. } | Who::Usager | Who::System | Who::Anonymous => None,
        }
    }

    /// The actor for `who` on the case; `partner` is the partner whose
    /// member `Who::Member` stands for (without one: an anonymous visitor).
    fn actor(&self, who: Who, case: SignalementId, partner: Option<P>) -> Actor {
        match who {
            Who::Member { alternate } => match partner {
                Some(p) => self.actor(p.member(alternate), case, None),
                None => Actor::Anonymous,
            },
            Who::Usager => self.world.usager(case),
            Who::System => Actor::System,
            Who::Anonymous => Actor::Anonymous,
            staff => self.world.actor(self.user(staff).expect("a staff member")),
        }
    }

    fn partner(&self, p: P) -> &Partner {
        let partners = &self.world.partners;
        match p {
            P::Schs => &partners.schs,
            P::Ars => &partners.ars,
            P::Caf => &partners.caf,
            P::Adil => &partners.adil,
            P::Archived => &partners.archived,
            P::Lyon => &partners.lyon,
        }
    }

    fn case_at(&self, index: usize) -> Option<SignalementId> {
        (!self.cases.is_empty()).then(|| self.cases[index % self.cases.len()])
    }

    /// The case's affectation of rank `nth` (modulo) and its partner.
    async fn nth_affectation(&self, id: SignalementId, nth: usize) -> Option<(AffectationId, P)> {
        let case = self.world.case(id).await;
        if case.affectations.is_empty() {
            return None;
        }
        let a = &case.affectations[nth % case.affectations.len()];
        let p = PARTNERS
            .into_iter()
            .find(|p| self.partner(*p).id == a.partner_id)
            .expect("a partner of World");
        Some((a.id, p))
    }

    async fn status(&self, id: SignalementId) -> SignalementStatus {
        self.world.case(id).await.signalement.status
    }
}

fn closing_form() -> ClosingForm {
    ClosingForm {
        motif: MotifCloture::Autre,
        travaux: Some(TravauxMiseEnConformite::Non),
        precisions: "Dossier traité, plus d'action de notre part.".into(),
    }
}

fn conclusion() -> Conclusion {
    Conclusion {
        procedures: vec![ProcedureType::Insalubrite],
        details: "Humidité et installation électrique dangereuse constatées.".into(),
        occupant_present: Some(true),
        proprietaire_present: Some(false),
        notify_usager: true,
    }
}

/// Plays one step through the application. Returns whether the use case
/// accepted it (`Ok`); a refusal, or a step with nothing to act on (no case
/// yet, no affectation), returns false.
async fn apply(sim: &mut Sim, step: &Step) -> bool {
    let app = sim.world.app.clone();
    match step {
        Step::Submit(town) => match app
            .submit_signalement(&Actor::Anonymous, town.form(), false)
            .await
        {
            Ok(case) => {
                sim.cases.push(case.signalement.id);
                true
            }
            Err(_) => false,
        },
        Step::RunJobs => sim.world.runner.drain().await.is_ok(),
        Step::ReleaseHeldSuivis => app.release_held_suivis().await.is_ok(),
        Step::Advance { minutes } => {
            sim.world.advance(Duration::minutes(*minutes));
            true
        }
        Step::On { case, by, action } => match sim.case_at(*case) {
            Some(id) => apply_on_case(sim, id, *by, action).await,
            None => false,
        },
    }
}

async fn apply_on_case(sim: &Sim, id: SignalementId, by: Who, action: &CaseAction) -> bool {
    let app = &sim.world.app;
    let actor = sim.actor(by, id, None);
    let on_affectation = |nth: usize| sim.nth_affectation(id, nth);
    match action {
        CaseAction::Validate => app.validate_signalement(&actor, id, vec![]).await.is_ok(),
        CaseAction::RefuseSignalement => app
            .refuse_signalement(
                &actor,
                id,
                MotifRefus::Doublon,
                "Déjà signalé sous une autre référence.",
            )
            .await
            .is_ok(),
        CaseAction::CloseForAll => app
            .close_signalement(
                &actor,
                id,
                MotifCloture::Insalubrite,
                "Arrêté pris, travaux prescrits au propriétaire.",
                true,
            )
            .await
            .is_ok(),
        CaseAction::ReopenForAll => app.reopen_signalement(&actor, id, true).await.is_ok(),
        CaseAction::Archive => app.archive_signalement(&actor, id).await.is_ok(),
        CaseAction::Reactivate => app.reactivate_signalement(&actor, id).await.is_ok(),
        CaseAction::Affect(partners) => {
            let ids: Vec<PartnerId> = partners.iter().map(|p| sim.partner(*p).id).collect();
            app.affect_partners(&actor, id, &ids).await.is_ok()
        }
        CaseAction::Unaffect(p) => app
            .unaffect_partner(&actor, id, sim.partner(*p).id)
            .await
            .is_ok(),
        CaseAction::Accept { nth } => match on_affectation(*nth).await {
            Some((a, p)) => app
                .accept_affectation(&sim.actor(by, id, Some(p)), id, a, vec![])
                .await
                .is_ok(),
            None => false,
        },
        CaseAction::RefuseAffectation { nth } => match on_affectation(*nth).await {
            Some((a, p)) => app
                .refuse_affectation(
                    &sim.actor(by, id, Some(p)),
                    id,
                    a,
                    Some(MotifRefus::HorsCompetence),
                    "Ce logement ne relève pas de nos missions.",
                )
                .await
                .is_ok(),
            None => false,
        },
        CaseAction::CloseAffectation { nth } => match on_affectation(*nth).await {
            Some((a, p)) => app
                .close_affectation(&sim.actor(by, id, Some(p)), id, a, closing_form())
                .await
                .is_ok(),
            None => false,
        },
        CaseAction::ReopenAffectation { nth } => match on_affectation(*nth).await {
            Some((a, p)) => app
                .reopen_affectation(&sim.actor(by, id, Some(p)), id, a, true)
                .await
                .is_ok(),
            None => false,
        },
        CaseAction::Reinit { nth } => match on_affectation(*nth).await {
            Some((a, p)) => app
                .reinit_affectation(&sim.actor(by, id, Some(p)), id, a)
                .await
                .is_ok(),
            None => false,
        },
        CaseAction::AddSuivi => app
            .add_suivi(&actor, id, "Point d'étape sur le dossier.", true, true)
            .await
            .is_ok(),
        CaseAction::AskAbandon => app
            .ask_abandon_procedure(
                &actor,
                id,
                MotifClotureUsager::AccordProprietaire,
                "Le propriétaire va faire les travaux.",
            )
            .await
            .is_ok(),
        CaseAction::AskPoursuite => app
            .ask_poursuite_procedure(&actor, id, "Rien n'a changé.")
            .await
            .is_ok(),
        CaseAction::SwitchToProcedure => app
            .switch_injonction_to_procedure(
                &actor,
                id,
                SuiviCategory::InjonctionBailleurBasculeProcedureParUsager,
            )
            .await
            .is_ok(),
        CaseAction::AutoAffect => app.auto_affect(id).await.is_ok(),
        CaseAction::PlanVisite { partner, days } => {
            let at = sim.world.clock.now() + Duration::days(*days);
            app.plan_visite(
                &sim.actor(by, id, Some(*partner)),
                id,
                sim.partner(*partner).id,
                at,
                (*days <= 0).then(conclusion),
            )
            .await
            .is_ok()
        }
    }
}

// ---------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------

fn staff() -> BoxedStrategy<Who> {
    select(STAFF.to_vec()).boxed()
}

fn anyone() -> BoxedStrategy<Who> {
    select(EVERYONE.to_vec()).boxed()
}

/// Mostly the people allowed to move a signalement, sometimes anybody.
fn admin_mostly() -> BoxedStrategy<Who> {
    prop_oneof![
        2 => select(vec![Who::Rt, Who::SuperAdmin, Who::RtOther]),
        1 => staff(),
    ]
    .boxed()
}

/// rt, agent_ars_with_affectation_right, super_admin (or rt of 69), or anybody.
fn affecter() -> BoxedStrategy<Who> {
    prop_oneof![
        select(vec![Who::Rt, Who::AgentArs, Who::SuperAdmin, Who::RtOther]),
        staff(),
    ]
    .boxed()
}

/// Mostly a member of the affectation's partner, otherwise one of `others`.
fn answerer(others: BoxedStrategy<Who>) -> BoxedStrategy<Who> {
    prop_oneof![
        3 => any::<bool>().prop_map(|alternate| Who::Member { alternate }),
        1 => others,
    ]
    .boxed()
}

/// Any partner; mostly the four that can take a case of territory 13,
/// sometimes Lyon (only for cases of 69) or the archived one (never).
fn partner() -> BoxedStrategy<P> {
    partner_with_lyon_weight(3)
}

/// The same, nearly always a partner of territory 13 (one case of 13).
fn partner_13() -> BoxedStrategy<P> {
    partner_with_lyon_weight(1)
}

fn partner_with_lyon_weight(lyon: u32) -> BoxedStrategy<P> {
    prop_oneof![
        12 => select(vec![P::Schs, P::Ars, P::Caf, P::Adil]),
        lyon => Just(P::Lyon),
        1 => Just(P::Archived),
    ]
    .boxed()
}

fn nth() -> impl Strategy<Value = usize> + Clone {
    0usize..4
}

/// `action` on case `case` by `by`.
fn on(
    case: impl Strategy<Value = usize> + 'static,
    by: BoxedStrategy<Who>,
    action: impl Strategy<Value = CaseAction> + 'static,
) -> BoxedStrategy<Step> {
    (case, by, action)
        .prop_map(|(case, by, action)| Step::On { case, by, action })
        .boxed()
}

fn advance() -> BoxedStrategy<Step> {
    prop_oneof![
        (1i64..=180).prop_map(|minutes| Step::Advance { minutes }),
        (1i64..=40).prop_map(|days| Step::Advance {
            minutes: days * 24 * 60
        }),
    ]
    .boxed()
}

/// The back-office life of cases in both territories: submissions, the
/// signalement and affectation transitions, suivis and time.
fn back_office_step() -> impl Strategy<Value = Step> {
    use CaseAction as A;
    let c = || 0usize..4;
    prop_oneof![
        1 => select(vec![Town::Marseille, Town::Lyon]).prop_map(Step::Submit),
        3 => on(c(), admin_mostly(), Just(A::Validate)),
        1 => on(c(), admin_mostly(), Just(A::RefuseSignalement)),
        1 => on(c(), admin_mostly(), Just(A::CloseForAll)),
        2 => on(c(), admin_mostly(), Just(A::ReopenForAll)),
        1 => on(c(), admin_mostly(), Just(A::Archive)),
        1 => on(c(), admin_mostly(), Just(A::Reactivate)),
        5 => on(c(), affecter(), prop::collection::vec(partner(), 1..3).prop_map(A::Affect)),
        2 => on(c(), affecter(), partner().prop_map(A::Unaffect)),
        4 => on(c(), answerer(staff()), nth().prop_map(|nth| A::Accept { nth })),
        3 => on(c(), answerer(staff()), nth().prop_map(|nth| A::RefuseAffectation { nth })),
        3 => on(c(), answerer(staff()), nth().prop_map(|nth| A::CloseAffectation { nth })),
        2 => on(c(), answerer(staff()), nth().prop_map(|nth| A::ReopenAffectation { nth })),
        2 => on(c(), admin_mostly(), nth().prop_map(|nth| A::Reinit { nth })),
        1 => on(c(), prop_oneof![staff(), Just(Who::Usager)].boxed(), Just(A::AddSuivi)),
        1 => advance(),
    ]
}

/// The affectation life of one active case of territory 13.
fn affectation_step() -> impl Strategy<Value = Step> {
    use CaseAction as A;
    let rt_mostly = || prop_oneof![3 => Just(Who::Rt), 1 => staff()].boxed();
    let affect_several = prop::collection::vec(partner_13(), 1..4).prop_map(A::Affect);
    prop_oneof![
        6 => on(Just(0), affecter(), affect_several),
        2 => on(Just(0), affecter(), partner_13().prop_map(A::Unaffect)),
        4 => on(Just(0), answerer(staff()), nth().prop_map(|nth| A::Accept { nth })),
        3 => on(Just(0), answerer(staff()), nth().prop_map(|nth| A::RefuseAffectation { nth })),
        2 => on(Just(0), answerer(staff()), nth().prop_map(|nth| A::CloseAffectation { nth })),
        2 => on(Just(0), answerer(staff()), nth().prop_map(|nth| A::ReopenAffectation { nth })),
        3 => on(Just(0), rt_mostly(), nth().prop_map(|nth| A::Reinit { nth })),
        1 => on(Just(0), rt_mostly(), Just(A::CloseForAll)),
        2 => on(Just(0), rt_mostly(), Just(A::ReopenForAll)),
        1 => on(Just(0), rt_mostly(), Just(A::Archive)),
        1 => on(Just(0), prop_oneof![Just(Who::SuperAdmin), staff()].boxed(), Just(A::Reactivate)),
    ]
}

/// Any use case on case 0, by anyone at all.
fn any_step_on_first_case() -> impl Strategy<Value = Step> {
    use CaseAction as A;
    let by_member = || answerer(anyone());
    let visit =
        (partner_13(), -3i64..10).prop_map(|(partner, days)| A::PlanVisite { partner, days });
    prop_oneof![
        on(Just(0), anyone(), Just(A::Validate)),
        on(Just(0), anyone(), Just(A::RefuseSignalement)),
        on(Just(0), anyone(), Just(A::CloseForAll)),
        on(Just(0), anyone(), Just(A::ReopenForAll)),
        on(Just(0), anyone(), Just(A::Archive)),
        on(Just(0), anyone(), Just(A::Reactivate)),
        on(
            Just(0),
            anyone(),
            prop::collection::vec(partner_13(), 1..3).prop_map(A::Affect)
        ),
        on(Just(0), anyone(), partner_13().prop_map(A::Unaffect)),
        on(
            Just(0),
            by_member(),
            nth().prop_map(|nth| A::Accept { nth })
        ),
        on(
            Just(0),
            by_member(),
            nth().prop_map(|nth| A::RefuseAffectation { nth })
        ),
        on(
            Just(0),
            by_member(),
            nth().prop_map(|nth| A::CloseAffectation { nth })
        ),
        on(
            Just(0),
            by_member(),
            nth().prop_map(|nth| A::ReopenAffectation { nth })
        ),
        on(Just(0), anyone(), nth().prop_map(|nth| A::Reinit { nth })),
        on(Just(0), anyone(), Just(A::AddSuivi)),
        on(Just(0), anyone(), Just(A::AskAbandon)),
        on(Just(0), anyone(), Just(A::AskPoursuite)),
        on(Just(0), anyone(), Just(A::SwitchToProcedure)),
        on(Just(0), Just(Who::System).boxed(), Just(A::AutoAffect)),
        on(Just(0), by_member(), visit),
        Just(Step::RunJobs),
        Just(Step::ReleaseHeldSuivis),
        advance(),
    ]
}

/// A case of 13 active and affected to the SCHS and the CAF, a case of 69
/// active and affected to Lyon, and a new case of 13.
fn seed_cases() -> [Step; 7] {
    let on = |case, by, action| Step::On { case, by, action };
    [
        Step::Submit(Town::Marseille),
        on(0, Who::Rt, CaseAction::Validate),
        on(0, Who::Rt, CaseAction::Affect(vec![P::Schs, P::Caf])),
        Step::Submit(Town::Lyon),
        on(1, Who::RtOther, CaseAction::Validate),
        on(1, Who::RtOther, CaseAction::Affect(vec![P::Lyon])),
        Step::Submit(Town::Marseille),
    ]
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

// ---------------------------------------------------------------------------
// Checks.
// ---------------------------------------------------------------------------

/// Rule 9, both ways, for every agent and partner admin on every case.
async fn check_partner_scope(sim: &Sim, after: &Step) -> Result<(), TestCaseError> {
    let territory_13 = common::t("13");
    for &id in &sim.cases {
        let case = sim.world.case(id).await;
        let status = case.signalement.status;
        let excluded = matches!(
            status,
            SignalementStatus::Archived
                | SignalementStatus::Draft
                | SignalementStatus::DraftArchived
        );
        for who in PARTNER_PEOPLE {
            let user = sim.user(who).expect("a staff member");
            let sees = sim
                .world
                .app
                .view_case(&sim.world.actor(user), id)
                .await
                .is_ok();
            let own_partner = user
                .memberships
                .iter()
                .find(|m| m.territory == case.signalement.territory)
                .map(|m| m.partner_id);
            let affected = own_partner.is_some_and(|p| case.affectation_of(p).is_some());
            prop_assert_eq!(
                sees,
                affected && !excluded,
                "after {:?}: {:?} on case {} (territory {}, status {:?}, affectations {:?}): \
                 view Ok = {} but rule 9 says {}",
                after,
                who,
                id.as_uuid(),
                case.signalement.territory.as_str(),
                status,
                case.affectations
                    .iter()
                    .map(|a| (a.partner_id, a.status))
                    .collect::<Vec<_>>(),
                sees,
                affected && !excluded
            );
            if who == Who::AgentOther && case.signalement.territory == territory_13 {
                prop_assert!(
                    !sees,
                    "agent_other_territory sees case {} of territory 13",
                    id.as_uuid()
                );
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------

// Each case plays a whole scenario on a fresh world (a few milliseconds on
// the memory adapters), so these can afford many cases.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Rule 9 (§4.2–4.3, SIGN_VIEW): whatever happened to the cases, an
    /// agent or partner admin reads a case exactly when his partner in its
    /// territory has an affectation on it (any status) and it is not
    /// ARCHIVED/DRAFT/DRAFT_ARCHIVED — never wider, and not stricter either.
    /// Checked after every step of the sequence.
    #[test]
    fn no_sequence_of_actions_lets_an_agent_read_a_case_his_partner_is_not_affected_to(
        steps in prop::collection::vec(back_office_step(), 1..25),
    ) {
        runtime().block_on(async {
            let mut sim = Sim::new().await;
            for seed in seed_cases() {
                prop_assert!(apply(&mut sim, &seed).await, "seeding failed at {:?}", seed);
                check_partner_scope(&sim, &seed).await?;
            }
            for step in &steps {
                apply(&mut sim, step).await;
                check_partner_scope(&sim, step).await?;
            }
            Ok(())
        })?;
    }

    /// Rule 11: at most one affectation per (signalement, partner), whatever
    /// mix of affect (several partners, the same twice), unaffect, answers,
    /// reinit, close/reopen for all, archive and reactivation happens.
    #[test]
    fn at_most_one_affectation_per_partner(
        steps in prop::collection::vec(affectation_step(), 1..30),
    ) {
        runtime().block_on(async {
            let mut sim = Sim::new().await;
            let case = sim.world.active_case().await;
            sim.cases.push(case.signalement.id);
            for step in &steps {
                apply(&mut sim, step).await;
                let case = sim.world.case(case.signalement.id).await;
                let mut partners: Vec<PartnerId> =
                    case.affectations.iter().map(|a| a.partner_id).collect();
                partners.sort();
                let before = partners.len();
                partners.dedup();
                prop_assert_eq!(
                    partners.len(),
                    before,
                    "after {:?}: two affectations of one partner: {:?}",
                    step,
                    case.affectations
                        .iter()
                        .map(|a| (a.partner_id, a.status))
                        .collect::<Vec<_>>()
                );
            }
            Ok(())
        })?;
    }

    /// Rule 8 (§3.2): an ARCHIVED case stays ARCHIVED whatever anybody does
    /// (staff of any rank, the platform, the usager, a visitor), until a
    /// super admin reactivates it; that reactivation is allowed and the case
    /// is then ACTIVE.
    #[test]
    fn no_transition_leaves_archived_except_a_super_admins_reactivation(
        steps in prop::collection::vec(any_step_on_first_case(), 1..30),
    ) {
        runtime().block_on(async {
            let mut sim = Sim::new().await;
            let id = archived_case(&mut sim).await;
            for step in &steps {
                let by_super_admin = matches!(
                    step,
                    Step::On { by: Who::SuperAdmin, action: CaseAction::Reactivate, .. }
                );
                let accepted = apply(&mut sim, step).await;
                let status = sim.status(id).await;
                if by_super_admin {
                    prop_assert!(accepted, "the super admin could not reactivate the archived case");
                    prop_assert_eq!(status, SignalementStatus::Active);
                    break;
                }
                prop_assert_eq!(
                    status,
                    SignalementStatus::Archived,
                    "{:?} (accepted: {}) took the case out of ARCHIVED",
                    step,
                    accepted
                );
            }
            Ok(())
        })?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Rule 24: the V2 score of any set of précisions, with or without
    /// children, is a percentage; the per-zone halves are never negative.
    #[test]
    fn the_score_stays_within_0_and_100(
        chosen in subsequence(all_slugs(), 0..=all_slugs().len()),
        children in any::<bool>(),
    ) {
        let score = histologe_core::score::compute(DesordreGrid::reference(), &chosen, children);
        prop_assert!((0.0..=100.0).contains(&score.score), "score {}", score.score);
        prop_assert!(score.score_batiment >= 0.0, "bâtiment {}", score.score_batiment);
        prop_assert!(score.score_logement >= 0.0, "logement {}", score.score_logement);
    }
}

fn all_slugs() -> Vec<String> {
    DesordreGrid::reference()
        .precisions()
        .map(|p| p.slug().to_string())
        .collect()
}

/// An active case affected to the SCHS (accepted), the CAF (refused) and
/// the ADIL (pending), closed for all then archived by the RT.
async fn archived_case(sim: &mut Sim) -> SignalementId {
    let w = &sim.world;
    let rt = w.actor(&w.people.rt);
    let id = w.accepted_case().await.signalement.id;
    let case = w
        .app
        .affect_partners(&rt, id, &[w.partners.caf.id, w.partners.adil.id])
        .await
        .expect("affected");
    let caf = case.affectation_of(w.partners.caf.id).expect("caf").id;
    w.app
        .refuse_affectation(
            &w.actor(&w.people.agent_caf),
            id,
            caf,
            None,
            "Hors de nos missions.",
        )
        .await
        .expect("refused");
    w.app
        .close_signalement(
            &rt,
            id,
            MotifCloture::Insalubrite,
            "Arrêté pris, dossier terminé.",
            false,
        )
        .await
        .expect("closed");
    let case = w.app.archive_signalement(&rt, id).await.expect("archived");
    assert_eq!(case.signalement.status, SignalementStatus::Archived);
    sim.cases.push(id);
    id
}
