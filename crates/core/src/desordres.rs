//! The V2 désordres grid (domain.md §1.13) as data: catégories → critères →
//! précisions, each précision with its coef, its flags (danger,
//! suroccupation, insalubrité obligatoire) and the qualifications it
//! suggests.
//!
//! The grid is a file (`data/desordres-grid.json`) rather than code so that a
//! revised grid brings its own maxima (domain.md §8.10); the reference grid is
//! embedded at build time so that the core never reads a file at run time.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::enums::{DesordreZone, Qualification};

/// Précision added when an allocataire household lacks surface (rule 28).
pub const SUROCCUPATION_ALLOCATAIRE: &str =
    "desordres_type_composition_logement_suroccupation_allocataire";
/// Précision added when a non-allocataire household lacks rooms (rule 28).
pub const SUROCCUPATION_NON_ALLOCATAIRE: &str =
    "desordres_type_composition_logement_suroccupation_non_allocataire";

/// Précisions derived from the composition of the logement rather than
/// chosen by the declarant (§1.13); the composition step adds and removes
/// them itself.
pub mod composition {
    /// The logement is under the roof (coef 24, insalubrité obligatoire).
    pub const SOUS_COMBLES: &str = "desordres_type_composition_logement_sous_combles";
    /// The logement is in a basement without window (coef 24, insalubrité obligatoire).
    pub const SOUS_SOL: &str = "desordres_type_composition_logement_sous_sol";
    /// Single-room logement under 9 m².
    pub const PIECE_UNIQUE_SUPERFICIE: &str =
        "desordres_type_composition_logement_piece_unique_superficie";
    /// Several rooms, none of 9 m² or more.
    pub const AUCUNE_PIECE_9: &str =
        "desordres_type_composition_logement_plusieurs_pieces_aucune_piece_9";
    /// No kitchen, but a collective one.
    pub const CUISINE_COLLECTIVE_OUI: &str =
        "desordres_type_composition_logement_cuisine_collective_oui";
    /// No kitchen at all.
    pub const CUISINE_COLLECTIVE_NON: &str =
        "desordres_type_composition_logement_cuisine_collective_non";
    /// No bathroom, but a collective one.
    pub const DOUCHE_COLLECTIVE_OUI: &str =
        "desordres_type_composition_logement_douche_collective_oui";
    /// No bathroom at all.
    pub const DOUCHE_COLLECTIVE_NON: &str =
        "desordres_type_composition_logement_douche_collective_non";
    /// No WC, but collective ones.
    pub const WC_COLLECTIF_OUI: &str = "desordres_type_composition_logement_wc_collectif_oui";
    /// No WC at all.
    pub const WC_COLLECTIF_NON: &str = "desordres_type_composition_logement_wc_collectif_non";
    /// WC opening on the kitchen.
    pub const WC_CUISINE_ENSEMBLE: &str = "desordres_type_composition_logement_wc_cuisine_ensemble";
    /// See [`super::SUROCCUPATION_ALLOCATAIRE`].
    pub const SUROCCUPATION_ALLOCATAIRE: &str = super::SUROCCUPATION_ALLOCATAIRE;
    /// See [`super::SUROCCUPATION_NON_ALLOCATAIRE`].
    pub const SUROCCUPATION_NON_ALLOCATAIRE: &str = super::SUROCCUPATION_NON_ALLOCATAIRE;

    /// Every précision derived from the composition.
    pub const ALL: &[&str] = &[
        SOUS_COMBLES,
        SOUS_SOL,
        PIECE_UNIQUE_SUPERFICIE,
        AUCUNE_PIECE_9,
        CUISINE_COLLECTIVE_OUI,
        CUISINE_COLLECTIVE_NON,
        DOUCHE_COLLECTIVE_OUI,
        DOUCHE_COLLECTIVE_NON,
        WC_COLLECTIF_OUI,
        WC_COLLECTIF_NON,
        WC_CUISINE_ENSEMBLE,
        SUROCCUPATION_ALLOCATAIRE,
        SUROCCUPATION_NON_ALLOCATAIRE,
    ];
}

/// The reference grid, embedded so that no file is read at run time.
const REFERENCE_JSON: &str = include_str!("../../../data/desordres-grid.json");

