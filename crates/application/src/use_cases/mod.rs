//! One file per group of use cases of the core loop.

pub mod account_links;
pub mod administration;
pub mod affectation;
pub mod auth;
pub mod back_office;
pub mod digest;
pub mod drafts;
pub mod export;
pub mod files;
pub mod following;
pub mod login_codes;
pub mod mail_preferences;
pub mod maintenance;
pub mod notifications;
pub mod pro_drafts;
pub mod public_form;
pub mod reading;
pub mod saved_searches;
pub mod signalement;
pub mod statistics;
pub mod submit;
pub mod suivi;
pub mod tags;
pub mod usager;
pub mod users_admin;
pub mod visite;
