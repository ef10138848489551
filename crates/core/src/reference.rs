//! Public numbers of a signalement (domain.md §1.1, rules 1–3): the case
//! reference `<year>-<n>`, the temporary reference and the INJ number of the
//! landlord injunction procedure, and the landlord's login code.
//!
//! Core has no database and no randomness: the caller reads the highest
//! suffix (under a row lock) or the highest INJ number, and passes random
//! bytes from the `IdGenerator` port.

use serde::{Deserialize, Serialize};

/// A case reference `<YYYY>-<n>` such as `2025-42`.
///
/// Ordered by year then number, so the greatest reference of a year is the
/// last one given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference {
    year: i32,
    number: u32,
}

/// The text is not a reference `^\d{4}-\d{1,6}$`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Référence de signalement invalide : le format attendu est AAAA-N, par exemple 2025-42")]
pub struct InvalidReference;

impl Reference {
    pub fn new(year: i32, number: u32) -> Self {
        Self { year, number }
    }

    /// Reads exactly `^\d{4}-\d{1,6}$` (the pattern the search uses for an
    /// exact lookup, §1.1). Leading zeros of the number are accepted and
    /// dropped: `2025-042` is `2025-42`.
    pub fn parse(input: &str) -> Result<Self, InvalidReference> {
        let (year, number) = input.split_once('-').ok_or(InvalidReference)?;
        let digits = |s: &str, min: usize, max: usize| {
            (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(year, 4, 4) || !digits(number, 1, 6) {
            return Err(InvalidReference);
        }
        Ok(Self {
            year: year.parse().map_err(|_| InvalidReference)?,
            number: number.parse().map_err(|_| InvalidReference)?,
        })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// The numeric suffix, the per-territory sequence of rule 1.
    pub fn number(self) -> u32 {
        self.number
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{}", self.year, self.number)
    }
}

impl std::str::FromStr for Reference {
    type Err = InvalidReference;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Reference {
    type Error = InvalidReference;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Reference> for String {
    fn from(value: Reference) -> String {
        value.to_string()
    }
}

/// Rule 1: the next reference of a territory is `<current year>-<n>` with
/// n = 1 + the highest suffix among that territory's cases created this
/// year; the first case of the year gets `-1`.
///
/// Only the current year counts: the caller restricts the maximum to cases
/// whose `createdAt` is in `current_year`, so a previous reference carrying
/// a wrong year is never propagated (§1.1).
pub fn next_reference(current_year: i32, highest_suffix_this_year: Option<u32>) -> Reference {
    let number = highest_suffix_this_year.map_or(1, |highest| highest.saturating_add(1));
    Reference::new(current_year, number)
}

/// Suffix of the reference given while a case is in the "démarche
/// accélérée" (rule 2).
pub const TEMPORARY_SUFFIX: &str = "TEMPORAIRE";

/// Rule 2: `<year>-TEMPORAIRE`, the reference of a case in the injunction
/// procedure until it switches to the normal procedure.
pub fn temporary_reference(year: i32) -> String {
    format!("{year:04}-{TEMPORARY_SUFFIX}")
}

/// Whether a stored reference is a temporary one (it has no sequence number
/// and must be skipped when computing the highest suffix).
pub fn is_temporary_reference(reference: &str) -> bool {
    reference.split_once('-').is_some_and(|(year, suffix)| {
        suffix == TEMPORARY_SUFFIX && year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The first INJ number ever given (the reference platform's counter
/// started there, rule 2).
pub const FIRST_INJONCTION_NUMBER: u32 = 2363;

/// Rule 2: INJ numbers are global: next = highest + 1, first = 2363.
///
/// Never below [`FIRST_INJONCTION_NUMBER`], even if imported data held a
/// smaller number, so the displayed numbers keep their usual shape.
pub fn next_injonction_number(current_max: Option<u32>) -> u32 {
    current_max.map_or(FIRST_INJONCTION_NUMBER, |max| {
        max.saturating_add(1).max(FIRST_INJONCTION_NUMBER)
    })
}

const INJONCTION_PREFIX: &str = "INJ-";

/// How an INJ number is shown: `INJ-2363`.
pub fn display_injonction(number: u32) -> String {
    format!("{INJONCTION_PREFIX}{number}")
}

/// Reads what a landlord types as the INJ reference (§4.5): the `INJ-`
/// prefix is optional and case-insensitive (`INJ-2363`, `inj-2363`,
/// `INJ 2363`, `2363`). `None` when it is not such a number.
pub fn parse_injonction(input: &str) -> Option<u32> {
    let text = input.trim();
    let number = match text.get(..3) {
        Some(prefix) if prefix.eq_ignore_ascii_case("INJ") => text
            .get(3..)
            .unwrap_or_default()
            .trim_start_matches(['-', ' '])
            .trim_start(),
        _ => text,
    };
    if number.is_empty() || number.len() > 10 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse().ok()
}

/// Symbols of the landlord login code: digits and capitals without the
/// look-alikes 0/O and 1/I. 32 distinct symbols (§8 quirk 5: the reference
/// platform listed 'Q' twice and forgot 'W'; we use the intended set).
pub const LANDLORD_CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Rule 3: the landlord's login code `XXXX-XXXX-XXXX-XXXX` (19 chars, 80
/// bits), one symbol per random byte.
///
/// `byte % 32` is unbiased because 256 is a multiple of 32.
pub fn landlord_code(random: [u8; 16]) -> String {
    let mut code = String::with_capacity(19);
    for (i, byte) in random.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(char::from(LANDLORD_CODE_ALPHABET[usize::from(byte % 32)]));
    }
    code
}

/// Puts a typed landlord code in the stored form: upper case, separators
/// (spaces, dashes) ignored, regrouped as `XXXX-XXXX-XXXX-XXXX`. `None` when
/// it cannot be a code, so the login can refuse without a lookup.
pub fn normalize_landlord_code(input: &str) -> Option<String> {
    let symbols: Vec<u8> = input
        .bytes()
        .filter(|b| !matches!(b, b'-' | b' ' | b'\t'))
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if symbols.len() != 16 || !symbols.iter().all(|b| LANDLORD_CODE_ALPHABET.contains(b)) {
        return None;
    }
    let groups: Vec<String> = symbols
        .chunks(4)
        .map(|group| group.iter().map(|&b| char::from(b)).collect())
        .collect();
    Some(groups.join("-"))
}

/// Whether a search input is an exact reference lookup (`^\d{4}-\d{1,6}$`
/// after trimming, §1.1) rather than a free-text search.
pub fn is_reference_query(input: &str) -> bool {
    Reference::parse(input.trim()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reference_displays_and_parses() {
        let reference = Reference::parse("2025-42").expect("valid");
        assert_eq!((reference.year(), reference.number()), (2025, 42));
        assert_eq!(reference.to_string(), "2025-42");
        assert_eq!(
            Reference::parse("2025-042").map(|r| r.to_string()),
            Ok("2025-42".to_owned())
        );
        assert_eq!(
            Reference::parse("2025-999999").map(Reference::number),
            Ok(999_999)
        );
        for bad in [
            "2025-",
            "-42",
            "25-42",
            "20250-42",
            "2025-1234567",
            "2025-TEMPORAIRE",
            "2025-+4",
            "2025 42",
            " 2025-42",
            "2025-4-2",
            "２０２５-42",
        ] {
            assert_eq!(Reference::parse(bad), Err(InvalidReference), "{bad}");
        }
    }

    #[test]
    fn references_are_ordered_by_year_then_number() {
        assert!(Reference::new(2025, 9) < Reference::new(2025, 10));
        assert!(Reference::new(2024, 900) < Reference::new(2025, 1));
    }

    #[test]
    fn rule_1_first_of_the_year_is_one_then_highest_plus_one() {
        assert_eq!(next_reference(2025, None).to_string(), "2025-1");
        assert_eq!(next_reference(2025, Some(41)).to_string(), "2025-42");
        assert_eq!(next_reference(2026, None), Reference::new(2026, 1));
    }

    #[test]
    fn rule_2_temporary_reference_and_injonction_numbers() {
        assert_eq!(temporary_reference(2025), "2025-TEMPORAIRE");
        assert!(is_temporary_reference("2025-TEMPORAIRE"));
        assert!(!is_temporary_reference("2025-42"));
        assert!(!is_reference_query("2025-TEMPORAIRE"));
        assert_eq!(next_injonction_number(None), 2363);
        assert_eq!(next_injonction_number(Some(2363)), 2364);
        assert_eq!(next_injonction_number(Some(12)), FIRST_INJONCTION_NUMBER);
        assert_eq!(display_injonction(2363), "INJ-2363");
    }

    #[test]
    fn injonction_numbers_are_read_with_an_optional_prefix() {
        for typed in [
            "INJ-2363",
            "inj-2363",
            "Inj-2363",
            " INJ-2363 ",
            "INJ2363",
            "INJ 2363",
            "2363",
        ] {
            assert_eq!(parse_injonction(typed), Some(2363), "{typed}");
        }
        for bad in [
            "",
            "INJ-",
            "INJ-23a",
            "IN-2363",
            "2025-42",
            "-2363",
            "+2363",
            "INJ-99999999999",
        ] {
            assert_eq!(parse_injonction(bad), None, "{bad}");
        }
    }

    #[test]
    fn landlord_alphabet_has_32_distinct_unambiguous_symbols() {
        let mut seen = std::collections::BTreeSet::new();
        for symbol in LANDLORD_CODE_ALPHABET {
            assert!(seen.insert(*symbol), "duplicate {}", char::from(*symbol));
        }
        assert_eq!(seen.len(), 32);
        for look_alike in [b'0', b'1', b'O', b'I'] {
            assert!(!seen.contains(&look_alike));
        }
        assert!(seen.contains(&b'W'));
    }

    #[test]
    fn rule_3_landlord_code_shape() {
        let code = landlord_code([0; 16]);
        assert_eq!(code, "2222-2222-2222-2222");
        let code = landlord_code(core::array::from_fn(|i| u8::try_from(i * 17).unwrap_or(0)));
        assert_eq!(code.len(), 19);
        assert_eq!(landlord_code([31; 16]), "ZZZZ-ZZZZ-ZZZZ-ZZZZ");
        assert_eq!(landlord_code([32; 16]), landlord_code([0; 16]));
    }

    #[test]
    fn typed_landlord_codes_are_normalised() {
        assert_eq!(
            normalize_landlord_code(" abcd efgh-jklm npqr "),
            Some("ABCD-EFGH-JKLM-NPQR".to_owned())
        );
        assert_eq!(normalize_landlord_code("ABCD-EFGH-JKLM-NPQ"), None);
        assert_eq!(normalize_landlord_code("ABCD-EFGH-JKLM-NPQ0"), None);
        assert_eq!(normalize_landlord_code("ABCD-EFGH-JKLM-NPQÉ"), None);
    }

    #[test]
    fn search_detects_exact_reference_queries() {
        assert!(is_reference_query("2025-42"));
        assert!(is_reference_query(" 2025-42 "));
        assert!(!is_reference_query("2025-42 rue"));
        assert!(!is_reference_query("Dupont"));
        assert!(!is_reference_query("INJ-2363"));
    }

    #[test]
    fn serde_uses_the_displayed_form() {
        let json = serde_json::to_string(&Reference::new(2025, 42)).expect("serialises");
        assert_eq!(json, "\"2025-42\"");
        assert_eq!(
            serde_json::from_str::<Reference>(&json).ok(),
            Some(Reference::new(2025, 42))
        );
        assert!(serde_json::from_str::<Reference>("\"2025-TEMPORAIRE\"").is_err());
    }

    proptest! {
        #[test]
        fn every_landlord_code_is_well_formed(random in any::<[u8; 16]>()) {
            let code = landlord_code(random);
            prop_assert_eq!(code.len(), 19);
            for (i, b) in code.bytes().enumerate() {
                if i % 5 == 4 {
                    prop_assert_eq!(b, b'-');
                } else {
                    prop_assert!(LANDLORD_CODE_ALPHABET.contains(&b));
                }
            }
            prop_assert_eq!(normalize_landlord_code(&code.to_lowercase()), Some(code.clone()));
        }

        #[test]
        fn references_round_trip(year in 0i32..10_000, number in 0u32..1_000_000) {
            let reference = Reference::new(year, number);
            prop_assert_eq!(Reference::parse(&reference.to_string()), Ok(reference));
        }

        #[test]
        fn injonction_numbers_round_trip(number in any::<u32>()) {
            prop_assert_eq!(parse_injonction(&display_injonction(number)), Some(number));
        }
    }
}
