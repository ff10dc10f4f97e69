use super::*;
use crate::cache::CacheSetting;
use crate::monorepo::Ecosystem;

fn o(n: u8) -> Oid {
    Oid([n; 20])
}

fn paths(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| s.to_string()).collect()
}

/// Three changes (the first without a base), the tip and the newest change's inventory.
fn sample() -> Known {
    let mut changes = HashMap::new();
    changes.insert(
        (None, o(1)),
        Stored {
            packages: ChangePackages {
                changed: paths(&["."]),
                affected: paths(&[".", "packages/a"]),
            },
            total_packages: 2,
            all: false,
            global: false,
        },
    );
    changes.insert(
        (Some(o(1)), o(2)),
        Stored {
            packages: ChangePackages {
                changed: Vec::new(),
                affected: paths(&[".", "packages/a", "packages/b"]),
            },
            total_packages: 3,
            all: true,
            global: true,
        },
    );
    changes.insert(
        (Some(o(2)), o(3)),
        Stored {
            packages: ChangePackages::default(),
            total_packages: 3,
            all: false,
            global: false,
        },
    );
    let mut inventory = Inventory {
        packages: 3,
        ..Inventory::default()
    };
    inventory.packages_by_ecosystem.insert("npm".into(), 3);
    inventory.cycles.insert(
        "dev".into(),
        vec![vec!["packages/a".into(), "packages/b".into()]],
    );
    Known {
        changes,
        tip: Some(TipSummary {
            commit: o(3),
            packages: vec![PackageOut {
                name: "a".into(),
                path: "packages/a".into(),
                ecosystem: Ecosystem::Npm,
            }],
            diagnostics: vec![Diagnostic {
                file: "packages/c/package.json".into(),
                line: Some(2),
                message: "invalid JSON".into(),
            }],
        }),
        newest: Some(((Some(o(2)), o(3)), inventory)),
    }
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

/// The one `packages-*.bin` file under the temporary root.
fn the_file(tmp: &tempfile::TempDir) -> std::path::PathBuf {
    let mut found = Vec::new();
    for d in std::fs::read_dir(tmp.path().join("cache")).expect("root") {
        for f in std::fs::read_dir(d.expect("dir").path()).expect("repo dir") {
            let p = f.expect("file").path();
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            if name.is_some_and(|n| n.starts_with("packages-") && n.ends_with(".bin")) {
                found.push(p);
            }
        }
    }
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

#[test]
fn round_trip_keeps_every_change_the_tip_and_the_inventory() {
    let (_t, cache) = open_cache();
    let cfg = monorepo::Config::default();
    store(&cache, &cfg, &sample());
    assert_eq!(load_checked(&cache, &cfg), (sample(), None));
    // Another configuration reads another file: nothing, and no problem.
    let other = monorepo::Config {
        go: false,
        ..monorepo::Config::default()
    };
    assert_eq!(load_checked(&cache, &other), (Known::default(), None));
}

#[test]
fn corrupt_truncated_and_foreign_files_are_ignored_with_a_reason_and_rebuilt() {
    let (tmp, cache) = open_cache();
    let cfg = monorepo::Config::default();
    store(&cache, &cfg, &sample());
    let path = the_file(&tmp);
    let bytes = std::fs::read(&path).expect("read");
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x55;
    let mut foreign = bytes.clone();
    foreign[8..12].copy_from_slice(&(crate::cache::FORMAT_VERSION + 1).to_le_bytes());
    let cases: [(&[u8], &str); 4] = [
        (&flipped, "checksum mismatch"),
        (&bytes[..bytes.len() - 3], "truncated"),
        (&bytes[..10], "truncated"),
        (&foreign, "format version"),
    ];
    for (content, why) in cases {
        std::fs::write(&path, content).expect("write");
        let (known, problem) = load_checked(&cache, &cfg);
        assert_eq!(known, Known::default(), "{why}");
        assert!(problem.expect("a problem").contains(why), "{why}");
    }
    // Rebuilt: the next store makes it whole again.
    store(&cache, &cfg, &sample());
    assert_eq!(load_checked(&cache, &cfg), (sample(), None));
}

#[test]
fn an_entry_naming_a_package_outside_the_table_is_not_trusted() {
    let (_t, cache) = open_cache();
    let cfg = monorepo::Config::default();
    let mut payload = Payload::of(&sample());
    payload.changes[0].affected.push(99);
    cache.store(KIND, key(&cfg), &payload).expect("store");
    let (known, problem) = load_checked(&cache, &cfg);
    assert_eq!(known, Known::default());
    assert!(problem
        .expect("a problem")
        .contains("package index 99 outside the table of 3"));
}
