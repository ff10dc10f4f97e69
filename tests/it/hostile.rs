//! Hostile inputs (fixtures/hostile/*.sh): damaged object databases and refs, text in other
//! encodings, odd dates, huge files, hostile manifests and output that cannot be written. Every
//! case asserts the exit code, a message that names the problem, no panic, a time bound, and
//! that the repository is byte-identical afterwards (every file under the work tree and the git
//! directory hashed before and after).

use crate::common::{assert_numstat_matches_git, root};
use serde_json::Value;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Where the families are built: one directory under cargo's target tmp dir, emptied once per
/// run, so the big files of `big.sh` do not pile up in /tmp.
fn hostile_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the hostile fixture directory");
        dir
    })
}

/// Build `fixtures/hostile/<script>.sh` once per run; returns its directory.
fn family(script: &str) -> PathBuf {
    static BUILT: OnceLock<Mutex<HashMap<String, Arc<OnceLock<PathBuf>>>>> = OnceLock::new();
    let cell = BUILT
        .get_or_init(Default::default)
        .lock()
        .expect("fixture registry")
        .entry(script.to_owned())
        .or_default()
        .clone();
    cell.get_or_init(|| {
        let dir = hostile_root().join(script);
        let out = Command::new("bash")
            .arg(root().join("fixtures/hostile").join(format!("{script}.sh")))
            .arg(&dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("run the fixture script");
        assert!(
            out.status.success(),
            "fixtures/hostile/{script}.sh failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
    .clone()
}

/// A repository of the `objects` family.
fn objects(case: &str) -> PathBuf {
    family("objects").join(case)
}

/// The id the `objects` family recorded for `case` (ids.txt).
fn damaged_id(case: &str) -> String {
    let text = std::fs::read_to_string(family("objects").join("ids.txt")).expect("ids.txt");
    text.lines()
        .find_map(|l| l.strip_prefix(case)?.strip_prefix(' ').map(str::to_owned))
        .unwrap_or_else(|| panic!("no id recorded for {case}"))
}

/// Size and hash of every file and symlink under `dir` (symlinks are not followed).
fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(meta) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            let mut h = DefaultHasher::new();
            if meta.is_dir() {
                stack.push(p);
                continue;
            } else if meta.file_type().is_symlink() {
                std::fs::read_link(&p).ok().hash(&mut h);
            } else {
                std::fs::read(&p).unwrap_or_default().hash(&mut h);
            }
            out.push((p, meta.len(), h.finish()));
        }
    }
    out.sort();
    out
}

struct Outcome {
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).expect("valid JSON on stdout")
    }
}

/// How to run one case.
struct Case<'a> {
    /// The repository that must stay byte-identical.
    repo: &'a Path,
    /// Arguments; `{}` stands for the repository path.
    args: &'a [&'a str],
    /// A bash snippet wrapping the command (`"$@"` is the command), e.g. to close stdout.
    shell: Option<&'a str>,
    env: &'a [(&'a str, &'a str)],
    code: i32,
    /// Must appear in stderr or stdout: the message that names the problem.
    names: &'a str,
    seconds: u64,
}

impl Default for Case<'_> {
    fn default() -> Self {
        Case {
            repo: Path::new("/nonexistent"),
            args: &["analyze", "{}", "--since", "all", "--format", "json", "-q"],
            shell: None,
            env: &[],
            code: 0,
            names: "",
            seconds: 60,
        }
    }
}

fn run(case: Case<'_>) -> Outcome {
    let before = fingerprint(case.repo);
    let repo = case.repo.to_str().expect("utf-8 path");
    let args: Vec<String> = case.args.iter().map(|a| a.replace("{}", repo)).collect();
    let bin = env!("CARGO_BIN_EXE_repohealth");
    let mut cmd = match case.shell {
        Some(snippet) => {
            let mut c = Command::new("bash");
            c.arg("-c").arg(snippet).arg("bash").arg(bin);
            c
        }
        None => Command::new(bin),
    };
    let io = tempfile::tempdir().expect("tempdir");
    let (out_path, err_path) = (io.path().join("stdout"), io.path().join("stderr"));
    let mut child = cmd
        .args(&args)
        .env("GIT_CEILING_DIRECTORIES", hostile_root())
        .env("XDG_CACHE_HOME", crate::common::test_cache_home())
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .envs(case.env.iter().copied())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("run repohealth");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > Duration::from_secs(case.seconds) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} took more than {} s", case.seconds);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    let (stdout, stderr) = (read(&out_path), read(&err_path));
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{args:?} panicked: {stderr}"
    );
    assert_eq!(status.code(), Some(case.code), "{args:?}: {stderr}");
    assert!(
        stderr.contains(case.names) || stdout.contains(case.names),
        "{args:?}: no {:?} in\n{stderr}\n{}",
        case.names,
        &stdout[..stdout.len().min(2000)]
    );
    assert!(
        before == fingerprint(case.repo),
        "{args:?} changed files under {}",
        case.repo.display()
    );
    Outcome { stdout, stderr }
}

