//! Coordinated change sets: landings in two or more repositories tied by evidence, and the
//! coupling they show.
//!
//! Evidence, strongest first: a cross-reference (`org/repo#12`, a URL of another
//! repository's pull request or commit), the same issue key (`ABC-123`), the same source
//! branch name (within two weeks), a dependency bump landing within a week after a release of
//! the other, and (weakest, reported apart) one author landing in both within 24 hours.

use super::deps::Bump;
use super::{share, AuditOptions, RepoInput};
use crate::model::{self, Oid, Timestamp};
use regex::Regex;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    CrossReference,
    IssueKey,
    SameBranch,
    BumpAfterRelease,
    SameAuthor,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// What was matched: `vite#123`, `PAY-12`, `feat/checkout`, `lib 1.3.0`, an author.
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SetLanding {
    pub repository: String,
    pub commit: Oid,
    #[serde(with = "model::time_fmt")]
    pub landed_at: Timestamp,
    pub author: String,
    pub subject: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangeSet {
    /// `set-1`, `set-2`, ... in order of the first landing.
    pub id: String,
    pub repositories: Vec<String>,
    pub strongest: EvidenceKind,
    pub evidence: Vec<Evidence>,
    pub landings: Vec<SetLanding>,
}

/// A landing as (repository index, landing index).
type Lid = (usize, usize);

static XREF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s(\[,])([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)#(\d+)\b").expect("static regex")
});
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"https?://[^\s/]+/(?:[^\s/]+/)*?([A-Za-z0-9_.-]+)/(?:-/)?(pull|pulls|merge_requests|commit|commits|issues)/([0-9A-Za-z]+)",
    )
    .expect("static regex")
});
static KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b([A-Z][A-Z0-9]{1,9})-(\d{1,6})\b").expect("static regex"));

/// Upper-case words followed by a number that name standards, not tickets.
const NOT_KEYS: &[&str] = &[
    "UTF", "SHA", "ISO", "RFC", "CVE", "GHSA", "GPL", "LGPL", "AGPL", "TLS", "SSL", "HTTP", "PEP",
    "ES", "ECMA", "CWE", "WCAG", "MD", "AES", "RSA", "IPV", "X", "BSD", "MIT", "CC", "UTC", "GMT",
    "WIP",
];

/// Branch names every repository has, or that bots and release tools generate: no evidence.
fn generic_branch(b: &str) -> bool {
    static GENERIC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(main|master|develop|dev|trunk|head|gh-pages|release|releases|staging|production|next|beta|alpha|canary|stable|HEAD|v?\d+(\.\d+)*(\.x)?)$|^(dependabot|renovate|changeset-release|release-please-|release-please--|greenkeeper|snyk-|pre-commit-ci|gh-readonly-queue|revert-\d+|all-contributors)|(^|-)patch-\d+$",
        )
        .expect("static regex")
    });
    GENERIC.is_match(b)
}

fn repo_index(inputs: &[RepoInput], name: &str, except: usize) -> Option<usize> {
    let name = name.trim_end_matches(".git");
    inputs
        .iter()
        .position(|r| r.name.eq_ignore_ascii_case(name))
        .filter(|i| *i != except)
}

/// A landing of `ri` with this PR number or containing this commit (prefix of 7+ digits).
fn find_landing(r: &RepoInput, pr: Option<u64>, sha: Option<&str>) -> Option<usize> {
    r.landings.iter().position(|l| {
        pr.is_some_and(|n| l.pr == Some(n))
            || sha.is_some_and(|s| {
                s.len() >= 7
                    && (l.commit.to_hex().starts_with(s)
                        || l.commits.iter().any(|c| c.to_hex().starts_with(s)))
            })
    })
}

struct Links {
    edges: Vec<(Lid, Lid, Evidence)>,
}

impl Links {
    fn add(&mut self, a: Lid, b: Lid, kind: EvidenceKind, detail: String) {
        if a.0 != b.0 {
            self.edges.push((a, b, Evidence { kind, detail }));
        }
    }
    /// Tie every landing of a group that spans two or more repositories.
    fn group(&mut self, members: &[Lid], kind: EvidenceKind, detail: &str) {
        let repos: BTreeSet<usize> = members.iter().map(|m| m.0).collect();
        if repos.len() < 2 {
            return;
        }
        for w in members.windows(2) {
            if w[0].0 == w[1].0 {
                // Same repository: tie it through the group's first landing of another one.
                if let Some(o) = members.iter().find(|m| m.0 != w[0].0) {
                    self.edges.push((
                        w[1],
                        *o,
                        Evidence {
                            kind,
                            detail: detail.to_string(),
                        },
                    ));
                }
            } else {
                self.add(w[0], w[1], kind, detail.to_string());
            }
        }
    }
}

