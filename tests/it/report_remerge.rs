//! `report --remerge` on fixtures/remerge.sh: per ISO week the re-merged changes, the
//! conflicted ones and the conflict rate, known from the fixture's dates (T0 = 2023-11-14
//! 22:13:20 UTC, a Tuesday of 2023-W46), in every view.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// The 11 weeks 2023-W46 .. 2024-W04 hold every landing of the fixture.
fn report(repo: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "report",
        repo.to_str().expect("utf-8"),
        "--until",
        "2024-01-28",
        "--last",
        "11",
        "--baseline",
        "0",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let out = repohealth(&args);
    assert!(
        out.status.success(),
        "report failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn json(repo: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&report(repo, &args)).expect("JSON")
}

/// Week by week, from the landing dates of fixtures/remerge.sh (offsets from T0):
/// W46 clean 3h, content 3d (conflicted); W47 add/add 8d (c); W48 modify/delete 19d (c);
/// W49-W51 nothing; W52 rename/delete 45d (c), binary 46d3h (c); W01 types 49d (c),
/// rename-clean 54d; W02 mode-clean 55d5h, evil 56d6h, conflict-evil 59d (c), criss-base
/// 60d3h; W03 criss 63d, octopus 64d8h (skipped), #21 65d20h (c), #22 67d6h; W04 #23 68d8h
/// (no PR head: not re-merged).
const WEEKS: [(&str, u64, u64, Option<f64>, u64); 11] = [
    ("2023-W46", 2, 1, Some(0.5), 0),
    ("2023-W47", 1, 1, Some(1.0), 0),
    ("2023-W48", 1, 1, Some(1.0), 0),
    ("2023-W49", 0, 0, None, 0),
    ("2023-W50", 0, 0, None, 0),
    ("2023-W51", 0, 0, None, 0),
    ("2023-W52", 2, 2, Some(1.0), 0),
    ("2024-W01", 2, 1, Some(0.5), 0),
    ("2024-W02", 4, 1, Some(0.25), 0),
    ("2024-W03", 3, 1, Some(1.0 / 3.0), 1),
    ("2024-W04", 0, 0, None, 0),
];

#[test]
fn remerges_per_week_are_exact() {
    let (_guard, repo) = build_fixture("remerge");
    let r = json(&repo, &["--remerge"]);
    let periods = r["periods"].as_array().expect("periods");
    assert_eq!(periods.len(), WEEKS.len());
    for (p, (label, remerged, conflicted, rate, skipped)) in periods.iter().zip(WEEKS) {
        assert_eq!(p["label"], label);
        let m = &p["remerge"];
        assert_eq!(m["remerged"], remerged, "{label}");
        assert_eq!(m["conflicted"], conflicted, "{label}");
        assert_eq!(m["conflict_rate"].as_f64(), rate, "{label}");
        assert_eq!(m["skipped"], skipped, "{label}");
        // The same rate is a trend measure; a week with nothing re-merged has none (null).
        assert_eq!(
            p["trend"]["conflict_rate"]["value"].as_f64(),
            rate,
            "{label}"
        );
    }
    assert_eq!(periods[3]["remerge"]["conflict_rate"], Value::Null);
    // 15 re-merged, 8 conflicted, as `analyze --remerge` counts the fixture.
    let sum = |k: &str| -> u64 {
        periods
            .iter()
            .map(|p| p["remerge"][k].as_u64().expect("count"))
            .sum()
    };
    assert_eq!((sum("remerged"), sum("conflicted")), (15, 8));

    // Without --remerge the report has no trace of it.
    let plain = json(&repo, &[]);
    for p in plain["periods"].as_array().expect("periods") {
        assert!(p.get("remerge").is_none());
        assert!(p["trend"].get("conflict_rate").is_none());
    }
}

#[test]
fn remerges_per_week_in_every_view() {
    let (_guard, repo) = build_fixture("remerge");
    let summary = "8 of 15 conflicted (53.3%); 1 skipped.";
    let md = report(&repo, &["--remerge", "--format", "markdown"]);
    assert!(md.contains("## Re-merges"), "{md}");
    assert!(md.contains(summary), "{md}");
    assert!(md.contains("| 2024-W02 | 4 | 1 | 25% | 0 |"), "{md}");
    assert!(md.contains("| 2023-W49 | 0 | 0 | n/a | 0 |"), "{md}");
    assert!(md.contains("| re-merge conflict rate |"), "{md}");
    let table = report(&repo, &["--remerge", "--format", "table"]);
    assert!(table.contains("Re-merges"), "{table}");
    // The totals line is wrapped to 100 columns.
    let flat = table.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(summary), "{table}");
    assert!(
        table.contains("│ 2024-W03 │ 3         │ 1          │ 33.3%"),
        "{table}"
    );
    let html = report(&repo, &["--remerge", "--format", "html"]);
    let fig = &html[html
        .find("<figure id=\"remerges\"")
        .expect("remerge figure")..];
    let fig = &fig[..fig.find("</figure>").expect("end")];
    assert!(fig.contains(summary), "{fig}");
    assert!(
        fig.contains("<td>2023-W52</td><td>2</td><td>2</td><td>100%</td><td>0</td>"),
        "{fig}"
    );
    assert!(html.contains("id=\"measure-conflict_rate\""));
    // ndjson: each change of the weeks with its own re-merge record.
    let nd = report(&repo, &["--remerge", "--format", "ndjson"]);
    let lines: Vec<Value> = nd
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let conflicted = lines
        .iter()
        .filter(|l| l["remerge"]["status"] == "conflicted")
        .count();
    assert_eq!(conflicted, 8);
    let w02 = lines
        .iter()
        .filter(|l| l["period"] == "2024-W02" && !l["remerge"].is_null())
        .count();
    assert_eq!(w02, 4);
    // Without --remerge no view has the section.
    let plain = report(&repo, &["--format", "markdown"]);
    assert!(!plain.contains("Re-merges"));
}
