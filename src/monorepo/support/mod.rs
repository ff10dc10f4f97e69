//! Helpers shared by the ecosystem readers and by `affected`, below both: the discovery
//! context, meaning-level effects, path utilities, lockfile graphs and the small parsers.

mod ctx;
mod effect;
pub(crate) mod lock;
pub(crate) mod paths;
pub(crate) mod semver;
pub(crate) mod xml;
pub(crate) mod yaml;

pub(crate) use ctx::{parse_toml, toml_strings, Ctx};
pub(crate) use effect::{json_at, lock_at, parse_lock, read_at, Effect, Sides};
