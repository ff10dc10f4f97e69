//! `analyze --remerge` against git: every re-merge of the remerge fixtures agrees with
//! `git merge-tree --write-tree` (status and conflicted files), evil merges agree with the
//! difference between git's re-merge and the recorded tree, and the fixture's constructed truth
//! (which merge conflicts where, every lifetime) gives the conflict rates by bucket.

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// The fixture's clock: T0 + 70 days is after its last landing.
const UNTIL: i64 = 1_700_000_000 + 70 * 86_400;

fn text(out: std::process::Output) -> String {
    String::from_utf8(out.stdout).expect("utf-8")
}

/// What git makes of merging `theirs` into `ours`: (conflicted, conflicted files, tree).
fn git_merge_tree(repo: &Path, ours: &str, theirs: &str) -> (bool, Vec<String>, String) {
    let out = git(
        repo,
        &["merge-tree", "--write-tree", "--name-only", ours, theirs],
    );
    let code = out.status.code();
    assert!(
        matches!(code, Some(0) | Some(1)),
        "git merge-tree {ours} {theirs} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = text(out);
    let mut lines = stdout.lines();
    let tree = lines.next().expect("tree id").to_owned();
    let files: BTreeSet<String> = lines
        .take_while(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    (code == Some(1), files.into_iter().collect(), tree)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().expect("string").to_owned())
        .collect()
}

fn objects(repo: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![repo.join(".git/objects")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("objects dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.display().to_string());
            }
        }
    }
    out
}

#[test]
fn remerges_agree_with_git_merge_tree() {
    let (_guard, repo) = build_fixture("remerge");
    // 13 two-parent merges and the two squashes whose PR head is in the clone.
    assert_eq!(agree_with_git(&repo, UNTIL), 15);
}

