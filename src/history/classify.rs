//! Landed-change classification: the ordered rules of docs/classification.md, first match wins.
//!
//! Input: the first-parent chain of one branch (the trunk, or a GitFlow branch) and a way to
//! read the commits of a branch side. Output: one [`Change`] per landed change, with strategy,
//! kind, PR, platform, branch commits and lifetime. Sizes are filled in later by `measure`.
//! Pure: the side reader is a trait, implemented by the pipeline (on the in-memory commit graph) and by tests.

use crate::model::{
    Change, Commit, Confidence, Kind, LifetimeSource, Oid, OidMap, OidSet, Platform, Strategy,
    Timestamp,
};
use anyhow::Result;
use regex::Regex;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// What a walked branch is for. GitFlow repositories have two long-lived branches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BranchRole {
    /// The only trunk (trunk-based, GitHub Flow).
    Trunk,
    /// GitFlow's integration branch (`develop`): features land here.
    Integration,
    /// GitFlow's production branch (`main`/`master`): releases and hotfixes land here.
    Production,
}

/// Reads the commits of a branch side: reachable from `include`, not from `exclude`.
pub trait SideReader {
    fn side(&self, include: &[Oid], exclude: &[Oid]) -> Result<Vec<Commit>>;
    /// The side of a merge, `^P1 P2…`. Readers that precompute sides override this.
    fn merge_side(&self, merge: &Commit) -> Result<Vec<Commit>> {
        self.side(&merge.parents[1..], &merge.parents[..1])
    }
    /// The sides of squashes, `^P1 <head>` for each `(squash, head)` (a squash of one parent),
    /// by squash. Readers that answer them in one pass override this.
    fn squash_sides(&self, squashes: &[(&Commit, Oid)]) -> Result<OidMap<Vec<Commit>>> {
        squashes
            .iter()
            .map(|(c, head)| Ok((c.id, self.side(&[*head], &c.parents[..1])?)))
            .collect()
    }
}

/// Everything the classifier needs about one branch.
pub struct BranchHistory<'a> {
    /// Short name of the branch walked (`main`, `develop`).
    pub name: &'a str,
    pub role: BranchRole,
    /// The other long-lived branch names that count as "the trunk" in sync merges
    /// (for develop: `main`, `master`).
    pub sync_sources: &'a [String],
    /// First-parent chain, newest first.
    pub chain: &'a [Commit],
    /// Pull/merge request heads found in the clone, by number.
    pub pr_heads: &'a HashMap<u64, Oid>,
    /// The same heads by commit: the PR numbers whose head is that commit ([`prs_by_head`]).
    pub prs_by_head: &'a OidMap<Vec<u64>>,
}

/// PR numbers by head commit, for looking up the heads on a side without scanning every head.
pub fn prs_by_head(pr_heads: &HashMap<u64, Oid>) -> OidMap<Vec<u64>> {
    let mut out: OidMap<Vec<u64>> = OidMap::default();
    for (n, id) in pr_heads {
        out.entry(*id).or_default().push(*n);
    }
    out
}

const GITHUB_EMAIL: &str = "noreply@github.com";

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pat).expect("static regex"));
    };
}

re!(REVERT_SUBJECT, r"^(Revert|Reapply|Reland)\b");
re!(REVERTS_LINE, r"(?m)^This reverts commit [0-9a-f]{7,40}");
re!(CHERRY_PICK, r"\(cherry picked from commit [0-9a-f]{7,40}\)");
re!(BACKPORT, r"\(backport #\d+\)");
re!(PR_SUFFIX, r"\(#(\d+)\)\s*$");
// A squash whose title was edited to drop `(#N)` often keeps the PR in the body: `PR #123`.
re!(PR_IN_BODY, r"(?m)(?:^|[\s,;(])PR #(\d+)\b");
re!(GH_MERGE, r"^Merge pull request #(\d+) from (\S+)");
re!(
    BB_SERVER,
    r"^Merge pull request #(\d+) in (\S+) from (\S+) to (\S+)"
);
re!(BB_CLOUD, r"^Merged in (.+?) \(pull request #(\d+)\)");
re!(AZURE, r"^Merged PR (\d+):");
re!(
    GITLAB_MR,
    r"(?m)^See merge request \S*?(?:!|/merge_requests/)(\d+)\b"
);
re!(GITLAB_BRANCH, r"^Merge branch '([^']+)' into '([^']+)'");
re!(HOMU, r"^Auto merge of #(\d+) - (\S+?),");
re!(BORS_NG, r"^Merge((?: #\d+)+)\s*$");
re!(GERRIT_MERGE, r#"^Merge "(.+)" into (\S+)"#);
re!(GERRIT_CHANGE_ID, r"(?m)^Change-Id: I[0-9a-f]+");
re!(GERRIT_REVIEWED_ON, r"(?m)^Reviewed-on: \S*?(\d+)/?\s*$");
re!(PHABRICATOR, r"(?m)^Differential Revision: \S*?/?D(\d+)\s*$");
re!(MARGE, r"(?m)^Part-of: <\S*?merge_requests/(\d+)>");
re!(
    GIT_MERGE_BRANCH,
    r"^Merge (?:remote-tracking )?branch '([^']+)'(?: of \S+)?(?: into (\S+))?"
);
re!(MERGE_TAG, r"^Merge tag '([^']+)'");
re!(BULLET, r"(?m)^\* ");

/// The patterns matched against a commit's whole message (the others read only the subject).
/// Each matches within one line: `^` and `$` are line anchors, and where a `\s` may take a
/// line break, a line anchor would match in its place.
fn message_patterns() -> [&'static Regex; 9] {
    [
        &REVERTS_LINE,
        &BULLET,
        &CHERRY_PICK,
        &PR_IN_BODY,
        &GITLAB_MR,
        &GERRIT_CHANGE_ID,
        &GERRIT_REVIEWED_ON,
        &PHABRICATOR,
        &MARGE,
    ]
}

/// The lines of `message` the classifier reads: for each message pattern, the first line it
/// matches, in message order. Patterns match within one line and the classifier asks each
/// only whether it matches or for its first match, so it decides the same from these lines
/// as from the whole message: the commit cache keeps only them.
pub fn evidence_lines(message: &str) -> String {
    let patterns = message_patterns();
    let mut found = [false; 9];
    let mut out = String::new();
    for line in message.split('\n') {
        let mut keep = false;
        for (re, seen) in patterns.iter().zip(found.iter_mut()) {
            if !*seen && re.is_match(line) {
                *seen = true;
                keep = true;
            }
        }
        if keep {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
        }
        if found.iter().all(|f| *f) {
            break;
        }
    }
    out
}

/// The sources of the message patterns, for the commit cache's key: evidence lines kept by
/// other patterns are not trusted.
pub fn evidence_patterns() -> Vec<&'static str> {
    message_patterns().iter().map(|re| re.as_str()).collect()
}

