//! The documented exit codes (README.md, "Exit codes"). Each stage has its own error type
//! (`git::GitError`, `config::ConfigError`, `pipeline::OpenError`, `cli::CliError`,
//! `output::OutputError`, `cache::CacheError`, `audit::collect::AuditError`);
//! `cli::exit_code` maps them to these codes, in one place. Everything else is an internal
//! error (exit 70), reported with its context chain.

/// Exit codes, documented in README.md. Stable: scripts depend on them.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// `--fail-under` gate: the chosen model's score is lower than the threshold.
    pub const GATE_FAILED: i32 = 1;
    /// Bad command line (unknown option, bad value). clap uses 2 as well.
    pub const USAGE: i32 = 2;
    /// The path is not a git repository (or cannot be opened as one).
    pub const NOT_A_REPO: i32 = 3;
    /// The repository has nothing to analyse: empty, unborn HEAD, missing trunk or revision.
    pub const NO_HISTORY: i32 = 4;
    /// Objects are missing or corrupt.
    pub const CORRUPT: i32 = 5;
    /// The configuration file is invalid.
    pub const BAD_CONFIG: i32 = 6;
    /// Writing the output failed.
    pub const OUTPUT: i32 = 7;
    /// Any other failure (a bug or an unexpected I/O error).
    pub const INTERNAL: i32 = 70;
}
