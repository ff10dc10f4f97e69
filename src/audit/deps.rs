//! Dependencies across repositories, by registry name; version skew against the releases of
//! the repository that defines the package; publish-to-adoption delay.

use super::{days_percentile, Release, ReleaseSource, RepoInput};
use crate::model::{self, Oid, Timestamp};
use crate::monorepo::{compare_versions, requirement_accepts, EdgeKind};
use serde::Serialize;
use std::cmp::Ordering;

/// `from` (the consumer) requires packages that `to` defines.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Dependency {
    pub from: String,
    pub to: String,
    pub via: Vec<Via>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Via {
    /// The consumer package (registry name) and its directory.
    pub package: String,
    pub path: String,
    /// The package of `to` it requires.
    pub requires: String,
    pub requirement: Option<String>,
    pub kind: EdgeKind,
    pub skew: Skew,
}

/// How far a requirement is behind the releases of the package it names.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Skew {
    /// Releases known (version tags and manifest versions; prereleases left out).
    pub releases: usize,
    pub latest: Option<String>,
    /// The newest release the requirement accepts.
    pub newest_accepted: Option<String>,
    /// Releases newer than the newest accepted one; null when the requirement accepts none
    /// of them or cannot be read as a version range.
    pub releases_behind: Option<usize>,
    /// When the first release the requirement does not accept came out.
    #[serde(with = "model::time_fmt::opt")]
    pub behind_since: Option<Timestamp>,
}

/// Publish-to-adoption delays: from a release of B to the landing in A that raised its
/// requirement to accept it.
#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct Adoption {
    pub bumps: Vec<Bump>,
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Bump {
    pub from: String,
    pub to: String,
    pub package: String,
    pub requires: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub version: String,
    #[serde(with = "model::time_fmt")]
    pub released_at: Timestamp,
    #[serde(with = "model::time_fmt")]
    pub adopted_at: Timestamp,
    pub commit: Oid,
    /// The release's commit in `to` (a tag's target or the landing that set the version).
    pub release_commit: Oid,
    pub delay_days: f64,
}

fn is_prerelease(v: &str) -> bool {
    v.trim_start_matches('v').contains('-')
}

/// The repository that defines each registry name: (repo index, package index).
pub(crate) fn definers(inputs: &[RepoInput], name: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (ri, r) in inputs.iter().enumerate() {
        for (pi, p) in r.packages.iter().enumerate() {
            if p.name == name {
                out.push((ri, pi));
            }
        }
    }
    out
}

/// Names other repositories require, per repository: these are the packages whose plain
/// version tags (`v1.2.0`) can be attributed.
fn required_elsewhere(inputs: &[RepoInput], ri: usize) -> Vec<usize> {
    let r = &inputs[ri];
    (0..r.packages.len())
        .filter(|pi| {
            let name = &r.packages[*pi].name;
            inputs.iter().enumerate().any(|(o, other)| {
                o != ri
                    && other
                        .packages
                        .iter()
                        .any(|p| p.requires.iter().any(|q| &q.name == name))
            })
        })
        .collect()
}

/// The package a version tag names, and the version. `name@1.2.0`, `name-v1.2.0` and
/// `dir/v1.2.0` name a package by registry name, its last segment or its directory; a plain
/// `v1.2.0` belongs to the one package of the repository that the others require (or, when
/// several are, to the one whose version at the tip has the same major).
pub fn tag_package(r: &RepoInput, candidates: &[usize], tag: &str) -> Option<(usize, String)> {
    let is_version = |v: &str| compare_versions(v, v).is_some();
    let matches_pkg = |key: &str| {
        r.packages.iter().position(|p| {
            p.name == key
                || p.name.rsplit('/').next() == Some(key)
                || p.dir == key
                || p.dir.rsplit('/').next() == Some(key)
        })
    };
    for sep in ["@", "/", "-v", "-"] {
        if let Some(i) = tag.rfind(sep).filter(|i| *i > 0) {
            let (key, ver) = (&tag[..i], &tag[i + sep.len()..]);
            if is_version(ver) {
                if let Some(pi) = matches_pkg(key) {
                    return Some((pi, ver.trim_start_matches('v').to_string()));
                }
            }
        }
    }
    if !is_version(tag) {
        return None;
    }
    let ver = tag.trim_start_matches('v').to_string();
    let major = |v: &str| {
        v.trim_start_matches('v')
            .split('.')
            .next()
            .map(str::to_string)
    };
    let pick: Vec<usize> = if candidates.len() == 1 {
        candidates.to_vec()
    } else {
        candidates
            .iter()
            .copied()
            .filter(|pi| r.packages[*pi].version.as_deref().and_then(major) == major(&ver))
            .collect()
    };
    match pick.as_slice() {
        [one] => Some((*one, ver)),
        _ => None,
    }
}