/// Seconds of tolerance between author and committer time of a platform squash.
const SQUASH_TIME_TOLERANCE: i64 = 5;
/// An author time this much older than the commit time marks a replayed (rebased) commit.
const REPLAY_GAP: i64 = 60;

/// Classify every landed change on one branch. Changes come out newest first.
pub fn classify(history: &BranchHistory<'_>, reader: &dyn SideReader) -> Result<Vec<Change>> {
    classify_after(history, reader, &mut HashSet::new())
}

/// [`classify`], knowing the PR numbers that landed before this chain's oldest commit (a
/// foxtrot's hidden landings come after the trunk's earlier ones).
fn classify_after(
    history: &BranchHistory<'_>,
    reader: &dyn SideReader,
    landed: &mut HashSet<u64>,
) -> Result<Vec<Change>> {
    // Work oldest first so runs can be grouped in order.
    let oldest_first: Vec<&Commit> = history.chain.iter().rev().collect();
    let singles: Vec<Single> = oldest_first
        .iter()
        .map(|c| first_pass(c, history))
        .collect();
    let squashes: Vec<(&Commit, Oid)> = oldest_first
        .iter()
        .zip(&singles)
        .filter_map(|(c, s)| Some((*c, *squash_head(c, s, history)?)))
        .collect();
    let mut answered = reader.squash_sides(&squashes)?;
    let sides = Sides {
        reader,
        squashes: RefCell::new(
            squashes
                .iter()
                .filter_map(|(c, head)| Some(((c.parents[0], *head), answered.remove(&c.id)?)))
                .collect(),
        ),
    };
    let reader = &sides;
    let mut out = Vec::new();
    let mut i = 0;
    while i < oldest_first.len() {
        let len = group_len(&oldest_first, &singles, i);
        let group = &oldest_first[i..i + len];
        let single = &singles[i + len - 1];
        let mut change = finish(group, single, history, reader, landed)?;
        if single.foxtrot {
            // A pull-style merge of the trunk into a local trunk: the real landings sit on the
            // second parent's first-parent chain, down to where it meets the first parent.
            match foxtrot_landings(group[0], history, reader, landed)? {
                Some(nested) => out.extend(nested),
                // `Merge branch 'master' of <another repository>` (a subtree merge, as git/git
                // takes in gitk and git-gui): not our trunk, and a change of its own.
                None => change.kind = Kind::Feature,
            }
        }
        landed.extend(change.pr);
        out.push(change);
        i += len;
    }
    out.reverse();
    Ok(out)
}

/// What one commit looks like on its own, before runs are grouped.
#[derive(Clone, Debug)]
struct Single {
    strategy: Strategy,
    kind: Kind,
    pr: Option<u64>,
    platform: Option<Platform>,
    source_branch: Option<String>,
    confidence: Confidence,
    /// Rebase-run candidate (no stronger signal, replayed by someone).
    run_candidate: bool,
    /// Marge-bot merge request number (commits with the same number form one change).
    marge: Option<u64>,
    /// Lifetime from this commit alone: ct - at.
    own_lifetime: bool,
    /// Lifetime is unknowable from history (exported histories).
    no_lifetime: bool,
    foxtrot: bool,
}

impl Single {
    fn new(strategy: Strategy, confidence: Confidence) -> Single {
        Single {
            strategy,
            kind: Kind::Feature,
            pr: None,
            platform: None,
            source_branch: None,
            confidence,
            run_candidate: false,
            marge: None,
            own_lifetime: false,
            no_lifetime: false,
            foxtrot: false,
        }
    }
}

fn num(s: &str) -> Option<u64> {
    s.parse().ok()
}

fn last_pr_suffix(subject: &str) -> Option<u64> {
    PR_SUFFIX.captures(subject).and_then(|c| num(&c[1]))
}

fn is_github_committer(c: &Commit) -> bool {
    c.committer.email.eq_ignore_ascii_case(GITHUB_EMAIL)
}

fn same_person(c: &Commit) -> bool {
    c.author.email.eq_ignore_ascii_case(&c.committer.email)
}

fn first_pass(c: &Commit, h: &BranchHistory<'_>) -> Single {
    let subject = c.subject.as_str();
    let message = c.message.as_str();
    let revert = REVERT_SUBJECT.is_match(subject)
        || (c.parents.len() == 1 && REVERTS_LINE.is_match(message) && !BULLET.is_match(message));
    let mut s = match c.parents.len() {
        0 => {
            let mut s = Single::new(Strategy::Direct, Confidence::Low);
            s.kind = Kind::Root;
            s.own_lifetime = true;
            return s;
        }
        1 => one_parent(c),
        2 => two_parents(c, h),
        _ => octopus(c),
    };
    if revert {
        s.kind = Kind::Revert;
    } else if s.kind == Kind::Feature {
        if c.parents.len() == 1 && (CHERRY_PICK.is_match(message) || BACKPORT.is_match(subject)) {
            s.kind = Kind::CherryPick;
        } else if let Some(src) = &s.source_branch {
            s.kind = kind_from_source(src, h.role);
        }
    }
    // Reverts and cherry-picks keep old author dates by design: they are not replays of a branch.
    if matches!(s.kind, Kind::Revert | Kind::CherryPick) {
        s.run_candidate = false;
    }
    s
}

/// Kind of a merge by the branch it brought in, GitFlow-aware.
fn kind_from_source(src: &str, role: BranchRole) -> Kind {
    let name = src.rsplit_once(':').map(|(_, b)| b).unwrap_or(src);
    let name = name.strip_prefix("origin/").unwrap_or(name);
    let base = name.rsplit('/').nth(1).map(|_| name).unwrap_or(name);
    let has = |prefix: &str| base.starts_with(prefix) || base.contains(&format!("/{prefix}"));
    let from_develop = role == BranchRole::Production && (name == "develop" || name == "dev");
    if has("hotfix/") || has("hotfix-") {
        Kind::Hotfix
    } else if has("release/") || has("release-") || from_develop {
        Kind::Release
    } else {
        Kind::Feature
    }
}

