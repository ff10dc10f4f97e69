//! repohealth: how a team really integrates code, read from a clone's history.
//!
//! Data flows one way (docs/architecture.md): `git` reads history into plain data
//! ([`model`]), the [`history`] stages find landed changes (`classify`), compute lifetimes,
//! sizes and distributions (`measure`) and take the inventory of live branches (`branches`),
//! `monorepo` maps changes to packages, `score` judges against the workflow models, and
//! `render` prints one of the views. [`pipeline`] runs the stages in that order for `analyze`.

pub mod audit;
pub mod cache;
pub mod cli;
pub mod config;
pub mod error;
pub mod format;
#[cfg(test)]
pub(crate) mod fuzzing;
pub mod git;
pub mod history;
pub mod model;
pub mod monorepo;
pub mod output;
pub mod packages;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod score;
