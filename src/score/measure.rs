//! From the input to the numbers the criteria read: computed once ([`Facts`]), then each
//! criterion picks its metric ([`evaluate`]). The measurement is the same for every model;
//! only the thresholds in `criteria.rs` differ.

use super::card::{criterion_score, round, status_of, CriterionResult};
use super::criteria::{CriterionDef, Metric, SIZE_LIMIT_LINES};
use super::{ScoreInput, Tag};
use crate::model::{Branch, Change, Kind, Oid, Platform, Timestamp};
use std::collections::{BTreeMap, HashSet};

pub(crate) const DAY: f64 = 86_400.0;
/// How many examples an evidence string names.
const EXAMPLES: usize = 3;

/// What a long-lived line is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineRole {
    /// develop (or the configured GitFlow integration branch).
    Integration,
    /// The GitFlow production branch when it is not the trunk.
    Production,
    /// release/*, support/*, maint*, N.x, vN.M: a line that may be maintained in parallel.
    Release,
    /// hotfix/*: a short fix line, never counted as a parallel release line.
    Hotfix,
}

/// A long-lived line besides the trunk, with the commit times it received in the window.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    pub name: String,
    pub role: LineRole,
    /// Ascending.
    pub commits: Vec<Timestamp>,
}

/// The measured history, computed once.
pub(crate) struct Facts<'a> {
    pub input: &'a ScoreInput<'a>,
    pub gitflow: bool,
    /// Where features land: develop in GitFlow, else the trunk.
    pub integration: String,
    /// Where releases land: main/master in GitFlow, else the trunk.
    pub production: String,
    /// Units of work: every landed change except sync/back-merges and the root commit.
    pub counted: Vec<&'a Change>,
    /// Known branch lifetimes in days, ascending.
    pub lifetimes: Vec<(f64, &'a Change)>,
    pub lifetime_unknown: usize,
    /// Changes compared with the 400-line guidance, with their size, ascending. Release merges
    /// aggregate changes already counted, so they are left out; so are unknown sizes.
    pub sized: Vec<(u64, &'a Change)>,
    pub release_merges_unsized: usize,
    /// Changes whose size is unknown (a blob missing from the clone).
    pub size_unknown: usize,
    /// Landings by people (not bots) on the integration line, how many distinct authors made
    /// them, and how many bot landings were left out.
    pub integration_landings: Vec<&'a Change>,
    pub integration_authors: usize,
    pub integration_bot_landings: usize,
    pub weekdays: u64,
    /// Landings on the production branch, oldest first.
    pub production_landings: Vec<&'a Change>,
    /// Release and hotfix landings on the production branch, oldest first.
    pub release_landings: Vec<&'a Change>,
    /// Version-like tags, one per tagged commit (earliest name), oldest first.
    pub releases: Vec<&'a Tag>,
    pub tagged: HashSet<Oid>,
    /// Long-lived lines besides the trunk that received commits in the window, by name.
    pub lines: Vec<Line>,
    /// Active (not stale) live branches 21+ days old that are not long-lived lines.
    pub long_lived_live: Vec<&'a Branch>,
    pub long_lived_stale: Vec<&'a Branch>,
    pub live_branches: usize,
}

/// `refs/heads/x`, `refs/remotes/origin/x`, `origin/x` and `upstream/x` all name `x`.
pub(crate) fn normalize(name: &str) -> &str {
    let n = name.strip_prefix("refs/heads/").unwrap_or(name);
    let n = match n.strip_prefix("refs/remotes/") {
        Some(rest) => rest.split_once('/').map_or(rest, |(_, b)| b),
        None => n,
    };
    n.strip_prefix("origin/")
        .or_else(|| n.strip_prefix("upstream/"))
        .unwrap_or(n)
}

fn is_develop_like(name: &str) -> bool {
    matches!(name, "develop" | "dev" | "development")
}

fn is_hotfix(name: &str) -> bool {
    name.starts_with("hotfix/") || name.starts_with("hotfix-")
}

/// A bot: listed in the config (name or email, any case) or named `...[bot]`.
pub(crate) fn is_bot(author: &str, bots: &[String]) -> bool {
    author.ends_with("[bot]") || bots.iter().any(|b| b.eq_ignore_ascii_case(author))
}

pub(crate) fn reviewed(c: &Change) -> bool {
    c.pr.is_some() || c.platform.is_some_and(|p| p != Platform::Git)
}

pub(crate) fn is_release_kind(c: &Change) -> bool {
    matches!(c.kind, Kind::Release | Kind::Hotfix)
}

impl<'a> Facts<'a> {
    /// Release and hotfix landings whose commits carry no version tag.
    pub(crate) fn untagged_releases(&self) -> Vec<&'a Change> {
        self.release_landings
            .iter()
            .copied()
            .filter(|c| {
                !c.commits
                    .iter()
                    .chain([&c.commit])
                    .any(|o| self.tagged.contains(o))
            })
            .collect()
    }

    pub fn new(input: &'a ScoreInput<'a>, version_re: &regex::Regex) -> Facts<'a> {
        let trunk = normalize(input.trunk).to_string();
        let (gitflow, integration, production) = match &input.gitflow {
            Some(r) => (
                true,
                normalize(&r.integration).to_string(),
                normalize(&r.production).to_string(),
            ),
            None => (false, trunk.clone(), trunk.clone()),
        };
        let on = |c: &Change, line: &str| !gitflow || normalize(&c.target) == line;

        let mut counted: Vec<&Change> = input
            .changes
            .iter()
            .filter(|c| !matches!(c.kind, Kind::Sync | Kind::Root))
            .collect();
        counted.sort_by_key(|c| (c.landed_at, c.commit));

        let mut lifetimes: Vec<(f64, &Change)> = counted
            .iter()
            .filter_map(|c| c.lifetime_seconds.map(|s| (s.max(0) as f64 / DAY, *c)))
            .collect();
        lifetimes.sort_by(|a, b| a.0.total_cmp(&b.0));
        let lifetime_unknown = counted.len() - lifetimes.len();

        let not_release: Vec<&Change> = counted
            .iter()
            .copied()
            .filter(|c| c.kind != Kind::Release)
            .collect();
        let release_merges_unsized = counted.len() - not_release.len();
        let mut sized: Vec<(u64, &Change)> = not_release
            .iter()
            .filter_map(|c| c.size.map(|s| (s, *c)))
            .collect();
        sized.sort_by_key(|(s, c)| (*s, c.landed_at));
        let size_unknown = not_release.len() - sized.len();

        let (integration_landings, bot_landings): (Vec<&Change>, Vec<&Change>) = counted
            .iter()
            .copied()
            .filter(|c| on(c, &integration))
            .partition(|c| !is_bot(&c.author, input.bots));
        let integration_authors = integration_landings
            .iter()
            .map(|c| c.author.as_str())
            .collect::<HashSet<_>>()
            .len();
        let production_landings: Vec<&Change> = counted
            .iter()
            .copied()
            .filter(|c| on(c, &production))
            .collect();
        let release_landings = production_landings
            .iter()
            .copied()
            .filter(|c| is_release_kind(c))
            .collect();

        let mut version_tags: Vec<&Tag> = input
            .tags
            .iter()
            .filter(|t| version_re.is_match(&t.name))
            .collect();
        version_tags.sort_by(|a, b| (a.time, &a.name).cmp(&(b.time, &b.name)));
        let mut tagged = HashSet::new();
        let releases: Vec<&Tag> = version_tags
            .into_iter()
            .filter(|t| tagged.insert(t.target))
            .collect();

        // Long-lived lines: merge local and remote-tracking names, keep the window only.
        let (since, until) = input.window;
        let mut by_name: BTreeMap<String, Vec<Timestamp>> = BTreeMap::new();
        let mut line_names: HashSet<String> = HashSet::new();
        for l in input.long_lived_refs {
            let name = normalize(&l.name).to_string();
            line_names.insert(name.clone());
            if name == trunk {
                continue;
            }
            by_name.entry(name).or_default().extend(
                l.commits_in_window
                    .iter()
                    .filter(|t| **t >= since && **t <= until),
            );
        }
        if gitflow {
            // develop and main always exist in GitFlow; their landings are their activity.
            for (name, landings) in [
                (&integration, &integration_landings),
                (&production, &production_landings),
            ] {
                line_names.insert(name.clone());
                if *name == trunk {
                    continue;
                }
                let times = by_name.entry(name.clone()).or_default();
                if times.is_empty() {
                    times.extend(landings.iter().map(|c| c.landed_at));
                }
            }
        }
        let lines = by_name
            .into_iter()
            .filter(|(_, t)| !t.is_empty())
            .map(|(name, mut commits)| {
                commits.sort_unstable();
                commits.dedup();
                let role = if name == integration || (!gitflow && is_develop_like(&name)) {
                    LineRole::Integration
                } else if gitflow && name == production {
                    LineRole::Production
                } else if is_hotfix(&name) {
                    LineRole::Hotfix
                } else {
                    LineRole::Release
                };
                Line {
                    name,
                    role,
                    commits,
                }
            })
            .collect();

        let mut long_lived_live = Vec::new();
        let mut long_lived_stale = Vec::new();
        let mut live_branches = 0;
        for b in input.branches {
            let name = normalize(&b.name);
            if name == trunk || line_names.contains(name) {
                continue;
            }
            live_branches += 1;
            if b.long_lived {
                if b.stale {
                    long_lived_stale.push(b);
                } else {
                    long_lived_live.push(b);
                }
            }
        }
        let age = |b: &&Branch| std::cmp::Reverse(b.age_seconds.unwrap_or(0));
        long_lived_live.sort_by_key(age);
        long_lived_stale.sort_by_key(age);

        Facts {
            input,
            gitflow,
            integration,
            production,
            counted,
            lifetimes,
            lifetime_unknown,
            sized,
            release_merges_unsized,
            size_unknown,
            integration_landings,
            integration_authors,
            integration_bot_landings: bot_landings.len(),
            weekdays: weekdays(since, until),
            production_landings,
            release_landings,
            releases,
            tagged,
            lines,
            long_lived_live,
            long_lived_stale,
            live_branches,
        }
    }

    /// Sized changes over 400 lines, largest first.
    pub fn over_limit(&self) -> Vec<(u64, &'a Change)> {
        self.sized
            .iter()
            .rev()
            .copied()
            .filter(|(s, _)| *s > SIZE_LIMIT_LINES)
            .collect()
    }

    /// Sizes in lines, ascending.
    pub fn sizes(&self) -> Vec<f64> {
        self.sized.iter().map(|(s, _)| *s as f64).collect()
    }

    pub fn lifetime_days(&self) -> Vec<f64> {
        self.lifetimes.iter().map(|(d, _)| *d).collect()
    }

    /// Version tags whose time falls in the window.
    pub fn releases_in_window(&self) -> Vec<&'a Tag> {
        let (since, until) = self.input.window;
        self.releases
            .iter()
            .copied()
            .filter(|t| t.time >= since && t.time <= until)
            .collect()
    }

    /// Release and hotfix landings on production that were merged back into develop: a later
    /// landing on develop from the same branch, or a sync/back-merge, before the next release.
    pub fn back_merged(&self) -> Vec<(&'a Change, bool)> {
        let until = self.input.window.1;
        let develop: Vec<&Change> = self
            .input
            .changes
            .iter()
            .filter(|c| normalize(&c.target) == self.integration)
            .collect();
        self.release_landings
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let next = self
                    .release_landings
                    .get(i + 1)
                    .map_or(until, |n| n.landed_at);
                let ok = develop.iter().any(|c| {
                    c.landed_at >= p.landed_at.saturating_sub(3600)
                        && c.landed_at <= next.max(p.landed_at)
                        && (c.kind == Kind::Sync
                            || (p.source_branch.is_some() && c.source_branch == p.source_branch))
                });
                (*p, ok)
            })
            .collect()
    }
}