fn one_parent(c: &Commit) -> Single {
    let subject = c.subject.as_str();
    let message = c.message.as_str();
    if let Some(cap) = AZURE.captures(subject) {
        let mut s = Single::new(Strategy::Squash, Confidence::High);
        s.pr = num(&cap[1]);
        s.platform = Some(Platform::AzureDevops);
        s.no_lifetime = true;
        return s;
    }
    if let Some(cap) = BB_CLOUD.captures(subject) {
        let mut s = Single::new(Strategy::Squash, Confidence::High);
        s.pr = num(&cap[2]);
        s.platform = Some(Platform::BitbucketCloud);
        s.source_branch = Some(cap[1].to_owned());
        s.no_lifetime = true;
        return s;
    }
    let gh_merge_subject = GH_MERGE.captures(subject);
    if is_github_committer(c) && (c.author.time - c.committer.time).abs() <= SQUASH_TIME_TOLERANCE {
        let pr = last_pr_suffix(subject)
            .or_else(|| gh_merge_subject.as_ref().and_then(|m| num(&m[1])))
            .or_else(|| PR_IN_BODY.captures(message).and_then(|m| num(&m[1])));
        let mut s = Single::new(
            Strategy::Squash,
            if pr.is_some() {
                Confidence::High
            } else {
                Confidence::Medium
            },
        );
        s.pr = pr;
        s.platform = Some(Platform::Github);
        s.source_branch = gh_merge_subject.as_ref().map(|m| m[2].to_owned());
        s.no_lifetime = true;
        return s;
    }
    if let Some(m) = gh_merge_subject {
        // A one-parent "Merge pull request" subject is a squash of a merge-style title.
        let mut s = Single::new(Strategy::Squash, Confidence::Medium);
        s.pr = num(&m[1]);
        s.platform = Some(Platform::Github);
        s.source_branch = Some(m[2].to_owned());
        s.no_lifetime = true;
        return s;
    }
    if GERRIT_CHANGE_ID.is_match(message) {
        if let Some(cap) = GERRIT_REVIEWED_ON.captures(message) {
            let mut s = Single::new(Strategy::Rebase, Confidence::High);
            s.pr = num(&cap[1]);
            s.platform = Some(Platform::Gerrit);
            s.own_lifetime = true;
            return s;
        }
    }
    if let Some(cap) = PHABRICATOR.captures(message) {
        let mut s = Single::new(Strategy::Squash, Confidence::High);
        s.pr = num(&cap[1]);
        s.platform = Some(Platform::Phabricator);
        s.no_lifetime = true;
        return s;
    }
    if let Some(cap) = MARGE.captures(message) {
        let mut s = Single::new(Strategy::Rebase, Confidence::High);
        s.pr = num(&cap[1]);
        s.platform = Some(Platform::Marge);
        s.marge = s.pr;
        return s;
    }
    let replayed = !same_person(c) || c.author.time < c.committer.time - REPLAY_GAP;
    let mut s = Single::new(Strategy::Direct, Confidence::Low);
    s.own_lifetime = true;
    s.run_candidate = replayed;
    s.pr = last_pr_suffix(subject);
    s
}

fn two_parents(c: &Commit, h: &BranchHistory<'_>) -> Single {
    let subject = c.subject.as_str();
    let message = c.message.as_str();
    let high = |platform: Platform, pr: Option<u64>, src: Option<String>| {
        let mut s = Single::new(Strategy::Merge, Confidence::High);
        s.platform = Some(platform);
        s.pr = pr;
        s.source_branch = src;
        s
    };
    // a. Sync and back-merges.
    if let Some(sync) = sync_merge(subject, h) {
        let mut s = Single::new(Strategy::Merge, Confidence::Medium);
        s.kind = Kind::Sync;
        s.platform = Some(Platform::Git);
        s.source_branch = Some(sync.0);
        s.foxtrot = sync.1;
        return s;
    }
    // b. Platform merges.
    if let Some(cap) = BB_SERVER.captures(subject) {
        return high(
            Platform::BitbucketServer,
            num(&cap[1]),
            Some(cap[3].to_owned()),
        );
    }
    if let Some(cap) = GH_MERGE.captures(subject) {
        return high(Platform::Github, num(&cap[1]), Some(cap[2].to_owned()));
    }
    if let Some(cap) = GITLAB_MR.captures(message) {
        let src = GITLAB_BRANCH.captures(subject).map(|b| b[1].to_owned());
        return high(Platform::Gitlab, num(&cap[1]), src);
    }
    if let Some(cap) = BB_CLOUD.captures(subject) {
        return high(
            Platform::BitbucketCloud,
            num(&cap[2]),
            Some(cap[1].to_owned()),
        );
    }
    if let Some(cap) = AZURE.captures(subject) {
        return high(Platform::AzureDevops, num(&cap[1]), None);
    }
    if let Some(cap) = HOMU.captures(subject) {
        return high(Platform::Homu, num(&cap[1]), Some(cap[2].to_owned()));
    }
    if let Some(cap) = BORS_NG.captures(subject) {
        let prs: Vec<u64> = cap[1]
            .split_whitespace()
            .filter_map(|p| num(p.trim_start_matches('#')))
            .collect();
        return high(
            Platform::BorsNg,
            if prs.len() == 1 { Some(prs[0]) } else { None },
            None,
        );
    }
    if GERRIT_MERGE.is_match(subject) {
        return high(Platform::Gerrit, None, None);
    }
    // c. GitHub merge with a PR-title message.
    if is_github_committer(c) {
        if let Some(pr) = last_pr_suffix(subject) {
            return high(Platform::Github, Some(pr), None);
        }
    }
    // d. git's own merge message.
    if let Some(cap) = GIT_MERGE_BRANCH.captures(subject) {
        let mut s = Single::new(Strategy::Merge, Confidence::Medium);
        s.platform = Some(Platform::Git);
        s.source_branch = Some(cap[1].to_owned());
        return s;
    }
    Single::new(Strategy::Merge, Confidence::Medium)
}

/// `Some((source, foxtrot))` when a two-parent commit is a sync or back-merge.
fn sync_merge(subject: &str, h: &BranchHistory<'_>) -> Option<(String, bool)> {
    if let Some(cap) = MERGE_TAG.captures(subject) {
        return Some((cap[1].to_owned(), false));
    }
    let cap = GIT_MERGE_BRANCH.captures(subject)?;
    let src = cap[1].to_owned();
    let bare = src
        .strip_prefix("origin/")
        .or_else(|| {
            src.split_once('/')
                .filter(|_| src.starts_with("upstream/"))
                .map(|(_, b)| b)
        })
        .unwrap_or(&src);
    if bare == h.name {
        return Some((src.clone(), true));
    }
    if bare == "maint" || h.sync_sources.iter().any(|s| s == bare) {
        return Some((src.clone(), false));
    }
    if h.role == BranchRole::Integration {
        let k = kind_from_source(bare, BranchRole::Trunk);
        if matches!(k, Kind::Release | Kind::Hotfix) || bare == "master" || bare == "main" {
            return Some((src.clone(), false));
        }
    }
    None
}

