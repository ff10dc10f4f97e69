//! `report --remerge`: per period, how many landed changes were merged again, how many of
//! those conflicted, and the conflict rate. The counts are `analyze --remerge`'s
//! (`history::remerge::metrics` over the period's changes); the views here only lay them out.

use super::stats::PeriodRemerge;
use super::Report;
use crate::render::html::{self as h, Grid};

/// The re-merges of each period: period, re-merged, conflicted, conflict rate (`n/a` where
/// nothing was re-merged), skipped. None without `--remerge`.
pub fn grid(r: &Report) -> Option<Grid> {
    let per: Vec<(&str, &PeriodRemerge)> = r
        .periods
        .iter()
        .filter_map(|p| Some((p.label.as_str(), p.stats.remerge.as_ref()?)))
        .collect();
    if per.is_empty() {
        return None;
    }
    Some(Grid {
        header: [
            "period",
            "re-merged",
            "conflicted",
            "conflict rate",
            "skipped",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: per
            .into_iter()
            .map(|(label, m)| {
                vec![
                    label.to_owned(),
                    m.remerged.to_string(),
                    m.conflicted.to_string(),
                    crate::render::share(m.conflict_rate),
                    m.skipped.to_string(),
                ]
            })
            .collect(),
    })
}

/// The one-line summary under the re-merge table: totals over the reported periods.
pub fn totals(r: &Report) -> Option<String> {
    let per: Vec<&PeriodRemerge> = r
        .periods
        .iter()
        .filter_map(|p| p.stats.remerge.as_ref())
        .collect();
    if per.is_empty() {
        return None;
    }
    let remerged: usize = per.iter().map(|m| m.remerged).sum();
    let conflicted: usize = per.iter().map(|m| m.conflicted).sum();
    let skipped: usize = per.iter().map(|m| m.skipped).sum();
    let rate = (remerged > 0).then(|| conflicted as f64 / remerged as f64);
    Some(format!(
        "Merges and squashes of the reported {}s merged again in memory, as git's default merge \
         would: {conflicted} of {remerged} conflicted ({}); {skipped} skipped.",
        r.period.kind.as_str(),
        crate::render::share(rate)
    ))
}

/// The HTML figure (in "How changes land", after the strategy mix): re-merged changes per
/// period, stacked clean and conflicted, with the table of [`grid`] beside it. Empty without
/// `--remerge`.
pub fn html(r: &Report) -> String {
    let (Some(g), Some(summary)) = (grid(r), totals(r)) else {
        return String::new();
    };
    let labels: Vec<String> = r.periods.iter().map(|p| p.label.clone()).collect();
    let count = |f: fn(&PeriodRemerge) -> usize| -> Vec<f64> {
        r.periods
            .iter()
            .map(|p| p.stats.remerge.as_ref().map_or(0.0, |m| f(m) as f64))
            .collect()
    };
    let series = vec![
        (
            "clean".to_owned(),
            count(|m| m.remerged.saturating_sub(m.conflicted)),
        ),
        ("conflicted".to_owned(), count(|m| m.conflicted)),
    ];
    let title = format!("Re-merges per {}", r.period.kind.as_str());
    let desc = format!(
        "{summary} Each bar is one {}'s re-merged changes, clean and conflicted; the conflict \
         rate is in the table and in the trend above.",
        r.period.kind.as_str()
    );
    let names: Vec<String> = series.iter().map(|(n, _)| n.clone()).collect();
    let svg = h::stacked_chart("remerges", &title, &desc, &labels, &series);
    // Series take the palette in order; conflicted takes the palette's red (the fifth colour),
    // not the second, which the strategy mix above uses for merges.
    let chart = (svg + &h::legend(&names)).replace("class=\"s1\"", "class=\"s4\"");
    h::figure("remerges", &title, &desc, &chart, &g, false)
}
