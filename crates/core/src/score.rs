//! V2 criticité score (domain.md §5.2, rule 24): the coefs of the linked
//! précisions, summed per zone and scaled by the grid's maxima.

use serde::{Deserialize, Serialize};

use crate::desordres::DesordreGrid;
use crate::enums::DesordreZone;

/// The stored score never exceeds 100 (rule 24).
pub const SCORE_CAP: f64 = 100.0;

/// A case's criticité. `score` is capped at 100; the two halves are stored
/// uncapped, as the reference platform does (rule 24), so that they still
/// tell which zone is the worse when both overflow.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Score {
    pub score: f64,
    pub score_batiment: f64,
    pub score_logement: f64,
}

/// Computes the V2 score of a case from the slugs of its précisions.
///
/// Unknown slugs are ignored and a slug listed twice counts once (a case
/// links a précision at most once). `children` is the composition's
/// "enfants: oui"; it multiplies the score by the grid's bonus before the cap.
pub fn compute(grid: &DesordreGrid, precision_slugs: &[String], children: bool) -> Score {
    let (sum_batiment, sum_logement) = sums_per_zone(grid, precision_slugs);
    let score_batiment = sum_batiment / grid.max_batiment() * 100.0;
    let score_logement = sum_logement / grid.max_logement() * 100.0;
    let mut score = (score_batiment + score_logement) / 2.0;
    if children {
        score *= grid.children_bonus();
    }
    Score {
        score: score.min(SCORE_CAP),
        score_batiment,
        score_logement,
    }
}

/// Σ coef of the linked précisions, (bâtiment, logement).
fn sums_per_zone(grid: &DesordreGrid, precision_slugs: &[String]) -> (f64, f64) {
    grid.linked(precision_slugs)
        .iter()
        .fold((0.0, 0.0), |(batiment, logement), p| match p.zone() {
            DesordreZone::Batiment => (batiment + p.precision.coef, logement),
            DesordreZone::Logement => (batiment, logement + p.precision.coef),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EPSILON: f64 = 1e-6;

    /// coef 6, zone BATIMENT.
    const BAT_6: &str = "desordres_batiment_securite_toit";
    /// coef 12, zone LOGEMENT.
    const LOG_12: &str = "desordres_logement_lumiere_pas_lumiere_pieces_piece_a_vivre";
    /// coef 3, zone LOGEMENT.
    const LOG_3: &str = "desordres_logement_eau_eau_potable";

    fn slugs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < EPSILON,
            "expected {expected}, got {actual}"
        );
    }

    #[test]
    fn example_slugs_have_the_example_coefs() {
        let grid = DesordreGrid::reference();
        for (slug, coef, zone) in [
            (BAT_6, 6.0, DesordreZone::Batiment),
            (LOG_12, 12.0, DesordreZone::Logement),
            (LOG_3, 3.0, DesordreZone::Logement),
        ] {
            let p = grid.precision(slug).expect("exists");
            assert_eq!(p.precision.coef, coef);
            assert_eq!(p.zone(), zone);
        }
    }

    #[test]
    fn reference_example_without_children() {
        let score = compute(
            DesordreGrid::reference(),
            &slugs(&[BAT_6, LOG_12, LOG_3]),
            false,
        );
        assert_close(score.score_batiment, 7.142857);
        assert_close(score.score_logement, 14.705882);
        assert_close(score.score, 10.924369);
    }

    #[test]
    fn reference_example_with_children() {
        let score = compute(
            DesordreGrid::reference(),
            &slugs(&[BAT_6, LOG_12, LOG_3]),
            true,
        );
        assert_close(score.score, 12.016807);
        // The bonus applies to the score only.
        assert_close(score.score_batiment, 7.142857);
        assert_close(score.score_logement, 14.705882);
    }

    #[test]
    fn no_desordre_scores_zero() {
        let score = compute(DesordreGrid::reference(), &[], true);
        assert_eq!(score, Score::default());
    }

    #[test]
    fn unknown_and_repeated_slugs_do_not_count() {
        let score = compute(
            DesordreGrid::reference(),
            &slugs(&[BAT_6, "unknown", LOG_12, LOG_3, BAT_6, LOG_3]),
            false,
        );
        assert_close(score.score, 10.924369);
    }

    #[test]
    fn every_precision_caps_at_100_with_uncapped_halves() {
        let grid = DesordreGrid::reference();
        let all: Vec<String> = grid.precisions().map(|p| p.slug().to_string()).collect();
        let score = compute(grid, &all, false);
        assert_eq!(score.score, 100.0);
        // Σ bâtiment = 109, Σ logement = 264.5 in the reference grid.
        assert_close(score.score_batiment, 109.0 / 84.0 * 100.0);
        assert_close(score.score_logement, 264.5 / 102.0 * 100.0);
        assert!(score.score_batiment > 100.0 && score.score_logement > 100.0);
    }

    #[test]
    fn children_bonus_at_the_cap_stays_100() {
        let grid = DesordreGrid::reference();
        let all: Vec<String> = grid.precisions().map(|p| p.slug().to_string()).collect();
        assert_eq!(compute(grid, &all, true).score, 100.0);
    }

    proptest! {
        #[test]
        fn score_is_between_0_and_100_and_order_free(
            picks in proptest::collection::vec(0usize..195, 0..60),
            children in any::<bool>(),
        ) {
            let grid = DesordreGrid::reference();
            let all: Vec<String> = grid.precisions().map(|p| p.slug().to_string()).collect();
            let chosen: Vec<String> = picks.iter().map(|&i| all[i % all.len()].clone()).collect();
            let score = compute(grid, &chosen, children);
            prop_assert!((0.0..=SCORE_CAP).contains(&score.score));
            prop_assert!(score.score_batiment >= 0.0 && score.score_logement >= 0.0);

            let mut reversed = chosen.clone();
            reversed.reverse();
            let other = compute(grid, &reversed, children);
            prop_assert!((other.score - score.score).abs() < EPSILON);
        }
    }
}