/// `analyze` on `repo` (JSON, whole history), expecting `code` and a message with `names`.
fn analyze(repo: &Path, code: i32, names: &str) -> Outcome {
    run(Case {
        repo,
        code,
        names,
        ..Case::default()
    })
}

fn subjects(v: &Value) -> Vec<String> {
    v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["subject"].as_str().unwrap_or("").to_owned())
        .collect()
}

// --- damaged object databases ---------------------------------------------------------------

#[test]
fn corrupt_pack_exits_5_naming_the_commit() {
    let o = analyze(&objects("corrupt_pack"), 5, "is missing or corrupt");
    assert!(o.stderr.contains("Pack entry"), "{}", o.stderr);
}

#[test]
fn truncated_pack_exits_5() {
    analyze(&objects("truncated_pack"), 5, "Pack entry is truncated");
}

#[test]
fn pack_deleted_under_its_index_exits_5_naming_the_branch() {
    let o = analyze(&objects("missing_pack"), 5, "HEAD's branch cannot be read");
    assert!(o.stderr.contains("refs/heads/main"), "{}", o.stderr);
}

#[test]
fn missing_commit_exits_5_naming_it() {
    let o = analyze(&objects("missing_commit"), 5, &damaged_id("missing_commit"));
    assert!(o.stderr.contains("could not be found"), "{}", o.stderr);
}

#[test]
fn missing_tree_exits_5_naming_it() {
    analyze(&objects("missing_tree"), 5, &damaged_id("missing_tree"));
}

#[test]
fn loose_object_with_a_lying_header_exits_5_naming_the_blob() {
    let id = damaged_id("bad_header");
    analyze(&objects("bad_header"), 5, &format!("blob {id}: "));
}

#[test]
fn loose_object_of_an_unknown_type_exits_5_naming_the_blob() {
    let o = analyze(&objects("bad_type"), 5, &damaged_id("bad_type"));
    assert!(o.stderr.contains("s.txt"), "{}", o.stderr);
}

