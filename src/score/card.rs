//! Scorecards: a criterion's score from its measured value, and a model's weighted mean.

use super::criteria::{Metric, Unit};
use super::sources::Source;
use serde::Serialize;

/// A criterion's verdict. `n/a` means not enough evidence: excluded from the weighted mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Partial,
    Fail,
    #[serde(rename = "n/a")]
    NotApplicable,
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Partial => "partial",
            Status::Fail => "fail",
            Status::NotApplicable => "n/a",
        }
    }
}

/// One criterion of one model, measured and scored.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CriterionResult {
    pub id: String,
    pub metric: Metric,
    /// null = n/a.
    pub measured: Option<f64>,
    pub unit: Unit,
    pub target: f64,
    pub failing: f64,
    pub weight: f64,
    /// 0-100, null when n/a.
    pub score: Option<f64>,
    pub status: Status,
    /// The rule, in the project's words.
    pub rule: String,
    /// The public source the rule follows.
    pub source: Source,
    /// Numbers and examples behind the measured value (or why it is n/a).
    pub evidence: String,
}

/// A model's scorecard.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scorecard {
    /// Weighted mean of the scored criteria, 0-100; null when nothing was scorable.
    pub score: Option<f64>,
    /// Share of the total weight whose criteria had evidence (0-1).
    pub coverage: f64,
    pub criteria: Vec<CriterionResult>,
}

/// 100 at or past `target`, 0 at or past `failing`, linear between. Works in both directions:
/// `target < failing` means lower is better. A degenerate `target == failing` is a step:
/// 100 when `measured <= target`.
pub fn criterion_score(measured: f64, target: f64, failing: f64) -> f64 {
    if target == failing {
        return if measured <= target { 100.0 } else { 0.0 };
    }
    let s = if target < failing {
        (failing - measured) / (failing - target)
    } else {
        (measured - failing) / (target - failing)
    };
    (s.clamp(0.0, 1.0)) * 100.0
}

/// Status of a score: pass at 100, fail at 0, partial between.
pub fn status_of(score: Option<f64>) -> Status {
    match score {
        None => Status::NotApplicable,
        Some(s) if s >= 100.0 => Status::Pass,
        Some(s) if s <= 0.0 => Status::Fail,
        Some(_) => Status::Partial,
    }
}

/// Round to `d` decimals (for stable JSON).
pub(crate) fn round(v: f64, d: i32) -> f64 {
    let f = 10f64.powi(d);
    (v * f).round() / f
}

/// Weighted mean over the criteria that have a score; coverage = their weight / total weight.
pub fn scorecard(criteria: Vec<CriterionResult>) -> Scorecard {
    let total: f64 = criteria.iter().map(|c| c.weight).sum();
    let (mut wsum, mut ssum) = (0.0, 0.0);
    for c in &criteria {
        if let Some(s) = c.score {
            wsum += c.weight;
            ssum += c.weight * s;
        }
    }
    Scorecard {
        score: (wsum > 0.0).then(|| round(ssum / wsum, 1)),
        coverage: if total > 0.0 {
            round(wsum / total, 3)
        } else {
            0.0
        },
        criteria,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(score: Option<f64>, weight: f64) -> CriterionResult {
        CriterionResult {
            id: "x".into(),
            metric: Metric::CiConfig,
            measured: score,
            unit: Unit::Count,
            target: 0.0,
            failing: 1.0,
            weight,
            score,
            status: status_of(score),
            rule: String::new(),
            source: crate::score::sources::DORA_METRICS,
            evidence: String::new(),
        }
    }

    #[test]
    fn lower_is_better_boundaries() {
        // target 1 day, failing 7 days
        assert_eq!(criterion_score(1.0, 1.0, 7.0), 100.0); // exactly at target
        assert_eq!(criterion_score(7.0, 1.0, 7.0), 0.0); // exactly at failing
        assert_eq!(criterion_score(4.0, 1.0, 7.0), 50.0); // midpoint
        assert_eq!(criterion_score(0.0, 1.0, 7.0), 100.0); // beyond target
        assert_eq!(criterion_score(-5.0, 1.0, 7.0), 100.0);
        assert_eq!(criterion_score(30.0, 1.0, 7.0), 0.0); // beyond failing
        assert!((criterion_score(2.5, 1.0, 7.0) - 75.0).abs() < 1e-9);
    }

    #[test]
    fn higher_is_better_boundaries() {
        // target 2 landings/day, failing 0.2
        assert_eq!(criterion_score(2.0, 2.0, 0.2), 100.0);
        assert_eq!(criterion_score(0.2, 2.0, 0.2), 0.0);
        assert!((criterion_score(1.1, 2.0, 0.2) - 50.0).abs() < 1e-9);
        assert_eq!(criterion_score(9.0, 2.0, 0.2), 100.0);
        assert_eq!(criterion_score(0.0, 2.0, 0.2), 0.0);
        // a 0/1 flag
        assert_eq!(criterion_score(1.0, 1.0, 0.0), 100.0);
        assert_eq!(criterion_score(0.0, 1.0, 0.0), 0.0);
        assert_eq!(criterion_score(0.75, 1.0, 0.5), 50.0);
    }

    #[test]
    fn degenerate_target_equals_failing_is_a_step() {
        assert_eq!(criterion_score(3.0, 3.0, 3.0), 100.0);
        assert_eq!(criterion_score(3.1, 3.0, 3.0), 0.0);
    }

    #[test]
    fn statuses() {
        assert_eq!(status_of(Some(100.0)), Status::Pass);
        assert_eq!(status_of(Some(0.0)), Status::Fail);
        assert_eq!(status_of(Some(0.1)), Status::Partial);
        assert_eq!(status_of(Some(99.9)), Status::Partial);
        assert_eq!(status_of(None), Status::NotApplicable);
        assert_eq!(
            serde_json::to_string(&Status::NotApplicable).unwrap(),
            "\"n/a\""
        );
        assert_eq!(
            serde_json::to_string(&Status::Partial).unwrap(),
            "\"partial\""
        );
    }

    #[test]
    fn weighted_mean_and_coverage() {
        let card = scorecard(vec![
            result(Some(100.0), 3.0),
            result(Some(0.0), 1.0),
            result(None, 4.0),
        ]);
        assert_eq!(card.score, Some(75.0));
        assert_eq!(card.coverage, 0.5);
    }

    #[test]
    fn all_na_gives_null_score_and_zero_coverage() {
        let card = scorecard(vec![result(None, 3.0), result(None, 1.0)]);
        assert_eq!(card.score, None);
        assert_eq!(card.coverage, 0.0);
        let empty = scorecard(vec![]);
        assert_eq!(empty.score, None);
        assert_eq!(empty.coverage, 0.0);
    }

    #[test]
    fn zero_weight_criteria_do_not_count() {
        let card = scorecard(vec![result(Some(0.0), 0.0), result(Some(80.0), 2.0)]);
        assert_eq!(card.score, Some(80.0));
        assert_eq!(card.coverage, 1.0);
    }
}