/// Weekdays (Monday-Friday, UTC) touched by the half-open window `[since, until)`; at least 1.
pub(crate) fn weekdays(since: Timestamp, until: Timestamp) -> u64 {
    if until <= since {
        return 1;
    }
    let first = since.div_euclid(86_400);
    let last = (until - 1).div_euclid(86_400);
    let days = (last - first + 1) as u64;
    let full_weeks = days / 7;
    let mut count = full_weeks * 5;
    // 1970-01-01 was a Thursday: weekday index (Monday = 0) of day d is (d + 3) mod 7.
    for k in 0..(days % 7) as i64 {
        let d = first + (full_weeks * 7) as i64 + k;
        if (d + 3).rem_euclid(7) < 5 {
            count += 1;
        }
    }
    count.max(1)
}

/// Median of an ascending slice (mean of the two middle values for an even count).
/// The nearest-rank median (an observed value), the same definition as `metrics`' p50 so
/// that the table and the scorecard never disagree.
pub(crate) fn median(sorted: &[f64]) -> Option<f64> {
    percentile(sorted, 50.0)
}

/// Nearest-rank percentile of an ascending slice.
pub(crate) fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// `5.0 h` under a day, `3.2 d` from a day on.
pub(crate) fn fmt_days(d: f64) -> String {
    if d < 1.0 {
        format!("{:.1} h", d * 24.0)
    } else {
        format!("{d:.1} d")
    }
}

