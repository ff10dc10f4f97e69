//! The measured history the criteria, findings and recommendation read, computed once from the
//! [`ScoreInput`]: counted changes, lifetimes, sizes, landings per line, releases, long-lived
//! lines and live branches.

use super::{ScoreInput, Tag};
use crate::model::{Branch, Change, Kind, OidSet, Platform, Timestamp};
use std::collections::{BTreeMap, HashSet};

pub(crate) const DAY: f64 = 86_400.0;

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

/// Landings on the integration line by people, and how much work stands behind them.
pub(crate) struct Integration<'a> {
    /// Landings by people (not bots), oldest first.
    pub landings: Vec<&'a Change>,
    /// Distinct authors of those landings.
    pub authors: usize,
    pub bot_landings: usize,
    /// Distinct (developer, UTC day) pairs in the window on which a developer authored work of
    /// those landings or landed one of them.
    pub developer_days: usize,
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
    /// Changes compared with the size limit, with their size, ascending. Release merges
    /// aggregate changes already counted, so they are left out; so are unknown sizes.
    pub sized: Vec<(u64, &'a Change)>,
    pub release_merges_unsized: usize,
    /// Changes whose size is unknown (a blob missing from the clone).
    pub size_unknown: usize,
    pub integration_line: Integration<'a>,
    pub weekdays: u64,
    /// Landings on the production branch, oldest first.
    pub production_landings: Vec<&'a Change>,
    /// Release and hotfix landings on the production branch, oldest first.
    pub release_landings: Vec<&'a Change>,
    /// Version-like tags, one per tagged commit (earliest name), oldest first.
    pub releases: Vec<&'a Tag>,
    pub tagged: OidSet,
    /// Long-lived lines besides the trunk that received commits in the window, by name.
    pub lines: Vec<Line>,
    /// Live feature branches (not long-lived lines) that are not stale, oldest first.
    pub active_branches: Vec<&'a Branch>,
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

/// Known lifetimes in days, ascending, and how many are unknown.
fn lifetimes<'a>(counted: &[&'a Change]) -> (Vec<(f64, &'a Change)>, usize) {
    let mut v: Vec<(f64, &Change)> = counted
        .iter()
        .filter_map(|c| c.lifetime_seconds.map(|s| (s.max(0) as f64 / DAY, *c)))
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let unknown = counted.len() - v.len();
    (v, unknown)
}

/// Sized changes (release merges left out), ascending; release merges and unknown sizes.
fn sizes<'a>(counted: &[&'a Change]) -> (Vec<(u64, &'a Change)>, usize, usize) {
    let not_release: Vec<&Change> = counted
        .iter()
        .copied()
        .filter(|c| c.kind != Kind::Release)
        .collect();
    let mut sized: Vec<(u64, &Change)> = not_release
        .iter()
        .filter_map(|c| c.size.map(|s| (s, *c)))
        .collect();
    sized.sort_by_key(|(s, c)| (*s, c.landed_at));
    let unknown = not_release.len() - sized.len();
    (sized, counted.len() - not_release.len(), unknown)
}

/// Landings by people on one line, their authors and their developer-days within the window.
fn integration<'a>(on_line: Vec<&'a Change>, bots: &[String], since: Timestamp) -> Integration<'a> {
    let (landings, bot): (Vec<&Change>, Vec<&Change>) =
        on_line.into_iter().partition(|c| !is_bot(&c.author, bots));
    let authors = landings
        .iter()
        .map(|c| c.author.as_str())
        .collect::<HashSet<_>>()
        .len();
    let first_day = since.div_euclid(86_400);
    let mut days: HashSet<(&str, i64)> = HashSet::new();
    for c in &landings {
        days.insert((c.author.as_str(), c.landed_at.div_euclid(86_400)));
        for (who, day) in &c.authored {
            if *day >= first_day && !is_bot(who, bots) {
                days.insert((who.as_str(), *day));
            }
        }
    }
    Integration {
        landings,
        authors,
        bot_landings: bot.len(),
        developer_days: days.len(),
    }
}

