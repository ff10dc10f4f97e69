//! Code owners: which team owns a path, from a CODEOWNERS file (GitHub or GitLab flavour) or
//! from a `[teams]` map in repohealth.toml.
//!
//! Patterns follow GitHub's CODEOWNERS rules ("About code owners", GitHub Docs,
//! <https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners>):
//! gitignore-style globs, a leading `/` or an inner `/` anchors at the root, otherwise a
//! pattern matches at any depth; a pattern names a file or a directory and everything under
//! it, except that a trailing `/*` matches only the files directly inside. The last matching
//! line wins. GitLab sections (`[Name]`, `^[Name]`, `[Name][2]`, with optional default owners;
//! "Code Owners", GitLab Docs, <https://docs.gitlab.com/user/project/codeowners/>) are each
//! evaluated on their own and their owners combined.

use globset::{GlobBuilder, GlobMatcher};
use std::collections::BTreeMap;

/// Where repositories keep the file, in the order GitHub and GitLab look.
pub const CODEOWNERS_PATHS: &[&str] = &[
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

struct Rule {
    matchers: Vec<GlobMatcher>,
    owners: Vec<String>,
}

struct Section {
    rules: Vec<Rule>,
}

/// A parsed owners map.
pub struct Owners {
    sections: Vec<Section>,
}

/// The globs a CODEOWNERS pattern stands for; None when it does not compile.
fn globs(pattern: &str) -> Option<Vec<GlobMatcher>> {
    let dir_only = pattern.ends_with('/');
    let p = pattern.trim_end_matches('/');
    let anchored = p.starts_with('/') || p.contains('/');
    let p = p.trim_start_matches('/');
    if p.is_empty() {
        // `/` alone: everything.
        return build(&["**"]);
    }
    let base = if anchored {
        p.to_owned()
    } else {
        format!("**/{p}")
    };
    let below = format!("{base}/**");
    if dir_only {
        build(&[&below])
    } else if p == "*" || p.ends_with("/*") {
        build(&[&base])
    } else {
        build(&[&base, &below])
    }
}

fn build(globs: &[&str]) -> Option<Vec<GlobMatcher>> {
    globs
        .iter()
        .map(|g| {
            GlobBuilder::new(g)
                .literal_separator(true)
                .build()
                .ok()
                .map(|g| g.compile_matcher())
        })
        .collect()
}

fn is_section_header(line: &str) -> Option<Vec<String>> {
    let l = line.strip_prefix('^').unwrap_or(line);
    if !l.starts_with('[') {
        return None;
    }
    let close = l.find(']')?;
    let mut rest = &l[close + 1..];
    // `[Name][2]`: the approval count.
    if rest.starts_with('[') {
        rest = &rest[rest.find(']')? + 1..];
    }
    Some(rest.split_whitespace().map(str::to_owned).collect())
}

impl Owners {
    /// Parse a CODEOWNERS file. Lines that do not parse are returned as warnings
    /// (`line N: ...`), never fatal.
    pub fn parse_codeowners(text: &str) -> (Owners, Vec<String>) {
        let mut warnings = Vec::new();
        let mut sections = vec![Section { rules: Vec::new() }];
        let mut defaults: Vec<String> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = match raw.find(" #") {
                Some(at) if !raw.trim_start().starts_with('#') => &raw[..at],
                _ => raw,
            }
            .trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(d) = is_section_header(line) {
                sections.push(Section { rules: Vec::new() });
                defaults = d;
                continue;
            }
            let mut parts = line.split_whitespace();
            let Some(pattern) = parts.next() else {
                continue;
            };
            let mut owners: Vec<String> = parts.map(str::to_owned).collect();
            if owners.is_empty() {
                owners = defaults.clone();
            }
            match globs(&pattern.replace("\\#", "#")) {
                Some(matchers) => {
                    if let Some(s) = sections.last_mut() {
                        s.rules.push(Rule { matchers, owners });
                    }
                }
                None => warnings.push(format!("line {}: invalid pattern '{pattern}'", i + 1)),
            }
        }
        (Owners { sections }, warnings)
    }

    /// A `[teams]` map: team -> patterns (CODEOWNERS syntax). A path belongs to every team
    /// with a matching pattern.
    pub fn from_teams(teams: &BTreeMap<String, Vec<String>>) -> Result<Owners, String> {
        let mut sections = Vec::new();
        for (team, patterns) in teams {
            let mut rules = Vec::new();
            for p in patterns {
                let matchers =
                    globs(p).ok_or_else(|| format!("[teams] {team}: invalid pattern '{p}'"))?;
                rules.push(Rule {
                    matchers,
                    owners: vec![team.clone()],
                });
            }
            sections.push(Section { rules });
        }
        Ok(Owners { sections })
    }

    /// The owners of one path (relative to the repository root), sorted.
    pub fn owners_of(&self, path: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in &self.sections {
            if let Some(r) = s
                .rules
                .iter()
                .rev()
                .find(|r| r.matchers.iter().any(|m| m.is_match(path)))
            {
                out.extend(r.owners.iter().cloned());
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The owners of any of `paths`.
    pub fn owners_of_all<'p>(&self, paths: impl IntoIterator<Item = &'p str>) -> Vec<String> {
        let mut out: Vec<String> = paths.into_iter().flat_map(|p| self.owners_of(p)).collect();
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_rules_last_match_wins() {
        let (o, w) = Owners::parse_codeowners(
            "# comment\n\
             *       @everyone\n\
             *.js    @js-owner  # inline comment\n\
             /build/logs/ @doctocat\n\
             docs/*  @docs\n\
             apps/   @octocat\n\
             /scripts/ @ops @octocat\n\
             /apps/github\n",
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(o.owners_of("README.md"), ["@everyone"]);
        assert_eq!(o.owners_of("src/app.js"), ["@js-owner"]);
        assert_eq!(o.owners_of("build/logs/a/b.txt"), ["@doctocat"]);
        // `docs/*` matches files directly inside docs/ only.
        assert_eq!(o.owners_of("docs/intro.md"), ["@docs"]);
        assert_eq!(o.owners_of("docs/deep/intro.md"), ["@everyone"]);
        // `apps/` matches a directory named apps anywhere.
        assert_eq!(o.owners_of("x/apps/y.txt"), ["@octocat"]);
        assert_eq!(o.owners_of("scripts/run.sh"), ["@octocat", "@ops"]);
        // A pattern without owners: the path has none (the last match wins).
        assert!(o.owners_of("apps/github/x.rb").is_empty());
    }

    #[test]
    fn gitlab_sections_combine_and_give_default_owners() {
        let (o, _) = Owners::parse_codeowners(
            "* @all\n\
             [Docs] @docs-team\n\
             *.md\n\
             ^[Backend][2] @be\n\
             /src/api/ \n\
             /src/api/legacy/ @old\n",
        );
        assert_eq!(o.owners_of("guide.md"), ["@all", "@docs-team"]);
        assert_eq!(o.owners_of("src/api/x.rs"), ["@all", "@be"]);
        assert_eq!(o.owners_of("src/api/legacy/y.rs"), ["@all", "@old"]);
        assert_eq!(
            o.owners_of_all(["guide.md", "src/api/x.rs"]),
            ["@all", "@be", "@docs-team"]
        );
    }

    #[test]
    fn team_map_from_config() {
        let mut m = BTreeMap::new();
        m.insert("api".to_owned(), vec!["/src/api/".to_owned()]);
        m.insert(
            "web".to_owned(),
            vec!["src/web/**".to_owned(), "*.css".to_owned()],
        );
        let o = Owners::from_teams(&m).expect("valid");
        assert_eq!(o.owners_of("src/api/a.rs"), ["api"]);
        assert_eq!(o.owners_of("src/web/a/b.ts"), ["web"]);
        assert_eq!(o.owners_of("lib/x.css"), ["web"]);
        assert!(o.owners_of("README.md").is_empty());
        assert!(
            Owners::from_teams(&BTreeMap::from([("x".to_owned(), vec!["a[".to_owned()])])).is_err()
        );
    }
}
