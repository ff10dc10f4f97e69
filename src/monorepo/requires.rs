//! What one manifest declares for the registry: its package name, its version and every
//! dependency with its requirement text and kind. Used by the cross-repository audit, which
//! reads manifests at the tip and along history (one blob at a time, no snapshot); the
//! discovery of each ecosystem reads the same fields through the same helpers.

use serde::Serialize;

use super::ecosystems::{cargo, go, maven, npm, python};
use super::support::semver::{satisfies, Version};
use super::support::xml::parse_xml;
use super::{Ecosystem, EdgeKind};

/// One dependency as the manifest declares it, by the name the registry knows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Requirement {
    pub name: String,
    /// The version requirement as written (`^1.2.0`, `>=1.0,<2`, `v1.4.0`); null when the
    /// manifest gives none (a path or git dependency, an inherited Cargo workspace entry).
    pub requirement: Option<String>,
    pub kind: EdgeKind,
}

/// The registry-facing facts of one manifest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ManifestFacts {
    pub name: Option<String>,
    pub version: Option<String>,
    /// Gradle: the `group` a build script sets. The project's registry name is
    /// `group:project`, and the project name comes from the settings, not from this text.
    pub group: Option<String>,
    pub requires: Vec<Requirement>,
}

/// The ecosystem a manifest file name belongs to, for the manifests [`manifest_facts`] reads.
pub fn manifest_ecosystem(path: &str) -> Option<Ecosystem> {
    match path.rsplit('/').next().unwrap_or(path) {
        "Cargo.toml" => Some(Ecosystem::Cargo),
        "package.json" => Some(Ecosystem::Npm),
        "go.mod" => Some(Ecosystem::Go),
        "pyproject.toml" => Some(Ecosystem::Python),
        "pom.xml" => Some(Ecosystem::Maven),
        "build.gradle" | "build.gradle.kts" => Some(Ecosystem::Gradle),
        _ => None,
    }
}

/// The files that say what a package publishes: its manifest, or for the root project of a
/// Gradle build (whose manifest is the settings file) the build script beside it.
pub fn registry_manifests(manifest: &str) -> Vec<String> {
    use super::support::paths::{basename, child, parent};
    match basename(manifest) {
        "settings.gradle" | "settings.gradle.kts" => ["build.gradle.kts", "build.gradle"]
            .iter()
            .map(|f| child(parent(manifest), f))
            .collect(),
        _ => vec![manifest.to_owned()],
    }
}

/// Read one manifest's text. None when it cannot be parsed (or the ecosystem's manifest
/// declares nothing for a registry: a .NET project's name may come from its file name).
pub fn manifest_facts(eco: Ecosystem, text: &str) -> Option<ManifestFacts> {
    let mut f = match eco {
        Ecosystem::Npm => npm_facts(text),
        Ecosystem::Cargo => cargo_facts(text),
        Ecosystem::Go => go_facts(text),
        Ecosystem::Python => python_facts(text),
        Ecosystem::Maven => maven_facts(text),
        Ecosystem::Gradle => Some(gradle_facts(text)),
        // A .NET project's name may come from its file name, which the text alone does not give.
        Ecosystem::Dotnet => None,
    }?;
    f.requires.sort();
    f.requires.dedup();
    Some(f)
}

/// Order two version strings (`v` prefixes and build metadata ignored); None when either is
/// not a version.
pub fn compare_versions(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    Some(Version::parse(&full(a))?.cmp(&Version::parse(&full(b))?))
}

/// `1.7` -> `1.7.0`, `2` -> `2.0.0` (Python and Maven versions may have fewer parts).
fn full(v: &str) -> String {
    let v = v.trim();
    let core_end = v.find(['-', '+']).unwrap_or(v.len());
    let dots = v[..core_end].matches('.').count();
    let pad = ".0".repeat(2usize.saturating_sub(dots));
    format!("{}{pad}{}", &v[..core_end], &v[core_end..])
}