#[test]
fn partial_clone_counts_no_lines_and_fetches_nothing() {
    let o = analyze(
        &objects("partial_clone"),
        0,
        "8 changes touch blobs missing",
    );
    let v = o.json();
    let changes = v["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 8);
    assert!(changes.iter().all(|c| c["lines_added"].is_null()));
}

#[test]
fn tags_of_trees_are_skipped_by_name() {
    let o = analyze(
        &objects("tag_tree"),
        0,
        "refs/tags/ann-tree (points at a tree",
    );
    assert!(o.stdout.contains("refs/tags/light-tree (points at a tree"));
    assert_eq!(subjects(&o.json()).len(), 8);
}

#[test]
fn tags_of_blobs_are_skipped_by_name() {
    let o = analyze(
        &objects("tag_blob"),
        0,
        "refs/tags/ann-blob (points at a blob",
    );
    assert!(o.stdout.contains("refs/tags/light-blob (points at a blob"));
    assert_eq!(subjects(&o.json()).len(), 8);
}

#[test]
fn a_branch_at_a_blob_is_skipped_by_name() {
    analyze(
        &objects("branch_blob"),
        0,
        "refs/heads/not-a-commit (points at a blob",
    );
}

#[test]
fn symbolic_ref_loop_is_skipped_by_name() {
    let o = analyze(
        &objects("symref_loop"),
        0,
        "refs/heads/loop-a (Aborting symbolic reference cycle",
    );
    assert_eq!(subjects(&o.json()).len(), 8);
}

#[test]
fn head_in_a_symbolic_ref_loop_exits_5() {
    let o = analyze(&objects("head_loop"), 5, "HEAD's branch cannot be read");
    assert!(o.stderr.contains("refs/heads/spin"), "{}", o.stderr);
}

#[test]
fn garbage_ref_file_is_skipped_by_name() {
    analyze(&objects("garbage_ref"), 0, "refs/heads/garbage");
}

#[test]
fn ref_to_a_missing_object_is_skipped_by_name() {
    analyze(&objects("ghost_ref"), 0, "refs/heads/ghost (");
}

#[test]
fn garbage_in_packed_refs_exits_5() {
    analyze(
        &objects("bad_packed_refs"),
        5,
        "Malformed packed reference record",
    );
}

#[test]
fn alternates_cycle_exits_3() {
    analyze(&objects("alternates_loop"), 3, "Alternates form a cycle");
}

#[test]
fn missing_alternate_warns() {
    let o = analyze(
        &objects("alternates_gone"),
        0,
        "objects/info/alternates names",
    );
    assert_eq!(subjects(&o.json()).len(), 8);
}

#[test]
fn damaged_commit_graph_falls_back_to_the_objects() {
    // Without the cache: a warm run takes the graph from the cache and never opens the damaged
    // commit-graph file, so only a cold run can warn about it.
    let o = run(Case {
        repo: &objects("bad_commit_graph"),
        args: &[
            "analyze",
            "{}",
            "--since",
            "all",
            "--format",
            "json",
            "-q",
            "--no-cache",
        ],
        code: 0,
        names: "commit-graph file",
        ..Case::default()
    });
    assert_eq!(subjects(&o.json()).len(), 8);
}

#[test]
fn undecodable_commit_exits_5_naming_it() {
    let id = damaged_id("bad_parent");
    analyze(
        &objects("bad_parent"),
        5,
        &format!("commit {id} is missing or corrupt"),
    );
}

#[test]
fn replace_refs_forming_a_cycle_exit_5_quickly() {
    analyze(
        &objects("replace_loop"),
        5,
        "the history has a cycle through commit",
    );
}

#[test]
fn dangling_gitdir_file_exits_3_quoting_it() {
    analyze(
        &objects("dangling_gitdir"),
        3,
        "which is not a git directory",
    );
}

#[test]
fn garbage_head_exits_5() {
    analyze(&objects("garbage_head"), 5, "cannot read HEAD");
}

#[test]
fn five_megabyte_commit_message() {
    let o = analyze(&objects("huge_message"), 0, "Huge message");
    assert_eq!(subjects(&o.json())[0], "Huge message");
}

// --- text: encodings, invalid UTF-8, display width, control characters ---------------------

fn text_repo() -> PathBuf {
    family("text")
}

#[test]
fn latin1_and_shift_jis_messages_are_decoded() {
    let o = analyze(&text_repo(), 0, "Café crème brûlée");
    let s = subjects(&o.json());
    assert!(s.contains(&"Café crème brûlée".to_owned()), "{s:?}");
    assert!(s.contains(&"修正: バグを直す".to_owned()), "{s:?}");
    // An unknown encoding name: the bytes are read as UTF-8.
    assert!(s.contains(&"Klingon café".to_owned()), "{s:?}");
}

#[test]
fn invalid_utf8_in_messages_names_paths_and_refs_is_replaced() {
    let o = analyze(&text_repo(), 0, "Broken \u{fffd}\u{fffd} bytes");
    let v = o.json();
    let broken = v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["subject"] == "Broken \u{fffd}\u{fffd} bytes")
        .expect("the change with invalid UTF-8");
    assert_eq!(broken["author"], "Bad \u{fffd}( Name");
    assert_eq!(v["branches"][0]["name"], "feature-\u{fffd}\u{fffd}");
    // The latin-1 file name is counted like git counts it.
    assert_eq!(assert_numstat_matches_git(&text_repo(), &v), 9);
}

/// The lines of `text` wider than `columns` display columns, with their widths.
fn too_wide(text: &str, columns: usize) -> Vec<(usize, &str)> {
    text.lines()
        .map(|l| (unicode_width::UnicodeWidthStr::width(l), l))
        .filter(|(w, _)| *w > columns)
        .collect()
}

#[test]
fn cjk_and_emoji_tables_fit_100_columns() {
    let o = run(Case {
        repo: &text_repo(),
        args: &["analyze", "{}", "--since", "all", "--format", "table", "-q"],
        names: "修正バグ",
        ..Case::default()
    });
    assert_eq!(too_wide(&o.stdout, 100), vec![]);
    assert!(o.stdout.contains("🚀🚀🚀"), "{}", o.stdout);
}

