//! Calendar periods: ISO weeks (Monday 00:00), days or months, in UTC or an IANA time zone.
//! A period is the half-open interval `[start, end)`; only complete periods are reported.

use crate::model::Timestamp;
use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone};
use chrono_tz::Tz;
use serde::Serialize;

/// The length of a reporting period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    Day,
    Week,
    Month,
}

impl PeriodKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            PeriodKind::Day => "day",
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
        }
    }
}

/// One period: `[start, end)` in seconds, and a label (`2024-W03`, `2024-01-15`, `2024-01`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: Timestamp,
    pub end: Timestamp,
    pub label: String,
}

/// Local midnight of `date` in `tz`. A zone that skips midnight (a DST change at 00:00) starts
/// the day at the first instant that exists.
fn midnight(tz: &Tz, date: NaiveDate) -> Timestamp {
    let naive = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.timestamp(),
        LocalResult::Ambiguous(a, _) => a.timestamp(),
        LocalResult::None => {
            // The gap is at most a few hours: the first whole minute after it.
            (1..=24 * 60)
                .find_map(|m| {
                    tz.from_local_datetime(&(naive + Duration::minutes(m)))
                        .earliest()
                })
                .map(|t| t.timestamp())
                .unwrap_or_else(|| naive.and_utc().timestamp())
        }
    }
}

fn local_date(tz: &Tz, t: Timestamp) -> NaiveDate {
    DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .with_timezone(tz)
        .date_naive()
}

/// The first day of the period holding `date`.
fn period_first_day(kind: PeriodKind, date: NaiveDate) -> NaiveDate {
    match kind {
        PeriodKind::Day => date,
        PeriodKind::Week => date - Duration::days(date.weekday().num_days_from_monday() as i64),
        PeriodKind::Month => date.with_day(1).unwrap_or(date),
    }
}

fn prev_first_day(kind: PeriodKind, first: NaiveDate) -> NaiveDate {
    match kind {
        PeriodKind::Day => first - Duration::days(1),
        PeriodKind::Week => first - Duration::days(7),
        PeriodKind::Month => first
            .checked_sub_months(chrono::Months::new(1))
            .unwrap_or(first - Duration::days(28)),
    }
}

fn label(kind: PeriodKind, first: NaiveDate) -> String {
    match kind {
        PeriodKind::Day => first.format("%Y-%m-%d").to_string(),
        PeriodKind::Week => {
            let w = first.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
        PeriodKind::Month => first.format("%Y-%m").to_string(),
    }
}

/// The `count` complete periods that end at or before `until` (inclusive, in seconds), oldest
/// first. The last one ends at the start of the period holding `until + 1s`: with `until` at
/// Sunday 23:59:59 the week that ends then is complete and is the last one.
pub fn complete_periods(kind: PeriodKind, tz: &Tz, until: Timestamp, count: usize) -> Vec<Span> {
    let end_day = period_first_day(kind, local_date(tz, until.saturating_add(1)));
    let mut firsts = vec![end_day];
    for _ in 0..count {
        let prev = prev_first_day(kind, *firsts.last().unwrap_or(&end_day));
        firsts.push(prev);
    }
    firsts.reverse();
    firsts
        .windows(2)
        .map(|w| Span {
            start: midnight(tz, w[0]),
            end: midnight(tz, w[1]),
            label: label(kind, w[0]),
        })
        .collect()
}

/// The start of the period holding `now`: the default end of the report.
pub fn current_period_start(kind: PeriodKind, tz: &Tz, now: Timestamp) -> Timestamp {
    midnight(tz, period_first_day(kind, local_date(tz, now)))
}

/// Parse an IANA zone name (`Europe/Berlin`) or `UTC`.
pub fn parse_tz(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| {
        format!("unknown time zone '{name}': use an IANA name such as UTC or Europe/Berlin")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MON_2024_01_15: Timestamp = 1_705_276_800; // 2024-01-15T00:00:00Z

    #[test]
    fn iso_weeks_in_utc_end_before_the_week_holding_until() {
        let utc: Tz = "UTC".parse().expect("utc");
        // Wednesday 2024-01-24 12:00: the last complete week is W03 (Jan 15-22).
        let p = complete_periods(
            PeriodKind::Week,
            &utc,
            MON_2024_01_15 + 9 * 86_400 + 43_200,
            2,
        );
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].label, "2024-W02");
        assert_eq!(p[1].label, "2024-W03");
        assert_eq!(p[1].start, MON_2024_01_15);
        assert_eq!(p[1].end, MON_2024_01_15 + 7 * 86_400);
        assert_eq!(p[0].end, p[1].start);
        // Sunday 23:59:59 completes its week.
        let q = complete_periods(PeriodKind::Week, &utc, MON_2024_01_15 + 7 * 86_400 - 1, 1);
        assert_eq!(q[0].label, "2024-W03");
    }

    #[test]
    fn weeks_in_a_zone_start_at_local_midnight_across_dst() {
        let berlin: Tz = "Europe/Berlin".parse().expect("zone");
        // 2024-03-31 is the spring-forward Sunday in Berlin: W13 is 167 hours long.
        let until = 1_711_922_400; // 2024-04-01T00:00:00+02:00 = 2024-03-31T22:00:00Z
        let p = complete_periods(PeriodKind::Week, &berlin, until - 1, 2);
        assert_eq!(p[1].label, "2024-W13");
        assert_eq!(p[1].start, 1_711_321_200); // 2024-03-25T00:00:00+01:00
        assert_eq!(p[1].end, until);
        assert_eq!(p[1].end - p[1].start, 167 * 3600);
        assert_eq!(p[0].end - p[0].start, 168 * 3600);
    }

    #[test]
    fn months_and_days() {
        let utc: Tz = "UTC".parse().expect("utc");
        let p = complete_periods(PeriodKind::Month, &utc, 1_709_294_400, 2); // 2024-03-01T12:00Z
        assert_eq!(p[0].label, "2024-01");
        assert_eq!(p[1].label, "2024-02");
        assert_eq!(p[1].end - p[1].start, 29 * 86_400); // a leap year's February
        let d = complete_periods(PeriodKind::Day, &utc, MON_2024_01_15 + 100, 1);
        assert_eq!(d[0].label, "2024-01-14");
        assert_eq!(
            current_period_start(PeriodKind::Week, &utc, MON_2024_01_15 + 5 * 86_400),
            MON_2024_01_15
        );
        assert!(parse_tz("Mars/Olympus").is_err());
    }
}
