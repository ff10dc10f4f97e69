use super::*;
use crate::model::{DiffStat, EntryMode, FileStat, FileStatus};

fn o(n: u8) -> Oid {
    Oid([n; 20])
}

fn stat(n: u8) -> DiffStat {
    DiffStat {
        files: vec![
            FileStat {
                path: format!("src/f{n}.rs").into_bytes(),
                added: u64::from(n) * 3,
                deleted: u64::from(n),
                binary: false,
                missing: false,
                status: FileStatus::Modified,
                old_blob: Some(o(n)),
                new_blob: Some(o(n + 1)),
                new_kind: Some(EntryMode::Executable),
            },
            FileStat {
                path: b"\xffnot-utf8.bin".to_vec(),
                added: 0,
                deleted: 0,
                binary: true,
                missing: false,
                status: FileStatus::Deleted,
                old_blob: Some(o(9)),
                new_blob: None,
                new_kind: None,
            },
        ],
    }
}

fn sample(k: u8) -> HashMap<(Option<Oid>, Oid), DiffStat> {
    (1..=k)
        .map(|n| ((if n == 1 { None } else { Some(o(n - 1)) }, o(n)), stat(n)))
        .collect()
}

/// A cache under a fresh temporary root, for a fake repository beside it.
fn open_cache() -> (tempfile::TempDir, Cache) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path().join("repo.git");
    std::fs::create_dir(&repo).expect("repo dir");
    let (cache, problem) =
        Cache::open(&CacheSetting::Dir(tmp.path().join("cache")), &repo, None).expect("open");
    assert_eq!(problem, None);
    (tmp, cache.expect("a cache"))
}

fn the_file(cache: &Cache, key: u64) -> PathBuf {
    cache.diffs_path(key)
}

#[test]
fn round_trip_keeps_every_field() {
    let (_t, cache) = open_cache();
    let diffs = sample(5);
    cache.store_diffs(7, &diffs).expect("store");
    let loaded = cache.load_diffs(7);
    assert_eq!(loaded.problem, None);
    assert_eq!(loaded.diffs, diffs);
    // Other settings: another file, nothing loaded.
    let other = cache.load_diffs(8);
    assert!(other.diffs.is_empty() && other.problem.is_none());
}

#[test]
fn corrupt_file_is_ignored_with_a_reason() {
    let (_t, cache) = open_cache();
    cache.store_diffs(7, &sample(3)).expect("store");
    let path = the_file(&cache, 7);
    let mut bytes = std::fs::read(&path).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(&path, &bytes).expect("write");
    let loaded = cache.load_diffs(7);
    assert!(loaded.diffs.is_empty());
    assert!(loaded
        .problem
        .expect("a problem")
        .contains("checksum mismatch"));
    // Rebuilt: the next store makes it whole again.
    cache.store_diffs(7, &sample(3)).expect("store");
    assert_eq!(cache.load_diffs(7).diffs, sample(3));
}

#[test]
fn truncated_file_is_ignored_with_a_reason() {
    let (_t, cache) = open_cache();
    cache.store_diffs(7, &sample(3)).expect("store");
    let path = the_file(&cache, 7);
    let bytes = std::fs::read(&path).expect("read");
    for cut in [bytes.len() - 1, HEADER_LEN + 1, HEADER_LEN - 1, 0] {
        std::fs::write(&path, &bytes[..cut]).expect("write");
        let loaded = cache.load_diffs(7);
        assert!(loaded.diffs.is_empty(), "cut at {cut}");
        assert!(
            loaded.problem.expect("a problem").contains("truncated"),
            "cut at {cut}"
        );
    }
}