pub(crate) fn fmt_share(s: f64) -> String {
    let p = s * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// `1 commit`, `2 commits`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A measured value in its unit, for people.
pub(crate) fn fmt_value(v: f64, unit: &str) -> String {
    match unit {
        "days" => fmt_days(v),
        "share" => fmt_share(v),
        "lines" => format!("{v:.0} lines"),
        "flag" => (if v >= 0.5 { "yes" } else { "no" }).to_string(),
        "per_developer_day" => format!("{v:.2}/dev/day"),
        _ => {
            if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.2}")
            }
        }
    }
}

/// `<= 1.0 d` (lower is better) or `>= 2.00/dev/day` (higher is better).
pub(crate) fn fmt_target(target: f64, failing: f64, unit: &str) -> String {
    if unit == "flag" {
        return fmt_value(target, unit);
    }
    let op = if target < failing { "<=" } else { ">=" };
    format!("{op} {}", fmt_value(target, unit))
}

/// `abcdef0123 (feature/x)`, or the subject when the branch is unknown.
pub(crate) fn label(c: &Change) -> String {
    let what = c.source_branch.clone().unwrap_or_else(|| {
        let mut s: String = c.subject.chars().take(50).collect();
        if c.subject.chars().count() > 50 {
            s.push_str("...");
        }
        format!("\"{s}\"")
    });
    format!("{} {}", c.commit.short(10), what)
}

