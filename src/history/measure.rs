//! Measurements over landed changes: change size (with the exclusion rules), lifetime and size
//! distributions, and the strategy/kind/platform mix. Pure functions on plain data; the diff
//! statistics come from the `git` module.

use crate::model::DiffStat;
use crate::model::{Change, Kind};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The guidance's change-size threshold: "Keep PRs small (under 400 lines changed)".
pub const SIZE_GUIDANCE_LINES: u64 = 400;
const DAY: i64 = 86_400;

/// Files that never count toward `size` unless configuration says otherwise: lockfiles,
/// vendored and generated code. Documented in docs/metrics.md.
pub const DEFAULT_EXCLUDES: &[&str] = &[
    "**/Cargo.lock",
    "**/package-lock.json",
    "**/npm-shrinkwrap.json",
    "**/yarn.lock",
    "**/pnpm-lock.yaml",
    "**/bun.lockb",
    "**/bun.lock",
    "**/poetry.lock",
    "**/uv.lock",
    "**/Pipfile.lock",
    "**/go.sum",
    "**/Gemfile.lock",
    "**/composer.lock",
    "**/flake.lock",
    "**/gradle.lockfile",
    "**/packages.lock.json",
    "**/vendor/**",
    "**/third_party/**",
    "**/node_modules/**",
    "**/*.min.js",
    "**/*.min.css",
];

/// Decides which paths count toward `size`.
#[derive(Clone, Debug)]
pub struct SizeRules {
    excludes: GlobSet,
}

impl SizeRules {
    /// Defaults plus extra globs from configuration (`[size] exclude = [...]`).
    pub fn new(extra: &[String]) -> anyhow::Result<SizeRules> {
        let mut b = GlobSetBuilder::new();
        for g in DEFAULT_EXCLUDES
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str))
        {
            b.add(
                Glob::new(g)
                    .map_err(|e| anyhow::anyhow!("invalid size exclusion glob '{g}': {e}"))?,
            );
        }
        Ok(SizeRules {
            excludes: b.build()?,
        })
    }

    /// Whether `path` is left out of `size`, given the root `.gitattributes` at the commit.
    pub fn excluded(&self, path: &[u8], attrs: &Attributes) -> bool {
        let p = String::from_utf8_lossy(path);
        match attrs.excluded(&p) {
            Some(v) => v,
            None => self.excludes.is_match(p.as_ref()),
        }
    }
}

/// The rules of a `.gitattributes` file that matter for size: `linguist-generated`,
/// `linguist-vendored`, `-diff` and `binary` exclude; `linguist-generated=false` and
/// `linguist-vendored=false` re-include. Later lines win, as in git.
#[derive(Clone, Debug, Default)]
pub struct Attributes {
    rules: Vec<(globset::GlobMatcher, bool)>,
}

impl Attributes {
    pub fn parse(text: &str) -> Attributes {
        let mut rules = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let Some(pattern) = parts.next() else {
                continue;
            };
            let mut verdict = None;
            for attr in parts {
                match attr {
                    "linguist-generated"
                    | "linguist-generated=true"
                    | "linguist-vendored"
                    | "linguist-vendored=true"
                    | "-diff"
                    | "binary" => verdict = Some(true),
                    "linguist-generated=false"
                    | "-linguist-generated"
                    | "linguist-vendored=false"
                    | "-linguist-vendored" => verdict = Some(false),
                    _ => {}
                }
            }
            let Some(v) = verdict else { continue };
            let glob = if let Some(anchored) = pattern.strip_prefix('/') {
                anchored.to_owned()
            } else if pattern.contains('/') {
                pattern.to_owned()
            } else {
                format!("**/{pattern}")
            };
            if let Ok(g) = Glob::new(&glob) {
                rules.push((g.compile_matcher(), v));
            }
        }
        Attributes { rules }
    }

    fn excluded(&self, path: &str) -> Option<bool> {
        self.rules
            .iter()
            .rev()
            .find(|(m, _)| m.is_match(path))
            .map(|(_, v)| *v)
    }
}