fn octopus(c: &Commit) -> Single {
    let mut s = Single::new(Strategy::Octopus, Confidence::Medium);
    if c.subject.starts_with("Merge branch")
        || c.subject.starts_with("Merge remote-tracking branch")
    {
        s.platform = Some(Platform::Git);
    }
    if let Some(cap) = BORS_NG.captures(&c.subject) {
        let prs: Vec<u64> = cap[1]
            .split_whitespace()
            .filter_map(|p| num(p.trim_start_matches('#')))
            .collect();
        s.platform = Some(Platform::BorsNg);
        s.confidence = Confidence::High;
        s.pr = if prs.len() == 1 { Some(prs[0]) } else { None };
    }
    s
}

/// How many commits, starting at `i` (oldest first), form one change.
fn group_len(commits: &[&Commit], singles: &[Single], i: usize) -> usize {
    let first = &singles[i];
    if let Some(mr) = first.marge {
        let mut n = 1;
        while i + n < commits.len() && singles[i + n].marge == Some(mr) {
            n += 1;
        }
        return n;
    }
    if first.run_candidate && first.kind != Kind::Revert && first.kind != Kind::CherryPick {
        let key = (&commits[i].committer.email, commits[i].committer.time);
        let mut n = 1;
        while i + n < commits.len() {
            let (c, s) = (commits[i + n], &singles[i + n]);
            let same = (&c.committer.email, c.committer.time) == key;
            if !(same && s.run_candidate && s.kind != Kind::Revert && s.kind != Kind::CherryPick) {
                break;
            }
            n += 1;
        }
        return n;
    }
    1
}

/// What the branch side tells about a change's lifetime.
struct Evidence {
    first_commit_at: Option<Timestamp>,
    branch_commits: Option<u32>,
    source: LifetimeSource,
    empty_side: bool,
    /// The commits whose authors worked on the change: the side, the run, or none (then the
    /// landed commit stands for itself).
    work: Vec<Commit>,
}

/// The lifetime evidence of a group: the run itself, the merge's side, the PR head of a
/// squash, or the commit's own author time.
fn evidence(
    group: &[&Commit],
    single: &Single,
    is_run: bool,
    h: &BranchHistory<'_>,
    reader: &dyn SideReader,
    landed: &HashSet<u64>,
) -> Result<Evidence> {
    let last = group[group.len() - 1];
    let mut e = Evidence {
        first_commit_at: None,
        branch_commits: None,
        source: LifetimeSource::Unknown,
        empty_side: false,
        work: Vec::new(),
    };
    if single.marge.is_some() || is_run {
        e.first_commit_at = group.iter().map(|c| c.author.time).min();
        e.branch_commits = Some(group.len() as u32);
        e.source = LifetimeSource::RebaseRun;
        e.work = group.iter().map(|c| (*c).clone()).collect();
    } else if last.parents.len() >= 2 {
        let side = reader.merge_side(last)?;
        e.branch_commits = Some(side.len() as u32);
        if side.is_empty() {
            e.empty_side = true;
        } else {
            e.first_commit_at = earliest_author_time(&side);
            e.source = LifetimeSource::MergeSide;
            e.work = side;
        }
    } else if single.strategy == Strategy::Squash && single.platform == Some(Platform::Github) {
        if let Some(head) = squash_head(last, single, h) {
            let side = squash_side(*head, single.pr, last, h, reader, landed)?;
            if !side.is_empty() {
                e.branch_commits = Some(side.len() as u32);
                e.first_commit_at = earliest_author_time(&side);
                e.source = LifetimeSource::PrHead;
                e.work = side;
            }
        }
    } else if single.own_lifetime && !single.no_lifetime {
        e.first_commit_at = Some(last.author.time);
        e.branch_commits = Some(1);
        e.source = LifetimeSource::AuthorToCommit;
    }
    Ok(e)
}

/// Build the change for a group of commits (one commit, a rebase run or a Marge group).
fn finish(
    group: &[&Commit],
    single: &Single,
    h: &BranchHistory<'_>,
    reader: &dyn SideReader,
    landed: &HashSet<u64>,
) -> Result<Change> {
    let last = group[group.len() - 1];
    let landed_at = last.committer.time;
    let mut strategy = single.strategy;
    let mut confidence = single.confidence;
    let mut pr = single.pr;
    let is_run =
        single.run_candidate && single.marge.is_none() && (group.len() > 1 || !same_person(last));
    if is_run {
        // A replayed run carries no PR of its own; a `(#N)` here may be an issue number.
        strategy = Strategy::Rebase;
        confidence = Confidence::Medium;
        pr = None;
    }
    let e = evidence(group, single, is_run, h, reader, landed)?;
    // A start after the landing is a clock out of step: lifetime zero, flagged.
    let span = e
        .first_commit_at
        .map(|start| landed_at.saturating_sub(start));
    let lifetime_seconds = span.map(|d| d.max(0));
    let clock_skew = span.is_some_and(|d| d < 0);
    Ok(Change {
        commit: last.id,
        commits: group.iter().map(|c| c.id).collect(),
        target: h.name.to_owned(),
        landed_at,
        strategy,
        kind: single.kind,
        pr,
        platform: single.platform,
        source_branch: single.source_branch.clone(),
        branch_commits: e.branch_commits,
        first_commit_at: e.first_commit_at,
        lifetime_seconds,
        lifetime_source: e.source,
        files_changed: None,
        lines_added: None,
        lines_deleted: None,
        size: None,
        confidence,
        authored: authored_days(&e.work, last),
        author: last.author.name.clone(),
        subject: last.subject.clone(),
        empty_side: e.empty_side,
        clock_skew,
        packages: None,
        remerge: None,
    })
}

/// (author, UTC day) of the work commits (non-merge ones; the landed commit when none is
/// known), each pair once.
fn authored_days(work: &[Commit], last: &Commit) -> Vec<(String, i64)> {
    let mut days: Vec<(String, i64)> = work
        .iter()
        .filter(|c| !c.is_merge())
        .chain(std::iter::once(last).filter(|_| work.is_empty()))
        .map(|c| (c.author.name.clone(), c.author.time.div_euclid(86_400)))
        .collect();
    days.sort();
    days.dedup();
    days
}

/// Earliest author time among non-merge commits (all commits if every one is a merge).
fn earliest_author_time(side: &[Commit]) -> Option<Timestamp> {
    side.iter()
        .filter(|c| !c.is_merge())
        .map(|c| c.author.time)
        .min()
        .or_else(|| side.iter().map(|c| c.author.time).min())
}

