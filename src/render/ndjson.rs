//! `--format ndjson`: one landed change per line, each line self-describing (schema version,
//! repository name, trunk), for loading the results of many repositories into an analytical
//! database (docs/at-scale.md). The fields of a change are those of `changes[]` in the JSON.

use crate::model::{Change, Timestamp};
use serde::Serialize;
use std::path::Path;

#[derive(Serialize)]
struct Line<'a> {
    schema_version: u32,
    repository: &'a str,
    trunk: &'a str,
    /// The report's period label (`2024-W03`); only in `report`'s lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<&'a str>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::model::time_fmt::opt"
    )]
    period_start: Option<Timestamp>,
    #[serde(flatten)]
    change: &'a Change,
}

/// The repository's name for the lines: `given`, else the origin remote's repository name,
/// else the directory's name.
pub fn repository_name(given: Option<&str>, origin_url: Option<&str>, path: &Path) -> String {
    given
        .map(str::to_owned)
        .or_else(|| origin_url.and_then(crate::audit::collect::name_from_url))
        .or_else(|| crate::audit::collect::name_from_dir(path))
        .unwrap_or_else(|| path.display().to_string())
}

/// One line per change, oldest landing first (ties by commit id), each with its period when
/// `period_of` names one.
pub fn lines<'a>(
    repository: &str,
    trunk: &str,
    changes: impl IntoIterator<Item = &'a Change>,
    period_of: &dyn Fn(&Change) -> Option<(String, Timestamp)>,
) -> anyhow::Result<String> {
    let mut sorted: Vec<&Change> = changes.into_iter().collect();
    sorted.sort_by(|a, b| a.landed_at.cmp(&b.landed_at).then(a.commit.cmp(&b.commit)));
    let mut out = String::new();
    for c in sorted {
        let p = period_of(c);
        let line = Line {
            schema_version: crate::model::SCHEMA_VERSION,
            repository,
            trunk,
            period: p.as_ref().map(|(l, _)| l.as_str()),
            period_start: p.as_ref().map(|(_, s)| *s),
            change: c,
        };
        out.push_str(&serde_json::to_string(&line)?);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_flag_the_remote_or_the_directory() {
        let p = Path::new("/tmp/does-not-exist/shop.git");
        assert_eq!(repository_name(Some("x"), Some("git@h:o/app.git"), p), "x");
        assert_eq!(repository_name(None, Some("git@h:o/app.git"), p), "app");
        assert_eq!(repository_name(None, None, p), "shop");
    }
}
