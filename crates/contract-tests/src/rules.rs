//! `AutoAffectationRuleRepository`: the rules a new case is matched
//! against.

use histologe_core::enums::{PartnerType, ProfileDeclarant, Qualification};
use histologe_core::model::{RuleAllocataire, RuleParc, RuleProfile, RuleStatus};

use crate::Backend;
use crate::fixtures::{code, rule};
use crate::support::{canonical_rule, sorted, world};

/// `active` gives the active rules of one territory, every field as
/// written; archived rules and other territories' do not show.
pub async fn rules_active_filters_territory_and_status(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut detailed = rule(&w.bdr, PartnerType::CommuneSchs);
    detailed.profile_declarant = RuleProfile::Exactly(ProfileDeclarant::Locataire);
    detailed.insee_to_include = vec!["13201".into(), "13202".into()];
    detailed.insee_to_exclude = vec!["13055".into()];
    detailed.partner_to_exclude = vec![w.ars.id];
    detailed.parc = RuleParc::All;
    detailed.allocataire = RuleAllocataire::Caf;
    detailed.procedures_suspectees = vec![Qualification::Insalubrite, Qualification::Danger];
    let mut tiers = rule(&w.bdr, PartnerType::Ars);
    tiers.profile_declarant = RuleProfile::Tiers;
    tiers.parc = RuleParc::NonRenseigne;
    tiers.allocataire = RuleAllocataire::Non;
    let mut archived = rule(&w.bdr, PartnerType::Adil);
    archived.status = RuleStatus::Archived;
    let mut elsewhere = rule(&w.am, PartnerType::CafMsa);
    elsewhere.profile_declarant = RuleProfile::Occupant;
    elsewhere.parc = RuleParc::Public;
    for r in [&detailed, &tiers, &archived, &elsewhere] {
        s.rules.insert(r).await.expect("insert");
    }

    let active = |rules: &[histologe_core::model::AutoAffectationRule]| {
        let canonical: Vec<_> = rules.iter().map(canonical_rule).collect();
        sorted(&canonical, |r| format!("{r:?}"))
    };
    assert_eq!(
        active(&s.rules.active(&w.bdr.code).await.expect("active")),
        active(&[detailed, tiers])
    );
    assert_eq!(
        active(&s.rules.active(&w.am.code).await.expect("active")),
        active(&[elsewhere])
    );
    assert_eq!(s.rules.active(&code("2A")).await, Ok(Vec::new()));
}

/// `get` reads one rule back whatever its status; `of_territory` gives
/// every rule of the territory, archived ones included, and no other
/// territory's.
pub async fn rules_get_and_of_territory_include_archived(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let live = rule(&w.bdr, PartnerType::CommuneSchs);
    let mut archived = rule(&w.bdr, PartnerType::Ars);
    archived.status = RuleStatus::Archived;
    let elsewhere = rule(&w.am, PartnerType::CafMsa);
    for r in [&live, &archived, &elsewhere] {
        s.rules.insert(r).await.expect("insert");
    }
    assert_eq!(
        s.rules
            .get(archived.id)
            .await
            .map(|r| r.map(|r| canonical_rule(&r))),
        Ok(Some(canonical_rule(&archived)))
    );
    assert_eq!(
        s.rules
            .get(histologe_core::ids::AutoAffectationRuleId(
                crate::fixtures::uuid()
            ))
            .await,
        Ok(None)
    );
    let of_13 = s
        .rules
        .of_territory(&w.bdr.code)
        .await
        .expect("of_territory");
    assert_eq!(
        sorted(&of_13, |r| r.id),
        sorted(&[live, archived], |r| r.id)
    );
    assert_eq!(s.rules.of_territory(&code("2A")).await, Ok(Vec::new()));
}
