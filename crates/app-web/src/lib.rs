//! The `histologe-web` binary's library: the web app (`web`), served by
//! `serve`, and its command line. Configuration, wiring and the job loops
//! are the composition root's (`histologe-runtime`); the demo data set is
//! `histologe-demo`'s.

pub mod cli;
pub mod serve;
pub mod web;
