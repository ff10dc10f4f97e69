//! Old (hand-written) against new (crate) readers over real files. Ignored: run with
//! `COMPARE_DIR=/path cargo test --release --lib compare_ -- --ignored --nocapture`.
//! The directory holds `*.yaml` files (lockfiles and workspace files) and `package.json`
//! files; ranges from the manifests are checked against the versions in the lockfiles.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::yaml::{self, Yaml};
use super::yaml_old::{self, Yaml as Old};
use super::{semver, semver_old};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn conv(o: &Old) -> Yaml {
    match o {
        Old::Null => Yaml::Null,
        Old::Str(s) => Yaml::Str(s.clone()),
        Old::Seq(v) => Yaml::Seq(v.iter().map(conv).collect()),
        Old::Map(m) => Yaml::Map(m.iter().map(|(k, v)| (k.clone(), conv(v))).collect()),
    }
}

fn diff(path: &str, a: &Yaml, b: &Yaml, out: &mut Vec<String>) {
    if out.len() > 20 {
        return;
    }
    match (a, b) {
        (Yaml::Map(x), Yaml::Map(y)) => {
            let kx: Vec<&String> = x.iter().map(|(k, _)| k).collect();
            let ky: Vec<&String> = y.iter().map(|(k, _)| k).collect();
            if kx != ky {
                let sx: BTreeSet<_> = kx.iter().collect();
                let sy: BTreeSet<_> = ky.iter().collect();
                out.push(format!(
                    "{path}: keys old-only {:?} new-only {:?} (len {} vs {})",
                    sx.difference(&sy).take(5).collect::<Vec<_>>(),
                    sy.difference(&sx).take(5).collect::<Vec<_>>(),
                    kx.len(),
                    ky.len()
                ));
                return;
            }
            for ((k, va), (_, vb)) in x.iter().zip(y) {
                diff(&format!("{path}/{k}"), va, vb, out);
            }
        }
        (Yaml::Seq(x), Yaml::Seq(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                diff(&format!("{path}[{i}]"), va, vb, out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{path}: old {a:?} new {b:?}")),
    }
}

#[test]
#[ignore]
fn compare_readers() {
    let Ok(dir) = std::env::var("COMPARE_DIR") else {
        eprintln!("COMPARE_DIR not set");
        return;
    };
    let mut all = Vec::new();
    files(Path::new(&dir), &mut all);
    all.sort();
    let (mut n, mut same) = (0, 0);
    let mut largest: Option<(usize, PathBuf)> = None;
    // name -> versions seen in lockfiles
    let mut versions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
    {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        n += 1;
        if largest.as_ref().is_none_or(|(l, _)| text.len() > *l) {
            largest = Some((text.len(), p.clone()));
        }
        let old = yaml_old::parse(&text);
        let new = yaml::parse(&text);
        match (&old, &new) {
            (Ok(o), Ok(y)) => {
                let mut d = Vec::new();
                diff("", &conv(o), y, &mut d);
                if d.is_empty() {
                    same += 1;
                } else {
                    println!("DIFF {}:", p.display());
                    for l in d {
                        println!("  {l}");
                    }
                }
                for (k, _) in y.get("packages").map(Yaml::entries).unwrap_or(&[]) {
                    let k = k.trim_start_matches('/');
                    let start = usize::from(k.starts_with('@'));
                    if let Some(i) = k[start..].find(['@', '/']) {
                        let (name, ver) = (&k[..start + i], &k[start + i + 1..]);
                        // Peer suffixes: `(react@18)` (v6+) and `_react@18` (v5).
                        let ver = ver.split(['(', '_']).next().unwrap_or(ver);
                        versions
                            .entry(name.to_string())
                            .or_default()
                            .insert(ver.to_string());
                    }
                }
            }
            _ => println!(
                "PARSE {}: old {:?} new {:?}",
                p.display(),
                old.as_ref().err(),
                new.as_ref().err()
            ),
        }
    }
    println!("yaml: {n} files, {same} identical trees");
    if let Some((len, p)) = largest {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let time = |f: &dyn Fn()| {
            let mut t = Vec::new();
            for _ in 0..7 {
                let s = Instant::now();
                f();
                t.push(s.elapsed().as_secs_f64() * 1000.0);
            }
            t.sort_by(f64::total_cmp);
            t[3]
        };
        let to = time(&|| {
            let _ = yaml_old::parse(&text);
        });
        let tn = time(&|| {
            let _ = yaml::parse(&text);
        });
        let gn = time(&|| {
            let _ = crate::monorepo::ecosystems::npm::parse_pnpm_lock(&text);
        });
        println!(
            "largest {} ({len} bytes): yaml median of 7: old {to:.1} ms, new {tn:.1} ms; \
             parse_pnpm_lock (new) {gn:.1} ms",
            p.display()
        );
    }
    // Ranges from manifests against every version of that name in the lockfiles.
    let (mut pairs, mut ranges, mut differ) = (0usize, 0usize, 0usize);
    let mut seen = BTreeSet::new();
    for p in all.iter().filter(|p| p.ends_with("package.json")) {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        for f in [
            "dependencies",
            "devDependencies",
            "peerDependencies",
            "optionalDependencies",
        ] {
            for (name, r) in v.get(f).and_then(|x| x.as_object()).into_iter().flatten() {
                let Some(r) = r.as_str() else { continue };
                if !seen.insert((name.clone(), r.to_string())) {
                    continue;
                }
                ranges += 1;
                for ver in versions.get(name).into_iter().flatten() {
                    pairs += 1;
                    let (o, n) = (semver_old::satisfies(r, ver), semver::satisfies(r, ver));
                    if o != n {
                        differ += 1;
                        println!("SEMVER {name} {r:?} {ver}: old {o:?} new {n:?}");
                    }
                }
            }
        }
    }
    println!("semver: {ranges} distinct (name, range), {pairs} pairs, {differ} differ");
}