#[test]
fn foreign_version_and_foreign_files_are_ignored() {
    let (_t, cache) = open_cache();
    cache.store_diffs(7, &sample(2)).expect("store");
    let path = the_file(&cache, 7);
    let mut bytes = std::fs::read(&path).expect("read");
    bytes[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    std::fs::write(&path, &bytes).expect("write");
    let loaded = cache.load_diffs(7);
    assert!(loaded.diffs.is_empty());
    assert!(loaded
        .problem
        .expect("a problem")
        .contains(&format!("format version {}", FORMAT_VERSION + 1)));
    std::fs::write(
        &path,
        b"{\"not\": \"a cache file, but long enough to have a header\"}",
    )
    .expect("write");
    let loaded = cache.load_diffs(7);
    assert!(loaded.diffs.is_empty());
    assert!(loaded
        .problem
        .expect("a problem")
        .contains("not a repohealth cache"));
}

#[test]
fn a_valid_header_over_a_garbage_payload_is_not_trusted() {
    let (_t, cache) = open_cache();
    // Checksum and length right, payload not a diff table.
    let junk = vec![0xffu8; 64];
    std::fs::write(the_file(&cache, 7), encode_file(&junk, 7)).expect("write");
    let loaded = cache.load_diffs(7);
    assert!(loaded.diffs.is_empty());
    assert!(loaded
        .problem
        .expect("a problem")
        .contains("does not decode"));
}

#[test]
fn concurrent_writers_never_leave_a_partial_file() {
    let (_t, cache) = open_cache();
    let versions: Vec<HashMap<(Option<Oid>, Oid), DiffStat>> = (1..=4).map(sample).collect();
    std::thread::scope(|s| {
        for v in &versions {
            let cache = cache.clone();
            s.spawn(move || {
                for _ in 0..25 {
                    cache.store_diffs(7, v).expect("store");
                }
            });
        }
        let cache = cache.clone();
        let versions = &versions;
        s.spawn(move || {
            for _ in 0..100 {
                let loaded = cache.load_diffs(7);
                assert_eq!(loaded.problem, None);
                assert!(loaded.diffs.is_empty() || versions.contains(&loaded.diffs));
            }
        });
    });
    let last = cache.load_diffs(7);
    assert_eq!(last.problem, None);
    assert!(versions.contains(&last.diffs));
    // No temporary file is left behind.
    let leftovers = std::fs::read_dir(&cache.dir)
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn a_cache_dir_that_is_a_file_turns_the_cache_off() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("cache");
    std::fs::write(&file, b"a file").expect("write");
    let repo = tmp.path().join("repo.git");
    std::fs::create_dir(&repo).expect("repo dir");
    let (cache, problem) =
        Cache::open(&CacheSetting::Dir(file.clone()), &repo, None).expect("open");
    assert!(cache.is_none());
    assert!(problem.expect("a warning").contains("cannot be used"));
    assert_eq!(std::fs::read(&file).expect("still a file"), b"a file");
}

#[test]
fn a_read_only_cache_dir_still_serves_and_says_it_cannot_write() {
    use std::os::unix::fs::PermissionsExt;
    let (_t, cache) = open_cache();
    cache.store_diffs(7, &sample(2)).expect("store");
    std::fs::set_permissions(&cache.dir, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    // root ignores permission bits: then the write goes through, and the cache stays valid.
    let writable = tempfile::tempfile_in(&cache.dir).is_ok();
    let stored = cache.store_diffs(7, &sample(3));
    if writable {
        stored.expect("root writes anyway");
        assert_eq!(cache.load_diffs(7).diffs, sample(3));
    } else {
        assert!(stored.expect_err("read-only").contains("cannot be written"));
        assert_eq!(cache.load_diffs(7).diffs, sample(2));
    }
    std::fs::set_permissions(&cache.dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[test]
fn a_cache_dir_inside_the_repository_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let work = tmp.path().join("work");
    let git = work.join(".git");
    std::fs::create_dir_all(&git).expect("dirs");
    let inside = CacheSetting::Dir(work.join("cache"));
    let err = Cache::open(&inside, &git, Some(&work)).expect_err("inside the work tree");
    assert_eq!(crate::cli::exit_code(&err), crate::error::exit::USAGE);
    assert!(!work.join("cache").exists());
    let in_git = CacheSetting::Dir(git.join("rh"));
    assert!(Cache::open(&in_git, &git, None).is_err());
}

#[test]
fn clear_removes_only_what_the_cache_wrote() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("cache");
    let repo = tmp.path().join("repo.git");
    std::fs::create_dir(&repo).expect("repo dir");
    let (cache, _) = Cache::open(&CacheSetting::Dir(root.clone()), &repo, None).expect("open");
    cache
        .expect("cache")
        .store_diffs(1, &sample(2))
        .expect("store");
    std::fs::create_dir(root.join("someone-elses")).expect("dir");
    let listed = entries(&root).expect("entries");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].files, 2);
    assert!(listed[0].repository.ends_with("repo.git"));
    assert_eq!(clear(&root).expect("clear"), 1);
    assert!(entries(&root).expect("entries").is_empty());
    assert!(root.join("someone-elses").is_dir());
}

