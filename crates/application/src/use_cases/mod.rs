//! One file per group of use cases of the core loop.

pub mod affectation;
pub mod auth;
pub mod back_office;
pub mod drafts;
pub mod files;
pub mod public_form;
pub mod signalement;
pub mod submit;
pub mod suivi;
pub mod usager;
pub mod visite;
