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
}

impl Partner {
    /// The generic mailbox, when the partner is live and wants e-mails there.
    pub fn notifiable_email(&self) -> Option<&str> {
        self.email
            .as_deref()
            .filter(|_| self.email_notifiable && !self.is_archive)
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