/// The strong links between landings: every evidence but the author window (references,
/// the same branch, a bump after its release).
fn strong_links(inputs: &[RepoInput], bumps: &[Bump], opts: &AuditOptions) -> Links {
    let mut links = Links { edges: Vec::new() };
    let keyed = reference_links(inputs, &mut links);
    for ((kind, detail), mut members) in keyed {
        members.sort();
        members.dedup();
        links.group(&members, kind, &detail);
    }
    same_branch_links(inputs, opts, &mut links);
    bump_links(inputs, bumps, opts, &mut links);
    links
}

/// Landings that share a cited key or an unresolved reference, by (kind, detail).
type Keyed = BTreeMap<(EvidenceKind, String), Vec<Lid>>;

/// Cross-references (`owner/repo#N`, URLs) that name a landing become links; those that name
/// none, and issue keys, are returned grouped by what they cite.
fn reference_links(inputs: &[RepoInput], links: &mut Links) -> Keyed {
    let mut keyed: Keyed = BTreeMap::new();
    for (ri, r) in inputs.iter().enumerate() {
        for (li, l) in r.landings.iter().enumerate() {
            let text = format!("{}\n{}", l.subject, l.message);
            for c in XREF.captures_iter(&text) {
                let Some(bi) = repo_index(inputs, &c[2], ri) else {
                    continue;
                };
                let n: Option<u64> = c[3].parse().ok();
                let detail = format!("{}#{}", inputs[bi].name, &c[3]);
                match find_landing(&inputs[bi], n, None) {
                    Some(bl) => links.add((ri, li), (bi, bl), EvidenceKind::CrossReference, detail),
                    None => keyed
                        .entry((EvidenceKind::CrossReference, detail))
                        .or_default()
                        .push((ri, li)),
                }
            }
            for c in URL.captures_iter(&text) {
                let Some(bi) = repo_index(inputs, &c[1], ri) else {
                    continue;
                };
                let (what, id) = (&c[2], &c[3]);
                let found = match what {
                    "commit" | "commits" => find_landing(&inputs[bi], None, Some(id)),
                    "issues" => None,
                    _ => find_landing(&inputs[bi], id.parse().ok(), None),
                };
                let detail = format!("{}/{what}/{id}", inputs[bi].name);
                match found {
                    Some(bl) => links.add((ri, li), (bi, bl), EvidenceKind::CrossReference, detail),
                    None => keyed
                        .entry((
                            EvidenceKind::CrossReference,
                            format!("{}#{id}", inputs[bi].name),
                        ))
                        .or_default()
                        .push((ri, li)),
                }
            }
            let mut keys: BTreeSet<String> = BTreeSet::new();
            let branch = l.source_branch.clone().unwrap_or_default();
            for c in KEY.captures_iter(&format!("{text}\n{branch}")) {
                if !NOT_KEYS.contains(&&c[1]) {
                    keys.insert(c[0].to_string());
                }
            }
            for k in keys {
                keyed
                    .entry((EvidenceKind::IssueKey, k))
                    .or_default()
                    .push((ri, li));
            }
        }
    }
    keyed
}

/// The same source branch, within the branch window.
fn same_branch_links(inputs: &[RepoInput], opts: &AuditOptions, links: &mut Links) {
    let mut by_branch: BTreeMap<&str, Vec<(Timestamp, Lid)>> = BTreeMap::new();
    for (ri, r) in inputs.iter().enumerate() {
        for (li, l) in r.landings.iter().enumerate() {
            if let Some(b) = l.source_branch.as_deref().filter(|b| !generic_branch(b)) {
                by_branch
                    .entry(b)
                    .or_default()
                    .push((l.landed_at, (ri, li)));
            }
        }
    }
    for (b, mut v) in by_branch {
        v.sort();
        for i in 0..v.len() {
            for j in i + 1..v.len() {
                if v[j].0 - v[i].0 > opts.branch_window_seconds {
                    break;
                }
                links.add(v[i].1, v[j].1, EvidenceKind::SameBranch, b.to_string());
            }
        }
    }
}