/// Directory renames: a file added or renamed into a directory the other side renamed is a
/// "file location" conflict at its new place, as git reports it; an edit in a renamed
/// directory follows the rename cleanly (fixtures/remerge_dirs.sh).
#[test]
fn directory_renames_agree_with_git_merge_tree() {
    let (_guard, repo) = build_fixture("remerge_dirs");
    let until = 1_700_000_000 + 20 * 86_400;
    assert_eq!(agree_with_git(&repo, until), 3);
    let got = analyze_json(&repo, Some(until), &["--remerge"]);
    let truth: [(&str, &str, &[&str]); 3] = [
        (
            "Merge branch 'feature/dir-add'",
            "conflicted",
            &["src/new.txt"],
        ),
        (
            "Merge branch 'feature/dir-move'",
            "conflicted",
            &["core/other.txt"],
        ),
        ("Merge branch 'feature/dir-edit'", "clean", &[]),
    ];
    for (subject, status, files) in truth {
        let c = got["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .find(|c| c["subject"] == subject)
            .unwrap_or_else(|| panic!("{subject} landed"));
        assert_eq!(c["remerge"]["status"], status, "{subject}");
        assert_eq!(strings(&c["remerge"]["files"]), files, "{subject}");
        assert_eq!(c["remerge"]["evil"], false, "{subject}");
    }
}

/// Every re-merge of `repo` against `git merge-tree --write-tree`: status, conflicted files
/// and evil files; octopus merges skipped, other changes not re-merged. Returns how many
/// re-merges were compared. The repository is not written to.
fn agree_with_git(repo: &Path, until: i64) -> usize {
    let repo = repo.to_path_buf();
    let before = objects(&repo);
    let got = analyze_json(&repo, Some(until), &["--remerge"]);
    assert_eq!(objects(&repo), before, "--remerge wrote to the repository");

    let changes = got["changes"].as_array().expect("changes");
    let mut compared = 0;
    for c in changes {
        let commit = c["commit"].as_str().expect("commit");
        let subject = c["subject"].as_str().expect("subject");
        let strategy = c["strategy"].as_str().expect("strategy");
        let parents: Vec<String> = text(git(&repo, &["rev-parse", &format!("{commit}^@")]))
            .lines()
            .map(str::to_owned)
            .collect();
        let pair = match (strategy, parents.len()) {
            ("merge", 2) => Some((parents[0].clone(), parents[1].clone())),
            ("squash", _) => {
                let pr = c["pr"].as_u64().expect("squash PR number");
                let head = git(
                    &repo,
                    &[
                        "rev-parse",
                        "--verify",
                        "-q",
                        &format!("refs/pull/{pr}/head"),
                    ],
                );
                head.status
                    .success()
                    .then(|| (parents[0].clone(), text(head).trim().to_owned()))
            }
            _ => None,
        };
        let r = &c["remerge"];
        let Some((ours, theirs)) = pair else {
            if parents.len() > 2 {
                assert_eq!(r["status"], "skipped", "{subject}");
                assert_eq!(r["reason"], "octopus merge of 3 parents", "{subject}");
                assert_eq!(r["conflicted_files"], Value::Null, "{subject}");
            } else {
                assert!(r.is_null(), "{subject}: not a merge, yet re-merged: {r}");
            }
            continue;
        };
        let (conflicted, files, tree) = git_merge_tree(&repo, &ours, &theirs);
        let want = if conflicted { "conflicted" } else { "clean" };
        assert_eq!(
            r["status"], want,
            "{subject}: status against git merge-tree"
        );
        assert_eq!(strings(&r["files"]), files, "{subject}: conflicted files");
        assert_eq!(r["conflicted_files"], files.len() as u64, "{subject}");
        // Evil: what differs between git's re-merge and the recorded tree, outside conflicts.
        let differs = text(git(
            &repo,
            &["diff", "--no-renames", "--name-only", &tree, commit],
        ));
        let evil: Vec<String> = differs
            .lines()
            .filter(|p| !files.iter().any(|f| f == p))
            .map(str::to_owned)
            .collect();
        if strategy == "merge" {
            assert_eq!(strings(&r["evil_files"]), evil, "{subject}: evil files");
            assert_eq!(r["evil"], !evil.is_empty(), "{subject}");
        } else {
            assert_eq!(r["evil"], Value::Null, "{subject}: squashes are not judged");
        }
        compared += 1;
    }
    compared
}

/// The fixture's truth, from construction: (subject, status, conflicted files, evil files).
const TRUTH: &[(&str, &str, &[&str], &[&str])] = &[
    ("Merge branch 'feature/clean'", "clean", &[], &[]),
    (
        "Merge branch 'feature/content'",
        "conflicted",
        &["content.txt"],
        &[],
    ),
    (
        "Merge branch 'feature/add-add'",
        "conflicted",
        &["shared.txt"],
        &[],
    ),
    (
        "Merge branch 'feature/modify-delete'",
        "conflicted",
        &["gone.txt"],
        &[],
    ),
    (
        "Merge branch 'feature/rename-delete'",
        "conflicted",
        &["moved/renamed.txt"],
        &[],
    ),
    (
        "Merge branch 'feature/binary'",
        "conflicted",
        &["logo.bin"],
        &[],
    ),
    ("Merge branch 'feature/rename-clean'", "clean", &[], &[]),
    ("Merge branch 'feature/mode-clean'", "clean", &[], &[]),
    ("Merge branch 'feature/evil'", "clean", &[], &["notes.txt"]),
    (
        "Merge branch 'feature/conflict-evil'",
        "conflicted",
        &["content.txt"],
        &["notes.txt"],
    ),
    ("Merge branch 'criss-base-branch'", "clean", &[], &[]),
    ("Merge branch 'feature/criss'", "clean", &[], &[]),
    ("Reword line 7 (#21)", "conflicted", &["content.txt"], &[]),
    ("Add eight (#22)", "clean", &[], &[]),
];

#[test]
fn remerge_truth_and_conflict_rates() {
    let (_guard, repo) = build_fixture("remerge");
    let got = analyze_json(&repo, Some(UNTIL), &["--remerge"]);
    let changes = got["changes"].as_array().expect("changes");
    let find = |s: &str| {
        changes
            .iter()
            .find(|c| c["subject"] == s)
            .unwrap_or_else(|| panic!("no change '{s}'"))
    };
    for (subject, status, files, evil) in TRUTH {
        let r = &find(subject)["remerge"];
        assert_eq!(r["status"], *status, "{subject}");
        assert_eq!(strings(&r["files"]), *files, "{subject}");
        assert_eq!(strings(&r["evil_files"]), *evil, "{subject}");
    }
    // The type clash lists both paths, like git: the regular file moves to path~<our side>.
    let types = find("Merge branch 'feature/type'");
    let ours = text(git(
        &repo,
        &[
            "rev-parse",
            &format!("{}^1", types["commit"].as_str().expect("id")),
        ],
    ));
    assert_eq!(
        strings(&types["remerge"]["files"]),
        vec!["tool.sh".to_owned(), format!("tool.sh~{}", ours.trim())]
    );
    assert!(find("Add nine (#23)")["remerge"].is_null());

    let m = &got["metrics"]["remerge"];
    assert_eq!(m["remerged"], 15);
    assert_eq!(m["clean"], 7);
    assert_eq!(m["conflicted"], 8);
    assert_eq!(m["skipped"], 1);
    assert_eq!(m["skipped_reasons"]["octopus merge of 3 parents"], 1);
    assert_eq!(m["squashes_without_pr_head"], 1);
    assert_eq!(m["conflict_rate"].as_f64(), Some(8.0 / 15.0));
    // Lifetimes from construction: <1d clean 2h, binary 3h, mode 5h, evil 6h, criss-base 3h,
    // #21 20h; 1-3d content, types, conflict-evil (2d), criss (1d), #22 (30h); 3-7d add/add,
    // rename-clean (4d); 1-3w modify/delete (10d); >3w rename/delete (25d).
    let rows: Vec<(String, u64, u64)> = m["by_lifetime"]
        .as_array()
        .expect("buckets")
        .iter()
        .map(|b| {
            (
                b["bucket"].as_str().expect("label").to_owned(),
                b["remerged"].as_u64().expect("n"),
                b["conflicted"].as_u64().expect("n"),
            )
        })
        .collect();
    let want: Vec<(String, u64, u64)> = [
        ("<1d", 6, 2),
        ("1-3d", 5, 3),
        ("3-7d", 2, 1),
        ("1-3w", 1, 1),
        (">3w", 1, 1),
    ]
    .iter()
    .map(|(l, n, k)| ((*l).to_owned(), *n, *k))
    .collect();
    assert_eq!(rows, want);
    let long = &m["by_lifetime"][4];
    assert_eq!(long["conflict_rate"].as_f64(), Some(1.0));
    assert_eq!(
        strings(&long["examples"]),
        vec![find("Merge branch 'feature/rename-delete'")["commit"]
            .as_str()
            .expect("id")
            .to_owned()]
    );
    assert_eq!(m["lifetime_unknown"], 0);
    // Sizes: every change but rename-clean (16 lines: 8 deleted, 8 added) is under 10 lines.
    assert_eq!(m["by_size"][0]["remerged"], 14);
    assert_eq!(m["by_size"][0]["conflicted"], 8);
    assert_eq!(m["by_size"][1]["remerged"], 1);
    assert_eq!(m["by_size"][1]["conflict_rate"].as_f64(), Some(0.0));
    assert_eq!(m["by_size"][2]["conflict_rate"], Value::Null);
    // Evil: judged on the 13 true merges; feature/evil and feature/conflict-evil.
    assert_eq!(m["evil_judged"], 13);
    assert_eq!(m["evil"], 2);
    let evil: BTreeSet<String> = strings(&m["evil_examples"]).into_iter().collect();
    let want: BTreeSet<String> = [
        "Merge branch 'feature/evil'",
        "Merge branch 'feature/conflict-evil'",
    ]
    .iter()
    .map(|s| find(s)["commit"].as_str().expect("id").to_owned())
    .collect();
    assert_eq!(evil, want);

    // The output stays inside the JSON contract.
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/schema.json")).expect("docs/schema.json"),
    )
    .expect("schema JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&got)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "--remerge output against docs/schema.json: {errors:#?}"
    );

    // Without --remerge nothing of it appears.
    let plain = analyze_json(&repo, Some(UNTIL), &[]);
    assert!(plain["metrics"].get("remerge").is_none());
    assert!(plain["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .all(|c| c.get("remerge").is_none()));
}

#[test]
fn remerge_budget_of_zero_skips_every_merge() {
    let (_guard, repo) = build_fixture("remerge");
    let got = analyze_json(&repo, Some(UNTIL), &["--remerge", "--remerge-budget", "0"]);
    let m = &got["metrics"]["remerge"];
    assert_eq!(m["remerged"], 0);
    assert_eq!(m["conflict_rate"], Value::Null);
    assert_eq!(m["skipped_reasons"]["time budget spent"], 15);
    assert!(got["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .any(|w| w.as_str().is_some_and(|w| w.contains("--remerge-budget"))));
}

/// The HTML view charts the same conflict rates by lifetime, with its numbers in a table; without
/// `--remerge` there is no such figure.
#[test]
fn html_charts_conflict_rate_by_lifetime() {
    let (_guard, repo) = build_fixture("remerge");
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("a.html");
    let until = format!("@{UNTIL}");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "analyze",
            repo.to_str().expect("utf-8"),
            "--since",
            "all",
            "--until",
            &until,
            "--format",
            "html",
            "--quiet",
            "-o",
            page.to_str().expect("utf-8"),
        ];
        args.extend_from_slice(extra);
        let out = repohealth(&args);
        assert!(out.status.success(), "{}", text(out));
        std::fs::read_to_string(&page).expect("page")
    };
    assert!(!run(&[]).contains("id=\"remerge\""));
    let html = run(&["--remerge"]);
    let fig = &html[html.find("<figure id=\"remerge\"").expect("remerge figure")..];
    let fig = &fig[..fig.find("</figure>").expect("end")];
    assert!(fig.contains("Overall 8 conflicted of 15 re-merged (53.3%); 1 skipped"));
    // Same buckets as the JSON (remerge_truth_and_conflict_rates), from construction.
    for row in [
        "<td>&lt;1d</td><td>6</td><td>2</td><td>33.3%</td>",
        "<td>1-3d</td><td>5</td><td>3</td><td>60%</td>",
        "<td>3-7d</td><td>2</td><td>1</td><td>50%</td>",
        "<td>1-3w</td><td>1</td><td>1</td><td>100%</td>",
        "<td>&gt;3w</td><td>1</td><td>1</td><td>100%</td>",
    ] {
        assert!(fig.contains(row), "{row} in {fig}");
    }
    assert_eq!(fig.matches("<rect class=\"bar\"").count(), 5);
}
