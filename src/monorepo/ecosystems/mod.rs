//! Every ecosystem the engine reads, defined once: one file per ecosystem and one row of
//! [`ECOSYSTEMS`] naming its manifests and lockfiles, its reader, its registry naming and
//! its meaning-level diff of root manifests and lockfiles.
//!
//! Adding an ecosystem: a new file here with `discover` (and `semantic` when root files are
//! diffed by meaning), a variant of [`Ecosystem`], a row below, and a switch in
//! [`Config`]. Discovery, the cache key, the default global files and `affected` follow the
//! table.

pub(super) mod cargo;
mod dotnet;
pub(super) mod go;
mod gradle;
pub(super) mod maven;
pub(super) mod npm;
pub(super) mod python;

use crate::monorepo::support::{Ctx, Effect, Sides};
use crate::monorepo::types::{Config, Ecosystem};

/// A meaning-level diff of the root file at a path, between both sides of a change.
pub(crate) type Semantic = fn(&str, &Sides) -> Option<Vec<Effect>>;

/// One ecosystem's definition.
pub(crate) struct Definition {
    pub ecosystem: Ecosystem,
    /// File names whose content feeds discovery (their blobs make the cache key). A `*`
    /// stands for any run of characters within the name (`requirements*.txt`).
    pub manifests: &'static [&'static str],
    /// Files besides the manifests that `semantic` reads and diffs by meaning: lockfiles
    /// above all (at a workspace root, beside its manifest), and .NET's imported props.
    pub lockfiles: &'static [&'static str],
    /// Lockfiles whose presence (not content) feeds discovery: they tell the package
    /// manager, which decides whether plain ranges link workspace packages (rule 28).
    pub presence: &'static [&'static str],
    /// Files outside packages whose change affects every package of the ecosystem when
    /// `default_globals` is on.
    pub globals: &'static [&'static str],
    /// The registry packages are published to, and how it compares names.
    pub registry: &'static str,
    pub registry_name: fn(&str) -> String,
    /// Whether `[monorepo]` switches the ecosystem on.
    pub enabled: fn(&Config) -> bool,
    /// Reads manifests into packages, edges, barriers, roots and diagnostics.
    pub discover: fn(&mut Ctx),
    /// Meaning-level diff of a root manifest or lockfile; `None` when `path` is not one.
    pub semantic: Option<Semantic>,
}

/// The ecosystems, in discovery order.
pub(crate) const ECOSYSTEMS: &[Definition] = &[
    Definition {
        ecosystem: Ecosystem::Cargo,
        manifests: &["Cargo.toml"],
        lockfiles: cargo::LOCKFILES,
        presence: &[],
        // Rule 23.
        globals: &[
            "rust-toolchain",
            "rust-toolchain.toml",
            ".cargo/config",
            ".cargo/config.toml",
        ],
        registry: "crates.io",
        registry_name: cargo::registry_name,
        enabled: |c| c.cargo,
        discover: cargo::discover,
        semantic: Some(cargo::semantic),
    },
    Definition {
        ecosystem: Ecosystem::Npm,
        manifests: &["package.json", "pnpm-workspace.yaml", ".npmrc"],
        lockfiles: npm::LOCKFILES,
        presence: &["pnpm-lock.yaml", "yarn.lock", "bun.lockb", "bun.lock"],
        // Rule 32 (bun.lockb is binary and cannot be scoped: rule 31).
        globals: &[
            "nx.json",
            "turbo.json",
            "turbo.jsonc",
            ".npmrc",
            ".nvmrc",
            "tsconfig.base.json",
            "bun.lockb",
        ],
        registry: "npm",
        registry_name: str::to_owned,
        enabled: |c| c.npm,
        discover: npm::discover,
        semantic: Some(npm::semantic),
    },
    Definition {
        ecosystem: Ecosystem::Go,
        manifests: &["go.mod", "go.work"],
        lockfiles: go::LOCKFILES,
        presence: &[],
        // Rule 33.
        globals: &["go.work", "go.work.sum"],
        registry: "Go module proxy",
        registry_name: str::to_owned,
        enabled: |c| c.go,
        discover: go::discover,
        semantic: Some(go::semantic),
    },
    Definition {
        ecosystem: Ecosystem::Python,
        manifests: &[
            "pyproject.toml",
            "setup.py",
            "setup.cfg",
            "requirements*.txt",
        ],
        lockfiles: python::LOCKFILES,
        presence: &[],
        globals: &[".python-version"],
        registry: "PyPI",
        registry_name: python::normalize,
        enabled: |c| c.python,
        discover: python::discover,
        semantic: Some(python::semantic),
    },
    Definition {
        ecosystem: Ecosystem::Maven,
        manifests: &["pom.xml"],
        lockfiles: &[],
        presence: &[],
        globals: &[".mvn/**"],
        registry: "Maven Central",
        registry_name: str::to_owned,
        enabled: |c| c.maven,
        discover: maven::discover,
        semantic: None,
    },
    Definition {
        ecosystem: Ecosystem::Gradle,
        manifests: &[
            "settings.gradle",
            "settings.gradle.kts",
            "build.gradle",
            "build.gradle.kts",
        ],
        lockfiles: &[],
        presence: &[],
        // Rule 42.
        globals: &[
            "buildSrc/**",
            "settings.gradle",
            "settings.gradle.kts",
            "gradle.properties",
            "gradle/libs.versions.toml",
            "gradle/wrapper/gradle-wrapper.properties",
        ],
        registry: "Maven Central",
        registry_name: str::to_owned,
        enabled: |c| c.gradle,
        discover: gradle::discover,
        semantic: None,
    },
    Definition {
        ecosystem: Ecosystem::Dotnet,
        manifests: &["*.csproj", "*.fsproj", "*.vbproj", "*.sln", "*.slnx"],
        lockfiles: dotnet::DIFFED,
        presence: &[],
        // Rule 49: the SDK pin and the package feeds.
        globals: &[
            "global.json",
            "NuGet.Config",
            "NuGet.config",
            "nuget.config",
        ],
        registry: "NuGet",
        registry_name: dotnet::registry_name,
        enabled: |c| c.dotnet,
        discover: dotnet::discover,
        semantic: Some(dotnet::semantic),
    },
];