/// A bump that lands soon after the release it adopts.
fn bump_links(inputs: &[RepoInput], bumps: &[Bump], opts: &AuditOptions, links: &mut Links) {
    for b in bumps {
        if b.adopted_at - b.released_at > opts.bump_window_seconds {
            continue;
        }
        let (Some(ai), Some(bi)) = (
            inputs.iter().position(|r| r.name == b.from),
            inputs.iter().position(|r| r.name == b.to),
        ) else {
            continue;
        };
        let sha = b.release_commit.to_hex();
        let (Some(al), Some(bl)) = (
            find_landing(&inputs[ai], None, Some(&b.commit.to_hex())),
            find_landing(&inputs[bi], None, Some(&sha)),
        ) else {
            continue;
        };
        links.add(
            (ai, al),
            (bi, bl),
            EvidenceKind::BumpAfterRelease,
            format!("{} {}", b.requires, b.version),
        );
    }
}

fn find(parent: &mut BTreeMap<Lid, Lid>, x: Lid) -> Lid {
    let p = *parent.get(&x).unwrap_or(&x);
    if p == x {
        return x;
    }
    let root = find(parent, p);
    parent.insert(x, root);
    root
}

fn build_sets(inputs: &[RepoInput], groups: Vec<(Vec<Lid>, Vec<Evidence>)>) -> Vec<ChangeSet> {
    let mut sets: Vec<ChangeSet> = groups
        .into_iter()
        .filter_map(|(mut members, mut evidence)| {
            members.sort_by_key(|m| (inputs[m.0].landings[m.1].landed_at, *m));
            members.dedup();
            let repos: BTreeSet<&str> = members.iter().map(|m| inputs[m.0].name.as_str()).collect();
            if repos.len() < 2 {
                return None;
            }
            evidence.sort();
            evidence.dedup();
            Some(ChangeSet {
                id: String::new(),
                repositories: repos.into_iter().map(str::to_string).collect(),
                strongest: evidence.first()?.kind,
                evidence,
                landings: members
                    .iter()
                    .map(|m| {
                        let l = &inputs[m.0].landings[m.1];
                        SetLanding {
                            repository: inputs[m.0].name.clone(),
                            commit: l.commit,
                            landed_at: l.landed_at,
                            author: l.author.clone(),
                            subject: l.subject.clone(),
                        }
                    })
                    .collect(),
            })
        })
        .collect();
    sets.sort_by(|a, b| {
        (
            a.landings[0].landed_at,
            &a.landings[0].repository,
            a.landings[0].commit,
        )
            .cmp(&(
                b.landings[0].landed_at,
                &b.landings[0].repository,
                b.landings[0].commit,
            ))
    });
    sets
}

