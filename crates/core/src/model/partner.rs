use serde::{Deserialize, Serialize};

use crate::enums::{PartnerType, Qualification};
use crate::ids::PartnerId;
use crate::territory_code::TerritoryCode;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lng: f64,
}

/// A named polygon of a territory (OPAH, permis de louer…), in WGS84.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Zone {
    pub name: String,
    /// Outer ring, (lng, lat) order is irrelevant here: points are `GeoPoint`s.
    pub polygon: Vec<GeoPoint>,
}

impl Zone {
    /// Ray casting; a point on an edge may fall either side, which is
    /// acceptable for perimeters drawn by hand.
    pub fn contains(&self, p: GeoPoint) -> bool {
        let ring = &self.polygon;
        if ring.len() < 3 {
            return false;
        }
        let mut inside = false;
        let mut j = ring.len() - 1;
        for i in 0..ring.len() {
            let (a, b) = (ring[i], ring[j]);
            if (a.lat > p.lat) != (b.lat > p.lat)
                && p.lng < (b.lng - a.lng) * (p.lat - a.lat) / (b.lat - a.lat) + a.lng
            {
                inside = !inside;
            }
            j = i;
        }
        inside
    }
}

/// A partner organisation of a territory (domain.md §1.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partner {
    pub id: PartnerId,
    pub nom: String,
    pub partner_type: PartnerType,
    pub territory: TerritoryCode,
    pub is_archive: bool,
    /// Generic mailbox of the organisation.
    pub email: Option<String>,
    pub email_notifiable: bool,
    pub competences: Vec<Qualification>,
    /// Perimeter: INSEE codes, zones, communes of its EPCIs. All empty =
    /// the whole territory.
    pub insee: Vec<String>,
    pub zones: Vec<Zone>,
    pub excluded_zones: Vec<Zone>,
    pub epci_insee: Vec<String>,
    pub bailleur_id: Option<String>,
    pub esabora_active: bool,
    /// Where its case software is reached. Partners stored before these
    /// settings existed read as not connected.
    #[serde(default)]
    pub interconnection: Interconnection,
}

/// A stored credential (an interconnection token): kept and sent to the
/// partner's software, never shown back on a page nor printed in a log.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the adapter that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How the partner's own case software is reached (features.md §2.14,
/// integrations.md: Esabora SI-SH / SCHS and IDOSS). Whether Esabora is
/// switched on stays `Partner::esabora_active`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Interconnection {
    pub esabora_url: Option<String>,
    pub esabora_token: Option<Secret>,
    pub idoss_active: bool,
    pub idoss_url: Option<String>,
}

impl Partner {
    /// A live partner covering its whole territory, with no mailbox, no
    /// competence and no connection to its software: what a creation
    /// starts from before its form is applied.
    pub fn new(
        id: PartnerId,
        territory: TerritoryCode,
        nom: impl Into<String>,
        partner_type: PartnerType,
    ) -> Self {
        Partner {
            id,
            nom: nom.into(),
            partner_type,
            territory,
            is_archive: false,
            email: None,
            email_notifiable: true,
            competences: Vec::new(),
            insee: Vec::new(),
            zones: Vec::new(),
            excluded_zones: Vec::new(),
            epci_insee: Vec::new(),
            bailleur_id: None,
            esabora_active: false,
            interconnection: Interconnection::default(),
        }
    }

    /// The generic mailbox, when the partner is live and wants e-mails there.
    pub fn notifiable_email(&self) -> Option<&str> {
        self.email
            .as_deref()
            .filter(|_| self.email_notifiable && !self.is_archive)
    }

    /// Esabora is on, with an address and a token to call it with.
    pub fn can_sync_with_esabora(&self) -> bool {
        self.esabora_active
            && self.interconnection.esabora_url.is_some()
            && self.interconnection.esabora_token.is_some()
    }

    pub fn has_competence(&self, q: Qualification) -> bool {
        self.competences.contains(&q)
    }

    fn covers_whole_territory(&self) -> bool {
        self.insee.is_empty() && self.zones.is_empty() && self.epci_insee.is_empty()
    }

    /// §6 step 3: the partner's perimeter includes the case's commune or
    /// point, and no excluded zone contains the point. Unlike the reference
    /// (quirk §8.8), a point inside any excluded zone is excluded.
    pub fn is_localized_for(
        &self,
        territory: &TerritoryCode,
        insee: Option<&str>,
        point: Option<GeoPoint>,
    ) -> bool {
        if self.is_archive || &self.territory != territory {
            return false;
        }
        let in_perimeter = self.covers_whole_territory()
            || insee.is_some_and(|code| self.insee.iter().any(|c| c == code))
            || insee.is_some_and(|code| self.epci_insee.iter().any(|c| c == code))
            || point.is_some_and(|p| self.zones.iter().any(|z| z.contains(p)));
        let excluded = point.is_some_and(|p| self.excluded_zones.iter().any(|z| z.contains(p)));
        in_perimeter && !excluded
    }
}