/// Every repository's releases: tags matched to packages, then manifest version changes
/// (a version seen in both keeps the earlier time). Oldest first.
pub fn releases(inputs: &[RepoInput]) -> Vec<Vec<Release>> {
    (0..inputs.len())
        .map(|ri| {
            let r = &inputs[ri];
            let cands = required_elsewhere(inputs, ri);
            let mut out: Vec<Release> = Vec::new();
            for t in &r.tags {
                if let Some((pi, version)) = tag_package(r, &cands, &t.name) {
                    out.push(Release {
                        package: r.packages[pi].name.clone(),
                        version,
                        at: t.time,
                        commit: t.target,
                        tag: Some(t.name.clone()),
                        source: ReleaseSource::Tag,
                    });
                }
            }
            for m in &r.manifest_releases {
                out.push(m.clone());
            }
            out.sort_by(|a, b| {
                (&a.package, &a.version, a.at, a.source)
                    .cmp(&(&b.package, &b.version, b.at, b.source))
            });
            // One release per (package, version): the earliest evidence; a tag wins a tie.
            out.dedup_by(|later, first| {
                later.package == first.package && later.version == first.version
            });
            out.sort_by(|a, b| (a.at, &a.package, &a.version).cmp(&(b.at, &b.package, &b.version)));
            out
        })
        .collect()
}

fn version_cmp(a: &str, b: &str) -> Ordering {
    compare_versions(a, b).unwrap_or_else(|| a.cmp(b))
}

/// The skew of one requirement against the releases of the package it names.
pub fn skew(
    eco: crate::monorepo::Ecosystem,
    requirement: Option<&str>,
    releases: &[&Release],
) -> Skew {
    let mut stable: Vec<&Release> = releases
        .iter()
        .copied()
        .filter(|r| {
            !is_prerelease(&r.version) && compare_versions(&r.version, &r.version).is_some()
        })
        .collect();
    stable.sort_by(|a, b| version_cmp(&a.version, &b.version));
    let latest = stable.last().map(|r| r.version.clone());
    let accepted = requirement.and_then(|req| {
        let mut any_readable = false;
        let mut newest = None;
        for (i, r) in stable.iter().enumerate() {
            if let Some(ok) = requirement_accepts(eco, req, &r.version) {
                any_readable = true;
                if ok {
                    newest = Some(i);
                }
            }
        }
        any_readable.then_some(newest)
    });
    let (newest_accepted, releases_behind, behind_since) = match accepted {
        Some(Some(i)) => {
            let newer = &stable[i + 1..];
            (
                Some(stable[i].version.clone()),
                Some(newer.len()),
                newer.iter().map(|r| r.at).min(),
            )
        }
        _ => (None, None, None),
    };
    Skew {
        releases: stable.len(),
        latest,
        newest_accepted,
        releases_behind,
        behind_since,
    }
}

