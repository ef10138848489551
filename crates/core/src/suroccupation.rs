//! Suroccupation (domain.md §5.6, rule 28): whether the household is too
//! large for the logement, which links one of two précisions of the grid.

use crate::desordres::{SUROCCUPATION_ALLOCATAIRE, SUROCCUPATION_NON_ALLOCATAIRE};

/// Minimum surface of an allocataire household of one (CAF decency norm).
const SURFACE_UN_OCCUPANT: f64 = 9.0;
/// Minimum surface of an allocataire household of two.
const SURFACE_DEUX_OCCUPANTS: f64 = 16.0;
/// Extra surface per occupant beyond two.
const SURFACE_PAR_OCCUPANT_SUPPLEMENTAIRE: f64 = 9.0;

/// The facts of the composition the rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SuroccupationInput {
    pub nb_occupants: Option<u32>,
    /// `logementSocialAllocation = 'oui'`; unknown counts as not allocataire.
    pub allocataire: bool,
    /// Surface in m².
    pub superficie: Option<f64>,
    pub nb_pieces: Option<u32>,
}

/// The suroccupation précision the case should link, if any (rule 28).
///
/// Allocataires are judged on surface (CAF norm: 9 m² for one, 16 m² for
/// two, 9 m² more per extra occupant) and need a known surface; other
/// households on rooms: fewer rooms than half the occupants. A rule whose
/// facts are unknown does not conclude to suroccupation.
pub fn suroccupation_precision(input: &SuroccupationInput) -> Option<&'static str> {
    let occupants = input.nb_occupants.filter(|&n| n > 0)?;
    if input.allocataire {
        let superficie = input.superficie?;
        (superficie < surface_minimale_allocataire(occupants)).then_some(SUROCCUPATION_ALLOCATAIRE)
    } else {
        let pieces = input.nb_pieces?;
        // pieces < n / 2 in real numbers, i.e. 2 × pieces < n in integers.
        (2 * u64::from(pieces) < u64::from(occupants)).then_some(SUROCCUPATION_NON_ALLOCATAIRE)
    }
}

/// Surface under which an allocataire household of `occupants` (≥ 1) is
/// suroccupant.
fn surface_minimale_allocataire(occupants: u32) -> f64 {
    match occupants {
        1 => SURFACE_UN_OCCUPANT,
        2 => SURFACE_DEUX_OCCUPANTS,
        n => SURFACE_DEUX_OCCUPANTS + SURFACE_PAR_OCCUPANT_SUPPLEMENTAIRE * f64::from(n - 2),
    }
}

/// Whether `slug` is one of the two suroccupation précisions.
pub fn is_suroccupation_precision(slug: &str) -> bool {
    slug == SUROCCUPATION_ALLOCATAIRE || slug == SUROCCUPATION_NON_ALLOCATAIRE
}

