//! Auto-affectation rule matching (domain.md §6, rule 30): which partners a
//! new case goes to without waiting for an RT. Each criterion is a small
//! predicate; a rule keeps a partner when all of its criteria hold, and the
//! results of the rules are united.

use crate::enums::{PartnerType, Qualification};
use crate::ids::{AutoAffectationRuleId, PartnerId};
use crate::model::{
    Allocataire, AutoAffectationRule, Case, Partner, RuleAllocataire, RuleParc, RuleProfile,
    RuleStatus,
};
use crate::qualification::active_qualifications;

/// Why no partner was matched, for the log and the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoMatch {
    NoActiveRule,
    NoGeoloc,
    NoPartnerMatches,
}

/// Partners of the case's territory matched by at least one active rule,
/// in the order of `partners`.
pub fn matching_partners(
    rules: &[AutoAffectationRule],
    case: &Case,
    partners: &[Partner],
) -> Result<Vec<PartnerId>, NoMatch> {
    let simulation = simulate(rules, case, partners);
    if let Some(blocked) = simulation.blocked {
        return Err(blocked);
    }
    let matched = simulation.affected();
    if matched.is_empty() {
        Err(NoMatch::NoPartnerMatches)
    } else {
        Ok(matched)
    }
}

/// The first criterion of a rule that a (case, partner) pair fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discard {
    PartnerType,
    /// A social landlord's rule: partner and case name no common landlord.
    Bailleur,
    Profile,
    NoInsee,
    InseeExcluded,
    InseeNotIncluded,
    PartnerExcluded,
    Parc,
    Allocataire,
    Procedure,
}

impl Discard {
    /// Why, in a few French words, for the simulator.
    pub fn label(self) -> &'static str {
        match self {
            Discard::PartnerType => "type de partenaire différent",
            Discard::Bailleur => "bailleur social différent ou non renseigné",
            Discard::Profile => "profil du déclarant non visé",
            Discard::NoInsee => "code INSEE du logement inconnu",
            Discard::InseeExcluded => "commune exclue par la règle",
            Discard::InseeNotIncluded => "commune hors des communes de la règle",
            Discard::PartnerExcluded => "partenaire exclu par la règle",
            Discard::Parc => "parc du logement non visé",
            Discard::Allocataire => "situation d'allocataire non visée",
            Discard::Procedure => "aucune procédure suspectée visée",
        }
    }
}

/// What one rule made of one partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOutcome {
    pub rule: AutoAffectationRuleId,
    /// `Ok` when the rule keeps the partner.
    pub verdict: Result<(), Discard>,
}

/// Where a partner of the territory stands for the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidacy {
    /// Already affected: never affected twice.
    AlreadyAffected,
    /// The case's address is outside its perimeter (or it is archived).
    NotLocalized,
    /// A candidate, with the verdict of each active rule.
    Candidate(Vec<RuleOutcome>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerOutcome {
    pub partner: PartnerId,
    pub candidacy: Candidacy,
}

impl PartnerOutcome {
    /// At least one rule keeps it.
    pub fn is_kept(&self) -> bool {
        matches!(&self.candidacy, Candidacy::Candidate(outcomes)
            if outcomes.iter().any(|o| o.verdict.is_ok()))
    }
}

/// The rules run on a case without writing anything (§6 steps 1–4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulation {
    /// The active rules of the case's territory, in the order given.
    pub rules: Vec<AutoAffectationRuleId>,
    /// Why the engine would stop before looking at partners, if it would.
    pub blocked: Option<NoMatch>,
    /// Every partner given, in their order.
    pub partners: Vec<PartnerOutcome>,
}

impl Simulation {
    /// The partners at least one rule keeps, whether or not the engine
    /// would run (the suggestions of the affect form).
    pub fn kept(&self) -> Vec<PartnerId> {
        self.partners
            .iter()
            .filter(|p| p.is_kept())
            .map(|p| p.partner)
            .collect()
    }

    /// The partners the engine would affect: none when it stops first.
    pub fn affected(&self) -> Vec<PartnerId> {
        if self.blocked.is_some() {
            return Vec::new();
        }
        self.kept()
    }
}