/// The PR head of a GitHub squash of one parent, when the clone has it.
fn squash_head<'h>(c: &Commit, single: &Single, h: &BranchHistory<'h>) -> Option<&'h Oid> {
    let squash = single.strategy == Strategy::Squash && single.platform == Some(Platform::Github);
    if !squash || c.parents.len() != 1 {
        return None;
    }
    single.pr.and_then(|pr| h.pr_heads.get(&pr))
}

/// A reader with the squash sides of one chain answered ahead, by `(parent, head)`, each
/// handed out once; every other query goes to `reader`.
struct Sides<'r> {
    reader: &'r dyn SideReader,
    squashes: RefCell<HashMap<(Oid, Oid), Vec<Commit>>>,
}

impl SideReader for Sides<'_> {
    fn side(&self, include: &[Oid], exclude: &[Oid]) -> Result<Vec<Commit>> {
        if let ([head], [p1]) = (include, exclude) {
            if let Some(side) = self.squashes.borrow_mut().remove(&(*p1, *head)) {
                return Ok(side);
            }
        }
        self.reader.side(include, exclude)
    }
    fn merge_side(&self, merge: &Commit) -> Result<Vec<Commit>> {
        self.reader.merge_side(merge)
    }
}

/// The side of a squash: `^P1 <pr head>`, minus the head of any other PR inside it that
/// landed before this one (a stacked PR below it). A PR closed without landing is not
/// subtracted: its commits are part of this change and count toward its lifetime.
fn squash_side(
    head: Oid,
    pr: Option<u64>,
    squash: &Commit,
    h: &BranchHistory<'_>,
    reader: &dyn SideReader,
    landed: &HashSet<u64>,
) -> Result<Vec<Commit>> {
    let p1 = squash.parents[0];
    let side = reader.side(&[head], &[p1])?;
    // The heads of other landed PRs on this side (once per PR, as the side walk below takes
    // them): looked up per side commit, since a side is short and a clone may hold many heads.
    let ids: OidSet = side.iter().map(|c| c.id).collect();
    let mut below: Vec<Oid> = ids
        .iter()
        .filter(|id| **id != head)
        .flat_map(|id| {
            let prs = h.prs_by_head.get(id).map_or(&[][..], Vec::as_slice);
            prs.iter()
                .filter(|n| Some(**n) != pr && landed.contains(n))
                .map(|_| *id)
        })
        .collect();
    if below.is_empty() {
        return Ok(side);
    }
    below.sort();
    let drop: OidSet = reader
        .side(&below, &[p1])?
        .into_iter()
        .map(|c| c.id)
        .collect();
    Ok(side.into_iter().filter(|c| !drop.contains(&c.id)).collect())
}