/// The case's précisions after re-evaluating suroccupation: both
/// suroccupation précisions are removed, then the one that applies (if any)
/// is added (§5.6). Other précisions keep their order.
pub fn reconcile(precision_slugs: &[String], input: &SuroccupationInput) -> Vec<String> {
    let mut slugs: Vec<String> = precision_slugs
        .iter()
        .filter(|slug| !is_suroccupation_precision(slug))
        .cloned()
        .collect();
    if let Some(slug) = suroccupation_precision(input) {
        slugs.push(slug.to_string());
    }
    slugs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allocataire(nb_occupants: u32, superficie: f64) -> SuroccupationInput {
        SuroccupationInput {
            nb_occupants: Some(nb_occupants),
            allocataire: true,
            superficie: Some(superficie),
            nb_pieces: None,
        }
    }

    fn non_allocataire(nb_occupants: u32, nb_pieces: u32) -> SuroccupationInput {
        SuroccupationInput {
            nb_occupants: Some(nb_occupants),
            allocataire: false,
            superficie: None,
            nb_pieces: Some(nb_pieces),
        }
    }

    #[test]
    fn domain_example_four_allocataires() {
        assert_eq!(
            suroccupation_precision(&allocataire(4, 30.0)),
            Some(SUROCCUPATION_ALLOCATAIRE)
        );
        assert_eq!(suroccupation_precision(&allocataire(4, 34.0)), None);
        assert_eq!(
            suroccupation_precision(&allocataire(4, 33.99)),
            Some(SUROCCUPATION_ALLOCATAIRE)
        );
    }

    #[test]
    fn allocataire_boundaries_for_one_and_two() {
        assert_eq!(
            suroccupation_precision(&allocataire(1, 8.9)),
            Some(SUROCCUPATION_ALLOCATAIRE)
        );
        assert_eq!(suroccupation_precision(&allocataire(1, 9.0)), None);
        assert_eq!(
            suroccupation_precision(&allocataire(2, 15.9)),
            Some(SUROCCUPATION_ALLOCATAIRE)
        );
        assert_eq!(suroccupation_precision(&allocataire(2, 16.0)), None);
        assert_eq!(
            suroccupation_precision(&allocataire(3, 24.9)),
            Some(SUROCCUPATION_ALLOCATAIRE)
        );
        assert_eq!(suroccupation_precision(&allocataire(3, 25.0)), None);
    }

    #[test]
    fn allocataire_without_surface_is_not_judged_on_rooms() {
        let input = SuroccupationInput {
            superficie: None,
            nb_pieces: Some(1),
            ..allocataire(6, 0.0)
        };
        assert_eq!(suroccupation_precision(&input), None);
    }

    #[test]
    fn non_allocataire_uses_real_division() {
        // 3 people, 1 room: 1 < 1.5.
        assert_eq!(
            suroccupation_precision(&non_allocataire(3, 1)),
            Some(SUROCCUPATION_NON_ALLOCATAIRE)
        );
        // 4 people, 2 rooms: 2 < 2 is false.
        assert_eq!(suroccupation_precision(&non_allocataire(4, 2)), None);
        assert_eq!(
            suroccupation_precision(&non_allocataire(5, 2)),
            Some(SUROCCUPATION_NON_ALLOCATAIRE)
        );
        assert_eq!(
            suroccupation_precision(&non_allocataire(1, 0)),
            Some(SUROCCUPATION_NON_ALLOCATAIRE)
        );
        assert_eq!(suroccupation_precision(&non_allocataire(2, 1)), None);
    }

    #[test]
    fn non_allocataire_ignores_the_surface_and_needs_rooms() {
        let small = SuroccupationInput {
            superficie: Some(5.0),
            ..non_allocataire(2, 1)
        };
        assert_eq!(suroccupation_precision(&small), None);
        let unknown_rooms = SuroccupationInput {
            nb_pieces: None,
            ..non_allocataire(6, 0)
        };
        assert_eq!(suroccupation_precision(&unknown_rooms), None);
    }

    #[test]
    fn unknown_or_zero_occupants_is_no_suroccupation() {
        let unknown = SuroccupationInput {
            nb_occupants: None,
            ..allocataire(1, 1.0)
        };
        assert_eq!(suroccupation_precision(&unknown), None);
        assert_eq!(suroccupation_precision(&allocataire(0, 1.0)), None);
        assert_eq!(suroccupation_precision(&non_allocataire(0, 0)), None);
    }

    #[test]
    fn reconcile_swaps_and_removes_the_precisions() {
        let other = "desordres_logement_eau_eau_potable".to_string();
        let before = vec![other.clone(), SUROCCUPATION_NON_ALLOCATAIRE.to_string()];
        assert_eq!(
            reconcile(&before, &allocataire(4, 30.0)),
            vec![other.clone(), SUROCCUPATION_ALLOCATAIRE.to_string()]
        );
        assert_eq!(reconcile(&before, &allocataire(4, 40.0)), vec![other]);
    }
}
