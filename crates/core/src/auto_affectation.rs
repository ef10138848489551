//! Auto-affectation rule matching (domain.md §6, rule 30): which partners a
//! new case goes to without waiting for an RT. Each criterion is a small
//! predicate; a rule keeps a partner when all of its criteria hold, and the
//! results of the rules are united.

use crate::enums::{PartnerType, Qualification};
use crate::ids::PartnerId;
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
    let s = &case.signalement;
    let rules: Vec<_> = rules
        .iter()
        .filter(|r| r.status == RuleStatus::Active && r.territory == s.territory)
        .collect();
    if rules.is_empty() {
        return Err(NoMatch::NoActiveRule);
    }
    let Some(point) = s.adresse.geoloc else {
        return Err(NoMatch::NoGeoloc);
    };
    let insee = s.adresse.insee.as_deref();
    let matched: Vec<PartnerId> = partners
        .iter()
        .filter(|p| case.affectation_of(p.id).is_none())
        .filter(|p| p.is_localized_for(&s.territory, insee, Some(point)))
        .filter(|p| rules.iter().any(|r| rule_keeps(r, case, p)))
        .map(|p| p.id)
        .collect();
    if matched.is_empty() {
        Err(NoMatch::NoPartnerMatches)
    } else {
        Ok(matched)
    }
}

fn rule_keeps(rule: &AutoAffectationRule, case: &Case, partner: &Partner) -> bool {
    partner_type_matches(rule, case, partner)
        && profile_matches(rule.profile_declarant, case)
        && insee_matches(rule, case)
        && !rule.partner_to_exclude.contains(&partner.id)
        && parc_matches(rule.parc, case.signalement.logement.is_logement_social)
        && allocataire_matches(rule.allocataire, case.signalement.occupant.allocataire)
        && procedure_matches(&rule.procedures_suspectees, case)
}

/// A social landlord partner only gets the cases of its own housing stock.
fn partner_type_matches(rule: &AutoAffectationRule, case: &Case, partner: &Partner) -> bool {
    if partner.partner_type != rule.partner_type {
        return false;
    }
    if rule.partner_type == PartnerType::BailleurSocial {
        return match (&partner.bailleur_id, &case.signalement.proprio.bailleur_id) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        };
    }
    true
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

fn insee_matches(rule: &AutoAffectationRule, case: &Case) -> bool {
    let Some(insee) = case
        .signalement
        .adresse
        .insee
        .as_deref()
        .filter(|i| !i.is_empty())
    else {
        return false;
    };
    if rule.insee_to_exclude.iter().any(|c| c == insee) {
        return false;
    }
    rule.insee_to_include.is_empty() || rule.insee_to_include.iter().any(|c| c == insee)
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
