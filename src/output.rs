//! Writing the result: standard output or `--output FILE`, with the exit codes README.md
//! documents.
//!
//! Two cases need care. A standard output the caller closed (`repohealth analyze >&-`) is an
//! error (exit 7): the report would be lost. The Rust runtime hides that case, because on
//! start-up it opens /dev/null on a closed descriptor 0, 1 or 2, after which every write
//! succeeds; so the binary records whether descriptor 1 was open before the runtime ran (see
//! `main.rs`) and this module asks that record. A reader that goes away early
//! (`repohealth affected | head -1`) is not an error: the reader has what it wanted, so the
//! write stops quietly and the command exits as if it had finished (git instead dies of
//! SIGPIPE, which shells report as 141; a clean exit keeps `set -o pipefail` scripts working).

use crate::error::{exit, user};
use anyhow::Result;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Record that standard output was closed when the process started (called by the binary
/// before the Rust runtime replaces the closed descriptor with /dev/null).
pub fn set_stdout_closed_at_start() {
    STDOUT_CLOSED.store(true, Ordering::Relaxed);
}

/// Write `text` to `path`, or to standard output when there is none.
pub fn write(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(p) => std::fs::write(p, text)
            .map_err(|e| user(exit::OUTPUT, format!("cannot write {}: {e}", p.display()))),
        None => write_stdout(text),
    }
}

fn write_stdout(text: &str) -> Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Err(user(
            exit::OUTPUT,
            "cannot write to standard output: it is closed (use --output FILE, or redirect it)",
        ));
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(user(
            exit::OUTPUT,
            format!("cannot write to standard output: {e}"),
        )),
    }
}