/// Landings hidden behind a foxtrot merge: the second parent's first-parent chain, down to the
/// first commit the first parent already has, classified like trunk commits.
/// None when the second parent's first-parent chain does not rejoin the trunk's (another
/// project's `master` merged in): then it is no foxtrot.
fn foxtrot_landings(
    merge: &Commit,
    h: &BranchHistory<'_>,
    reader: &dyn SideReader,
    landed: &mut HashSet<u64>,
) -> Result<Option<Vec<Change>>> {
    let side = reader.side(&merge.parents[1..2], &merge.parents[..1])?;
    let by_id: OidMap<&Commit> = side.iter().map(|c| (c.id, c)).collect();
    let mut chain = Vec::new();
    let mut next = Some(merge.parents[1]);
    // A foxtrot's second parent is a newer version of this very trunk: its first-parent chain
    // rejoins the trunk's. Another project's history merged in again and again (git/git takes
    // gitk and git-gui this way) only meets commits of earlier such merges.
    let position = |id: &Oid| h.chain.iter().position(|c| c.id == *id);
    if side.is_empty() {
        return Ok(Some(Vec::new())); // already merged: a sync with nothing to walk
    }
    let mut rejoins = None;
    while let Some(id) = next {
        let Some(c) = by_id.get(&id) else {
            rejoins = position(&id);
            break;
        };
        chain.push((*c).clone());
        next = c.parents.first().copied();
    }
    // In a foxtrot the first parent holds a few local commits and the second parent the real
    // trunk's progress; pulling a sub-maintainer's `master` (based on the trunk, as git/git
    // pulls git-svn) is the other way round: a few commits of theirs against a longer trunk.
    let local = match (rejoins, position(&merge.id)) {
        (Some(at), Some(m)) if at > m => at - m - 1,
        _ => return Ok(None),
    };
    if chain.len() <= local {
        return Ok(None);
    }
    let nested = BranchHistory {
        name: h.name,
        role: h.role,
        sync_sources: h.sync_sources,
        chain: &chain,
        pr_heads: h.pr_heads,
        prs_by_head: h.prs_by_head,
    };
    let mut out = classify_after(&nested, reader, landed)?;
    out.reverse(); // oldest first, like the caller's accumulation
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Signature;

    /// An in-memory commit graph for tests.
    struct Graph(OidMap<Commit>);
    impl SideReader for Graph {
        fn side(&self, include: &[Oid], exclude: &[Oid]) -> Result<Vec<Commit>> {
            let reach = |tips: &[Oid]| {
                let mut seen = HashSet::new();
                let mut stack: Vec<Oid> = tips.to_vec();
                while let Some(id) = stack.pop() {
                    if seen.insert(id) {
                        if let Some(c) = self.0.get(&id) {
                            stack.extend(c.parents.iter().copied());
                        }
                    }
                }
                seen
            };
            let ex = reach(exclude);
            let mut out: Vec<Commit> = reach(include)
                .into_iter()
                .filter(|id| !ex.contains(id))
                .filter_map(|id| self.0.get(&id).cloned())
                .collect();
            out.sort_by_key(|c| c.id);
            Ok(out)
        }
    }

    fn oid(n: u8) -> Oid {
        Oid([n; 20])
    }

    fn commit(n: u8, parents: &[u8], who: (&str, i64), by: (&str, i64), msg: &str) -> Commit {
        Commit {
            id: oid(n),
            parents: parents.iter().map(|p| oid(*p)).collect(),
            author: Signature {
                name: who.0.into(),
                email: format!("{}@example.com", who.0),
                time: who.1,
            },
            committer: Signature {
                name: by.0.into(),
                email: if by.0 == "GitHub" {
                    GITHUB_EMAIL.into()
                } else {
                    format!("{}@example.com", by.0)
                },
                time: by.1,
            },
            subject: msg.lines().next().unwrap_or("").into(),
            message: msg.into(),
        }
    }

    fn run(commits: Vec<Commit>, chain: &[u8], heads: &[(u64, u8)]) -> Vec<Change> {
        let graph = Graph(commits.iter().map(|c| (c.id, c.clone())).collect());
        let chain: Vec<Commit> = chain.iter().map(|n| graph.0[&oid(*n)].clone()).collect();
        let heads: HashMap<u64, Oid> = heads.iter().map(|(p, n)| (*p, oid(*n))).collect();
        let by_head = prs_by_head(&heads);
        let h = BranchHistory {
            name: "main",
            role: BranchRole::Trunk,
            sync_sources: &[],
            chain: &chain,
            pr_heads: &heads,
            prs_by_head: &by_head,
        };
        classify(&h, &graph).expect("classify")
    }

    /// Messages the fuzzer draws from: every platform's shape, and some that are none.
    const FUZZ_MESSAGES: &[&str] = &[
        "Merge pull request #{n} from someone/topic\n\nTitle",
        "Title of a squash (#{n})",
        "Title (#{n})\n\n* one\n\n* two",
        "Revert \"Something\"\n\nThis reverts commit 0123456789abcdef.",
        "Merge branch 'main' into topic",
        "Merge branch 'topic' into 'main'\n\nSee merge request group/p!{n}",
        "Auto merge of #{n} - a:b, r=c",
        "Merge #{n} #{n}",
        "Merged PR {n}: thing",
        "Merged in topic (pull request #{n})",
        "Merge \"thing\" into main\n\nChange-Id: I0123abc",
        "fix\n\n(cherry picked from commit 0123456789abcdef)",
        "Merge tag 'v1.{n}'",
        "Differential Revision: https://example.org/D{n}",
        "修正 🚀 (#{n})",
        "",
        "plain commit",
    ];

    proptest::proptest! {
        #![proptest_config(crate::fuzzing::config())]

        /// Arbitrary small histories: classification succeeds, every trunk commit is in exactly
        /// one change (in chain order), no commit is in two, a change ends at its last commit,
        /// and no lifetime is negative.
        #[test]
        fn fuzz_classify(
            spec in proptest::collection::vec(
                (
                    proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 0..4),
                    0..FUZZ_MESSAGES.len(),
                    0u64..30,
                    0usize..4,
                    -50_000i64..50_000,
                    -50_000i64..50_000,
                ),
                1..40,
            ),
            heads in proptest::collection::vec((0u64..30, proptest::prelude::any::<proptest::sample::Index>()), 0..4),
        ) {
            let who = ["alice", "bob", "GitHub", "bors"];
            let mut commits = Vec::new();
            for (i, (parents, msg, n, by, at, gap)) in spec.iter().enumerate() {
                let id = (i + 1) as u8;
                let parents: Vec<u8> = if i == 0 {
                    Vec::new()
                } else {
                    parents.iter().map(|p| (p.index(i) + 1) as u8).collect()
                };
                let ct = 1_000_000 + i as i64 * 1000 + gap;
                let message = FUZZ_MESSAGES[*msg].replace("{n}", &n.to_string());
                commits.push(commit(id, &parents, (who[(by + 1) % 4], ct + at), (who[*by], ct), &message));
            }
            let graph = Graph(commits.iter().map(|c| (c.id, c.clone())).collect());
            let mut chain = Vec::new();
            let mut next = commits.last().map(|c| c.id);
            while let Some(id) = next {
                let c = graph.0[&id].clone();
                next = c.parents.first().copied();
                chain.push(c);
            }
            let heads: HashMap<u64, Oid> = heads
                .iter()
                .map(|(pr, i)| (*pr, oid((i.index(commits.len()) + 1) as u8)))
                .collect();
            let by_head = prs_by_head(&heads);
            let h = BranchHistory {
                name: "main",
                role: BranchRole::Trunk,
                sync_sources: &[],
                chain: &chain,
                pr_heads: &heads,
                prs_by_head: &by_head,
            };
            let out = classify(&h, &graph);
            proptest::prop_assert!(out.is_ok(), "{:?}", out.err());
            let out = out.unwrap_or_default();
            // Newest change first; each lists its commits oldest first. A foxtrot merge adds
            // the landings of its second parent's chain: commits off the first-parent chain.
            let covered: Vec<Oid> = out.iter().rev().flat_map(|c| c.commits.iter().copied()).collect();
            let on_chain: OidSet = chain.iter().map(|c| c.id).collect();
            let expected: Vec<Oid> = chain.iter().rev().map(|c| c.id).collect();
            let trunk: Vec<Oid> = covered.iter().copied().filter(|id| on_chain.contains(id)).collect();
            proptest::prop_assert_eq!(trunk, expected);
            let distinct: OidSet = covered.iter().copied().collect();
            proptest::prop_assert_eq!(distinct.len(), covered.len(), "a commit in two changes");
            for c in &out {
                proptest::prop_assert_eq!(c.commits.last(), Some(&c.commit));
                proptest::prop_assert!(c.lifetime_seconds.is_none_or(|l| l >= 0));
            }
        }
    }

    #[test]
    fn github_merge_side_lifetime() {
        let cs = vec![
            commit(1, &[], ("a", 0), ("a", 0), "root"),
            commit(2, &[1], ("b", 100), ("b", 100), "work 1"),
            commit(3, &[2], ("b", 500), ("b", 500), "work 2"),
            commit(
                4,
                &[1, 3],
                ("m", 3700),
                ("GitHub", 3700),
                "Merge pull request #7 from b/feat\n\nFeat",
            ),
        ];
        let out = run(cs, &[4, 1], &[]);
        assert_eq!(out.len(), 2);
        let m = &out[0];
        assert_eq!(m.strategy, Strategy::Merge);
        assert_eq!(m.pr, Some(7));
        assert_eq!(m.platform, Some(Platform::Github));
        assert_eq!(m.source_branch.as_deref(), Some("b/feat"));
        assert_eq!(m.branch_commits, Some(2));
        assert_eq!(m.lifetime_seconds, Some(3600));
        assert_eq!(m.lifetime_source, LifetimeSource::MergeSide);
        assert_eq!(m.confidence, Confidence::High);
        assert_eq!(out[1].kind, Kind::Root);
    }

    #[test]
    fn squash_with_and_without_pr_head_and_stack() {
        let cs = vec![
            commit(1, &[], ("a", 0), ("a", 0), "root"),
            commit(2, &[1], ("b", 100), ("b", 100), "pr21 a"),
            commit(3, &[2], ("b", 200), ("b", 200), "pr22 a"),
            commit(4, &[1], ("b", 1000), ("GitHub", 1002), "one (#21)"),
            commit(5, &[4], ("b", 2000), ("GitHub", 2000), "two (#22)"),
            commit(6, &[5], ("c", 3000), ("GitHub", 3000), "three (#23)"),
        ];
        let out = run(cs, &[6, 5, 4, 1], &[(21, 2), (22, 3)]);
        let by = |s: &str| out.iter().find(|c| c.subject == s).expect("change");
        assert_eq!(by("one (#21)").lifetime_seconds, Some(902));
        assert_eq!(by("one (#21)").branch_commits, Some(1));
        // #22's head contains #21's commit, which is subtracted.
        assert_eq!(by("two (#22)").lifetime_seconds, Some(1800));
        assert_eq!(by("two (#22)").branch_commits, Some(1));
        assert_eq!(by("three (#23)").lifetime_seconds, None);
        assert_eq!(by("three (#23)").lifetime_source, LifetimeSource::Unknown);
        assert_eq!(by("three (#23)").strategy, Strategy::Squash);
    }

    #[test]
    fn a_closed_pr_inside_a_landed_pr_is_not_subtracted() {
        // PR #30 (head 2) was closed without landing; PR #31 (head 3) continues it and lands.
        // PR #40 (head 5) lands first, then #41 (head 6) stacked on it: #40 is subtracted.
        let cs = vec![
            commit(1, &[], ("a", 0), ("a", 0), "root"),
            commit(2, &[1], ("b", 100), ("b", 100), "first try"),
            commit(3, &[2], ("b", 200), ("b", 200), "second try"),
            commit(4, &[1], ("b", 1000), ("GitHub", 1000), "retry (#31)"),
            commit(5, &[1], ("c", 1500), ("c", 1500), "base"),
            commit(6, &[5], ("c", 1600), ("c", 1600), "top"),
            commit(7, &[4], ("c", 2000), ("GitHub", 2000), "base (#40)"),
            commit(8, &[7], ("c", 2100), ("GitHub", 2100), "top (#41)"),
        ];
        let out = run(cs, &[8, 7, 4, 1], &[(30, 2), (31, 3), (40, 5), (41, 6)]);
        let by = |s: &str| out.iter().find(|c| c.subject == s).expect("change");
        assert_eq!(by("retry (#31)").lifetime_seconds, Some(900));
        assert_eq!(by("retry (#31)").branch_commits, Some(2));
        assert_eq!(by("top (#41)").lifetime_seconds, Some(500));
        assert_eq!(by("top (#41)").branch_commits, Some(1));
        // Both of b's work days and the landing are b's developer-days.
        assert_eq!(by("retry (#31)").authored, [("b".to_string(), 0)]);
    }

    #[test]
    fn squash_with_pr_named_only_in_the_body() {
        let cs = vec![
            commit(1, &[], ("a", 0), ("a", 0), "root"),
            commit(2, &[1], ("b", 100), ("b", 100), "work"),
            commit(
                3,
                &[1],
                ("b", 5000),
                ("GitHub", 5000),
                "ignore: skip files\n\nFixes #2565, PR #3496",
            ),
        ];
        let out = run(cs, &[3, 1], &[(3496, 2)]);
        assert_eq!(out[0].strategy, Strategy::Squash);
        assert_eq!(out[0].pr, Some(3496));
        assert_eq!(out[0].confidence, Confidence::High);
        assert_eq!(out[0].lifetime_seconds, Some(4900));
    }

    #[test]
    fn rebase_run_groups_commits_with_same_committer_time() {
        let cs = vec![
            commit(1, &[], ("a", 0), ("a", 0), "root"),
            commit(2, &[1], ("b", 100), ("m", 5000), "r1"),
            commit(3, &[2], ("b", 200), ("m", 5000), "r2"),
            commit(4, &[3], ("m", 6000), ("m", 6000), "direct"),
        ];
        let out = run(cs, &[4, 3, 2, 1], &[]);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].strategy, Strategy::Direct);
        assert_eq!(out[0].lifetime_seconds, Some(0));
        assert_eq!(out[1].strategy, Strategy::Rebase);
        assert_eq!(out[1].commits, vec![oid(2), oid(3)]);
        assert_eq!(out[1].lifetime_seconds, Some(4900));
        assert_eq!(out[1].branch_commits, Some(2));
    }

    #[test]
    fn merge_of_another_projects_master_is_no_foxtrot() {
        // 4 merges an unrelated history (root 2, then 3) as `Merge branch 'main' of <url>`.
        let cs = vec![
            commit(1, &[], ("a", 0), ("a", 0), "root"),
            commit(2, &[], ("b", 10), ("b", 10), "other root"),
            commit(3, &[2], ("b", 20), ("b", 20), "other work"),
            commit(
                4,
                &[1, 3],
                ("m", 100),
                ("m", 100),
                "Merge branch 'main' of https://example.org/other",
            ),
        ];
        let out = run(cs, &[4, 1], &[]);
        let subjects: Vec<&str> = out.iter().map(|c| c.subject.as_str()).collect();
        assert_eq!(
            subjects,
            ["Merge branch 'main' of https://example.org/other", "root"]
        );
        assert_eq!(out[0].kind, Kind::Feature);
        assert_eq!(out[0].branch_commits, Some(2));
    }

    #[test]
    fn repeated_subtree_merges_are_no_foxtrot() {
        // 4 merged the other project's 3 once; 6 merges its newer 5 (child of 3) again.
        let cs = vec![
            commit(1, &[], ("a", 0), ("a", 0), "root"),
            commit(3, &[], ("b", 20), ("b", 20), "other root"),
            commit(
                4,
                &[1, 3],
                ("m", 100),
                ("m", 100),
                "Merge branch 'main' of https://example.org/other",
            ),
            commit(5, &[3], ("b", 150), ("b", 150), "other work"),
            commit(
                6,
                &[4, 5],
                ("m", 200),
                ("m", 200),
                "Merge branch 'main' of https://example.org/other",
            ),
        ];
        let out = run(cs, &[6, 4, 1], &[]);
        assert_eq!(
            out.len(),
            3,
            "{:?}",
            out.iter().map(|c| &c.subject).collect::<Vec<_>>()
        );
        assert_eq!(out[0].kind, Kind::Feature);
        assert_eq!(out[0].branch_commits, Some(1));
    }

    #[test]
    fn clock_skew_is_clamped_and_flagged() {
        let cs = vec![
            commit(1, &[], ("a", 0), ("a", 0), "root"),
            commit(2, &[1], ("b", 9000), ("b", 9000), "future work"),
            commit(3, &[1, 2], ("m", 5000), ("m", 5000), "Merge branch 'topic'"),
        ];
        let out = run(cs, &[3, 1], &[]);
        assert_eq!(out[0].lifetime_seconds, Some(0));
        assert!(out[0].clock_skew);
        assert_eq!(out[0].source_branch.as_deref(), Some("topic"));
        assert_eq!(out[0].confidence, Confidence::Medium);
    }

    #[test]
    fn platform_messages() {
        type Case = (&'static str, u8, Option<Platform>, Option<u64>, Strategy);
        let cases: &[Case] = &[
            (
                "Merge branch 'x' into 'main'\n\nT\n\nSee merge request g/p!12",
                2,
                Some(Platform::Gitlab),
                Some(12),
                Strategy::Merge,
            ),
            (
                "Merged in feature/foo (pull request #4)",
                2,
                Some(Platform::BitbucketCloud),
                Some(4),
                Strategy::Merge,
            ),
            (
                "Merge pull request #5 in PROJ/repo from feature/bar to master",
                2,
                Some(Platform::BitbucketServer),
                Some(5),
                Strategy::Merge,
            ),
            (
                "Merged PR 6: title",
                1,
                Some(Platform::AzureDevops),
                Some(6),
                Strategy::Squash,
            ),
            (
                "Auto merge of #8 - user:branch, r=rev",
                2,
                Some(Platform::Homu),
                Some(8),
                Strategy::Merge,
            ),
            (
                "Merge #9\n\n9: title r=x a=y",
                2,
                Some(Platform::BorsNg),
                Some(9),
                Strategy::Merge,
            ),
            (
                "Fix\n\nChange-Id: I0123abcd\nReviewed-on: https://r.example.org/c/p/+/4711",
                1,
                Some(Platform::Gerrit),
                Some(4711),
                Strategy::Rebase,
            ),
            (
                "Fix\n\nDifferential Revision: https://phab.example.org/D123",
                1,
                Some(Platform::Phabricator),
                Some(123),
                Strategy::Squash,
            ),
        ];
        for (msg, parents, platform, pr, strategy) in cases {
            let mut cs = vec![
                commit(1, &[], ("a", 0), ("a", 0), "root"),
                commit(2, &[1], ("b", 10), ("b", 10), "side"),
            ];
            let ps: Vec<u8> = if *parents == 2 { vec![1, 2] } else { vec![1] };
            cs.push(commit(3, &ps, ("m", 100), ("m", 100), msg));
            let out = run(cs, &[3, 1], &[]);
            assert_eq!(out[0].platform, *platform, "{msg}");
            assert_eq!(out[0].pr, *pr, "{msg}");
            assert_eq!(out[0].strategy, *strategy, "{msg}");
        }
    }

    #[test]
    fn kinds_from_messages() {
        let cs = vec![
            commit(1, &[], ("a", 0), ("a", 0), "root"),
            commit(
                2,
                &[1],
                ("a", 10),
                ("a", 10),
                "Revert \"x\"\n\nThis reverts commit 0123456789abcdef.",
            ),
            commit(
                3,
                &[2],
                ("a", 20),
                ("a", 20),
                "fix\n\n(cherry picked from commit 0123456789abcdef)",
            ),
            commit(4, &[3], ("a", 30), ("a", 30), "side"),
            commit(
                5,
                &[3, 4],
                ("a", 40),
                ("a", 40),
                "Merge branch 'hotfix/1.0.1'",
            ),
            commit(
                6,
                &[5, 4],
                ("a", 50),
                ("a", 50),
                "Merge remote-tracking branch 'origin/main'",
            ),
        ];
        let out = run(cs, &[6, 5, 3, 2, 1], &[]);
        let kinds: Vec<Kind> = out.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Kind::Sync,
                Kind::Hotfix,
                Kind::CherryPick,
                Kind::Revert,
                Kind::Root
            ]
        );
        // Commit 6's second parent is already reachable: an empty side.
        assert!(out[0].empty_side);
        assert_eq!(out[0].lifetime_seconds, None);
    }

    #[test]
    fn evidence_lines_keep_each_patterns_first_line() {
        let msg =
            "Fix the parser (#7)\n\nWhy: PR #12 broke it, then PR #13.\nSigned-off-by: A <a@x>\n\
                   This reverts commit 0123456789abcdef.\n* a bullet\n* another\n\
                   Change-Id: I0123abc\nReviewed-on: https://r.example/c/45\n\
                   Reviewed-on: https://r.example/c/46\nthe end";
        assert_eq!(
            evidence_lines(msg),
            "Why: PR #12 broke it, then PR #13.\nThis reverts commit 0123456789abcdef.\n* a bullet\n\
             Change-Id: I0123abc\nReviewed-on: https://r.example/c/45"
        );
        assert_eq!(evidence_lines("plain commit\n\nwith a body"), "");
    }

    /// The classifier decides the same from the evidence lines as from the whole messages,
    /// noise lines around every platform's shape included.
    #[test]
    fn evidence_lines_classify_like_whole_messages() {
        let mut commits = vec![commit(1, &[], ("alice", 0), ("alice", 0), "root")];
        let noise = "Some words\nSigned-off-by: B <b@x>\n  * indented, no bullet\nPR#9 no space";
        for (i, m) in FUZZ_MESSAGES.iter().enumerate() {
            let n = (i + 2) as u8;
            let msg = format!(
                "{}\n\n{noise}\n{}",
                m.replace("{n}", "31"),
                m.replace("{n}", "32")
            );
            let parents: Vec<u8> = if m.starts_with("Merge") {
                vec![n - 1, 1]
            } else {
                vec![n - 1]
            };
            let by = if i % 2 == 0 { "GitHub" } else { "bob" };
            commits.push(commit(
                n,
                &parents,
                ("alice", i as i64 * 10),
                (by, i as i64 * 10 + 2),
                &msg,
            ));
        }
        let chain: Vec<u8> = (1..=commits.len() as u8).rev().collect();
        let reduced: Vec<Commit> = commits
            .iter()
            .map(|c| Commit {
                message: evidence_lines(&c.message),
                ..c.clone()
            })
            .collect();
        let whole = run(commits, &chain, &[]);
        assert_eq!(whole.len(), FUZZ_MESSAGES.len() + 1);
        // The body patterns decided some of them.
        assert!(whole
            .iter()
            .any(|c| c.platform == Some(Platform::Phabricator)));
        assert!(whole.iter().any(|c| c.platform == Some(Platform::Gitlab)));
        assert!(whole.iter().any(|c| c.kind == Kind::CherryPick));
        assert!(whole.iter().any(|c| c.kind == Kind::Revert));
        assert_eq!(
            format!("{whole:?}"),
            format!("{:?}", run(reduced, &chain, &[]))
        );
    }
}