fn list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    let mut s: Vec<String> = items.iter().take(EXAMPLES).map(f).collect();
    if items.len() > EXAMPLES {
        s.push(format!("{} more", items.len() - EXAMPLES));
    }
    s.join(", ")
}

pub(crate) fn branch_age(b: &Branch) -> String {
    b.age_seconds
        .map_or("age unknown".into(), |s| fmt_days(s.max(0) as f64 / DAY))
}

/// The value a metric measured, and the evidence behind it (or why it is n/a).
pub(crate) struct Measured {
    pub value: Option<f64>,
    pub evidence: String,
}

fn na(evidence: String) -> Measured {
    Measured {
        value: None,
        evidence,
    }
}

fn val(value: f64, evidence: String) -> Measured {
    Measured {
        value: Some(value),
        evidence,
    }
}

/// Measure one criterion and score it.
pub(crate) fn evaluate(def: &CriterionDef, f: &Facts, min: usize) -> CriterionResult {
    let m = if f.counted.is_empty() {
        na("no landed changes in the window".into())
    } else {
        measure(def.metric, f, min)
    };
    let measured = m.value.filter(|v| v.is_finite()).map(|v| round(v, 4));
    let score = measured.map(|v| round(criterion_score(v, def.target, def.failing), 1));
    CriterionResult {
        id: def.id.to_string(),
        metric: def.metric.id().to_string(),
        measured,
        unit: def.metric.unit().as_str().to_string(),
        target: def.target,
        failing: def.failing,
        weight: def.weight,
        score,
        status: status_of(score),
        source: def.source.to_string(),
        evidence: m.evidence,
    }
}

