//! `SignalementRepository::same_address`: the other cases at one address.

use histologe_core::enums::{AffectationStatus, SignalementStatus};
use histologe_core::model::Case;
use histologe_core::policy::ListScope;

use crate::Backend;
use crate::fixtures::{affectation, case, days};
use crate::support::{commit_cases, world};

fn at(mut case: Case, adresse: &str, insee: &str, status: SignalementStatus) -> Case {
    case.signalement.adresse.adresse = adresse.to_string();
    case.signalement.adresse.insee = Some(insee.to_string());
    case.signalement.status = status;
    case
}

/// Same commune and same address whatever accents, case and punctuation;
/// never the case itself, another commune, another street number, a
/// listed-excluded status; in the scope only (an agent's partner's cases);
/// newest first and at most `limit`.
pub async fn same_address_lists_the_other_cases_in_scope(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let code = &w.bdr.code;
    let active = SignalementStatus::Active;
    let this = at(
        case(code, "2025-1", days(-9)),
        "12 rue de la République",
        "13201",
        active,
    );
    let mut twin = at(
        case(code, "2025-2", days(-8)),
        "12, Rue de la REPUBLIQUE",
        "13201",
        active,
    );
    twin.affectations
        .push(affectation(&twin, &w.schs, AffectationStatus::Accepted));
    let closed = at(
        case(code, "2025-3", days(-7)),
        "12 rue de la republique",
        "13201",
        SignalementStatus::Closed,
    );
    let other_number = at(
        case(code, "2025-4", days(-6)),
        "14 rue de la République",
        "13201",
        active,
    );
    let other_commune = at(
        case(code, "2025-5", days(-5)),
        "12 rue de la République",
        "13055",
        active,
    );
    let archived = at(
        case(code, "2025-6", days(-4)),
        "12 rue de la République",
        "13201",
        SignalementStatus::Archived,
    );
    commit_cases(
        s,
        &[
            &this,
            &twin,
            &closed,
            &other_number,
            &other_commune,
            &archived,
        ],
    )
    .await;
    let ids = |found: Vec<histologe_core::model::Signalement>| {
        found.into_iter().map(|s| s.id).collect::<Vec<_>>()
    };
    let id = this.signalement.id;
    let adresse = &this.signalement.adresse.adresse;
    assert_eq!(
        s.signalements
            .same_address(&ListScope::All, "13201", adresse, id, 10)
            .await
            .map(ids),
        Ok(vec![closed.signalement.id, twin.signalement.id]),
        "the others at the address, newest first"
    );
    assert_eq!(
        s.signalements
            .same_address(
                &ListScope::Territories(vec![code.clone()]),
                "13201",
                adresse,
                id,
                1
            )
            .await
            .map(ids),
        Ok(vec![closed.signalement.id]),
        "at most `limit`"
    );
    assert_eq!(
        s.signalements
            .same_address(
                &ListScope::Partners(vec![w.schs.id]),
                "13201",
                adresse,
                id,
                10
            )
            .await
            .map(ids),
        Ok(vec![twin.signalement.id]),
        "an agent's partner sees its own cases only"
    );
    assert_eq!(
        s.signalements
            .same_address(
                &ListScope::Territories(vec![w.am.code.clone()]),
                "13201",
                adresse,
                id,
                10
            )
            .await
            .map(ids),
        Ok(Vec::new())
    );
    assert_eq!(
        s.signalements
            .same_address(&ListScope::Nothing, "13201", adresse, id, 10)
            .await
            .map(ids),
        Ok(Vec::new())
    );
}