/// Runs the active rules of the case's territory on each partner. The
/// verdicts are computed even when the engine would stop (no active rule,
/// no geoloc), so that an administrator sees what each rule would do once
/// the case is located.
pub fn simulate(rules: &[AutoAffectationRule], case: &Case, partners: &[Partner]) -> Simulation {
    let s = &case.signalement;
    let rules: Vec<_> = rules
        .iter()
        .filter(|r| r.status == RuleStatus::Active && r.territory == s.territory)
        .collect();
    let blocked = if rules.is_empty() {
        Some(NoMatch::NoActiveRule)
    } else if s.adresse.geoloc.is_none() {
        Some(NoMatch::NoGeoloc)
    } else {
        None
    };
    let insee = s.adresse.insee.as_deref();
    let outcomes = partners
        .iter()
        .map(|p| {
            let candidacy = if case.affectation_of(p.id).is_some() {
                Candidacy::AlreadyAffected
            } else if !p.is_localized_for(&s.territory, insee, s.adresse.geoloc) {
                Candidacy::NotLocalized
            } else {
                Candidacy::Candidate(
                    rules
                        .iter()
                        .map(|r| RuleOutcome {
                            rule: r.id,
                            verdict: rule_verdict(r, case, p),
                        })
                        .collect(),
                )
            };
            PartnerOutcome {
                partner: p.id,
                candidacy,
            }
        })
        .collect();
    Simulation {
        rules: rules.iter().map(|r| r.id).collect(),
        blocked,
        partners: outcomes,
    }
}

/// A rule keeps a partner when every criterion holds; otherwise the first
/// that fails, in the order of §6 step 4.
fn rule_verdict(rule: &AutoAffectationRule, case: &Case, partner: &Partner) -> Result<(), Discard> {
    let check = |ok: bool, why: Discard| if ok { Ok(()) } else { Err(why) };
    partner_type_matches(rule, case, partner)?;
    check(
        profile_matches(rule.profile_declarant, case),
        Discard::Profile,
    )?;
    insee_matches(rule, case)?;
    check(
        !rule.partner_to_exclude.contains(&partner.id),
        Discard::PartnerExcluded,
    )?;
    check(
        parc_matches(rule.parc, case.signalement.logement.is_logement_social),
        Discard::Parc,
    )?;
    check(
        allocataire_matches(rule.allocataire, case.signalement.occupant.allocataire),
        Discard::Allocataire,
    )?;
    check(
        procedure_matches(&rule.procedures_suspectees, case),
        Discard::Procedure,
    )
}

/// A social landlord partner only gets the cases of its own housing stock.
fn partner_type_matches(
    rule: &AutoAffectationRule,
    case: &Case,
    partner: &Partner,
) -> Result<(), Discard> {
    if partner.partner_type != rule.partner_type {
        return Err(Discard::PartnerType);
    }
    if rule.partner_type == PartnerType::BailleurSocial {
        return match (&partner.bailleur_id, &case.signalement.proprio.bailleur_id) {
            (Some(a), Some(b)) if a == b => Ok(()),
            _ => Err(Discard::Bailleur),
        };
    }
    Ok(())
}

fn profile_matches(profile: RuleProfile, case: &Case) -> bool {
    let tiers = case.signalement.is_tiers_declarant();
    match profile {
        RuleProfile::All => true,
        RuleProfile::Tiers => tiers,
        RuleProfile::Occupant => !tiers,
        RuleProfile::Exactly(p) => case.signalement.declarant.profile == Some(p),
    }
}

fn insee_matches(rule: &AutoAffectationRule, case: &Case) -> Result<(), Discard> {
    let Some(insee) = case
        .signalement
        .adresse
        .insee
        .as_deref()
        .filter(|i| !i.is_empty())
    else {
        return Err(Discard::NoInsee);
    };
    if rule.insee_to_exclude.iter().any(|c| c == insee) {
        return Err(Discard::InseeExcluded);
    }
    if rule.insee_to_include.is_empty() || rule.insee_to_include.iter().any(|c| c == insee) {
        Ok(())
    } else {
        Err(Discard::InseeNotIncluded)
    }
}

fn parc_matches(parc: RuleParc, is_logement_social: Option<bool>) -> bool {
    match parc {
        RuleParc::All => true,
        RuleParc::Public => is_logement_social == Some(true),
        RuleParc::Prive => is_logement_social == Some(false),
        RuleParc::NonRenseigne => is_logement_social.is_none(),
    }
}