pub(crate) fn measure(metric: Metric, f: &Facts, min: usize) -> Measured {
    match metric {
        Metric::LifetimeMedian | Metric::LifetimeP90 => lifetime(metric, f, min),
        Metric::LongLivedBranches => {
            let n = f.long_lived_live.len();
            let mut e = if n == 0 {
                format!(
                    "no active branch older than 3 weeks among {} live branches",
                    f.live_branches
                )
            } else {
                format!(
                    "{n} of {} live branches older than 3 weeks and still active: {}",
                    f.live_branches,
                    list(&f.long_lived_live, |b| format!(
                        "{} ({})",
                        b.name,
                        branch_age(b)
                    ))
                )
            };
            if !f.long_lived_stale.is_empty() {
                e.push_str(&format!(
                    "; not counted, stale (idle 30+ days): {}",
                    list(&f.long_lived_stale, |b| b.name.clone())
                ));
            }
            val(n as f64, e)
        }
        Metric::ExtraLongLivedLines => {
            let n = f.lines.len();
            let e = if n == 0 {
                format!(
                    "{} only: no other long-lived line received commits in the window",
                    f.input.trunk
                )
            } else {
                format!(
                    "besides {}: {}",
                    f.input.trunk,
                    list(&f.lines, |l| format!(
                        "{} ({})",
                        l.name,
                        plural(l.commits.len(), "commit")
                    ))
                )
            };
            val(n as f64, e)
        }
        Metric::IntegrationBranch => match &f.input.gitflow {
            Some(r) => val(
                1.0,
                format!(
                    "{} is the integration branch, {} the production branch",
                    r.integration, r.production
                ),
            ),
            None => val(
                0.0,
                format!(
                    "no develop-like integration branch beside {}",
                    f.input.trunk
                ),
            ),
        },
        Metric::FeaturesIntoIntegration => {
            let features: Vec<&Change> = f
                .counted
                .iter()
                .copied()
                .filter(|c| c.kind == Kind::Feature)
                .collect();
            let n = features.len();
            if n < min {
                return na(format!("{n} feature changes, fewer than {min}"));
            }
            if !f.gitflow {
                return val(
                    0.0,
                    format!(
                        "no integration branch: all {n} feature changes landed on {}",
                        f.input.trunk
                    ),
                );
            }
            let elsewhere: Vec<&Change> = features
                .iter()
                .copied()
                .filter(|c| normalize(&c.target) != f.integration)
                .collect();
            let k = n - elsewhere.len();
            let mut e = format!("{k} of {n} feature changes landed on {}", f.integration);
            if !elsewhere.is_empty() {
                e.push_str(&format!("; elsewhere: {}", list(&elsewhere, |c| label(c))));
            }
            val(k as f64 / n as f64, e)
        }
        Metric::ReleasesThroughBranches => {
            let n = f.production_landings.len();
            if n == 0 {
                return na(format!("no landings on {} in the window", f.production));
            }
            let k = f.release_landings.len();
            let others: Vec<&Change> = f
                .production_landings
                .iter()
                .copied()
                .filter(|c| !is_release_kind(c))
                .collect();
            let mut e = format!(
                "{k} of {n} landings on {} are release or hotfix merges",
                f.production
            );
            if !others.is_empty() {
                e.push_str(&format!("; others: {}", list(&others, |c| label(c))));
            }
            val(k as f64 / n as f64, e)
        }
        Metric::ReleasesTagged => {
            let n = f.release_landings.len();
            if n == 0 {
                return na(format!(
                    "no release or hotfix merges on {} in the window",
                    f.production
                ));
            }
            let untagged = f.untagged_releases();
            let k = n - untagged.len();
            let mut e = format!("{k} of {n} release/hotfix landings carry a version tag");
            if !untagged.is_empty() {
                e.push_str(&format!("; untagged: {}", list(&untagged, |c| label(c))));
            }
            val(k as f64 / n as f64, e)
        }
        Metric::ReleasesBackMerged => {
            if !f.gitflow {
                return na("no integration branch to merge releases back into".into());
            }
            let bm = f.back_merged();
            let n = bm.len();
            if n == 0 {
                return na(format!(
                    "no release or hotfix merges on {} in the window",
                    f.production
                ));
            }
            let missing: Vec<&Change> = bm.iter().filter(|(_, ok)| !ok).map(|(c, _)| *c).collect();
            let k = n - missing.len();
            let mut e = format!(
                "{k} of {n} release/hotfix landings were merged back into {}",
                f.integration
            );
            if !missing.is_empty() {
                e.push_str(&format!(
                    "; not merged back: {}",
                    list(&missing, |c| label(c))
                ));
            }
            val(k as f64 / n as f64, e)
        }
        Metric::SizeOverLimitShare | Metric::SizeMedian => size(metric, f, min),
        Metric::IntegrationFrequency => {
            let n = f.integration_landings.len();
            if n < min {
                return na(format!(
                    "{n} landings by people on {}, fewer than {min}",
                    f.integration
                ));
            }
            let devs = f.integration_authors.max(1);
            let v = n as f64 / (devs as f64 * f.weekdays as f64);
            let bots = if f.integration_bot_landings > 0 {
                format!(
                    " ({} by bots not counted)",
                    plural(f.integration_bot_landings, "landing")
                )
            } else {
                String::new()
            };
            val(
                v,
                format!(
                    "{n} landings on {} by {} over {} weekdays{bots}",
                    f.integration,
                    plural(devs, "developer"),
                    f.weekdays
                ),
            )
        }
        Metric::ReviewedShare => {
            let n = f.counted.len();
            if n < min {
                return na(format!("{n} landed changes, fewer than {min}"));
            }
            let direct: Vec<&Change> = f.counted.iter().copied().filter(|c| !reviewed(c)).collect();
            let k = n - direct.len();
            let mut e = format!("{k} of {n} changes carry PR or review-platform evidence");
            if !direct.is_empty() {
                e.push_str(&format!("; without: {}", list(&direct, |c| label(c))));
            }
            val(k as f64 / n as f64, e)
        }
        Metric::ReleaseInterval => {
            let in_window = f.releases_in_window();
            if in_window.is_empty() {
                return na(
                    "no version tags in the window: continuous delivery from the trunk is not penalised"
                        .into(),
                );
            }
            // Releases are sorted by time: the predecessor of each is the last earlier one.
            let (since, until) = f.input.window;
            let mut gaps: Vec<f64> = Vec::new();
            let mut prev: Option<Timestamp> = None;
            let mut i = 0;
            while i < f.releases.len() {
                let t = f.releases[i].time;
                let mut j = i;
                while j < f.releases.len() && f.releases[j].time == t {
                    if let (Some(p), true) = (prev, t >= since && t <= until) {
                        gaps.push(t.saturating_sub(p) as f64 / DAY);
                    }
                    j += 1;
                }
                prev = Some(t);
                i = j;
            }
            gaps.sort_by(|a, b| a.total_cmp(b));
            let names = list(&in_window, |t| t.name.clone());
            match median(&gaps) {
                None => na(format!(
                    "one release in the window ({names}) and none before it: no interval"
                )),
                Some(m) => val(
                    m,
                    format!(
                        "{} releases in the window ({names}); median {} between releases",
                        in_window.len(),
                        fmt_days(m)
                    ),
                ),
            }
        }
        Metric::CiConfig => {
            let files = f.input.ci_files;
            let e = if files.is_empty() {
                "no CI configuration (.github/workflows/*, .gitlab-ci.yml, Jenkinsfile, .circleci/config.yml, azure-pipelines.yml, .travis.yml, bitbucket-pipelines.yml, .buildkite/*) in the trunk's tree".to_string()
            } else {
                list(files, |p| p.clone())
            };
            val(files.len() as f64, e)
        }
    }
}

