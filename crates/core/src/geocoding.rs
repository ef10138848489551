//! Locating a signalement (integrations.md §11–12): the national address
//! base (BAN) answers candidates with a relevance score; only an answer
//! above [`SCORE_SUR`] is taken, and then the building of the national
//! register (RNB) may move the point onto the dwelling's building. Anything
//! less sure leaves the address as the declarant typed it and flags it for
//! an agent: a case placed in the wrong commune would go to the wrong
//! partners, which is worse than waiting for a human.

use serde_json::{Map, Value, json};

use crate::enums::HistoryEvent;
use crate::events::HistoryChange;
use crate::model::{Adresse, Case, GeoPoint};

/// Above this BAN score an address is taken as certain (the reference's
/// rule, `SignalementAddressUpdater`).
pub const SCORE_SUR: f64 = 0.9;

/// One address proposed by the national address base (BAN).
#[derive(Debug, Clone, PartialEq)]
pub struct AddressCandidate {
    pub label: String,
    /// Number and street (BAN's `name`), what the case stores as street.
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub insee: String,
    pub ban_id: String,
    pub point: GeoPoint,
    /// BAN relevance, 0..1.
    pub score: f64,
}

impl AddressCandidate {
    pub fn is_sure(&self) -> bool {
        self.score > SCORE_SUR
    }
}

/// A building of the national building register.
#[derive(Debug, Clone, PartialEq)]
pub struct Building {
    pub rnb_id: String,
    pub point: GeoPoint,
}