/// Version-like tags, one per tagged commit (the earliest name), oldest first.
pub(crate) fn releases<'a>(tags: &'a [Tag], version_re: &regex::Regex) -> (Vec<&'a Tag>, OidSet) {
    let mut version_tags: Vec<&Tag> = tags
        .iter()
        .filter(|t| version_re.is_match(&t.name))
        .collect();
    version_tags.sort_by(|a, b| (a.time, &a.name).cmp(&(b.time, &b.name)));
    let mut tagged = OidSet::default();
    let releases = version_tags
        .into_iter()
        .filter(|t| tagged.insert(t.target))
        .collect();
    (releases, tagged)
}

/// The roles of a GitFlow repository, or the trunk for both.
struct Roles {
    trunk: String,
    gitflow: bool,
    integration: String,
    production: String,
}

impl Roles {
    fn new(input: &ScoreInput) -> Roles {
        let trunk = normalize(input.trunk).to_string();
        match &input.gitflow {
            Some(r) => Roles {
                trunk,
                gitflow: true,
                integration: normalize(&r.integration).to_string(),
                production: normalize(&r.production).to_string(),
            },
            None => Roles {
                integration: trunk.clone(),
                production: trunk.clone(),
                trunk,
                gitflow: false,
            },
        }
    }

    fn on(&self, c: &Change, line: &str) -> bool {
        !self.gitflow || normalize(&c.target) == line
    }

    fn role_of(&self, name: &str) -> LineRole {
        if name == self.integration || (!self.gitflow && is_develop_like(name)) {
            LineRole::Integration
        } else if self.gitflow && name == self.production {
            LineRole::Production
        } else if is_hotfix(name) {
            LineRole::Hotfix
        } else {
            LineRole::Release
        }
    }
}

/// Long-lived lines besides the trunk with commits in the window, and every line name seen.
/// In GitFlow, develop and the production branch always exist: their landings are their
/// activity when the refs gave none.
fn lines(
    input: &ScoreInput,
    roles: &Roles,
    line_landings: [(&str, &[&Change]); 2],
) -> (Vec<Line>, HashSet<String>) {
    let (since, until) = input.window;
    let mut by_name: BTreeMap<String, Vec<Timestamp>> = BTreeMap::new();
    let mut names: HashSet<String> = HashSet::new();
    for l in input.long_lived_refs {
        let name = normalize(&l.name).to_string();
        names.insert(name.clone());
        if name == roles.trunk {
            continue;
        }
        by_name.entry(name).or_default().extend(
            l.commits_in_window
                .iter()
                .filter(|t| **t >= since && **t <= until),
        );
    }
    if roles.gitflow {
        for (name, landings) in line_landings {
            names.insert(name.to_string());
            if name == roles.trunk {
                continue;
            }
            let times = by_name.entry(name.to_string()).or_default();
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
            Line {
                role: roles.role_of(&name),
                name,
                commits,
            }
        })
        .collect();
    (lines, names)
}

/// Live feature branches: (active, long-lived and active, long-lived and stale, how many).
type BranchSets<'a> = (Vec<&'a Branch>, Vec<&'a Branch>, Vec<&'a Branch>, usize);

fn branch_sets<'a>(branches: &'a [Branch], trunk: &str, lines: &HashSet<String>) -> BranchSets<'a> {
    let (mut active, mut live, mut stale) = (Vec::new(), Vec::new(), Vec::new());
    let mut n = 0;
    for b in branches {
        let name = normalize(&b.name);
        if name == trunk || lines.contains(name) {
            continue;
        }
        n += 1;
        if !b.stale {
            active.push(b);
        }
        match (b.long_lived, b.stale) {
            (true, true) => stale.push(b),
            (true, false) => live.push(b),
            _ => {}
        }
    }
    let age = |b: &&Branch| std::cmp::Reverse(b.age_seconds.unwrap_or(0));
    for v in [&mut active, &mut live, &mut stale] {
        v.sort_by_key(age);
    }
    (active, live, stale, n)
}

