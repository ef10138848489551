//! The identity check of the usager's tracking page (domain.md §4.5,
//! rule 23).
//!
//! Knowing the code de suivi (the URL) is not enough: the visitor also
//! gives the initials of the person he says he is and the occupant's postal
//! code. The code itself is matched by the caller (a lookup by code); this
//! module decides whether the rest of the claim fits the case.

use crate::enums::UsagerSide;

/// What the visitor typed on the identity form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityClaim {
    side: UsagerSide,
    first_initial: String,
    last_initial: String,
    postal_code: String,
}

impl IdentityClaim {
    /// `first_initial` / `last_initial` are the first letters of the first
    /// and last names as typed (a whole name is tolerated: only its first
    /// letter counts).
    pub fn new(
        side: UsagerSide,
        first_initial: impl Into<String>,
        last_initial: impl Into<String>,
        postal_code: impl Into<String>,
    ) -> Self {
        Self {
            side,
            first_initial: first_initial.into(),
            last_initial: last_initial.into(),
            postal_code: postal_code.into(),
        }
    }

    pub fn side(&self) -> UsagerSide {
        self.side
    }
}

/// A person's names as stored on the signalement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PersonNames<'a> {
    pub prenom: Option<&'a str>,
    pub nom: Option<&'a str>,
}

/// What the case says about its occupant and declarant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExpectedIdentity<'a> {
    /// `prenomOccupant`, `nomOccupant`.
    pub occupant: PersonNames<'a>,
    /// `prenomDeclarant`, `nomDeclarant`.
    pub declarant: PersonNames<'a>,
    /// Whether the declarant is a tiers (profile SERVICE_SECOURS, BAILLEUR,
    /// TIERS_PRO or TIERS_PARTICULIER: `ProfileDeclarant::is_tiers`). Only
    /// then is the "déclarant" side offered.
    pub declarant_is_tiers: bool,
    /// `cpOccupant`.
    pub cp_occupant: Option<&'a str>,
}

/// The identity check failed. Deliberately says nothing about which part
/// did not match, so the page cannot help someone guess initials or postal
/// code one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "Les informations saisies ne correspondent pas à ce signalement. Vérifiez les initiales et le code postal."
)]
pub struct AccessDenied;

/// Rule 23 / §4.5: the claim is accepted when the initials of the chosen
/// person (occupant, or the declarant when he is a tiers) match the stored
/// names — ASCII-folded and case-insensitive, so "e" matches "Élodie" —
/// and the postal code equals `cpOccupant` (whatever the side: it is the
/// housing's address). A missing stored name or postal code never matches.
///
/// Every part is evaluated, whatever fails first, so the answer takes the
/// same work either way.
pub fn check_identity(
    claim: &IdentityClaim,
    expected: &ExpectedIdentity,
) -> Result<(), AccessDenied> {
    let (names, side_allowed) = match claim.side {
        UsagerSide::Occupant => (expected.occupant, true),
        UsagerSide::Declarant => (expected.declarant, expected.declarant_is_tiers),
    };
    let first_ok = initials_match(&claim.first_initial, names.prenom);
    let last_ok = initials_match(&claim.last_initial, names.nom);
    let postal_ok = expected
        .cp_occupant
        .map(str::trim)
        .is_some_and(|cp| !cp.is_empty() && cp == claim.postal_code.trim());
    if side_allowed & first_ok & last_ok & postal_ok {
        Ok(())
    } else {
        Err(AccessDenied)
    }
}