/// Whether a requirement as written in an `eco` manifest accepts `version`. The one place that
/// reads requirement syntax for the audit: npm ranges as node-semver reads them, Cargo's
/// comma-separated comparators with bare versions as carets, Go and Maven versions as the
/// exact version the build selects, PEP 440 specifiers mapped to the same comparators. None
/// when the requirement is not a version range (a tag, a path, `workspace:`, `catalog:`).
pub fn requirement_accepts(eco: Ecosystem, requirement: &str, version: &str) -> Option<bool> {
    let r = requirement.trim();
    let version = &full(version);
    let exact = || compare_versions(r, version).map(|o| o.is_eq());
    match eco {
        Ecosystem::Npm => satisfies(r, version),
        Ecosystem::Cargo => {
            let parts: Vec<String> = r
                .split(',')
                .map(|c| {
                    let c = c.trim();
                    if c.starts_with(|ch: char| ch.is_ascii_digit()) {
                        format!("^{c}")
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            satisfies(&parts.join(" "), version)
        }
        // NuGet ranges (a bare version is a minimum) are not read yet.
        Ecosystem::Dotnet => None,
        Ecosystem::Go | Ecosystem::Maven | Ecosystem::Gradle => {
            if r.starts_with(['[', '(']) {
                None
            } else {
                exact()
            }
        }
        Ecosystem::Python => {
            let mut parts = Vec::new();
            for c in r.split(',') {
                let c = c.trim();
                if let Some(v) = c.strip_prefix("~=") {
                    let v = v.trim();
                    let nums: Vec<&str> = v.split('.').collect();
                    let major: u64 = nums.first()?.parse().ok()?;
                    if nums.len() <= 2 {
                        parts.push(format!(">={v} <{}", major + 1));
                    } else {
                        parts.push(format!("~{v}"));
                    }
                } else if let Some(v) = c.strip_prefix("===").or_else(|| c.strip_prefix("==")) {
                    parts.push(v.trim().trim_end_matches(".*").to_string());
                } else if c.starts_with("!=") {
                    if compare_versions(c.trim_start_matches("!="), version)?.is_eq() {
                        return Some(false);
                    }
                } else {
                    parts.push(c.to_string());
                }
            }
            if parts.is_empty() {
                return Some(true);
            }
            satisfies(&parts.join(" "), version)
        }
    }
}

fn npm_facts(text: &str) -> Option<ManifestFacts> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let mut requires = Vec::new();
    for (field, kind) in npm::DEP_FIELDS {
        let Some(deps) = v.get(*field).and_then(|x| x.as_object()) else {
            continue;
        };
        for (dep, spec) in deps {
            let Some(spec) = spec.as_str() else { continue };
            // `"alias": "npm:real@^1"` depends on `real`.
            let (name, req) = match spec.strip_prefix("npm:") {
                Some(rest) => match rest.rfind('@').filter(|i| *i > 0) {
                    Some(i) => (rest[..i].to_string(), rest[i + 1..].to_string()),
                    None => (rest.to_string(), String::new()),
                },
                None => (dep.clone(), spec.to_string()),
            };
            requires.push(Requirement {
                name,
                requirement: (!req.is_empty()).then_some(req),
                kind: *kind,
            });
        }
    }
    Some(ManifestFacts {
        name: s("name"),
        version: s("version"),
        requires,
        group: None,
    })
}

fn cargo_facts(text: &str) -> Option<ManifestFacts> {
    use toml::Value;
    let t: toml::Table = text.parse().ok()?;
    let pkg = t.get("package").and_then(Value::as_table);
    let s = |k: &str| pkg.and_then(|p| p.get(k)).and_then(Value::as_str);
    let mut requires = Vec::new();
    for (table, kind) in cargo::dep_tables(&t) {
        for (key, spec) in table {
            let (name, req, kind) = match spec {
                Value::String(r) => (key.clone(), Some(r.clone()), kind),
                Value::Table(s) => {
                    let name = s.get("package").and_then(Value::as_str).unwrap_or(key);
                    let optional = s.get("optional").and_then(Value::as_bool) == Some(true);
                    (
                        name.to_string(),
                        s.get("version").and_then(Value::as_str).map(str::to_string),
                        if optional && kind != EdgeKind::Dev {
                            EdgeKind::Optional
                        } else {
                            kind
                        },
                    )
                }
                _ => continue,
            };
            requires.push(Requirement {
                name,
                requirement: req,
                kind,
            });
        }
    }
    Some(ManifestFacts {
        name: s("name").map(str::to_string),
        version: s("version").map(str::to_string),
        requires,
        group: None,
    })
}

fn go_facts(text: &str) -> Option<ManifestFacts> {
    let f = go::parse(text);
    let module = f.module.clone()?;
    Some(ManifestFacts {
        name: Some(module),
        version: None,
        group: None,
        requires: f
            .requires
            .iter()
            .map(|(m, v)| Requirement {
                name: m.clone(),
                requirement: Some(v.clone()),
                kind: EdgeKind::Normal,
            })
            .collect(),
    })
}

/// `name[extra] >=1.0, <2 ; python_version > "3.8"` -> (normalized name, `>=1.0, <2`).
fn pep508_requirement(req: &str) -> Option<(String, Option<String>)> {
    let req = req.split(';').next()?.trim();
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    if end == 0 {
        return None;
    }
    let mut rest = req[end..].trim();
    if rest.starts_with('[') {
        rest = rest.split_once(']').map(|(_, r)| r.trim()).unwrap_or("");
    }
    let rest = rest.trim_start_matches('(').trim_end_matches(')').trim();
    let spec = (!rest.is_empty() && !rest.starts_with('@')).then(|| rest.to_string());
    Some((python::normalize(&req[..end]), spec))
}

fn python_facts(text: &str) -> Option<ManifestFacts> {
    use toml::Value;
    let t: toml::Table = text.parse().ok()?;
    let project = t.get("project");
    let poetry = t.get("tool").and_then(|x| x.get("poetry"));
    let field = |k: &str| {
        project
            .and_then(|p| p.get(k))
            .or_else(|| poetry.and_then(|p| p.get(k)))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mut requires = pep621_requires(&t, project);
    requires.extend(poetry_requires(poetry));
    Some(ManifestFacts {
        name: field("name").map(|n| python::normalize(&n)),
        version: field("version"),
        requires,
        group: None,
    })
}

/// The PEP 621 requirements of a `pyproject.toml`: `[project] dependencies`, then the
/// optional dependencies, then the PEP 735 dependency groups (development).
fn pep621_requires(t: &toml::Table, project: Option<&toml::Value>) -> Vec<Requirement> {
    use toml::Value;
    let mut requires = Vec::new();
    let pep = |v: Option<&Value>, kind: EdgeKind, out: &mut Vec<Requirement>| {
        for r in v.and_then(Value::as_array).into_iter().flatten() {
            if let Some((name, spec)) = r.as_str().and_then(pep508_requirement) {
                out.push(Requirement {
                    name,
                    requirement: spec,
                    kind,
                });
            }
        }
    };
    pep(
        project.and_then(|p| p.get("dependencies")),
        EdgeKind::Normal,
        &mut requires,
    );
    let grouped = [
        (
            project.and_then(|p| p.get("optional-dependencies")),
            EdgeKind::Optional,
        ),
        (t.get("dependency-groups"), EdgeKind::Dev),
    ];
    for (table, kind) in grouped {
        for v in table.and_then(Value::as_table).into_iter().flatten() {
            pep(Some(v.1), kind, &mut requires);
        }
    }
    requires
}

/// The requirements of `[tool.poetry]`: dependencies, dev-dependencies, then each group
/// (`main` is normal, the others development); `python` itself is not a package.
fn poetry_requires(poetry: Option<&toml::Value>) -> Vec<Requirement> {
    use toml::Value;
    let mut requires = Vec::new();
    let mut poetry_tables = vec![(poetry.and_then(|p| p.get("dependencies")), EdgeKind::Normal)];
    poetry_tables.push((
        poetry.and_then(|p| p.get("dev-dependencies")),
        EdgeKind::Dev,
    ));
    for (group, v) in poetry
        .and_then(|p| p.get("group"))
        .and_then(Value::as_table)
        .into_iter()
        .flatten()
    {
        let kind = if group == "main" {
            EdgeKind::Normal
        } else {
            EdgeKind::Dev
        };
        poetry_tables.push((v.get("dependencies"), kind));
    }
    for (table, kind) in poetry_tables {
        for (name, spec) in table.and_then(Value::as_table).into_iter().flatten() {
            if name == "python" {
                continue;
            }
            let req = match spec {
                Value::String(s) => Some(s.clone()),
                other => other
                    .get("version")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            };
            requires.push(Requirement {
                name: python::normalize(name),
                requirement: req,
                kind,
            });
        }
    }
    requires
}

/// The configurations of a Gradle build script and the edge kind each stands for.
fn gradle_kind(configuration: &str) -> Option<EdgeKind> {
    Some(match configuration {
        "implementation" | "api" | "compile" | "runtimeOnly" | "runtime" => EdgeKind::Normal,
        "compileOnly" | "compileOnlyApi" | "annotationProcessor" | "kapt" | "ksp" => {
            EdgeKind::Build
        }
        c if c.starts_with("test") || c.starts_with("androidTest") => EdgeKind::Dev,
        _ => return None,
    })
}

/// A Gradle build script (Groovy or Kotlin DSL): its `group` and `version` assignments and
/// every external module dependency written as coordinates, `"group:name:version"` or
/// `group: 'g', name: 'n', version: 'v'`. Project dependencies (`project(":lib")`) are edges
/// inside the build, read by discovery; version catalogs and computed strings are not read.
fn gradle_facts(text: &str) -> ManifestFacts {
    use regex::Regex;
    use std::sync::LazyLock;
    static ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?m)^\s*(group|version)\s*=\s*["']([^"'$]+)["']"#).expect("valid")
    });
    static COORDS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?m)^\s*(\w+)\s*\(?\s*["']([^"':\s$]+):([^"':\s$]+)(?::([^"'\s$]+))?["']"#)
            .expect("valid")
    });
    static MAP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?m)^\s*(\w+)\s*\(?\s*group\s*[:=]\s*["']([^"']+)["']\s*,\s*name\s*[:=]\s*["']([^"']+)["'](?:\s*,\s*version\s*[:=]\s*["']([^"']+)["'])?"#,
        )
        .expect("valid")
    });
    let mut f = ManifestFacts::default();
    for c in ASSIGN.captures_iter(text) {
        let v = Some(c[2].to_string());
        match &c[1] {
            "group" => f.group = f.group.take().or(v),
            _ => f.version = f.version.take().or(v),
        }
    }
    for re in [&*COORDS, &*MAP] {
        for c in re.captures_iter(text) {
            let Some(kind) = gradle_kind(&c[1]) else {
                continue;
            };
            f.requires.push(Requirement {
                name: format!("{}:{}", &c[2], &c[3]),
                requirement: c.get(4).map(|m| m.as_str().to_string()),
                kind,
            });
        }
    }
    f
}

