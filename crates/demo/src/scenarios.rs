//! The life of each demo report, played through the use cases of the
//! application as the people of the demo would: the RT validates or
//! refuses, affects partners, their agents accept, refuse, write, visit and
//! close, the occupant answers. Every status therefore carries what the
//! rules put with it (suivis, history, subscriptions, notifications, jobs).

use chrono::{DateTime, Duration, Utc};
use histologe_application::App;
use histologe_core::actor::{Actor, UsagerSession};
use histologe_core::enums::{
    MotifCloture, MotifRefus, PartnerType, ProcedureType, Qualification, SignalementStatus,
    SuiviCategory, TravauxMiseEnConformite, UsagerSide,
};
use histologe_core::ids::{InterventionId, PartnerId};
use histologe_core::model::{Allocataire, Case};
use histologe_core::workflow::affectation::ClosingForm;
use histologe_core::workflow::visite::Conclusion;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};

use super::DemoError;
use super::catalogue::{
    CLOSING_COMMENTS, LIGHT_SITUATIONS, PARTNER_MESSAGES, SITUATIONS, STREETS_13, STREETS_33,
    STREETS_69A, Street, USAGER_MESSAGES, VISIT_CONCLUSIONS,
};
use super::organisations::{DemoPartner, Directory, Organisation};
use super::reports::{
    Declaring, ReportSpec, SocialLandlord, injonction_candidate, new_signalement,
};

/// Where a report ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Filed, waiting for the RT (sometimes with a message of the occupant).
    NeedValidation,
    /// Refused by the RT at validation.
    Refused,
    /// Validated, no partner yet.
    ActiveWithoutAffectation,
    /// Partners affected, none answered yet.
    ActiveWaiting,
    /// The visiting partner accepted and exchanges with the occupant.
    ActiveAccepted,
    /// A visit is planned.
    ActiveVisitPlanned,
    /// A visit took place and is concluded.
    ActiveVisitDone,
    /// A visit was cancelled and planned again.
    ActiveVisitRescheduled,
    /// A second partner refused the case.
    ActivePartnerRefused,
    /// A second partner closed its part.
    ActivePartnerClosed,
    /// The visiting partner closed its part, then reopened it.
    ActiveReopenedAffectation,
    /// A refused affectation was reset by the RT.
    ActiveReinitialised,
    /// Closed for all partners after the visit.
    Closed,
    /// Closed, then reopened for all partners.
    ReopenedForAll,
    /// Closed, then archived.
    ArchivedClosed,
    /// Refused, then archived.
    ArchivedRefused,
    /// Closed, archived, then brought back by the super admin.
    Reactivated,
    /// In the landlord injunction procedure (Gironde only).
    Injonction,
    /// The landlord did not answer in time: back to the usual procedure.
    InjonctionExpired,
}

/// How many reports of each plan every territory gets.
const PLANS: &[(Plan, usize)] = &[
    (Plan::NeedValidation, 6),
    (Plan::Refused, 3),
    (Plan::ActiveWithoutAffectation, 2),
    (Plan::ActiveWaiting, 3),
    (Plan::ActiveAccepted, 4),
    (Plan::ActiveVisitPlanned, 3),
    (Plan::ActiveVisitDone, 3),
    (Plan::ActiveVisitRescheduled, 1),
    (Plan::ActivePartnerRefused, 2),
    (Plan::ActivePartnerClosed, 2),
    (Plan::ActiveReopenedAffectation, 1),
    (Plan::ActiveReinitialised, 1),
    (Plan::Closed, 4),
    (Plan::ReopenedForAll, 1),
    (Plan::ArchivedClosed, 1),
    (Plan::ArchivedRefused, 1),
    (Plan::Reactivated, 1),
];

/// The territory where the injunction procedure is shown.
pub const INJONCTION_TERRITORY: &str = "33";
const INJONCTION_PLANS: &[(Plan, usize)] = &[(Plan::Injonction, 3), (Plan::InjonctionExpired, 2)];

impl Plan {
    /// Plans that need the RT's decision: in a territory with
    /// auto-affectation rules their reports must match none.
    fn waits_for_the_rt(self) -> bool {
        matches!(
            self,
            Plan::NeedValidation | Plan::Refused | Plan::ArchivedRefused
        )
    }

    fn is_injonction(self) -> bool {
        matches!(self, Plan::Injonction | Plan::InjonctionExpired)
    }