#[test]
fn tables_fit_a_narrow_terminal() {
    let o = run(Case {
        repo: &text_repo(),
        args: &["analyze", "{}", "--since", "all", "--format", "table", "-q"],
        env: &[("COLUMNS", "60")],
        names: "Live branches",
        ..Case::default()
    });
    assert_eq!(too_wide(&o.stdout, 60), vec![]);
}

#[test]
fn control_characters_in_subjects_reach_no_terminal() {
    let o = run(Case {
        repo: &text_repo(),
        args: &["analyze", "{}", "--since", "all", "--format", "table", "-q"],
        names: "Colour \u{241b}[31mred",
        ..Case::default()
    });
    assert!(!o.stdout.contains('\u{1b}') && !o.stdout.contains('\u{7}'));
}

// --- output ---------------------------------------------------------------------------------

#[test]
fn closed_stdout_exits_7() {
    for command in ["analyze", "affected"] {
        let args: &[&str] = if command == "analyze" {
            &["analyze", "{}", "--since", "all", "-q"]
        } else {
            &["affected", "{}", "--base", "HEAD~1"]
        };
        run(Case {
            repo: &text_repo(),
            args,
            shell: Some(r#""$@" >&-"#),
            code: 7,
            names: "cannot write to standard output: it is closed",
            ..Case::default()
        });
    }
}

#[test]
fn broken_pipe_exits_0_quietly() {
    let o = run(Case {
        repo: &text_repo(),
        shell: Some(r#""$@" | head -c 1 >/dev/null; exit "${PIPESTATUS[0]}""#),
        ..Case::default()
    });
    assert_eq!(o.stderr, "");
}

#[test]
fn unwritable_output_path_exits_7_naming_it() {
    let missing = hostile_root().join("no-such-dir/out.json");
    let o = run(Case {
        repo: &text_repo(),
        args: &[
            "analyze",
            "{}",
            "--since",
            "all",
            "-q",
            "-o",
            missing.to_str().expect("path"),
        ],
        code: 7,
        names: "cannot write",
        ..Case::default()
    });
    assert!(o.stderr.contains("no-such-dir/out.json"), "{}", o.stderr);
    // A directory is no file to write either.
    let dir = hostile_root().to_str().expect("path").to_owned();
    run(Case {
        repo: &text_repo(),
        args: &["graph", "{}", "-o", &dir],
        code: 7,
        names: "cannot write",
        ..Case::default()
    });
}

// --- big content (generated at test time) ---------------------------------------------------

fn change<'a>(v: &'a Value, subject: &str) -> &'a Value {
    v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["subject"] == subject)
        .unwrap_or_else(|| panic!("no change {subject:?}"))
}

/// The 100 MB file, the million-line file and the 50,000-file commit, counted like git, in
/// one run (the slowest case of this file: a generous bound for debug builds on a busy CI).
#[test]
fn hundred_megabyte_file_million_lines_and_fifty_thousand_files() {
    let repo = family("big");
    let o = run(Case {
        repo: &repo,
        names: "Touch 50,000 files",
        seconds: 300,
        ..Case::default()
    });
    let v = o.json();
    let big = change(&v, "Add a 100 MB file");
    assert_eq!(big["lines_added"], 1_638_400);
    let million = change(&v, "Add a million-line file");
    assert_eq!(million["lines_added"], 1_000_000);
    let many = change(&v, "Touch 50,000 files");
    assert_eq!(many["files_changed"], 50_000);
    assert_eq!(many["lines_added"], 50_000);
    assert_eq!(assert_numstat_matches_git(&repo, &v), 4);
}

// --- dates and time zones -------------------------------------------------------------------

#[test]
fn extreme_time_zone_offsets_land_at_their_utc_instant() {
    let o = analyze(&family("dates"), 0, "East of everything");
    let v = o.json();
    // T0 + 1 h, T0 + 2 h and T0 + 3 h, whatever the offset says.
    assert_eq!(
        change(&v, "East of everything")["landed_at"],
        "2023-11-14T23:13:20Z"
    );
    assert_eq!(
        change(&v, "West of everything")["landed_at"],
        "2023-11-15T00:13:20Z"
    );
    assert_eq!(
        change(&v, "Half-hour zone")["landed_at"],
        "2023-11-15T01:13:20Z"
    );
}