/// Cross-repository edges, grouped by (consumer repository, defining repository).
pub fn dependencies(inputs: &[RepoInput], releases: &[Vec<Release>]) -> Vec<Dependency> {
    let mut out: Vec<Dependency> = Vec::new();
    for (ai, a) in inputs.iter().enumerate() {
        for p in &a.packages {
            for q in &p.requires {
                for (bi, bpi) in definers(inputs, &q.name) {
                    let b = &inputs[bi];
                    // Same registry, not same ecosystem: a Maven project consumes what a
                    // Gradle build publishes (both Maven Central coordinates).
                    if bi == ai || b.packages[bpi].ecosystem.registry() != p.ecosystem.registry() {
                        continue;
                    }
                    let rel: Vec<&Release> = releases[bi]
                        .iter()
                        .filter(|r| r.package == q.name)
                        .collect();
                    let via = Via {
                        package: p.name.clone(),
                        path: p.dir.clone(),
                        requires: q.name.clone(),
                        requirement: q.requirement.clone(),
                        kind: q.kind,
                        skew: skew(p.ecosystem, q.requirement.as_deref(), &rel),
                    };
                    match out.iter_mut().find(|d| d.from == a.name && d.to == b.name) {
                        Some(d) => d.via.push(via),
                        None => out.push(Dependency {
                            from: a.name.clone(),
                            to: b.name.clone(),
                            via: vec![via],
                        }),
                    }
                }
            }
        }
    }
    for d in &mut out {
        d.via
            .sort_by(|x, y| (&x.path, &x.requires, x.kind).cmp(&(&y.path, &y.requires, y.kind)));
    }
    out.sort_by(|x, y| (&x.from, &x.to).cmp(&(&y.from, &y.to)));
    out
}

/// Each requirement change that newly accepts a release already out: the newest such
/// release is the one adopted.
pub fn bumps(inputs: &[RepoInput], releases: &[Vec<Release>]) -> Vec<Bump> {
    let mut out = Vec::new();
    for a in inputs {
        for c in &a.requirement_changes {
            // A raise: a requirement that existed before and changed (a new dependency is an
            // adoption of the package, not of a release).
            let (Some(before), Some(after)) = (c.before.as_deref(), c.after.as_deref()) else {
                continue;
            };
            let eco = a
                .packages
                .iter()
                .find(|p| p.dir == c.dir)
                .map(|p| p.ecosystem)
                .unwrap_or_default();
            for (bi, _) in definers(inputs, &c.dependency) {
                let b = &inputs[bi];
                if b.name == a.name {
                    continue;
                }
                // The releases out at the landing that each requirement accepts: a raise lifts
                // the newest accepted (adopting it) or the oldest accepted (adopting the floor).
                let out_then: Vec<&Release> = releases[bi]
                    .iter()
                    .filter(|r| r.package == c.dependency && r.at <= c.at)
                    .collect();
                let accepted = |req: &str| {
                    let mut v: Vec<&Release> = out_then
                        .iter()
                        .copied()
                        .filter(|r| requirement_accepts(eco, req, &r.version) == Some(true))
                        .collect();
                    v.sort_by(|x, y| version_cmp(&x.version, &y.version));
                    v
                };
                let (old, new) = (accepted(before), accepted(after));
                let newer = |a: Option<&&Release>, b: Option<&&Release>| match (a, b) {
                    (Some(a), Some(b)) => version_cmp(&a.version, &b.version) == Ordering::Greater,
                    (Some(_), None) => true,
                    _ => false,
                };
                let adopted = if newer(new.last(), old.last()) {
                    new.last().copied()
                } else if newer(new.first(), old.first()) {
                    new.first().copied()
                } else {
                    None
                };
                if let Some(r) = adopted {
                    out.push(Bump {
                        from: a.name.clone(),
                        to: b.name.clone(),
                        package: c.package.clone(),
                        requires: c.dependency.clone(),
                        before: c.before.clone(),
                        after: c.after.clone(),
                        version: r.version.clone(),
                        released_at: r.at,
                        adopted_at: c.at,
                        commit: c.commit,
                        release_commit: r.commit,
                        delay_days: super::round2((c.at - r.at) as f64 / 86_400.0),
                    });
                }
            }
        }
    }
    out.sort_by(|x, y| {
        (x.adopted_at, &x.from, &x.package).cmp(&(y.adopted_at, &y.from, &y.package))
    });
    out
}

/// The delays and their median and p90 (nearest rank).
pub fn adoption(inputs: &[RepoInput], releases: &[Vec<Release>]) -> Adoption {
    let bumps = bumps(inputs, releases);
    let secs: Vec<i64> = bumps.iter().map(|b| b.adopted_at - b.released_at).collect();
    Adoption {
        median_days: days_percentile(secs.clone(), 50.0),
        p90_days: days_percentile(secs, 90.0),
        bumps,
    }
}