/// Why a grid file was rejected.
#[derive(Debug, thiserror::Error)]
pub enum GridError {
    #[error("the désordres grid does not match its format: {0}")]
    Json(#[from] serde_json::Error),
    #[error("critère slug `{0}` appears more than once in the grid")]
    DuplicateCritere(String),
    #[error("précision slug `{0}` appears more than once in the grid")]
    DuplicatePrecision(String),
    #[error("`{name}` must be a finite number greater than 0, not {value}")]
    InvalidConstant { name: &'static str, value: f64 },
    #[error("précision `{slug}` has coef {coef}; a coef is a finite number >= 0")]
    InvalidCoef { slug: String, coef: f64 },
}

/// One answer the declarant can give about a critère; what the case links to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesordrePrecision {
    pub slug: String,
    /// Empty when the critère has a single précision (the critère's label is shown).
    #[serde(default)]
    pub label: String,
    /// Weight in the V2 score (rule 24).
    pub coef: f64,
    /// Suggests DANGER_CHECK (rule 27).
    #[serde(default)]
    pub danger: bool,
    /// Suggests SUROCCUPATION_CHECK (rule 27).
    #[serde(default)]
    pub suroccupation: bool,
    /// Makes INSALUBRITE_CHECK obligatoire whatever the score (rule 26).
    #[serde(default)]
    pub insalubrite: bool,
    /// At most one précision of the critère can be chosen (`configIsUnique`).
    #[serde(default)]
    pub unique: bool,
    /// Qualifications this précision suggests (§5.3).
    #[serde(default)]
    pub qualifications: Vec<Qualification>,
}

impl DesordrePrecision {
    /// Whether this précision suggests `qualification`.
    pub fn carries(&self, qualification: Qualification) -> bool {
        self.qualifications.contains(&qualification)
    }
}

/// A question of the form, in a catégorie and a zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesordreCritere {
    pub slug: String,
    pub label: String,
    /// Decides which half of the score the précisions count in (rule 24).
    pub zone: DesordreZone,
    pub categorie_slug: String,
    pub categorie_label: String,
    /// Label of the broader family shown in the back office.
    #[serde(default)]
    pub famille: String,
    /// Label of the free-text field, for critères that ask for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision_libre_label: Option<String>,
    pub precisions: Vec<DesordrePrecision>,
}

/// A catégorie as the form groups critères; its zone is not stored because
/// `service_secours` spans both zones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DesordreCategorie {
    pub slug: String,
    pub label: String,
}

/// A précision found in the grid, with the critère it belongs to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrecisionRef<'g> {
    pub precision: &'g DesordrePrecision,
    pub critere: &'g DesordreCritere,
}

impl<'g> PrecisionRef<'g> {
    pub fn slug(&self) -> &'g str {
        &self.precision.slug
    }

    pub fn zone(&self) -> DesordreZone {
        self.critere.zone
    }

    pub fn critere_slug(&self) -> &'g str {
        &self.critere.slug
    }

    pub fn categorie_slug(&self) -> &'g str {
        &self.critere.categorie_slug
    }
}

/// The file as written, before validation.
#[derive(Debug, Deserialize)]
struct RawGrid {
    version: String,
    max_batiment: f64,
    max_logement: f64,
    children_bonus: f64,
    criteres: Vec<DesordreCritere>,
}

/// A validated désordres grid: slugs are unique, maxima are positive, coefs
/// are not negative. Deserializing one runs the same validation as
/// [`DesordreGrid::from_json`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawGrid")]
pub struct DesordreGrid {
    version: String,
    max_batiment: f64,
    max_logement: f64,
    children_bonus: f64,
    criteres: Vec<DesordreCritere>,
    categories: Vec<DesordreCategorie>,
    critere_index: HashMap<String, usize>,
    /// précision slug → (critère position, précision position in it).
    precision_index: HashMap<String, (usize, usize)>,
}