#[test]
fn dates_beyond_64_bits_and_missing_dates_do_not_stop_the_analysis() {
    let o = analyze(&family("dates"), 0, "Date beyond i64");
    let v = o.json();
    assert_eq!(subjects(&v).len(), 7);
    assert!(subjects(&v).contains(&"No date at all".to_owned()));
    // Both read as 1970, and stderr says so once, naming one of the two commits.
    let undated: Vec<String> = v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| {
            ["No date at all", "Date beyond i64"].contains(&c["subject"].as_str().unwrap_or(""))
        })
        .map(|c| {
            assert_eq!(c["landed_at"], "1970-01-01T00:00:00Z", "{c}");
            c["commit"].as_str().unwrap_or("").to_owned()
        })
        .collect();
    assert_eq!(undated.len(), 2);
    assert_eq!(
        o.stderr.matches("has no readable date").count(),
        1,
        "{}",
        o.stderr
    );
    assert!(
        undated.iter().any(|id| o
            .stderr
            .contains(&format!("commit {id} has no readable date"))),
        "{}",
        o.stderr
    );
}

// --- manifests, includes and configuration ---------------------------------------------------

fn manifests(case: &str) -> PathBuf {
    family("manifests").join(case)
}

fn affected(repo: &Path, code: i32, names: &str) -> Outcome {
    run(Case {
        repo,
        args: &["affected", "{}", "--base", "HEAD~1"],
        code,
        names,
        ..Case::default()
    })
}

#[test]
fn deeply_nested_json_manifest_is_reported_by_file() {
    let o = affected(
        &manifests("nested_json"),
        0,
        "packages/b/package.json:1: invalid JSON: recursion limit exceeded",
    );
    assert_eq!(o.stdout, "a\n");
}

#[test]
fn giant_toml_manifest_is_read_within_the_bound() {
    let o = affected(&manifests("giant_toml"), 0, "a");
    assert_eq!(o.stdout, "a\n");
    let g = run(Case {
        repo: &manifests("giant_toml"),
        args: &["graph", "{}", "--format", "json"],
        names: "crates/b",
        ..Case::default()
    });
    assert!(g.stdout.contains("\"crates/a\""), "{}", g.stdout);
}

#[test]
fn deeply_nested_toml_manifest_is_reported_by_file() {
    let o = affected(
        &manifests("nested_toml"),
        0,
        "crates/b/Cargo.toml:6: invalid TOML",
    );
    assert_eq!(o.stdout, "a\n");
}

#[test]
fn symlinked_manifests_are_not_followed() {
    let o = affected(
        &manifests("symlinks"),
        0,
        "packages/b/package.json: symlinked manifest not followed",
    );
    assert!(o
        .stderr
        .contains("packages/c/package.json: symlinked manifest not followed"));
    assert!(
        !o.stderr.contains("root:x:0"),
        "read /etc/passwd: {}",
        o.stderr
    );
    assert_eq!(o.stdout, "a\n");
}

#[test]
fn maven_module_loop_is_skipped_by_file() {
    let o = affected(
        &manifests("maven_loop"),
        0,
        "a/pom.xml: module \"..\" points back to pom.xml: loop skipped",
    );
    assert_eq!(o.stdout, "g:a\n");
}

#[test]
fn pip_include_loops_are_skipped_by_file() {
    let o = affected(
        &manifests("pip_loop"),
        0,
        "requirements.txt: -r requirements.txt forms an include loop",
    );
    assert!(
        o.stderr.contains("y.txt: -r x.txt forms an include loop"),
        "{}",
        o.stderr
    );
    assert!(o.stdout.lines().any(|l| l == "a"), "{}", o.stdout);
}

#[test]
fn go_work_through_a_directory_symlink_loop() {
    let o = affected(
        &manifests("gowork_loop"),
        0,
        "go.work: use \"./loop/a\": no go.mod in \"loop/a\"",
    );
    assert_eq!(o.stdout, "example.com/a\n");
}

#[test]
fn broken_repohealth_toml_in_the_work_tree_exits_6_with_its_line() {
    for command in ["analyze", "affected", "graph"] {
        let args: &[&str] = match command {
            "analyze" => &["analyze", "{}", "--since", "all", "-q"],
            "affected" => &["affected", "{}", "--base", "HEAD~1"],
            _ => &["graph", "{}"],
        };
        run(Case {
            repo: &manifests("bad_config"),
            args,
            code: 6,
            names: "repohealth.toml:2: invalid configuration",
            ..Case::default()
        });
    }
}

#[test]
fn repohealth_toml_linking_out_of_the_work_tree_is_not_read() {
    let o = analyze(
        &manifests("config_escape"),
        6,
        "is a symbolic link that leaves the work tree",
    );
    assert!(!o.stderr.contains("root:"), "{}", o.stderr);
}
