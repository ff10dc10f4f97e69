//! `repohealth report` on fixtures/weekly.sh: exact per-week values and deltas known from the
//! construction, weekly counts equal to `analyze` and to git bucketed the same way, and
//! byte-identical output run after run.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;
/// Monday 2024-01-01 00:00 UTC.
const W1: i64 = 1_704_067_200;
const WEEK: i64 = 7 * 86_400;

fn report(repo: &Path, extra: &[&str]) -> (Vec<u8>, std::process::Output) {
    let mut args = vec![
        "report",
        repo.to_str().expect("utf-8"),
        "--until",
        "2024-02-04",
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
    (out.stdout.clone(), out)
}

fn json(repo: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_slice(&report(repo, &args).0).expect("JSON")
}

fn col(r: &Value, f: impl Fn(&Value) -> Value) -> Vec<Value> {
    r["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .map(f)
        .collect()
}

fn num(v: f64) -> Value {
    serde_json::json!(v)
}

#[test]
fn weekly_values_are_exact() {
    let (_g, repo) = build_fixture("weekly");
    let r = json(&repo, &["--last", "3", "--baseline", "2"]);
    assert_eq!(r["period"]["kind"], "week");
    assert_eq!(r["period"]["tz"], "UTC");
    assert_eq!(
        col(&r, |p| p["label"].clone()),
        ["2024-W03", "2024-W04", "2024-W05"]
    );
    assert_eq!(
        col(&r, |p| p["start"].clone()),
        [
            "2024-01-15T00:00:00Z",
            "2024-01-22T00:00:00Z",
            "2024-01-29T00:00:00Z"
        ]
    );
    assert_eq!(col(&r, |p| p["end"].clone())[2], "2024-02-05T00:00:00Z");
    assert_eq!(r["window"]["since"], "2024-01-01T00:00:00Z");
    assert_eq!(r["window"]["until"], "2024-02-04T23:59:59Z");

    assert_eq!(col(&r, |p| p["landed"].clone()), [5, 6, 2]);
    assert_eq!(col(&r, |p| p["lifetime"]["known"].clone()), [5, 6, 2]);
    assert_eq!(
        col(&r, |p| p["lifetime"]["p50_seconds"].clone()),
        [3 * 3600, 86_400, 0]
    );
    assert_eq!(
        col(&r, |p| p["lifetime"]["p90_seconds"].clone()),
        [5 * 3600, 4 * 86_400, 29 * 86_400]
    );
    assert_eq!(col(&r, |p| p["size"]["p50"].clone()), [30, 100, 3]);
    assert_eq!(col(&r, |p| p["size"]["p90"].clone()), [50, 450, 1000]);
    assert_eq!(col(&r, |p| p["size"]["over_400"].clone()), [0, 1, 1]);
    assert_eq!(
        col(&r, |p| p["size"]["over_400_share"].clone()),
        [num(0.0), num(1.0 / 6.0), num(0.5)]
    );
    assert_eq!(
        col(&r, |p| p["direct_share"].clone()),
        [num(0.0), num(2.0 / 6.0), num(0.5)]
    );
    assert_eq!(col(&r, |p| p["strategy_mix"]["merge"].clone()), [5, 4, 1]);
    assert_eq!(col(&r, |p| p["reverts"].clone()), [0, 1, 0]);
    assert_eq!(
        col(&r, |p| p["releases"].clone()),
        [
            serde_json::json!(["v1.0.0"]),
            serde_json::json!([]),
            serde_json::json!(["v1.1.0"])
        ]
    );
    assert_eq!(col(&r, |p| p["active_authors"].clone()), [4, 5, 2]);
    // feature/long (first commit Jan 1 09:00) is 21+ days old at the end of W4 and lands in
    // W5; feature/parked (Jan 10 10:00) is 21+ days old at the end of W5.
    assert_eq!(col(&r, |p| p["long_lived_open"].clone()), [0, 1, 1]);
    assert!(r["periods"][0]
        .get("affected_share")
        .is_some_and(Value::is_null));
    assert!(
        r["periods"][0]["trend"].get("affected_share").is_none(),
        "not a monorepo"
    );
}

#[test]
fn weekly_deltas_against_previous_and_baseline() {
    let (_g, repo) = build_fixture("weekly");
    let r = json(&repo, &["--last", "3", "--baseline", "2"]);
    let t = |i: usize, m: &str| r["periods"][i]["trend"][m].clone();
    // W3 against W2 (3 landed) and the mean of W1, W2 (2 and 3).
    assert_eq!(t(0, "landed")["previous"]["value"], num(3.0));
    assert_eq!(t(0, "landed")["previous"]["change"], num(2.0));
    assert_eq!(t(0, "landed")["previous"]["direction"], "up");
    assert_eq!(t(0, "landed")["previous"]["verdict"], "better");
    assert_eq!(t(0, "landed")["baseline"]["value"], num(2.5));
    assert_eq!(t(0, "landed")["baseline"]["change"], num(2.5));
    // W2 has 3 lifetimes (< 5): not enough data. The W1+W2 pool has 5: [0, 2h, 4h, 6h, 1d].
    assert_eq!(
        t(0, "lifetime_p50_seconds")["previous"]["direction"],
        "not_enough_data"
    );
    assert_eq!(
        t(0, "lifetime_p50_seconds")["previous"]["change"],
        Value::Null
    );
    assert_eq!(
        t(0, "lifetime_p50_seconds")["baseline"]["value"],
        num(4.0 * HOUR)
    );
    assert_eq!(
        t(0, "lifetime_p50_seconds")["baseline"]["change"],
        num(-HOUR)
    );
    assert_eq!(
        t(0, "lifetime_p50_seconds")["baseline"]["verdict"],
        "better"
    );
    // W4 against W3 and the W2+W3 pool [0, 1h, 2h, 3h, 4h, 5h, 6h, 1d].
    assert_eq!(
        t(1, "lifetime_p50_seconds")["previous"]["change"],
        num(DAY - 3.0 * HOUR)
    );
    assert_eq!(t(1, "lifetime_p50_seconds")["previous"]["verdict"], "worse");
    assert_eq!(
        t(1, "lifetime_p50_seconds")["baseline"]["value"],
        num(3.0 * HOUR)
    );
    assert_eq!(t(1, "lifetime_p90_seconds")["baseline"]["value"], num(DAY));
    assert_eq!(
        t(1, "lifetime_p90_seconds")["baseline"]["change"],
        num(3.0 * DAY)
    );
    assert_eq!(t(1, "size_p50")["previous"]["change"], num(70.0));
    assert_eq!(t(1, "reverts")["previous"]["change"], num(1.0));
    assert_eq!(t(1, "reverts")["previous"]["verdict"], "worse");
    assert_eq!(t(1, "landed")["baseline"]["value"], num(4.0));
    assert_eq!(t(1, "releases")["previous"]["verdict"], "neutral");
    // W5: 2 changes, under the minimum sample for every percentile and share.
    for m in [
        "lifetime_p50_seconds",
        "lifetime_p90_seconds",
        "size_p50",
        "size_p90",
        "over_400_share",
        "direct_share",
    ] {
        assert_eq!(t(2, m)["previous"]["direction"], "not_enough_data", "{m}");
        assert_eq!(t(2, m)["baseline"]["direction"], "not_enough_data", "{m}");
    }
    assert_eq!(t(2, "landed")["previous"]["change"], num(-4.0));
    assert_eq!(t(2, "landed")["baseline"]["value"], num(5.5));
    assert_eq!(t(2, "long_lived_open")["previous"]["direction"], "flat");
    assert_eq!(t(2, "long_lived_open")["baseline"]["change"], num(0.5));
    assert_eq!(t(2, "long_lived_open")["baseline"]["verdict"], "worse");
    // --min-sample 2 makes W5 comparable.
    let r2 = json(
        &repo,
        &["--last", "3", "--baseline", "2", "--min-sample", "2"],
    );
    assert_eq!(
        r2["periods"][2]["trend"]["size_p90"]["previous"]["change"],
        num(550.0)
    );
}

#[test]
fn notable_changes_teams_and_drift() {
    let (_g, repo) = build_fixture("weekly");
    let r = json(&repo, &["--last", "3", "--baseline", "2"]);
    let n = &r["notable"];
    assert_eq!(n["longest_lived"][0]["pr"], 20);
    assert_eq!(n["longest_lived"][0]["lifetime_seconds"], 29 * 86_400);
    assert_eq!(
        n["longest_lived"].as_array().map(Vec::len),
        Some(1),
        "direct pushes lived 0 s"
    );
    assert_eq!(n["largest"][0]["size"], 1000);
    assert!(
        n["largest"][0].get("author").is_none(),
        "no names without --by author"
    );
    assert_eq!(n["reverts"].as_array().map(Vec::len), Some(0));
    let b = &r["breakdowns"];
    assert_eq!(b["teams_source"], "CODEOWNERS");
    let team = |name: &str| {
        b["teams"]
            .as_array()
            .expect("teams")
            .iter()
            .find(|t| t["name"] == name)
            .cloned()
            .expect(name)
    };
    // src/web: PR 6, 8 (W3), 10-13 (W4); src/api: PR 5, 7, 9 (W3), the revert of 9 (W4), PR 20 (W5).
    assert_eq!(team("@acme/web")["landed"], serde_json::json!([2, 4, 0]));
    assert_eq!(team("@acme/api")["landed"], serde_json::json!([3, 1, 1]));
    assert_eq!(team("@acme/docs")["landed"], serde_json::json!([0, 1, 1]));
    assert_eq!(team("@acme/web")["total"]["size_p50"], 100);
    assert_eq!(b["teams_unowned"], 0);
    assert!(b.get("authors").is_none());
    let drift = r["drift"].as_array().expect("drift");
    assert_eq!(drift.len(), 3);
    for d in drift {
        let (f, l) = (d["first"].as_f64(), d["last"].as_f64());
        if let (Some(f), Some(l)) = (f, l) {
            assert!((d["change"].as_f64().expect("change") - (l - f)).abs() < 1e-9);
        }
    }
    let by = json(&repo, &["--last", "3", "--baseline", "2", "--by", "author"]);
    let authors = by["breakdowns"]["authors"].as_array().expect("authors");
    let alice = authors
        .iter()
        .find(|a| a["name"] == "Alice Anders")
        .expect("alice");
    assert_eq!(alice["landed"], serde_json::json!([2, 1, 1]));
    assert_eq!(by["notable"]["largest"][0]["author"], "Dave Diaz");
}

#[test]
fn weekly_counts_equal_analyze_and_git_bucketed_the_same_way() {
    let (_g, repo) = build_fixture("weekly");
    let r = json(&repo, &["--last", "5", "--baseline", "0"]);
    let landed: Vec<i64> = col(&r, |p| p["landed"].clone())
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    assert_eq!(landed, [2, 3, 5, 6, 2]);
    let bucket = |times: &[i64]| {
        let mut v = vec![0i64; 5];
        for t in times {
            let w = (t - W1).div_euclid(WEEK);
            if (0..5).contains(&w) {
                v[w as usize] += 1;
            }
        }
        v
    };
    let a = analyze_json(&repo, Some(W1 + 5 * WEEK - 1), &[]);
    let times: Vec<i64> = a["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            chrono::DateTime::parse_from_rfc3339(c["landed_at"].as_str().expect("time"))
                .expect("rfc3339")
                .timestamp()
        })
        .collect();
    assert_eq!(bucket(&times), landed);
    // Every first-parent commit here is one landed change (no rebase runs).
    let out = git(&repo, &["log", "--first-parent", "--format=%ct", "main"]);
    let git_times: Vec<i64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.parse().ok())
        .collect();
    assert_eq!(bucket(&git_times), landed);
}

