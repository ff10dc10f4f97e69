//! Tags, the first release that holds each change, and the activity of long-lived release
//! lines: the release facts scoring reads.

use super::sides::History;
use super::RepoContext;
use crate::model::{Change, OidMap, OidSet, RefKind, Timestamp};
use crate::score::{LineActivity, Tag};
use anyhow::Result;
use std::collections::HashSet;

/// Every tag with its time (the tagger's, else the commit's), oldest first.
pub fn tags(ctx: &RepoContext) -> Result<Vec<Tag>> {
    let mut out = Vec::new();
    for r in ctx.refs.iter().filter(|r| r.kind == RefKind::Tag) {
        let time = match r.tagger_time {
            Some(t) => t,
            None => ctx.repo.commit(r.target)?.committer.time,
        };
        out.push(Tag {
            name: r.short_name.clone(),
            target: r.target,
            time,
            annotated: r.tagger_time.is_some(),
        });
    }
    out.sort_by(|a, b| a.time.cmp(&b.time).then(a.name.cmp(&b.name)));
    Ok(out)
}

/// For each landed change, the earliest version tag (by time) whose history contains it.
pub fn first_release(
    history: &History<'_>,
    changes: &[Change],
    tags: &[Tag],
    version: &regex::Regex,
) -> OidMap<(String, Timestamp)> {
    let wanted: OidSet = changes.iter().map(|c| c.commit).collect();
    // A tag made before the window's first landing cannot hold a change of the window (but
    // for clock skew): it only bounds the later queries.
    let first_landing = changes
        .iter()
        .map(|c| c.landed_at)
        .min()
        .unwrap_or(Timestamp::MAX);
    let mut out = OidMap::default();
    // Each tag's side against every earlier tag (`^earlier tag`), in one pass over the graph.
    let mut reach = history.graph.reach();
    let mut side = Vec::new();
    for t in tags.iter().filter(|t| version.is_match(&t.name)) {
        if out.len() == wanted.len() {
            break;
        }
        if t.time >= first_landing {
            side.clear();
            reach.next(&t.target, Some(&mut side));
            for id in &side {
                if wanted.contains(id) {
                    out.entry(*id).or_insert_with(|| (t.name.clone(), t.time));
                }
            }
        } else {
            reach.next(&t.target, None);
        }
    }
    out
}

/// Branch names that mark a long-lived line: release, hotfix, support and maintenance lines.
fn is_release_line(name: &str) -> bool {
    static LINE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(release|releases|hotfix|support|maint[^/]*|stable)([/-].*)?$|^v?\d+\.(\d+|x)(\.x)?$")
            .expect("static regex")
    });
    LINE.is_match(name)
}

/// Activity of each long-lived line in the window: committer times of the commits on its
/// first-parent chain that the trunk does not have.
pub fn release_lines(
    ctx: &RepoContext,
    history: &History<'_>,
    since: Option<Timestamp>,
    until: Timestamp,
) -> Result<Vec<LineActivity>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let trunk_bare = ctx.bare_name(&ctx.trunk.name);
    for r in &ctx.refs {
        if !matches!(r.kind, RefKind::LocalBranch | RefKind::RemoteBranch) {
            continue;
        }
        let bare = ctx.bare_name(&r.short_name);
        if bare == trunk_bare
            || !(is_release_line(&bare) || bare == "develop")
            || !seen.insert(bare.clone())
        {
            continue;
        }
        // The line's own commits: those the trunk does not have.
        let own: OidSet = history
            .graph
            .side(&[r.target], &[ctx.trunk.tip])
            .into_iter()
            .collect();
        let mut times = Vec::new();
        let mut next = Some(r.target);
        while let Some(id) = next.filter(|id| own.contains(id)) {
            let c = history.commit(id)?;
            if since.is_none_or(|s| c.committer.time >= s) && c.committer.time <= until {
                times.push(c.committer.time);
            }
            next = c.parents.first().copied();
        }
        out.push(LineActivity {
            name: bare,
            commits_in_window: times,
        });
    }
    Ok(out)
}
