//! repohealth: how a team really integrates code, read from a clone's history.
//!
//! Data flows one way (docs/architecture.md): `git` reads history into plain data
//! ([`model`]), `classify` finds landed changes, `measure` computes lifetimes, sizes and
//! distributions, `branches` takes the inventory of live branches, `monorepo` maps changes to
//! packages, `score` judges against the workflow models, and `render` prints one of the views.

pub mod analysis;
pub mod branches;
pub mod classify;
pub mod cli;
pub mod config;
pub mod error;
pub mod format;
pub mod git;
pub mod graph;
pub mod measure;
pub mod model;
pub mod monorepo;
pub mod packages;
pub mod render;
pub mod score;