/// What the BAN is asked: street, postcode and commune, without the
/// complement (floor, staircase: they only blur the match).
pub fn query_for(adresse: &Adresse) -> String {
    [&adresse.adresse, &adresse.code_postal, &adresse.ville]
        .iter()
        .map(|part| part.trim())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why an address was not located.
#[derive(Debug, Clone, PartialEq)]
pub enum Uncertainty {
    /// The BAN knows nothing like it.
    NoAnswer,
    /// Its best answer is under the rule.
    LowScore(f64),
    /// The BAN places it in a commune of another territory (or of none
    /// open): moving the case there is an agent's decision.
    OtherTerritory { insee: String },
    /// The BAN did not answer, however many times it was asked.
    Unavailable,
    /// The BAN answered something that is no answer (a refusal, a body
    /// that does not read).
    BadAnswer,
}

impl Uncertainty {
    /// Why, in French, for the history and the view.
    pub fn label(&self) -> String {
        match self {
            Uncertainty::NoAnswer => {
                "aucune adresse correspondante dans la Base Adresse Nationale".to_string()
            }
            Uncertainty::LowScore(score) => format!(
                "correspondance incertaine dans la Base Adresse Nationale (score {}, il faut plus de {})",
                decimal_fr(*score),
                decimal_fr(SCORE_SUR)
            ),
            Uncertainty::OtherTerritory { insee } => format!(
                "la Base Adresse Nationale situe l'adresse dans une commune d'un autre territoire (code INSEE {insee})"
            ),
            Uncertainty::Unavailable => "la Base Adresse Nationale n'a pas répondu".to_string(),
            Uncertainty::BadAnswer => {
                "la Base Adresse Nationale a renvoyé une réponse inattendue".to_string()
            }
        }
    }
}

fn decimal_fr(value: f64) -> String {
    format!("{value:.2}").replace('.', ",")
}

/// The first sure candidate (the BAN sorts by score), or why there is none.
pub fn best_sure(candidates: &[AddressCandidate]) -> Result<&AddressCandidate, Uncertainty> {
    match candidates.first() {
        None => Err(Uncertainty::NoAnswer),
        Some(best) if best.is_sure() => Ok(best),
        Some(best) => Err(Uncertainty::LowScore(best.score)),
    }
}

fn point_text(point: Option<GeoPoint>) -> Value {
    point.map_or(Value::Null, |p| {
        Value::String(format!("{:.6}, {:.6}", p.lat, p.lng))
    })
}

/// The history line of an address change: each field that moved, as
/// `[before, after]`, then the notes that say why (`field`, French text).
pub fn address_history(before: &Adresse, case: &Case, notes: &[(&str, String)]) -> HistoryChange {
    let after = &case.signalement.adresse;
    let mut changes = Map::new();
    let mut field = |name: &str, old: Value, new: Value| {
        if old != new {
            changes.insert(name.to_string(), json!([old, new]));
        }
    };
    field("adresse", json!(before.adresse), json!(after.adresse));
    field(
        "code_postal",
        json!(before.code_postal),
        json!(after.code_postal),
    );
    field("ville", json!(before.ville), json!(after.ville));
    field("insee", json!(before.insee), json!(after.insee));
    field(
        "geolocalisation",
        point_text(before.geoloc),
        point_text(after.geoloc),
    );
    field("ban_id", json!(before.ban_id), json!(after.ban_id));
    field("rnb_id", json!(before.rnb_id), json!(after.rnb_id));
    field(
        "adresse_a_verifier",
        json!(before.a_verifier),
        json!(after.a_verifier),
    );
    for (name, text) in notes {
        changes.insert((*name).to_string(), json!([Value::Null, text]));
    }
    HistoryChange {
        entity_name: "Signalement".to_string(),
        entity_id: case.signalement.id.0,
        event: HistoryEvent::Update,
        changes: Value::Object(changes),
    }
}

/// The history note of a sure answer.
pub fn located_note(candidate: &AddressCandidate) -> (&'static str, String) {
    (
        "geocodage",
        format!(
            "adresse trouvée dans la Base Adresse Nationale (score {})",
            decimal_fr(candidate.score)
        ),
    )
}

/// The history notes of an uncertain address: why, and that the rules wait.
pub fn uncertain_notes(why: &Uncertainty) -> [(&'static str, String); 2] {
    [
        ("geocodage", why.label()),
        (
            "affectation_automatique",
            "non lancée : l'adresse est à vérifier par un agent".to_string(),
        ),
    ]
}

/// Takes a sure BAN answer (and the building when the register has one):
/// street, postcode, commune, INSEE code, BAN id and point, the flag
/// cleared. The building's point is the dwelling's, nearer than the
/// address's (which may sit on the street).
pub fn locate(case: &mut Case, candidate: &AddressCandidate, building: Option<&Building>) {
    let adresse = &mut case.signalement.adresse;
    adresse.adresse.clone_from(&candidate.street);
    adresse.code_postal.clone_from(&candidate.postcode);
    adresse.ville.clone_from(&candidate.city);
    adresse.insee = Some(candidate.insee.clone());
    adresse.ban_id = Some(candidate.ban_id.clone());
    adresse.geoloc = Some(building.map_or(candidate.point, |b| b.point));
    adresse.rnb_id = building.map(|b| b.rnb_id.clone());
    adresse.a_verifier = false;
}

/// Leaves the address as it was typed and flags it for an agent.
pub fn flag_uncertain(case: &mut Case) {
    case.signalement.adresse.a_verifier = true;
}

/// An agent's edit of the address: the fields he typed, and the point he
/// placed when he placed one (which settles the doubt).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AddressEdit {
    pub adresse: String,
    pub code_postal: String,
    pub ville: String,
    pub insee: String,
    pub point: Option<GeoPoint>,
}

impl AddressEdit {
    /// What the BAN is asked for the corrected address.
    pub fn query(&self) -> String {
        query_for(&Adresse {
            adresse: self.adresse.clone(),
            code_postal: self.code_postal.clone(),
            ville: self.ville.clone(),
            ..Adresse::default()
        })
    }
}

/// Writes the agent's address as typed: the BAN id, the building and the
/// DPE found for the old address no longer describe it, the point is his
/// pin or none; flagged unless he placed a pin. The caller geocodes
/// afterwards when it can (and reassesses: the DPE feeds the NDE).
pub fn edit_by_hand(case: &mut Case, edit: &AddressEdit) {
    let adresse = &mut case.signalement.adresse;
    adresse.adresse = edit.adresse.trim().to_string();
    adresse.code_postal = edit.code_postal.trim().to_string();
    adresse.ville = edit.ville.trim().to_string();
    adresse.insee = Some(edit.insee.trim().to_string());
    adresse.ban_id = None;
    adresse.rnb_id = None;
    adresse.geoloc = edit.point;
    adresse.a_verifier = edit.point.is_none();
    case.signalement.logement.dpe_ademe = None;
}

/// Whether the edit names another address than the case's (its point
/// aside).
pub fn moves(case: &Case, edit: &AddressEdit) -> bool {
    let a = &case.signalement.adresse;
    a.adresse != edit.adresse.trim()
        || a.code_postal != edit.code_postal.trim()
        || a.ville != edit.ville.trim()
        || a.insee.as_deref() != Some(edit.insee.trim())
}

/// Whether the case has a point nobody doubts.
pub fn is_located(case: &Case) -> bool {
    case.signalement.adresse.geoloc.is_some() && !case.signalement.adresse.a_verifier
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(score: f64) -> AddressCandidate {
        AddressCandidate {
            label: "8 la bodiniere 44850 Saint-Mars-du-Désert".into(),
            street: "8 la bodiniere".into(),
            postcode: "44850".into(),
            city: "Saint-Mars-du-Désert".into(),
            insee: "44179".into(),
            ban_id: "44179_xarfhv_00008".into(),
            point: GeoPoint {
                lat: 47.349_607,
                lng: -1.446_559,
            },
            score,
        }
    }

    #[test]
    fn only_an_answer_above_the_rule_is_sure() {
        assert!(best_sure(&[candidate(0.953)]).is_ok());
        assert_eq!(
            best_sure(&[candidate(0.9)]),
            Err(Uncertainty::LowScore(0.9)),
            "0.9 itself is not above the rule"
        );
        assert_eq!(best_sure(&[]), Err(Uncertainty::NoAnswer));
    }

    #[test]
    fn the_query_leaves_out_empty_parts_and_the_complement() {
        let adresse = Adresse {
            adresse: " 8 La Bodinière ".into(),
            code_postal: "44850".into(),
            ville: String::new(),
            complement: Some("Bâtiment B".into()),
            ..Adresse::default()
        };
        assert_eq!(query_for(&adresse), "8 La Bodinière 44850");
    }

    #[test]
    fn the_low_score_reads_in_french() {
        assert_eq!(
            Uncertainty::LowScore(0.427).label(),
            "correspondance incertaine dans la Base Adresse Nationale (score 0,43, il faut plus de 0,90)"
        );
    }
}
