//! npm version ranges as node-semver reads them (rule 28), through the `nodejs-semver` crate:
//! `^ ~ >= > <= < =`, exact versions, `*`/`x` ranges, hyphen ranges, `||` and the prerelease
//! rule. Anything it cannot parse does not satisfy: a missed edge is reported by the caller's
//! fallbacks, a wrong edge would silently widen every result.

use std::cmp::Ordering;

/// A version as node-semver orders it (`v` and `=` prefixes accepted, build metadata ignored).
#[derive(Debug, Clone)]
pub struct Version(nodejs_semver::Version);

impl PartialEq for Version {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Version {
    /// node-semver's strict reading: the crate also accepts trailing text (`1.2.3_x`), which
    /// `semver.valid` rejects, so anything beyond the version's own characters is refused.
    /// Empty identifiers (`1.2.3-rc.`, `1.2.3+b.`) are refused too: the crate accepts them
    /// as versions but not inside ranges, and node-semver accepts neither.
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim();
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '='))
        {
            return None;
        }
        let (rest, build) = match s.split_once('+') {
            Some((r, b)) => (r, Some(b)),
            None => (s, None),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (rest, None),
        };
        let core = core.trim_start_matches(['v', '=']);
        if core.split('.').count() != 3
            || !core
                .split('.')
                .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        {
            return None;
        }
        let ids_ok = |ids: &str| {
            ids.split('.').all(|id| {
                !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
        };
        if ![pre, build].into_iter().flatten().all(ids_ok) {
            return None;
        }
        nodejs_semver::Version::parse(s).ok().map(Version)
    }
}

impl Ord for Version {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.cmp(&o.0)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Whether `version` satisfies `range` (node-semver semantics: a prerelease satisfies only a
/// range with a comparator naming the same `major.minor.patch` with a prerelease). `None` when
/// the range is not a semver range (a tag, a URL, a git spec, a protocol such as
/// `workspace:`) or the version is not a version.
pub fn satisfies(range: &str, version: &str) -> Option<bool> {
    let v = Version::parse(version)?;
    let range = range.trim();
    if range == "latest" || range.contains(':') || range.contains('/') {
        return None;
    }
    let r = nodejs_semver::Range::parse(range).ok()?;
    Some(r.satisfies(&v.0))
}

#[cfg(test)]
mod tests {
    use super::{satisfies, Version};

    #[test]
    fn ranges() {
        let yes = [
            ("^1.2.3", "1.9.0"),
            ("^0.2.3", "0.2.9"),
            ("^0.0.3", "0.0.3"),
            ("~1.2.3", "1.2.9"),
            ("~1.2", "1.2.0"),
            (">=1.0.0 <2", "1.5.0"),
            (">= 1.0.0", "3.0.0"),
            ("1.2.3", "1.2.3"),
            ("=1.2.3", "1.2.3"),
            ("*", "4.0.0"),
            ("", "4.0.0"),
            ("1.x", "1.4.0"),
            ("1.2.*", "1.2.7"),
            ("1", "1.0.1"),
            ("1.0.0 - 2.0", "2.0.5"),
            ("^2 || ^1.0.0", "1.3.0"),
            ("^1.0.0-beta.1", "1.0.0-beta.2"),
            ("<=1.2", "1.2.9"),
        ];
        for (r, v) in yes {
            assert_eq!(satisfies(r, v), Some(true), "{r} {v}");
        }
        let no = [
            ("^1.2.3", "2.0.0"),
            ("^0.2.3", "0.3.0"),
            ("^0.0.3", "0.0.4"),
            ("~1.2.3", "1.3.0"),
            (">1.2.3", "1.2.3"),
            ("<1.0.0", "1.0.0"),
            ("1.2.3", "1.2.4"),
            ("1.x", "2.0.0"),
            ("^1.0.0", "1.1.0-beta.1"),
            ("*", "1.0.0-rc.1"),
        ];
        for (r, v) in no {
            assert_eq!(satisfies(r, v), Some(false), "{r} {v}");
        }
        assert_eq!(satisfies("latest", "1.0.0"), None);
        assert_eq!(satisfies("github:a/b", "1.0.0"), None);
        assert_eq!(satisfies("^1", "not-a-version"), None);
    }

    #[test]
    fn versions_order_like_node_semver() {
        let v = |s| Version::parse(s).expect(s);
        assert!(v("1.0.0-alpha") < v("1.0.0-alpha.1"));
        assert!(v("1.0.0-alpha.beta") < v("1.0.0-beta"));
        assert!(v("1.0.0-rc.1") < v("1.0.0"));
        assert!(v("1.2.10") > v("1.2.9"));
        assert_eq!(v("v1.2.3"), v("1.2.3"));
        assert_eq!(
            v("1.2.3+build.5").cmp(&v("1.2.3")),
            std::cmp::Ordering::Equal
        );
        assert_eq!(Version::parse("4.0.4_@types+node@17.0.45"), None);
        assert_eq!(satisfies("^4", "4.0.4_react@18"), None);
        // Found by fuzz_semver: an empty build identifier.
        assert_eq!(Version::parse("1.2.3-rc.1+b."), None);
        assert_eq!(Version::parse("1.2.3-"), None);
        assert_eq!(Version::parse("1.2.3-rc.3-rc.1+1+b.5"), None);
        assert_eq!(Version::parse("1.2.3.-rc.1+b.5.5"), None);
    }

    proptest::proptest! {
        #![proptest_config(crate::fuzzing::config())]

        /// Ranges and versions, arbitrary or mutated: no panic, and an exact version always
        /// satisfies itself.
        #[test]
        fn fuzz_semver(
            range in crate::fuzzing::mutated_text(">=1.2.3-rc.1 <2 || ^0.0.4 || 1.x - 3.4 || ~1.2"),
            version in crate::fuzzing::mutated_text("1.2.3-rc.1+b.5"),
        ) {
            let _ = satisfies(&range, &version);
            if let Some(v) = Version::parse(&version) {
                proptest::prop_assert!(v == v.clone());
                let exact = version.trim().trim_start_matches(['v', '=']).to_string();
                if Version::parse(&exact).is_some() && !exact.contains(' ') {
                    proptest::prop_assert_eq!(satisfies(&exact, &exact), Some(true), "{}", exact);
                }
            }
        }
    }
}