/// Fill `files_changed`, `lines_added`, `lines_deleted` and `size` of a change from its diff.
/// Lines stay null when a blob is missing (git could not count them either).
pub fn apply_size(change: &mut Change, diff: &DiffStat, rules: &SizeRules, attrs: &Attributes) {
    apply_size_with(change, diff, &mut |p| rules.excluded(p, attrs));
}

/// [`apply_size`] along a history: the rules of each distinct root `.gitattributes` text are
/// parsed once, and each path's verdict under them is remembered (the same paths change again
/// and again).
pub struct Sizer<'a> {
    rules: &'a SizeRules,
    by_text: HashMap<Vec<u8>, (Attributes, Verdicts)>,
}

/// Whether each path seen so far is left out of `size`, under one `.gitattributes` text.
type Verdicts = HashMap<Vec<u8>, bool>;

impl<'a> Sizer<'a> {
    pub fn new(rules: &'a SizeRules) -> Sizer<'a> {
        Sizer {
            rules,
            by_text: HashMap::new(),
        }
    }

    /// [`apply_size`] for a change whose root `.gitattributes` holds `attributes`.
    pub fn apply(&mut self, change: &mut Change, diff: &DiffStat, attributes: &[u8]) {
        let (attrs, verdicts) = self.by_text.entry(attributes.to_vec()).or_insert_with(|| {
            let parsed = Attributes::parse(&String::from_utf8_lossy(attributes));
            (parsed, HashMap::new())
        });
        let rules = self.rules;
        apply_size_with(change, diff, &mut |path| match verdicts.get(path) {
            Some(v) => *v,
            None => {
                let v = rules.excluded(path, attrs);
                verdicts.insert(path.to_vec(), v);
                v
            }
        });
    }
}

/// [`apply_size`] with the size rules as a function of the path.
fn apply_size_with(change: &mut Change, diff: &DiffStat, excluded: &mut dyn FnMut(&[u8]) -> bool) {
    change.files_changed = Some(diff.files.len() as u64);
    if diff.files.iter().any(|f| f.missing) {
        return;
    }
    let added: u64 = diff.files.iter().map(|f| f.added).sum();
    let deleted: u64 = diff.files.iter().map(|f| f.deleted).sum();
    let size: u64 = diff
        .files
        .iter()
        .filter(|f| !excluded(&f.path))
        .map(|f| f.added + f.deleted)
        .sum();
    change.lines_added = Some(added);
    change.lines_deleted = Some(deleted);
    change.size = Some(size);
}

/// Nearest-rank percentile of sorted values: always an observed value.
/// The one percentile of the crate (the scorecards use it too, so a median never disagrees).
pub fn percentile<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Lifetime distribution. Sync merges and the root commit are not branches of work and are
/// left out; unknown lifetimes are counted, never guessed.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct LifetimeStats {
    pub known: usize,
    pub unknown: usize,
    pub p50_seconds: Option<i64>,
    pub p75_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
    pub max_seconds: Option<i64>,
    pub buckets: LifetimeBuckets,
    /// Lifetimes that came out negative (clock skew) and were clamped to zero.
    pub clock_skew_clamped: usize,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct LifetimeBuckets {
    pub under_1d: usize,
    pub d1_to_3d: usize,
    pub d3_to_7d: usize,
    pub w1_to_3w: usize,
    pub over_3w: usize,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct SizeStats {
    /// Changes with a known size.
    pub known: usize,
    pub unknown: usize,
    pub p50: Option<u64>,
    pub p90: Option<u64>,
    pub max: Option<u64>,
    /// Changes whose size is over 400 lines.
    pub over_400: usize,
    pub over_400_share: Option<f64>,
}

/// Everything `analyze` reports about the changes as a whole.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Metrics {
    pub changes: usize,
    pub strategy_mix: BTreeMap<String, usize>,
    pub kind_mix: BTreeMap<String, usize>,
    pub platforms: BTreeMap<String, usize>,
    pub lifetime: LifetimeStats,
    pub size: SizeStats,
    /// Changes carrying a PR/MR number.
    pub with_pr: usize,
}

/// Whether a change is a unit of work whose lifetime and size describe a branch.
pub fn is_work(c: &Change) -> bool {
    !matches!(c.kind, Kind::Sync | Kind::Root)
}

pub fn metrics(changes: &[Change]) -> Metrics {
    let mut m = Metrics {
        changes: changes.len(),
        ..Metrics::default()
    };
    for c in changes {
        *m.strategy_mix
            .entry(c.strategy.as_str().to_owned())
            .or_default() += 1;
        *m.kind_mix.entry(c.kind.as_str().to_owned()).or_default() += 1;
        if let Some(p) = c.platform {
            *m.platforms.entry(p.as_str().to_owned()).or_default() += 1;
        }
        if c.pr.is_some() {
            m.with_pr += 1;
        }
    }
    let work: Vec<&Change> = changes.iter().filter(|c| is_work(c)).collect();
    m.lifetime = lifetime_stats(&work);
    m.size = size_stats(&work);
    m
}

fn lifetime_stats(work: &[&Change]) -> LifetimeStats {
    let mut values: Vec<i64> = work.iter().filter_map(|c| c.lifetime_seconds).collect();
    values.sort_unstable();
    let mut b = LifetimeBuckets::default();
    for &v in &values {
        match v {
            v if v < DAY => b.under_1d += 1,
            v if v < 3 * DAY => b.d1_to_3d += 1,
            v if v < 7 * DAY => b.d3_to_7d += 1,
            v if v < 21 * DAY => b.w1_to_3w += 1,
            _ => b.over_3w += 1,
        }
    }
    LifetimeStats {
        known: values.len(),
        unknown: work.len() - values.len(),
        p50_seconds: percentile(&values, 50.0),
        p75_seconds: percentile(&values, 75.0),
        p90_seconds: percentile(&values, 90.0),
        max_seconds: values.last().copied(),
        buckets: b,
        clock_skew_clamped: work.iter().filter(|c| c.clock_skew).count(),
    }
}

fn size_stats(work: &[&Change]) -> SizeStats {
    let mut values: Vec<i64> = work
        .iter()
        .filter_map(|c| c.size.map(|s| s as i64))
        .collect();
    values.sort_unstable();
    let over = values
        .iter()
        .filter(|&&v| v as u64 > SIZE_GUIDANCE_LINES)
        .count();
    SizeStats {
        known: values.len(),
        unknown: work.len() - values.len(),
        p50: percentile(&values, 50.0).map(|v| v as u64),
        p90: percentile(&values, 90.0).map(|v| v as u64),
        max: values.last().map(|v| *v as u64),
        over_400: over,
        over_400_share: (!values.is_empty()).then(|| over as f64 / values.len() as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FileStat, FileStatus};

    fn file(path: &str, added: u64, deleted: u64) -> FileStat {
        FileStat {
            path: path.as_bytes().to_vec(),
            added,
            deleted,
            binary: false,
            missing: false,
            status: FileStatus::Modified,
            old_blob: None,
            new_blob: None,
            new_kind: None,
        }
    }

    #[test]
    fn percentile_is_nearest_rank() {
        let v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(percentile(&v, 50.0), Some(5));
        assert_eq!(percentile(&v, 90.0), Some(9));
        assert_eq!(percentile(&v, 100.0), Some(10));
        assert_eq!(percentile(&[7], 90.0), Some(7));
        assert_eq!(percentile::<i64>(&[], 50.0), None);
    }

    #[test]
    fn size_excludes_lockfiles_vendor_and_generated() {
        let rules = SizeRules::new(&["docs/**".to_owned()]).expect("rules");
        let attrs = Attributes::parse(
            "*.gen.rs linguist-generated\n/vendor/keep.c linguist-vendored=false\n",
        );
        let diff = DiffStat {
            files: vec![
                file("src/a.rs", 10, 2),
                file("Cargo.lock", 100, 50),
                file("web/package-lock.json", 7, 7),
                file("vendor/x.c", 30, 0),
                file("vendor/keep.c", 4, 0),
                file("src/x.gen.rs", 40, 40),
                file("docs/guide.md", 3, 3),
            ],
        };
        let mut c = sample_change();
        apply_size(&mut c, &diff, &rules, &attrs);
        assert_eq!(c.files_changed, Some(7));
        assert_eq!(c.lines_added, Some(194));
        assert_eq!(c.lines_deleted, Some(102));
        assert_eq!(c.size, Some(16));
    }

    #[test]
    fn the_sizer_remembers_verdicts_per_attributes_text() {
        let rules = SizeRules::new(&[]).expect("rules");
        let generated = b"*.gen.rs linguist-generated\n";
        let diff = DiffStat {
            files: vec![file("src/a.rs", 10, 2), file("src/x.gen.rs", 40, 40)],
        };
        let mut sizer = Sizer::new(&rules);
        let size = |sizer: &mut Sizer, attrs: &[u8]| {
            let mut c = sample_change();
            sizer.apply(&mut c, &diff, attrs);
            c.size
        };
        // The same path judged under two texts, each answer asked again from the memo.
        assert_eq!(size(&mut sizer, generated), Some(12));
        assert_eq!(size(&mut sizer, b""), Some(92));
        assert_eq!(size(&mut sizer, generated), Some(12));
        assert_eq!(size(&mut sizer, b""), Some(92));
    }

    #[test]
    fn missing_blob_leaves_lines_unknown() {
        let mut f = file("big.bin", 0, 0);
        f.missing = true;
        let mut c = sample_change();
        let rules = SizeRules::new(&[]).expect("rules");
        apply_size(
            &mut c,
            &DiffStat { files: vec![f] },
            &rules,
            &Attributes::default(),
        );
        assert_eq!(c.files_changed, Some(1));
        assert_eq!(c.lines_added, None);
        assert_eq!(c.size, None);
    }

    pub(crate) fn sample_change() -> Change {
        use crate::model::*;
        Change {
            commit: Oid::default(),
            commits: vec![],
            target: "main".into(),
            landed_at: 0,
            strategy: Strategy::Direct,
            kind: Kind::Feature,
            pr: None,
            platform: None,
            source_branch: None,
            branch_commits: None,
            first_commit_at: None,
            lifetime_seconds: None,
            lifetime_source: LifetimeSource::Unknown,
            files_changed: None,
            lines_added: None,
            lines_deleted: None,
            size: None,
            confidence: Confidence::Low,
            authored: vec![],
            author: String::new(),
            subject: String::new(),
            empty_side: false,
            clock_skew: false,
            packages: None,
            remerge: None,
        }
    }

    #[test]
    fn distributions_skip_sync_and_count_unknown() {
        let mk = |life: Option<i64>, size: Option<u64>, kind: Kind| {
            let mut c = sample_change();
            c.lifetime_seconds = life;
            c.size = size;
            c.kind = kind;
            c
        };
        let changes = vec![
            mk(Some(3600), Some(10), Kind::Feature),
            mk(Some(2 * DAY), Some(500), Kind::Feature),
            mk(None, Some(20), Kind::Feature),
            mk(Some(30 * DAY), Some(9999), Kind::Sync),
            mk(Some(25 * DAY), None, Kind::Feature),
        ];
        let m = metrics(&changes);
        assert_eq!(m.changes, 5);
        assert_eq!(m.lifetime.known, 3);
        assert_eq!(m.lifetime.unknown, 1);
        assert_eq!(m.lifetime.p50_seconds, Some(2 * DAY));
        assert_eq!(m.lifetime.max_seconds, Some(25 * DAY));
        assert_eq!(m.lifetime.buckets.under_1d, 1);
        assert_eq!(m.lifetime.buckets.d1_to_3d, 1);
        assert_eq!(m.lifetime.buckets.over_3w, 1);
        assert_eq!(m.size.known, 3);
        assert_eq!(m.size.unknown, 1);
        assert_eq!(m.size.over_400, 1);
        assert_eq!(m.size.p50, Some(20));
        assert_eq!(m.kind_mix.get("sync"), Some(&1));
    }
}