impl DesordreGrid {
    /// The grid of the reference platform (`data/desordres-grid.json`),
    /// parsed once.
    pub fn reference() -> &'static DesordreGrid {
        static GRID: OnceLock<DesordreGrid> = OnceLock::new();
        GRID.get_or_init(|| {
            DesordreGrid::from_json(REFERENCE_JSON).expect(
                "data/desordres-grid.json, embedded at build time, must be a valid désordres grid \
                 (checked by desordres::tests::reference_grid_is_valid)",
            )
        })
    }

    /// Reads and validates a grid file.
    pub fn from_json(json: &str) -> Result<DesordreGrid, GridError> {
        let raw: RawGrid = serde_json::from_str(json)?;
        DesordreGrid::try_from(raw)
    }

    /// Identifies the grid revision a score was computed with.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Σ coef that makes the bâtiment half of the score 100 (84 for the
    /// reference grid, a constant rather than the grid's real sum, §8.10).
    pub fn max_batiment(&self) -> f64 {
        self.max_batiment
    }

    /// Σ coef that makes the logement half of the score 100 (102 for the
    /// reference grid).
    pub fn max_logement(&self) -> f64 {
        self.max_logement
    }

    /// Factor applied to the score when children live in the logement (1.1).
    pub fn children_bonus(&self) -> f64 {
        self.children_bonus
    }

    /// Critères in file order.
    pub fn criteres(&self) -> &[DesordreCritere] {
        &self.criteres
    }

    /// Distinct catégories in the order they first appear in the file.
    pub fn categories(&self) -> &[DesordreCategorie] {
        &self.categories
    }

    pub fn critere(&self, slug: &str) -> Option<&DesordreCritere> {
        self.critere_index.get(slug).map(|&i| &self.criteres[i])
    }

    /// The précisions of a critère, `None` for an unknown critère.
    pub fn precisions_of_critere(&self, slug: &str) -> Option<&[DesordrePrecision]> {
        self.critere(slug).map(|c| c.precisions.as_slice())
    }

    pub fn precision(&self, slug: &str) -> Option<PrecisionRef<'_>> {
        let &(c, p) = self.precision_index.get(slug)?;
        let critere = &self.criteres[c];
        Some(PrecisionRef {
            precision: &critere.precisions[p],
            critere,
        })
    }

    /// Every précision of the grid, in file order.
    pub fn precisions(&self) -> impl Iterator<Item = PrecisionRef<'_>> {
        self.criteres.iter().flat_map(|critere| {
            critere
                .precisions
                .iter()
                .map(move |precision| PrecisionRef { precision, critere })
        })
    }

    /// The précisions a case links to, in the given order: a slug listed
    /// twice counts once and a slug unknown to this grid is ignored, so that
    /// a case saved under an older grid still scores (rule 24).
    pub fn linked(&self, precision_slugs: &[String]) -> Vec<PrecisionRef<'_>> {
        let mut seen = HashSet::new();
        precision_slugs
            .iter()
            .filter(|slug| seen.insert(slug.as_str()))
            .filter_map(|slug| self.precision(slug))
            .collect()
    }
}

impl TryFrom<RawGrid> for DesordreGrid {
    type Error = GridError;

    fn try_from(raw: RawGrid) -> Result<Self, GridError> {
        check_constant("max_batiment", raw.max_batiment)?;
        check_constant("max_logement", raw.max_logement)?;
        check_constant("children_bonus", raw.children_bonus)?;

        let mut critere_index = HashMap::new();
        let mut precision_index = HashMap::new();
        let mut categories: Vec<DesordreCategorie> = Vec::new();
        for (c, critere) in raw.criteres.iter().enumerate() {
            if critere_index.insert(critere.slug.clone(), c).is_some() {
                return Err(GridError::DuplicateCritere(critere.slug.clone()));
            }
            if !categories.iter().any(|k| k.slug == critere.categorie_slug) {
                categories.push(DesordreCategorie {
                    slug: critere.categorie_slug.clone(),
                    label: critere.categorie_label.clone(),
                });
            }
            for (p, precision) in critere.precisions.iter().enumerate() {
                if !(precision.coef.is_finite() && precision.coef >= 0.0) {
                    return Err(GridError::InvalidCoef {
                        slug: precision.slug.clone(),
                        coef: precision.coef,
                    });
                }
                if precision_index
                    .insert(precision.slug.clone(), (c, p))
                    .is_some()
                {
                    return Err(GridError::DuplicatePrecision(precision.slug.clone()));
                }
            }
        }

        Ok(DesordreGrid {
            version: raw.version,
            max_batiment: raw.max_batiment,
            max_logement: raw.max_logement,
            children_bonus: raw.children_bonus,
            criteres: raw.criteres,
            categories,
            critere_index,
            precision_index,
        })
    }
}