fn lifetime(metric: Metric, f: &Facts, min: usize) -> Measured {
    let n = f.lifetimes.len();
    let unknown = if f.lifetime_unknown > 0 {
        format!(
            " ({} unknown, excluded: squashes without PR refs; fetch them with `{}`)",
            f.lifetime_unknown,
            super::criteria::S_FETCH_PR_REFS
        )
    } else {
        String::new()
    };
    if n < min {
        return na(format!(
            "{n} changes with a known lifetime, fewer than {min}{unknown}"
        ));
    }
    let days = f.lifetime_days();
    let (name, v) = match metric {
        Metric::LifetimeP90 => ("p90", percentile(&days, 90.0)),
        _ => ("median", median(&days)),
    };
    let v = v.unwrap_or(0.0);
    let longest: Vec<&(f64, &Change)> = f.lifetimes.iter().rev().take(EXAMPLES).collect();
    val(
        v,
        format!(
            "{name} {} over {n} changes{unknown}; longest: {}",
            fmt_days(v),
            list(&longest, |(d, c)| format!("{} {}", label(c), fmt_days(*d)))
        ),
    )
}

fn size(metric: Metric, f: &Facts, min: usize) -> Measured {
    let n = f.sized.len();
    let mut skipped = Vec::new();
    if f.release_merges_unsized > 0 {
        skipped.push(format!(
            "{} not counted: they aggregate changes counted on their own",
            plural(f.release_merges_unsized, "release merge")
        ));
    }
    if f.size_unknown > 0 {
        skipped.push(format!(
            "{} of unknown size (a blob missing from the clone) excluded",
            plural(f.size_unknown, "change")
        ));
    }
    let skipped = if skipped.is_empty() {
        String::new()
    } else {
        format!(" ({})", skipped.join("; "))
    };
    if n < min {
        return na(format!("{n} sized changes, fewer than {min}{skipped}"));
    }
    let over = f.over_limit();
    match metric {
        Metric::SizeOverLimitShare => {
            let s = over.len() as f64 / n as f64;
            let mut e = format!(
                "{} of {n} changes over {SIZE_LIMIT_LINES} lines{skipped}",
                over.len()
            );
            if !over.is_empty() {
                e.push_str(&format!(
                    "; largest: {}",
                    list(&over, |(s, c)| format!("{} {s} lines", label(c)))
                ));
            }
            val(s, e)
        }
        _ => {
            let m = median(&f.sizes()).unwrap_or(0.0);
            let largest = f
                .sized
                .last()
                .map(|(s, c)| format!("{} {s} lines", label(c)));
            val(
                m,
                format!(
                    "median {m:.0} lines over {n} changes{skipped}; largest: {}",
                    largest.unwrap_or_default()
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_counts_mondays_to_fridays() {
        let mon = 1_704_067_200; // 2024-01-01, a Monday
        assert_eq!(weekdays(mon, mon + 28 * 86_400), 20);
        assert_eq!(weekdays(mon, mon + 7 * 86_400), 5);
        assert_eq!(weekdays(mon, mon + 3600), 1);
        let sat = mon + 5 * 86_400;
        assert_eq!(weekdays(sat, sat + 2 * 86_400), 1); // a weekend: at least 1
        assert_eq!(weekdays(sat, sat + 3 * 86_400), 1); // Sat, Sun, Mon
        assert_eq!(weekdays(mon, mon), 1);
        assert_eq!(weekdays(-86_400 * 365, 0), 261); // 1969: 365 days, 261 weekdays
    }

    #[test]
    fn median_and_percentile() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, 2.0, 10.0]), Some(2.0));
        assert_eq!(median(&[1.0, 2.0, 4.0, 10.0]), Some(2.0));
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&v, 90.0), Some(9.0));
        assert_eq!(percentile(&[5.0], 90.0), Some(5.0));
        assert_eq!(percentile(&[], 90.0), None);
    }

    #[test]
    fn names_are_normalised() {
        assert_eq!(normalize("refs/heads/develop"), "develop");
        assert_eq!(normalize("refs/remotes/fork/release/1.2"), "release/1.2");
        assert_eq!(normalize("origin/release/1.2"), "release/1.2");
        assert_eq!(normalize("release/1.2"), "release/1.2");
        assert_eq!(normalize("feature/origin/x"), "feature/origin/x");
    }

    #[test]
    fn formats() {
        assert_eq!(fmt_days(0.25), "6.0 h");
        assert_eq!(fmt_days(2.0), "2.0 d");
        assert_eq!(fmt_share(0.5), "50%");
        assert_eq!(fmt_share(1.0 / 3.0), "33.3%");
    }
}
