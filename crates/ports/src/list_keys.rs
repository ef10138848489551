//! The values the back-office list filters and sorts on, computed once
//! for every adapter: the memory store compares them, the SQL store keeps
//! them in columns of `signalements`. One definition keeps the two alike.

use chrono::{DateTime, Utc};
use histologe_core::enums::{AffectationStatus, Qualification};
use histologe_core::ids::TagId;
use histologe_core::model::{Case, Signalement};
use histologe_core::search::fold;

use crate::repositories::GeoBounds;

/// Longest occupant key kept (the SQL column's width).
pub const OCCUPANT_KEY_LEN: usize = 255;
/// Longest commune key kept (the SQL column's width).
pub const COMMUNE_KEY_LEN: usize = 100;
/// Longest address key kept (the SQL column's width).
pub const ADDRESS_KEY_LEN: usize = 255;

/// The occupant's name then first name, folded: the A–Z order.
pub fn occupant_key(s: &Signalement) -> String {
    let name = [s.occupant.nom.as_deref(), s.occupant.prenom.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    fold(&name).chars().take(OCCUPANT_KEY_LEN).collect()
}

/// The occupant's postal code as the list compares it: trimmed, and empty
/// when it is longer than a postal code (it then matches nothing).
pub fn postal_key(code_postal: &str) -> String {
    let code = code_postal.trim();
    if code.chars().count() <= 5 {
        code.to_string()
    } else {
        String::new()
    }
}

/// A commune's name, folded and trimmed: what the commune filter compares
/// and the commune order sorts.
pub fn commune_key(name: &str) -> String {
    fold(name.trim()).chars().take(COMMUNE_KEY_LEN).collect()
}

/// The score in hundredths of a percent, so that no engine compares
/// floating-point numbers.
pub fn score_centi(score: f64) -> i64 {
    // Scores are percentages (0–100): far inside i64.
    #[allow(clippy::cast_possible_truncation)]
    let centi = (score * 100.0).round() as i64;
    centi
}

/// Degrees in millionths (about 11 cm), so that no engine compares
/// floating-point numbers; `None` for a value no map has (not finite, or
/// beyond ±180°).
pub fn micro_degrees(degrees: f64) -> Option<i64> {
    if !degrees.is_finite() || degrees.abs() > 180.0 {
        return None;
    }
    // At most 180 000 000: far inside i64.
    #[allow(clippy::cast_possible_truncation)]
    let micro = (degrees * 1_000_000.0).round() as i64;
    Some(micro)
}

/// The case's place as (latitude, longitude) in millionths of a degree,
/// when it was geolocated.
pub fn geo_keys(s: &Signalement) -> Option<(i64, i64)> {
    let point = s.adresse.geoloc?;
    Some((micro_degrees(point.lat)?, micro_degrees(point.lng)?))
}

/// The rectangle as (south, north, west, east) in millionths of a degree.
pub fn bounds_keys(bounds: &GeoBounds) -> Option<(i64, i64, i64, i64)> {
    Some((
        micro_degrees(bounds.south)?,
        micro_degrees(bounds.north)?,
        micro_degrees(bounds.west)?,
        micro_degrees(bounds.east)?,
    ))
}

/// Whether the case is geolocated inside `bounds`, edges included.
pub fn is_within(s: &Signalement, bounds: &GeoBounds) -> bool {
    match (geo_keys(s), bounds_keys(bounds)) {
        (Some((lat, lng)), Some((south, north, west, east))) => {
            (south..=north).contains(&lat) && (west..=east).contains(&lng)
        }
        _ => false,
    }
}

/// `13055|12 rue de l eglise`: the commune's INSEE code and the street
/// address as `histologe_core::search::address_key` compares them, the key
/// of « signalements à la même adresse »; `None` without either.
pub fn address_key(s: &Signalement) -> Option<String> {
    address_key_of(s.adresse.insee.as_deref().unwrap_or(""), &s.adresse.adresse)
}

/// [`address_key`] of an INSEE code and a street address.
pub fn address_key_of(insee: &str, adresse: &str) -> Option<String> {
    let insee = insee.trim();
    let street = histologe_core::search::address_key(adresse);
    if insee.is_empty() || street.is_empty() {
        return None;
    }
    let mut key = format!("{insee}|{street}");
    // ASCII after folding, but an INSEE code is typed by people.
    while key.len() > ADDRESS_KEY_LEN {
        key.pop();
    }
    Some(key)
}

/// « Fermé par tous les partenaires »: a partner closed its affectation
/// and none is still waiting or accepted.
pub fn closed_by_all_partners(case: &Case) -> bool {
    case.affectations
        .iter()
        .any(|a| a.status == AffectationStatus::Closed)
        && !case.affectations.iter().any(|a| {
            matches!(
                a.status,
                AffectationStatus::Wait | AffectationStatus::Accepted
            )
        })
}

/// When a partner first accepted the case (among affectations accepted, or
/// accepted then closed): the statistics' delay to acceptance.
pub fn first_accepted_at(case: &Case) -> Option<DateTime<Utc>> {
    case.affectations
        .iter()
        .filter(|a| {
            matches!(
                a.status,
                AffectationStatus::Accepted | AffectationStatus::Closed
            )
        })
        .filter_map(|a| a.answered_at)
        .min()
}

/// `|slug|slug|`: the case's désordre précisions, in their order; empty
/// when there is none.
pub fn precisions_key(s: &Signalement) -> String {
    if s.desordre_precisions.is_empty() {
        String::new()
    } else {
        format!("|{}|", s.desordre_precisions.join("|"))
    }
}

/// The précisions of a [`precisions_key`].
pub fn precisions_of(key: &str) -> Vec<String> {
    key.split('|')
        .filter(|slug| !slug.is_empty())
        .map(str::to_string)
        .collect()
}

/// `|A|B|`: the suspected qualifications of the case (active ones not
/// confirmed by a visit), each between bars so that one is found whole.
pub fn procedures_key(case: &Case) -> String {
    let mut found: Vec<&str> = case
        .qualifications
        .iter()
        .filter(|q| q.is_active() && !q.is_post_visit)
        .map(|q| q.qualification.as_str())
        .collect();
    found.sort_unstable();
    found.dedup();
    if found.is_empty() {
        String::new()
    } else {
        format!("|{}|", found.join("|"))
    }
}

/// What `procedures_key` holds when the case has `q`.
pub fn procedure_needle(q: Qualification) -> String {
    format!("|{}|", q.as_str())
}

/// The étiquettes of the case, `|id|id|` ("" without any), for the list's
/// étiquette filter; [`tag_needle`] is what the filter looks for.
pub fn tags_key(s: &Signalement) -> String {
    if s.tags.is_empty() {
        String::new()
    } else {
        let ids: Vec<String> = s.tags.iter().map(ToString::to_string).collect();
        format!("|{}|", ids.join("|"))
    }
}

pub fn tag_needle(tag: TagId) -> String {
    format!("|{tag}|")
}

/// Five ASCII digits: a postal code or an INSEE code in a search box.
pub fn is_five_digits(text: &str) -> bool {
    text.len() == 5 && text.bytes().all(|b| b.is_ascii_digit())
}

/// What the free-text search looks in: occupant's and declarant's names
/// and e-mails, the reference, the address, postal code and commune;
/// folded.
pub fn search_text(s: &Signalement) -> String {
    let parts = [
        s.occupant.nom.as_deref(),
        s.occupant.prenom.as_deref(),
        s.occupant.email.as_deref(),
        s.declarant.nom.as_deref(),
        s.declarant.prenom.as_deref(),
        s.declarant.email.as_deref(),
        Some(s.reference.as_str()),
        Some(s.adresse.adresse.as_str()),
        Some(s.adresse.code_postal.as_str()),
        Some(s.adresse.ville.as_str()),
    ];
    fold(&parts.into_iter().flatten().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_digits_only() {
        assert!(is_five_digits("13001"));
        assert!(is_five_digits("06088"));
        assert!(!is_five_digits("2A004"));
        assert!(!is_five_digits("1300"));
        assert!(!is_five_digits("130011"));
    }

    #[test]
    fn scores_compare_in_hundredths() {
        assert_eq!(score_centi(42.5), 4250);
        assert_eq!(score_centi(33.333), 3333);
        assert_eq!(score_centi(0.0), 0);
    }

    #[test]
    fn degrees_are_compared_in_millionths() {
        assert_eq!(micro_degrees(43.296_482_4), Some(43_296_482));
        assert_eq!(micro_degrees(-0.000_000_6), Some(-1));
        assert_eq!(micro_degrees(f64::NAN), None);
        assert_eq!(micro_degrees(181.0), None);
    }

    #[test]
    fn communes_ignore_accents_case_and_spaces() {
        assert_eq!(
            commune_key(" Île-Saint-Denis "),
            commune_key("ile-saint-denis")
        );
    }
}
