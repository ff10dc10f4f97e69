//! `repohealth.toml`: optional settings read from the work-tree root (or `--config FILE`).
//! Every key is optional; command-line options win over the file.

use crate::model::Timestamp;
use anyhow::Result;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A configuration file that cannot be read or is invalid; the message names the file (and
/// the line, when known).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration {}: {reason}", path.display())]
    Read {
        path: PathBuf,
        reason: std::io::Error,
    },
    #[error("{}{at}: invalid configuration: {reason}", file.display())]
    Syntax {
        file: PathBuf,
        /// `:LINE`, or empty when the position is unknown.
        at: String,
        reason: String,
    },
    /// A value the file's own types reject (a glob, a window, `[score]`, `[monorepo]`),
    /// already prefixed with `file:line`.
    #[error("{0}")]
    Invalid(String),
}

/// A `--since`/`--until` (or `since =`) value that is not a time.
#[derive(Debug, thiserror::Error)]
pub enum WhenError {
    #[error("cannot read the date '{0}': use 90d, 12w, 6m, 1y, all, 2024-01-31, an RFC 3339 time or @<unix seconds>")]
    Unreadable(String),
    #[error("'{0}' is outside the years 1 to 9999")]
    OutOfRange(String),
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The trunk branch (else `origin/HEAD`, else main, master, trunk, develop).
    pub trunk: Option<String>,
    /// Window start, as `--since` takes it (`90d`, `12w`, `6m`, `2024-01-31`, `all`).
    pub since: Option<String>,
    pub size: SizeConfig,
    /// Author names or emails that are bots; their changes are still counted, but they are not
    /// active developers (integration frequency, team size).
    pub bots: Vec<String>,
    /// Scoring overrides (docs/scoring.md).
    pub score: toml::Table,
    /// Monorepo settings (docs/monorepo.md).
    pub monorepo: toml::Table,
    /// Team -> path patterns (CODEOWNERS syntax), for `report` (docs/report.md).
    pub teams: std::collections::BTreeMap<String, Vec<String>>,
    /// The file this came from, for messages.
    #[serde(skip)]
    pub source: Option<std::path::PathBuf>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SizeConfig {
    /// Extra globs left out of `size` (on top of lockfiles, vendored and generated files).
    pub exclude: Vec<String>,
    /// Blobs larger than this count as binary (no lines), like git's core.bigFileThreshold.
    pub max_blob_bytes: Option<u64>,
}

impl Config {
    /// Parse a config file's text; errors name the file and the line.
    pub fn parse(text: &str, file: &Path) -> Result<Config> {
        let mut cfg: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| {
                text.as_bytes()[..s.start.min(text.len())]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1
            });
            let at = line.map(|l| format!(":{l}")).unwrap_or_default();
            ConfigError::Syntax {
                file: file.to_path_buf(),
                at,
                reason: e.message().to_owned(),
            }
        })?;
        cfg.source = Some(file.to_path_buf());
        cfg.validate(text)?;
        Ok(cfg)
    }

    /// Check what the sections' own types check later, so that every command rejects the same
    /// files: size globs, the window, `[score]` and `[monorepo]`.
    fn validate(&self, text: &str) -> Result<()> {
        let file = self
            .source
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.contains(needle))
                .map(|i| format!(":{}", i + 1))
                .unwrap_or_default()
        };
        let bad = |msg: String| Err(ConfigError::Invalid(msg).into());
        for g in &self.size.exclude {
            if let Err(e) = globset::Glob::new(g) {
                return bad(format!(
                    "{file}{}: [size] exclude: invalid glob '{g}': {e}",
                    line_of(g)
                ));
            }
        }
        if let Err(e) = crate::report::owners::Owners::from_teams(&self.teams) {
            return bad(format!("{file}{}: {e}", line_of("[teams")));
        }
        if let Some(since) = &self.since {
            if let Err(e) = parse_when(since, 0) {
                return bad(format!("{file}{}: since: {e}", line_of("since")));
            }
        }
        if let Err(e) = crate::score::ScoreConfig::from_table(self.score.clone()) {
            return bad(format!("{file}{}: {e:#}", line_of("[score")));
        }
        match toml::Value::Table(self.monorepo.clone()).try_into::<crate::monorepo::Config>() {
            Err(e) => {
                return bad(format!(
                    "{file}{}: invalid [monorepo] configuration: {e}",
                    line_of("[monorepo")
                ))
            }
            Ok(m) => {
                for g in m.global.iter().chain(m.ignore.iter()) {
                    if let Err(e) = globset::Glob::new(g) {
                        return bad(format!(
                            "{file}{}: [monorepo]: invalid glob '{g}': {e}",
                            line_of(g)
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Load `explicit`, or `repohealth.toml` in `root` when it exists, else defaults.
    pub fn load(explicit: Option<&Path>, root: Option<&Path>) -> Result<Config> {
        let path = match (explicit, root) {
            (Some(p), _) => p.to_path_buf(),
            (None, Some(r)) => {
                let p = r.join("repohealth.toml");
                // The repository's own file may be a symbolic link: never follow one out of
                // the work tree (to /etc/passwd, or /dev/zero).
                if p.is_symlink() {
                    let inside = match (std::fs::canonicalize(&p), std::fs::canonicalize(r)) {
                        (Ok(target), Ok(root)) => target.starts_with(root),
                        _ => false,
                    };
                    if !inside {
                        return Err(ConfigError::Invalid(format!(
                            "{} is a symbolic link that leaves the work tree (or leads nowhere): not read",
                            p.display()
                        ))
                        .into());
                    }
                }
                if !p.is_file() {
                    return Ok(Config::default());
                }
                p
            }
            _ => return Ok(Config::default()),
        };
        let text = std::fs::read_to_string(&path).map_err(|reason| ConfigError::Read {
            path: path.clone(),
            reason,
        })?;
        Config::parse(&text, &path)
    }
}

/// Parse a `--since`/`--until` value relative to `now`: `all` (None), `90d`, `12w`, `6m`
/// (30-day months), `1y`, `YYYY-MM-DD` (midnight UTC), RFC 3339, or `@<unix seconds>`.
pub fn parse_when(s: &str, now: Timestamp) -> Result<Option<Timestamp>, WhenError> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("all") {
        return Ok(None);
    }
    let bad = || WhenError::Unreadable(s.to_owned());
    if let Some(secs) = s.strip_prefix('@') {
        return secs.parse().map(Some).map_err(|_| bad());
    }
    // The last character is the unit (split on a char boundary: `5ü` is no panic).
    let cut = s.char_indices().last().map(|(i, _)| i).unwrap_or(0);
    let (digits, unit) = s.split_at(cut);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && unit.bytes().all(|b| b.is_ascii_alphabetic())
    {
        let n: i64 = digits.parse().map_err(|_| bad())?;
        let unit = unit.chars().next().unwrap_or('d');
        let day = 86_400;
        let span = match unit {
            'd' => day,
            'w' => 7 * day,
            'm' => 30 * day,
            'y' => 365 * day,
            _ => return Err(bad()),
        };
        return Ok(Some(now.saturating_sub(n.saturating_mul(span))));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let t = d.and_hms_opt(0, 0, 0).ok_or_else(bad)?;
        return Ok(Some(t.and_utc().timestamp()));
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| Some(t.timestamp()))
        .map_err(|_| bad())
}

/// The times repohealth accepts: years 1 to 9999, so that every output is valid RFC 3339.
pub const EARLIEST: Timestamp = -62_135_596_800;
pub const LATEST: Timestamp = 253_402_300_799;

/// [`parse_when`], rejecting times outside years 1 to 9999.
pub fn parse_when_checked(s: &str, now: Timestamp) -> Result<Option<Timestamp>, WhenError> {
    match parse_when(s, now)? {
        Some(t) if !(EARLIEST..=LATEST).contains(&t) => Err(WhenError::OutOfRange(s.to_owned())),
        t => Ok(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SEED: &str = r#"trunk = "main"
since = "6m"
bots = ["dependabot[bot]"]

[size]
exclude = ["docs/**", "**/*.snap"]
max_blob_bytes = 536870912

[score]
min_evidence = 5
criteria."github_flow.lifetime_median" = { target = 2.0, failing = 10.0 }

[monorepo]
global = ["tools/build/**"]
ignore = ["docs/**"]
"#;

    proptest! {
        #![proptest_config(crate::fuzzing::config())]

        /// Any --since/--until text: a value or a usage error, never a panic.
        #[test]
        fn fuzz_when(s in prop_oneof![".{0,16}", crate::fuzzing::mutated_text("2024-06-30T12:00:00+02:00")], now in any::<i64>()) {
            if let Err(e) = parse_when_checked(&s, now) {
                prop_assert_eq!(crate::cli::exit_code(&anyhow::Error::from(e)), crate::error::exit::USAGE);
            }
        }

        /// Any configuration text: a configuration or an error naming the file, never a panic.
        #[test]
        fn fuzz_config(text in crate::fuzzing::mutated_text(SEED)) {
            if let Err(e) = Config::parse(&text, Path::new("dir/repohealth.toml")) {
                prop_assert_eq!(crate::cli::exit_code(&e), crate::error::exit::BAD_CONFIG);
                prop_assert!(e.to_string().contains("dir/repohealth.toml"), "{}", e);
            }
        }
    }

    #[test]
    fn seed_config_parses() {
        assert!(Config::parse(SEED, Path::new("repohealth.toml")).is_ok());
    }

    /// Found by fuzz_when: a unit that is not one byte long used to split inside a character.
    #[test]
    fn multibyte_unit_is_a_usage_error() {
        for s in ["5ü", "ü", "1日", "@ü"] {
            let e = anyhow::Error::from(parse_when(s, 0).expect_err(s));
            assert_eq!(crate::cli::exit_code(&e), crate::error::exit::USAGE);
        }
    }

    #[test]
    fn when_forms() {
        let now = 1_700_000_000;
        assert_eq!(parse_when("all", now).ok(), Some(None));
        assert_eq!(parse_when("90d", now).ok(), Some(Some(now - 90 * 86_400)));
        assert_eq!(parse_when("12w", now).ok(), Some(Some(now - 84 * 86_400)));
        assert_eq!(parse_when("6m", now).ok(), Some(Some(now - 180 * 86_400)));
        assert_eq!(parse_when("@42", now).ok(), Some(Some(42)));
        assert_eq!(
            parse_when("2023-11-14", now).ok(),
            Some(Some(1_699_920_000))
        );
        assert_eq!(
            parse_when("2023-11-14T22:13:20Z", now).ok(),
            Some(Some(1_700_000_000))
        );
        assert!(parse_when("yesterday", now).is_err());
        assert!(parse_when("5q", now).is_err());
    }

    #[test]
    fn bad_config_names_file_and_line() {
        let err = Config::parse(
            "trunk = \"main\"\n[size]\nexclude = 3\n",
            Path::new("repohealth.toml"),
        )
        .expect_err("invalid");
        let msg = err.to_string();
        assert!(
            msg.starts_with("repohealth.toml:3: invalid configuration"),
            "{msg}"
        );
        assert_eq!(crate::cli::exit_code(&err), crate::error::exit::BAD_CONFIG);
        let err = Config::parse("colour = 1\n", Path::new("r.toml")).expect_err("unknown key");
        assert!(err.to_string().contains("unknown field"), "{err}");
    }
}