fn maven_facts(text: &str) -> Option<ManifestFacts> {
    let el = parse_xml(text).ok()?;
    let mut props = std::collections::BTreeMap::new();
    if let Some(ps) = el.child("properties") {
        for c in &ps.children {
            props.insert(c.name.clone(), c.text.trim().to_string());
        }
    }
    let parent = el.child("parent");
    let group = el
        .text_of("groupId")
        .or_else(|| parent.and_then(|p| p.text_of("groupId")));
    let version = el
        .text_of("version")
        .or_else(|| parent.and_then(|p| p.text_of("version")));
    if let Some(v) = &version {
        props.insert("project.version".into(), v.clone());
    }
    let name = match (&group, el.text_of("artifactId")) {
        (Some(g), Some(a)) => Some(format!(
            "{}:{}",
            maven::interpolate(g, &props),
            maven::interpolate(&a, &props)
        )),
        _ => None,
    };
    let mut requires = Vec::new();
    let lists = [
        el.child("dependencies"),
        el.child("dependencyManagement")
            .and_then(|d| d.child("dependencies")),
    ];
    for deps in lists.into_iter().flatten() {
        for d in deps.all("dependency") {
            let (Some(g), Some(a)) = (d.text_of("groupId"), d.text_of("artifactId")) else {
                continue;
            };
            let kind = if d.text_of("optional").as_deref() == Some("true") {
                EdgeKind::Optional
            } else {
                match d.text_of("scope").as_deref() {
                    Some("test") => EdgeKind::Dev,
                    Some("provided") => EdgeKind::Build,
                    _ => EdgeKind::Normal,
                }
            };
            requires.push(Requirement {
                name: format!(
                    "{}:{}",
                    maven::interpolate(&g, &props),
                    maven::interpolate(&a, &props)
                ),
                requirement: d.text_of("version").map(|v| maven::interpolate(&v, &props)),
                kind,
            });
        }
    }
    Some(ManifestFacts {
        name,
        version: version.map(|v| maven::interpolate(&v, &props)),
        requires,
        group: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(name: &str, r: Option<&str>, kind: EdgeKind) -> Requirement {
        Requirement {
            name: name.into(),
            requirement: r.map(str::to_string),
            kind,
        }
    }

    #[test]
    fn npm_fields_and_aliases() {
        let f = manifest_facts(
            Ecosystem::Npm,
            r#"{"name":"app","version":"1.0.0","dependencies":{"lib":"^1.2.0","x":"npm:real-x@~2.0.0"},
               "devDependencies":{"t":"3"},"peerDependencies":{"vite":"^5 || ^6"}}"#,
        )
        .unwrap();
        assert_eq!(f.name.as_deref(), Some("app"));
        assert_eq!(f.version.as_deref(), Some("1.0.0"));
        assert_eq!(
            f.requires,
            vec![
                req("lib", Some("^1.2.0"), EdgeKind::Normal),
                req("real-x", Some("~2.0.0"), EdgeKind::Normal),
                req("t", Some("3"), EdgeKind::Dev),
                req("vite", Some("^5 || ^6"), EdgeKind::Peer),
            ]
        );
        assert_eq!(manifest_facts(Ecosystem::Npm, "{not json"), None);
    }

    #[test]
    fn requirements_accept_versions_per_ecosystem() {
        use Ecosystem::*;
        let cases = [
            (Npm, "^1.2.0", "1.9.0", Some(true)),
            (Npm, "^1.2.0", "2.0.0", Some(false)),
            (Npm, "workspace:^", "1.0.0", None),
            (Cargo, "1.2", "1.3.0", Some(true)),
            (Cargo, "1.2", "2.0.0", Some(false)),
            (Cargo, ">=1.0, <1.5", "1.5.0", Some(false)),
            (Go, "v1.4.0", "v1.4.0", Some(true)),
            (Go, "v1.4.0", "v1.5.0", Some(false)),
            (Python, ">=1.0,<2", "1.7", Some(true)),
            (Python, "~=1.2", "1.9.1", Some(true)),
            (Python, "~=1.2", "2.0", Some(false)),
            (Python, "==1.2.*", "1.2.5", Some(true)),
            (Maven, "2.1", "2.1", Some(true)),
            (Maven, "[1.0,2.0)", "1.5", None),
        ];
        for (eco, r, v, want) in cases {
            assert_eq!(requirement_accepts(eco, r, v), want, "{eco:?} {r} {v}");
        }
    }

    #[test]
    fn cargo_tables_renames_and_optional() {
        let f = manifest_facts(
            Ecosystem::Cargo,
            "[package]\nname = \"app\"\nversion = \"0.3.0\"\n[dependencies]\nserde = \"1\"\n\
             core2 = { package = \"core\", version = \"0.2\", optional = true }\nlocal = { path = \"../l\" }\n\
             [dev-dependencies]\ntempfile = \"3\"\n[target.'cfg(unix)'.build-dependencies]\ncc = \"1.0\"\n",
        )
        .unwrap();
        assert_eq!(f.name.as_deref(), Some("app"));
        assert_eq!(
            f.requires,
            vec![
                req("cc", Some("1.0"), EdgeKind::Build),
                req("core", Some("0.2"), EdgeKind::Optional),
                req("local", None, EdgeKind::Normal),
                req("serde", Some("1"), EdgeKind::Normal),
                req("tempfile", Some("3"), EdgeKind::Dev),
            ]
        );
    }

    #[test]
    fn go_python_maven() {
        let g = manifest_facts(
            Ecosystem::Go,
            "module example.com/app\n\nrequire (\n\texample.com/lib v1.4.0\n)\n",
        )
        .unwrap();
        assert_eq!(g.name.as_deref(), Some("example.com/app"));
        assert_eq!(
            g.requires,
            vec![req("example.com/lib", Some("v1.4.0"), EdgeKind::Normal)]
        );
        let p = manifest_facts(
            Ecosystem::Python,
            "[project]\nname = \"My_App\"\nversion = \"2.0\"\ndependencies = [\"Shared.Lib[x] >=1.0,<2 ; python_version>'3'\", \"plain\"]\n",
        )
        .unwrap();
        assert_eq!(p.name.as_deref(), Some("my-app"));
        assert_eq!(
            p.requires,
            vec![
                req("plain", None, EdgeKind::Normal),
                req("shared-lib", Some(">=1.0,<2"), EdgeKind::Normal),
            ]
        );
        let m = manifest_facts(
            Ecosystem::Maven,
            "<project><groupId>org.a</groupId><artifactId>app</artifactId><version>1.0</version>\
             <properties><lib.version>2.1</lib.version></properties><dependencies>\
             <dependency><groupId>org.b</groupId><artifactId>lib</artifactId><version>${lib.version}</version></dependency>\
             <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4</version><scope>test</scope></dependency>\
             </dependencies></project>",
        )
        .unwrap();
        assert_eq!(m.name.as_deref(), Some("org.a:app"));
        assert_eq!(
            m.requires,
            vec![
                req("junit:junit", Some("4"), EdgeKind::Dev),
                req("org.b:lib", Some("2.1"), EdgeKind::Normal),
            ]
        );
    }

    #[test]
    fn gradle_scripts_groovy_and_kotlin() {
        let groovy = "plugins { id 'java' }\ngroup = 'com.acme'\nversion = '1.2.0'\n\
            dependencies {\n  implementation 'com.google.guava:guava:33.0.0-jre'\n\
              api project(':core')\n  testImplementation \"junit:junit:4.13.2\"\n\
              compileOnly group: 'org.projectlombok', name: 'lombok', version: '1.18.30'\n\
              runtimeOnly 'org.postgresql:postgresql'\n  foo 'not:a:dependency'\n}\n";
        let f = manifest_facts(Ecosystem::Gradle, groovy).expect("facts");
        assert_eq!(f.group.as_deref(), Some("com.acme"));
        assert_eq!(f.version.as_deref(), Some("1.2.0"));
        assert_eq!(
            f.requires,
            [
                req(
                    "com.google.guava:guava",
                    Some("33.0.0-jre"),
                    EdgeKind::Normal
                ),
                req("junit:junit", Some("4.13.2"), EdgeKind::Dev),
                req("org.postgresql:postgresql", None, EdgeKind::Normal),
                req("org.projectlombok:lombok", Some("1.18.30"), EdgeKind::Build),
            ]
        );
        let kotlin = "group = \"com.acme\"\nversion = \"$rootVersion\"\n\
            dependencies {\n    implementation(\"com.acme:core:1.2.0\")\n\
                kapt(group = \"com.acme\", name = \"gen\", version = \"0.9\")\n}\n";
        let f = manifest_facts(Ecosystem::Gradle, kotlin).expect("facts");
        assert_eq!(f.version, None, "a computed version is not read");
        assert_eq!(
            f.requires,
            [
                req("com.acme:core", Some("1.2.0"), EdgeKind::Normal),
                req("com.acme:gen", Some("0.9"), EdgeKind::Build),
            ]
        );
    }

    #[test]
    fn a_gradle_root_publishes_through_the_script_beside_its_settings() {
        assert_eq!(
            registry_manifests("settings.gradle"),
            ["build.gradle.kts", "build.gradle"]
        );
        assert_eq!(
            registry_manifests("jvm/settings.gradle.kts"),
            ["jvm/build.gradle.kts", "jvm/build.gradle"]
        );
        assert_eq!(
            registry_manifests("core/build.gradle"),
            ["core/build.gradle"]
        );
        assert_eq!(registry_manifests("pom.xml"), ["pom.xml"]);
    }
}