/// Maxima divide the score and the bonus multiplies it: zero, negative or
/// non-finite values would make every score meaningless.
fn check_constant(name: &'static str, value: f64) -> Result<(), GridError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(GridError::InvalidConstant { name, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid_json(criteres: &str) -> String {
        format!(
            r#"{{"version":"t","max_batiment":84.0,"max_logement":102.0,"children_bonus":1.1,"criteres":[{criteres}]}}"#
        )
    }

    fn critere(slug: &str, precisions: &str) -> String {
        format!(
            r#"{{"slug":"{slug}","label":"L","zone":"LOGEMENT","categorie_slug":"cat","categorie_label":"Cat","famille":"F","precisions":[{precisions}]}}"#
        )
    }

    fn precision(slug: &str, coef: f64) -> String {
        format!(
            r#"{{"slug":"{slug}","label":"","coef":{coef},"danger":false,"suroccupation":false,"insalubrite":false,"unique":false,"qualifications":["RSD"]}}"#
        )
    }

    #[test]
    fn reference_grid_is_valid() {
        let grid = DesordreGrid::from_json(REFERENCE_JSON).expect("reference grid parses");
        assert_eq!(grid.max_batiment(), 84.0);
        assert_eq!(grid.max_logement(), 102.0);
        assert_eq!(grid.children_bonus(), 1.1);
        assert_eq!(grid.criteres().len(), 84);
        assert_eq!(grid.precisions().count(), 195);
        assert_eq!(grid.categories().len(), 21);
    }

    #[test]
    fn reference_grid_has_the_fixture_zones() {
        let grid = DesordreGrid::reference();
        let batiment = grid
            .criteres()
            .iter()
            .filter(|c| c.zone == DesordreZone::Batiment)
            .count();
        assert_eq!(batiment, 34);
        assert_eq!(grid.criteres().len() - batiment, 50);
    }

    #[test]
    fn suroccupation_constants_name_suroccupation_precisions() {
        let grid = DesordreGrid::reference();
        for slug in [SUROCCUPATION_ALLOCATAIRE, SUROCCUPATION_NON_ALLOCATAIRE] {
            let found = grid
                .precision(slug)
                .expect("suroccupation précision exists");
            assert!(found.precision.suroccupation);
            assert_eq!(found.zone(), DesordreZone::Logement);
            assert_eq!(
                found.critere_slug(),
                "desordres_type_composition_logement_suroccupation"
            );
        }
        let flagged: Vec<_> = grid
            .precisions()
            .filter(|p| p.precision.suroccupation)
            .map(|p| p.slug())
            .collect();
        assert_eq!(flagged.len(), 2);
    }

    #[test]
    fn composition_constants_exist_in_the_composition_categorie() {
        let grid = DesordreGrid::reference();
        for slug in composition::ALL {
            let found = grid.precision(slug).expect("composition précision exists");
            assert_eq!(
                found.categorie_slug(),
                "desordres_type_composition_logement"
            );
        }
        for slug in [composition::SOUS_COMBLES, composition::SOUS_SOL] {
            let found = grid.precision(slug).expect("exists");
            assert_eq!(found.precision.coef, 24.0);
            assert!(found.precision.insalubrite);
        }
    }

    #[test]
    fn precision_lookup_gives_the_critere_context() {
        let grid = DesordreGrid::reference();
        let found = grid
            .precision("desordres_batiment_securite_toit")
            .expect("exists");
        assert_eq!(found.zone(), DesordreZone::Batiment);
        assert_eq!(found.critere_slug(), "desordres_batiment_securite_toit");
        assert_eq!(found.categorie_slug(), "desordres_batiment_securite");
        assert_eq!(found.precision.coef, 6.0);
        assert!(found.precision.danger);
        assert!(found.precision.carries(Qualification::MiseEnSecuritePeril));
        assert!(grid.precision("nope").is_none());
    }

    #[test]
    fn precisions_of_critere_lists_them_in_file_order() {
        let grid = DesordreGrid::reference();
        let slugs: Vec<_> = grid
            .precisions_of_critere("desordres_type_composition_logement_wc")
            .expect("critère exists")
            .iter()
            .map(|p| p.slug.as_str())
            .collect();
        assert_eq!(
            slugs,
            [
                composition::WC_COLLECTIF_OUI,
                composition::WC_COLLECTIF_NON,
                composition::WC_CUISINE_ENSEMBLE
            ]
        );
        assert!(grid.precisions_of_critere("nope").is_none());
    }

    #[test]
    fn categories_are_distinct_in_file_order() {
        let grid = DesordreGrid::reference();
        let first = &grid.categories()[0];
        assert_eq!(first.slug, "desordres_batiment_proprete");
        assert_eq!(first.label, "Propreté et entretien");
        let mut slugs: Vec<_> = grid.categories().iter().map(|c| &c.slug).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), grid.categories().len());
    }

    #[test]
    fn linked_ignores_duplicates_and_unknown_slugs() {
        let grid = DesordreGrid::reference();
        let slugs = [
            "desordres_batiment_securite_toit",
            "unknown",
            "desordres_logement_eau_eau_potable",
            "desordres_batiment_securite_toit",
        ]
        .map(String::from);
        let linked: Vec<_> = grid.linked(&slugs).iter().map(|p| p.slug()).collect();
        assert_eq!(
            linked,
            [
                "desordres_batiment_securite_toit",
                "desordres_logement_eau_eau_potable"
            ]
        );
    }

    #[test]
    fn a_minimal_grid_parses() {
        let json = grid_json(&critere("c1", &precision("p1", 2.5)));
        let grid = DesordreGrid::from_json(&json).expect("valid");
        assert_eq!(grid.version(), "t");
        let found = grid.precision("p1").expect("exists");
        assert_eq!(found.precision.qualifications, [Qualification::Rsd]);
        assert!(found.critere.precision_libre_label.is_none());
    }

    #[test]
    fn deserializing_validates_too() {
        let json = grid_json(&critere("c1", &precision("p1", -1.0)));
        assert!(serde_json::from_str::<DesordreGrid>(&json).is_err());
    }

    #[test]
    fn duplicate_precision_slugs_are_rejected() {
        let json = grid_json(&format!(
            "{},{}",
            critere("c1", &precision("p1", 1.0)),
            critere("c2", &precision("p1", 1.0))
        ));
        let err = DesordreGrid::from_json(&json).expect_err("duplicate");
        assert!(matches!(err, GridError::DuplicatePrecision(s) if s == "p1"));
    }

    #[test]
    fn duplicate_critere_slugs_are_rejected() {
        let json = grid_json(&format!(
            "{},{}",
            critere("c1", &precision("p1", 1.0)),
            critere("c1", &precision("p2", 1.0))
        ));
        let err = DesordreGrid::from_json(&json).expect_err("duplicate");
        assert!(matches!(err, GridError::DuplicateCritere(s) if s == "c1"));
    }

    #[test]
    fn negative_coef_is_rejected() {
        let json = grid_json(&critere("c1", &precision("p1", -0.5)));
        let err = DesordreGrid::from_json(&json).expect_err("negative coef");
        assert!(matches!(err, GridError::InvalidCoef { slug, .. } if slug == "p1"));
    }

    #[test]
    fn zero_maximum_is_rejected() {
        let json = grid_json("").replace("\"max_logement\":102.0", "\"max_logement\":0");
        let err = DesordreGrid::from_json(&json).expect_err("zero maximum");
        assert!(matches!(
            err,
            GridError::InvalidConstant {
                name: "max_logement",
                ..
            }
        ));
    }

    #[test]
    fn unknown_zone_or_qualification_is_a_format_error() {
        let json = grid_json(&critere("c1", &precision("p1", 1.0))).replace("LOGEMENT", "JARDIN");
        assert!(matches!(
            DesordreGrid::from_json(&json),
            Err(GridError::Json(_))
        ));
        let json = grid_json(&critere("c1", &precision("p1", 1.0))).replace("RSD", "NOPE");
        assert!(matches!(
            DesordreGrid::from_json(&json),
            Err(GridError::Json(_))
        ));
    }
}
