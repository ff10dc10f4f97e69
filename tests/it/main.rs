//! The integration tests, one binary: each module runs the real `repohealth` binary on
//! fixture repositories built by `fixtures/*.sh` (helpers in `common`).

mod common;

mod audit;
mod bad_inputs;
mod cache;
mod docs;
mod fixtures;
mod hostile;
mod mailmap;
mod monorepo_cli;
mod remerge;
mod remerge_cache;
mod report;
mod report_remerge;
mod schema;
mod scoring;