/// The first letter or digit of a name once transliterated to ASCII and
/// upper-cased: "Élodie" → 'E', "œuvre" → 'O', " d'Arc" → 'D'.
pub fn initial(name: &str) -> Option<char> {
    deunicode::deunicode(name.trim())
        .chars()
        .find(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
}

fn initials_match(typed: &str, stored: Option<&str>) -> bool {
    match (initial(typed), stored.and_then(initial)) {
        (Some(typed), Some(stored)) => typed == stored,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(declarant_is_tiers: bool) -> ExpectedIdentity<'static> {
        ExpectedIdentity {
            occupant: PersonNames {
                prenom: Some("Élodie"),
                nom: Some("Œillet"),
            },
            declarant: PersonNames {
                prenom: Some("Marc"),
                nom: Some("Dupont"),
            },
            declarant_is_tiers,
            cp_occupant: Some("13001"),
        }
    }

    fn occupant(first: &str, last: &str, cp: &str) -> IdentityClaim {
        IdentityClaim::new(UsagerSide::Occupant, first, last, cp)
    }

    #[test]
    fn occupant_initials_match_without_regard_to_accents_or_case() {
        for (first, last) in [
            ("E", "O"),
            ("e", "o"),
            ("É", "Œ"),
            ("é", "œ"),
            (" e ", "O"),
            ("Élodie", "Oeillet"),
        ] {
            assert_eq!(
                check_identity(&occupant(first, last, "13001"), &case(false)),
                Ok(()),
                "{first} {last}"
            );
        }
        assert_eq!(
            check_identity(&occupant("E", "O", " 13001 "), &case(true)),
            Ok(())
        );
    }

    #[test]
    fn wrong_initial_or_postcode_is_refused_the_same_way() {
        for claim in [
            occupant("A", "O", "13001"),
            occupant("E", "D", "13001"),
            occupant("E", "O", "13002"),
            occupant("E", "O", ""),
            occupant("", "O", "13001"),
        ] {
            assert_eq!(check_identity(&claim, &case(false)), Err(AccessDenied));
        }
    }

    #[test]
    fn a_tiers_may_choose_the_declarant_side() {
        let declarant = IdentityClaim::new(UsagerSide::Declarant, "m", "d", "13001");
        assert_eq!(check_identity(&declarant, &case(true)), Ok(()));
        // The declarant's own initials do not open the occupant side.
        assert_eq!(
            check_identity(&occupant("M", "D", "13001"), &case(true)),
            Err(AccessDenied)
        );
        // The postal code is still the occupant's (the housing's).
        let elsewhere = IdentityClaim::new(UsagerSide::Declarant, "M", "D", "75001");
        assert_eq!(check_identity(&elsewhere, &case(true)), Err(AccessDenied));
    }

    #[test]
    fn without_a_tiers_only_the_occupant_side_is_accepted() {
        let declarant = IdentityClaim::new(UsagerSide::Declarant, "M", "D", "13001");
        assert_eq!(check_identity(&declarant, &case(false)), Err(AccessDenied));
        let same_names = IdentityClaim::new(UsagerSide::Declarant, "E", "O", "13001");
        assert_eq!(check_identity(&same_names, &case(false)), Err(AccessDenied));
    }

    #[test]
    fn missing_stored_data_never_matches() {
        let mut expected = case(false);
        expected.cp_occupant = None;
        assert_eq!(
            check_identity(&occupant("E", "O", ""), &expected),
            Err(AccessDenied)
        );
        let mut expected = case(false);
        expected.occupant.prenom = None;
        assert_eq!(
            check_identity(&occupant("", "O", "13001"), &expected),
            Err(AccessDenied)
        );
        let mut expected = case(false);
        expected.cp_occupant = Some("  ");
        assert_eq!(
            check_identity(&occupant("E", "O", "  "), &expected),
            Err(AccessDenied)
        );
    }

    #[test]
    fn initials_are_ascii_folded() {
        assert_eq!(initial("Élodie"), Some('E'));
        assert_eq!(initial("œuvre"), Some('O'));
        assert_eq!(initial(" d'Arc"), Some('D'));
        assert_eq!(initial("Ünal"), Some('U'));
        assert_eq!(initial("  "), None);
        assert_eq!(initial("-"), None);
    }

    #[test]
    fn the_refusal_reveals_nothing() {
        let message = AccessDenied.to_string();
        assert!(message.contains("initiales") && message.contains("code postal"));
    }
}
