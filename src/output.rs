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

use anyhow::Result;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Writing the output failed (exit 7: `cli::exit_code`).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {}: {reason}", path.display())]
    File {
        path: PathBuf,
        reason: std::io::Error,
    },
    #[error("cannot write to standard output: it is closed (use --output FILE, or redirect it)")]
    StdoutClosed,
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
}

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Record that standard output was closed when the process started (called by the binary
/// before the Rust runtime replaces the closed descriptor with /dev/null).
pub fn set_stdout_closed_at_start() {
    STDOUT_CLOSED.store(true, Ordering::Relaxed);
}

/// Write `text` to `path`, or to standard output when there is none.
pub fn write(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(p) => std::fs::write(p, text).map_err(|reason| {
            OutputError::File {
                path: p.to_path_buf(),
                reason,
            }
            .into()
        }),
        None => write_stdout(text),
    }
}

fn write_stdout(text: &str) -> Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Err(OutputError::StdoutClosed.into());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(OutputError::Stdout(e).into()),
    }
}
