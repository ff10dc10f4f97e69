//! Fuzzing on stable Rust: property tests (proptest) that feed readers arbitrary and mutated
//! input. Every test is named `fuzz_*`. `cargo test` runs a short bounded set (256 cases each);
//! a long run takes its count from `FUZZ_CASES`:
//!
//! ```sh
//! FUZZ_CASES=100000 cargo test --release --lib fuzz_
//! ```
//!
//! A failure proptest finds is shrunk to a small input; each such input is kept as a plain
//! regression test beside the reader it broke.

use proptest::prelude::*;
use proptest::test_runner::Config;

/// Cases per target: `FUZZ_CASES`, else 256.
pub fn config() -> Config {
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or(256);
    Config {
        cases,
        // Failures become named regression tests; proptest writes no files of its own.
        failure_persistence: None,
        ..Config::default()
    }
}

/// One edit of a byte string.
#[derive(Clone, Debug)]
enum Edit {
    Insert(usize, u8),
    Delete(usize),
    Replace(usize, u8),
    /// Copy `len` bytes from `from` and insert them at `to` (repeats and nests structure).
    Repeat {
        from: usize,
        len: usize,
        to: usize,
    },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Replace(i, b)),
        (any::<usize>(), 1usize..64, any::<usize>()).prop_map(|(from, len, to)| Edit::Repeat {
            from,
            len,
            to
        }),
    ]
}

fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for e in edits {
        let n = v.len();
        match *e {
            Edit::Insert(i, b) => v.insert(i % (n + 1), b),
            Edit::Delete(i) if n > 0 => {
                v.remove(i % n);
            }
            Edit::Replace(i, b) if n > 0 => v[i % n] = b,
            Edit::Repeat { from, len, to } if n > 0 => {
                let from = from % n;
                let piece: Vec<u8> = v[from..(from + len).min(n)].to_vec();
                let to = to % (n + 1);
                v.splice(to..to, piece);
            }
            _ => {}
        }
    }
    v
}

/// Inputs for a reader whose well-formed input looks like `seed`: that input with up to 16
/// random edits (most cases), or bytes with no structure at all.
pub fn mutated(seed: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::collection::vec(edit(), 0..16).prop_map(move |e| apply(seed.as_bytes(), &e)),
        1 => prop::collection::vec(any::<u8>(), 0..256),
    ]
}

/// [`mutated`] as text (invalid UTF-8 replaced), for readers that take `&str`.
pub fn mutated_text(seed: &'static str) -> impl Strategy<Value = String> {
    mutated(seed).prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_stay_in_bounds() {
        let e = [
            Edit::Insert(99, b'x'),
            Edit::Delete(7),
            Edit::Replace(3, b'y'),
            Edit::Repeat {
                from: 1,
                len: 50,
                to: 100,
            },
        ];
        // "abc" + x at 3, x deleted, y over a, then "bc" repeated at the front.
        assert_eq!(apply(b"abc", &e), b"bcybc".to_vec());
        assert_eq!(apply(b"", &e[1..]), Vec::<u8>::new());
    }
}