/// Sets tied by strong evidence (connected components of the links) and, apart, the
/// author-window sets among the landings no strong set holds.
pub fn find_sets(
    inputs: &[RepoInput],
    bumps: &[Bump],
    opts: &AuditOptions,
) -> (Vec<ChangeSet>, Vec<ChangeSet>) {
    let links = strong_links(inputs, bumps, opts);
    let mut parent: BTreeMap<Lid, Lid> = BTreeMap::new();
    for (a, b, _) in &links.edges {
        let (ra, rb) = (find(&mut parent, *a), find(&mut parent, *b));
        if ra != rb {
            parent.insert(ra.max(rb), ra.min(rb));
        }
    }
    let mut comps: BTreeMap<Lid, (Vec<Lid>, Vec<Evidence>)> = BTreeMap::new();
    for (a, b, e) in &links.edges {
        let root = find(&mut parent, *a);
        let c = comps.entry(root).or_default();
        c.0.push(*a);
        c.0.push(*b);
        c.1.push(e.clone());
    }
    let mut strong = build_sets(inputs, comps.into_values().collect());
    for (i, s) in strong.iter_mut().enumerate() {
        s.id = format!("set-{}", i + 1);
    }
    let in_strong: BTreeSet<(String, Oid)> = strong
        .iter()
        .flat_map(|s| s.landings.iter().map(|l| (l.repository.clone(), l.commit)))
        .collect();
    // One author's landings, greedily grouped: a group runs from its first landing for the
    // window; a group that spans two repositories is a weak set.
    let mut by_author: BTreeMap<String, Vec<(Timestamp, Lid)>> = BTreeMap::new();
    for (ri, r) in inputs.iter().enumerate() {
        for (li, l) in r.landings.iter().enumerate() {
            if l.bot || l.author.is_empty() || in_strong.contains(&(r.name.clone(), l.commit)) {
                continue;
            }
            by_author
                .entry(l.author.to_lowercase())
                .or_default()
                .push((l.landed_at, (ri, li)));
        }
    }
    let mut weak_groups = Vec::new();
    for (_, mut v) in by_author {
        v.sort();
        let mut i = 0;
        while i < v.len() {
            let mut j = i;
            while j + 1 < v.len() && v[j + 1].0 - v[i].0 <= opts.author_window_seconds {
                j += 1;
            }
            let members: Vec<Lid> = v[i..=j].iter().map(|x| x.1).collect();
            let author = inputs[members[0].0].landings[members[0].1].author.clone();
            weak_groups.push((
                members,
                vec![Evidence {
                    kind: EvidenceKind::SameAuthor,
                    detail: author,
                }],
            ));
            i = j + 1;
        }
    }
    let mut weak = build_sets(inputs, weak_groups);
    for (i, s) in weak.iter_mut().enumerate() {
        s.id = format!("author-{}", i + 1);
    }
    (strong, weak)
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Pair {
    pub a: String,
    pub b: String,
    /// Coordinated sets spanning both.
    pub sets: usize,
    /// `sets` over all units of work (each set is one unit, each landing outside sets one).
    pub support: Option<f64>,
    /// `sets` over the units of the less active of the two: how often that one needed the
    /// other.
    pub confidence: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Coupling {
    pub landings: usize,
    pub coordinated_landings: usize,
    /// Landings in coordinated sets over all landings.
    pub coordinated_share: Option<f64>,
    /// Number of repositories a set spans -> sets.
    pub by_repos_spanned: BTreeMap<String, usize>,
    /// Sets spanning three or more repositories over all sets.
    pub share_spanning_3_plus: Option<f64>,
    pub pairs: Vec<Pair>,
    /// The author-window sets: counted apart, never in `coordinated_share`.
    pub author_window: AuthorWindow,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AuthorWindow {
    pub sets: usize,
    pub landings: usize,
    pub share: Option<f64>,
}

pub fn coupling(inputs: &[RepoInput], sets: &[ChangeSet], weak: &[ChangeSet]) -> Coupling {
    let landings: usize = inputs.iter().map(|r| r.landings.len()).sum();
    let coordinated: usize = sets.iter().map(|s| s.landings.len()).sum();
    let mut by_repos_spanned = BTreeMap::new();
    for s in sets {
        *by_repos_spanned
            .entry(s.repositories.len().to_string())
            .or_insert(0) += 1;
    }
    let wide = sets.iter().filter(|s| s.repositories.len() >= 3).count();
    let units_total = landings - coordinated + sets.len();
    let units = |name: &str| {
        let r = inputs.iter().find(|r| r.name == name);
        let own = r.map(|r| r.landings.len()).unwrap_or(0);
        let in_sets: usize = sets
            .iter()
            .map(|s| s.landings.iter().filter(|l| l.repository == name).count())
            .sum();
        let sets_with = sets
            .iter()
            .filter(|s| s.repositories.iter().any(|x| x == name))
            .count();
        own - in_sets + sets_with
    };
    let mut pairs = Vec::new();
    for i in 0..inputs.len() {
        for j in i + 1..inputs.len() {
            let (a, b) = (&inputs[i].name, &inputs[j].name);
            let n = sets
                .iter()
                .filter(|s| s.repositories.contains(a) && s.repositories.contains(b))
                .count();
            if n == 0 {
                continue;
            }
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            pairs.push(Pair {
                a: a.clone(),
                b: b.clone(),
                sets: n,
                support: share(n, units_total),
                confidence: share(n, units(a).min(units(b))),
            });
        }
    }
    pairs.sort_by(|x, y| {
        y.sets
            .cmp(&x.sets)
            .then(
                y.confidence
                    .partial_cmp(&x.confidence)
                    .unwrap_or(std::cmp::Ordering::Equal),
            )
            .then((&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    let weak_landings: usize = weak.iter().map(|s| s.landings.len()).sum();
    Coupling {
        landings,
        coordinated_landings: coordinated,
        coordinated_share: share(coordinated, landings),
        by_repos_spanned,
        share_spanning_3_plus: share(wide, sets.len()),
        pairs,
        author_window: AuthorWindow {
            sets: weak.len(),
            landings: weak_landings,
            share: share(weak_landings, landings),
        },
    }
}
