//! Helpers shared by the ecosystem readers and by `affected`, below both: the discovery
//! context, meaning-level effects, path utilities, lockfile graphs and the small parsers.

mod ctx;
mod effect;
pub(crate) mod lock;
pub(crate) mod paths;
pub(crate) mod semver;
pub(crate) mod xml;
pub(crate) mod yaml;

pub(crate) use ctx::{parse_toml, toml_strings, Ctx};
pub(crate) use effect::{json_at, lock_at, parse_lock, read_at, Effect, Sides};

/// A value kept per thread by key: the one under `key` in this thread's `memo`, or `make()`
/// stored under it. The memo is emptied when it holds `keep` values (the keys it serves are
/// few: compiled globs, which a history audit asks for at every manifest change).
pub(crate) fn thread_memo<K, Q, V>(
    memo: &'static std::thread::LocalKey<std::cell::RefCell<foldhash::HashMap<K, V>>>,
    key: &Q,
    keep: usize,
    make: impl FnOnce() -> V,
) -> V
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: ToOwned<Owned = K> + std::hash::Hash + Eq + ?Sized,
    V: Clone,
{
    if let Some(hit) = memo.with(|m| m.borrow().get(key).cloned()) {
        return hit;
    }
    let value = make();
    memo.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= keep {
            m.clear();
        }
        m.insert(key.to_owned(), value.clone());
    });
    value
}