#[test]
fn output_is_byte_identical_and_matches_the_snapshot() {
    let (_g, repo) = build_fixture("weekly");
    let args = ["--last", "3", "--baseline", "2", "--format", "markdown"];
    let first = report(&repo, &args).0;
    let second = report(&repo, &args).0;
    assert_eq!(first, second, "markdown differs between runs");
    let j1 = report(&repo, &["--format", "json"]).0;
    let j2 = report(&repo, &["--format", "json"]).0;
    assert_eq!(j1, j2, "JSON differs between runs");
    let text = String::from_utf8(first)
        .expect("utf-8")
        .replace(repo.to_str().expect("utf-8"), "<repo>");
    let snap = root().join("fixtures").join("weekly.report.md");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snap, &text).expect("write snapshot");
    }
    let want = std::fs::read_to_string(&snap)
        .expect("fixtures/weekly.report.md (UPDATE_SNAPSHOTS=1 writes it)");
    assert_eq!(
        text, want,
        "markdown differs from fixtures/weekly.report.md"
    );
}

#[test]
fn bad_report_options_are_usage_errors() {
    let (_g, repo) = build_fixture("weekly");
    let p = repo.to_str().expect("utf-8");
    for args in [
        vec!["report", p, "--tz", "Mars/Olympus"],
        vec!["report", p, "--last", "0"],
        vec!["report", p, "--until", "yesterday-ish"],
    ] {
        let out = repohealth(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
    let out = repohealth(&["report", p, "--tz", "Mars/Olympus"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Mars/Olympus"));
}

/// Screenshot `html` in headless Chromium; None (with a message) when Chromium is absent.
fn screenshot(html: &Path) -> Option<Vec<u8>> {
    let Some(browser) = ["chromium", "chromium-browser"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        eprintln!("SKIPPED: chromium is not installed (apt-get install chromium); the HTML was checked but not rendered");
        return None;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let png = dir.path().join("shot.png");
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1280,2000")
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("run chromium");
    assert!(
        png.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(std::fs::read(png).expect("read screenshot"))
}

/// Share of pixels that differ from the top-left (background) pixel.
fn ink(png_bytes: &[u8]) -> f64 {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let bpp = info.line_size / info.width as usize;
    let px: Vec<&[u8]> = buf[..info.buffer_size()].chunks(bpp).collect();
    let bg = px[0];
    px.iter().filter(|p| **p != bg).count() as f64 / px.len() as f64
}

fn check_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Nothing that loads or links out: citations name their URL as plain text only.
    for banned in [
        "<script", "src=", "href=", "<link", "<iframe", "@import", "url(",
    ] {
        assert!(!html.contains(banned), "the page holds {banned}");
    }
    assert!(html.contains("prefers-color-scheme: dark"));
    assert!(html.contains("@media print"));
    let svgs = html.matches("<svg ").count();
    assert!(svgs > 0);
    assert_eq!(
        html.matches("<title id=").count(),
        svgs,
        "every chart has a title"
    );
    assert_eq!(
        html.matches("<desc id=").count(),
        svgs,
        "every chart has a description"
    );
    assert_eq!(
        html.matches("<figure").count(),
        svgs,
        "every chart sits in a figure with its table"
    );
    assert!(
        html.matches("<table>").count() >= svgs,
        "every chart has its numbers in a table"
    );
}

#[test]
fn html_report_and_analyze_render_in_a_browser() {
    let (_g, repo) = build_fixture("weekly");
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("report.html");
    let p = page.to_str().expect("utf-8");
    report(
        &repo,
        &[
            "--last",
            "5",
            "--baseline",
            "2",
            "--format",
            "html",
            "-o",
            p,
        ],
    );
    let html = std::fs::read_to_string(&page).expect("report.html");
    check_self_contained(&html);
    assert!(html.contains("landed changes per week"));
    assert!(html.contains("Scorecard drift"));
    assert!(html.contains("@acme/web"));
    let analyzed = dir.path().join("analyze.html");
    let out = repohealth(&[
        "analyze",
        repo.to_str().expect("utf-8"),
        "--since",
        "all",
        "--until",
        "2024-02-04",
        "--format",
        "html",
        "-o",
        analyzed.to_str().expect("utf-8"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a = std::fs::read_to_string(&analyzed).expect("analyze.html");
    check_self_contained(&a);
    assert!(a.contains("Lifetime histogram") && a.contains("Landed changes per week"));
    for file in [&page, &analyzed] {
        if let Some(shot) = screenshot(file) {
            let share = ink(&shot);
            assert!(
                share > 0.02,
                "{}: the page looks blank ({share:.4} of pixels drawn)",
                file.display()
            );
        }
    }
}

#[test]
fn ndjson_has_one_line_per_change_with_repository_and_schema() {
    let (_g, repo) = build_fixture("weekly");
    let p = repo.to_str().expect("utf-8");
    let out = repohealth(&[
        "analyze",
        p,
        "--since",
        "all",
        "--until",
        "2024-02-04",
        "--format",
        "ndjson",
        "--name",
        "shop",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    // 18 landings in W1-W5 and the initial commit.
    assert_eq!(lines.len(), 19);
    for l in &lines {
        assert_eq!(l["schema_version"], repohealth::model::SCHEMA_VERSION);
        assert_eq!(l["repository"], "shop");
        assert_eq!(l["trunk"], "main");
        assert!(l["commit"].as_str().is_some_and(|c| c.len() == 40));
    }
    let landed: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["landed_at"].as_str())
        .collect();
    assert!(landed.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    let (r, _) = report(
        &repo,
        &["--last", "3", "--baseline", "2", "--format", "ndjson"],
    );
    let rl: Vec<Value> = String::from_utf8(r)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let count = |w: &str| rl.iter().filter(|l| l["period"] == w).count();
    assert_eq!(
        (count("2024-W03"), count("2024-W04"), count("2024-W05")),
        (5, 6, 2)
    );
    assert_eq!(rl.len(), 13);
    assert_eq!(
        rl[0]["repository"], "weekly",
        "the directory's name without an origin"
    );
    assert_eq!(rl[0]["period_start"], "2024-01-15T00:00:00Z");
}

#[test]
fn completions_and_man_page_come_from_the_options() {
    let out = repohealth(&["completions", "bash"]);
    assert!(out.status.success());
    let bash = String::from_utf8_lossy(&out.stdout);
    assert!(
        bash.contains("_repohealth()") && bash.contains("--min-sample") && bash.contains("report")
    );
    let out = repohealth(&["completions", "zsh"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("#compdef repohealth"));
    let out = repohealth(&["man"]);
    assert!(out.status.success());
    let man = String::from_utf8_lossy(&out.stdout);
    assert!(
        man.starts_with(".ie") || man.contains(".TH repohealth"),
        "{}",
        &man[..200.min(man.len())]
    );
    for sub in ["analyze", "report", "affected", "graph", "audit"] {
        assert!(
            man.contains(&format!(".TH repohealth-{sub}")),
            "man page for {sub}"
        );
    }
    assert!(man.contains("\\-\\-baseline"));
    let out = repohealth(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A window longer than two years is charted by month, across the whole window (not its last
/// two, empty, years). The weekly fixture lands 1 change in December 2023 (the initial commit)
/// and 18 in January 2024 (W1 2, W2 3, W3 5, W4 6, and PR 20 plus a direct push on 30-31 Jan).
#[test]
fn analyze_html_trend_switches_to_months_over_long_windows() {
    let (_g, repo) = build_fixture("weekly");
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("analyze.html");
    let out = repohealth(&[
        "analyze",
        repo.to_str().expect("utf-8"),
        "--since",
        "2021-01-01",
        "--until",
        "2024-02-04",
        "--format",
        "html",
        "-o",
        page.to_str().expect("utf-8"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&page).expect("analyze.html");
    let trend = &html[html.find("id=\"weekly-trend\"").expect("trend figure")..];
    let trend = &trend[..trend.find("</figure>").expect("figure end")];
    assert!(trend.contains("<figcaption>Landed changes per month</figcaption>"));
    assert!(
        trend.contains("(38 months;"),
        "2021-01 .. 2024-02 is 38 months"
    );
    let rows: Vec<(String, String)> = trend
        .split("<tr>")
        .skip(2)
        .map(|r| {
            let cells: Vec<&str> = r
                .split("<td")
                .skip(1)
                .map(|c| {
                    let c = &c[c.find('>').expect("td") + 1..];
                    &c[..c.find("</td>").expect("td end")]
                })
                .collect();
            (cells[0].to_owned(), cells[1].to_owned())
        })
        .collect();
    assert_eq!(
        rows[..3],
        [
            ("2024-02".to_owned(), "0".to_owned()),
            ("2024-01".to_owned(), "18".to_owned()),
            ("2023-12".to_owned(), "1".to_owned()),
        ]
    );
    assert_eq!(rows.len(), 12, "the table lists the newest 12 months");
}
