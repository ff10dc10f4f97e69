//! Each period's measures against the period before and against the trailing baseline.
//!
//! A count (landed changes, reverts, releases, authors, long-lived branches) is compared with
//! the previous period's count and with the mean count of the baseline periods. A distribution
//! measure (percentiles, shares) needs a minimum sample on both sides: the baseline's is the
//! pool of all its periods' changes; under the minimum the comparison says "not enough data".

use super::stats::PeriodStats;
use serde::Serialize;

/// Which way is better for a measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Lower,
    Higher,
    /// Neither direction is better by itself (release count, team size).
    Neither,
}

/// A measure reported per period.
pub struct MeasureDef {
    pub id: &'static str,
    /// Human label for the views.
    pub label: &'static str,
    pub better: Better,
    /// The value in a period.
    pub value: fn(&PeriodStats) -> Option<f64>,
    /// The sample the value rests on; None for counts (a count needs no sample).
    pub sample: Option<fn(&PeriodStats) -> usize>,
    pub unit: Unit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Count,
    Seconds,
    Lines,
    Share,
}

fn f(v: Option<u64>) -> Option<f64> {
    v.map(|x| x as f64)
}

/// Every measure of a period, in the order the views show them.
pub const MEASURES: &[MeasureDef] = &[
    MeasureDef {
        id: "landed",
        label: "landed changes",
        better: Better::Higher,
        value: |s| Some(s.landed as f64),
        sample: None,
        unit: Unit::Count,
    },
    MeasureDef {
        id: "lifetime_p50_seconds",
        label: "lifetime p50",
        better: Better::Lower,
        value: |s| s.lifetime.p50_seconds.map(|v| v as f64),
        sample: Some(|s| s.lifetime.known),
        unit: Unit::Seconds,
    },
    MeasureDef {
        id: "lifetime_p90_seconds",
        label: "lifetime p90",
        better: Better::Lower,
        value: |s| s.lifetime.p90_seconds.map(|v| v as f64),
        sample: Some(|s| s.lifetime.known),
        unit: Unit::Seconds,
    },
    MeasureDef {
        id: "size_p50",
        label: "size p50",
        better: Better::Lower,
        value: |s| f(s.size.p50),
        sample: Some(|s| s.size.known),
        unit: Unit::Lines,
    },
    MeasureDef {
        id: "size_p90",
        label: "size p90",
        better: Better::Lower,
        value: |s| f(s.size.p90),
        sample: Some(|s| s.size.known),
        unit: Unit::Lines,
    },
    MeasureDef {
        id: "over_400_share",
        label: "over 400 lines",
        better: Better::Lower,
        value: |s| s.size.over_400_share,
        sample: Some(|s| s.size.known),
        unit: Unit::Share,
    },
    MeasureDef {
        id: "direct_share",
        label: "direct pushes",
        better: Better::Lower,
        value: |s| s.direct_share,
        sample: Some(|s| s.landed),
        unit: Unit::Share,
    },
    MeasureDef {
        id: "reverts",
        label: "reverts",
        better: Better::Lower,
        value: |s| Some(s.reverts as f64),
        sample: None,
        unit: Unit::Count,
    },
    MeasureDef {
        id: "releases",
        label: "release tags",
        better: Better::Neither,
        value: |s| Some(s.releases.len() as f64),
        sample: None,
        unit: Unit::Count,
    },
    MeasureDef {
        id: "active_authors",
        label: "active authors",
        better: Better::Neither,
        value: |s| Some(s.active_authors as f64),
        sample: None,
        unit: Unit::Count,
    },
    MeasureDef {
        id: "long_lived_open",
        label: "long-lived branches open",
        better: Better::Lower,
        value: |s| Some(s.long_lived_open as f64),
        sample: None,
        unit: Unit::Count,
    },
    MeasureDef {
        id: "affected_share",
        label: "mean affected share",
        better: Better::Lower,
        value: |s| s.affected_share,
        sample: Some(|s| s.landed),
        unit: Unit::Share,
    },
    MeasureDef {
        id: "conflict_rate",
        label: "re-merge conflict rate",
        better: Better::Lower,
        value: |s| s.remerge.as_ref().and_then(|r| r.conflict_rate),
        sample: Some(|s| s.remerge.as_ref().map_or(0, |r| r.remerged)),
        unit: Unit::Share,
    },
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
    Flat,
    NotEnoughData,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Better,
    Worse,
    Neutral,
}

