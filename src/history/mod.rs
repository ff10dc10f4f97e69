//! The history stages: the commit graph, landed changes found on a branch's first-parent
//! chain, their measurements, and the inventory of live branches. Plain data in, plain data
//! out: only `crate::git` reads the repository.

pub mod branches;
pub mod classify;
pub mod graph;
pub mod measure;
pub mod remerge;