    /// Plans whose story needs two partners.
    fn needs_two_partners(self) -> bool {
        matches!(
            self,
            Plan::ActivePartnerRefused | Plan::ActivePartnerClosed | Plan::ActiveReinitialised
        )
    }
}

/// The commune of the SCHS of Bordeaux, which the Gironde's rules affect.
const BORDEAUX: &str = "33063";

fn streets(territory: &str) -> &'static [Street] {
    match territory {
        "13" => STREETS_13,
        "69A" => STREETS_69A,
        _ => STREETS_33,
    }
}

/// Plays the plans of every territory through the use cases.
pub struct Driver<'a> {
    app: &'a App,
    /// The same application with the injunction procedure open in the
    /// Gironde, whatever `INJONCTION_BAILLEUR_DEPTS` says: the demo shows
    /// the procedure in every deployment.
    injonction_app: App,
    directory: &'a Directory,
    rng: StdRng,
    number: usize,
    pub cases: Vec<Case>,
}

impl std::fmt::Debug for Driver<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("cases", &self.cases.len())
            .finish()
    }
}

type Played = Result<Case, DemoError>;

fn failed(
    step: &'static str,
    case: &Case,
) -> impl FnOnce(histologe_application::AppError) -> DemoError {
    let reference = case.signalement.displayed_reference();
    move |source| DemoError::Step {
        step,
        reference,
        source,
    }
}

impl<'a> Driver<'a> {
    pub fn new(app: &'a App, injonction_app: App, directory: &'a Directory, rng: StdRng) -> Self {
        Driver {
            app,
            injonction_app,
            directory,
            rng,
            number: 0,
            cases: Vec::new(),
        }
    }

    fn now(&self) -> DateTime<Utc> {
        self.app.now()
    }

    pub async fn play_all(&mut self) -> Result<(), DemoError> {
        for org in &self.directory.territories {
            let mut plans: Vec<Plan> = PLANS
                .iter()
                .chain(if org.code.as_str() == INJONCTION_TERRITORY {
                    INJONCTION_PLANS
                } else {
                    &[]
                })
                .flat_map(|(plan, n)| std::iter::repeat_n(*plan, *n))
                .collect();
            // Lists read as a real territory's: statuses mixed.
            plans.shuffle(&mut self.rng);
            for plan in plans {
                let case = self.play(org, plan).await?;
                self.cases.push(case);
            }
        }
        Ok(())
    }

