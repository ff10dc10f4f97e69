use clap::Parser;
use repohealth::cli;

/// Whether standard output is open, asked before the Rust runtime starts: the runtime opens
/// /dev/null on a closed descriptor 1, after which a closed stdout (`>&-`) cannot be told from
/// `>/dev/null`. A function in the initializer section runs before `main` and before that
/// runtime set-up (see `repohealth::output`).
#[cfg(unix)]
mod stdout_check {
    extern "C" fn check() {
        // SAFETY: F_GETFD only asks the descriptor table about descriptor 1; nothing changes.
        if unsafe { libc::fcntl(1, libc::F_GETFD) } == -1 {
            repohealth::output::set_stdout_closed_at_start();
        }
    }

    #[used]
    #[cfg_attr(
        any(
            target_os = "linux",
            target_os = "android",
            target_os = "freebsd",
            target_os = "netbsd",
            target_os = "openbsd",
            target_os = "dragonfly",
            target_os = "illumos",
            target_os = "solaris"
        ),
        link_section = ".init_array"
    )]
    #[cfg_attr(target_vendor = "apple", link_section = "__DATA,__mod_init_func")]
    static CHECK: extern "C" fn() = check;
}

fn main() {
    let parsed = cli::Cli::parse();
    let code = match cli::run(parsed) {
        Ok(code) => code,
        Err(e) => {
            let code = cli::exit_code(&e);
            eprintln!("error: {e:#}");
            code
        }
    };
    std::process::exit(code);
}

/// jemalloc: a full-history audit makes millions of small allocations on two threads; against
/// the system allocator it cut user time by a third and peak RSS by 7% (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read at its start (`_RJEM_MALLOC_CONF` in the environment still
/// overrides them). `thp:always`: the heap in transparent huge pages where the kernel allows
/// them, so a warm run faults in 2 MiB pages instead of 4 KiB ones; on a warm vite run that
/// halves the system time (docs/benchmarks.md).
#[repr(transparent)]
pub struct MallocConf(*const std::ffi::c_char);

// SAFETY: the pointer names a string constant, never written.
unsafe impl Sync for MallocConf {}

#[unsafe(export_name = "_rjem_malloc_conf")]
pub static MALLOC_CONF: MallocConf = MallocConf(c"thp:always".as_ptr());