#[test]
fn graph_round_trip_and_an_inconsistent_graph_is_not_trusted() {
    let (_t, cache) = open_cache();
    assert_eq!(
        cache
            .load_graph(3)
            .expect("no file is no error")
            .map(|_| ()),
        None
    );
    let g = CommitGraph::from_edges(vec![
        (o(3), vec![o(2), o(1)]),
        (o(2), vec![o(1)]),
        (o(1), vec![]),
    ]);
    cache.store_graph(3, &[o(3)], &g).expect("store");
    let (tips, back) = cache.load_graph(3).expect("valid").expect("stored");
    assert_eq!(tips, vec![o(3)]);
    assert_eq!(back.parts(), g.parts());
    // Another key: nothing.
    assert!(cache.load_graph(4).expect("no file").is_none());
    // A well-formed file whose generations do not fit the parents: refused, never used.
    let payload = postcard::to_allocvec(&GraphPayload {
        tips: vec![o(3).0],
        ids: vec![o(2).0, o(1).0],
        parents: vec![vec![1], vec![]],
        generation: vec![1, 1],
    })
    .expect("encode");
    std::fs::write(cache.graph_path(3), encode_file(&payload, 3)).expect("write");
    let why = cache.load_graph(3).expect_err("refused");
    assert!(why.contains("inconsistent"), "{why}");
    // Truncated.
    cache.store_graph(3, &[o(3)], &g).expect("store");
    let bytes = std::fs::read(cache.graph_path(3)).expect("read");
    std::fs::write(cache.graph_path(3), &bytes[..bytes.len() - 1]).expect("write");
    assert!(cache
        .load_graph(3)
        .expect_err("refused")
        .contains("truncated"));
}

#[test]
fn a_payload_of_any_kind_round_trips_and_is_checked_like_the_others() {
    let (_d, cache) = open_cache();
    let key = settings_key("remerge", &[b"renames=0.5", b"limit=7000"]);
    assert_ne!(
        key,
        settings_key("remerge", &[b"renames=0.5", b"limit=700"])
    );
    assert_ne!(
        key,
        settings_key("packages", &[b"renames=0.5", b"limit=7000"])
    );
    // Settings are length-delimited: ["ab", "c"] is not ["a", "bc"].
    assert_ne!(
        settings_key("k", &[b"ab", b"c"]),
        settings_key("k", &[b"a", b"bc"])
    );
    assert_eq!(cache.load::<Vec<(u32, String)>>("remerge", key), Ok(None));
    let value = vec![(1u32, "clean".to_owned()), (7, "conflicted".to_owned())];
    cache.store("remerge", key, &value).unwrap();
    assert_eq!(
        cache.load::<Vec<(u32, String)>>("remerge", key),
        Ok(Some(value))
    );
    // Another key finds nothing; a damaged file is refused with its name.
    assert_eq!(
        cache.load::<Vec<(u32, String)>>("remerge", key ^ 1),
        Ok(None)
    );
    let path = cache.kind_path("remerge", key);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    let err = cache
        .load::<Vec<(u32, String)>>("remerge", key)
        .unwrap_err();
    assert!(
        err.contains("remerge-") && err.contains("checksum"),
        "{err}"
    );
}