impl<'a> Facts<'a> {
    pub fn new(input: &'a ScoreInput<'a>, version_re: &regex::Regex) -> Facts<'a> {
        let roles = Roles::new(input);
        let mut counted: Vec<&Change> = input
            .changes
            .iter()
            .filter(|c| !matches!(c.kind, Kind::Sync | Kind::Root))
            .collect();
        counted.sort_by_key(|c| (c.landed_at, c.commit));
        let (lifetimes, lifetime_unknown) = lifetimes(&counted);
        let (sized, release_merges_unsized, size_unknown) = sizes(&counted);
        let on_line = |line: &str| -> Vec<&'a Change> {
            counted
                .iter()
                .copied()
                .filter(|c| roles.on(c, line))
                .collect()
        };
        let integration_all = on_line(&roles.integration);
        let production_landings = on_line(&roles.production);
        let release_landings = production_landings
            .iter()
            .copied()
            .filter(|c| is_release_kind(c))
            .collect();
        let (releases, tagged) = releases(input.tags, version_re);
        let (lines, line_names) = lines(
            input,
            &roles,
            [
                (&roles.integration, &integration_all),
                (&roles.production, &production_landings),
            ],
        );
        let (active_branches, long_lived_live, long_lived_stale, live_branches) =
            branch_sets(input.branches, &roles.trunk, &line_names);
        let (since, until) = input.window;
        Facts {
            input,
            gitflow: roles.gitflow,
            counted,
            lifetimes,
            lifetime_unknown,
            sized,
            release_merges_unsized,
            size_unknown,
            integration_line: integration(integration_all, input.bots, since),
            weekdays: weekdays(since, until),
            production_landings,
            release_landings,
            releases,
            tagged,
            lines,
            active_branches,
            long_lived_live,
            long_lived_stale,
            live_branches,
            integration: roles.integration,
            production: roles.production,
        }
    }

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

    /// Sized changes over the size limit, largest first.
    pub fn over_limit(&self) -> Vec<(u64, &'a Change)> {
        self.sized
            .iter()
            .rev()
            .copied()
            .filter(|(s, _)| *s > super::criteria::SIZE_LIMIT_LINES)
            .collect()
    }

    /// Sizes in lines, ascending.
    pub fn sizes(&self) -> Vec<f64> {
        self.sized.iter().map(|(s, _)| *s as f64).collect()
    }

    pub fn lifetime_days(&self) -> Vec<f64> {
        self.lifetimes.iter().map(|(d, _)| *d).collect()
    }

    /// Counted feature changes, and how many of them landed on the integration branch.
    pub fn features(&self) -> (Vec<&'a Change>, usize) {
        let features: Vec<&Change> = self
            .counted
            .iter()
            .copied()
            .filter(|c| c.kind == Kind::Feature)
            .collect();
        let on = features
            .iter()
            .filter(|c| normalize(&c.target) == self.integration)
            .count();
        (features, on)
    }

    /// Release and hotfix lines with commits in the window.
    pub fn release_lines(&self) -> Vec<&str> {
        self.lines
            .iter()
            .filter(|l| matches!(l.role, LineRole::Release | LineRole::Hotfix))
            .map(|l| l.name.as_str())
            .collect()
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

/// The nearest-rank median (an observed value), the same definition as `metrics`' p50 so
/// that the table and the scorecard never disagree.
pub(crate) fn median(sorted: &[f64]) -> Option<f64> {
    crate::history::measure::percentile(sorted, 50.0)
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
    fn median_is_nearest_rank() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, 2.0, 10.0]), Some(2.0));
        assert_eq!(median(&[1.0, 2.0, 4.0, 10.0]), Some(2.0));
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(crate::history::measure::percentile(&v, 90.0), Some(9.0));
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
    fn developer_days_count_authoring_and_landing_days_once() {
        let mut a = super::super::tests::change(1, "main", 0);
        a.author = "ann".into();
        a.landed_at = 10 * 86_400 + 5;
        // Ann worked on days 8 and 10, Bob on day 9; day 3 is before the window.
        a.authored = vec![
            ("ann".into(), 8),
            ("ann".into(), 10),
            ("bob".into(), 9),
            ("bob".into(), 3),
            ("dependabot[bot]".into(), 9),
        ];
        let mut b = a.clone();
        b.authored = vec![("ann".into(), 10)];
        let i = integration(vec![&a, &b], &[], 5 * 86_400);
        assert_eq!(i.landings.len(), 2);
        assert_eq!(i.authors, 1);
        // (ann, 8), (ann, 10), (bob, 9): both landings were on day 10, already counted.
        assert_eq!(i.developer_days, 3);
    }
}
