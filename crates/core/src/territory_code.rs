//! Territory codes (the `zip` of a territory, domain.md §1.6) and the rule
//! that finds a signalement's territory from its commune's INSEE code
//! (§1.1, "Territory from INSEE").

use serde::{Deserialize, Serialize};

use crate::validation::{FieldError, is_insee_shape};

/// A territory code: a department `01`…`95` (not `20`), Corsica `2A` / `2B`,
/// the Métropole de Lyon `69A`, overseas `971`…`978` and `986`…`988`.
///
/// Serialised as the plain string; deserialising validates it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TerritoryCode(String);

/// The territory code of the Métropole de Lyon, carved out of the Rhône.
pub const LYON_METROPOLE: &str = "69A";

impl TerritoryCode {
    /// Reads a territory code; letters may be lower case (`2a` → `2A`).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let code = input.trim().to_ascii_uppercase();
        if is_territory_code(&code) {
            Ok(Self(code))
        } else {
            Err(FieldError::new(
                "territory.invalid",
                "Code de territoire inconnu : saisissez un numéro de département, par exemple 01, 2A, 69A ou 974",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the territory is overseas (3-digit codes).
    pub fn is_overseas(&self) -> bool {
        self.0.starts_with('9') && self.0.len() == 3
    }
}

fn is_territory_code(code: &str) -> bool {
    match code {
        "2A" | "2B" | LYON_METROPOLE => true,
        _ => match code.parse::<u16>() {
            Ok(n) if code.bytes().all(|b| b.is_ascii_digit()) => match code.len() {
                2 => (1..=95).contains(&n) && n != 20,
                3 => (971..=978).contains(&n) || (986..=988).contains(&n),
                _ => false,
            },
            _ => false,
        },
    }
}

impl std::fmt::Display for TerritoryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for TerritoryCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TerritoryCode {
    type Error = FieldError;

    fn try_from(value: String) -> Result<Self, FieldError> {
        Self::parse(&value)
    }
}

impl From<TerritoryCode> for String {
    fn from(value: TerritoryCode) -> String {
        value.0
    }
}

/// Puts an INSEE code in its 5-character form: trimmed, upper case, numeric
/// codes left-padded with zeros (`1053` → `01053`, codes stored as numbers
/// lose their zero). `None` when it cannot be an INSEE code.
fn normalize_insee(insee: &str) -> Option<String> {
    let text = insee.trim().to_ascii_uppercase();
    let padded = if text.len() < 5 && !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        format!("{text:0>5}")
    } else {
        text
    };
    is_insee_shape(&padded).then_some(padded)
}

/// The territory of a commune (§1.1): Corsica by the first three
/// characters (`200`/`201` → `2A`, `202`/`206` → `2B`, which also covers
/// the legacy `20xxx` codes; `2A…`/`2B…` codes give their own prefix),
/// overseas by their 3-digit prefix, Lyon's metropole for the `69…` codes
/// in its authorized list, otherwise the first two digits.
///
/// `lyon_metropole_insee` is the `authorizedCodesInsee` of territory `69A`.
/// `None` when the code is malformed or maps to no territory (e.g. `98xxx`
/// outside 986–988, or legacy `20xxx` outside the known prefixes). Whether
/// the territory is open and accepts the commune is [`territory_accepts`].
pub fn territory_for_insee(insee: &str, lyon_metropole_insee: &[&str]) -> Option<TerritoryCode> {
    let insee = normalize_insee(insee)?;
    let prefix3 = insee.get(..3)?;
    let code = match prefix3 {
        "200" | "201" => "2A",
        "202" | "206" => "2B",
        _ if insee.starts_with("97") || insee.starts_with("98") => prefix3,
        _ if insee.starts_with("69") && contains_insee(lyon_metropole_insee, &insee) => {
            LYON_METROPOLE
        }
        _ => insee.get(..2)?,
    };
    TerritoryCode::parse(code).ok()
}

fn contains_insee<S: AsRef<str>>(list: &[S], insee: &str) -> bool {
    list.iter().any(|candidate| {
        let candidate = candidate.as_ref();
        normalize_insee(candidate).map_or_else(|| candidate.trim() == insee, |c| c == insee)
    })
}

/// Whether a territory takes a signalement from this commune (§1.1): it
/// must be active and, when its `authorizedCodesInsee` list is not empty,
/// contain the INSEE code.
pub fn territory_accepts(is_active: bool, authorized: &[String], insee: &str) -> bool {
    if !is_active {
        return false;
    }
    if authorized.is_empty() {
        return true;
    }
    match normalize_insee(insee) {
        Some(insee) => contains_insee(authorized, &insee),
        None => authorized.iter().any(|code| code.trim() == insee.trim()),
    }
}

/// Marseille and Lyon as a whole (`13055`, `69123`) become their 1st
/// arrondissement (`13201`, `69381`) when the postal code is the 1st
/// arrondissement's (`13001`, `69001`): geocoding may return the city code,
/// while partners and the 69A list are set up per arrondissement (§1.1).
/// Any other code is returned trimmed and unchanged.
pub fn normalize_insee_for_postcode(insee: &str, postcode: &str) -> String {
    match (insee.trim(), postcode.trim()) {
        ("13055", "13001") => "13201".to_owned(),
        ("69123", "69001") => "69381".to_owned(),
        (insee, _) => insee.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An excerpt of territory 69A's `authorizedCodesInsee` (data/Territory.yml).
    const LYON: &[&str] = &["69091", "69123", "69381", "69382", "69266"];

    fn territory(insee: &str) -> Option<String> {
        territory_for_insee(insee, LYON).map(String::from)
    }

    #[test]
    fn territory_codes_parse() {
        for good in [
            "01", "19", "21", "95", "2A", "2b", "69A", "69a", "971", "976", "978", "986", "988",
        ] {
            assert!(TerritoryCode::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "", "00", "1", "20", "96", "97", "2C", "69B", "970", "979", "985", "989", "001", "+1",
            "100",
        ] {
            assert_eq!(
                TerritoryCode::parse(bad).map_err(|e| e.code),
                Err("territory.invalid"),
                "{bad}"
            );
        }
        assert_eq!(
            TerritoryCode::parse("2a").map(|c| c.to_string()),
            Ok("2A".to_owned())
        );
        assert!(TerritoryCode::parse("974").is_ok_and(|c| c.is_overseas()));
        assert!(TerritoryCode::parse("95").is_ok_and(|c| !c.is_overseas()));
    }

    #[test]
    fn territory_from_real_insee_codes() {
        assert_eq!(territory("01053").as_deref(), Some("01")); // Bourg-en-Bresse
        assert_eq!(territory("1053").as_deref(), Some("01")); // stored as a number
        assert_eq!(territory("2A004").as_deref(), Some("2A")); // Ajaccio
        assert_eq!(territory("2B033").as_deref(), Some("2B")); // Bastia
        assert_eq!(territory("20004").as_deref(), Some("2A")); // legacy Corsican code
        assert_eq!(territory("20200").as_deref(), Some("2B"));
        assert_eq!(territory("20600").as_deref(), Some("2B"));
        assert_eq!(territory("97411").as_deref(), Some("974")); // Saint-Denis (La Réunion)
        assert_eq!(territory("97611").as_deref(), Some("976")); // Mamoudzou
        assert_eq!(territory("98818").as_deref(), Some("988")); // Nouméa
        assert_eq!(territory("69123").as_deref(), Some("69A")); // Lyon, in the 69A list
        assert_eq!(territory("69381").as_deref(), Some("69A")); // Lyon 1er
        assert_eq!(territory("69001").as_deref(), Some("69")); // Affoux, not in the list
        assert_eq!(territory("13055").as_deref(), Some("13")); // Marseille
    }

    #[test]
    fn unknown_or_malformed_insee_codes_have_no_territory() {
        for bad in [
            "", "  ", "20300", "98411", "97999", "123456", "2C004", "abcde", "00123",
        ] {
            assert_eq!(territory(bad), None, "{bad}");
        }
        assert_eq!(
            territory_for_insee("69123", &[])
                .map(String::from)
                .as_deref(),
            Some("69")
        );
    }

    #[test]
    fn territory_must_be_active_and_accept_the_commune() {
        let rhone: Vec<String> = ["69001", "69006"].map(String::from).to_vec();
        assert!(territory_accepts(true, &[], "01053"));
        assert!(!territory_accepts(false, &[], "01053"));
        assert!(territory_accepts(true, &rhone, "69001"));
        assert!(territory_accepts(true, &rhone, " 69006 "));
        assert!(!territory_accepts(true, &rhone, "69123"));
        assert!(!territory_accepts(false, &rhone, "69001"));
    }

    #[test]
    fn marseille_and_lyon_city_codes_become_their_first_arrondissement() {
        assert_eq!(normalize_insee_for_postcode("13055", "13001"), "13201");
        assert_eq!(normalize_insee_for_postcode("69123", "69001"), "69381");
        assert_eq!(normalize_insee_for_postcode("13055", "13002"), "13055");
        assert_eq!(normalize_insee_for_postcode(" 01053 ", "01000"), "01053");
    }

    #[test]
    fn serde_validates() {
        assert_eq!(
            serde_json::to_string(&TerritoryCode::parse("2A").ok())
                .ok()
                .as_deref(),
            Some("\"2A\"")
        );
        assert!(serde_json::from_str::<TerritoryCode>("\"20\"").is_err());
    }

    proptest! {
        #[test]
        fn metropolitan_insee_codes_map_to_their_department(dep in 1u32..=95, commune in 1u32..=999) {
            prop_assume!(dep != 20 && dep != 69);
            let insee = format!("{dep:02}{commune:03}");
            prop_assert_eq!(territory(&insee), Some(format!("{dep:02}")));
        }

        #[test]
        fn any_found_territory_parses_back(insee in "[0-9AB]{0,6}") {
            if let Some(code) = territory_for_insee(&insee, LYON) {
                prop_assert_eq!(TerritoryCode::parse(code.as_str()), Ok(code.clone()));
            }
        }
    }
}