    fn report_spec<'o>(
        &mut self,
        org: &'o Organisation,
        plan: Plan,
    ) -> Result<ReportSpec<'o>, DemoError> {
        self.number += 1;
        // In the Gironde the rules affect every report of Bordeaux and of
        // CAF allocataires at once: the RT only sees the others.
        let manual_33 = plan.waits_for_the_rt() && org.code.as_str() == "33";
        let candidates: Vec<&Street> = streets(org.code.as_str())
            .iter()
            .filter(|s| !manual_33 || s.insee != BORDEAUX)
            .collect();
        let street = *candidates
            .choose(&mut self.rng)
            .ok_or_else(|| DemoError::Unexpected(format!("no street for {}", org.code)))?;
        let declaring = match self.rng.random_range(0..100) {
            _ if plan.is_injonction() => Declaring::Locataire,
            0..65 => Declaring::Locataire,
            65..77 => Declaring::Proche,
            77..90 => Declaring::TravailleurSocial,
            _ => Declaring::ProprietaireOccupant,
        };
        let social = (!manual_33
            && !plan.is_injonction()
            && declaring != Declaring::ProprietaireOccupant
            && self.rng.random_bool(0.25))
        .then(|| org.of_type(PartnerType::BailleurSocial).next())
        .flatten()
        .and_then(|p| {
            Some(SocialLandlord {
                name: &p.partner.nom,
                bailleur_id: p.partner.bailleur_id.as_deref()?,
            })
        });
        let allocataire = if manual_33 {
            *[Allocataire::Non, Allocataire::Nsp]
                .choose(&mut self.rng)
                .unwrap_or(&Allocataire::Non)
        } else {
            match self.rng.random_range(0..100) {
                0..40 => Allocataire::Caf,
                40..45 => Allocataire::Msa,
                45..85 => Allocataire::Non,
                _ => Allocataire::Nsp,
            }
        };
        let situations = if plan.is_injonction() {
            LIGHT_SITUATIONS
        } else {
            SITUATIONS
        };
        let situation = situations
            .choose(&mut self.rng)
            .ok_or_else(|| DemoError::Unexpected("no situation".into()))?;
        Ok(ReportSpec {
            number: self.number,
            street,
            situation,
            declaring,
            social,
            allocataire,
        })
    }

    async fn play(&mut self, org: &Organisation, plan: Plan) -> Played {
        let spec = self.report_spec(org, plan)?;
        let case = if plan.is_injonction() {
            let form = injonction_candidate(&mut self.rng, &spec);
            self.injonction_app
                .submit_signalement(&Actor::Anonymous, form, true)
                .await
        } else {
            let form = new_signalement(&mut self.rng, &spec);
            self.app
                .submit_signalement(&Actor::Anonymous, form, false)
                .await
        }
        .map_err(|source| DemoError::Step {
            step: "dépôt du signalement",
            reference: format!("n° {}", spec.number),
            source,
        })?;

        match plan {
            Plan::NeedValidation | Plan::Injonction => {
                if self.rng.random_bool(0.5) {
                    return self.usager_message(case).await;
                }
                Ok(case)
            }
            Plan::InjonctionExpired => self
                .injonction_app
                .switch_injonction_to_procedure(
                    &Actor::System,
                    case.signalement.id,
                    SuiviCategory::InjonctionBailleurExpiree,
                )
                .await
                .map_err(failed("fin de la démarche accélérée", &case)),
            Plan::Refused => self.refuse(org, case).await,
            Plan::ArchivedRefused => {
                let case = self.refuse(org, case).await?;
                self.archive(org, case).await
            }
            _ => {
                let case = self.activate(org, case).await?;
                if plan == Plan::ActiveWithoutAffectation {
                    return Ok(case);
                }
                let case = self.affect(org, case, plan).await?;
                self.follow(org, case, plan).await
            }
        }
    }

    /// What happens once partners are affected.
    async fn follow(&mut self, org: &Organisation, case: Case, plan: Plan) -> Played {
        let primary = visiting_partner(&case, org)?;
        let secondary = other_partner(&case, primary);
        match plan {
            Plan::ActiveWaiting => {
                if self.rng.random_bool(0.5) {
                    return self.message(&org.rt, case, false).await;
                }
                Ok(case)
            }
            Plan::ActiveAccepted => {
                let mut case = self.accept(org, case, primary).await?;
                case = self.partner_message(org, case, primary, true).await?;
                case = self.usager_message(case).await?;
                if let Some(other) = secondary.filter(|_| self.rng.random_bool(0.5)) {
                    case = self.accept(org, case, other).await?;
                }
                Ok(case)
            }
            Plan::ActiveVisitPlanned => {
                let case = self.accept(org, case, primary).await?;
                let (case, _) = self.plan_visit(org, case, primary).await?;
                if self.rng.random_bool(0.5) {
                    return self.usager_message(case).await;
                }
                Ok(case)
            }
            Plan::ActiveVisitDone => {
                let case = self.accept(org, case, primary).await?;
                let case = self.visit_done(org, case, primary).await?;
                self.partner_message(org, case, primary, false).await
            }
            Plan::ActiveVisitRescheduled => {
                let case = self.accept(org, case, primary).await?;
                let (case, visit) = self.plan_visit(org, case, primary).await?;
                let agent = agent_of(org, primary)?;
                let case = self
                    .app
                    .cancel_visite(
                        agent,
                        case.signalement.id,
                        visit,
                        "L'occupante est hospitalisée cette semaine et a demandé un report.",
                    )
                    .await
                    .map_err(failed("annulation de visite", &case))?;
                let (case, _) = self.plan_visit(org, case, primary).await?;
                Ok(case)
            }
            Plan::ActivePartnerRefused => {
                let case = match secondary {
                    Some(other) => self.refuse_affectation(org, case, other).await?,
                    None => case,
                };
                let case = self.accept(org, case, primary).await?;
                self.partner_message(org, case, primary, true).await
            }
            Plan::ActivePartnerClosed => {
                let mut case = self.accept(org, case, primary).await?;
                if let Some(other) = secondary {
                    case = self.accept(org, case, other).await?;
                    case = self
                        .close_affectation(
                            org,
                            case,
                            other,
                            ClosingForm {
                                motif: MotifCloture::GestionDuDossierExterne,
                                travaux: None,
                                precisions: "Accompagnement de l'occupant terminé, le service d'hygiène prend le relais.".into(),
                            },
                        )
                        .await?;
                }
                Ok(case)
            }
            Plan::ActiveReopenedAffectation => {
                let case = self.accept(org, case, primary).await?;
                let case = self
                    .close_affectation(
                        org,
                        case,
                        primary,
                        ClosingForm {
                            motif: MotifCloture::LogementMisEnConformite,
                            travaux: Some(TravauxMiseEnConformite::EnCours),
                            precisions:
                                "Le propriétaire annonce la fin des travaux sous quinze jours."
                                    .into(),
                        },
                    )
                    .await?;
                let aff = affectation_id(&case, primary)?;
                let agent = agent_of(org, primary)?;
                let case = self
                    .app
                    .reopen_affectation(agent, case.signalement.id, aff, true)
                    .await
                    .map_err(failed("réouverture d'affectation", &case))?;
                self.usager_message(case).await
            }
            Plan::ActiveReinitialised => {
                let mut case = self.accept(org, case, primary).await?;
                if let Some(other) = secondary {
                    case = self.refuse_affectation(org, case, other).await?;
                    let aff = affectation_id(&case, other)?;
                    case = self
                        .app
                        .reinit_affectation(&org.rt, case.signalement.id, aff)
                        .await
                        .map_err(failed("réinitialisation d'affectation", &case))?;
                }
                Ok(case)
            }
            Plan::Closed => self.close_after_visit(org, case, primary, secondary).await,
            Plan::ReopenedForAll => {
                let case = self
                    .close_after_visit(org, case, primary, secondary)
                    .await?;
                self.app
                    .reopen_signalement(&org.rt, case.signalement.id, true)
                    .await
                    .map_err(failed("réouverture du signalement", &case))
            }
            Plan::ArchivedClosed => {
                let case = self
                    .close_after_visit(org, case, primary, secondary)
                    .await?;
                self.archive(org, case).await
            }
            Plan::Reactivated => {
                let case = self
                    .close_after_visit(org, case, primary, secondary)
                    .await?;
                let case = self.archive(org, case).await?;
                self.app
                    .reactivate_signalement(&self.directory.super_admin, case.signalement.id)
                    .await
                    .map_err(failed("réactivation", &case))
            }
            _ => Ok(case),
        }
    }

    /// Validated by the RT, unless the rules already affected it.
    async fn activate(&mut self, org: &Organisation, case: Case) -> Played {
        if case.signalement.status != SignalementStatus::NeedValidation {
            return Ok(case);
        }
        self.app
            .validate_signalement(&org.rt, case.signalement.id, vec![])
            .await
            .map_err(failed("validation", &case))
    }

    /// The RT affects the partners the case calls for, among those whose
    /// perimeter covers the dwelling.
    async fn affect(&mut self, org: &Organisation, case: Case, plan: Plan) -> Played {
        let s = &case.signalement;
        let covers = |p: &&DemoPartner| {
            p.partner
                .is_localized_for(&s.territory, s.adresse.insee.as_deref(), s.adresse.geoloc)
        };
        let mut chosen: Vec<PartnerId> = Vec::new();
        add(
            &mut chosen,
            org.of_type(PartnerType::CommuneSchs)
                .find(covers)
                .or_else(|| org.of_type(PartnerType::Ars).next()),
        );
        if matches!(
            s.occupant.allocataire,
            Some(Allocataire::Caf | Allocataire::Msa | Allocataire::Oui)
        ) {
            add(&mut chosen, org.of_type(PartnerType::CafMsa).next());
        }
        if let Some(bailleur) = s.proprio.bailleur_id.as_deref() {
            add(
                &mut chosen,
                org.of_type(PartnerType::BailleurSocial)
                    .find(|p| p.partner.bailleur_id.as_deref() == Some(bailleur)),
            );
        }
        if self.rng.random_bool(0.3) {
            add(&mut chosen, org.of_type(PartnerType::Ccas).find(covers));
        }
        let affected = case.affectations.len()
            + chosen
                .iter()
                .filter(|p| case.affectation_of(**p).is_none())
                .count();
        if self.rng.random_bool(0.35) || (plan.needs_two_partners() && affected < 2) {
            add(&mut chosen, org.of_type(PartnerType::Adil).next());
        }
        self.app
            .affect_partners(&org.rt, case.signalement.id, &chosen)
            .await
            .map_err(failed("affectation", &case))
    }

    async fn accept(&mut self, org: &Organisation, case: Case, partner: PartnerId) -> Played {
        let aff = affectation_id(&case, partner)?;
        let agent = agent_of(org, partner)?;
        self.app
            .accept_affectation(agent, case.signalement.id, aff, vec![])
            .await
            .map_err(failed("acceptation", &case))
    }

    async fn refuse_affectation(
        &mut self,
        org: &Organisation,
        case: Case,
        partner: PartnerId,
    ) -> Played {
        let aff = affectation_id(&case, partner)?;
        let agent = agent_of(org, partner)?;
        let (motif, message) = *[
            (
                MotifRefus::HorsCompetence,
                "La situation relève du service d'hygiène, pas de notre dispositif.",
            ),
            (
                MotifRefus::Doublon,
                "Dossier déjà suivi chez nous sous une autre référence.",
            ),
        ]
        .choose(&mut self.rng)
        .unwrap_or(&(MotifRefus::Autre, "Hors de nos missions."));
        self.app
            .refuse_affectation(agent, case.signalement.id, aff, Some(motif), message)
            .await
            .map_err(failed("refus d'affectation", &case))
    }

    async fn close_affectation(
        &mut self,
        org: &Organisation,
        case: Case,
        partner: PartnerId,
        form: ClosingForm,
    ) -> Played {
        let aff = affectation_id(&case, partner)?;
        let agent = agent_of(org, partner)?;
        self.app
            .close_affectation(agent, case.signalement.id, aff, form)
            .await
            .map_err(failed("clôture d'affectation", &case))
    }

    async fn message(&mut self, actor: &Actor, case: Case, public: bool) -> Played {
        let text = PARTNER_MESSAGES
            .choose(&mut self.rng)
            .copied()
            .unwrap_or("Suivi.");
        self.app
            .add_suivi(actor, case.signalement.id, text, public, true)
            .await
            .map_err(failed("suivi", &case))
    }

    async fn partner_message(
        &mut self,
        org: &Organisation,
        case: Case,
        partner: PartnerId,
        public: bool,
    ) -> Played {
        let agent = agent_of(org, partner)?;
        self.message(agent, case, public).await
    }

    async fn usager_message(&mut self, case: Case) -> Played {
        let occupant = Actor::Usager(UsagerSession {
            signalement_id: case.signalement.id,
            side: UsagerSide::Occupant,
        });
        let text = USAGER_MESSAGES
            .choose(&mut self.rng)
            .copied()
            .unwrap_or("Merci.");
        self.app
            .add_suivi(&occupant, case.signalement.id, text, true, true)
            .await
            .map_err(failed("message de l'usager", &case))
    }

    /// A visit in the coming weeks, on a weekday morning or afternoon.
    async fn plan_visit(
        &mut self,
        org: &Organisation,
        case: Case,
        partner: PartnerId,
    ) -> Result<(Case, InterventionId), DemoError> {
        let at = at_hour(
            self.now() + Duration::days(self.rng.random_range(3..25)),
            *[8, 13].choose(&mut self.rng).unwrap_or(&8),
        );
        let agent = agent_of(org, partner)?;
        self.app
            .plan_visite(agent, case.signalement.id, partner, at, None)
            .await
            .map_err(failed("visite programmée", &case))
    }

    /// A visit of the past weeks, recorded with its conclusion.
    async fn visit_done(&mut self, org: &Organisation, case: Case, partner: PartnerId) -> Played {
        let at = at_hour(self.now() - Duration::days(self.rng.random_range(2..40)), 8);
        let procedures = match case
            .qualifications
            .iter()
            .any(|q| q.is_active() && q.qualification == Qualification::Insalubrite)
        {
            true => vec![ProcedureType::Insalubrite],
            false => vec![
                *[
                    ProcedureType::NonDecence,
                    ProcedureType::Rsd,
                    ProcedureType::LogementDecent,
                ]
                .choose(&mut self.rng)
                .unwrap_or(&ProcedureType::NonDecence),
            ],
        };
        let conclusion = Conclusion {
            procedures,
            details: VISIT_CONCLUSIONS
                .choose(&mut self.rng)
                .copied()
                .unwrap_or("Visite effectuée.")
                .to_string(),
            occupant_present: Some(true),
            proprietaire_present: Some(self.rng.random_bool(0.4)),
            notify_usager: true,
        };
        let agent = agent_of(org, partner)?;
        self.app
            .plan_visite(agent, case.signalement.id, partner, at, Some(conclusion))
            .await
            .map(|(case, _)| case)
            .map_err(failed("visite effectuée", &case))
    }

    async fn close_after_visit(
        &mut self,
        org: &Organisation,
        case: Case,
        primary: PartnerId,
        secondary: Option<PartnerId>,
    ) -> Played {
        let mut case = self.accept(org, case, primary).await?;
        case = self.visit_done(org, case, primary).await?;
        if let Some(other) = secondary.filter(|_| self.rng.random_bool(0.4)) {
            case = self.refuse_affectation(org, case, other).await?;
        }
        let motif = *[
            MotifCloture::TravauxFaitsOuEnCours,
            MotifCloture::NonDecence,
            MotifCloture::RelogementOccupant,
            MotifCloture::LogementDecent,
            MotifCloture::AbsenceDeReponseOccupant,
        ]
        .choose(&mut self.rng)
        .unwrap_or(&MotifCloture::Autre);
        let comment = CLOSING_COMMENTS
            .choose(&mut self.rng)
            .copied()
            .unwrap_or("Dossier clos après visite.");
        self.app
            .close_signalement(&org.rt, case.signalement.id, motif, comment, true)
            .await
            .map_err(failed("clôture", &case))
    }

    async fn refuse(&mut self, org: &Organisation, case: Case) -> Played {
        let (motif, message) = *[
            (
                MotifRefus::HorsPdlhi,
                "Trouble de voisinage sans lien avec l'état du logement : orientation vers le conciliateur de justice.",
            ),
            (
                MotifRefus::Doublon,
                "Ce logement fait déjà l'objet d'un signalement en cours.",
            ),
            (
                MotifRefus::Autre,
                "Le logement a été vendu et l'occupant a déménagé.",
            ),
        ]
        .choose(&mut self.rng)
        .unwrap_or(&(MotifRefus::Autre, "Signalement hors du champ de la plateforme."));
        self.app
            .refuse_signalement(&org.rt, case.signalement.id, motif, message)
            .await
            .map_err(failed("refus du signalement", &case))
    }

    async fn archive(&mut self, org: &Organisation, case: Case) -> Played {
        self.app
            .archive_signalement(&org.rt, case.signalement.id)
            .await
            .map_err(failed("archivage", &case))
    }
}