/// The definition of `eco`.
pub(crate) fn definition(eco: Ecosystem) -> &'static Definition {
    ECOSYSTEMS
        .iter()
        .find(|d| d.ecosystem == eco)
        .unwrap_or(&ECOSYSTEMS[0])
}

impl Ecosystem {
    /// The registry the ecosystem's packages are published to.
    pub fn registry(self) -> &'static str {
        definition(self).registry
    }

    /// File names besides the manifests that are diffed by meaning.
    pub fn lockfiles(self) -> &'static [&'static str] {
        definition(self).lockfiles
    }
}

/// A name as the ecosystem's registry compares it (crates.io folds case and `-`/`_`, PyPI
/// normalizes as PEP 503 says, the others compare as written): what matches a package one
/// repository defines to a dependency another declares.
pub fn registry_name(eco: Ecosystem, name: &str) -> String {
    (definition(eco).registry_name)(name)
}

/// Whether a file name matches a table pattern: literal, or one `*` for any run of characters.
/// The definition that discovery's compiled name sets are tested against.
#[cfg(test)]
pub(crate) fn name_matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((pre, post)) => {
            name.len() >= pre.len() + post.len() && name.starts_with(pre) && name.ends_with(post)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ecosystem_has_one_row() {
        let rows: Vec<Ecosystem> = ECOSYSTEMS.iter().map(|d| d.ecosystem).collect();
        assert_eq!(rows, Ecosystem::ALL.to_vec());
    }

    #[test]
    fn the_docs_table_names_every_ecosystem_with_its_files() {
        let doc = include_str!("../../../docs/monorepo.md");
        for d in ECOSYSTEMS {
            let start = format!("| `{}` |", d.ecosystem.as_str());
            let row = doc.lines().find(|l| l.starts_with(&start));
            let row = row.unwrap_or_else(|| panic!("docs/monorepo.md: no row {start}"));
            for f in d.manifests.iter().chain(d.lockfiles) {
                assert!(row.contains(&format!("`{f}`")), "{start} lacks {f}");
            }
            assert!(row.contains(d.registry), "{start} lacks {}", d.registry);
        }
    }

    #[test]
    fn names_match_literals_and_one_star() {
        assert!(name_matches("Cargo.toml", "Cargo.toml"));
        assert!(!name_matches("Cargo.toml", "cargo.toml"));
        assert!(name_matches("requirements*.txt", "requirements.txt"));
        assert!(name_matches("requirements*.txt", "requirements-dev.txt"));
        assert!(!name_matches("requirements*.txt", "requirements.txt.bak"));
        assert!(!name_matches("requirements*.txt", "requirements.tx"));
    }

    #[test]
    fn registry_names_compare_as_the_registry_does() {
        assert_eq!(registry_name(Ecosystem::Cargo, "Serde_JSON"), "serde-json");
        assert_eq!(
            registry_name(Ecosystem::Python, "Zope.Interface"),
            "zope-interface"
        );
        assert_eq!(registry_name(Ecosystem::Npm, "@scope/Pkg"), "@scope/Pkg");
        assert_eq!(
            registry_name(Ecosystem::Go, "example.com/A/b"),
            "example.com/A/b"
        );
    }
}