fn allocataire_matches(rule: RuleAllocataire, value: Option<Allocataire>) -> bool {
    use Allocataire as A;
    match rule {
        RuleAllocataire::All => true,
        RuleAllocataire::Oui => matches!(value, Some(A::Oui | A::Caf | A::Msa)),
        RuleAllocataire::Non => value == Some(A::Non),
        RuleAllocataire::Nsp => matches!(value, None | Some(A::Nsp)),
        RuleAllocataire::Caf => value == Some(A::Caf),
        RuleAllocataire::Msa => value == Some(A::Msa),
    }
}

fn procedure_matches(wanted: &[Qualification], case: &Case) -> bool {
    wanted.is_empty() || active_qualifications(&case.qualifications).any(|q| wanted.contains(&q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::creation::{NewSignalement, Secrets, build};
    use crate::desordres::DesordreGrid;
    use crate::enums::{CreationSource, ProfileDeclarant};
    use crate::ids::SignalementId;
    use crate::model::{Adresse, Declarant, GeoPoint, Logement, Occupant};
    use crate::territory_code::TerritoryCode;

    fn code(c: &str) -> TerritoryCode {
        TerritoryCode::parse(c).expect("a territory code")
    }

    /// A tenant's case in Marseille 2e, private stock, CAF allocataire.
    fn case(geoloc: Option<GeoPoint>) -> Case {
        let input = NewSignalement {
            creation_source: CreationSource::FormUsagerV2,
            created_by: None,
            created_by_partner: None,
            declarant: Declarant {
                profile: Some(ProfileDeclarant::Locataire),
                ..Declarant::default()
            },
            occupant: Occupant {
                email: Some("occupant@example.test".into()),
                allocataire: Some(Allocataire::Caf),
                ..Occupant::default()
            },
            proprio: Default::default(),
            adresse: Adresse {
                adresse: "33 Rue des Phocéens".into(),
                code_postal: "13002".into(),
                ville: "Marseille".into(),
                insee: Some("13202".into()),
                geoloc,
                ..Adresse::default()
            },
            logement: Logement {
                is_logement_social: Some(false),
                ..Logement::default()
            },
            desordre_precisions: vec!["desordres_batiment_bruit_interieur".into()],
            debut_desordres: None,
            details: String::new(),
            is_cgu_accepted: true,
            is_draft: false,
        };
        let secrets = Secrets {
            id: SignalementId(uuid::Uuid::from_u128(1)),
            code_suivi: "code".into(),
            landlord_random: [0; 16],
        };
        build(
            code("13"),
            input,
            secrets,
            DesordreGrid::reference(),
            chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        )
        .expect("a case")
    }

    const MARSEILLE: GeoPoint = GeoPoint {
        lat: 43.30,
        lng: 5.37,
    };

    fn partner(id: u128, partner_type: PartnerType, insee: &[&str]) -> Partner {
        Partner {
            insee: insee.iter().map(|s| s.to_string()).collect(),
            ..Partner::new(
                PartnerId(uuid::Uuid::from_u128(id)),
                code("13"),
                format!("Partenaire {id}"),
                partner_type,
            )
        }
    }

    fn rule(id: u128, partner_type: PartnerType) -> AutoAffectationRule {
        AutoAffectationRule::new(
            AutoAffectationRuleId(uuid::Uuid::from_u128(id)),
            code("13"),
            partner_type,
        )
    }

    #[test]
    fn the_simulator_says_what_each_rule_made_of_each_partner() {
        let case = case(Some(MARSEILLE));
        let schs = partner(1, PartnerType::CommuneSchs, &["13202"]);
        let caf = partner(2, PartnerType::CafMsa, &[]);
        let elsewhere = partner(3, PartnerType::CommuneSchs, &["13201"]);
        let mut archived = partner(4, PartnerType::CommuneSchs, &[]);
        archived.is_archive = true;
        let schs_rule = rule(10, PartnerType::CommuneSchs);
        let mut caf_rule = rule(11, PartnerType::CafMsa);
        caf_rule.parc = RuleParc::Public;
        let mut old = rule(12, PartnerType::CafMsa);
        old.status = RuleStatus::Archived;
        let partners = [schs.clone(), caf.clone(), elsewhere, archived];
        let sim = simulate(
            &[schs_rule.clone(), caf_rule.clone(), old],
            &case,
            &partners,
        );
        assert_eq!(sim.blocked, None);
        assert_eq!(
            sim.rules,
            [schs_rule.id, caf_rule.id],
            "archived rules do not run"
        );
        assert_eq!(sim.affected(), [schs.id]);
        assert_eq!(
            sim.partners[0].candidacy,
            Candidacy::Candidate(vec![
                RuleOutcome {
                    rule: schs_rule.id,
                    verdict: Ok(())
                },
                RuleOutcome {
                    rule: caf_rule.id,
                    verdict: Err(Discard::PartnerType)
                },
            ])
        );
        assert_eq!(
            sim.partners[1].candidacy,
            Candidacy::Candidate(vec![
                RuleOutcome {
                    rule: schs_rule.id,
                    verdict: Err(Discard::PartnerType)
                },
                RuleOutcome {
                    rule: caf_rule.id,
                    verdict: Err(Discard::Parc)
                },
            ])
        );
        assert_eq!(sim.partners[2].candidacy, Candidacy::NotLocalized);
        assert_eq!(sim.partners[3].candidacy, Candidacy::NotLocalized);
        assert_eq!(
            matching_partners(&[schs_rule, caf_rule], &case, &partners),
            Ok(vec![schs.id])
        );
    }

    #[test]
    fn each_criterion_names_itself_when_it_discards() {
        let case = case(Some(MARSEILLE));
        let schs = partner(1, PartnerType::CommuneSchs, &[]);
        let verdict = |edit: &dyn Fn(&mut AutoAffectationRule)| {
            let mut r = rule(10, PartnerType::CommuneSchs);
            edit(&mut r);
            rule_verdict(&r, &case, &schs)
        };
        assert_eq!(verdict(&|_| {}), Ok(()));
        assert_eq!(
            verdict(&|r| r.profile_declarant = RuleProfile::Tiers),
            Err(Discard::Profile)
        );
        assert_eq!(
            verdict(&|r| r.insee_to_exclude = vec!["13202".into()]),
            Err(Discard::InseeExcluded)
        );
        assert_eq!(
            verdict(&|r| r.insee_to_include = vec!["13201".into()]),
            Err(Discard::InseeNotIncluded)
        );
        assert_eq!(
            verdict(&|r| r.partner_to_exclude = vec![schs.id]),
            Err(Discard::PartnerExcluded)
        );
        assert_eq!(
            verdict(&|r| r.allocataire = RuleAllocataire::Msa),
            Err(Discard::Allocataire)
        );
        assert_eq!(
            verdict(&|r| r.procedures_suspectees = vec![Qualification::Suroccupation]),
            Err(Discard::Procedure)
        );
        assert_eq!(
            verdict(&|r| r.partner_type = PartnerType::BailleurSocial),
            Err(Discard::PartnerType)
        );
        let mut bailleur = partner(5, PartnerType::BailleurSocial, &[]);
        bailleur.bailleur_id = Some("13-HMP".into());
        let r = rule(11, PartnerType::BailleurSocial);
        assert_eq!(rule_verdict(&r, &case, &bailleur), Err(Discard::Bailleur));
    }

    #[test]
    fn without_geoloc_or_active_rule_nothing_is_kept_but_verdicts_are_shown() {
        let schs = partner(1, PartnerType::CommuneSchs, &["13202"]);
        let unlocated = case(None);
        let sim = simulate(
            &[rule(10, PartnerType::CommuneSchs)],
            &unlocated,
            std::slice::from_ref(&schs),
        );
        assert_eq!(sim.blocked, Some(NoMatch::NoGeoloc));
        assert!(sim.partners[0].is_kept(), "the rule would keep it");
        assert_eq!(sim.kept(), [schs.id]);
        assert!(sim.affected().is_empty(), "but the engine stops");
        let located = case(Some(MARSEILLE));
        let sim = simulate(&[], &located, &[schs]);
        assert_eq!(sim.blocked, Some(NoMatch::NoActiveRule));
        assert!(sim.kept().is_empty());
        assert!(sim.affected().is_empty());
        assert_eq!(
            matching_partners(&[], &located, &[]),
            Err(NoMatch::NoActiveRule)
        );
    }
}