fn at_hour(day: DateTime<Utc>, hour: u32) -> DateTime<Utc> {
    day.date_naive()
        .and_hms_opt(hour, 30, 0)
        .map_or(day, |naive| naive.and_utc())
}

fn affectation_id(
    case: &Case,
    partner: PartnerId,
) -> Result<histologe_core::ids::AffectationId, DemoError> {
    case.affectation_of(partner).map(|a| a.id).ok_or_else(|| {
        DemoError::Unexpected(format!(
            "{}: no affectation for partner {partner}",
            case.signalement.displayed_reference()
        ))
    })
}

fn agent_of(org: &Organisation, partner: PartnerId) -> Result<&Actor, DemoError> {
    org.by_id(partner)
        .map(|p| &p.agent)
        .ok_or_else(|| DemoError::Unexpected(format!("partner {partner} is not in {}", org.code)))
}

/// The affected partner who visits: the commune's hygiene service, else the
/// ARS, else any partner competent for visits.
fn visiting_partner(case: &Case, org: &Organisation) -> Result<PartnerId, DemoError> {
    let affected = |t: PartnerType| {
        case.affectations
            .iter()
            .find(|a| a.partner_type == t)
            .map(|a| a.partner_id)
    };
    affected(PartnerType::CommuneSchs)
        .or_else(|| affected(PartnerType::Ars))
        .or_else(|| {
            case.affectations
                .iter()
                .find(|a| {
                    org.by_id(a.partner_id)
                        .is_some_and(|p| p.partner.has_competence(Qualification::Visites))
                })
                .map(|a| a.partner_id)
        })
        .or_else(|| case.affectations.first().map(|a| a.partner_id))
        .ok_or_else(|| {
            DemoError::Unexpected(format!(
                "{}: no partner affected",
                case.signalement.displayed_reference()
            ))
        })
}

/// Adds the partner once.
fn add(chosen: &mut Vec<PartnerId>, partner: Option<&DemoPartner>) {
    if let Some(id) = partner
        .map(|p| p.partner.id)
        .filter(|id| !chosen.contains(id))
    {
        chosen.push(id);
    }
}

fn other_partner(case: &Case, primary: PartnerId) -> Option<PartnerId> {
    case.affectations
        .iter()
        .map(|a| a.partner_id)
        .find(|p| *p != primary)
}
