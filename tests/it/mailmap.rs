//! `.mailmap` maps authors: one person under two identities counts once.

use crate::common::*;
use std::process::Command;

#[test]
fn mailmap_maps_author_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("r");
    let sh = r#"
set -e
git init -q -b main "$1"; cd "$1"
export GIT_COMMITTER_NAME=Old GIT_COMMITTER_EMAIL=old@example.com
c() { GIT_AUTHOR_NAME="$1" GIT_AUTHOR_EMAIL="$2" GIT_AUTHOR_DATE="@$3 +0000" GIT_COMMITTER_DATE="@$3 +0000" git commit -q --allow-empty -m "$4"; }
printf 'Ada Lovelace <ada@example.com>\nAda Lovelace <ada@example.com> <ada@old.example.com>\n' > .mailmap
git add .mailmap
c Ada ada@example.com 1700000000 "Add mailmap"
c "ada (laptop)" ada@old.example.com 1700003600 "Work from the laptop"
"#;
    let out = Command::new("bash")
        .args(["-c", sh, "mailmap", repo.to_str().expect("path")])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cache = dir.path().join("cache");
    let cache_flag = ["--cache-dir", cache.to_str().expect("path")];
    let authors = |v: &serde_json::Value| -> Vec<String> {
        v["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .filter_map(|c| c["author"].as_str().map(str::to_owned))
            .collect()
    };
    let v = analyze_json(&repo, Some(1_700_003_600), &cache_flag);
    assert_eq!(authors(&v), ["Ada Lovelace", "Ada Lovelace"]);
    // One active author, not two.
    assert_eq!(v["metrics"]["cadence"]["active_authors"], 1);
    // Another `.mailmap` maps the same commits to other people: the cached commits (read
    // under the first one) are not used.
    std::fs::write(
        repo.join(".mailmap"),
        "Ada King <ada@example.com>\nAda Byron <ada@old.example.com>\n",
    )
    .expect("write .mailmap");
    let v = analyze_json(&repo, Some(1_700_003_600), &cache_flag);
    assert_eq!(authors(&v), ["Ada Byron", "Ada King"]);
    assert_eq!(v, analyze_json(&repo, Some(1_700_003_600), &["--no-cache"]));
}
