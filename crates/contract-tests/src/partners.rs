//! `PartnerRepository`: the organisations of a territory, whose generic
//! mailbox is unique among the live partners of the territory.

use histologe_core::enums::{PartnerType, Qualification};
use histologe_core::ids::PartnerId;
use histologe_core::model::Partner;
use histologe_ports::RepoError;

use crate::Backend;
use crate::fixtures::{code, partner, uuid};
use crate::support::{canonical_partner, sorted, world};

fn ids(partners: &[Partner]) -> Vec<PartnerId> {
    sorted(partners, |p| p.id)
}

fn is_duplicate(result: &Result<(), RepoError>) -> bool {
    matches!(result, Err(RepoError::Duplicate(_)))
}

/// A partner read back is the partner written, perimeter and zones
/// included; `update` replaces it as given (saving it unchanged
/// succeeds); unknown ids are `None`, or `NotFound` for `update`.
pub async fn partners_round_trip_and_update(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    for written in [&w.schs, &w.ars, &w.adil, &w.caf] {
        let read = s
            .partners
            .get(written.id)
            .await
            .expect("get")
            .unwrap_or_else(|| panic!("partner {}", written.nom));
        assert_eq!(canonical_partner(&read), canonical_partner(written));
    }
    assert_eq!(s.partners.get(PartnerId(uuid())).await, Ok(None));

    let mut changed = w.schs.clone();
    changed.nom = "SCHS de Marseille".to_string();
    changed.email = Some("hygiene@marseille.fr".to_string());
    changed.email_notifiable = false;
    changed.competences = vec![Qualification::Nuisibles, Qualification::Insalubrite];
    changed.insee = vec!["13201".to_string()];
    changed.zones.clear();
    changed.epci_insee.clear();
    changed.bailleur_id = Some("13-HMP".to_string());
    changed.esabora_active = false;
    s.partners.update(&changed).await.expect("update");
    let read = s
        .partners
        .get(changed.id)
        .await
        .expect("get")
        .expect("the partner");
    assert_eq!(canonical_partner(&read), canonical_partner(&changed));
    s.partners
        .update(&changed)
        .await
        .expect("saving a partner unchanged succeeds");

    let unknown = partner(&w.bdr, "Inconnu", PartnerType::Autre, None);
    let result = s.partners.update(&unknown).await;
    assert!(matches!(result, Err(RepoError::NotFound(_))), "{result:?}");
    assert_eq!(s.partners.get(unknown.id).await, Ok(None));
}

/// `of_territory` gives the non-archived partners of the territory.
pub async fn partners_of_territory_lists_non_archived(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    assert_eq!(
        s.partners
            .of_territory(&w.bdr.code)
            .await
            .as_deref()
            .map(ids),
        Ok(ids(&[w.schs.clone(), w.ars.clone(), w.adil.clone()]))
    );
    let mut archived = w.ars.clone();
    archived.is_archive = true;
    s.partners.update(&archived).await.expect("archive");
    let listed = s.partners.of_territory(&w.bdr.code).await.expect("list");
    assert_eq!(ids(&listed), ids(&[w.schs.clone(), w.adil.clone()]));
    let schs = listed.iter().find(|p| p.id == w.schs.id).expect("the SCHS");
    assert_eq!(canonical_partner(schs), canonical_partner(&w.schs));
    assert_eq!(
        s.partners
            .of_territory(&w.am.code)
            .await
            .as_deref()
            .map(ids),
        Ok(vec![w.caf.id])
    );
    assert_eq!(s.partners.of_territory(&code("2A")).await, Ok(Vec::new()));
    assert_eq!(
        s.partners
            .get(w.ars.id)
            .await
            .map(|p| p.map(|p| p.is_archive)),
        Ok(Some(true)),
        "an archived partner is still there"
    );
}

/// Two live partners of one territory cannot share a generic e-mail
/// (whatever its case): `insert` and `update` answer `Duplicate`. Other
/// territories, partners without a mailbox and archived partners do not
/// count.
pub async fn partners_generic_email_is_unique_among_live_partners(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let twin = partner(
        &w.bdr,
        "Mairie de Marseille",
        PartnerType::CommuneSchs,
        Some("SCHS@Marseille.fr"),
    );
    assert!(is_duplicate(&s.partners.insert(&twin).await));
    assert_eq!(s.partners.get(twin.id).await, Ok(None));

    let elsewhere = partner(
        &w.am,
        "Service hygiène de Nice",
        PartnerType::CommuneSchs,
        Some("schs@marseille.fr"),
    );
    s.partners
        .insert(&elsewhere)
        .await
        .expect("the same address in another territory");
    for nom in ["Association Soliha 13", "Conciliateurs de justice 13"] {
        s.partners
            .insert(&partner(&w.bdr, nom, PartnerType::Association, None))
            .await
            .expect("partners without a mailbox");
    }

    let mut taking = w.ars.clone();
    taking.email = Some("schs@MARSEILLE.fr".to_string());
    assert!(is_duplicate(&s.partners.update(&taking).await));
    assert_eq!(
        s.partners
            .get(w.ars.id)
            .await
            .map(|p| p.and_then(|p| p.email)),
        Ok(w.ars.email.clone())
    );

    let mut archived = w.schs.clone();
    archived.is_archive = true;
    s.partners.update(&archived).await.expect("archive");
    s.partners
        .insert(&twin)
        .await
        .expect("an archived partner frees its address");
}
