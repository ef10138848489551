//! Histologe's database: every repository port, the unit of work and the
//! job outbox, on MySQL 8 / MariaDB ≥ 10.6 in production and SQLite as the
//! embedded default, through sqlx's runtime-selected driver (`Any`).
//!
//! One crate serves both engines: the SQL is the same but for a few
//! dialect words (`FOR UPDATE`, `SKIP LOCKED`), which live
//! next to their query; the schemas are two sets of reversible migrations
//! (`migrations/mysql`, `migrations/sqlite`). Each entity keeps its whole
//! value as JSON in a `data` column; the other columns exist for the
//! queries that filter, sort, join or constrain on them.

mod account_tokens;
mod accounts;
mod backup;
mod bulk;
mod cases;
mod codec;
mod deliverability;
mod drafts;
mod jobs;
mod list_columns;
mod repositories;
mod samples;
mod saved_searches;
mod scheduled;
mod settings;
mod statistics;
mod store;
mod tags;
mod transaction;

pub use backup::BackupSummary;
pub use bulk::Batch;
pub use samples::SamplePopulation;
pub use store::{Engine, SqlStore};
