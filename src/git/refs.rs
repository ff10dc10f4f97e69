//! Listing refs: branches, tags, pull-request heads and remote branches, each peeled to a
//! commit, and the `origin` remote's default branch and URL.

use super::{error_chain, to_oid, Repo};
use crate::model::{RefInfo, RefKind};
use anyhow::{Context, Result};
use gix::bstr::ByteSlice;

/// The commit a ref names through annotated tags, or why there is none.
fn peel_to_commit(r: &mut gix::Reference<'_>) -> std::result::Result<gix::ObjectId, String> {
    let peeled = r.peel_to_id().map_err(|e| error_chain(&e))?.detach();
    match r.repo.find_header(peeled) {
        Ok(h) if h.kind() == gix::object::Kind::Commit => Ok(peeled),
        Ok(h) => Err(format!("points at a {}, not a commit", h.kind())),
        Err(e) => Err(error_chain(&e)),
    }
}

impl Repo {
    /// Every ref, peeled to a commit. Refs that point at trees or blobs, broken refs and
    /// symbolic refs that loop or dangle are skipped: the second value names each with why.
    pub fn refs(&self) -> Result<(Vec<RefInfo>, Vec<String>)> {
        let repo = &self.repo;
        let platform = repo.references().context("reading references")?;
        let mut out = Vec::new();
        let mut skipped = Vec::new();
        for r in platform.all().context("listing references")? {
            let mut r = match r {
                Ok(r) => r,
                Err(e) => {
                    skipped.push(format!("unreadable ({})", error_chain(&e)));
                    continue;
                }
            };
            let full = r.name().as_bstr().to_str_lossy().into_owned();
            let Some((kind, short, pr)) = classify_ref_name(&full) else {
                continue;
            };
            // Symbolic refs such as refs/remotes/origin/HEAD are not branches; one that loops
            // or points nowhere (other than a */HEAD) is worth a word.
            if matches!(r.target(), gix::refs::TargetRef::Symbolic(_)) {
                if !full.ends_with("/HEAD") {
                    if let Err(e) = r.clone().peel_to_id() {
                        skipped.push(format!("{full} ({})", error_chain(&e)));
                    }
                }
                continue;
            }
            let direct = match r.target() {
                gix::refs::TargetRef::Object(id) => id.to_owned(),
                gix::refs::TargetRef::Symbolic(_) => continue,
            };
            // Most refs name a commit directly: its header says so without decoding the
            // object, which peeling would (vite's 10k PR heads: 0.13 s). Only a tag object
            // is decoded, for its tagger's time.
            let header = repo.find_header(direct).map(|h| h.kind()).ok();
            let mut tagger_time = None;
            if kind == RefKind::Tag && header == Some(gix::object::Kind::Tag) {
                if let Ok(tag) = repo.find_tag(direct) {
                    if let Ok(decoded) = tag.decode() {
                        if let Some(Ok(t)) = decoded.tagger().ok().flatten().map(|s| s.time()) {
                            tagger_time = Some(t.seconds);
                        }
                    }
                }
            }
            let peeled = if header == Some(gix::object::Kind::Commit) {
                direct
            } else {
                match peel_to_commit(&mut r) {
                    Ok(id) => id,
                    Err(why) => {
                        skipped.push(format!("{full} ({why})"));
                        continue;
                    }
                }
            };
            out.push(RefInfo {
                full_name: full,
                short_name: short,
                kind,
                target: to_oid(peeled),
                pr,
                tagger_time,
            });
        }
        out.sort_by(|a, b| a.full_name.cmp(&b.full_name));
        skipped.sort();
        Ok((out, skipped))
    }

    /// The symbolic target of `refs/remotes/origin/HEAD`, as a short branch name (`main`).
    pub fn origin_head(&self) -> Option<String> {
        let r = self.repo.find_reference("refs/remotes/origin/HEAD").ok()?;
        match r.target() {
            gix::refs::TargetRef::Symbolic(name) => {
                let s = name.as_bstr().to_str_lossy().into_owned();
                s.strip_prefix("refs/remotes/origin/").map(str::to_owned)
            }
            gix::refs::TargetRef::Object(_) => None,
        }
    }

    /// The URL of the `origin` remote, as configured (None without one).
    pub fn origin_url(&self) -> Option<String> {
        self.repo
            .config_snapshot()
            .string("remote.origin.url")
            .map(|u| u.to_str_lossy().into_owned())
    }
}

/// Split a full ref name into kind, short name and PR number. None for refs we do not use
/// (notes, stash, `refs/pull/N/merge` test merges, ...).
pub fn classify_ref_name(full: &str) -> Option<(RefKind, String, Option<u64>)> {
    if let Some(rest) = full.strip_prefix("refs/heads/") {
        return Some((RefKind::LocalBranch, rest.to_owned(), None));
    }
    if let Some(rest) = full.strip_prefix("refs/tags/") {
        return Some((RefKind::Tag, rest.to_owned(), None));
    }
    for prefix in ["refs/pull/", "refs/merge-requests/"] {
        if let Some(rest) = full.strip_prefix(prefix) {
            let (n, tail) = rest.split_once('/')?;
            if tail != "head" {
                return None;
            }
            let pr = n.parse().ok()?;
            return Some((RefKind::PullHead, rest.to_owned(), Some(pr)));
        }
    }
    if let Some(rest) = full.strip_prefix("refs/remotes/") {
        // refs/remotes/<remote>/pr/N
        let mut parts = rest.splitn(3, '/');
        let (_remote, second, third) = (parts.next()?, parts.next(), parts.next());
        if second == Some("pr") {
            if let Some(pr) = third.and_then(|n| n.parse().ok()) {
                return Some((RefKind::PullHead, rest.to_owned(), Some(pr)));
            }
        }
        if rest.ends_with("/HEAD") {
            return None;
        }
        return Some((RefKind::RemoteBranch, rest.to_owned(), None));
    }
    None
}
