use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::{
    CreationSource, DebutDesordres, MotifCloture, MotifClotureUsager, MotifRefus, OccupantLink,
    ProfileDeclarant, ProfileOccupant, ProprioType, SignalementStatus,
};
use crate::ids::{PartnerId, SignalementId, TagId, UserId};
use crate::model::partner::GeoPoint;
use crate::nde::{ClasseEnergetique, DateDernierDpe};
use crate::territory_code::TerritoryCode;

/// A report about one dwelling (domain.md §1.1): the case that partners
/// handle. Field groups follow the public form's blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signalement {
    pub id: SignalementId,
    /// `<year>-<n>` per territory, or `<year>-TEMPORAIRE` during an injonction.
    pub reference: String,
    pub reference_injonction: Option<u32>,
    /// Secret of the usager's tracking link.
    pub code_suivi: String,
    /// Secret the landlord types to answer an injonction.
    pub login_bailleur: String,
    pub status: SignalementStatus,
    pub territory: TerritoryCode,
    pub creation_source: CreationSource,
    pub is_imported: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserId>,
    pub created_by_partner: Option<PartnerId>,
    pub modified_at: Option<DateTime<Utc>>,
    pub validated_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<UserId>,
    pub motif_cloture: Option<MotifCloture>,
    pub com_cloture: Option<String>,
    pub motif_refus: Option<MotifRefus>,
    pub motif_cloture_usager: Option<MotifClotureUsager>,
    pub is_usager_abandon_procedure: bool,
    pub last_poursuite_request_at: Option<DateTime<Utc>>,

    pub declarant: Declarant,
    pub occupant: Occupant,
    pub proprio: Proprio,
    pub adresse: Adresse,
    pub logement: Logement,

    /// Slugs of the désordre précisions of the grid (current grid only).
    pub desordre_precisions: Vec<String>,
    pub debut_desordres: Option<DebutDesordres>,
    /// What the declarant wrote in his own words.
    pub details: String,
    pub score: f64,
    pub score_batiment: f64,
    pub score_logement: f64,

    pub is_cgu_accepted: bool,
    pub tags: Vec<TagId>,

    /// Denormalised from the latest suivi, for lists.
    pub last_suivi_at: Option<DateTime<Utc>>,
    pub last_suivi_by: Option<String>,
    pub last_suivi_is_visible_for_usager: Option<bool>,
}

impl Signalement {
    /// The reference people see: the injonction number while the case is in
    /// the landlord injunction procedure.
    pub fn displayed_reference(&self) -> String {
        match (self.status.is_injonction(), self.reference_injonction) {
            (true, Some(n)) => crate::reference::display_injonction(n),
            _ => self.reference.clone(),
        }
    }

    pub fn is_tiers_declarant(&self) -> bool {
        self.declarant
            .profile
            .is_some_and(ProfileDeclarant::is_tiers)
    }

    pub fn is_logement_vacant(&self) -> bool {
        self.logement.is_logement_vacant
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Declarant {
    pub profile: Option<ProfileDeclarant>,
    pub nom: Option<String>,
    pub prenom: Option<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
    pub structure: Option<String>,
    pub lien_occupant: Option<OccupantLink>,
}

/// Whether the household receives housing benefit, and from whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Allocataire {
    Caf,
    Msa,
    /// Yes, organisation not said.
    Oui,
    Non,
    Nsp,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Occupant {
    pub profile: Option<ProfileOccupant>,
    pub civilite: Option<String>,
    pub nom: Option<String>,
    pub prenom: Option<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
    pub date_naissance: Option<NaiveDate>,
    pub nb_occupants: Option<u32>,
    pub has_enfants: bool,
    pub allocataire: Option<Allocataire>,
    pub num_allocataire: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Proprio {
    pub proprio_type: Option<ProprioType>,
    pub nom: Option<String>,
    pub prenom: Option<String>,
    pub denomination: Option<String>,
    pub adresse: Option<String>,
    pub code_postal: Option<String>,
    pub ville: Option<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
    pub is_averti: Option<bool>,
    pub averti_at: Option<NaiveDate>,
    /// Social landlord of the territory's registry, matched by name.
    pub bailleur_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Adresse {
    pub adresse: String,
    pub code_postal: String,
    pub ville: String,
    pub insee: Option<String>,
    pub etage: Option<String>,
    pub escalier: Option<String>,
    pub num_appart: Option<String>,
    pub complement: Option<String>,
    pub geoloc: Option<GeoPoint>,
    /// BAN interoperability key, when geocoding succeeded.
    pub ban_id: Option<String>,
    /// The building of the national building register (RNB) the point
    /// falls in, when it was looked up.
    #[serde(default)]
    pub rnb_id: Option<String>,
    /// Geocoding was not sure of the address (no answer, or a score under
    /// the rule): an agent checks it, and auto-affectation waits for him.
    #[serde(default)]
    pub a_verifier: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Logement {
    pub nature: Option<String>,
    pub superficie: Option<f64>,
    pub nb_pieces: Option<u32>,
    pub nb_niveaux: Option<u32>,
    pub loyer: Option<f64>,
    pub is_bail_en_cours: Option<bool>,
    pub date_entree: Option<NaiveDate>,
    pub annee_construction: Option<u32>,
    /// `Some(true)` parc public, `Some(false)` parc privé, `None` unknown.
    pub is_logement_social: Option<bool>,
    /// A vacant dwelling blocks every message and e-mail to the usager.
    pub is_logement_vacant: bool,
    pub assurance_contactee: Option<bool>,
    pub dpe: Option<bool>,
    pub dpe_date: Option<DateDernierDpe>,
    pub dpe_consommation: Option<f64>,
    pub dpe_classe: Option<ClasseEnergetique>,
    /// The DPE ADEME's open data holds for the address, when looked up.
    #[serde(default)]
    pub dpe_ademe: Option<DpeAdeme>,
}

/// A DPE of the ADEME's open data (diagnostics since July 2021), as shown
/// on the case and read by the NDE qualification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DpeAdeme {
    pub numero: String,
    pub classe: Option<ClasseEnergetique>,
    /// Final energy, kWh per m² and per year: the figure the 450 kWh
    /// threshold is about.
    pub consommation_kwh_m2: Option<f64>,
    pub date: Option<NaiveDate>,
}

impl DpeAdeme {
    /// The ADEME's public page of this DPE.
    pub fn url(&self) -> String {
        format!(
            "https://observatoire-dpe-audit.ademe.fr/afficher-dpe/{}",
            self.numero
        )
    }
}