/// One comparison: the other side's value, the signed change (this minus that), its direction
/// and whether that is better or worse.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub value: Option<f64>,
    pub change: Option<f64>,
    pub direction: Direction,
    /// null when there is not enough data.
    pub verdict: Option<Verdict>,
}

impl Comparison {
    pub fn not_enough_data(value: Option<f64>) -> Comparison {
        Comparison {
            value,
            change: None,
            direction: Direction::NotEnoughData,
            verdict: None,
        }
    }
}

/// A measure in one period, against the previous period and the baseline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trend {
    pub value: Option<f64>,
    pub previous: Comparison,
    pub baseline: Comparison,
}

/// What a period is compared with.
pub struct Side<'a> {
    pub stats: &'a PeriodStats,
    /// For counts: the mean over the side's periods (the side's stats are then a pool).
    pub mean_of: Option<&'a [PeriodStats]>,
}

fn compare(
    def: &MeasureDef,
    this: &PeriodStats,
    other: Option<&Side>,
    min_sample: usize,
) -> Comparison {
    let Some(other) = other else {
        return Comparison::not_enough_data(None);
    };
    let other_value = match (def.sample, other.mean_of) {
        (None, Some(periods)) if !periods.is_empty() => {
            Some(periods.iter().filter_map(|p| (def.value)(p)).sum::<f64>() / periods.len() as f64)
        }
        _ => (def.value)(other.stats),
    };
    let enough = match def.sample {
        None => true,
        Some(sample) => sample(this) >= min_sample && sample(other.stats) >= min_sample,
    };
    let (Some(a), Some(b), true) = ((def.value)(this), other_value, enough) else {
        return Comparison::not_enough_data(other_value);
    };
    let change = a - b;
    let direction = if change.abs() < 1e-9 {
        Direction::Flat
    } else if change > 0.0 {
        Direction::Up
    } else {
        Direction::Down
    };
    let verdict = match (def.better, direction) {
        (_, Direction::Flat) | (Better::Neither, _) => Verdict::Neutral,
        (Better::Lower, Direction::Down) | (Better::Higher, Direction::Up) => Verdict::Better,
        _ => Verdict::Worse,
    };
    Comparison {
        value: other_value,
        change: Some(change),
        direction,
        verdict: Some(verdict),
    }
}

/// The trend of one measure.
pub fn trend(
    def: &MeasureDef,
    this: &PeriodStats,
    previous: Option<&Side>,
    baseline: Option<&Side>,
    min_sample: usize,
) -> Trend {
    Trend {
        value: (def.value)(this),
        previous: compare(def, this, previous, min_sample),
        baseline: compare(def, this, baseline, min_sample),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(landed: usize, p50: Option<i64>, known: usize) -> PeriodStats {
        let mut s = PeriodStats {
            landed,
            ..PeriodStats::default()
        };
        s.lifetime.p50_seconds = p50;
        s.lifetime.known = known;
        s
    }

    fn def(id: &str) -> &'static MeasureDef {
        MEASURES.iter().find(|m| m.id == id).expect("measure")
    }

    #[test]
    fn counts_compare_with_the_mean_of_the_baseline() {
        let this = with(6, None, 0);
        let base = [with(2, None, 0), with(3, None, 0)];
        let pool = with(5, None, 0);
        let side = Side {
            stats: &pool,
            mean_of: Some(&base),
        };
        let t = trend(def("landed"), &this, None, Some(&side), 5);
        assert_eq!(t.value, Some(6.0));
        assert_eq!(t.baseline.value, Some(2.5));
        assert_eq!(t.baseline.change, Some(3.5));
        assert_eq!(t.baseline.direction, Direction::Up);
        assert_eq!(t.baseline.verdict, Some(Verdict::Better));
        assert_eq!(t.previous.direction, Direction::NotEnoughData);
    }

    #[test]
    fn percentiles_need_the_minimum_sample_on_both_sides() {
        let this = with(5, Some(100), 5);
        let small = with(4, Some(50), 4);
        let big = with(5, Some(150), 5);
        let d = def("lifetime_p50_seconds");
        let prev = Side {
            stats: &small,
            mean_of: None,
        };
        let t = trend(d, &this, Some(&prev), None, 5);
        assert_eq!(t.previous.direction, Direction::NotEnoughData);
        assert_eq!(t.previous.value, Some(50.0));
        assert_eq!(t.previous.change, None);
        let prev = Side {
            stats: &big,
            mean_of: None,
        };
        let t = trend(d, &this, Some(&prev), None, 5);
        assert_eq!(t.previous.change, Some(-50.0));
        assert_eq!(t.previous.verdict, Some(Verdict::Better));
    }
}
