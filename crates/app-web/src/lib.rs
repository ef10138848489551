//! The `histologe-web` binary's library: configuration from the
//! environment, wiring of the adapters into the application, reference and
//! demo data, the command line, and the web app (`web`, served by `serve`).
//!
//! Only this crate and the worker's know every adapter (design.md).

pub mod backup;
pub mod bench;
pub mod cli;
pub mod config;
pub mod demo;
pub mod error;
pub mod generate;
pub mod reference_data;
pub mod serve;
pub mod web;
pub mod wiring;
